//! The feedback journey, one method per thing the citizen does: choose a category, write (the
//! draft is saved on every change), add photos, send (saved and queued before the answer), follow
//! a report nearby, read their reports, rate the result or say it is not fixed.

use std::collections::HashSet;

use model::draft::{Draft, DraftProblem, consent_to_keep, draft_from_form};
use model::feedback::{
    MAX_NOTE_CHARS, MAX_PHOTOS, PhotoPurpose, RatingForm, ReopenForm, RequestStatus, Satisfaction,
};
use model::geo::Point;
use model::open311::ServiceRequest;
use model::report_dto::{
    DraftDto, Nearby, PhotoDto, ReportDetail, ReportSummary, SubmitAnswer, WardReports,
};
use model::service::ServiceCatalog;
use model::{ApiBaseUrl, WardCode, feedback};

use super::{Engine, Ready};
use crate::error::CoreError;
use crate::photo;
use crate::reports;
use crate::store::{NewPendingPhoto, OutboxKind, ReportRow, Store};
use crate::sync::transport::{self, LinkError};
use crate::sync::worker::now_ms;
use model::trust::OwnerKey;

/// A new report's owner key: 256 bits from the OS RNG, never derived from the device.
fn new_owner_key() -> Result<OwnerKey, CoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| CoreError::Random)?;
    Ok(OwnerKey::from_bytes(bytes))
}

#[derive(Debug, thiserror::Error)]
enum ListError {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error("the city API answered {0}")]
    Status(u16),
    #[error("the city API sent a list the app cannot read")]
    Body,
    #[error("no HTTP client")]
    NoClient,
}

/// Most reports "is this yours?" shows.
const NEARBY_LIMIT: usize = 10;
/// Largest public list read for a ward (1000 reports of a few KB).
const MAX_LIST_ANSWER: usize = 8 * 1024 * 1024;

/// One report as the detail screen shows it; `current` is the city API address in use.
fn detail_of(store: &Store, row: &ReportRow, current: &str) -> rusqlite::Result<ReportDetail> {
    let items = store
        .item_briefs(Some(row.id))?
        .remove(&row.id)
        .unwrap_or_default();
    let photos = store.report_photos(row.id)?;
    let city_photo = |url: &str| {
        let (id, p) = store.city_media(url).ok().flatten()?;
        Some(PhotoDto {
            id,
            thumb: reports::data_url(&p.mime, &p.bytes),
            bytes: p.bytes.len(),
            has_place: false,
        })
    };
    Ok(reports::detail(row, &items, &photos, city_photo, current))
}

fn note(text: &str, required: bool) -> Result<Option<String>, CoreError> {
    let n = feedback::text(Some(text), "note", MAX_NOTE_CHARS).map_err(CoreError::Note)?;
    if required && n.is_none() {
        return Err(CoreError::NoteMissing);
    }
    Ok(n)
}

impl Engine {
    /// The categories, in the city's order, both languages.
    pub fn services(&self) -> Result<ServiceCatalog, CoreError> {
        self.with_ready(|r| Ok(r.services.catalog().clone()))
    }

    /// Codes of the categories matching `query` (names and keywords, diacritics optional).
    pub fn search_services(&self, query: &str) -> Result<Vec<String>, CoreError> {
        self.with_ready(|r| Ok(r.services.search(query)))
    }

    fn draft_dto(r: &Ready) -> Result<DraftDto, CoreError> {
        let (draft, saved_ms) = match r.store.draft()? {
            Some((d, at)) => (d, Some(at)),
            None => (Draft::default(), None),
        };
        let photos = r.store.pending_photos(PhotoPurpose::Report, None)?;
        Ok(DraftDto {
            draft,
            photos: photos.iter().map(reports::photo_dto).collect(),
            saved_ms,
        })
    }

    pub fn draft(&self) -> Result<DraftDto, CoreError> {
        self.with_ready(|r| Self::draft_dto(r))
    }

    /// Saves what is on screen (called as the citizen types); returns when it was saved. An
    /// anonymous draft keeps no contact details. The consent box ticked is recorded here, on
    /// the device, with the text's version and the moment it was first saved ticked.
    pub fn save_draft(&self, mut draft: Draft) -> Result<i64, CoreError> {
        if draft.identity == model::draft::Identity::Anonymous {
            draft.forget_contact();
        }
        let now = now_ms();
        self.with_ready(|r| {
            let kept = r.store.draft_consent()?;
            let consent = consent_to_keep(draft.consent, kept, chrono::Utc::now());
            Ok(r.store.save_draft(&draft, consent, now)?)
        })?;
        Ok(now)
    }

    pub fn discard_draft(&self) -> Result<DraftDto, CoreError> {
        self.with_ready(|r| {
            r.store.discard_draft()?;
            Self::draft_dto(r)
        })
    }

    /// How many photos of `purpose` already count against the city's limit: waiting with the
    /// draft (and on the refused report it fixes), or for `report`'s "not fixed" answer (and
    /// already on it from an earlier one).
    fn photos_counted(
        r: &Ready,
        purpose: PhotoPurpose,
        report: Option<i64>,
    ) -> Result<usize, CoreError> {
        let on_report = match purpose {
            PhotoPurpose::Report => r
                .store
                .draft()?
                .and_then(|(d, _)| d.resend_of)
                .map(|outbox_id| r.store.outbox_item(outbox_id))
                .transpose()?
                .flatten()
                .map(|item| item.report_id),
            PhotoPurpose::Reopen => report,
        };
        Ok(r.store.photo_count(purpose, report, on_report)?)
    }

    /// Which report's "not fixed" photos these are: one on this device for `Reopen`, none for
    /// the draft's.
    fn photo_report(
        r: &Ready,
        purpose: PhotoPurpose,
        report: Option<i64>,
    ) -> Result<Option<i64>, CoreError> {
        match (purpose, report) {
            (PhotoPurpose::Report, _) => Ok(None),
            (PhotoPurpose::Reopen, Some(id)) if r.store.report(id)?.is_some() => Ok(Some(id)),
            (PhotoPurpose::Reopen, _) => Err(CoreError::UnknownReport),
        }
    }

    /// Checks, shrinks and strips a photo, then keeps it with the draft (or with `report`'s
    /// "not fixed" answer). Photos already queued with the report count against the limit.
    /// The slow part runs before the store is taken.
    pub fn add_photo(
        &self,
        purpose: PhotoPurpose,
        report: Option<i64>,
        bytes: &[u8],
    ) -> Result<PhotoDto, CoreError> {
        let count = self.with_ready(|r| {
            let report = Self::photo_report(r, purpose, report)?;
            Self::photos_counted(r, purpose, report)
        })?;
        if count >= MAX_PHOTOS {
            return Err(CoreError::TooManyPhotos);
        }
        let prepared = photo::prepare(bytes)?;
        let pending = NewPendingPhoto {
            place: prepared.taken_at.map(|p| (p.lat(), p.lon())),
            photo: prepared.photo,
            thumb: prepared.thumb,
        };
        self.with_ready(|r| {
            // Counted again under the lock: two quick taps must not make six.
            let report = Self::photo_report(r, purpose, report)?;
            if Self::photos_counted(r, purpose, report)? >= MAX_PHOTOS {
                return Err(CoreError::TooManyPhotos);
            }
            let id = r
                .store
                .add_pending_photo(purpose, report, &pending, now_ms())?;
            Ok(PhotoDto {
                id,
                thumb: reports::data_url("image/jpeg", &pending.thumb),
                bytes: pending.photo.bytes.len(),
                has_place: pending.place.is_some(),
            })
        })
    }

    pub fn remove_photo(&self, id: i64) -> Result<(), CoreError> {
        self.with_ready(|r| match r.store.remove_pending_photo(id)? {
            true => Ok(()),
            false => Err(CoreError::UnknownReport),
        })
    }

    /// Photos waiting for the draft, or for `report`'s "not fixed" answer.
    pub fn pending_photos(
        &self,
        purpose: PhotoPurpose,
        report: Option<i64>,
    ) -> Result<Vec<PhotoDto>, CoreError> {
        self.with_ready(|r| {
            let report = Self::photo_report(r, purpose, report)?;
            Ok(r.store
                .pending_photos(purpose, report)?
                .iter()
                .map(reports::photo_dto)
                .collect())
        })
    }

    /// Where a photo was taken, to offer as the report's place when the citizen shares it.
    pub fn photo_place(&self, id: i64) -> Result<Option<(f64, f64)>, CoreError> {
        self.with_ready(|r| {
            Ok(r.store
                .pending_photos(PhotoPurpose::Report, None)?
                .into_iter()
                .find(|p| p.id == id)
                .and_then(|p| p.place))
        })
    }

    /// Sends the draft: checked by the city's rules, then the report (with its own new owner
    /// key, kept in its form, and bound to the city API address in use), its photos and their
    /// outbox rows are saved in one transaction. When this returns `Queued`, the report is on
    /// disk and will go out by itself.
    pub fn submit_draft(&self) -> Result<SubmitAnswer, CoreError> {
        let now = now_ms();
        let fresh_key = new_owner_key()?;
        let origin = self.api_url();
        self.with_ready(|r| {
            let draft = r.store.draft()?.map(|(d, _)| d).unwrap_or_default();
            // A resend keeps the report's key: its photos, queued already, carry it.
            let kept_key = match draft.resend_of {
                Some(item) => r.store.refused_report(item)?.and_then(|row| {
                    model::form::field(&row.form, model::trust::owner::FIELD)
                        .and_then(OwnerKey::parse)
                }),
                None => None,
            };
            let owner_key = kept_key.unwrap_or(fresh_key);
            let units = r.wards.all();
            let consent = r.store.draft_consent()?;
            let form = match draft.to_form(r.services.catalog(), units, &owner_key, consent) {
                Ok(form) => form,
                Err(problem) => return Ok(SubmitAnswer::Incomplete { problem }),
            };
            let report_id = r.store.submit_draft(&form, draft.resend_of, &origin, now)?;
            Ok(SubmitAnswer::Queued { report_id })
        })
    }

    /// Checks the draft without sending it (the review step shows what is missing).
    pub fn check_draft(&self) -> Result<Option<DraftProblem>, CoreError> {
        self.with_ready(|r| {
            let draft = r.store.draft()?.map(|(d, _)| d).unwrap_or_default();
            // Any well-formed key checks the same; the real one is made when the report goes.
            let placeholder = OwnerKey::from_bytes([0; 32]);
            let consent = r.store.draft_consent()?;
            Ok(draft
                .to_form(r.services.catalog(), r.wards.all(), &placeholder, consent)
                .err())
        })
    }

    /// Opens a report the city refused in the form again, to fix and resend. The current
    /// draft is replaced only when it is empty (nothing typed is thrown away).
    pub fn fix_refused(&self, report_id: i64) -> Result<DraftDto, CoreError> {
        self.with_ready(|r| {
            let row = r.store.report(report_id)?.ok_or(CoreError::UnknownReport)?;
            let refused = r
                .store
                .item_briefs(Some(report_id))?
                .remove(&report_id)
                .unwrap_or_default()
                .into_iter()
                .find(|i| {
                    i.kind == OutboxKind::Report
                        && i.state == crate::store::ItemState::NeedsAttention
                })
                .ok_or(CoreError::NotNow)?;
            let current = r.store.draft()?.map(|(d, _)| d).unwrap_or_default();
            if current != Draft::default() && current.resend_of != Some(refused.id) {
                return Err(CoreError::NotNow);
            }
            let mut draft = draft_from_form(&row.form);
            draft.resend_of = Some(refused.id);
            r.store.save_draft(&draft, None, now_ms())?;
            Self::draft_dto(r)
        })
    }

    /// The citizen's reports (filed and followed), newest first.
    pub fn my_reports(&self) -> Result<Vec<ReportSummary>, CoreError> {
        let current = self.api_url();
        self.with_ready(|r| {
            let items = r.store.item_briefs(None)?;
            Ok(r.store
                .reports()?
                .iter()
                .map(|row| {
                    let items = items.get(&row.id).map_or(&[][..], Vec::as_slice);
                    reports::summary(row, items, current.as_str())
                })
                .collect())
        })
    }

    /// How many reports have news the citizen has not looked at.
    pub fn unseen_count(&self) -> Result<usize, CoreError> {
        self.with_ready(|r| Ok(r.store.unseen_reports()?.len()))
    }

    /// One report with its timeline; looking at it marks its news as seen.
    pub fn report_detail(&self, id: i64) -> Result<ReportDetail, CoreError> {
        let current = self.api_url();
        self.with_ready(|r| {
            let row = r.store.report(id)?.ok_or(CoreError::UnknownReport)?;
            let detail = detail_of(&r.store, &row, current.as_str())?;
            r.store.mark_seen(id)?;
            Ok(detail)
        })
    }

    /// A photo at full size, as a `data:` URL (`city`: one the city attached).
    pub fn photo(&self, id: i64, city: bool) -> Result<String, CoreError> {
        self.with_ready(|r| {
            let photo = if city {
                r.store.city_media_by_id(id)?
            } else {
                r.store.photo(id)?
            };
            let p = photo.ok_or(CoreError::UnknownReport)?;
            Ok(reports::data_url(&p.mime, &p.bytes))
        })
    }

    /// The report's detail and its owner key, when the citizen may follow it up (filed here,
    /// known to the city, with a key: a report filed before owner keys cannot be).
    fn followup_allowed(
        r: &Ready,
        id: i64,
        current: &str,
    ) -> Result<(ReportDetail, OwnerKey), CoreError> {
        let row = r.store.report(id)?.ok_or(CoreError::UnknownReport)?;
        if row.followed || row.server_id.is_none() {
            return Err(CoreError::NotNow);
        }
        let key = model::form::field(&row.form, model::trust::owner::FIELD)
            .and_then(OwnerKey::parse)
            .ok_or(CoreError::NotNow)?;
        Ok((detail_of(&r.store, &row, current)?, key))
    }

    /// Rates how the report was resolved; queued, sent after everything before it.
    pub fn rate(
        &self,
        id: i64,
        satisfaction: Satisfaction,
        comment: &str,
    ) -> Result<ReportDetail, CoreError> {
        let comment = note(comment, false)?;
        let current = self.api_url();
        self.with_ready(|r| {
            let (detail, owner_key) = Self::followup_allowed(r, id, current.as_str())?;
            if !detail.can_rate() {
                return Err(CoreError::NotNow);
            }
            let form = RatingForm {
                owner_key,
                satisfaction,
                comment,
            };
            r.store
                .save_followup(id, OutboxKind::Rating, &form.to_pairs(), &[], now_ms())?;
            let row = r.store.report(id)?.ok_or(CoreError::UnknownReport)?;
            Ok(detail_of(&r.store, &row, current.as_str())?)
        })
    }

    /// "Not fixed": re-opens a resolved report, with a note and the photos added for it.
    pub fn not_fixed(&self, id: i64, description: &str) -> Result<ReportDetail, CoreError> {
        let description = note(description, true)?.ok_or(CoreError::NoteMissing)?;
        let current = self.api_url();
        self.with_ready(|r| {
            let (detail, owner_key) = Self::followup_allowed(r, id, current.as_str())?;
            let open = detail
                .reopen_until
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|until| until > chrono::Utc::now());
            if detail.summary.status != Some(RequestStatus::Resolved) || !open {
                return Err(CoreError::NotNow);
            }
            let form = ReopenForm {
                owner_key,
                description,
            };
            r.store.submit_reopen(id, &form.to_pairs(), now_ms())?;
            let row = r.store.report(id)?.ok_or(CoreError::UnknownReport)?;
            Ok(detail_of(&r.store, &row, current.as_str())?)
        })
    }

    async fn list_requests(
        &self,
        base: &ApiBaseUrl,
        query: Vec<(&str, String)>,
    ) -> Result<Vec<ServiceRequest>, ListError> {
        let client = self.client.as_ref().ok_or(ListError::NoClient)?.http();
        let url = base.join("open311/v2/requests.json");
        let answer = transport::get(client, &url, &query, None, MAX_LIST_ANSWER).await?;
        if answer.status != 200 {
            return Err(ListError::Status(answer.status));
        }
        serde_json::from_slice(&answer.body).map_err(|_| ListError::Body)
    }

    /// "Is this yours?": open reports of the draft's category in its ward (or near its
    /// position). Offline, the check is skipped; sending works the same.
    pub async fn nearby(&self) -> Result<Nearby, CoreError> {
        let current = self.api_url();
        // The position counts only when the citizen chose "where I am".
        let asked = self.with_ready(|r| {
            let draft = r.store.draft()?.map(|(d, _)| d).unwrap_or_default();
            let from = (draft.place_mode == model::draft::PlaceMode::Here)
                .then(|| draft.lat.zip(draft.lon).and_then(|(a, b)| Point::new(a, b)))
                .flatten();
            let ward = match from {
                Some(p) => model::geo::unit_at(r.wards.all(), p).map(|u| u.code.to_string()),
                None => draft.ward_code.clone(),
            };
            let Some((code, ward)) = draft.service_code.clone().zip(ward) else {
                return Ok(None);
            };
            let triage = r.services.catalog().get(&code).is_none_or(|s| s.triage);
            let known: HashSet<String> = r.store.known_server_ids(&current)?.into_iter().collect();
            Ok(Some((code, ward, triage, from, known)))
        })?;
        let Some((code, ward, triage, from, known)) = asked else {
            return Ok(Nearby::NotAsked);
        };
        let mut query = vec![
            ("status", "open".to_owned()),
            ("ward_code", ward),
            ("page_size", "200".to_owned()),
        ];
        if !triage {
            query.push(("service_code", code));
        }
        match self.list_requests(&current, query).await {
            Ok(list) => Ok(Nearby::Found {
                reports: reports::rank_nearby(list, from, &known, NEARBY_LIMIT),
            }),
            Err(err) => {
                tracing::debug!(%err, "nearby check failed");
                Ok(Nearby::Offline)
            }
        }
    }

    /// "Me too": follows a report the city has (checked with the city first).
    pub async fn follow(&self, server_id: &str) -> Result<i64, CoreError> {
        if !transport::is_id(server_id) {
            return Err(CoreError::UnknownReport);
        }
        // Asked and followed on the same address, even if Settings change in between.
        let origin = self.api_url();
        let list = self
            .list_requests(&origin, vec![("service_request_id", server_id.to_owned())])
            .await
            .map_err(|_| CoreError::Offline)?;
        let report = list
            .into_iter()
            .find(|r| r.service_request_id == server_id)
            .ok_or(CoreError::UnknownReport)?;
        let json = serde_json::to_string(&report).map_err(|_| CoreError::UnknownReport)?;
        self.with_ready(|r| {
            Ok(r.store.follow(
                server_id,
                report.detailed_status.as_str(),
                report.change_seq,
                &json,
                &origin,
                now_ms(),
            )?)
        })
    }

    /// A ward's public list of reports: fetched when the city API answers, else the copy kept
    /// from last time.
    pub async fn ward_reports(&self, code: &str) -> Result<WardReports, CoreError> {
        let code = WardCode::parse(code).map_err(|_| CoreError::UnknownWard)?;
        self.with_ready(|r| match r.wards.get(&code) {
            Some(_) => Ok(()),
            None => Err(CoreError::UnknownWard),
        })?;
        let fetched = self
            .list_requests(
                &self.api_url(),
                vec![
                    ("ward_code", code.to_string()),
                    ("page_size", "200".to_owned()),
                ],
            )
            .await;
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.with_ready(|r| match fetched {
            Ok(list) => {
                let json = serde_json::to_string(&list).unwrap_or_else(|_| "[]".into());
                r.store.save_ward_reports(code.as_str(), &json, &at)?;
                Ok(WardReports {
                    ward_code: code.to_string(),
                    reports: list,
                    fetched_at: Some(at),
                    offline: false,
                })
            }
            Err(_) => {
                let kept = r.store.ward_reports(code.as_str())?;
                let (reports, fetched_at) = match kept {
                    Some((json, at)) => (serde_json::from_str(&json).unwrap_or_default(), Some(at)),
                    None => (Vec::new(), None),
                };
                Ok(WardReports {
                    ward_code: code.to_string(),
                    reports,
                    fetched_at,
                    offline: true,
                })
            }
        })
    }
}
