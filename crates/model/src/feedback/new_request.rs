//! A new report as the Open311 form both sides use: the app builds it with
//! [`NewRequest::to_pairs`], the city API reads it back with [`NewRequest::from_pairs`], so the
//! two cannot drift apart.

use std::collections::BTreeMap;

use super::field::{FieldError, number, text};
use super::{DeviceId, MAX_ADDRESS_CHARS, MAX_DESCRIPTION_CHARS, MAX_EMAIL_CHARS, MAX_NAME_CHARS};
use crate::geo::{self, Point};
use crate::service::ServiceCode;
use crate::service::{Answer, ServiceCatalog};
use crate::trust::{Consent, consent};
use crate::ward::{Ward, WardCode};

/// Where the problem is. Open311 asks for at least one of a point, an address or an address id.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub point: Option<Point>,
    pub address: Option<String>,
    pub ward: Option<WardCode>,
}

/// How to reach the citizen; present only when they agreed to share it ([`NewRequest::consent`]).
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
    /// Open311 lists it as optional; the app's own form asks for it.
    pub description: Option<String>,
    pub place: Place,
    pub contact: Contact,
    /// Open311's optional `device_id`, as stock clients send it: read (a malformed one is
    /// refused) but never stored or trusted by the city API — a device is only what a signature
    /// proves (`crate::trust::signature`). The app sends none.
    pub device_id: Option<DeviceId>,
    /// The report's own owner key (`crate::trust::owner`): follow-ups prove ownership with it.
    pub owner_key: Option<crate::trust::OwnerKey>,
    /// Open311's `media_url`: a photo the citizen already put online (http/https only).
    pub media_url: Option<String>,
    pub answers: BTreeMap<String, Answer>,
    /// The citizen's consent to send `contact`: required with any contact detail.
    pub consent: Option<Consent>,
}

/// Form fields of Open311's POST requests, plus this API's `ward_code` and the consent that
/// goes with contact details (`consent_version`, `consent_at`).
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
    crate::trust::owner::FIELD,
    consent::VERSION_FIELD,
    consent::AT_FIELD,
];

/// The contact fields, which go only with the citizen's consent.
const CONTACT_FIELDS: [&str; 4] = ["first_name", "last_name", "email", "phone"];

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
                // Open311's multivaluelist form is `attribute[code][]`.
                .and_then(|r| r.strip_suffix("][]").or_else(|| r.strip_suffix(']')))
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
        )?;
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
        // A refusal names the field the client sent (a stock client knows only address_id).
        let ward_text = ["ward_code", "address_id"].into_iter().find_map(|field| {
            single
                .get(field)
                .map(|w| w.trim())
                .filter(|w| !w.is_empty())
                .map(|w| (field, w))
        });
        let ward = match ward_text {
            None => None,
            Some((field, w)) => {
                let unknown = || FieldError::UnknownWard {
                    field,
                    code: w.chars().take(16).collect(),
                };
                let code = WardCode::parse(w).map_err(|_| unknown())?;
                if !units.iter().any(|u| u.code == code) {
                    return Err(unknown());
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
        let consent = read_consent(&single)?;
        let media_url = text(single.get("media_url").copied(), "media_url", 500)?;
        if media_url.as_deref().is_some_and(|u| {
            !url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        }) {
            return Err(FieldError::Invalid { field: "media_url" });
        }
        let contact = Contact {
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
        };
        // No contact field without the citizen's consent to send it: one sent at all counts,
        // even empty (a client that sends the field means to send contact details).
        let contact_sent = CONTACT_FIELDS.iter().any(|f| single.contains_key(f));
        if contact_sent && consent.is_none() {
            let field = if single.contains_key(consent::VERSION_FIELD) {
                consent::AT_FIELD
            } else {
                consent::VERSION_FIELD
            };
            return Err(FieldError::ConsentMissing { field });
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
            contact,
            device_id,
            owner_key: super::followup::optional_owner(pairs)?,
            answers,
            consent,
        })
    }

    /// The form to POST (without `api_key`, which the sender adds).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut out = vec![("service_code".to_owned(), self.service_code.to_string())];
        let mut push = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                out.push((k.to_owned(), v.to_owned()));
            }
        };
        push("description", self.description.as_deref());
        if let Some(p) = self.place.point {
            push("lat", Some(&p.lat().to_string()));
            push("long", Some(&p.lon().to_string()));
        }
        push("address_string", self.place.address.as_deref());
        push("ward_code", self.place.ward.as_ref().map(WardCode::as_str));
        push("device_id", self.device_id.as_ref().map(DeviceId::as_str));
        push(
            crate::trust::owner::FIELD,
            self.owner_key
                .as_ref()
                .map(crate::trust::OwnerKey::to_text)
                .as_deref(),
        );
        push("first_name", self.contact.first_name.as_deref());
        push("last_name", self.contact.last_name.as_deref());
        push("email", self.contact.email.as_deref());
        push("phone", self.contact.phone.as_deref());
        push("media_url", self.media_url.as_deref());
        if let Some(c) = &self.consent {
            out.extend(c.to_pairs());
        }
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

/// `consent_version` and `consent_at`: both absent is no consent; given, each must be valid
/// (a version this app has shown, an RFC 3339 time) and the other present.
fn read_consent(single: &BTreeMap<&str, &str>) -> Result<Option<Consent>, FieldError> {
    let given = |f: &str| single.get(f).map(|v| v.trim()).filter(|v| !v.is_empty());
    let (version, at) = (given(consent::VERSION_FIELD), given(consent::AT_FIELD));
    match (version, at) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(FieldError::ConsentMissing {
            field: consent::AT_FIELD,
        }),
        (None, Some(_)) => Err(FieldError::ConsentMissing {
            field: consent::VERSION_FIELD,
        }),
        (Some(v), Some(t)) => {
            // RFC 3339's `T` (or `t`), not the space chrono also reads.
            if t.as_bytes().get(10) == Some(&b' ') {
                return Err(FieldError::Invalid {
                    field: consent::AT_FIELD,
                });
            }
            if Consent::parse(Some(v), Some("1970-01-01T00:00:00Z")).is_none() {
                return Err(FieldError::Invalid {
                    field: consent::VERSION_FIELD,
                });
            }
            Consent::parse(Some(v), Some(t))
                .map(Some)
                .ok_or(FieldError::Invalid {
                    field: consent::AT_FIELD,
                })
        }
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

/// A phone number as people write it: 8–15 digits, an optional leading `+`, and between them
/// spaces, dots, dashes and parentheses (`(028) 3822-1234`, `+84 90 123 4567`); no letters.
fn looks_like_phone(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let rest_ok = p.char_indices().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')') || (c == '+' && i == 0)
    });
    (8..=15).contains(&digits) && rest_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WardCatalog;

    fn setup() -> (ServiceCatalog, Vec<Ward>) {
        (
            ServiceCatalog::from_json(include_str!("../../../../assets/services-1022.json"))
                .expect("services"),
            WardCatalog::from_json(include_str!("../../../../assets/hcmc-units.json"))
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
            ("consent_version", "2"),
            ("consent_at", "2026-12-07T08:00:00Z"),
        ]);
        let req = NewRequest::from_pairs(&f, &catalog, &units).expect("valid");
        assert_eq!(req.description.as_deref(), Some("Ngập sâu sau mưa"));
        assert_eq!(req.contact.email.as_deref(), Some("an@example.vn"));
        assert_eq!(req.consent.map(|c| c.version), Some(2));
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
            (&[("description", &"x".repeat(4001))], "too_long"),
            (&[("description", "a\u{0}b")], "invalid"),
            (&[("ward_code", "99999")], "unknown_ward"),
            (&[("ward_code", "abc")], "unknown_ward"),
            (&[("lat", "21.0"), ("long", "105.8")], "outside_city"),
            (&[("lat", "10.77")], "half_point"),
            (&[("lat", "NaN"), ("long", "106.7")], "invalid"),
            (&[("attribute[kind]", "x")], "bad_attribute"),
            (
                &[
                    ("email", "not-an-email"),
                    ("consent_version", "1"),
                    ("consent_at", "2026-12-07T08:00:00Z"),
                ],
                "invalid",
            ),
            (
                &[
                    ("phone", "12ab"),
                    ("consent_version", "1"),
                    ("consent_at", "2026-12-07T08:00:00Z"),
                ],
                "invalid",
            ),
            (&[("device_id", "short")], "invalid"),
            (&[("favourite_colour", "red")], "unknown_field"),
            (&[("media_url", "javascript:alert(1)")], "invalid"),
        ];
        for (extra, reason) in cases {
            let err = with(extra).expect_err("refused");
            assert_eq!(err.reason().as_str(), *reason, "{extra:?}: {err}");
        }
        let mut twice = form(&base);
        twice.push(("description".into(), "again".into()));
        assert_eq!(
            NewRequest::from_pairs(&twice, &catalog, &units)
                .expect_err("refused")
                .reason(),
            crate::reason::Reason::Repeated
        );
        let no_place = form(&base[..3]);
        assert_eq!(
            NewRequest::from_pairs(&no_place, &catalog, &units),
            Err(FieldError::NoLocation)
        );
    }

    #[test]
    fn contact_details_need_consent_and_the_field_missing_is_named() {
        let (catalog, units) = setup();
        let base = [
            ("service_code", "cay-xanh"),
            ("attribute[kind]", "fallen"),
            ("ward_code", "26743"),
        ];
        let with = |extra: &[(&str, &str)]| {
            let mut f = form(&base);
            f.extend(form(extra));
            NewRequest::from_pairs(&f, &catalog, &units)
        };
        let at = ("consent_at", "2026-12-07T08:00:00+07:00");
        let refused = |extra: &[(&str, &str)]| {
            let e = with(extra).expect_err("refused");
            (e.reason().as_str(), e.field())
        };
        for contact in [
            ("email", "an@example.vn"),
            ("phone", "0903123456"),
            ("first_name", "An"),
            ("last_name", "Nguyễn"),
        ] {
            assert_eq!(
                refused(&[contact]),
                ("consent_missing", Some("consent_version".into())),
                "{contact:?}"
            );
            assert_eq!(
                refused(&[contact, ("consent_version", "1")]),
                ("consent_missing", Some("consent_at".into()))
            );
            assert_eq!(
                refused(&[contact, at]),
                ("consent_missing", Some("consent_version".into()))
            );
            let ok = with(&[contact, ("consent_version", "1"), at]).expect("with consent");
            assert_eq!(ok.consent.map(|c| c.version), Some(1));
            let again = NewRequest::from_pairs(&ok.to_pairs(), &catalog, &units).expect("again");
            assert_eq!(again, ok, "consent round-trips");
        }
        for (extra, field) in [
            (&[("consent_version", "0"), at][..], "consent_version"),
            (&[("consent_version", "99"), at][..], "consent_version"),
            (&[("consent_version", "x"), at][..], "consent_version"),
            (
                &[("consent_version", "1"), ("consent_at", "yesterday")][..],
                "consent_at",
            ),
        ] {
            assert_eq!(refused(extra), ("invalid", Some(field.into())), "{extra:?}");
        }
        // A contact field sent empty still needs it; consent without contact details is kept
        // and harmless; none at all is fine.
        assert_eq!(
            refused(&[("email", "")]),
            ("consent_missing", Some("consent_version".into()))
        );
        assert_eq!(
            refused(&[
                ("email", "an@example.vn"),
                ("consent_version", "1"),
                ("consent_at", "2026-12-07 08:00:00Z")
            ]),
            ("invalid", Some("consent_at".into()))
        );
        assert!(with(&[("consent_version", "1"), at]).is_ok());
        assert_eq!(with(&[]).expect("anonymous").consent, None);
    }

    #[test]
    fn the_specs_list_form_of_an_attribute_is_read() {
        let (catalog, units) = setup();
        let f = form(&[
            ("service_code", "cay-xanh"),
            ("attribute[kind][]", "fallen"),
            ("ward_code", "26743"),
        ]);
        let req = NewRequest::from_pairs(&f, &catalog, &units).expect("attribute[code][] form");
        assert_eq!(
            req.answers.get("kind"),
            Some(&Answer::Keys(vec!["fallen".into()]))
        );
    }

    #[test]
    fn description_is_optional_as_in_open311() {
        let (catalog, units) = setup();
        for description in [None, Some(" ")] {
            let mut f = form(&[
                ("service_code", "cay-xanh"),
                ("attribute[kind]", "fallen"),
                ("ward_code", "26743"),
            ]);
            f.extend(description.map(|d| ("description".to_owned(), d.to_owned())));
            let req = NewRequest::from_pairs(&f, &catalog, &units).expect("valid without one");
            assert_eq!(req.description, None);
            assert!(req.to_pairs().iter().all(|(k, _)| k != "description"));
        }
    }
}
