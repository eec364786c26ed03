//! The scoreboard the city API serves (`GET /api/v1/scoreboard`, `GET
//! /api/v1/wards/{code}/scoreboard`): periods in Vietnam time and the answers' shapes. The
//! figures come from `index766`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::index766::{
    BandFloor, Computable, Group, GroupOutcome, Scorecard, Total, Trend, WardCounts,
};
use crate::ward_rating::RatingStats;
use crate::wire::wire_enum;

wire_enum! {
    /// The length of a scoreboard period: calendar weeks (Monday to Sunday), months or
    /// quarters, in Vietnam time.
    pub enum PeriodKind {
        Week = "week",
        Month = "month",
        Quarter = "quarter",
    }
}

impl PeriodKind {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Week => "scoreboard.period.week",
            Self::Month => "scoreboard.period.month",
            Self::Quarter => "scoreboard.period.quarter",
        }
    }
}

/// Vietnam's offset from UTC (no daylight saving).
const VIETNAM_HOURS: i64 = 7;

/// One period: its kind and first day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: NaiveDate,
}

impl Period {
    /// The period of `kind` holding `day`.
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Self {
        let start = match kind {
            PeriodKind::Week => {
                day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
            }
            PeriodKind::Month => day.with_day(1).unwrap_or(day),
            PeriodKind::Quarter => {
                let month = (day.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
            }
        };
        Self { kind, start }
    }

    /// The first day after the period.
    pub fn end(self) -> NaiveDate {
        match self.kind {
            PeriodKind::Week => self.start + Duration::days(7),
            PeriodKind::Month => self
                .start
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(self.start),
            PeriodKind::Quarter => self
                .start
                .checked_add_months(chrono::Months::new(3))
                .unwrap_or(self.start),
        }
    }

    /// The period before this one.
    pub fn previous(self) -> Self {
        Self::containing(self.kind, self.start - Duration::days(1))
    }

    /// The moment a Vietnam day begins, in UTC.
    pub fn instant(day: NaiveDate) -> DateTime<Utc> {
        Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
            - Duration::hours(VIETNAM_HOURS)
    }

    /// Today in Vietnam.
    pub fn today(now: DateTime<Utc>) -> NaiveDate {
        (now + Duration::hours(VIETNAM_HOURS)).date_naive()
    }

    /// When its figures are read: its end, or `now` while it runs.
    pub fn as_of(self, now: DateTime<Utc>) -> DateTime<Utc> {
        Self::instant(self.end()).min(now)
    }

    pub fn info(self, now: DateTime<Utc>) -> PeriodInfo {
        PeriodInfo {
            kind: self.kind,
            start: self.start,
            last_day: self.end() - Duration::days(1),
            as_of: self.as_of(now),
            complete: Self::instant(self.end()) <= now,
        }
    }
}

/// A period as the answer states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodInfo {
    pub kind: PeriodKind,
    /// First day (Vietnam time).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: NaiveDate,
    /// Last day (Vietnam time).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub last_day: NaiveDate,
    /// The moment the figures are read at: the period's end, or when they were computed while
    /// it runs (open dossiers and reports are on time or overdue as of then).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub as_of: DateTime<Utc>,
    /// Whether the period is over.
    pub complete: bool,
}

/// A group in a scoreboard row: its outcome and how it moved since the previous period.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupCell {
    pub group: Group,
    #[serde(flatten)]
    pub outcome: GroupOutcome,
    pub trend: Trend,
}

/// One ward (or the whole city) in the scoreboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Row {
    /// The ward's code; absent for the city's row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ward_code: Option<String>,
    /// In `index766::Group` order.
    pub groups: Vec<GroupCell>,
    pub computable: Computable,
    pub total: Total,
    /// Ratings the citizens gave in the period.
    pub ratings: u64,
}

impl Row {
    /// `now`'s row, its trends measured against `before`.
    pub fn new(
        ward_code: Option<String>,
        now: &Scorecard,
        before: &Scorecard,
        ratings: u64,
    ) -> Self {
        let groups = now
            .groups
            .iter()
            .map(|g| GroupCell {
                group: g.group,
                outcome: g.outcome,
                trend: before.group(g.group).map_or(Trend::Unknown, |b| {
                    crate::index766::trend(&g.outcome, &b.outcome)
                }),
            })
            .collect();
        Self {
            ward_code,
            groups,
            computable: now.computable,
            total: now.total,
            ratings,
        }
    }
}

/// A group's name and maximum.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupInfo {
    pub group: Group,
    pub max: f64,
}

/// `GET /api/v1/scoreboard`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scoreboard {
    pub period: PeriodInfo,
    /// What the trends compare with.
    pub previous: PeriodInfo,
    pub groups: Vec<GroupInfo>,
    /// The bands, highest first; a band is given only with a total.
    pub bands: Vec<BandFloor>,
    /// The whole city scored as one unit (every ward's counts summed): the average of the
    /// wards weighted by their dossiers and reports.
    pub city: Row,
    /// Every ward, by code.
    pub wards: Vec<Row>,
}

/// One period of a ward's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardPeriod {
    pub period: PeriodInfo,
    /// Every group with its criteria.
    pub scorecard: Scorecard,
    /// What the figures were computed from.
    pub counts: WardCounts,
    /// The citizens' answers per element in the period.
    pub ratings: RatingStats,
}

/// `GET /api/v1/wards/{code}/scoreboard`: the latest period first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardScoreboard {
    pub ward_code: String,
    pub periods: Vec<WardPeriod>,
}

/// Periods a ward's history holds by default, and at most.
pub const HISTORY_DEFAULT: usize = 6;
pub const HISTORY_MAX: usize = 24;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn periods_are_calendar_weeks_months_and_quarters() {
        // 2026-12-07 is a Monday.
        let w = Period::containing(PeriodKind::Week, d(2026, 12, 9));
        assert_eq!((w.start, w.end()), (d(2026, 12, 7), d(2026, 12, 14)));
        assert_eq!(w.previous().start, d(2026, 11, 30));
        let m = Period::containing(PeriodKind::Month, d(2026, 3, 31));
        assert_eq!((m.start, m.end()), (d(2026, 3, 1), d(2026, 4, 1)));
        assert_eq!(m.previous().start, d(2026, 2, 1));
        let q = Period::containing(PeriodKind::Quarter, d(2026, 12, 31));
        assert_eq!((q.start, q.end()), (d(2026, 10, 1), d(2027, 1, 1)));
        assert_eq!(q.previous().start, d(2026, 7, 1));
        let jan = Period::containing(PeriodKind::Quarter, d(2027, 1, 1));
        assert_eq!(jan.previous().start, d(2026, 10, 1));
    }

    #[test]
    fn a_day_begins_at_midnight_in_vietnam() {
        let start = Period::instant(d(2026, 12, 1));
        assert_eq!(start.to_rfc3339(), "2026-11-30T17:00:00+00:00");
        let late = Utc
            .with_ymd_and_hms(2026, 11, 30, 17, 30, 0)
            .single()
            .expect("t");
        assert_eq!(Period::today(late), d(2026, 12, 1));
        let m = Period::containing(PeriodKind::Month, Period::today(late));
        let info = m.info(late);
        assert_eq!(info.as_of, late);
        assert!(!info.complete);
        let before = m.previous().info(late);
        assert!(before.complete);
        assert_eq!(before.as_of, start);
        assert_eq!(before.last_day, d(2026, 11, 30));
    }
}
