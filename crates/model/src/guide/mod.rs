//! The procedures guide: the administrative procedures citizens meet most, as data a city
//! replaces (`assets/procedures-guide.json`). Each fact names the public text it was taken from;
//! a fact nobody could check is left out rather than guessed. Everything is validated on load:
//! a bad file is a clear [`GuideError`], never a panic.

mod facts;
mod validate;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::service::{Keywords, Localized};

pub use facts::{
    Cite, Fact, Fee, FeeKind, NationalCode, Note, Online, OnlineMode, Papers, Place,
    ProcessingTime, Source, SourceKind, TimeLimit,
};
pub use validate::GuideError;

/// What the UI shows for a fact the guide could not verify ([`Procedure::unverified`]).
pub const NOT_VERIFIED_KEY: &str = "guide.not_verified";

/// The field a procedure belongs to, as the one-stop counters group them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Đất đai.
    Land,
    /// Xây dựng.
    Construction,
    /// Đăng ký kinh doanh.
    Business,
    /// Hộ tịch.
    CivilStatus,
    /// Cư trú.
    Residence,
    /// Chứng thực.
    Certification,
    /// Lý lịch tư pháp.
    JudicialRecord,
}

impl Field {
    pub const ALL: [Self; 7] = [
        Self::Land,
        Self::Construction,
        Self::Business,
        Self::CivilStatus,
        Self::Residence,
        Self::Certification,
        Self::JudicialRecord,
    ];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Land => "guide.field.land",
            Self::Construction => "guide.field.construction",
            Self::Business => "guide.field.business",
            Self::CivilStatus => "guide.field.civil_status",
            Self::Residence => "guide.field.residence",
            Self::Certification => "guide.field.certification",
            Self::JudicialRecord => "guide.field.judicial_record",
        }
    }
}

/// One procedure and what the guide knows of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// Stable id: lowercase ASCII letters, digits and dashes (`dang-ky-khai-sinh`).
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<NationalCode>,
    pub name: Localized,
    pub field: Field,
    /// How citizens say it ("làm sổ đỏ", "xin phép xây nhà"); searched with the name.
    pub keywords: Keywords,
    /// The texts the procedure rests on; at least one.
    pub basis: Vec<Cite>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub papers: Option<Papers>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Fee>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<ProcessingTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<Online>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

impl Procedure {
    /// Every citation the procedure makes, basis first.
    pub fn cites(&self) -> impl Iterator<Item = &Cite> {
        let facts = [
            self.code.as_ref().map(|c| &c.cite),
            self.papers.as_ref().map(|p| &p.cite),
            self.fee.as_ref().map(|f| &f.cite),
            self.time.as_ref().map(|t| &t.cite),
            self.place.as_ref().map(|p| &p.cite),
            self.online.as_ref().map(|o| &o.cite),
        ];
        self.basis
            .iter()
            .chain(facts.into_iter().flatten())
            .chain(self.notes.iter().map(|n| &n.cite))
    }

    /// The facts this entry lacks: the UI says "not verified" for each.
    pub fn unverified(&self) -> Vec<Fact> {
        Fact::ALL
            .into_iter()
            .filter(|fact| match fact {
                Fact::Code => self.code.is_none(),
                Fact::Papers => self.papers.is_none(),
                Fact::Fee => self.fee.is_none(),
                Fact::Time => self.time.is_none(),
                Fact::Place => self.place.is_none(),
                Fact::Online => self.online.is_none(),
            })
            .collect()
    }

    /// The texts the procedure is searched by: its names and keywords in both languages.
    pub fn search_texts(&self) -> impl Iterator<Item = &str> {
        [self.name.vi.as_str(), self.name.en.as_str()]
            .into_iter()
            .chain(self.keywords.vi.iter().map(String::as_str))
            .chain(self.keywords.en.iter().map(String::as_str))
    }
}

/// The whole guide, as `assets/procedures-guide.json` holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// The day its facts were last checked against their sources.
    pub as_of: NaiveDate,
    pub jurisdiction: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<Source>,
    pub procedures: Vec<Procedure>,
}

impl Guide {
    pub fn from_json(text: &str) -> Result<Self, GuideError> {
        let guide: Self =
            serde_json::from_str(text).map_err(|e| GuideError::Json(e.to_string()))?;
        guide.validate()?;
        Ok(guide)
    }

    pub fn get(&self, id: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// A citation as a reader sees it: the source's title, then where in it.
    pub fn cite_label(&self, cite: &Cite) -> Option<Localized> {
        let source = self.source(&cite.source)?;
        let with_at = |title: &str| match &cite.at {
            Some(at) => format!("{title}, {at}"),
            None => title.to_owned(),
        };
        Some(Localized {
            vi: with_at(&source.title.vi),
            en: with_at(&source.title.en),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUNDLED: &str = include_str!("../../../../assets/procedures-guide.json");

    fn guide() -> Guide {
        Guide::from_json(BUNDLED).expect("bundled guide is valid")
    }

    #[test]
    fn the_bundled_guide_loads_with_every_procedure_the_issue_names() {
        let g = guide();
        assert!(g.procedures.len() >= 15, "{}", g.procedures.len());
        for id in [
            "cap-gcn-lan-dau",
            "dang-ky-bien-dong-chuyen-nhuong",
            "cap-giay-phep-xay-dung-nha-o",
            "dang-ky-ho-kinh-doanh",
            "dang-ky-khai-sinh",
            "dang-ky-ket-hon",
            "dang-ky-khai-tu",
            "dang-ky-thuong-tru",
            "dang-ky-tam-tru",
            "chung-thuc-ban-sao",
            "cap-phieu-ly-lich-tu-phap",
        ] {
            assert!(g.get(id).is_some(), "{id}");
        }
        assert_eq!(g.as_of, NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"));
    }

    #[test]
    fn every_cite_resolves_to_a_labelled_source() {
        let g = guide();
        for p in &g.procedures {
            assert!(!p.basis.is_empty(), "{}", p.id);
            for cite in p.cites() {
                let label = g.cite_label(cite).expect("cited source exists");
                assert!(label.is_complete(), "{}", p.id);
            }
        }
    }

    #[test]
    fn unverified_facts_are_named_not_guessed() {
        let g = guide();
        let birth = g.get("dang-ky-khai-sinh").expect("birth");
        assert!(birth.unverified().is_empty(), "{:?}", birth.unverified());
        assert_eq!(
            birth.time.as_ref().map(|t| t.limit),
            Some(TimeLimit::OnReceipt)
        );
        assert_eq!(birth.fee.as_ref().map(|f| f.kind), Some(FeeKind::Free));
        let permanent = g.get("dang-ky-thuong-tru").expect("permanent residence");
        assert_eq!(
            permanent.time.as_ref().map(|t| t.limit),
            Some(TimeLimit::WorkingDays(7))
        );
        // The land procedures' time limits could not be checked for the city: left out.
        let land = g.get("cap-gcn-lan-dau").expect("land");
        assert!(land.unverified().contains(&Fact::Time));
    }
}
