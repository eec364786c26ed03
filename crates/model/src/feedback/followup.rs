//! The forms of the follow-up extensions (a report's "not fixed" answer, its rating, "me too",
//! and the fields sent with a photo): each written by the app with `to_pairs` and read by the
//! city API with `from_pairs`, so the two sides share every field name and rule.
//!
//! The filer proves a report is theirs with the report's own [`OwnerKey`] (never with a device
//! id: an anonymous report links to nothing). "Me too" carries no field at all: the supporter is
//! the verified device of the request's signature (`crate::trust::signature`).

use super::field::{FieldError, text};
use super::{MAX_NOTE_CHARS, Satisfaction};
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

use crate::trust::OwnerKey;
use crate::trust::owner::FIELD as OWNER_FIELD;

/// The report's owner key: required, and well-formed.
fn owner(pairs: &[(String, String)]) -> Result<OwnerKey, FieldError> {
    optional_owner(pairs)?.ok_or(FieldError::Missing { field: OWNER_FIELD })
}

/// The owner key when one is given (an empty field is none).
pub(crate) fn optional_owner(pairs: &[(String, String)]) -> Result<Option<OwnerKey>, FieldError> {
    match field(pairs, OWNER_FIELD).map(str::trim) {
        None | Some("") => Ok(None),
        Some(k) => OwnerKey::parse(k)
            .map(Some)
            .ok_or(FieldError::Invalid { field: OWNER_FIELD }),
    }
}

/// A free-text note of at most [`MAX_NOTE_CHARS`].
fn note(pairs: &[(String, String)], name: &'static str) -> Result<Option<String>, FieldError> {
    text(field(pairs, name), name, MAX_NOTE_CHARS)
}

/// "Not fixed": what is still wrong, from the citizen who filed the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReopenForm {
    pub owner_key: OwnerKey,
    pub description: String,
}

impl ReopenForm {
    /// The fields this form has (the sender adds `api_key`); the city API refuses others.
    pub const NAMES: [&'static str; 2] = ["description", OWNER_FIELD];

    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, FieldError> {
        let description = note(pairs, "description")?.ok_or(FieldError::Missing {
            field: "description",
        })?;
        Ok(Self {
            owner_key: owner(pairs)?,
            description,
        })
    }

    pub fn to_pairs(&self) -> Pairs {
        vec![
            ("description".to_owned(), self.description.clone()),
            (OWNER_FIELD.to_owned(), self.owner_key.to_text()),
        ]
    }
}

/// The filer's rating of how the report was resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingForm {
    pub owner_key: OwnerKey,
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
}

impl RatingForm {
    pub const NAMES: [&'static str; 3] = ["satisfaction", "comment", OWNER_FIELD];

    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, FieldError> {
        let satisfaction = field(pairs, "satisfaction")
            .and_then(|s| Satisfaction::parse(s.trim()))
            .ok_or(FieldError::Invalid {
                field: "satisfaction",
            })?;
        let comment = note(pairs, "comment")?;
        Ok(Self {
            owner_key: owner(pairs)?,
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
            (OWNER_FIELD.to_owned(), self.owner_key.to_text()),
        ];
        push(&mut out, "comment", self.comment.as_deref());
        out
    }
}

/// "Me too" from another citizen's device: no field of its own (the sender adds `api_key`);
/// who supports is the device whose signature the request carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportForm;

impl SupportForm {
    pub const NAMES: [&'static str; 0] = [];

    pub fn to_pairs(&self) -> Pairs {
        Vec::new()
    }
}

/// The text fields sent beside a photo (multipart `media.json`): what it goes with, and the
/// report's owner key (the server checks it against the report's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoFields {
    pub purpose: PhotoPurpose,
    pub owner_key: Option<OwnerKey>,
}

impl PhotoFields {
    /// Field names a photo upload may carry besides `media` and `api_key`.
    pub const NAMES: [&'static str; 2] = ["kind", OWNER_FIELD];

    /// `kind` defaults to `report` when absent (stock clients send none); a `kind` that names
    /// no purpose is refused. The key is checked by the caller against the report.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, FieldError> {
        let purpose = match field(pairs, "kind") {
            None => PhotoPurpose::Report,
            Some(k) => {
                PhotoPurpose::parse(k.trim()).ok_or(FieldError::Invalid { field: "kind" })?
            }
        };
        Ok(Self {
            purpose,
            owner_key: optional_owner(pairs)?,
        })
    }

    pub fn to_pairs(&self) -> Pairs {
        let mut out = vec![("kind".to_owned(), self.purpose.as_str().to_owned())];
        push(
            &mut out,
            OWNER_FIELD,
            self.owner_key.as_ref().map(OwnerKey::to_text).as_deref(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> OwnerKey {
        OwnerKey::from_bytes([9; 32])
    }

    #[test]
    fn each_form_round_trips() {
        let reopen = ReopenForm {
            owner_key: key(),
            description: "Vẫn còn ngập".into(),
        };
        assert_eq!(ReopenForm::from_pairs(&reopen.to_pairs()), Ok(reopen));
        for comment in [None, Some("Nhanh".to_owned())] {
            let rating = RatingForm {
                owner_key: key(),
                satisfaction: Satisfaction::Neutral,
                comment,
            };
            assert_eq!(RatingForm::from_pairs(&rating.to_pairs()), Ok(rating));
        }
        assert!(SupportForm.to_pairs().is_empty());
        for purpose in PhotoPurpose::ALL {
            for owner_key in [None, Some(key())] {
                let photo = PhotoFields {
                    purpose: *purpose,
                    owner_key,
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
        let k = key().to_text();
        assert_eq!(
            ReopenForm::from_pairs(&pairs(&[("owner_key", &k), ("description", " ")])),
            Err(FieldError::Missing {
                field: "description"
            })
        );
        assert_eq!(
            ReopenForm::from_pairs(&pairs(&[("description", "x")])),
            Err(FieldError::Missing { field: "owner_key" })
        );
        assert_eq!(
            RatingForm::from_pairs(&pairs(&[("owner_key", &k), ("satisfaction", "ok")])),
            Err(FieldError::Invalid {
                field: "satisfaction"
            })
        );
        assert_eq!(
            RatingForm::from_pairs(&pairs(&[
                ("owner_key", "short"),
                ("satisfaction", "neutral")
            ])),
            Err(FieldError::Invalid { field: "owner_key" })
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
