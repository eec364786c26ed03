//! The citizen's ratings of wards and the 766 scoreboards (issue 15).
//!
//! `rate_ward` checks the rating with the city's own rules (`WardRating::from_pairs`) and saves
//! it, queued, before it returns; the sync worker sends it signed (`store::ratings`). One per
//! ward per month per city address, known on the device before anything is sent, and from the
//! city's answer (its month, or its 409 `already_rated_this_month`).
//!
//! The scoreboards (`GET /api/v1/scoreboard?period=`, `GET /api/v1/wards/{code}/scoreboard`)
//! are kept per city address with their ETag: read offline, refreshed with `If-None-Match`, and
//! a bad answer never replaces a good copy.

use model::delivery::Refusal;
use model::rating_dto::{
    MyRatingDto, RateWardArgs, RatingState, Refresh, ScoreboardArgs, ScoreboardDto,
    WardRatingStatus, WardScoreArgs, WardScoreDto,
};
use model::scoreboard::{PeriodKind, Scoreboard, WardScoreboard};
use model::ward_rating::{ELEMENTS, WardRating};
use model::{ApiBaseUrl, WardCode};

use super::Engine;
use crate::error::CoreError;
use crate::store::{NotSaved, RatingRow};
use crate::sync::transport;
use crate::sync::worker::{now_ms, vietnam_month};

/// A whole period's scoreboard is ~100 KB for 168 wards.
const MAX_BOARD_BODY: usize = 2 * 1024 * 1024;
const MAX_WARD_BODY: usize = 1024 * 1024;

fn board_resource(period: PeriodKind) -> String {
    format!("board {period}")
}

fn ward_resource(code: &WardCode) -> String {
    format!("ward {code}")
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn dto(row: &RatingRow) -> MyRatingDto {
    let rating = WardRating::from_pairs(&row.form).ok();
    MyRatingDto {
        ward_code: row.ward_code.clone(),
        given_month: row.given_month.clone(),
        state: row.state,
        counted_month: row.counted_month.clone(),
        refusal: (row.state == RatingState::NeedsAttention)
            .then(|| row.last_error.as_deref().and_then(Refusal::parse))
            .flatten(),
        answers: rating
            .as_ref()
            .map(|r| ELEMENTS.iter().map(|&e| (e, r.answer(e))).collect())
            .unwrap_or_default(),
        comment: rating.and_then(|r| r.comment),
    }
}

/// Why an answer was not taken as a copy.
#[derive(Debug)]
enum Pull {
    Same,
    New(String, Option<String>),
    Failed,
    /// No answer at all: the link, not the city.
    Unreachable,
}

/// What one refresh of a kept scoreboard did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pulled {
    /// 304: the copy is current; only its time moved.
    Same,
    /// A new copy, checked, replaced the old one.
    New,
    /// The city answered with something not taken; the copy stays.
    Failed,
    /// No answer from the city; the copy stays.
    Unreachable,
}

impl Pulled {
    fn refresh(self) -> Refresh {
        match self {
            Pulled::Same | Pulled::New => Refresh::Current,
            Pulled::Failed | Pulled::Unreachable => Refresh::Failed,
        }
    }
}

impl Engine {
    fn ward_code(&self, code: &str) -> Result<WardCode, CoreError> {
        let code = WardCode::parse(code).map_err(|_| CoreError::UnknownWard)?;
        self.with_ready(|r| {
            r.wards
                .get(&code)
                .map(|w| w.code.clone())
                .ok_or(CoreError::UnknownWard)
        })
    }

    /// Saves the citizen's rating of a ward, queued to be sent (see the module's doc).
    pub fn rate_ward(&self, args: &RateWardArgs) -> Result<MyRatingDto, CoreError> {
        let code = self.ward_code(&args.ward_code)?;
        let form = args.to_pairs();
        WardRating::from_pairs(&form).map_err(|_| CoreError::RatingInvalid)?;
        let base = self.api_url();
        let now = now_ms();
        let month = vietnam_month(now);
        let row = self.with_ready(|r| {
            match r
                .store
                .save_ward_rating(base.as_str(), code.as_str(), &month, &form, now)?
            {
                Ok(_) => {}
                Err(NotSaved::AlreadyThisMonth) => return Err(CoreError::AlreadyRatedThisMonth),
            }
            let rows = r.store.ward_ratings(base.as_str(), code.as_str())?;
            rows.into_iter()
                .find(|row| row.given_month == month)
                .ok_or(CoreError::Storage(rusqlite::Error::QueryReturnedNoRows))
        })?;
        Ok(dto(&row))
    }

    /// Whether the citizen can rate `code` this month, and this month's rating if any.
    pub fn ward_rating_status(&self, code: &str) -> Result<WardRatingStatus, CoreError> {
        let code = self.ward_code(code)?;
        let base = self.api_url();
        let month = vietnam_month(now_ms());
        let rows =
            self.with_ready(|r| Ok(r.store.ward_ratings(base.as_str(), code.as_str())?))?;
        let current = rows.iter().find(|row| {
            row.state != RatingState::NeedsAttention
                && (row.given_month == month || row.counted_month.as_deref() == Some(&month))
        });
        let shown = current.or_else(|| rows.iter().find(|row| row.given_month == month));
        Ok(WardRatingStatus {
            ward_code: code.to_string(),
            month,
            can_rate: current.is_none(),
            current: shown.map(dto),
        })
    }

    /// The kept scoreboard of a period kind, refreshed first when asked.
    pub async fn scoreboard(&self, args: ScoreboardArgs) -> Result<ScoreboardDto, CoreError> {
        let base = self.api_url();
        let resource = board_resource(args.period);
        let refresh = if args.refresh {
            self.pull_board(&base, args.period).await?.refresh()
        } else {
            Refresh::NotAsked
        };
        let kept = self.with_ready(|r| Ok(r.store.score_copy(&resource, base.as_str())?))?;
        let board = kept
            .as_ref()
            .and_then(|k| serde_json::from_str::<Scoreboard>(&k.body).ok());
        Ok(ScoreboardDto {
            updated_at: board.as_ref().and(kept.map(|k| k.pulled_at)),
            board,
            refresh,
        })
    }

    /// Refreshes the kept scoreboards in the background (`sync_voice`), so the screen opens
    /// with today's figures: the month's (what the screen opens on) and each other period kind
    /// kept for the address in use, each with its ETag — a 304 only moves its time. Stops at
    /// the first that fails; `New` when any copy changed.
    pub async fn refresh_scoreboards(&self) -> Result<Pulled, CoreError> {
        let base = self.api_url();
        let mut out = Pulled::Same;
        for &period in PeriodKind::ALL {
            let kept = period == PeriodKind::Month
                || self.with_ready(|r| {
                    Ok(r.store
                        .score_copy(&board_resource(period), base.as_str())?
                        .is_some())
                })?;
            if !kept {
                continue;
            }
            match self.pull_board(&base, period).await? {
                Pulled::Same => {}
                Pulled::New => out = Pulled::New,
                failed => return Ok(failed),
            }
        }
        Ok(out)
    }

    /// One pull of a period kind's scoreboard; taken only when it is that period's and names
    /// only wards the device knows.
    async fn pull_board(&self, base: &ApiBaseUrl, period: PeriodKind) -> Result<Pulled, CoreError> {
        let known = self.known_ward_codes()?;
        let query = [("period", period.as_str().to_owned())];
        self.pull_score(
            base,
            &board_resource(period),
            "api/v1/scoreboard",
            &query,
            MAX_BOARD_BODY,
            |text| {
                let board: Scoreboard = serde_json::from_str(text).ok()?;
                let wards_known = board.wards.iter().all(|w| {
                    w.ward_code
                        .as_deref()
                        .is_some_and(|c| known.iter().any(|k| k.as_str() == c))
                });
                (board.period.kind == period && wards_known).then_some(())
            },
        )
        .await
    }

    /// The kept history of a ward (monthly), refreshed first when asked.
    pub async fn ward_scoreboard(&self, args: &WardScoreArgs) -> Result<WardScoreDto, CoreError> {
        let code = self.ward_code(&args.ward_code)?;
        let base = self.api_url();
        let resource = ward_resource(&code);
        let refresh = if args.refresh {
            let path = format!("api/v1/wards/{code}/scoreboard");
            self.pull_score(&base, &resource, &path, &[], MAX_WARD_BODY, |text| {
                let history: WardScoreboard = serde_json::from_str(text).ok()?;
                (history.ward_code == code.as_str()).then_some(())
            })
            .await?
            .refresh()
        } else {
            Refresh::NotAsked
        };
        let kept = self.with_ready(|r| Ok(r.store.score_copy(&resource, base.as_str())?))?;
        let history = kept
            .as_ref()
            .and_then(|k| serde_json::from_str::<WardScoreboard>(&k.body).ok());
        Ok(WardScoreDto {
            updated_at: history.as_ref().and(kept.map(|k| k.pulled_at)),
            history,
            refresh,
        })
    }

    fn known_ward_codes(&self) -> Result<Vec<WardCode>, CoreError> {
        self.with_ready(|r| Ok(r.wards.all().iter().map(|w| w.code.clone()).collect()))
    }

    /// One GET with the kept copy's ETag; a 200 replaces the copy only when `check` reads it.
    async fn pull_score(
        &self,
        base: &ApiBaseUrl,
        resource: &str,
        path: &str,
        query: &[(&str, String)],
        limit: usize,
        check: impl FnOnce(&str) -> Option<()>,
    ) -> Result<Pulled, CoreError> {
        let http = self
            .client
            .as_ref()
            .ok_or(CoreError::NoHttpClient)?
            .http()
            .clone();
        let kept = self.with_ready(|r| Ok(r.store.score_copy(resource, base.as_str())?))?;
        let etag = kept.as_ref().and_then(|k| k.etag.clone());
        let pulled =
            match transport::get(&http, &base.join(path), query, etag.as_deref(), limit).await {
                Ok(a) if a.status == 304 && kept.is_some() => Pull::Same,
                Ok(a) if a.status == 200 => match std::str::from_utf8(&a.body) {
                    Ok(text) if check(text).is_some() => Pull::New(text.to_owned(), a.etag),
                    _ => {
                        tracing::warn!(resource, "a scoreboard answer was refused");
                        Pull::Failed
                    }
                },
                Ok(a) => {
                    tracing::debug!(status = a.status, resource, "scoreboard not refreshed");
                    Pull::Failed
                }
                Err(err) => {
                    tracing::debug!(%err, resource, "scoreboard not refreshed");
                    if matches!(err, transport::LinkError::Network(_)) {
                        Pull::Unreachable
                    } else {
                        Pull::Failed
                    }
                }
            };
        let now = now_text();
        match pulled {
            Pull::Same => {
                self.with_ready(|r| {
                    Ok(r.store
                        .mark_score_copy_fresh(resource, base.as_str(), &now)?)
                })?;
                Ok(Pulled::Same)
            }
            Pull::New(body, etag) => {
                // The same figures again (a city or proxy without ETags): kept with the new
                // tag, but nothing changed.
                let same = kept.as_ref().is_some_and(|k| k.body == body);
                self.with_ready(|r| {
                    Ok(r.store.save_score_copy(
                        resource,
                        base.as_str(),
                        &body,
                        etag.as_deref(),
                        &now,
                    )?)
                })?;
                Ok(if same { Pulled::Same } else { Pulled::New })
            }
            Pull::Failed => Ok(Pulled::Failed),
            Pull::Unreachable => Ok(Pulled::Unreachable),
        }
    }
}
