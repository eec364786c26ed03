//! The city's answers about tracked dossiers: one lookup when the citizen adds one, and the
//! background sync that asks about all of them in one request (`POST /api/v1/dossiers/changes`),
//! never one request per dossier.
//!
//! The cursor: a dossier added offline ("waiting") has never been answered, and the changes
//! route only lists what changed after the cursor, so while any waiting dossier exists the
//! request asks with cursor 0 (everything, for every pair). The answer and the new cursor are
//! stored in one transaction, per city address; an answer the city cut short (`complete: false`, too many wrong
//! pairs) keeps the old cursor and waits its `Retry-After`, as does a 429.

use std::time::Duration;

use model::dossier::{ChangesAnswer, ChangesRequest, Dossier, MAX_TRACKED, TrackedPair};
use model::dossier_dto::{DossierNews, Lookup};
use model::{ApiBaseUrl, Language};

use super::policy::RETRY_AFTER_MAX;
use super::transport::{self, LinkError};
use super::worker::{PullError, StoreAccess, now_ms};
use crate::store::Applied;

/// Largest answer about one dossier (a long timeline is a few KB).
const MAX_DOSSIER_ANSWER: usize = 256 * 1024;
/// Largest sync answer: up to 500 dossiers of a few KB each.
const MAX_CHANGES_ANSWER: usize = 8 * 1024 * 1024;
/// How long to wait when the city says "later" without saying how long.
const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// What the city said to one lookup.
#[derive(Clone, Debug, PartialEq)]
pub enum LookupAnswer {
    Found(Box<Dossier>),
    /// No dossier has this code and check value (the same answer for either being wrong).
    NotFound,
    /// Not now (throttled, the city in trouble, an answer the app cannot read): the dossier
    /// is kept and the sync asks again; `not_before_ms` when the city said how long to wait.
    Later {
        not_before_ms: Option<i64>,
    },
}

fn locale(language: Language) -> (&'static str, String) {
    ("locale", language.tag().to_owned())
}

/// `GET api/v1/dossiers/{code}?check=…`, in the citizen's language, bounded by `bound` as a
/// whole (the citizen is waiting on the "add" button).
pub async fn look_up(
    http: &reqwest::Client,
    base: &ApiBaseUrl,
    pair: &TrackedPair,
    language: Language,
    bound: Duration,
) -> Result<LookupAnswer, LinkError> {
    let url = base.join(&format!("api/v1/dossiers/{}", pair.code));
    let response = http
        .get(url)
        .query(&[("check", pair.check.clone()), locale(language)])
        .timeout(bound)
        .send()
        .await?;
    let answer = transport::read(response, MAX_DOSSIER_ANSWER).await?;
    Ok(match answer.status {
        200 => match serde_json::from_slice::<Dossier>(&answer.body) {
            Ok(d) => LookupAnswer::Found(Box::new(d)),
            Err(err) => {
                tracing::warn!(%err, "the city's dossier answer is unreadable");
                LookupAnswer::Later {
                    not_before_ms: None,
                }
            }
        },
        404 => LookupAnswer::NotFound,
        // Too many wrong check values from this device: the sync waits as long too.
        429 => LookupAnswer::Later {
            not_before_ms: Some(wait_until(now_ms(), answer.retry_after)),
        },
        _ => LookupAnswer::Later {
            not_before_ms: None,
        },
    })
}

/// What one sync did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pulled {
    /// No dossier to ask about.
    Nothing,
    /// The city asked the app to wait; not asked now.
    Later,
    /// Asked and stored; `complete`: every pair was looked at.
    Done {
        news: Vec<DossierNews>,
        complete: bool,
    },
}

fn wait_until(now: i64, wait: Option<Duration>) -> i64 {
    let wait = wait.unwrap_or(DEFAULT_WAIT).min(RETRY_AFTER_MAX);
    now.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX))
}

/// The request for these rows: every pair still worth asking about (not "not found"), and
/// cursor 0 while one of them has never been answered.
pub fn request_for(rows: &[crate::store::DossierRow], cursor: i64) -> ChangesRequest {
    let asked: Vec<_> = rows
        .iter()
        .filter(|r| r.lookup != Lookup::NotFound)
        .take(MAX_TRACKED)
        .collect();
    let waiting = asked.iter().any(|r| r.lookup == Lookup::Waiting);
    ChangesRequest {
        cursor: if waiting { 0 } else { cursor },
        dossiers: asked
            .iter()
            .map(|r| TrackedPair {
                code: r.code.clone(),
                check: r.check.clone(),
            })
            .collect(),
    }
}

/// One sync of every dossier tracked with `base` (see the module's documentation): those
/// added with another city address are not sent here.
pub async fn pull(
    http: &reqwest::Client,
    base: &ApiBaseUrl,
    language: Language,
    store: &impl StoreAccess,
) -> Result<Pulled, PullError> {
    let origin = base.as_str();
    let (rows, sync) =
        store.with_store(|s| Ok((s.dossiers_of(origin)?, s.dossier_sync(origin)?)))?;
    let now = now_ms();
    if sync.not_before_ms > now {
        return Ok(Pulled::Later);
    }
    let request = request_for(&rows, sync.cursor);
    if request.dossiers.is_empty() {
        return Ok(Pulled::Nothing);
    }
    let url = base.join("api/v1/dossiers/changes");
    let answer = transport::post_json(
        http,
        &url,
        &[locale(language)],
        &request,
        MAX_CHANGES_ANSWER,
    )
    .await?;
    let now = now_ms();
    match answer.status {
        200 => {}
        429 => {
            let until = wait_until(now, answer.retry_after);
            store.with_store(|s| s.delay_dossier_sync(origin, until))?;
            return Ok(Pulled::Later);
        }
        other => return Err(PullError::Status(other)),
    }
    let Ok(changes) = serde_json::from_slice::<ChangesAnswer>(&answer.body) else {
        tracing::warn!("the city's dossier sync answer is unreadable");
        return Err(PullError::Status(answer.status));
    };
    let checked_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let applied = Applied {
        api_base: origin,
        sent: &request.dossiers,
        answer: &changes,
        checked_at: &checked_at,
        not_before_ms: wait_until(now, answer.retry_after),
    };
    let news = store.with_store(|s| s.apply_dossier_changes(&applied))?;
    Ok(Pulled::Done {
        news,
        complete: changes.complete,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DossierRow;

    fn row(id: i64, lookup: Lookup) -> DossierRow {
        DossierRow {
            id,
            code: format!("000.00.04.H29-240115-{id:04}"),
            check: "K7M2QX".into(),
            lookup,
            dossier: None,
            checked_at: None,
            unseen: false,
            added_ms: id,
            api_base: Some("https://a.example/".into()),
        }
    }

    #[test]
    fn a_waiting_dossier_asks_for_everything_and_not_found_ones_are_not_sent() {
        let known = [row(1, Lookup::Known), row(2, Lookup::Known)];
        let r = request_for(&known, 17);
        assert_eq!((r.cursor, r.dossiers.len()), (17, 2));

        let mixed = [
            row(1, Lookup::Known),
            row(2, Lookup::NotFound),
            row(3, Lookup::Waiting),
        ];
        let r = request_for(&mixed, 17);
        assert_eq!(r.cursor, 0);
        let codes: Vec<_> = r.dossiers.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            ["000.00.04.H29-240115-0001", "000.00.04.H29-240115-0003"]
        );
        // Only a not-found dossier left: nothing to ask, whatever the cursor.
        assert!(
            request_for(&[row(2, Lookup::NotFound)], 17)
                .dossiers
                .is_empty()
        );
        let many: Vec<_> = (1..=600).map(|i| row(i, Lookup::Known)).collect();
        assert_eq!(request_for(&many, 3).dossiers.len(), MAX_TRACKED);
    }

    #[test]
    fn waits_are_the_city_s_within_bounds() {
        assert_eq!(wait_until(1_000, None), 61_000);
        assert_eq!(wait_until(1_000, Some(Duration::from_secs(5))), 6_000);
        assert_eq!(
            wait_until(0, Some(Duration::from_secs(10 * 24 * 3600))),
            RETRY_AFTER_MAX.as_millis() as i64
        );
    }
}
