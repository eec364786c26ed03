//! The report a citizen is writing: saved as they type (any half-filled state is a valid draft),
//! and turned into the Open311 form only when they send it. The check on sending is the city
//! API's own ([`NewRequest::from_pairs`]), so what the app accepts the city accepts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::draft_reason::{Gap, ProblemReason};
use crate::feedback::{self, FieldError, NewRequest};
use crate::geo::{self, Point};
use crate::reason::Reason;
use crate::service::ServiceCatalog;
use crate::trust::{CONSENT_VERSION, Consent, OwnerKey};
use crate::ward::Ward;

/// Longest "where exactly" note when there is no street address.
pub const MAX_LANDMARK_CHARS: usize = 200;

/// How the citizen says where the problem is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceMode {
    /// Not chosen yet.
    #[default]
    Unset,
    /// Where the phone is (or where the photo was taken, if the citizen shares it).
    Here,
    /// A ward and a street address.
    Address,
    /// No exact address: the ward and a few words ("next to the market gate").
    Described,
}

/// With contact details, or anonymous. Not chosen yet is not the same as anonymous.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    #[default]
    Unset,
    Anonymous,
    WithContact,
}

/// Everything typed so far. Every field may be empty: this is what is on screen, kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Draft {
    pub service_code: Option<String>,
    /// Answers to the category's questions (attribute code → values).
    pub answers: BTreeMap<String, Vec<String>>,
    pub description: String,
    pub place_mode: PlaceMode,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub ward_code: Option<String>,
    pub address: String,
    pub landmark: String,
    pub identity: Identity,
    pub name: String,
    pub phone: String,
    pub email: String,
    /// The citizen ticked the consent text for sending their contact details. What they agreed
    /// to and when ([`Consent`]) is recorded on the device next to the draft as it is saved
    /// ticked ([`consent_to_keep`]), not in it: the UI never handles it.
    pub consent: bool,
    /// Fixing a report the city refused: the outbox item it replaces.
    pub resend_of: Option<i64>,
}

/// Why a draft cannot be sent yet: a step of the form to go back to, and a reason to show.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[error("{step:?}: {reason}")]
pub struct DraftProblem {
    pub step: Step,
    /// What to tell the citizen ([`ProblemReason::message_key`]).
    pub reason: ProblemReason,
    /// The form field concerned, when there is one.
    pub field: Option<String>,
}

/// The steps of the report form, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Category,
    Details,
    Place,
    Contact,
}

/// The screens of the report form: the four steps that fill the draft, then the review that
/// checks and sends it. (A problem never points at the review, so [`DraftProblem`] keeps `Step`.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormStep {
    Fill(Step),
    Review,
}

impl FormStep {
    pub const ALL: [Self; 5] = [
        Self::Fill(Step::Category),
        Self::Fill(Step::Details),
        Self::Fill(Step::Place),
        Self::Fill(Step::Contact),
        Self::Review,
    ];

    /// The screen's id stem (`form-<stem>`).
    pub fn stem(self) -> &'static str {
        match self {
            Self::Fill(Step::Category) => "category",
            Self::Fill(Step::Details) => "details",
            Self::Fill(Step::Place) => "place",
            Self::Fill(Step::Contact) => "contact",
            Self::Review => "review",
        }
    }

    /// The i18n key of the screen's title.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Fill(Step::Category) => "form.category",
            Self::Fill(Step::Details) => "form.details",
            Self::Fill(Step::Place) => "form.place",
            Self::Fill(Step::Contact) => "form.contact",
            Self::Review => "form.review",
        }
    }

    /// Its place in [`Self::ALL`].
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn prev(self) -> Option<Self> {
        self.index().checked_sub(1).map(|i| Self::ALL[i])
    }

    pub fn next(self) -> Option<Self> {
        Self::ALL.get(self.index() + 1).copied()
    }
}

impl DraftProblem {
    fn new(step: Step, gap: Gap) -> Self {
        Self {
            step,
            reason: ProblemReason::Form(gap),
            field: None,
        }
    }

    /// A refusal by the city's rules (the same ones the server applies), placed on its step.
    pub fn from_field_error(err: &FieldError) -> Self {
        let field = err.field();
        let step = match field.as_deref() {
            Some("service_code") => Step::Category,
            Some("description") => Step::Details,
            Some(f) if f.starts_with("attribute[") => Step::Details,
            Some("first_name" | "last_name" | "email" | "phone") => Step::Contact,
            _ => Step::Place,
        };
        Self {
            step,
            reason: ProblemReason::City(err.reason()),
            field,
        }
    }
}

fn trimmed(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

impl Draft {
    /// The Open311 form to queue, checked exactly as the city API will check it. `owner_key`,
    /// the report's own, lets the citizen add photos, answer "not fixed" and rate it later; no
    /// device id is sent, so an anonymous report links to nothing else. `consent` (recorded when
    /// the box was ticked) goes with contact details, which never go without it.
    pub fn to_form(
        &self,
        catalog: &ServiceCatalog,
        units: &[Ward],
        owner_key: &OwnerKey,
        consent: Option<Consent>,
    ) -> Result<Vec<(String, String)>, DraftProblem> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: &str| pairs.push((k.to_owned(), v.to_owned()));
        let code = self
            .service_code
            .as_deref()
            .and_then(trimmed)
            .ok_or_else(|| DraftProblem::new(Step::Category, Gap::NoCategory))?;
        push("service_code", code);
        if let Some(d) = trimmed(&self.description) {
            push("description", d);
        }
        for (attr, values) in &self.answers {
            for v in values.iter().filter_map(|v| trimmed(v)) {
                push(&format!("attribute[{attr}]"), v);
            }
        }
        match self.place_mode {
            PlaceMode::Unset => return Err(DraftProblem::new(Step::Place, Gap::NoPlace)),
            PlaceMode::Here => {
                let point = self
                    .lat
                    .zip(self.lon)
                    .and_then(|(lat, lon)| Point::new(lat, lon))
                    .ok_or_else(|| DraftProblem::new(Step::Place, Gap::NoPosition))?;
                push("lat", &point.lat().to_string());
                push("long", &point.lon().to_string());
                // The ward it falls in helps the city route it; outside the city is refused below.
                if let Some(unit) = geo::unit_at(units, point) {
                    push("ward_code", unit.code.as_str());
                }
            }
            PlaceMode::Address | PlaceMode::Described => {
                let ward = self
                    .ward_code
                    .as_deref()
                    .and_then(trimmed)
                    .ok_or_else(|| DraftProblem::new(Step::Place, Gap::NoWard))?;
                push("ward_code", ward);
                let (text, reason) = if self.place_mode == PlaceMode::Address {
                    (&self.address, Gap::NoAddress)
                } else {
                    (&self.landmark, Gap::NoLandmark)
                };
                let text = trimmed(text).ok_or_else(|| DraftProblem::new(Step::Place, reason))?;
                if self.place_mode == PlaceMode::Described
                    && text.chars().count() > MAX_LANDMARK_CHARS
                {
                    return Err(DraftProblem {
                        step: Step::Place,
                        reason: ProblemReason::City(Reason::TooLong),
                        field: Some("address_string".into()),
                    });
                }
                push("address_string", text);
            }
        }
        match self.identity {
            Identity::Unset => return Err(DraftProblem::new(Step::Contact, Gap::NoIdentity)),
            Identity::Anonymous => {}
            Identity::WithContact => {
                // Ticked, and recorded for the text shown today; else it is asked again.
                let given = consent
                    .filter(|c| self.consent && c.version == CONSENT_VERSION)
                    .ok_or_else(|| DraftProblem::new(Step::Contact, Gap::NoConsent))?;
                let (phone, email) = (trimmed(&self.phone), trimmed(&self.email));
                if phone.is_none() && email.is_none() {
                    return Err(DraftProblem::new(Step::Contact, Gap::NoContact));
                }
                if let Some(name) = trimmed(&self.name) {
                    push("first_name", name);
                }
                if let Some(p) = phone {
                    push("phone", p);
                }
                if let Some(e) = email {
                    push("email", e);
                }
                for (k, v) in given.to_pairs() {
                    push(&k, &v);
                }
            }
        }
        push(crate::trust::owner::FIELD, &owner_key.to_text());
        let checked = NewRequest::from_pairs(&pairs, catalog, units);
        // Open311 makes the description optional; the app asks for one (the city must know what
        // is wrong), checked where the server used to check it: after the category.
        if !matches!(checked, Err(FieldError::UnknownService { .. }))
            && trimmed(&self.description).is_none()
        {
            return Err(DraftProblem::from_field_error(&FieldError::Missing {
                field: "description",
            }));
        }
        Ok(checked
            .map_err(|e| DraftProblem::from_field_error(&e))?
            .to_pairs())
    }

    /// What to keep of a draft when the citizen chose "anonymous": nothing personal.
    pub fn forget_contact(&mut self) {
        self.name.clear();
        self.phone.clear();
        self.email.clear();
        self.consent = false;
    }

    /// Characters left in the description, for the counter shown as they type.
    pub fn description_left(&self) -> i64 {
        feedback::MAX_DESCRIPTION_CHARS as i64 - self.description.chars().count() as i64
    }
}

/// The consent to keep next to a draft being saved: with the box `ticked`, the moment it was
/// first saved ticked (`kept`, when given for the text shown today), else `now`; unticked,
/// none.
pub fn consent_to_keep(
    ticked: bool,
    kept: Option<Consent>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Consent> {
    ticked.then(|| {
        kept.filter(|c| c.version == CONSENT_VERSION)
            .unwrap_or(Consent {
                version: CONSENT_VERSION,
                at: now,
            })
    })
}

/// Reads a queued form back into a draft, to fix what the city refused.
pub fn draft_from_form(form: &[(String, String)]) -> Draft {
    let mut d = Draft::default();
    for (k, v) in form {
        match k.as_str() {
            "service_code" => d.service_code = Some(v.clone()),
            "description" => d.description = v.clone(),
            "lat" => d.lat = v.parse().ok(),
            "long" => d.lon = v.parse().ok(),
            "ward_code" => d.ward_code = Some(v.clone()),
            "address_string" => d.address = v.clone(),
            "first_name" => d.name = v.clone(),
            "phone" => d.phone = v.clone(),
            "email" => d.email = v.clone(),
            _ => {
                if let Some(code) = k
                    .strip_prefix("attribute[")
                    .and_then(|r| r.strip_suffix(']'))
                {
                    d.answers
                        .entry(code.to_owned())
                        .or_default()
                        .push(v.clone());
                }
            }
        }
    }
    d.place_mode = if d.lat.is_some() {
        PlaceMode::Here
    } else {
        PlaceMode::Address
    };
    let has_contact = !(d.name.is_empty() && d.phone.is_empty() && d.email.is_empty());
    d.identity = if has_contact {
        Identity::WithContact
    } else {
        Identity::Anonymous
    };
    // They consented when they first sent it; sending again needs it again.
    d.consent = false;
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WardCatalog;

    #[test]
    fn form_steps_run_in_order_and_end_on_the_review() {
        assert_eq!(FormStep::ALL[0].prev(), None);
        assert_eq!(FormStep::Review.next(), None);
        for pair in FormStep::ALL.windows(2) {
            assert_eq!(pair[0].next(), Some(pair[1]));
            assert_eq!(pair[1].prev(), Some(pair[0]));
        }
        assert_eq!(FormStep::Review.index(), FormStep::ALL.len() - 1);
    }

    fn setup() -> (ServiceCatalog, Vec<Ward>, OwnerKey) {
        (
            ServiceCatalog::from_json(include_str!("../../../assets/services-1022.json"))
                .expect("services"),
            WardCatalog::from_json(include_str!("../../../assets/hcmc-units.json"))
                .expect("units")
                .units,
            OwnerKey::from_bytes([3; 32]),
        )
    }

    fn flood() -> Draft {
        Draft {
            service_code: Some("thoat-nuoc".into()),
            answers: BTreeMap::from([("kind".into(), vec!["flood".into()])]),
            description: "  Ngập sâu trước số 12  ".into(),
            place_mode: PlaceMode::Address,
            ward_code: Some("26743".into()),
            address: "12 Lê Lợi".into(),
            identity: Identity::Anonymous,
            ..Draft::default()
        }
    }

    fn value<'a>(form: &'a [(String, String)], k: &str) -> Option<&'a str> {
        form.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_complete_draft_becomes_the_citys_form() {
        let (catalog, units, device) = setup();
        let form = flood()
            .to_form(&catalog, &units, &device, given())
            .expect("valid");
        assert_eq!(value(&form, "description"), Some("Ngập sâu trước số 12"));
        assert_eq!(value(&form, "ward_code"), Some("26743"));
        assert_eq!(value(&form, "attribute[kind]"), Some("flood"));
        assert_eq!(
            value(&form, "device_id"),
            None,
            "no device id goes with a report"
        );
        assert_eq!(
            value(&form, "owner_key").and_then(OwnerKey::parse),
            Some(OwnerKey::from_bytes([3; 32]))
        );
        assert_eq!(value(&form, "phone"), None, "anonymous sends no contact");
        // What the app queues, the city reads back unchanged.
        let again = NewRequest::from_pairs(&form, &catalog, &units).expect("city accepts");
        assert_eq!(again.to_pairs(), form);
    }

    #[test]
    fn each_missing_piece_points_to_its_step() {
        let (catalog, units, device) = setup();
        let problem = |d: Draft| {
            d.to_form(&catalog, &units, &device, given())
                .expect_err("refused")
        };
        let cases: Vec<(Draft, Step, &str)> = vec![
            (
                Draft {
                    service_code: None,
                    ..flood()
                },
                Step::Category,
                "no_category",
            ),
            (
                Draft {
                    description: " ".into(),
                    ..flood()
                },
                Step::Details,
                "missing",
            ),
            (
                Draft {
                    answers: BTreeMap::new(),
                    ..flood()
                },
                Step::Details,
                "bad_attribute",
            ),
            (
                Draft {
                    place_mode: PlaceMode::Unset,
                    ..flood()
                },
                Step::Place,
                "no_place",
            ),
            (
                Draft {
                    address: String::new(),
                    ..flood()
                },
                Step::Place,
                "no_address",
            ),
            (
                Draft {
                    ward_code: Some("99999".into()),
                    ..flood()
                },
                Step::Place,
                "unknown_ward",
            ),
            (
                Draft {
                    place_mode: PlaceMode::Here,
                    lat: Some(21.03),
                    lon: Some(105.85),
                    ..flood()
                },
                Step::Place,
                "outside_city",
            ),
            (
                Draft {
                    place_mode: PlaceMode::Here,
                    ..flood()
                },
                Step::Place,
                "no_position",
            ),
            (
                Draft {
                    identity: Identity::Unset,
                    ..flood()
                },
                Step::Contact,
                "no_identity",
            ),
            (
                Draft {
                    identity: Identity::WithContact,
                    phone: "0903123456".into(),
                    ..flood()
                },
                Step::Contact,
                "no_consent",
            ),
            (
                Draft {
                    identity: Identity::WithContact,
                    consent: true,
                    ..flood()
                },
                Step::Contact,
                "no_contact",
            ),
            (
                Draft {
                    identity: Identity::WithContact,
                    consent: true,
                    phone: "12ab".into(),
                    ..flood()
                },
                Step::Contact,
                "invalid",
            ),
            (
                Draft {
                    description: "x".repeat(feedback::MAX_DESCRIPTION_CHARS + 1),
                    ..flood()
                },
                Step::Details,
                "too_long",
            ),
        ];
        for (draft, step, reason) in cases {
            let p = problem(draft);
            assert_eq!((p.step, p.reason.as_str()), (step, reason), "{p:?}");
        }
    }

    #[test]
    fn contact_details_never_go_without_a_recorded_consent() {
        let (catalog, units, device) = setup();
        let d = Draft {
            identity: Identity::WithContact,
            consent: true,
            phone: "0903123456".into(),
            ..flood()
        };
        let no_consent = |c: Option<Consent>| {
            d.to_form(&catalog, &units, &device, c)
                .err()
                .map(|p| (p.step, p.reason.as_str()))
        };
        let expected = Some((Step::Contact, "no_consent"));
        assert_eq!(no_consent(None), expected, "ticked, never recorded");
        let old = given().map(|c| Consent {
            version: CONSENT_VERSION - 1,
            ..c
        });
        assert_eq!(no_consent(old), expected, "agreed to an older text");
        let unticked = Draft {
            consent: false,
            ..d.clone()
        };
        assert!(
            unticked
                .to_form(&catalog, &units, &device, given())
                .is_err()
        );
        assert_eq!(no_consent(given()), None);
    }

    #[test]
    fn contact_goes_only_with_consent_and_a_position_finds_its_ward() {
        let (catalog, units, device) = setup();
        let d = Draft {
            identity: Identity::WithContact,
            consent: true,
            name: "Nguyễn Văn An".into(),
            phone: "0903 123 456".into(),
            place_mode: PlaceMode::Here,
            lat: Some(10.7725),
            lon: Some(106.698),
            ..flood()
        };
        let form = d
            .to_form(&catalog, &units, &device, given())
            .expect("valid");
        assert_eq!(value(&form, "phone"), Some("0903 123 456"));
        assert_eq!(value(&form, "first_name"), Some("Nguyễn Văn An"));
        assert_eq!(
            value(&form, "consent_version"),
            Some(CONSENT_VERSION.to_string().as_str())
        );
        assert_eq!(value(&form, "consent_at"), Some("2026-12-07T08:00:00Z"));
        assert!(value(&form, "ward_code").is_some());
        assert_eq!(value(&form, "address_string"), None);

        let mut back = draft_from_form(&form);
        assert_eq!(back.place_mode, PlaceMode::Here);
        assert_eq!(back.identity, Identity::WithContact);
        assert!(!back.consent, "consent is asked again");
        back.forget_contact();
        assert!(back.phone.is_empty() && back.name.is_empty());
    }

    #[test]
    fn consent_is_recorded_when_ticked_kept_while_ticked_and_dropped_when_not() {
        let t = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|d| d.to_utc())
                .unwrap_or_default()
        };
        let first = consent_to_keep(true, None, t("2026-12-07T08:00:00Z"));
        assert_eq!(first, given());
        assert_eq!(
            consent_to_keep(true, first, t("2026-12-07T09:30:00Z")),
            given(),
            "saved again later: the first moment stays"
        );
        let old = Some(Consent {
            version: CONSENT_VERSION - 1,
            at: t("2025-01-01T00:00:00Z"),
        });
        assert_eq!(
            consent_to_keep(true, old, t("2026-12-08T00:00:00Z")).map(|c| (c.version, c.at)),
            Some((CONSENT_VERSION, t("2026-12-08T00:00:00Z"))),
            "agreed to an older text: recorded anew for today's"
        );
        assert_eq!(
            consent_to_keep(false, first, t("2026-12-08T00:00:00Z")),
            None
        );
    }

    #[test]
    fn the_i_dont_know_choice_is_a_valid_category() {
        let (catalog, units, device) = setup();
        let triage = catalog.triage().expect("triage choice").code.to_string();
        let d = Draft {
            service_code: Some(triage),
            answers: BTreeMap::new(),
            place_mode: PlaceMode::Described,
            landmark: "Gần cổng chợ".into(),
            ..flood()
        };
        let form = d
            .to_form(&catalog, &units, &device, given())
            .expect("valid");
        assert_eq!(value(&form, "address_string"), Some("Gần cổng chợ"));
    }

    #[test]
    fn half_typed_drafts_survive_json() {
        let d = Draft {
            description: "Đèn".into(),
            ..Draft::default()
        };
        let json = serde_json::to_string(&d).expect("json");
        assert_eq!(serde_json::from_str::<Draft>(&json).ok(), Some(d));
        // An older or partial file still loads.
        let old: Draft = serde_json::from_str(r#"{"description":"x"}"#).expect("partial");
        assert_eq!(old.place_mode, PlaceMode::Unset);
        assert_eq!(flood().description_left(), 4000 - 24);
    }

    fn given() -> Option<Consent> {
        Some(Consent {
            version: CONSENT_VERSION,
            at: chrono::DateTime::parse_from_rfc3339("2026-12-07T08:00:00Z")
                .map(|d| d.to_utc())
                .unwrap_or_default(),
        })
    }
}
