//! The units abolished on 1-7-2025 that citizens still name — former districts (Quận 1, TP Thủ
//! Đức, TP Dĩ An, …) and former wards (Phường Đa Kao, …) of HCMC, Bình Dương and Bà Rịa – Vũng
//! Tàu — and the current units each went into. Read from `assets/hcmc-former-units.json`
//! (`tools/ward-data/gen_former.py`, where the source and its checks are) and checked on load.

use std::collections::HashSet;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::ward::{HCMC_LAT, HCMC_LON, HCMC_PROVINCE_CODE, WardCode};

/// Longest name accepted; real ones are under 40 characters.
const MAX_NAME_CHARS: usize = 100;

/// The former units as shipped, checked.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct FormerUnits {
    pub provinces: Vec<FormerProvince>,
    pub districts: Vec<FormerDistrict>,
    pub wards: Vec<FormerWard>,
}

/// A province before 1-7-2025: 79 (HCMC), 74 (Bình Dương), 77 (Bà Rịa – Vũng Tàu).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct FormerProvince {
    pub code: String,
    pub name: String,
}

/// A former district (quận, huyện, thành phố, thị xã).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct FormerDistrict {
    /// Its former code: not a current unit's.
    pub code: String,
    pub name: String,
    /// The code of its former province.
    pub province: String,
    /// Other names the dataset writes for it ("Q1"; "Quận 2" for TP Thủ Đức).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Every current unit one of its wards went into.
    pub now: Vec<WardCode>,
}

/// A former ward (phường, xã, thị trấn).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct FormerWard {
    /// Its former code: not a current unit's, though a current unit may reuse it.
    pub code: String,
    pub name: String,
    /// The code of its former district.
    pub district: String,
    /// The current unit(s) it went into; a ward divided between several lists the default (the
    /// one an address with nothing more is read as) first.
    pub now: Vec<WardCode>,
    /// Its own position (WGS 84), where the source has one.
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
}

impl FormerWard {
    /// Its own position, when the source gives both coordinates.
    pub fn position(&self) -> Option<(f64, f64)> {
        self.lat.zip(self.lon)
    }

    /// Split between several current units.
    pub fn is_divided(&self) -> bool {
        self.now.len() > 1
    }
}

impl FormerDistrict {
    /// Its name without "Quận"/"Huyện"/"Thành phố"/"Thị xã", unless only a number would be
    /// left ("Quận 1" stays whole).
    pub fn short_name(&self) -> &str {
        const KINDS: [&str; 4] = ["Thành phố ", "Thị xã ", "Quận ", "Huyện "];
        KINDS
            .iter()
            .find_map(|k| self.name.strip_prefix(k))
            .filter(|rest| !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit()))
            .unwrap_or(&self.name)
    }
}

/// Why the former units' file is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormerError {
    #[error("former units file is not the expected JSON")]
    BadJson,
    #[error("a former unit's name is empty, too long, untrimmed or not NFC: {0}")]
    BadName(String),
    #[error("a former unit names a former district or province the file lacks: {0}")]
    UnknownParent(String),
    #[error("a former unit went into no current unit, or one the city does not have: {0}")]
    UnknownWard(String),
    #[error("a former ward's position is not in HCMC: {0}")]
    OutsideCity(String),
    #[error("a former unit is listed twice: {0}")]
    Duplicate(String),
}

impl FormerError {
    /// A stable name for logs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadJson => "former_bad_json",
            Self::BadName(_) => "former_bad_name",
            Self::UnknownParent(_) => "former_unknown_parent",
            Self::UnknownWard(_) => "former_unknown_ward",
            Self::OutsideCity(_) => "former_outside_city",
            Self::Duplicate(_) => "former_duplicate",
        }
    }
}

fn name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name.trim() == name
        && !name.chars().any(char::is_control)
        && name.nfc().eq(name.chars())
}

impl FormerUnits {
    /// Parses and checks the file: names NFC and trimmed, parents known, positions in HCMC, each
    /// unit once, and every current code one `known` accepts (the 168 of the catalogue).
    pub fn from_json(text: &str, known: impl Fn(&WardCode) -> bool) -> Result<Self, FormerError> {
        let units: Self = serde_json::from_str(text).map_err(|_| FormerError::BadJson)?;
        units.check(known)?;
        Ok(units)
    }

    fn check(&self, known: impl Fn(&WardCode) -> bool) -> Result<(), FormerError> {
        let mut provinces = HashSet::new();
        for p in &self.provinces {
            if !name_ok(&p.name) {
                return Err(FormerError::BadName(p.name.clone()));
            }
            if !provinces.insert(p.code.as_str()) {
                return Err(FormerError::Duplicate(p.code.clone()));
            }
        }
        let now_ok = |now: &[WardCode], who: &str| {
            if now.is_empty() || !now.iter().all(&known) {
                return Err(FormerError::UnknownWard(who.to_owned()));
            }
            Ok(())
        };
        let mut districts = HashSet::new();
        for d in &self.districts {
            if !name_ok(&d.name) || !d.aliases.iter().all(|a| name_ok(a)) {
                return Err(FormerError::BadName(d.name.clone()));
            }
            if !provinces.contains(d.province.as_str()) {
                return Err(FormerError::UnknownParent(d.name.clone()));
            }
            if !districts.insert(d.code.as_str()) {
                return Err(FormerError::Duplicate(d.code.clone()));
            }
            now_ok(&d.now, &d.name)?;
        }
        let mut wards = HashSet::new();
        let in_range = |v: f64, (lo, hi): (f64, f64)| v.is_finite() && (lo..=hi).contains(&v);
        for w in &self.wards {
            if !name_ok(&w.name) {
                return Err(FormerError::BadName(w.name.clone()));
            }
            if !districts.contains(w.district.as_str()) {
                return Err(FormerError::UnknownParent(w.name.clone()));
            }
            if !wards.insert(w.code.as_str()) {
                return Err(FormerError::Duplicate(w.code.clone()));
            }
            now_ok(&w.now, &w.name)?;
            if w.lat.is_some() != w.lon.is_some() {
                return Err(FormerError::OutsideCity(w.name.clone()));
            }
            if let Some((lat, lon)) = w.position()
                && !(in_range(lat, HCMC_LAT) && in_range(lon, HCMC_LON))
            {
                return Err(FormerError::OutsideCity(w.name.clone()));
            }
        }
        Ok(())
    }

    pub fn district(&self, code: &str) -> Option<&FormerDistrict> {
        self.districts.iter().find(|d| d.code == code)
    }

    /// A former province's name, unless it is HCMC's own (said only for the merged provinces).
    pub fn other_province(&self, code: &str) -> Option<&str> {
        (code != HCMC_PROVINCE_CODE)
            .then(|| self.provinces.iter().find(|p| p.code == code))
            .flatten()
            .map(|p| p.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{
      "provinces": [{"code":"79","name":"Thành phố Hồ Chí Minh"}],
      "districts": [{"code":"760","name":"Quận 1","province":"79","aliases":["Q1"],"now":["26737","26740"]}],
      "wards": [{"code":"26737","name":"Phường Đa Kao","district":"760","now":["26740","26737"],"lat":10.78788,"lon":106.6984}]
    }"#;

    fn known(code: &WardCode) -> bool {
        ["26737", "26740"].contains(&code.as_str())
    }

    #[test]
    fn reads_a_checked_file() {
        let units = FormerUnits::from_json(SMALL, known).expect("valid");
        let w = &units.wards[0];
        assert!(w.is_divided());
        assert_eq!(w.now[0].as_str(), "26740");
        assert_eq!(w.position(), Some((10.78788, 106.6984)));
        assert_eq!(units.districts[0].short_name(), "Quận 1");
        assert_eq!(units.other_province("79"), None);
    }

    #[test]
    fn refuses_what_is_wrong() {
        let code = |text: &str, known: fn(&WardCode) -> bool| {
            FormerUnits::from_json(text, known)
                .map(|_| ())
                .map_err(|e| e.code())
        };
        assert_eq!(code("{", |_| true), Err("former_bad_json"));
        assert_eq!(code(SMALL, |_| false), Err("former_unknown_ward"));
        let decomposed = SMALL.replace("Đa Kao", "Đa Ka\u{006f}\u{0301}");
        assert_eq!(code(&decomposed, known), Err("former_bad_name"));
        let orphan = SMALL.replace(r#""district":"760""#, r#""district":"999""#);
        assert_eq!(code(&orphan, known), Err("former_unknown_parent"));
        let away = SMALL.replace("10.78788", "21.0");
        assert_eq!(code(&away, known), Err("former_outside_city"));
        let nowhere = SMALL.replace(r#""now":["26740","26737"]"#, r#""now":[]"#);
        assert_eq!(code(&nowhere, known), Err("former_unknown_ward"));
    }

    #[test]
    fn district_short_names() {
        let d = |name: &str| FormerDistrict {
            code: "1".into(),
            name: name.into(),
            province: "79".into(),
            aliases: vec![],
            now: vec![],
        };
        assert_eq!(d("Thành phố Thủ Đức").short_name(), "Thủ Đức");
        assert_eq!(d("Huyện Cần Giờ").short_name(), "Cần Giờ");
        assert_eq!(d("Quận Bình Thạnh").short_name(), "Bình Thạnh");
        assert_eq!(d("Quận 12").short_name(), "Quận 12");
    }
}
