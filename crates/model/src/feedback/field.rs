//! Why a form was refused, field by field, and the one cleaner every free-text field goes through.

use crate::reason::Reason;
use crate::service::AnswerError;

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
    /// `field` is the one the client sent: Open311's `address_id` or this API's `ward_code`.
    #[error("no HCMC ward or commune has code {code}")]
    UnknownWard { field: &'static str, code: String },
    #[error("the location is outside Ho Chi Minh City")]
    OutsideCity,
    #[error("give a location: lat and long, an address_string or an address_id")]
    NoLocation,
    #[error("lat and long must be given together")]
    HalfPoint,
    /// Contact details without the consent they need; `field` names the consent field missing.
    #[error("contact details need {field}: the consent text's version and when it was given")]
    ConsentMissing { field: &'static str },
    #[error(transparent)]
    Answer(#[from] AnswerError),
}

impl FieldError {
    /// The stable reason of the city API's answer (the app translates it).
    pub fn reason(&self) -> Reason {
        match self {
            Self::Missing { .. } => Reason::Missing,
            Self::TooLong { .. } => Reason::TooLong,
            Self::Invalid { .. } => Reason::Invalid,
            Self::Repeated { .. } => Reason::Repeated,
            Self::Unknown { .. } => Reason::UnknownField,
            Self::UnknownService { .. } => Reason::UnknownService,
            Self::UnknownWard { .. } => Reason::UnknownWard,
            Self::OutsideCity => Reason::OutsideCity,
            Self::NoLocation => Reason::NoLocation,
            Self::HalfPoint => Reason::HalfPoint,
            Self::ConsentMissing { .. } => Reason::ConsentMissing,
            Self::Answer(_) => Reason::BadAttribute,
        }
    }

    /// The form field concerned, when there is one.
    pub fn field(&self) -> Option<String> {
        match self {
            Self::Missing { field }
            | Self::TooLong { field, .. }
            | Self::Invalid { field }
            | Self::UnknownWard { field, .. }
            | Self::ConsentMissing { field } => Some((*field).to_owned()),
            Self::Repeated { field } | Self::Unknown { field } => Some(field.clone()),
            Self::UnknownService { .. } => Some("service_code".into()),
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

/// The first field whose name is not `known` is refused, as every POST of the city API
/// refuses a field it would otherwise ignore (a typo, or Open311's GET-only `locale`).
pub fn only_known(pairs: &[(String, String)], known: &[&str]) -> Result<(), FieldError> {
    match pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        Some((k, _)) => Err(FieldError::Unknown {
            field: k.chars().take(64).collect(),
        }),
        None => Ok(()),
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

pub(super) fn number(value: Option<&str>, field: &'static str) -> Result<Option<f64>, FieldError> {
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
