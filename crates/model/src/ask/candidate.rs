//! The local items a question can be answered with, all in one shape: what the item is, what it
//! is searched by, and where it comes from. New kinds of items join by giving a constructor.

use crate::dossier::DossierCode;
use crate::guide::Guide;
use crate::service::{Localized, ServiceCatalog};

use super::{AnswerKind, Origin};

/// One item the question box may answer with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub kind: AnswerKind,
    pub id: String,
    /// A code typed as it is printed finds the item (`1.001193`, a receipt's dossier code).
    pub code: String,
    pub title: Localized,
    /// What it is searched by: names and keywords, in both languages.
    pub texts: Vec<String>,
    pub origin: Origin,
}

impl Candidate {
    /// Every procedure of the guide, in the guide's order.
    pub fn procedures(guide: &Guide) -> Vec<Self> {
        let as_of = guide.as_of.format("%Y-%m-%d").to_string();
        guide
            .procedures
            .iter()
            .map(|p| Self {
                kind: AnswerKind::Procedure,
                id: p.id.clone(),
                code: p.code.as_ref().map(|c| c.code.clone()).unwrap_or_default(),
                title: p.name.clone(),
                texts: p.search_texts().map(str::to_owned).collect(),
                origin: Origin::Guide {
                    as_of: as_of.clone(),
                    basis: p.basis.iter().filter_map(|c| guide.cite_label(c)).collect(),
                },
            })
            .collect()
    }

    /// The city's feedback fields, without the "I don't know which" choice: when nothing fits,
    /// the answer itself offers the form.
    pub fn feedback_fields(catalog: &ServiceCatalog) -> Vec<Self> {
        catalog
            .services
            .iter()
            .filter(|s| !s.triage)
            .map(|s| Self {
                kind: AnswerKind::FeedbackField,
                id: s.code.to_string(),
                code: String::new(),
                title: s.name.clone(),
                texts: [&s.name.vi, &s.name.en]
                    .into_iter()
                    .chain(&s.keywords.vi)
                    .chain(&s.keywords.en)
                    .cloned()
                    .collect(),
                origin: Origin::FeedbackCatalog {
                    jurisdiction: catalog.jurisdiction_id.clone(),
                },
            })
            .collect()
    }

    /// A dossier the citizen tracks: found by its procedure's name or by its receipt code,
    /// read by the one rule of [`DossierCode::parse`] (a text that is no code finds nothing by
    /// code, only by name).
    pub fn dossier(code: &str, procedure: &Localized) -> Self {
        Self {
            kind: AnswerKind::Dossier,
            id: code.to_owned(),
            // The index compares codes in lower case, as typed codes are folded.
            code: DossierCode::parse(code)
                .map(|c| c.as_str().to_lowercase())
                .unwrap_or_default(),
            title: procedure.clone(),
            texts: vec![procedure.vi.clone(), procedure.en.clone()],
            origin: Origin::TrackedDossier,
        }
    }
}
