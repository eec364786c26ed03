//! The forms of the follow-up extensions (a report's "not fixed" answer, its rating, "me too",
//! and the fields sent with a photo): each written by the app with `to_pairs` and read by the
//! city API with `from_pairs`, so the two sides share every field name and rule.

use super::field::{FieldError, text};
use super::{DeviceId, MAX_NOTE_CHARS, Satisfaction};
use crate::form::{Pairs, field, push};
use crate::wire::wire_enum;

wire_enum! {
    /// What a photo goes with: the report itself, or the citizen's "not fixed" answer.
    pub enum PhotoPurpose {
        Report = "report",
        Reopen = "reopen",
    }
}

impl PhotoPurpose {
    /// The header that names a photo's purpose when the UI hands the shell its raw bytes.
    pub const HEADER: &'static str = "x-purpose";
    /// The header that names the report a "not fixed" photo is for (its local id).
    pub const REPORT_HEADER: &'static str = "x-report";
}

/// The device that filed (or follows) the report: required, and well-formed.
fn device(pairs: &[(String, String)]) -> Result<DeviceId, FieldError> {
    let text = field(pairs, "device_id")
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .ok_or(FieldError::Missing { field: "device_id" })?;
    DeviceId::parse(text).ok_or(FieldError::Invalid { field: "device_id" })
}

/// A free-text note of at most [`MAX_NOTE_CHARS`].
fn note(pairs: &[(String, String)], name: &'static str) -> Result<Option<String>, FieldError> {
    text(field(pairs, name), name, MAX_NOTE_CHARS)
}

/// "Not fixed": what is still wrong, from the device that filed the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReopenForm {
    pub device_id: DeviceId,
    pub description: String,
}

impl ReopenForm {
    /// The fields this form has (the sender adds `api_key`); the city API refuses others.
    pub const NAMES: [&'static str; 2] = ["description", "device_id"];

    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, FieldError> {
        let description = note(pairs, "description")?.ok_or(FieldError::Missing {
            field: "description",
        })?;
        Ok(Self {
            device_id: device(pairs)?,
            description,
        })
    }

    pub fn to_pairs(&self) -> Pairs {
        vec![
            ("description".to_owned(), self.description.clone()),
            ("device_id".to_owned(), self.device_id.as_str().to_owned()),
        ]
    }
}

/// The filer's rating of how the report was resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingForm {
    pub device_id: DeviceId,
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
}

impl RatingForm {
    pub const NAMES: [&'static str; 3] = ["satisfaction", "comment", "device_id"];

    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, FieldError> {
        let satisfaction = field(pairs, "satisfaction")
            .and_then(|s| Satisfaction::parse(s.trim()))
            .ok_or(FieldError::Invalid {
                field: "satisfaction",
            })?;
        let comment = note(pairs, "comment")?;
        Ok(Self {
            device_id: device(pairs)?,
            satisfaction,
            comment,
        })
    }

    pub fn to_pairs(&self) -> Pairs {
        let mut out = vec![
            (
                "satisfaction".to_owned(),
                self.satisfaction.as_str().to_owned(),
            ),
            ("device_id".to_owned(), self.device_id.as_str().to_owned()),
        ];
        push(&mut out, "comment", self.comment.as_deref());
        out
    }
}

/// "Me too" from another citizen's device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportForm {
    pub device_id: DeviceId,
}

impl SupportForm {
    pub const NAMES: [&'static str; 1] = ["device_id"];

    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, FieldError> {
        Ok(Self {
            device_id: device(pairs)?,
        })
    }

    pub fn to_pairs(&self) -> Pairs {
        vec![("device_id".to_owned(), self.device_id.as_str().to_owned())]
    }
}

/// The text fields sent beside a photo (multipart `media.json`): what it goes with, and the
/// filing device (the server checks it is the report's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoFields {
    pub purpose: PhotoPurpose,
    pub device_id: Option<DeviceId>,
}

impl PhotoFields {
    /// Field names a photo upload may carry besides `media` and `api_key`.
    pub const NAMES: [&'static str; 2] = ["kind", "device_id"];

    /// `kind` defaults to `report` when absent (stock clients send none); a `kind` that names
    /// no purpose is refused. The device is checked by the caller against the report.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, FieldError> {
        let purpose = match field(pairs, "kind") {
            None => PhotoPurpose::Report,
            Some(k) => {
                PhotoPurpose::parse(k.trim()).ok_or(FieldError::Invalid { field: "kind" })?
            }
        };
        let device_id = match field(pairs, "device_id").map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(DeviceId::parse(d).ok_or(FieldError::Invalid { field: "device_id" })?),
        };
        Ok(Self { purpose, device_id })
    }

    pub fn to_pairs(&self) -> Pairs {
        let mut out = vec![("kind".to_owned(), self.purpose.as_str().to_owned())];
        push(
            &mut out,
            "device_id",
            self.device_id.as_ref().map(DeviceId::as_str),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device_id() -> DeviceId {
        DeviceId::parse("0b9f7a3c-1111-4222-8333-444455556666").expect("id")
    }

    #[test]
    fn each_form_round_trips() {
        let reopen = ReopenForm {
            device_id: device_id(),
            description: "Vẫn còn ngập".into(),
        };
        assert_eq!(ReopenForm::from_pairs(&reopen.to_pairs()), Ok(reopen));
        for comment in [None, Some("Nhanh".to_owned())] {
            let rating = RatingForm {
                device_id: device_id(),
                satisfaction: Satisfaction::Neutral,
                comment,
            };
            assert_eq!(RatingForm::from_pairs(&rating.to_pairs()), Ok(rating));
        }
        let support = SupportForm {
            device_id: device_id(),
        };
        assert_eq!(SupportForm::from_pairs(&support.to_pairs()), Ok(support));
        for purpose in PhotoPurpose::ALL {
            for device_id in [None, Some(device_id())] {
                let photo = PhotoFields {
                    purpose: *purpose,
                    device_id,
                };
                assert_eq!(PhotoFields::from_pairs(&photo.to_pairs()), Ok(photo));
            }
        }
    }

    #[test]
    fn bad_fields_are_named() {
        let pairs = |p: &[(&str, &str)]| -> Pairs {
            p.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let id = "0b9f7a3c-1111-4222-8333-444455556666";
        assert_eq!(
            ReopenForm::from_pairs(&pairs(&[("device_id", id), ("description", " ")])),
            Err(FieldError::Missing {
                field: "description"
            })
        );
        assert_eq!(
            ReopenForm::from_pairs(&pairs(&[("description", "x")])),
            Err(FieldError::Missing { field: "device_id" })
        );
        assert_eq!(
            RatingForm::from_pairs(&pairs(&[("device_id", id), ("satisfaction", "ok")])),
            Err(FieldError::Invalid {
                field: "satisfaction"
            })
        );
        assert_eq!(
            SupportForm::from_pairs(&pairs(&[("device_id", "short")])),
            Err(FieldError::Invalid { field: "device_id" })
        );
        assert_eq!(
            PhotoFields::from_pairs(&pairs(&[("kind", "selfie")])),
            Err(FieldError::Invalid { field: "kind" })
        );
        assert_eq!(
            PhotoFields::from_pairs(&[]).map(|p| p.purpose),
            Ok(PhotoPurpose::Report)
        );
    }
}
