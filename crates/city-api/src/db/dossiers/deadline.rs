//! A dossier's legal deadline in working days (the receipt's appointment day), with Vietnam's
//! days off — Tết, swaps, make-up Saturdays — from `model::workdays` where its calendar lists
//! the year. Time spent waiting for the citizen (papers, fees) does not count against the agency
//! (Decision 766/QĐ-TTg), so leaving such a state moves the deadline by the working days waited.
//!
//! A year the calendar does not list yet it calls unknown rather than guess; a dossier still
//! needs a date (its receipt prints one), so there only weekends are skipped. A city running
//! this server lists its years in `assets/vn-holidays.json`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use model::workdays::WorkCalendar;

use super::vietnam;
use crate::calendar;

/// `days` weekdays after `t`: a dossier's date where the calendar does not reach.
fn weekdays_after(t: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let mut out = t;
    let mut left = days;
    while left > 0 {
        out += Duration::days(1);
        if !matches!(out.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    out
}

fn local_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&vietnam()).date_naive()
}

/// `days` working days after the day of `start`, at the same time of day.
pub fn after(start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    after_in(calendar::bundled(), start, days)
}

fn after_in(calendar: Option<&WorkCalendar>, start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    crate::calendar::after(calendar, start, days).unwrap_or_else(|| weekdays_after(start, days))
}

/// Working days after the day of `since` up to and including the day of `until`.
fn waited_in(calendar: Option<&WorkCalendar>, since: DateTime<Utc>, until: DateTime<Utc>) -> u32 {
    let (from, to) = (local_day(since), local_day(until));
    let known = calendar.and_then(|c| c.working_days_between(from, to));
    let days = known.unwrap_or_else(|| {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .count() as i64
    });
    u32::try_from(days.max(0)).unwrap_or(u32::MAX)
}

/// The deadline `due` moved by the working days waited from `since` to `until`.
pub fn extend(due: DateTime<Utc>, since: DateTime<Utc>, until: DateTime<Utc>) -> DateTime<Utc> {
    extend_in(calendar::bundled(), due, since, until)
}

fn extend_in(
    calendar: Option<&WorkCalendar>,
    due: DateTime<Utc>,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DateTime<Utc> {
    match waited_in(calendar, since, until) {
        0 => due,
        days => after_in(calendar, due, days),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

    use super::*;
    use crate::calendar::tests::vn;

    fn bundled() -> WorkCalendar {
        WorkCalendar::bundled().expect("bundled calendar")
    }

    #[test]
    fn deadlines_skip_vietnams_days_off_where_the_calendar_knows_them() {
        let c = bundled();
        // Received Wednesday 29/4/2026: 30/4 and 1/5 are holidays, then a weekend.
        assert_eq!(after_in(Some(&c), vn(2026, 4, 29, 9), 3), vn(2026, 5, 6, 9));
        // Weekends only would have said Monday 4/5.
        assert_eq!(after_in(None, vn(2026, 4, 29, 9), 3), vn(2026, 5, 4, 9));
        // Through Tết 2026 (16–20/2): received Friday 13/2, 1 working day → Monday 23/2.
        assert_eq!(
            after_in(Some(&c), vn(2026, 2, 13, 15), 1),
            vn(2026, 2, 23, 15)
        );
        // A year the calendar does not list: weekends only, never no date.
        assert_eq!(
            after_in(Some(&c), vn(2027, 3, 4, 10), 2),
            vn(2027, 3, 8, 10)
        );
    }

    #[test]
    fn waiting_for_the_citizen_moves_the_deadline_by_the_working_days_waited() {
        let c = bundled();
        let due = vn(2026, 5, 15, 9);
        // Asked Tuesday 28/4, papers back Monday 4/5: 29/4 and 4/5 are working days (30/4, 1/5
        // holidays, then a weekend), so the deadline moves by two.
        let moved = extend_in(Some(&c), due, vn(2026, 4, 28, 10), vn(2026, 5, 4, 16));
        assert_eq!(moved, vn(2026, 5, 19, 9));
        // Back the same day: nothing waited.
        assert_eq!(
            extend_in(Some(&c), due, vn(2026, 5, 4, 8), vn(2026, 5, 4, 17)),
            due
        );
        // Beyond the calendar's years: weekdays.
        assert_eq!(waited_in(Some(&c), vn(2027, 3, 5, 9), vn(2027, 3, 9, 9)), 2);
    }
}
