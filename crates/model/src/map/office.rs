//! Ward offices as data a city edits (`assets/ward-offices.json`, served by the city API at
//! `GET /api/v1/wards/offices`): where each ward's office is and when it is open, each fact
//! with the public source it was read in. A fact nobody could source is absent (the card says
//! "not available"), never guessed.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::geo::Point;
use crate::ward::{HCMC_LAT, HCMC_LON, WardCode};

/// Longest address kept; real ones are under 150 characters.
pub const MAX_ADDRESS_CHARS: usize = 300;
/// Longest source title or note.
pub const MAX_TITLE_CHARS: usize = 300;
/// A sanity bound on the file (the city has 168 units).
pub const MAX_OFFICES: usize = 2_000;
/// Most sources one file may cite.
pub const MAX_SOURCES: usize = 500;
/// Most opening spans per office (e.g. morning and afternoon, weekdays and Saturday).
pub const MAX_SPANS: usize = 14;

/// A time of day, minutes after midnight, written `hh:mm` (00:00–23:59; `24:00` for the end of
/// the day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HhMm(u16);

impl HhMm {
    pub fn new(hour: u16, minute: u16) -> Option<Self> {
        (minute < 60 && (hour < 24 || (hour == 24 && minute == 0)))
            .then_some(Self(hour * 60 + minute))
    }

    pub fn parse(text: &str) -> Option<Self> {
        let (h, m) = text.split_once(':')?;
        if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        Self::new(h.parse().ok()?, m.parse().ok()?)
    }

    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for HhMm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for HhMm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HhMm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("a time is hh:mm"))
    }
}

/// Opening hours on a range of days: ISO weekdays, 1 = Monday … 7 = Sunday, `from ≤ to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeHours {
    /// First ISO weekday (1 = Monday).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 7))]
    pub from_day: u8,
    /// Last ISO weekday (7 = Sunday), not before `from_day`.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 7))]
    pub to_day: u8,
    /// Opening time, `hh:mm`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-2][0-9]:[0-5][0-9]$"))]
    pub opens: HhMm,
    /// Closing time, `hh:mm`, after `opens`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-2][0-9]:[0-5][0-9]$"))]
    pub closes: HhMm,
}

impl OfficeHours {
    pub fn is_valid(&self) -> bool {
        (1..=7).contains(&self.from_day)
            && (self.from_day..=7).contains(&self.to_day)
            && self.opens < self.closes
    }

    /// Whether it is open on ISO weekday `day` at `at`.
    pub fn open_at(&self, day: u8, at: HhMm) -> bool {
        (self.from_day..=self.to_day).contains(&day) && self.opens <= at && at < self.closes
    }
}

/// A public text a fact was read in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeSource {
    /// The file's own short name for it, cited by facts (`[a-z0-9-]`, 1–40 characters).
    pub id: String,
    pub title: String,
    /// Where it can be read (`https://`).
    pub url: String,
    /// When it was read, `YYYY-MM-DD`.
    pub read_on: String,
}

/// A fact with the source it was read in (an [`OfficeSource::id`] of the same file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
}

/// A WGS 84 position in Ho Chi Minh City.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

impl LatLon {
    pub fn point(self) -> Option<Point> {
        Point::new(self.lat, self.lon)
    }

    fn in_city(self) -> bool {
        let inside = |v: f64, (lo, hi): (f64, f64)| v.is_finite() && (lo..=hi).contains(&v);
        inside(self.lat, HCMC_LAT) && inside(self.lon, HCMC_LON)
    }
}

/// One ward's office: each fact present only where a source gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardOffice {
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{5}$"))]
    pub ward_code: WardCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<SourcedText>))]
    pub address: Option<Sourced<String>>,
    /// This office's own hours; absent: the file's `common_hours`, if any, apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<SourcedHours>))]
    pub hours: Option<Sourced<Vec<OfficeHours>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<SourcedPosition>))]
    pub position: Option<Sourced<LatLon>>,
}

/// The ward offices file (`assets/ward-offices.json`) and the answer of
/// `GET /api/v1/wards/offices`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardOffices {
    /// When the file's facts were last checked, `YYYY-MM-DD`.
    pub as_of: String,
    pub sources: Vec<OfficeSource>,
    /// Hours a public rule sets for every ward office that has none of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<SourcedHours>))]
    pub common_hours: Option<Sourced<Vec<OfficeHours>>>,
    /// At most one per ward, in any order.
    pub offices: Vec<WardOffice>,
}

/// For the OpenAPI document only: the concrete shapes of [`Sourced`].
#[cfg(feature = "openapi")]
mod schema {
    use super::*;

    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)]
    pub struct SourcedText {
        value: String,
        source: String,
    }

    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)]
    pub struct SourcedHours {
        value: Vec<OfficeHours>,
        source: String,
    }

    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)]
    pub struct SourcedPosition {
        value: LatLon,
        source: String,
    }
}
#[cfg(feature = "openapi")]
pub use schema::{SourcedHours, SourcedPosition, SourcedText};

/// Why an offices file is refused (the whole file: never half a list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OfficeError {
    #[error("the offices file is not JSON of the expected shape")]
    BadJson,
    #[error("a date is not YYYY-MM-DD")]
    BadDate,
    #[error("a source has a bad id, title or address, or its id is used twice")]
    BadSource,
    #[error("a fact cites a source the file does not list")]
    UnknownSource,
    #[error("an office's ward code is not a unit of the city")]
    UnknownWard,
    #[error("two offices for one ward")]
    DuplicateWard,
    #[error("an address is empty, too long or holds control characters")]
    BadAddress,
    #[error(
        "opening hours are empty, too many, or a span is not a day range with opening before closing"
    )]
    BadHours,
    #[error("a position is outside Ho Chi Minh City")]
    BadPosition,
    #[error("too many offices or sources")]
    TooMany,
}

impl OfficeError {
    /// A stable name for logs and tests.
    pub fn code(self) -> &'static str {
        match self {
            Self::BadJson => "offices_bad_json",
            Self::BadDate => "offices_bad_date",
            Self::BadSource => "offices_bad_source",
            Self::UnknownSource => "offices_unknown_source",
            Self::UnknownWard => "offices_unknown_ward",
            Self::DuplicateWard => "offices_duplicate_ward",
            Self::BadAddress => "offices_bad_address",
            Self::BadHours => "offices_bad_hours",
            Self::BadPosition => "offices_bad_position",
            Self::TooMany => "offices_too_many",
        }
    }
}

fn is_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10
}

fn is_text(text: &str, max: usize) -> bool {
    !text.trim().is_empty()
        && text.trim() == text
        && text.chars().count() <= max
        && !text.chars().any(char::is_control)
}

fn hours_ok(spans: &[OfficeHours]) -> bool {
    !spans.is_empty() && spans.len() <= MAX_SPANS && spans.iter().all(OfficeHours::is_valid)
}

impl WardOffices {
    /// Parses and validates; `known` says whether a ward code is a unit of the city.
    pub fn from_json(text: &str, known: impl Fn(&WardCode) -> bool) -> Result<Self, OfficeError> {
        let file: Self = serde_json::from_str(text).map_err(|_| OfficeError::BadJson)?;
        file.validate(known)?;
        Ok(file)
    }

    pub fn validate(&self, known: impl Fn(&WardCode) -> bool) -> Result<(), OfficeError> {
        if self.offices.len() > MAX_OFFICES || self.sources.len() > MAX_SOURCES {
            return Err(OfficeError::TooMany);
        }
        if !is_date(&self.as_of) {
            return Err(OfficeError::BadDate);
        }
        let mut ids = HashSet::new();
        for s in &self.sources {
            let id_ok = (1..=40).contains(&s.id.len())
                && s.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            let url_ok = s.url.starts_with("https://")
                && url::Url::parse(&s.url).is_ok()
                && s.url.len() <= 2_000;
            if !id_ok
                || !url_ok
                || !is_text(&s.title, MAX_TITLE_CHARS)
                || !ids.insert(s.id.as_str())
            {
                return Err(OfficeError::BadSource);
            }
            if !is_date(&s.read_on) {
                return Err(OfficeError::BadDate);
            }
        }
        let cited = |source: &str| {
            if ids.contains(source) {
                Ok(())
            } else {
                Err(OfficeError::UnknownSource)
            }
        };
        if let Some(common) = &self.common_hours {
            cited(&common.source)?;
            if !hours_ok(&common.value) {
                return Err(OfficeError::BadHours);
            }
        }
        let mut wards = HashSet::new();
        for office in &self.offices {
            if !known(&office.ward_code) {
                return Err(OfficeError::UnknownWard);
            }
            if !wards.insert(&office.ward_code) {
                return Err(OfficeError::DuplicateWard);
            }
            if let Some(a) = &office.address {
                cited(&a.source)?;
                if !is_text(&a.value, MAX_ADDRESS_CHARS) {
                    return Err(OfficeError::BadAddress);
                }
            }
            if let Some(h) = &office.hours {
                cited(&h.source)?;
                if !hours_ok(&h.value) {
                    return Err(OfficeError::BadHours);
                }
            }
            if let Some(p) = &office.position {
                cited(&p.source)?;
                if !p.value.in_city() {
                    return Err(OfficeError::BadPosition);
                }
            }
        }
        Ok(())
    }

    /// The office of `code`, if the file has one.
    pub fn office(&self, code: &WardCode) -> Option<&WardOffice> {
        self.offices.iter().find(|o| &o.ward_code == code)
    }

    /// The hours that apply to `code`'s office and where they come from: its own, else the
    /// common rule, else none.
    pub fn hours_of(&self, code: &WardCode) -> Option<(&Sourced<Vec<OfficeHours>>, HoursFrom)> {
        match self.office(code).and_then(|o| o.hours.as_ref()) {
            Some(own) => Some((own, HoursFrom::Office)),
            None => self
                .common_hours
                .as_ref()
                .map(|c| (c, HoursFrom::CommonRule)),
        }
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&OfficeSource> {
        self.sources.iter().find(|s| s.id == id)
    }
}

crate::wire::wire_enum! {
    /// Whose hours the card shows.
    pub enum HoursFrom {
        /// The office's own, from a source about it.
        Office = "office",
        /// The city's rule for every ward office.
        CommonRule = "common_rule",
    }
}

impl HoursFrom {
    /// The i18n key of the line saying whose hours they are.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Office => "map.hours.office",
            Self::CommonRule => "map.hours.common_rule",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> serde_json::Value {
        serde_json::json!({
            "as_of": "2026-12-07",
            "sources": [{"id": "hcm-1", "title": "Danh sách", "url": "https://hochiminhcity.gov.vn/x", "read_on": "2026-12-07"}],
            "common_hours": {"value": [{"from_day": 1, "to_day": 5, "opens": "07:30", "closes": "11:30"}], "source": "hcm-1"},
            "offices": [{
                "ward_code": "26734",
                "address": {"value": "45 Lê Thánh Tôn", "source": "hcm-1"},
                "position": {"value": {"lat": 10.776, "lon": 106.70}, "source": "hcm-1"}
            }]
        })
    }

    fn read(v: &serde_json::Value) -> Result<WardOffices, OfficeError> {
        WardOffices::from_json(&v.to_string(), |c| c.as_str().starts_with("26"))
    }

    #[test]
    fn a_good_file_reads_and_its_hours_fall_back_to_the_rule() {
        let f = read(&file()).expect("valid");
        let code = WardCode::parse("26734").expect("code");
        let (hours, from) = f.hours_of(&code).expect("hours");
        assert_eq!(from, HoursFrom::CommonRule);
        assert_eq!(hours.value[0].opens.to_string(), "07:30");
        assert!(hours.value[0].open_at(3, HhMm::new(9, 0).expect("t")));
        assert!(!hours.value[0].open_at(6, HhMm::new(9, 0).expect("t")));
        assert!(!hours.value[0].open_at(1, HhMm::new(11, 30).expect("t")));
        assert_eq!(
            f.source("hcm-1").map(|s| s.read_on.as_str()),
            Some("2026-12-07")
        );
        // Round trip.
        let again = serde_json::to_string(&f).expect("json");
        assert_eq!(read(&serde_json::from_str(&again).expect("v")), Ok(f));
    }

    #[test]
    fn each_bad_fact_is_refused_with_its_code() {
        type Change = Box<dyn Fn(&mut serde_json::Value)>;
        let cases: Vec<(Change, OfficeError)> = vec![
            (
                Box::new(|v| v["as_of"] = "7-12-2026".into()),
                OfficeError::BadDate,
            ),
            (
                Box::new(|v| v["sources"][0]["url"] = "http://x.vn".into()),
                OfficeError::BadSource,
            ),
            (
                Box::new(|v| v["sources"][0]["id"] = "Bad Id".into()),
                OfficeError::BadSource,
            ),
            (
                Box::new(|v| v["sources"][0]["read_on"] = "2026-13-01".into()),
                OfficeError::BadDate,
            ),
            (
                Box::new(|v| v["offices"][0]["address"]["source"] = "nope".into()),
                OfficeError::UnknownSource,
            ),
            (
                Box::new(|v| v["offices"][0]["ward_code"] = "10000".into()),
                OfficeError::UnknownWard,
            ),
            (
                Box::new(|v| v["offices"][0]["ward_code"] = "2673".into()),
                OfficeError::BadJson,
            ),
            (
                Box::new(|v| v["offices"][0]["address"]["value"] = " ".into()),
                OfficeError::BadAddress,
            ),
            (
                Box::new(|v| v["offices"][0]["address"]["value"] = "a\u{0}b".into()),
                OfficeError::BadAddress,
            ),
            (
                Box::new(|v| v["offices"][0]["position"]["value"]["lat"] = 21.0.into()),
                OfficeError::BadPosition,
            ),
            (
                Box::new(|v| v["common_hours"]["value"][0]["closes"] = "07:00".into()),
                OfficeError::BadHours,
            ),
            (
                Box::new(|v| v["common_hours"]["value"][0]["to_day"] = 8.into()),
                OfficeError::BadHours,
            ),
            (
                Box::new(|v| v["common_hours"]["value"][0]["from_day"] = 0.into()),
                OfficeError::BadHours,
            ),
            (
                Box::new(|v| v["common_hours"]["value"] = serde_json::json!([])),
                OfficeError::BadHours,
            ),
            (
                Box::new(|v| v["common_hours"]["value"][0]["opens"] = "7:30".into()),
                OfficeError::BadJson,
            ),
            (
                Box::new(|v| v["common_hours"]["value"][0]["opens"] = "25:00".into()),
                OfficeError::BadJson,
            ),
            (
                Box::new(|v| {
                    let o = v["offices"][0].clone();
                    v["offices"].as_array_mut().expect("array").push(o);
                }),
                OfficeError::DuplicateWard,
            ),
        ];
        for (i, (change, why)) in cases.into_iter().enumerate() {
            let mut v = file();
            change(&mut v);
            assert_eq!(read(&v), Err(why), "case {i}");
        }
        for garbage in ["", "null", "[]", "{}", "\u{0}"] {
            assert_eq!(
                WardOffices::from_json(garbage, |_| true),
                Err(OfficeError::BadJson)
            );
        }
    }

    #[test]
    fn the_bundled_file_is_valid() {
        let units =
            crate::WardCatalog::from_json(include_str!("../../../../assets/hcmc-units.json"))
                .expect("units");
        let file =
            WardOffices::from_json(include_str!("../../../../assets/ward-offices.json"), |c| {
                units.units.iter().any(|u| &u.code == c)
            })
            .expect("the bundled offices");
        // Every fact cites a listed source (checked above); none is invented: hours and
        // positions no source gave are absent.
        assert!(file.offices.iter().all(|o| o.address.is_some()));
    }

    #[test]
    fn times_read_and_write_as_hh_mm() {
        assert_eq!(HhMm::parse("07:30").map(|t| t.minutes()), Some(450));
        assert_eq!(
            HhMm::parse("24:00").map(|t| t.to_string()),
            Some("24:00".into())
        );
        for bad in ["7:30", "07:60", "24:01", "0730", "aa:bb", "07:3", " 07:30"] {
            assert_eq!(HhMm::parse(bad), None, "{bad}");
        }
    }
}
