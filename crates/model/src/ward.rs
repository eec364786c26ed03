//! Administrative units (phường / xã / đặc khu) of HCMC and their catalogue.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// HCMC's province code since 1-7-2025.
pub const HCMC_PROVINCE_CODE: &str = "79";

/// Longest unit name accepted from any source; real ones are under 40 characters.
const MAX_NAME_CHARS: usize = 100;

/// Most units a catalogue may hold: a sanity bound on data from the network, not a city fact.
const MAX_UNITS: usize = 5_000;

/// Bounding box of HCMC after the 2025 merger (with former Bình Dương, Bà Rịa–Vũng Tàu and Côn Đảo).
pub const HCMC_LAT: (f64, f64) = (8.3, 11.8);
pub const HCMC_LON: (f64, f64) = (105.9, 107.9);

/// The official 5-digit code of a unit (e.g. `26734`); only a valid one can be built.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WardCode(String);

impl WardCode {
    pub fn parse(text: &str) -> Result<Self, WardError> {
        let text = text.trim();
        if text.len() == 5 && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(WardError::BadCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for WardCode {
    type Error = WardError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WardCode> for String {
    fn from(code: WardCode) -> Self {
        code.0
    }
}

impl fmt::Display for WardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The level of a unit after the 2025 reform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Phường (urban ward).
    Phuong,
    /// Xã (rural commune).
    Xa,
    /// Đặc khu (special zone: Côn Đảo).
    DacKhu,
}

impl UnitKind {
    pub const ALL: [Self; 3] = [Self::Phuong, Self::Xa, Self::DacKhu];

    /// The Vietnamese prefix official names start with.
    pub fn name_prefix(self) -> &'static str {
        match self {
            Self::Phuong => "Phường",
            Self::Xa => "Xã",
            Self::DacKhu => "Đặc khu",
        }
    }

    /// The i18n key of the kind's name.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Phuong => "kind.phuong",
            Self::Xa => "kind.xa",
            Self::DacKhu => "kind.dac_khu",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phuong => "phuong",
            Self::Xa => "xa",
            Self::DacKhu => "dac_khu",
        }
    }

    pub fn parse(text: &str) -> Result<Self, WardError> {
        match text {
            "phuong" => Ok(Self::Phuong),
            "xa" => Ok(Self::Xa),
            "dac_khu" => Ok(Self::DacKhu),
            _ => Err(WardError::BadKind),
        }
    }
}

/// One administrative unit as the app and the city API exchange it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ward {
    /// Official 5-digit code, e.g. "26743".
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{5}$"))]
    pub code: WardCode,
    /// Official full name, e.g. "Phường Bến Thành".
    pub name: String,
    pub kind: UnitKind,
    /// Centroid latitude (WGS 84).
    pub lat: f64,
    /// Centroid longitude (WGS 84).
    pub lon: f64,
    pub area_km2: f64,
}

impl Ward {
    /// Builds and validates a unit from untyped parts, e.g. a database row.
    pub fn from_parts(
        code: &str,
        name: String,
        kind: &str,
        lat: f64,
        lon: f64,
        area_km2: f64,
    ) -> Result<Self, WardError> {
        let ward = Self {
            code: WardCode::parse(code)?,
            name,
            kind: UnitKind::parse(kind)?,
            lat,
            lon,
            area_km2,
        };
        ward.validate()?;
        Ok(ward)
    }

    /// The name without its "Phường"/"Xã"/"Đặc khu" prefix: "Bến Thành".
    pub fn short_name(&self) -> &str {
        short_name(&self.name, self.kind)
    }

    /// Checks what serde cannot: name shape and that the place is in HCMC.
    pub fn validate(&self) -> Result<(), WardError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name != self.name {
            return Err(WardError::BadName);
        }
        if name.chars().any(char::is_control) {
            return Err(WardError::BadName);
        }
        let in_range = |v: f64, (lo, hi): (f64, f64)| v.is_finite() && (lo..=hi).contains(&v);
        if !in_range(self.lat, HCMC_LAT) || !in_range(self.lon, HCMC_LON) {
            return Err(WardError::OutsideCity);
        }
        if !(self.area_km2.is_finite() && self.area_km2 > 0.0) {
            return Err(WardError::BadArea);
        }
        Ok(())
    }
}

/// Strips the kind's prefix from an official name, when it has it.
pub fn short_name(name: &str, kind: UnitKind) -> &str {
    name.strip_prefix(kind.name_prefix())
        .map(str::trim_start)
        .filter(|rest| !rest.is_empty())
        .unwrap_or(name)
}

/// The list of units of one province, as shipped in `assets/` and served by `/api/v1/wards`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardCatalog {
    pub province_code: String,
    pub units: Vec<Ward>,
}

impl WardCatalog {
    /// Parses and validates a catalogue; any bad unit rejects the whole (never half a list).
    pub fn from_json(text: &str) -> Result<Self, WardError> {
        let catalog: Self = serde_json::from_str(text).map_err(|_| WardError::BadJson)?;
        catalog.validate()?;
        Ok(catalog)
    }

    pub fn validate(&self) -> Result<(), WardError> {
        if self.province_code != HCMC_PROVINCE_CODE {
            return Err(WardError::WrongProvince);
        }
        if self.units.is_empty() || self.units.len() > MAX_UNITS {
            return Err(WardError::BadCount);
        }
        let mut seen = HashSet::with_capacity(self.units.len());
        for unit in &self.units {
            unit.validate()?;
            if !seen.insert(&unit.code) {
                return Err(WardError::DuplicateCode);
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WardError {
    #[error("a ward code is five digits")]
    BadCode,
    #[error("unknown unit kind")]
    BadKind,
    #[error("ward name is empty, too long or badly formed")]
    BadName,
    #[error("ward centroid is outside Ho Chi Minh City")]
    OutsideCity,
    #[error("ward area must be a positive number")]
    BadArea,
    #[error("ward list is not valid JSON of the expected shape")]
    BadJson,
    #[error("ward list is not for Ho Chi Minh City")]
    WrongProvince,
    #[error("ward list is empty or too long")]
    BadCount,
    #[error("ward list has a code twice")]
    DuplicateCode,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ben_thanh() -> Ward {
        Ward {
            code: WardCode::parse("26734").expect("valid code"),
            name: "Phường Bến Thành".into(),
            kind: UnitKind::Phuong,
            lat: 10.77,
            lon: 106.69,
            area_km2: 1.2,
        }
    }

    #[test]
    fn codes_are_five_digits() {
        assert!(WardCode::parse("26734").is_ok());
        assert!(WardCode::parse(" 26734 ").is_ok());
        for bad in ["", "2673", "267345", "2673a", "２６７３４", "26 34"] {
            assert_eq!(WardCode::parse(bad), Err(WardError::BadCode), "{bad:?}");
        }
    }

    #[test]
    fn code_deserialisation_validates() {
        assert!(serde_json::from_str::<WardCode>("\"00001\"").is_ok());
        assert!(serde_json::from_str::<WardCode>("\"x\"").is_err());
        assert!(serde_json::from_str::<WardCode>("26734").is_err());
    }

    #[test]
    fn short_name_strips_prefix() {
        assert_eq!(ben_thanh().short_name(), "Bến Thành");
        assert_eq!(short_name("Xã Cần Giờ", UnitKind::Xa), "Cần Giờ");
        assert_eq!(short_name("Đặc khu Côn Đảo", UnitKind::DacKhu), "Côn Đảo");
        assert_eq!(short_name("Phường", UnitKind::Phuong), "Phường");
        assert_eq!(short_name("Bến Thành", UnitKind::Phuong), "Bến Thành");
    }

    #[test]
    fn validation_rejects_bad_units() {
        assert_eq!(ben_thanh().validate(), Ok(()));
        let mut w = ben_thanh();
        w.lat = 21.0; // Hà Nội
        assert_eq!(w.validate(), Err(WardError::OutsideCity));
        let mut w = ben_thanh();
        w.lon = f64::NAN;
        assert_eq!(w.validate(), Err(WardError::OutsideCity));
        let mut w = ben_thanh();
        w.name = " ".into();
        assert_eq!(w.validate(), Err(WardError::BadName));
        let mut w = ben_thanh();
        w.name = "x".repeat(101);
        assert_eq!(w.validate(), Err(WardError::BadName));
        let mut w = ben_thanh();
        w.area_km2 = 0.0;
        assert_eq!(w.validate(), Err(WardError::BadArea));
    }

    #[test]
    fn catalogue_rejects_duplicates_and_other_provinces() {
        let mut c = WardCatalog {
            province_code: "79".into(),
            units: vec![ben_thanh()],
        };
        assert_eq!(c.validate(), Ok(()));
        c.units.push(ben_thanh());
        assert_eq!(c.validate(), Err(WardError::DuplicateCode));
        c.units.pop();
        c.province_code = "01".into();
        assert_eq!(c.validate(), Err(WardError::WrongProvince));
        c.province_code = "79".into();
        c.units.clear();
        assert_eq!(c.validate(), Err(WardError::BadCount));
    }

    #[test]
    fn catalogue_from_json_never_panics_on_garbage() {
        for bad in [
            "",
            "null",
            "{}",
            "[]",
            "{\"province_code\":79,\"units\":[]}",
            "\u{0}",
        ] {
            assert!(WardCatalog::from_json(bad).is_err(), "{bad:?}");
        }
    }
}
