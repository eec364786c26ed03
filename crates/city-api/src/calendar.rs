//! Vietnam's working days for the server's dates — a report's answer date, a dossier's
//! deadline — from the bundled calendar (`model::workdays`, holidays, Tết, swaps and make-up
//! Saturdays), counted on the city's days (UTC+7).

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use model::workdays::WorkCalendar;

use crate::db::dossiers::vietnam;

/// The bundled calendar, read once; `None` if it cannot be read (logged once).
pub fn bundled() -> Option<&'static WorkCalendar> {
    static CALENDAR: OnceLock<Option<WorkCalendar>> = OnceLock::new();
    CALENDAR
        .get_or_init(|| {
            WorkCalendar::bundled()
                .inspect_err(|e| tracing::warn!(code = e.code(), "holiday calendar unreadable"))
                .ok()
        })
        .as_ref()
}

/// `days` working days after the day of `start`, at the same time of day; `None` when the
/// calendar does not know a day on the way (a year it does not list, an unconfirmed day) or
/// cannot be read: never a guess.
pub fn after(
    calendar: Option<&WorkCalendar>,
    start: DateTime<Utc>,
    days: u32,
) -> Option<DateTime<Utc>> {
    let local = start.with_timezone(&vietnam());
    let day = calendar?.add_working_days(local.date_naive(), days)?;
    let at = day
        .and_time(local.time())
        .and_local_timezone(vietnam())
        .single()?;
    Some(at.with_timezone(&Utc))
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

    use chrono::TimeZone;

    use super::*;

    /// A moment in Vietnam's time, for tests of the server's dates.
    pub(crate) fn vn(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        vietnam()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn days_off_are_skipped_and_unknown_years_give_no_date() {
        let c = bundled().expect("bundled calendar");
        // Friday 27/11/2026 + 5: weekends only, Friday 4/12.
        assert_eq!(
            after(Some(c), vn(2026, 11, 27, 9), 5),
            Some(vn(2026, 12, 4, 9))
        );
        // Tuesday 28/4/2026 + 5: 30/4 and 1/5 are holidays, then a weekend → Thursday 7/5.
        assert_eq!(
            after(Some(c), vn(2026, 4, 28, 9), 5),
            Some(vn(2026, 5, 7, 9))
        );
        // Friday 13/2/2026 + 5: Tết 16–20/2 → Friday 27/2.
        assert_eq!(
            after(Some(c), vn(2026, 2, 13, 9), 5),
            Some(vn(2026, 2, 27, 9))
        );
        // Late December 2026 runs into 2027, which the calendar does not list.
        assert_eq!(after(Some(c), vn(2026, 12, 28, 9), 5), None);
        assert_eq!(after(Some(c), vn(2027, 3, 4, 9), 1), None);
        assert_eq!(after(None, vn(2026, 11, 27, 9), 5), None);
    }
}
