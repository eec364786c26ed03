//! The 766 scoreboard (issue 15): every ward's groups for a week, month or quarter, the city
//! beside them and the trend since the previous period (`GET /api/v1/scoreboard`, cached per
//! period and data version), and one ward's history (`GET /api/v1/wards/{code}/scoreboard`).
//! Public: nothing here names a person. Formulas: `model::index766`; counts: `db::scoreboard`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use model::index766::{self, BANDS, Group, WardCounts};
use model::reason::Reason;
use model::scoreboard::{
    GroupInfo, HISTORY_DEFAULT, HISTORY_MAX, Period, PeriodKind, Row, Scoreboard, WardPeriod,
    WardScoreboard,
};
use rusqlite::Connection;

use crate::AppState;
use crate::db::{self, DbError, scoreboard::Window};
use crate::error::{ApiError, ErrorEntry, JSON_UTF8};
use crate::open311::{pairs, param as get};
use crate::routes::encoding::{self, Coding};
use crate::routes::wards::{no_ward, ward_code};

/// Answers kept at most (each one period's whole scoreboard, ~100 KB).
const CACHE_ENTRIES: usize = 32;

/// What a cached answer stands for: the period, the data it was computed from, and — while
/// the period runs — the hour (open items become overdue as time passes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    period: Period,
    version: [i64; 3],
    hour: Option<i64>,
}

/// Computed scoreboards by [`Key`]: a second ask for the same period, with nothing changed in
/// the same hour, costs one small query.
#[derive(Default)]
pub struct ScoreCache(Mutex<HashMap<Key, Arc<Cached>>>);

struct Cached {
    /// The body's tag (`encoding::tag_of`); each coding makes its ETag of it.
    tag: String,
    body: Vec<u8>,
    /// The body gzipped, made the first time a client takes gzip.
    zipped: OnceLock<Vec<u8>>,
}

impl Cached {
    fn new(kind: &str, body: Vec<u8>) -> Self {
        Cached {
            tag: encoding::tag_of(kind, &body),
            body,
            zipped: OnceLock::new(),
        }
    }

    /// The answer in the coding the client takes, gzipped once per cached body.
    fn answer(&self, headers: &HeaderMap) -> Result<Response, ApiError> {
        encoding::answer_tagged(headers, &self.tag, JSON_UTF8, |coding| match coding {
            Coding::Identity => Ok(self.body.clone()),
            Coding::Gzip => {
                if let Some(z) = self.zipped.get() {
                    return Ok(z.clone());
                }
                let z = encoding::gzip(&self.body).map_err(|e| {
                    tracing::error!("gzip of a scoreboard: {e}");
                    ApiError::Internal
                })?;
                Ok(self.zipped.get_or_init(|| z).clone())
            }
        })
    }
}

impl ScoreCache {
    fn get(&self, key: &Key) -> Option<Arc<Cached>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    fn put(&self, key: Key, value: Arc<Cached>) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= CACHE_ENTRIES {
            map.clear();
        }
        map.insert(key, value);
    }
}

/// `period` (default `month`) and `at` (default today, Vietnam time) of a query; a blank one is
/// one left out, as on every route.
fn period_of(query: &[(String, String)], now: DateTime<Utc>) -> Result<Period, ApiError> {
    let kind = match get(query, "period") {
        None => PeriodKind::Month,
        Some(p) => PeriodKind::parse(p).ok_or_else(|| {
            ApiError::bad(Reason::InvalidPeriod, "period is week, month or quarter")
        })?,
    };
    let today = Period::today(now);
    let day = match get(query, "at") {
        None => today,
        Some(text) => {
            let first = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(today);
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .filter(|d| text.len() == 10 && *d >= first && *d <= today)
                .ok_or_else(|| {
                    ApiError::bad(
                        Reason::InvalidDate,
                        "at is a day YYYY-MM-DD from 2000-01-01 to today (Vietnam time)",
                    )
                })?
        }
    };
    Ok(Period::containing(kind, day))
}

fn window(p: Period, now: DateTime<Utc>) -> Window {
    Window::new(
        Period::instant(p.start),
        Period::instant(p.end()),
        p.as_of(now),
    )
}

/// The whole scoreboard of `period`, from the database.
fn compute(
    conn: &Connection,
    period: Period,
    wards: &[String],
    now: DateTime<Utc>,
) -> Result<Scoreboard, DbError> {
    let before = period.previous();
    let this = db::scoreboard::counts(conn, &window(period, now), None)?;
    let last = db::scoreboard::counts(conn, &window(before, now), None)?;
    let empty = WardCounts::default();
    let (mut city_now, mut city_before) = (WardCounts::default(), WardCounts::default());
    let rows = wards
        .iter()
        .map(|code| {
            let (a, b) = (
                this.get(code).unwrap_or(&empty),
                last.get(code).unwrap_or(&empty),
            );
            city_now += a;
            city_before += b;
            Row::new(
                Some(code.clone()),
                &index766::score(a),
                &index766::score(b),
                a.ratings.count,
            )
        })
        .collect();
    Ok(Scoreboard {
        period: period.info(now),
        previous: before.info(now),
        groups: Group::ALL
            .iter()
            .map(|&group| GroupInfo {
                group,
                max: group.max(),
            })
            .collect(),
        bands: BANDS.to_vec(),
        city: Row::new(
            None,
            &index766::score(&city_now),
            &index766::score(&city_before),
            city_now.ratings.count,
        ),
        wards: rows,
    })
}

/// Every ward's Decision 766 groups for one period, with the city's figure beside them, each
/// group's trend since the previous period, and the bands. A group is `computed` (the points
/// of the criteria our data gives, out of their maximum `of_max`, which is the group's `max`
/// only when all of it was computed) or `not_computable` with the reason. The total and its
/// band exist only when every group is wholly computable, which this city's data never is
/// (transparency needs the national procedures database): `total.why` says so, and
/// `computable` sums what was computed. Cached per period and data version; `ETag`/304.
#[utoipa::path(
    get,
    path = "/api/v1/scoreboard", operation_id = "get_scoreboard",
    tag = "scoreboard",
    params(
        ("period" = Option<String>, Query, pattern = r"^\s*(week|month|quarter)?\s*$", description = "`week` (Monday to Sunday), `month` (default) or `quarter`, Vietnam time; blank is left out"),
        ("at" = Option<String>, Query, pattern = r"^\s*([0-9]{4}-[0-9]{2}-[0-9]{2})?\s*$", description = "A day in the period wanted, `YYYY-MM-DD`, a day that exists, from 2000-01-01 to today (Vietnam time), else 400 `invalid_date`; default (or blank) today"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has"),
        ("Accept-Encoding" = Option<String>, Header, description = "`gzip`: the body comes gzipped (`Content-Encoding: gzip`, its own ETag)"),
    ),
    responses(
        (status = 200, body = Scoreboard, description = "The scoreboard; `ETag` header set", headers(("ETag" = String, description = "Names this representation: the gzipped body's ends in `-gz`"), ("Vary" = String, description = "`accept-encoding`"), ("Content-Encoding" = String, description = "`gzip` when the body is gzipped"))),
        (status = 304, description = "The client's copy is current", headers(("ETag" = String, description = "The current representation's ETag"), ("Vary" = String, description = "`accept-encoding`"))),
        (status = 400, body = [ErrorEntry], description = "A bad `period` (`invalid_period`) or `at` (`invalid_date`)"),
    )
)]
pub async fn board(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    let now = state.clock.now();
    let period = period_of(&query, now)?;
    let running = Period::instant(period.end()) > now;
    let wards: Vec<String> = state.wards.iter().map(|w| w.code.to_string()).collect();
    let cache = state.scoreboards.clone();
    let cached = state
        .db
        .call(move |conn| {
            let key = Key {
                period,
                version: db::scoreboard::data_version(conn)?,
                hour: running.then(|| now.timestamp().div_euclid(3600)),
            };
            if let Some(hit) = cache.get(&key) {
                return Ok::<_, ApiError>(hit);
            }
            let board = compute(conn, period, &wards, now)?;
            let body = serde_json::to_vec(&board).map_err(DbError::from)?;
            let fresh = Arc::new(Cached::new("scoreboard", body));
            cache.put(key, fresh.clone());
            Ok(fresh)
        })
        .await?;
    cached.answer(&headers)
}

/// One ward's scoreboard for its last `count` periods, the latest (holding `at`) first: every
/// group with its criteria, the counts they were computed from, and the citizens' answers per
/// SIPAS element. `ETag`/304.
#[utoipa::path(
    get,
    path = "/api/v1/wards/{code}/scoreboard", operation_id = "get_ward_scoreboard",
    tag = "scoreboard",
    params(
        ("code" = String, Path, pattern = "^[0-9]{5}$", description = "Five-digit official code"),
        ("period" = Option<String>, Query, pattern = r"^\s*(week|month|quarter)?\s*$", description = "`week`, `month` (default) or `quarter`; blank is left out"),
        ("at" = Option<String>, Query, pattern = r"^\s*([0-9]{4}-[0-9]{2}-[0-9]{2})?\s*$", description = "A day in the latest period wanted, `YYYY-MM-DD`, a day that exists, from 2000-01-01 to today (Vietnam time), else 400 `invalid_date`; default (or blank) today"),
        ("count" = Option<u32>, Query, minimum = 1, maximum = 24, description = "Periods (default 6)"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has"),
        ("Accept-Encoding" = Option<String>, Header, description = "`gzip`: the body comes gzipped (`Content-Encoding: gzip`, its own ETag)"),
    ),
    responses(
        (status = 200, body = WardScoreboard, description = "`ETag` header set", headers(("ETag" = String, description = "Names this representation: the gzipped body's ends in `-gz`"), ("Vary" = String, description = "`accept-encoding`"), ("Content-Encoding" = String, description = "`gzip` when the body is gzipped"))),
        (status = 304, description = "The client's copy is current", headers(("ETag" = String, description = "The current representation's ETag"), ("Vary" = String, description = "`accept-encoding`"))),
        (status = 400, body = [ErrorEntry], description = "A bad ward code (`invalid_ward_code`), `period` (`invalid_period`), `at` (`invalid_date`) or `count` (`invalid_page_size`)"),
        (status = 404, body = [ErrorEntry], description = "No ward has this code"),
    )
)]
pub async fn ward(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let code = ward_code(&code)?;
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    let now = state.clock.now();
    let latest = period_of(&query, now)?;
    let count = match get(&query, "count") {
        None => HISTORY_DEFAULT,
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=HISTORY_MAX).contains(n))
            .ok_or_else(|| {
                ApiError::bad(
                    Reason::InvalidPageSize,
                    format!("count is 1 to {HISTORY_MAX}"),
                )
            })?,
    };
    if !state.wards.iter().any(|w| w.code == code) {
        return Err(no_ward(code.as_str()));
    }
    let ward = code.to_string();
    let history = state
        .db
        .call(move |conn| {
            let mut periods = Vec::with_capacity(count);
            let mut p = latest;
            for _ in 0..count {
                let w = window(p, now);
                let counts = db::scoreboard::counts(conn, &w, Some(&ward))?
                    .remove(&ward)
                    .unwrap_or_default();
                let start = db::requests::timestamp(Period::instant(p.start));
                let end = db::requests::timestamp(Period::instant(p.end()));
                let ratings = db::ward_stats::answers(
                    conn,
                    "ward_code = ?1 AND created_at >= ?2 AND created_at < ?3",
                    &[&ward, &start, &end],
                )?;
                periods.push(WardPeriod {
                    period: p.info(now),
                    scorecard: index766::score(&counts),
                    counts,
                    ratings,
                });
                p = p.previous();
            }
            Ok::<_, DbError>(WardScoreboard {
                ward_code: ward,
                periods,
            })
        })
        .await?;
    let body = serde_json::to_vec(&history).map_err(DbError::from)?;
    encoding::answer(&headers, "ward-scoreboard", JSON_UTF8, body)
}
