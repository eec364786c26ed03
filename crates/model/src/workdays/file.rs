//! The holiday file (`assets/vn-holidays.json`) as written, and its checks: a city may replace
//! the file, so a wrong one is refused with a reason instead of counting days wrongly.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use super::{DayOffKind, WorkCalendar, YearDays};

/// The only format this code reads.
pub const FORMAT: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: u32,
    #[serde(default)]
    #[allow(dead_code, reason = "for people reading the file")]
    about: String,
    years: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    sources: Vec<String>,
    days_off: Vec<RawDayOff>,
    #[serde(default)]
    make_up_workdays: Vec<RawMakeUp>,
    #[serde(default)]
    unconfirmed: Vec<RawUnconfirmed>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDayOff {
    date: NaiveDate,
    kind: DayOffKind,
    #[serde(default)]
    #[allow(dead_code, reason = "for people reading the file")]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMakeUp {
    date: NaiveDate,
    /// The weekday off this Saturday (or Sunday) is worked for.
    #[serde(rename = "for")]
    instead_of: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnconfirmed {
    date: NaiveDate,
    #[allow(dead_code, reason = "for people reading the file")]
    why: String,
}

/// Why a holiday file is refused. [`Self::code`] is stable; the text is for logs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("not a holiday file: {0}")]
    Malformed(String),
    #[error("holiday file format {0} is not supported (expected {FORMAT})")]
    UnsupportedFormat(u32),
    #[error("the holiday file lists no year")]
    NoYears,
    #[error("year {0} is listed twice")]
    DuplicateYear(i32),
    #[error("year {0} names no source")]
    NoSource(i32),
    #[error("{date} is listed under year {year}")]
    OutsideYear { year: i32, date: NaiveDate },
    #[error("{0} is listed twice")]
    DuplicateDate(NaiveDate),
    #[error("{0} is a compensatory or swapped day off on a weekend")]
    SubstituteOnWeekend(NaiveDate),
    #[error("{0} is a make-up working day that is not on a weekend")]
    MakeUpNotOnWeekend(NaiveDate),
    #[error("make-up day {0} is worked for a day that is not a swapped day off")]
    UnmatchedMakeUp(NaiveDate),
    #[error("swapped day off {0} has no make-up working day")]
    UnmatchedSwap(NaiveDate),
    #[error(
        "holiday {0} falls on a weekend and the next working day is not listed as its day in lieu"
    )]
    HolidayWithoutDayInLieu(NaiveDate),
}

impl CalendarError {
    /// Stable, for logs and tests; never changes once shipped.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::UnsupportedFormat(_) => "unsupported_format",
            Self::NoYears => "no_years",
            Self::DuplicateYear(_) => "duplicate_year",
            Self::NoSource(_) => "no_source",
            Self::OutsideYear { .. } => "outside_year",
            Self::DuplicateDate(_) => "duplicate_date",
            Self::SubstituteOnWeekend(_) => "substitute_on_weekend",
            Self::MakeUpNotOnWeekend(_) => "make_up_not_on_weekend",
            Self::UnmatchedMakeUp(_) => "unmatched_make_up",
            Self::UnmatchedSwap(_) => "unmatched_swap",
            Self::HolidayWithoutDayInLieu(_) => "holiday_without_day_in_lieu",
        }
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The holidays of Labour Code 2019 art. 112(1), the ones a weekend does not take away.
fn is_holiday(kind: DayOffKind) -> bool {
    use DayOffKind::*;
    match kind {
        NewYear | LunarNewYear | HungKings | Reunification | LabourDay | NationalDay => true,
        Compensatory | Swapped | Other => false,
    }
}

/// Labour Code 2019 art. 111(3): a holiday of art. 112(1) that falls on the weekly day off is
/// taken on the next working day. So each such holiday must be followed, in order, by a
/// compensatory day: on the first weekday after it that is not already off (another holiday,
/// a swap) or unconfirmed. A file that leaves one out would count that day as worked.
fn check_days_in_lieu(
    year: i32,
    days_off: &BTreeMap<NaiveDate, DayOffKind>,
    unconfirmed: &BTreeSet<NaiveDate>,
) -> Result<(), CalendarError> {
    let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
        return Ok(());
    };
    let mut owed = std::collections::VecDeque::new();
    for day in first.iter_days().take_while(|d| d.year() == year) {
        match days_off.get(&day) {
            Some(&kind) if is_holiday(kind) && is_weekend(day) => owed.push_back(day),
            Some(DayOffKind::Compensatory) => {
                owed.pop_front();
            }
            Some(_) => {}
            None if is_weekend(day) || unconfirmed.contains(&day) => {}
            None => {
                if let Some(&holiday) = owed.front() {
                    return Err(CalendarError::HolidayWithoutDayInLieu(holiday));
                }
            }
        }
    }
    match owed.front() {
        Some(&holiday) => Err(CalendarError::HolidayWithoutDayInLieu(holiday)),
        None => Ok(()),
    }
}

pub(super) fn parse(text: &str) -> Result<WorkCalendar, CalendarError> {
    let raw: RawFile =
        serde_json::from_str(text).map_err(|e| CalendarError::Malformed(e.to_string()))?;
    if raw.format != FORMAT {
        return Err(CalendarError::UnsupportedFormat(raw.format));
    }
    if raw.years.is_empty() {
        return Err(CalendarError::NoYears);
    }
    let mut years = BTreeMap::new();
    for y in raw.years {
        let year = y.year;
        if years.contains_key(&year) {
            return Err(CalendarError::DuplicateYear(year));
        }
        years.insert(year, check_year(y)?);
    }
    Ok(WorkCalendar { years })
}

fn check_year(y: RawYear) -> Result<YearDays, CalendarError> {
    let year = y.year;
    if y.sources.iter().all(|s| s.trim().is_empty()) {
        return Err(CalendarError::NoSource(year));
    }
    let all_dates = y
        .days_off
        .iter()
        .map(|d| d.date)
        .chain(y.make_up_workdays.iter().map(|m| m.date))
        .chain(y.unconfirmed.iter().map(|u| u.date));
    let mut seen = BTreeSet::new();
    for date in all_dates {
        if date.year() != year {
            return Err(CalendarError::OutsideYear { year, date });
        }
        if !seen.insert(date) {
            return Err(CalendarError::DuplicateDate(date));
        }
    }
    let mut days_off = BTreeMap::new();
    for d in &y.days_off {
        let substitute = matches!(d.kind, DayOffKind::Compensatory | DayOffKind::Swapped);
        if substitute && is_weekend(d.date) {
            return Err(CalendarError::SubstituteOnWeekend(d.date));
        }
        days_off.insert(d.date, d.kind);
    }
    let mut make_up = BTreeSet::new();
    for m in &y.make_up_workdays {
        if !is_weekend(m.date) {
            return Err(CalendarError::MakeUpNotOnWeekend(m.date));
        }
        if days_off.get(&m.instead_of) != Some(&DayOffKind::Swapped) {
            return Err(CalendarError::UnmatchedMakeUp(m.date));
        }
        make_up.insert(m.date);
    }
    let swapped_for: BTreeSet<NaiveDate> =
        y.make_up_workdays.iter().map(|m| m.instead_of).collect();
    if let Some((&date, _)) = days_off
        .iter()
        .find(|(d, k)| **k == DayOffKind::Swapped && !swapped_for.contains(d))
    {
        return Err(CalendarError::UnmatchedSwap(date));
    }
    let unconfirmed = y.unconfirmed.iter().map(|u| u.date).collect();
    check_days_in_lieu(year, &days_off, &unconfirmed)?;
    Ok(YearDays {
        days_off,
        make_up,
        unconfirmed,
        sources: y.sources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(year_body: &str) -> String {
        format!(r#"{{"format":1,"years":[{{"year":2025,"sources":["test"],{year_body}}}]}}"#)
    }

    fn code_of(text: &str) -> &'static str {
        match parse(text) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn a_minimal_file_loads() {
        assert_eq!(
            code_of(&file(
                r#""days_off":[{"date":"2025-01-01","kind":"new_year"}]"#
            )),
            "ok"
        );
    }

    /// Labour Code 2019 art. 111(3): a holiday on the weekend is taken on the next working day,
    /// one day in lieu per holiday, after any days already off.
    #[test]
    fn a_holiday_on_a_weekend_needs_its_day_in_lieu() {
        let days = |list: &[(&str, &str)]| {
            let items: Vec<String> = list
                .iter()
                .map(|(d, k)| format!(r#"{{"date":"{d}","kind":"{k}"}}"#))
                .collect();
            code_of(&file(&format!(r#""days_off":[{}]"#, items.join(","))))
        };
        let sunday = ("2025-04-06", "hung_kings");
        assert_eq!(days(&[sunday]), "holiday_without_day_in_lieu");
        assert_eq!(days(&[sunday, ("2025-04-07", "compensatory")]), "ok");
        // Given on a later day than the next working one: refused.
        assert_eq!(
            days(&[sunday, ("2025-04-08", "compensatory")]),
            "holiday_without_day_in_lieu"
        );
        // Two on one weekend: two days in lieu.
        let weekend = [
            ("2025-08-30", "national_day"),
            ("2025-08-31", "national_day"),
        ];
        assert_eq!(
            days(&[weekend[0], weekend[1], ("2025-09-01", "compensatory")]),
            "holiday_without_day_in_lieu"
        );
        assert_eq!(
            days(&[
                weekend[0],
                weekend[1],
                ("2025-09-01", "compensatory"),
                ("2025-09-02", "compensatory"),
            ]),
            "ok"
        );
        // After the holidays that follow it: Sunday 31/8, then 1/9 and 2/9 off, then 3/9.
        assert_eq!(
            days(&[
                ("2025-08-31", "national_day"),
                ("2025-09-01", "national_day"),
                ("2025-09-02", "other"),
                ("2025-09-03", "compensatory"),
            ]),
            "ok"
        );
        // A day off that is no holiday of art. 112(1) owes nothing.
        assert_eq!(days(&[("2025-04-06", "other")]), "ok");
    }

    #[test]
    fn each_kind_of_wrong_file_is_named_by_its_code() {
        let cases = [
            ("not json", "malformed"),
            (r#"{"format":2,"years":[]}"#, "unsupported_format"),
            (r#"{"format":1,"years":[]}"#, "no_years"),
            (
                &file(r#""days_off":[{"date":"2025-01-01","kind":"birthday"}]"#),
                "malformed",
            ),
            (&file(r#""days_off":[],"dats":[]"#), "malformed"),
            (
                &file(r#""days_off":[{"date":"2025-02-30","kind":"other"}]"#),
                "malformed",
            ),
            (
                &file(r#""days_off":[{"date":"2026-01-01","kind":"new_year"}]"#),
                "outside_year",
            ),
            (
                &file(
                    r#""days_off":[{"date":"2025-01-01","kind":"new_year"},{"date":"2025-01-01","kind":"other"}]"#,
                ),
                "duplicate_date",
            ),
            (
                &file(r#""days_off":[{"date":"2025-01-04","kind":"compensatory"}]"#),
                "substitute_on_weekend",
            ),
            (
                &file(
                    r#""days_off":[{"date":"2025-05-02","kind":"swapped"}],"make_up_workdays":[{"date":"2025-04-25","for":"2025-05-02"}]"#,
                ),
                "make_up_not_on_weekend",
            ),
            (
                &file(
                    r#""days_off":[],"make_up_workdays":[{"date":"2025-04-26","for":"2025-05-02"}]"#,
                ),
                "unmatched_make_up",
            ),
            (
                &file(r#""days_off":[{"date":"2025-05-02","kind":"swapped"}]"#),
                "unmatched_swap",
            ),
            (
                r#"{"format":1,"years":[{"year":2025,"sources":[" "],"days_off":[]}]}"#,
                "no_source",
            ),
            (
                // Giỗ Tổ on Sunday 6/4 with Monday 7/4 worked.
                &file(r#""days_off":[{"date":"2025-04-06","kind":"hung_kings"}]"#),
                "holiday_without_day_in_lieu",
            ),
            (
                r#"{"format":1,"years":[{"year":2025,"sources":["a"],"days_off":[]},{"year":2025,"sources":["a"],"days_off":[]}]}"#,
                "duplicate_year",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(code_of(text), want, "{text}");
        }
    }
}
