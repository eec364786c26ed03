//! Vietnam's working days, for legal deadlines counted in them ("15 ngày làm việc").
//!
//! A pure calendar: weekends are Saturday and Sunday; the days off and the Saturdays worked
//! instead come from a data file naming its sources per year (`assets/vn-holidays.json`), since
//! Tết follows the lunar calendar and the Government announces swaps each year. A day in a year
//! the file does not list — or a day the file marks unconfirmed — is unknown, and every count
//! that needs it answers `None`: the screen then says "not available" rather than a guess.
//! There is no clock here: "today" is always given.

mod file;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

pub use file::{CalendarError, FORMAT};

/// The file shipped with the app.
pub const BUNDLED_JSON: &str = include_str!("../../../../assets/vn-holidays.json");

/// The i18n key for a count that cannot be made (a year or day not in the file).
pub const NOT_AVAILABLE_KEY: &str = "calendar.not_available";

/// Why a weekday is off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayOffKind {
    /// Tết Dương lịch, 1 January.
    NewYear,
    /// Tết Âm lịch (Nguyên đán).
    LunarNewYear,
    /// Giỗ Tổ Hùng Vương, 10th day of the 3rd lunar month.
    HungKings,
    /// Ngày Chiến thắng, 30 April.
    Reunification,
    /// Ngày Quốc tế Lao động, 1 May.
    LabourDay,
    /// Quốc khánh, 2 September and one adjacent day.
    NationalDay,
    /// Nghỉ bù: a holiday fell on a weekend.
    Compensatory,
    /// Hoán đổi: a weekday off, worked on a listed Saturday instead.
    Swapped,
    /// Any other day off the Government announces.
    Other,
}

impl DayOffKind {
    pub const ALL: [Self; 9] = [
        Self::NewYear,
        Self::LunarNewYear,
        Self::HungKings,
        Self::Reunification,
        Self::LabourDay,
        Self::NationalDay,
        Self::Compensatory,
        Self::Swapped,
        Self::Other,
    ];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::NewYear => "calendar.day_off.new_year",
            Self::LunarNewYear => "calendar.day_off.lunar_new_year",
            Self::HungKings => "calendar.day_off.hung_kings",
            Self::Reunification => "calendar.day_off.reunification",
            Self::LabourDay => "calendar.day_off.labour_day",
            Self::NationalDay => "calendar.day_off.national_day",
            Self::Compensatory => "calendar.day_off.compensatory",
            Self::Swapped => "calendar.day_off.swapped",
            Self::Other => "calendar.day_off.other",
        }
    }
}

/// What one date is for a public office.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayKind {
    Workday,
    Weekend,
    DayOff(DayOffKind),
    /// A Saturday (or Sunday) worked for a swapped weekday.
    MakeUpWorkday,
    /// Not in the calendar: its year is not listed, or the day is unconfirmed.
    Unknown,
}

/// Where a deadline stands on a given day, in working days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineStatus {
    /// Working days after today up to and including the deadline (0 when only days off
    /// remain before it).
    DaysLeft(u32),
    DueToday,
    /// Working days after the deadline up to and including today (0 when only days off have
    /// passed since).
    Overdue(u32),
}

impl DeadlineStatus {
    /// The key of its sentence; `{days}` stands for the number.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::DaysLeft(_) => "dossier.deadline.days_left",
            Self::DueToday => "dossier.deadline.due_today",
            Self::Overdue(_) => "dossier.deadline.overdue",
        }
    }

    /// The number for `{days}`.
    pub fn days(self) -> u32 {
        match self {
            Self::DaysLeft(n) | Self::Overdue(n) => n,
            Self::DueToday => 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct YearDays {
    days_off: BTreeMap<NaiveDate, DayOffKind>,
    make_up: BTreeSet<NaiveDate>,
    unconfirmed: BTreeSet<NaiveDate>,
    sources: Vec<String>,
}

/// The working-day calendar of the years a holiday file lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkCalendar {
    years: BTreeMap<i32, YearDays>,
}

impl WorkCalendar {
    /// Reads and checks a holiday file.
    pub fn from_json(text: &str) -> Result<Self, CalendarError> {
        file::parse(text)
    }

    /// The file shipped with the app.
    pub fn bundled() -> Result<Self, CalendarError> {
        Self::from_json(BUNDLED_JSON)
    }

    /// The years it knows, in order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// Where a year's days off come from (decision and announcement numbers).
    pub fn sources(&self, year: i32) -> Option<&[String]> {
        self.years.get(&year).map(|y| y.sources.as_slice())
    }

    pub fn day(&self, date: NaiveDate) -> DayKind {
        let Some(year) = self.years.get(&date.year()) else {
            return DayKind::Unknown;
        };
        if year.unconfirmed.contains(&date) {
            return DayKind::Unknown;
        }
        if year.make_up.contains(&date) {
            return DayKind::MakeUpWorkday;
        }
        if let Some(&kind) = year.days_off.get(&date) {
            return DayKind::DayOff(kind);
        }
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            DayKind::Weekend
        } else {
            DayKind::Workday
        }
    }

    /// `None` when the day is unknown.
    pub fn is_working_day(&self, date: NaiveDate) -> Option<bool> {
        match self.day(date) {
            DayKind::Workday | DayKind::MakeUpWorkday => Some(true),
            DayKind::Weekend | DayKind::DayOff(_) => Some(false),
            DayKind::Unknown => None,
        }
    }

    /// Working days after `from` up to and including `to`; negative when `to` is before
    /// `from`. So `add_working_days(a, n) == Some(b)` gives `working_days_between(a, b) == Some(n)`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Option<i64> {
        let (start, end, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0i64;
        for day in start.iter_days().skip(1).take_while(|d| *d <= end) {
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Some(sign * count)
    }

    /// The date `n` working days after `start` (the day of receipt is not counted): a legal
    /// deadline. `None` if the count runs into an unknown day, or `start` is in one.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Option<NaiveDate> {
        self.is_working_day(start)?;
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt()?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Some(day)
    }

    /// Working days left before `deadline`, or overdue by, as seen on `today`. A deadline that
    /// falls on a day off ends on the next working day (Civil Code 2015 art. 148(5)).
    pub fn deadline_status(&self, deadline: NaiveDate, today: NaiveDate) -> Option<DeadlineStatus> {
        self.is_working_day(today)?;
        let deadline = if self.is_working_day(deadline)? {
            deadline
        } else {
            self.add_working_days(deadline, 1)?
        };
        if today == deadline {
            return Some(DeadlineStatus::DueToday);
        }
        let n = self.working_days_between(today, deadline)?;
        let days = u32::try_from(n.unsigned_abs()).ok()?;
        Some(if n >= 0 && today < deadline {
            DeadlineStatus::DaysLeft(days)
        } else {
            DeadlineStatus::Overdue(days)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn calendar() -> WorkCalendar {
        WorkCalendar::bundled().unwrap_or_else(|e| panic!("{}: {e}", e.code()))
    }

    #[test]
    fn the_bundled_file_loads_and_names_its_sources() {
        let c = calendar();
        assert_eq!(c.years().collect::<Vec<_>>(), vec![2025, 2026]);
        for year in [2025, 2026] {
            let sources = c.sources(year).expect("sources").join(" ");
            assert!(sources.contains("Điều 112"), "{year}: {sources}");
        }
        assert!(
            c.sources(2026)
                .expect("2026")
                .join(" ")
                .contains("9441/TB-BNV")
        );
        assert_eq!(c.sources(2027), None);
    }

    #[test]
    fn each_year_gives_the_labour_codes_eleven_holidays_plus_its_swaps() {
        // Weekdays off: 11 holidays (art. 112), less those on a weekend, plus compensatory and
        // swapped days. 2025: all 11 on weekdays + 1 swap. 2026: Giỗ Tổ on a Sunday (+1
        // compensatory) + 2 swaps.
        let c = calendar();
        for (year, want) in [(2025, 12), (2026, 13)] {
            let off = day(year, 1, 1)
                .iter_days()
                .take_while(|d| d.year() == year)
                .filter(|d| {
                    matches!(c.day(*d), DayKind::DayOff(_))
                        && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
                })
                .count();
            assert_eq!(off, want, "{year}");
        }
    }

    /// The bundled 2026 lists Giỗ Tổ (Sunday 26/4) with its day in lieu, Monday 27/4
    /// (Labour Code 2019 art. 111(3)); without that line the file is refused.
    #[test]
    fn the_bundled_weekend_holiday_has_its_day_in_lieu() {
        let line = r#"{ "date": "2026-04-27", "kind": "compensatory", "note": "nghỉ bù Giỗ Tổ trùng Chủ nhật" },"#;
        assert!(BUNDLED_JSON.contains(line));
        let without = BUNDLED_JSON.replace(line, "");
        assert_eq!(
            WorkCalendar::from_json(&without),
            Err(CalendarError::HolidayWithoutDayInLieu(day(2026, 4, 26)))
        );
    }

    #[test]
    fn days_are_told_apart() {
        let c = calendar();
        assert_eq!(c.day(day(2026, 12, 7)), DayKind::Workday);
        assert_eq!(c.day(day(2026, 12, 5)), DayKind::Weekend);
        assert_eq!(
            c.day(day(2026, 2, 17)),
            DayKind::DayOff(DayOffKind::LunarNewYear)
        );
        assert_eq!(
            c.day(day(2026, 4, 27)),
            DayKind::DayOff(DayOffKind::Compensatory)
        );
        assert_eq!(c.day(day(2026, 1, 10)), DayKind::MakeUpWorkday);
        assert_eq!(c.is_working_day(day(2026, 1, 10)), Some(true));
        assert_eq!(c.day(day(2026, 11, 24)), DayKind::Unknown);
        assert_eq!(c.day(day(2027, 1, 4)), DayKind::Unknown);
        assert_eq!(c.day(day(2024, 12, 31)), DayKind::Unknown);
    }

    #[test]
    fn a_deadline_skips_tet_and_the_weekends_around_it() {
        let c = calendar();
        // Received Thursday 12 Feb 2026; Tết off Mon 16 – Fri 20 Feb, weekends 14–15 and 21–22.
        // 3 working days: Fri 13, Mon 23, Tue 24.
        assert_eq!(
            c.add_working_days(day(2026, 2, 12), 3),
            Some(day(2026, 2, 24))
        );
        assert_eq!(
            c.working_days_between(day(2026, 2, 12), day(2026, 2, 24)),
            Some(3)
        );
        assert_eq!(
            c.working_days_between(day(2026, 2, 24), day(2026, 2, 12)),
            Some(-3)
        );
        // Across Tết 2025 (Mon 27 – Fri 31 Jan): Friday 24 Jan + 1 → Monday 3 Feb.
        assert_eq!(
            c.add_working_days(day(2025, 1, 24), 1),
            Some(day(2025, 2, 3))
        );
        assert_eq!(
            c.add_working_days(day(2025, 1, 24), 0),
            Some(day(2025, 1, 24))
        );
    }

    #[test]
    fn a_compensatory_day_and_a_make_up_saturday_are_counted_as_announced() {
        let c = calendar();
        // Giỗ Tổ 2026 is a Sunday: Monday 27 April is off instead. Fri 24 + 1 → Tue 28.
        assert_eq!(
            c.add_working_days(day(2026, 4, 24), 1),
            Some(day(2026, 4, 28))
        );
        // 30 April – 1 May 2026 (Thu, Fri) off: Wed 29 + 1 → Mon 4 May.
        assert_eq!(
            c.add_working_days(day(2026, 4, 29), 1),
            Some(day(2026, 5, 4))
        );
        // Tết Dương lịch 2026: Fri 2 Jan swapped, Saturday 10 Jan worked.
        // Wed 31 Dec 2025 + 1 → Mon 5 Jan; Fri 9 Jan + 1 → Sat 10 Jan.
        assert_eq!(
            c.add_working_days(day(2025, 12, 31), 1),
            Some(day(2026, 1, 5))
        );
        assert_eq!(
            c.add_working_days(day(2026, 1, 9), 1),
            Some(day(2026, 1, 10))
        );
        // Quốc khánh 2026: Mon 31 Aug swapped for Sat 22 Aug; Tue 1 and Wed 2 Sep off.
        assert_eq!(
            c.add_working_days(day(2026, 8, 21), 1),
            Some(day(2026, 8, 22))
        );
        assert_eq!(
            c.add_working_days(day(2026, 8, 28), 1),
            Some(day(2026, 9, 3))
        );
    }

    #[test]
    fn counting_crosses_the_year_boundary_only_into_a_known_year() {
        let c = calendar();
        // Mon 29 Dec 2025 + 3: Tue 30, Wed 31, (Thu 1 and Fri 2 Jan off, weekend) Mon 5 Jan.
        assert_eq!(
            c.add_working_days(day(2025, 12, 29), 3),
            Some(day(2026, 1, 5))
        );
        assert_eq!(
            c.working_days_between(day(2025, 12, 29), day(2026, 1, 5)),
            Some(3)
        );
        // 2027 is not in the file: a deadline running into it is not available.
        assert_eq!(c.add_working_days(day(2026, 12, 28), 5), None);
        assert_eq!(
            c.working_days_between(day(2026, 12, 30), day(2027, 1, 4)),
            None
        );
        // Nor is one running through the unconfirmed 24 November 2026.
        assert_eq!(c.add_working_days(day(2026, 11, 20), 3), None);
        assert_eq!(
            c.add_working_days(day(2026, 11, 20), 1),
            Some(day(2026, 11, 23))
        );
    }

    #[test]
    fn days_left_and_overdue_are_counted_from_the_given_today() {
        let c = calendar();
        let deadline = day(2026, 12, 18); // a Friday
        assert_eq!(
            c.deadline_status(deadline, day(2026, 12, 7)),
            Some(DeadlineStatus::DaysLeft(9))
        );
        assert_eq!(
            c.deadline_status(deadline, day(2026, 12, 18)),
            Some(DeadlineStatus::DueToday)
        );
        assert_eq!(
            c.deadline_status(deadline, day(2026, 12, 19)),
            Some(DeadlineStatus::Overdue(0))
        );
        assert_eq!(
            c.deadline_status(deadline, day(2026, 12, 22)),
            Some(DeadlineStatus::Overdue(2))
        );
        // Across Tết: deadline Tue 24 Feb 2026 seen on Thu 12 Feb: Fri 13, Mon 23, Tue 24.
        assert_eq!(
            c.deadline_status(day(2026, 2, 24), day(2026, 2, 12)),
            Some(DeadlineStatus::DaysLeft(3))
        );
        assert_eq!(c.deadline_status(day(2027, 1, 8), day(2026, 12, 28)), None);
        assert_eq!(DeadlineStatus::Overdue(2).days(), 2);
        assert_eq!(
            DeadlineStatus::DaysLeft(9).message_key(),
            "dossier.deadline.days_left"
        );
    }

    #[test]
    fn every_day_off_kind_has_its_own_message_key() {
        let keys: BTreeSet<_> = DayOffKind::ALL.iter().map(|k| k.message_key()).collect();
        assert_eq!(keys.len(), DayOffKind::ALL.len());
    }

    #[test]
    fn a_deadline_on_a_day_off_ends_on_the_next_working_day() {
        let c = calendar();
        // Sunday 13/12/2026 → Monday 14/12.
        let sunday = day(2026, 12, 13);
        assert_eq!(
            c.deadline_status(sunday, day(2026, 12, 11)),
            Some(DeadlineStatus::DaysLeft(1))
        );
        assert_eq!(
            c.deadline_status(sunday, day(2026, 12, 14)),
            Some(DeadlineStatus::DueToday)
        );
        assert_eq!(
            c.deadline_status(sunday, day(2026, 12, 15)),
            Some(DeadlineStatus::Overdue(1))
        );
        // Wednesday 18/2/2026 is in the Tết days off (16–20/2): it ends on Monday 23/2.
        let tet = day(2026, 2, 18);
        assert_eq!(
            c.deadline_status(tet, day(2026, 2, 13)),
            Some(DeadlineStatus::DaysLeft(1))
        );
        assert_eq!(
            c.deadline_status(tet, day(2026, 2, 23)),
            Some(DeadlineStatus::DueToday)
        );
    }

    #[test]
    fn a_day_in_an_unknown_year_gives_no_count_even_for_zero_days() {
        let c = calendar();
        let unknown = day(2030, 3, 4);
        assert_eq!(c.add_working_days(unknown, 0), None);
        assert_eq!(c.deadline_status(unknown, unknown), None);
    }
}
