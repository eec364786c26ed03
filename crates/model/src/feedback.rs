//! Feedback reports (Open311 "service requests"): their life cycle, the limits on what a citizen
//! may send, and the form both sides use — the app builds it with [`NewRequest::to_pairs`], the
//! city API reads it back with [`NewRequest::from_pairs`], so the two cannot drift apart.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::geo::{self, Point};
use crate::service::{Answer, AnswerError, ServiceCatalog, ServiceCode};
use crate::ward::{Ward, WardCode};

pub const MAX_DESCRIPTION_CHARS: usize = 4_000;
pub const MAX_ADDRESS_CHARS: usize = 300;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_NOTE_CHARS: usize = 2_000;
pub const MAX_PHOTOS: usize = 5;
/// Largest photo the city API takes; the app shrinks photos far below this.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;
/// Days after "resolved" during which the citizen may answer "not fixed".
pub const REOPEN_WINDOW_DAYS: i64 = 30;

/// Where a report is in its life. Open311 only knows open/closed; this is the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Received,
    Assigned,
    InProgress,
    Resolved,
    Closed,
    /// The citizen said "not fixed" after it was resolved.
    Reopened,
}

impl RequestStatus {
    pub const ALL: [Self; 6] = [
        Self::Received,
        Self::Assigned,
        Self::InProgress,
        Self::Resolved,
        Self::Closed,
        Self::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Assigned => "assigned",
            Self::InProgress => "in_progress",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Reopened => "reopened",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Open311's `status`.
    pub fn open311(self) -> &'static str {
        match self {
            Self::Resolved | Self::Closed => "closed",
            _ => "open",
        }
    }

    /// The moves city staff may make.
    pub fn staff_can_move_to(self, next: Self) -> bool {
        use RequestStatus::*;
        matches!(
            (self, next),
            (Received | Reopened, Assigned | InProgress | Resolved)
                | (Assigned, InProgress | Resolved)
                | (InProgress, Resolved)
                | (Resolved, Closed)
        )
    }
}

/// The three answers of the city's satisfaction surveys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    Neutral,
    Unsatisfied,
}

impl Satisfaction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::Neutral => "neutral",
            Self::Unsatisfied => "unsatisfied",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Satisfied, Self::Neutral, Self::Unsatisfied]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A device's identifier (the app's random id for this install): 8–128 of `[A-Za-z0-9_-]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceId(String);

impl DeviceId {
    pub fn parse(text: &str) -> Option<Self> {
        let ok = (8..=128).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DeviceId {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or("not a device id")
    }
}

impl From<DeviceId> for String {
    fn from(id: DeviceId) -> Self {
        id.0
    }
}

/// Where the problem is. Open311 asks for at least one of a point, an address or an address id.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub point: Option<Point>,
    pub address: Option<String>,
    pub ward: Option<WardCode>,
}

/// How to reach the citizen; present only when they agreed to share it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A valid new report, as a form both sides agree on.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRequest {
    pub service_code: ServiceCode,
    pub description: String,
    pub place: Place,
    pub contact: Contact,
    pub device_id: Option<DeviceId>,
    /// Open311's `media_url`: a photo the citizen already put online (http/https only).
    pub media_url: Option<String>,
    pub answers: BTreeMap<String, Answer>,
}

/// Why a report form was refused; `field` names the form field for the citizen to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} is not valid")]
    Invalid { field: &'static str },
    #[error("{field} was given twice")]
    Repeated { field: String },
    #[error("unknown field {field}")]
    Unknown { field: String },
    #[error("no service has code {code}")]
    UnknownService { code: String },
    #[error("no HCMC ward or commune has code {code}")]
    UnknownWard { code: String },
    #[error("the location is outside Ho Chi Minh City")]
    OutsideCity,
    #[error("give a location: lat and long, an address_string or an address_id")]
    NoLocation,
    #[error("lat and long must be given together")]
    HalfPoint,
    #[error(transparent)]
    Answer(#[from] AnswerError),
}

impl FieldError {
    /// A stable code for the reason (the app translates it).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Missing { .. } => "missing",
            Self::TooLong { .. } => "too_long",
            Self::Invalid { .. } => "invalid",
            Self::Repeated { .. } => "repeated",
            Self::Unknown { .. } => "unknown_field",
            Self::UnknownService { .. } => "unknown_service",
            Self::UnknownWard { .. } => "unknown_ward",
            Self::OutsideCity => "outside_city",
            Self::NoLocation => "no_location",
            Self::HalfPoint => "half_point",
            Self::Answer(_) => "bad_attribute",
        }
    }

    /// The form field concerned, when there is one.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::Missing { field } | Self::TooLong { field, .. } | Self::Invalid { field } => {
                Some((*field).to_owned())
            }
            Self::Repeated { field } | Self::Unknown { field } => Some(field.clone()),
            Self::UnknownService { .. } => Some("service_code".into()),
            Self::UnknownWard { .. } => Some("ward_code".into()),
            Self::OutsideCity | Self::HalfPoint => Some("lat".into()),
            Self::NoLocation => None,
            Self::Answer(e) => Some(format!("attribute[{}]", e.attribute())),
        }
    }
}

impl AnswerError {
    pub fn attribute(&self) -> &str {
        match self {
            Self::Missing(a)
            | Self::Unknown(a)
            | Self::NotAChoice(a, _)
            | Self::TooMany(a)
            | Self::NotANumber(a)
            | Self::NotADatetime(a)
            | Self::TooLong(a, _) => a,
        }
    }
}

/// Trimmed, length-checked optional text; control characters other than newlines and tabs
/// are refused. Every free-text field a citizen sends goes through here.
pub fn text(
    value: Option<&str>,
    field: &'static str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(FieldError::TooLong { field, max });
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldError::Invalid { field });
    }
    Ok(Some(v.to_owned()))
}

fn number(value: Option<&str>, field: &'static str) -> Result<Option<f64>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or(FieldError::Invalid { field }),
    }
}

/// Form fields of Open311's POST requests, plus this API's `ward_code`.
const FIELDS: &[&str] = &[
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "ward_code",
];

impl NewRequest {
    /// Reads an Open311 form (`attribute[code]` pairs included). `units` are the city's wards.
    pub fn from_pairs(
        pairs: &[(String, String)],
        catalog: &ServiceCatalog,
        units: &[Ward],
    ) -> Result<Self, FieldError> {
        let mut single: BTreeMap<&str, &str> = BTreeMap::new();
        let mut attrs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            if let Some(code) = k
                .strip_prefix("attribute[")
                .and_then(|r| r.strip_suffix("[]]").or_else(|| r.strip_suffix(']')))
            {
                attrs.entry(code.to_owned()).or_default().push(v.clone());
            } else if let Some(name) = FIELDS.iter().find(|f| **f == k) {
                if single.insert(name, v).is_some() {
                    return Err(FieldError::Repeated { field: k.clone() });
                }
            } else {
                return Err(FieldError::Unknown {
                    field: k.chars().take(64).collect(),
                });
            }
        }
        let code = single
            .get("service_code")
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .ok_or(FieldError::Missing {
                field: "service_code",
            })?;
        let service = catalog
            .get(code)
            .ok_or_else(|| FieldError::UnknownService {
                code: code.chars().take(64).collect(),
            })?;
        let description = text(
            single.get("description").copied(),
            "description",
            MAX_DESCRIPTION_CHARS,
        )?
        .ok_or(FieldError::Missing {
            field: "description",
        })?;
        let answers = service.check_answers(&attrs)?;

        let lat = number(single.get("lat").copied(), "lat")?;
        let lon = number(single.get("long").copied(), "long")?;
        let point = match (lat, lon) {
            (Some(lat), Some(lon)) => {
                let p = Point::new(lat, lon).ok_or(FieldError::Invalid { field: "lat" })?;
                geo::unit_at(units, p).ok_or(FieldError::OutsideCity)?;
                Some(p)
            }
            (None, None) => None,
            _ => return Err(FieldError::HalfPoint),
        };
        let address = text(
            single.get("address_string").copied(),
            "address_string",
            MAX_ADDRESS_CHARS,
        )?;
        // Open311's address_id: here, a ward's official code.
        let ward_text = single
            .get("ward_code")
            .or_else(|| single.get("address_id"))
            .map(|w| w.trim())
            .filter(|w| !w.is_empty());
        let ward = match ward_text {
            None => None,
            Some(w) => {
                let code = WardCode::parse(w).map_err(|_| FieldError::UnknownWard {
                    code: w.chars().take(16).collect(),
                })?;
                if !units.iter().any(|u| u.code == code) {
                    return Err(FieldError::UnknownWard { code: w.into() });
                }
                Some(code)
            }
        };
        if point.is_none() && address.is_none() && ward.is_none() {
            return Err(FieldError::NoLocation);
        }
        let device_id = match single.get("device_id").map(|d| d.trim()) {
            None | Some("") => None,
            Some(d) => Some(DeviceId::parse(d).ok_or(FieldError::Invalid { field: "device_id" })?),
        };
        let email = text(single.get("email").copied(), "email", MAX_EMAIL_CHARS)?;
        if email.as_deref().is_some_and(|e| !looks_like_email(e)) {
            return Err(FieldError::Invalid { field: "email" });
        }
        let phone = text(single.get("phone").copied(), "phone", 20)?;
        if phone.as_deref().is_some_and(|p| !looks_like_phone(p)) {
            return Err(FieldError::Invalid { field: "phone" });
        }
        let media_url = text(single.get("media_url").copied(), "media_url", 500)?;
        if media_url.as_deref().is_some_and(|u| {
            !url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        }) {
            return Err(FieldError::Invalid { field: "media_url" });
        }
        Ok(Self {
            service_code: service.code.clone(),
            media_url,
            description,
            place: Place {
                point,
                address,
                ward,
            },
            contact: Contact {
                first_name: text(
                    single.get("first_name").copied(),
                    "first_name",
                    MAX_NAME_CHARS,
                )?,
                last_name: text(
                    single.get("last_name").copied(),
                    "last_name",
                    MAX_NAME_CHARS,
                )?,
                email,
                phone,
            },
            device_id,
            answers,
        })
    }

    /// The form to POST (without `api_key`, which the sender adds).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("service_code".to_owned(), self.service_code.to_string()),
            ("description".to_owned(), self.description.clone()),
        ];
        let mut push = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                out.push((k.to_owned(), v.to_owned()));
            }
        };
        if let Some(p) = self.place.point {
            push("lat", Some(&p.lat().to_string()));
            push("long", Some(&p.lon().to_string()));
        }
        push("address_string", self.place.address.as_deref());
        push("ward_code", self.place.ward.as_ref().map(WardCode::as_str));
        push("device_id", self.device_id.as_ref().map(DeviceId::as_str));
        push("first_name", self.contact.first_name.as_deref());
        push("last_name", self.contact.last_name.as_deref());
        push("email", self.contact.email.as_deref());
        push("phone", self.contact.phone.as_deref());
        push("media_url", self.media_url.as_deref());
        for (code, answer) in &self.answers {
            match answer {
                Answer::Number(n) => out.push((format!("attribute[{code}]"), n.to_string())),
                Answer::Text(t) => out.push((format!("attribute[{code}]"), t.clone())),
                Answer::Keys(keys) => {
                    for k in keys {
                        out.push((format!("attribute[{code}]"), k.clone()));
                    }
                }
            }
        }
        out
    }
}

fn looks_like_email(e: &str) -> bool {
    let mut parts = e.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(user), Some(host), None)
            if !user.is_empty() && host.contains('.') && !host.starts_with('.')
                && !host.ends_with('.') && !e.chars().any(char::is_whitespace)
    )
}

/// Vietnamese numbers: 8–15 digits, an optional leading `+`, spaces and dots allowed between.
fn looks_like_phone(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let rest_ok = p
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '.' || (c == '+' && i == 0));
    (8..=15).contains(&digits) && rest_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WardCatalog;

    fn setup() -> (ServiceCatalog, Vec<Ward>) {
        (
            ServiceCatalog::from_json(include_str!("../../../assets/services-1022.json"))
                .expect("services"),
            WardCatalog::from_json(include_str!("../../../assets/hcmc-units.json"))
                .expect("units")
                .units,
        )
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_stock_open311_form_is_read_and_round_trips() {
        let (catalog, units) = setup();
        let f = form(&[
            ("api_key", "k"),
            ("jurisdiction_id", "hochiminhcity.gov.vn"),
            ("service_code", "thoat-nuoc"),
            ("lat", "10.7713"),
            ("long", "106.694"),
            ("description", "  Ngập sâu sau mưa  "),
            ("attribute[kind]", "flood"),
            ("attribute[depth_cm]", "40"),
            ("device_id", "0b9f7a3c-1111-4222-8333-444455556666"),
            ("email", "an@example.vn"),
        ]);
        let req = NewRequest::from_pairs(&f, &catalog, &units).expect("valid");
        assert_eq!(req.description, "Ngập sâu sau mưa");
        assert_eq!(req.contact.email.as_deref(), Some("an@example.vn"));
        let again = NewRequest::from_pairs(&req.to_pairs(), &catalog, &units).expect("again");
        assert_eq!(again, req);
    }

    #[test]
    fn each_bad_field_is_named() {
        let (catalog, units) = setup();
        let base = [
            ("service_code", "cay-xanh"),
            ("description", "Cây đổ"),
            ("attribute[kind]", "fallen"),
            ("ward_code", "26743"),
        ];
        let with = |extra: &[(&str, &str)]| {
            let mut f = form(&base);
            for (k, v) in extra {
                f.retain(|(fk, _)| fk != k);
                f.push(((*k).into(), (*v).into()));
            }
            NewRequest::from_pairs(&f, &catalog, &units)
        };
        assert!(with(&[]).is_ok());
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("service_code", "nope")], "unknown_service"),
            (&[("description", " ")], "missing"),
            (&[("description", &"x".repeat(4001))], "too_long"),
            (&[("description", "a\u{0}b")], "invalid"),
            (&[("ward_code", "99999")], "unknown_ward"),
            (&[("ward_code", "abc")], "unknown_ward"),
            (&[("lat", "21.0"), ("long", "105.8")], "outside_city"),
            (&[("lat", "10.77")], "half_point"),
            (&[("lat", "NaN"), ("long", "106.7")], "invalid"),
            (&[("attribute[kind]", "x")], "bad_attribute"),
            (&[("email", "not-an-email")], "invalid"),
            (&[("phone", "12ab")], "invalid"),
            (&[("device_id", "short")], "invalid"),
            (&[("favourite_colour", "red")], "unknown_field"),
            (&[("media_url", "javascript:alert(1)")], "invalid"),
        ];
        for (extra, reason) in cases {
            let err = with(extra).expect_err("refused");
            assert_eq!(err.reason(), *reason, "{extra:?}: {err}");
        }
        let mut twice = form(&base);
        twice.push(("description".into(), "again".into()));
        assert_eq!(
            NewRequest::from_pairs(&twice, &catalog, &units)
                .expect_err("refused")
                .reason(),
            "repeated"
        );
        let no_place = form(&base[..3]);
        assert_eq!(
            NewRequest::from_pairs(&no_place, &catalog, &units),
            Err(FieldError::NoLocation)
        );
    }

    #[test]
    fn status_moves() {
        use RequestStatus::*;
        assert!(Received.staff_can_move_to(Assigned));
        assert!(Reopened.staff_can_move_to(InProgress));
        assert!(Resolved.staff_can_move_to(Closed));
        assert!(!Closed.staff_can_move_to(InProgress));
        assert!(
            !Resolved.staff_can_move_to(Reopened),
            "only the citizen reopens"
        );
        assert!(!InProgress.staff_can_move_to(Received));
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(Resolved.open311(), "closed");
        assert_eq!(Reopened.open311(), "open");
    }
}
