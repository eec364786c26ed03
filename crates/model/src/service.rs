//! The feedback categories ("services" in Open311; the 18 fields of HCMC's 1022 system) and their
//! extra questions ("attributes"). The list is data a city replaces, so everything is validated
//! when loaded, and a citizen's answers are checked against it.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::settings::Language;

/// Most services a catalogue may hold: a bound on data from the network, not a city fact.
const MAX_SERVICES: usize = 200;
const MAX_ATTRIBUTES: usize = 20;
const MAX_VALUES: usize = 100;
/// Longest answer to a `string` attribute, and to a `text` one.
pub const MAX_STRING_ANSWER: usize = 200;
pub const MAX_TEXT_ANSWER: usize = 2_000;
/// The largest number answer either way (the OpenAPI document states the same range).
pub const MAX_NUMBER_ANSWER: f64 = 1e9;

/// A text in both languages of the app; neither may be empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Localized {
    pub vi: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Language) -> &str {
        match lang {
            Language::Vi => &self.vi,
            Language::En => &self.en,
        }
    }

    pub(crate) fn is_complete(&self) -> bool {
        !self.vi.trim().is_empty() && !self.en.trim().is_empty()
    }
}

/// A service code: lowercase ASCII letters, digits and dashes, 1–64 long (e.g. `giao-thong`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceCode(String);

impl ServiceCode {
    pub fn parse(text: &str) -> Result<Self, ServiceError> {
        let ok = (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(ServiceError::BadCode(text.chars().take(64).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ServiceCode {
    type Error = ServiceError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ServiceCode> for String {
    fn from(code: ServiceCode) -> Self {
        code.0
    }
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Open311's attribute datatypes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Datatype {
    String,
    Number,
    Datetime,
    Text,
    Singlevaluelist,
    Multivaluelist,
}

impl Datatype {
    fn is_list(self) -> bool {
        matches!(self, Self::Singlevaluelist | Self::Multivaluelist)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttributeChoice {
    pub key: String,
    pub name: Localized,
}

/// One extra question of a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attribute {
    pub code: String,
    pub datatype: Datatype,
    pub required: bool,
    pub order: u32,
    pub description: Localized,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<AttributeChoice>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Keywords {
    pub vi: Vec<String>,
    pub en: Vec<String>,
}

/// A feedback category with its agency and questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "giao-thong"))]
    pub code: ServiceCode,
    pub name: Localized,
    /// A picture for people who read little (an emoji: every phone has the font).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
    pub group: Localized,
    pub description: Localized,
    pub keywords: Keywords,
    /// The agency a new report is forwarded to.
    pub agency: Localized,
    /// The "I don't know which field" choice: the city's operators sort it and forward it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub triage: bool,
    pub attributes: Vec<Attribute>,
}

/// The whole list, as `assets/services-1022.json` holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceCatalog {
    pub jurisdiction_id: String,
    pub services: Vec<Service>,
}

/// A citizen's valid answer to one attribute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Number(f64),
    Text(String),
    Keys(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("not a service code: {0:?}")]
    BadCode(String),
    #[error("the service list is not valid JSON: {0}")]
    Json(String),
    #[error("the service list is empty or longer than {MAX_SERVICES}")]
    Count,
    #[error("service {0} appears twice")]
    Duplicate(String),
    #[error("service {0}: a name, group, description or agency is missing in one language")]
    MissingText(String),
    #[error("service {0}: attribute {1} is malformed")]
    BadAttribute(String, String),
    /// Open311: `order` is "any positive integer not used for other attributes in the same
    /// service_code".
    #[error("service {0}: attribute {1} needs an order of 1 or more used by no other attribute")]
    BadOrder(String, String),
    #[error("the jurisdiction id is empty")]
    NoJurisdiction,
    #[error("more than one service is marked as the \"I don't know\" choice")]
    TwoTriage,
}

/// Why an answer to a service's questions was refused; each names the attribute.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("attribute {0} is required")]
    Missing(String),
    #[error("attribute {0} is not a question of this service")]
    Unknown(String),
    #[error("attribute {0}: {1:?} is not one of its choices")]
    NotAChoice(String, String),
    #[error("attribute {0} takes one answer")]
    TooMany(String),
    #[error("attribute {0} must be a number between -1e9 and 1e9")]
    NotANumber(String),
    #[error("attribute {0} must be a date and time (RFC 3339)")]
    NotADatetime(String),
    #[error("attribute {0} is longer than {1} characters")]
    TooLong(String, usize),
}

impl ServiceCatalog {
    pub fn from_json(text: &str) -> Result<Self, ServiceError> {
        let catalog: Self =
            serde_json::from_str(text).map_err(|e| ServiceError::Json(e.to_string()))?;
        catalog.validate()?;
        Ok(catalog)
    }

    pub fn validate(&self) -> Result<(), ServiceError> {
        if self.jurisdiction_id.trim().is_empty() {
            return Err(ServiceError::NoJurisdiction);
        }
        if self.services.is_empty() || self.services.len() > MAX_SERVICES {
            return Err(ServiceError::Count);
        }
        let mut seen = HashSet::new();
        for s in &self.services {
            if !seen.insert(s.code.as_str()) {
                return Err(ServiceError::Duplicate(s.code.to_string()));
            }
            s.validate()?;
        }
        if self.services.iter().filter(|s| s.triage).count() > 1 {
            return Err(ServiceError::TwoTriage);
        }
        Ok(())
    }

    /// The "I don't know" choice, when the city offers one.
    pub fn triage(&self) -> Option<&Service> {
        self.services.iter().find(|s| s.triage)
    }

    pub fn get(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code.as_str() == code)
    }
}

impl Service {
    /// What [`ServiceCatalog::validate`] checks of one service (also for a stored copy).
    pub fn validate(&self) -> Result<(), ServiceError> {
        let code = self.code.to_string();
        let texts = [&self.name, &self.group, &self.description, &self.agency];
        if !texts.iter().all(|t| t.is_complete()) {
            return Err(ServiceError::MissingText(code));
        }
        if self.icon.chars().count() > 8 {
            return Err(ServiceError::MissingText(code));
        }
        if self.attributes.len() > MAX_ATTRIBUTES {
            return Err(ServiceError::BadAttribute(code, "(too many)".into()));
        }
        let mut codes = HashSet::new();
        let mut orders = HashSet::new();
        for a in &self.attributes {
            if a.order == 0 || !orders.insert(a.order) {
                return Err(ServiceError::BadOrder(code, a.code.clone()));
            }
            let bad = || ServiceError::BadAttribute(code.clone(), a.code.clone());
            let code_ok = !a.code.is_empty()
                && a.code.len() <= 64
                && a.code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !code_ok || !codes.insert(a.code.as_str()) || !a.description.is_complete() {
                return Err(bad());
            }
            let mut keys = HashSet::new();
            let values_ok = a.values.len() <= MAX_VALUES
                && a.values
                    .iter()
                    .all(|v| !v.key.is_empty() && v.name.is_complete() && keys.insert(&v.key));
            if !values_ok || a.datatype.is_list() == a.values.is_empty() {
                return Err(bad());
            }
        }
        Ok(())
    }

    /// Whether this service asks more than the basic fields (Open311's `metadata`).
    pub fn has_metadata(&self) -> bool {
        !self.attributes.is_empty()
    }

    /// Checks a citizen's answers (attribute code → submitted values, several only for
    /// multi-value lists). Empty answers count as absent.
    pub fn check_answers(
        &self,
        given: &BTreeMap<String, Vec<String>>,
    ) -> Result<BTreeMap<String, Answer>, AnswerError> {
        for code in given.keys() {
            if !self.attributes.iter().any(|a| &a.code == code) {
                return Err(AnswerError::Unknown(code.clone()));
            }
        }
        let mut out = BTreeMap::new();
        for a in &self.attributes {
            let values: Vec<&str> = given
                .get(&a.code)
                .map(|v| {
                    v.iter()
                        .map(|s| s.trim())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            if values.is_empty() {
                if a.required {
                    return Err(AnswerError::Missing(a.code.clone()));
                }
                continue;
            }
            if a.datatype != Datatype::Multivaluelist && values.len() > 1 {
                return Err(AnswerError::TooMany(a.code.clone()));
            }
            let answer = match a.datatype {
                Datatype::Singlevaluelist | Datatype::Multivaluelist => {
                    let mut keys: Vec<String> = Vec::new();
                    for v in values {
                        if !a.values.iter().any(|c| c.key == v) {
                            return Err(AnswerError::NotAChoice(
                                a.code.clone(),
                                v.chars().take(64).collect(),
                            ));
                        }
                        if !keys.iter().any(|k| k == v) {
                            keys.push(v.to_owned());
                        }
                    }
                    Answer::Keys(keys)
                }
                Datatype::Number => values[0]
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite() && n.abs() <= MAX_NUMBER_ANSWER)
                    .map(Answer::Number)
                    .ok_or_else(|| AnswerError::NotANumber(a.code.clone()))?,
                Datatype::Datetime => {
                    if chrono::DateTime::parse_from_rfc3339(values[0]).is_err() {
                        return Err(AnswerError::NotADatetime(a.code.clone()));
                    }
                    Answer::Text(values[0].to_owned())
                }
                Datatype::String | Datatype::Text => {
                    let max = if a.datatype == Datatype::Text {
                        MAX_TEXT_ANSWER
                    } else {
                        MAX_STRING_ANSWER
                    };
                    if values[0].chars().count() > max {
                        return Err(AnswerError::TooLong(a.code.clone(), max));
                    }
                    Answer::Text(values[0].to_owned())
                }
            };
            out.insert(a.code.clone(), answer);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../../assets/services-1022.json");

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            map.entry((*k).into()).or_default().push((*v).into());
        }
        map
    }

    #[test]
    fn the_seed_holds_the_18_fields_of_1022() {
        let catalog = ServiceCatalog::from_json(SEED).expect("seed is valid");
        assert_eq!(catalog.services.iter().filter(|s| !s.triage).count(), 18);
        assert_eq!(
            catalog.triage().map(|s| s.code.as_str()),
            Some("chua-ro-linh-vuc")
        );
        assert!(catalog.services.iter().all(|s| !s.icon.is_empty()));
        assert_eq!(
            catalog.get("thoat-nuoc").map(|s| s.name.vi.as_str()),
            Some("Thoát nước – ngập")
        );
    }

    #[test]
    fn bad_catalogues_are_refused() {
        let mut c = ServiceCatalog::from_json(SEED).expect("seed");
        c.services.push(c.services[0].clone());
        assert!(matches!(c.validate(), Err(ServiceError::Duplicate(_))));
        let mut c = ServiceCatalog::from_json(SEED).expect("seed");
        c.services[0].name.en = " ".into();
        assert!(matches!(c.validate(), Err(ServiceError::MissingText(_))));
        let mut c = ServiceCatalog::from_json(SEED).expect("seed");
        c.services[0].attributes[0].values.clear();
        assert!(matches!(c.validate(), Err(ServiceError::BadAttribute(..))));
        let mut c = ServiceCatalog::from_json(SEED).expect("seed");
        c.services[0].triage = true;
        assert_eq!(c.validate(), Err(ServiceError::TwoTriage));
        assert!(ServiceCatalog::from_json("[").is_err());
        assert!(ServiceCatalog::from_json(r#"{"jurisdiction_id":"x","services":[]}"#).is_err());
        assert!(ServiceCode::parse("Giao thông").is_err());
        assert!(ServiceCode::parse("").is_err());
    }

    #[test]
    fn answers_are_checked_against_the_questions() {
        let catalog = ServiceCatalog::from_json(SEED).expect("seed");
        let flood = catalog.get("thoat-nuoc").expect("service");
        let ok = flood
            .check_answers(&answers(&[("kind", "flood"), ("depth_cm", " 30 ")]))
            .expect("valid");
        assert_eq!(ok.get("depth_cm"), Some(&Answer::Number(30.0)));
        assert_eq!(
            flood.check_answers(&answers(&[])),
            Err(AnswerError::Missing("kind".into()))
        );
        assert_eq!(
            flood.check_answers(&answers(&[("kind", "volcano")])),
            Err(AnswerError::NotAChoice("kind".into(), "volcano".into()))
        );
        assert_eq!(
            flood.check_answers(&answers(&[("kind", "flood"), ("kind", "blocked")])),
            Err(AnswerError::TooMany("kind".into()))
        );
        for n in ["NaN", "-2.065648271549829e+16", "1000000000.5"] {
            assert_eq!(
                flood.check_answers(&answers(&[("kind", "flood"), ("depth_cm", n)])),
                Err(AnswerError::NotANumber("depth_cm".into())),
                "{n}"
            );
        }
        assert_eq!(
            flood.check_answers(&answers(&[("kind", "flood"), ("colour", "x")])),
            Err(AnswerError::Unknown("colour".into()))
        );
        let bus = catalog.get("xe-buyt").expect("service");
        let long = "9".repeat(MAX_STRING_ANSWER + 1);
        assert_eq!(
            bus.check_answers(&answers(&[("kind", "late"), ("route", &long)])),
            Err(AnswerError::TooLong("route".into(), MAX_STRING_ANSWER))
        );
    }
}
