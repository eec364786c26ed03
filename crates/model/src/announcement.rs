//! The city's announcements (issue 15): water cuts, flooding, vaccination days, a ward office's
//! hours — for the whole city or some wards, normal or urgent, valid from one moment until
//! another. The app pulls the list in the background (ETag) and shows an urgent one as an OS
//! notification.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::WardCode;
use crate::survey::{Audience, Bilingual, SpecProblem, rfc3339};
use crate::wire::wire_enum;

/// Longest title (per language).
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest text (per language).
pub const MAX_BODY_CHARS: usize = 4000;

wire_enum! {
    /// How urgent: an urgent announcement (a flood, a water cut today) is shown as an OS
    /// notification; a normal one is listed.
    pub enum Urgency {
        Normal = "normal",
        Urgent = "urgent",
    }
}

impl Urgency {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Normal => "announcement.urgency.normal",
            Self::Urgent => "announcement.urgency.urgent",
        }
    }
}

/// An announcement as the back office writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnnouncementSpec {
    pub title: Bilingual,
    pub body: Bilingual,
    pub audience: Audience,
    pub urgency: Urgency,
    /// Shown from this moment (RFC 3339)…
    #[serde(with = "rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub valid_from: DateTime<Utc>,
    /// …until this one (excluded).
    #[serde(with = "rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub valid_until: DateTime<Utc>,
}

impl AnnouncementSpec {
    /// Checks every field; `known_ward` says which ward codes exist. The first problem found.
    pub fn check(&self, known_ward: impl Fn(&str) -> bool) -> Result<(), SpecProblem> {
        self.title.check("title", MAX_TITLE_CHARS)?;
        self.body.check("body", MAX_BODY_CHARS)?;
        if self.valid_until <= self.valid_from {
            return Err(SpecProblem::window("valid_until"));
        }
        self.audience.check(known_ward)
    }
}

/// An announcement as the city publishes it and the app caches it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Announcement {
    pub id: i64,
    pub title: Bilingual,
    pub body: Bilingual,
    pub audience: Audience,
    pub urgency: Urgency,
    #[serde(with = "rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub valid_from: DateTime<Utc>,
    #[serde(with = "rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub valid_until: DateTime<Utc>,
    /// Withdrawn by the city: no longer listed.
    #[serde(default)]
    pub withdrawn: bool,
}

impl Announcement {
    pub fn new(id: i64, spec: AnnouncementSpec) -> Self {
        Self {
            id,
            title: spec.title,
            body: spec.body,
            audience: spec.audience,
            urgency: spec.urgency,
            valid_from: spec.valid_from,
            valid_until: spec.valid_until,
            withdrawn: false,
        }
    }

    /// Listed for a citizen of `ward` (none: only the city's) at `now`: not withdrawn, in its
    /// time, for the whole city or that ward.
    pub fn shown(&self, now: DateTime<Utc>, ward: Option<&WardCode>) -> bool {
        !self.withdrawn
            && self.valid_from <= now
            && now < self.valid_until
            && self.audience.includes(ward)
    }
}

/// `GET /api/v1/announcements`: the ones shown now, urgent first, then the newest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnouncementList {
    pub announcements: Vec<Announcement>,
}

/// Orders what is shown: urgent first, then the latest start, then the highest id.
pub fn order(list: &mut [Announcement]) {
    list.sort_by(|a, b| {
        (b.urgency == Urgency::Urgent)
            .cmp(&(a.urgency == Urgency::Urgent))
            .then(b.valid_from.cmp(&a.valid_from))
            .then(b.id.cmp(&a.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.to_utc())
            .unwrap_or_default()
    }

    fn text(s: &str) -> Bilingual {
        Bilingual {
            vi: s.into(),
            en: s.into(),
        }
    }

    fn spec() -> AnnouncementSpec {
        AnnouncementSpec {
            title: Bilingual {
                vi: "Cúp nước".into(),
                en: "Water cut".into(),
            },
            body: text("Từ 8 giờ đến 16 giờ"),
            audience: Audience::Wards {
                wards: vec!["26734".into()],
            },
            urgency: Urgency::Urgent,
            valid_from: t("2026-12-07T08:00:00+07:00"),
            valid_until: t("2026-12-08T00:00:00+07:00"),
        }
    }

    #[test]
    fn a_good_announcement_passes_and_each_fault_is_named() {
        let known = |c: &str| c == "26734" || c == "26737";
        assert_eq!(spec().check(known), Ok(()));
        let mut s = spec();
        s.body.en = " \n ".into();
        let p = s.check(known).expect_err("blank");
        assert_eq!(
            (p.field.as_str(), p.reason()),
            ("body.en", crate::reason::Reason::Missing)
        );
        let mut s = spec();
        s.title.vi = "á".repeat(MAX_TITLE_CHARS + 1);
        assert_eq!(
            s.check(known).map_err(|p| p.reason()),
            Err(crate::reason::Reason::TooLong)
        );
        s.title.vi = "á".repeat(MAX_TITLE_CHARS);
        assert_eq!(s.check(known), Ok(()));
        let mut s = spec();
        s.valid_until = s.valid_from;
        assert_eq!(
            s.check(known).map_err(|p| (p.field.clone(), p.reason())),
            Err(("valid_until".into(), crate::reason::Reason::InvalidWindow))
        );
        let mut s = spec();
        s.audience = Audience::Wards {
            wards: vec!["26737".into(), "99999".into()],
        };
        assert_eq!(
            s.check(known).map_err(|p| (p.field.clone(), p.reason())),
            Err((
                "audience.wards[1]".into(),
                crate::reason::Reason::UnknownWard
            ))
        );
        s.audience = Audience::Wards {
            wards: vec!["26737".into(), "26737".into()],
        };
        assert_eq!(
            s.check(known).map_err(|p| p.reason()),
            Err(crate::reason::Reason::Repeated)
        );
        s.audience = Audience::Wards { wards: vec![] };
        assert!(s.check(known).is_err());
        s.audience = Audience::Wards {
            wards: vec![" 26737".into()],
        };
        assert!(s.check(known).is_err(), "a code is written exactly");
        s.body.vi = "a\u{0}b".into();
        assert!(s.check(known).is_err());
    }

    #[test]
    fn shown_in_its_time_to_its_audience_until_withdrawn() {
        let a = Announcement::new(1, spec());
        let ward = WardCode::parse("26734").ok();
        let other = WardCode::parse("26737").ok();
        let during = t("2026-12-07T12:00:00+07:00");
        assert!(a.shown(during, ward.as_ref()));
        assert!(!a.shown(during, other.as_ref()));
        assert!(
            !a.shown(during, None),
            "a ward's announcement is not the city's"
        );
        assert!(!a.shown(t("2026-12-07T07:59:59+07:00"), ward.as_ref()));
        assert!(!a.shown(a.valid_until, ward.as_ref()), "until is excluded");
        let mut city = a.clone();
        city.audience = Audience::City {};
        assert!(city.shown(during, None) && city.shown(during, other.as_ref()));
        let mut gone = a.clone();
        gone.withdrawn = true;
        assert!(!gone.shown(during, ward.as_ref()));
    }

    #[test]
    fn urgent_ones_come_first_then_the_newest() {
        let mk = |id, urgency, from: &str| {
            let mut s = spec();
            s.urgency = urgency;
            s.valid_from = t(from);
            Announcement::new(id, s)
        };
        let mut list = vec![
            mk(1, Urgency::Normal, "2026-12-07T09:00:00Z"),
            mk(2, Urgency::Urgent, "2026-12-06T09:00:00Z"),
            mk(3, Urgency::Normal, "2026-12-07T10:00:00Z"),
            mk(4, Urgency::Urgent, "2026-12-07T09:00:00Z"),
        ];
        order(&mut list);
        let ids: Vec<i64> = list.iter().map(|a| a.id).collect();
        assert_eq!(ids, [4, 2, 3, 1]);
    }

    #[test]
    fn the_wire_form_is_strict() {
        let json = serde_json::json!({
            "title": {"vi": "a", "en": "b"}, "body": {"vi": "a", "en": "b"},
            "audience": {"kind": "city"}, "urgency": "urgent",
            "valid_from": "2026-12-07T08:00:00+07:00", "valid_until": "2026-12-08T08:00:00+07:00"
        });
        let s: AnnouncementSpec = serde_json::from_value(json.clone()).expect("reads");
        assert_eq!(s.valid_from, t("2026-12-07T01:00:00Z"));
        let mut extra = json.clone();
        extra["x"] = 1.into();
        assert!(serde_json::from_value::<AnnouncementSpec>(extra).is_err());
        let mut loose = json.clone();
        loose["valid_from"] = "2026-12-07 08:00".into();
        assert!(serde_json::from_value::<AnnouncementSpec>(loose).is_err());
        let mut bad = json;
        bad["urgency"] = "URGENT".into();
        assert!(serde_json::from_value::<AnnouncementSpec>(bad).is_err());
        for u in Urgency::ALL {
            assert!(u.message_key().ends_with(u.as_str()));
        }
    }
}
