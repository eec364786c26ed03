//! The dossiers journey, one method per thing the citizen does: add a dossier (typed or read
//! from the receipt's QR code), read the list and one dossier offline, remove one, ask the
//! question box, read the procedures guide. The background sync is [`Engine::sync_dossiers`].

use std::sync::OnceLock;
use std::time::Duration;

use model::ask::{Answer, Answerer, Candidate, LocalAnswerer};
use model::dossier::{DossierCode, MAX_TRACKED, TrackedPair, normalize_check};
use model::dossier_dto::{AddDossierAnswer, DossierDetail, DossierSummary, ReceiptReading};
use model::dto::Connection;
use model::guide::Guide;
use model::service::Localized;
use model::workdays::WorkCalendar;

use super::{Engine, lock};
use crate::bundled;
use crate::dossiers;
use crate::error::CoreError;
use crate::qr::{self, QrError};
use crate::store::Tracked;
use crate::sync::PullError;
use crate::sync::dossiers::{LookupAnswer, Pulled, look_up, pull};
use crate::sync::worker::now_ms;

/// How long "add" waits for the city before keeping the dossier to look up later: the
/// citizen is waiting on the button.
const ADD_LOOKUP_BOUND: Duration = Duration::from_secs(8);
/// Most answers the question box shows.
const ASK_LIMIT: usize = 8;

/// The working-day calendar shipped with the app, read once; `None` (logged) if it were
/// invalid, and then every deadline reads "not available".
fn calendar() -> Option<&'static WorkCalendar> {
    static CALENDAR: OnceLock<Option<WorkCalendar>> = OnceLock::new();
    CALENDAR
        .get_or_init(|| {
            WorkCalendar::bundled()
                .inspect_err(|err| tracing::error!(%err, "bundled holiday file is invalid"))
                .ok()
        })
        .as_ref()
}

/// The procedures guide shipped with the app, read once.
fn guide() -> Result<&'static Guide, CoreError> {
    static GUIDE: OnceLock<Option<Guide>> = OnceLock::new();
    GUIDE
        .get_or_init(|| {
            bundled::procedures_guide()
                .inspect_err(|err| tracing::error!(%err, "bundled procedures guide is invalid"))
                .ok()
        })
        .as_ref()
        .ok_or(CoreError::BundledData)
}

fn today() -> chrono::NaiveDate {
    dossiers::hcmc_today(chrono::Utc::now())
}

impl Engine {
    /// Adds a dossier by its code and check value. Online, the city is asked at once: found,
    /// it is kept with the answer; not found, nothing is kept and the citizen looks at the
    /// receipt again. Offline, or when the city cannot answer now, it is kept as waiting and
    /// the background sync looks it up.
    pub async fn add_dossier(
        &self,
        code: &str,
        check: &str,
    ) -> Result<AddDossierAnswer, CoreError> {
        let code = DossierCode::parse(code).ok_or(CoreError::DossierCode)?;
        let check = normalize_check(check).ok_or(CoreError::CheckValue)?;
        let (known, count, language) = self.with_ready(|r| {
            Ok((
                r.store.dossier_by_code(code.as_str())?.is_some(),
                r.store.dossier_count()?,
                r.store.language()?,
            ))
        })?;
        if !known && count >= MAX_TRACKED {
            return Err(CoreError::TooManyDossiers);
        }
        let pair = TrackedPair {
            code: code.as_str().to_owned(),
            check: check.clone(),
        };
        let answer = if known {
            None
        } else {
            self.look_up_now(&pair, language).await
        };
        let (found, wait) = match answer {
            Some(LookupAnswer::NotFound) => return Ok(AddDossierAnswer::NotFound),
            Some(LookupAnswer::Found(d)) => (Some(d), None),
            Some(LookupAnswer::Later { not_before_ms }) => (None, not_before_ms),
            None => (None, None),
        };
        let checked_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let origin = self.api_url();
        let tracked = self.with_ready(|r| {
            if let Some(until) = wait {
                r.store.delay_dossier_sync(origin.as_str(), until)?;
            }
            Ok(r.store.track_dossier(
                &pair.code,
                &pair.check,
                found.as_deref().map(|d| (d, checked_at.as_str())),
                now_ms(),
                origin.as_str(),
            )?)
        })?;
        match tracked {
            Tracked::Added { id, lookup } => Ok(AddDossierAnswer::Added { id, lookup }),
            Tracked::AlreadyTracked { id, .. } => Ok(AddDossierAnswer::AlreadyTracked { id }),
            Tracked::Full => Err(CoreError::TooManyDossiers),
        }
    }

    /// `None` when the city is not asked (known to be offline, no HTTP client) or does not
    /// answer within the bound.
    async fn look_up_now(
        &self,
        pair: &TrackedPair,
        language: model::Language,
    ) -> Option<LookupAnswer> {
        if lock(&self.connection).0.state == Connection::Offline {
            return None;
        }
        let client = self.client.as_ref()?;
        match look_up(
            client.http(),
            &self.api_url(),
            pair,
            language,
            ADD_LOOKUP_BOUND,
        )
        .await
        {
            Ok(answer) => Some(answer),
            Err(err) => {
                tracing::debug!(%err, "dossier lookup failed; kept to look up later");
                None
            }
        }
    }

    /// What the QR codes in a photo of a receipt hold. A picture without a readable code is an
    /// answer (`NoQrCode`), not an error; a file that is no picture is the photo's error. Slow
    /// (up to a second on a cheap phone): call it off the async threads.
    pub fn read_receipt_qr(&self, bytes: &[u8]) -> Result<ReceiptReading, CoreError> {
        match qr::read_qr(bytes) {
            Ok(texts) => Ok(dossiers::choose_reading(&texts)),
            Err(QrError::NotFound | QrError::Unreadable) => Ok(ReceiptReading::NoQrCode),
            Err(err @ QrError::Photo(_)) => Err(err.into()),
        }
    }

    /// Every tracked dossier, newest first, readable offline; those added with another city
    /// address than the one in use say which.
    pub fn my_dossiers(&self) -> Result<Vec<DossierSummary>, CoreError> {
        let (cal, today) = (calendar(), today());
        let current = self.api_url();
        self.with_ready(|r| {
            Ok(r.store
                .dossiers()?
                .iter()
                .map(|row| dossiers::summary(row, cal, today, current.as_str()))
                .collect())
        })
    }

    /// One dossier with the city's last answer; opening it marks its news as seen.
    pub fn dossier_detail(&self, id: i64) -> Result<DossierDetail, CoreError> {
        let (cal, today) = (calendar(), today());
        let current = self.api_url();
        self.with_ready(|r| {
            let row = r.store.dossier(id)?.ok_or(CoreError::UnknownDossier)?;
            r.store.mark_dossier_seen(id)?;
            let mut summary = dossiers::summary(&row, cal, today, current.as_str());
            summary.unseen = false;
            Ok(DossierDetail {
                summary,
                dossier: row.dossier,
                checked_at: row.checked_at,
            })
        })
    }

    pub fn remove_dossier(&self, id: i64) -> Result<(), CoreError> {
        self.with_ready(|r| match r.store.remove_dossier(id)? {
            true => Ok(()),
            false => Err(CoreError::UnknownDossier),
        })
    }

    /// How many tracked dossiers have news the citizen has not opened.
    pub fn dossiers_unseen(&self) -> Result<usize, CoreError> {
        self.with_ready(|r| Ok(r.store.unseen_dossiers()?))
    }

    /// The question box, answered from the device only: the procedures guide, the city's
    /// feedback fields and the tracked dossiers (by procedure or by code).
    pub fn ask(&self, question: &str) -> Result<Answer, CoreError> {
        let guide = guide()?;
        let candidates = self.with_ready(|r| {
            let mut all = Candidate::procedures(guide);
            all.extend(Candidate::feedback_fields(r.services.catalog()));
            for row in r.store.dossiers()? {
                let name = row
                    .dossier
                    .as_ref()
                    .map_or_else(|| row.code.clone(), |d| d.procedure.clone());
                let title = Localized {
                    vi: name.clone(),
                    en: name,
                };
                all.push(Candidate::dossier(&row.code, &title));
            }
            Ok(all)
        })?;
        Ok(LocalAnswerer::new(candidates).answer(question, ASK_LIMIT))
    }

    pub fn procedure_guide(&self) -> Result<Guide, CoreError> {
        Ok(guide()?.clone())
    }

    /// One sync of every dossier tracked with the address in use (one request); the news is for
    /// the notification.
    pub async fn sync_dossiers(&self) -> Result<Pulled, PullError> {
        let client = self.client.as_ref().ok_or(CoreError::NoHttpClient)?;
        let language = self.with_ready(|r| Ok(r.store.language()?))?;
        pull(client.http(), &self.api_url(), language, self).await
    }
}
