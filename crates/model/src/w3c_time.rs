//! Times as Open311 clients send them: "a common subset of ISO 8601 as per the w3 note"
//! (NOTE-datetime): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mmTZD`,
//! `YYYY-MM-DDThh:mm:ssTZD`, `YYYY-MM-DDThh:mm:ss.sTZD`, where TZD is `Z` or `±hh:mm`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

/// Parses a w3 date/time. The date-only forms carry no zone and are read as the start of that
/// day in `local` (the city's own time). A `+` before the offset that arrived as a space (a
/// client that did not escape it in a query string) is read as `+`.
pub fn parse(text: &str, local: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    let fixed;
    let text = match text.rsplit_once(' ') {
        Some((time, zone)) if zone.len() == 5 && zone.as_bytes().get(2) == Some(&b':') => {
            fixed = format!("{time}+{zone}");
            fixed.as_str()
        }
        _ => text,
    };
    if text.contains('T') {
        return time(text);
    }
    let date = match text.len() {
        4 => NaiveDate::from_ymd_opt(text.parse().ok()?, 1, 1),
        7 => NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok(),
        10 => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
        _ => None,
    }?;
    local
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .single()
}

/// The forms with a time, which must carry a zone.
fn time(text: &str) -> Option<DateTime<FixedOffset>> {
    if !text.bytes().take(4).all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t);
    }
    // Minutes precision: hh:mm then the zone.
    let (clock, zone) = match text.strip_suffix('Z') {
        Some(rest) => (rest, FixedOffset::east_opt(0)?),
        None => {
            let at = text.len().checked_sub(6)?;
            let (rest, zone) = text.split_at_checked(at)?;
            let sign = match zone.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let (h, m) = zone.get(1..)?.split_once(':')?;
            let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
            if h > 23 || m > 59 {
                return None;
            }
            (rest, FixedOffset::east_opt(sign * (h * 3600 + m * 60))?)
        }
    };
    let naive = NaiveDateTime::parse_from_str(clock, "%Y-%m-%dT%H:%M").ok()?;
    zone.from_local_datetime(&naive).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hcmc() -> FixedOffset {
        FixedOffset::east_opt(7 * 3600).expect("offset")
    }

    fn utc(text: &str) -> String {
        parse(text, hcmc())
            .map(|t| t.to_utc().to_rfc3339())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn every_form_of_the_w3_note_is_read() {
        assert_eq!(
            utc("1994-11-05T08:15:30-05:00"),
            "1994-11-05T13:15:30+00:00"
        );
        assert_eq!(utc("1994-11-05T13:15:30Z"), "1994-11-05T13:15:30+00:00");
        assert_eq!(
            utc("1994-11-05T13:15:30.45Z"),
            "1994-11-05T13:15:30.450+00:00"
        );
        assert_eq!(utc("1994-11-05T08:15-05:00"), "1994-11-05T13:15:00+00:00");
        assert_eq!(utc("1994-11-05T13:15Z"), "1994-11-05T13:15:00+00:00");
        // Date-only forms: the start of that day in the city.
        assert_eq!(utc("2026-01-02"), "2026-01-01T17:00:00+00:00");
        assert_eq!(utc("2026-02"), "2026-01-31T17:00:00+00:00");
        assert_eq!(utc("2026"), "2025-12-31T17:00:00+00:00");
        // An unescaped '+' in a query string arrives as a space.
        assert_eq!(
            utc("2026-01-02T09:00:00 07:00"),
            "2026-01-02T02:00:00+00:00"
        );
    }

    #[test]
    fn malformed_times_are_refused() {
        for bad in [
            "",
            "soon",
            "2026-13-01",
            "2026-02-30",
            "26-01-02",
            "2026-01-02T09:00",
            "2026-01-02T09:00:00",
            "2026-01-02T25:00Z",
            "2026-01-02T09:00+24:00",
            "2026-1-2",
            "２０２６-01-02",
        ] {
            assert_eq!(utc(bad), "none", "{bad:?}");
        }
    }
}
