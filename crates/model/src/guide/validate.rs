//! What a guide file must hold to be used. A city may replace the file, so every rule gives a
//! stable code and names the entry at fault.

use std::collections::HashSet;

use super::{Cite, Guide, Procedure, Source, TimeLimit};
use crate::service::Localized;

/// Bounds on data a city supplies; not facts about procedures.
const MAX_PROCEDURES: usize = 500;
const MAX_SOURCES: usize = 500;
const MAX_KEYWORDS: usize = 60;
const MAX_PAPERS: usize = 40;
/// Longest text of any one field, in characters.
const MAX_TEXT: usize = 2_000;
/// Longest legal time limit the guide accepts, in days.
const MAX_DAYS: u16 = 365;

/// Why a guide file was refused. Each names the procedure or source concerned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GuideError {
    #[error("the guide is not valid JSON of the expected shape: {0}")]
    Json(String),
    #[error("the guide names no jurisdiction")]
    NoJurisdiction,
    #[error(
        "the guide holds no procedure, or more than {MAX_PROCEDURES} procedures or {MAX_SOURCES} sources"
    )]
    Count,
    #[error("{0:?} is not an id (lowercase letters, digits and dashes, 1–64)")]
    BadId(String),
    #[error("{0} appears twice")]
    Duplicate(String),
    #[error("{id}: {what} is missing in one language or empty")]
    MissingText { id: String, what: &'static str },
    #[error("{id}: {what} is longer than the guide allows")]
    TooLong { id: String, what: &'static str },
    #[error("{id}: {code:?} is not a national procedure code (d.dddddd)")]
    BadCode { id: String, code: String },
    #[error("{0}: no legal basis is given")]
    NoBasis(String),
    #[error("{id}: cites {cited:?}, which is not in the list of sources")]
    UnknownSource { id: String, cited: String },
    #[error("source {0}: its address is not an https web address")]
    BadUrl(String),
    #[error("{0}: a time limit must be 1 to {MAX_DAYS} days")]
    BadDays(String),
    #[error("{0}: no Vietnamese keyword is given")]
    NoKeywords(String),
    #[error("{0}: a list of papers is given but empty")]
    EmptyPapers(String),
}

impl GuideError {
    /// A stable name for logs and for the shell; never changes once shipped.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Json(_) => "guide_json",
            Self::NoJurisdiction => "guide_no_jurisdiction",
            Self::Count => "guide_count",
            Self::BadId(_) => "guide_bad_id",
            Self::Duplicate(_) => "guide_duplicate",
            Self::MissingText { .. } => "guide_missing_text",
            Self::TooLong { .. } => "guide_too_long",
            Self::BadCode { .. } => "guide_bad_code",
            Self::NoBasis(_) => "guide_no_basis",
            Self::UnknownSource { .. } => "guide_unknown_source",
            Self::BadUrl(_) => "guide_bad_url",
            Self::BadDays(_) => "guide_bad_days",
            Self::NoKeywords(_) => "guide_no_keywords",
            Self::EmptyPapers(_) => "guide_empty_papers",
        }
    }
}

fn is_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The portal's codes are one digit, a dot, six digits (`1.001193`, `2.000815`).
fn is_national_code(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 8 && b[0].is_ascii_digit() && b[1] == b'.' && b[2..].iter().all(u8::is_ascii_digit)
}

fn too_long(text: &str) -> bool {
    text.chars().count() > MAX_TEXT
}

/// Both languages present and neither too long.
fn check_text(id: &str, what: &'static str, text: &Localized) -> Result<(), GuideError> {
    if !text.is_complete() {
        return Err(GuideError::MissingText {
            id: id.to_owned(),
            what,
        });
    }
    if too_long(&text.vi) || too_long(&text.en) {
        return Err(GuideError::TooLong {
            id: id.to_owned(),
            what,
        });
    }
    Ok(())
}

impl Guide {
    pub fn validate(&self) -> Result<(), GuideError> {
        if self.jurisdiction.trim().is_empty() {
            return Err(GuideError::NoJurisdiction);
        }
        let (procedures, sources) = (self.procedures.len(), self.sources.len());
        if procedures == 0 || procedures > MAX_PROCEDURES || sources > MAX_SOURCES {
            return Err(GuideError::Count);
        }
        let mut source_ids = HashSet::new();
        for s in &self.sources {
            check_source(s)?;
            if !source_ids.insert(s.id.as_str()) {
                return Err(GuideError::Duplicate(s.id.clone()));
            }
        }
        let mut ids = HashSet::new();
        for p in &self.procedures {
            check_procedure(p, &source_ids)?;
            if !ids.insert(p.id.as_str()) {
                return Err(GuideError::Duplicate(p.id.clone()));
            }
        }
        Ok(())
    }
}

fn check_source(s: &Source) -> Result<(), GuideError> {
    if !is_id(&s.id) {
        return Err(GuideError::BadId(s.id.chars().take(64).collect()));
    }
    check_text(&s.id, "title", &s.title)?;
    if s.checked.trim().is_empty() {
        return Err(GuideError::MissingText {
            id: s.id.clone(),
            what: "checked",
        });
    }
    if let Some(url) = &s.url {
        let https = url::Url::parse(url).is_ok_and(|u| u.scheme() == "https" && u.has_host());
        if !https {
            return Err(GuideError::BadUrl(s.id.clone()));
        }
    }
    Ok(())
}

fn check_procedure(p: &Procedure, sources: &HashSet<&str>) -> Result<(), GuideError> {
    let id = p.id.as_str();
    if !is_id(id) {
        return Err(GuideError::BadId(id.chars().take(64).collect()));
    }
    check_text(id, "name", &p.name)?;
    if let Some(code) = &p.code
        && !is_national_code(&code.code)
    {
        return Err(GuideError::BadCode {
            id: id.to_owned(),
            code: code.code.chars().take(32).collect(),
        });
    }
    check_keywords(p)?;
    if p.basis.is_empty() {
        return Err(GuideError::NoBasis(id.to_owned()));
    }
    for cite in p.cites() {
        check_cite(id, cite, sources)?;
    }
    if let Some(papers) = &p.papers {
        if papers.items.is_empty() {
            return Err(GuideError::EmptyPapers(id.to_owned()));
        }
        if papers.items.len() > MAX_PAPERS {
            return Err(GuideError::TooLong {
                id: id.to_owned(),
                what: "papers",
            });
        }
        for item in &papers.items {
            check_text(id, "papers", item)?;
        }
    }
    if let Some(fee) = &p.fee {
        check_text(id, "fee", &fee.text)?;
    }
    if let Some(time) = &p.time {
        check_text(id, "time", &time.text)?;
        if let TimeLimit::WorkingDays(days) | TimeLimit::Days(days) = time.limit
            && !(1..=MAX_DAYS).contains(&days)
        {
            return Err(GuideError::BadDays(id.to_owned()));
        }
    }
    if let Some(place) = &p.place {
        check_text(id, "place", &place.text)?;
    }
    if let Some(online) = &p.online {
        check_text(id, "online", &online.text)?;
    }
    for note in &p.notes {
        check_text(id, "note", &note.text)?;
    }
    Ok(())
}

fn check_keywords(p: &Procedure) -> Result<(), GuideError> {
    let id = p.id.as_str();
    if p.keywords.vi.iter().all(|k| k.trim().is_empty()) {
        return Err(GuideError::NoKeywords(id.to_owned()));
    }
    let all: Vec<&String> = p.keywords.vi.iter().chain(&p.keywords.en).collect();
    if all.len() > MAX_KEYWORDS {
        return Err(GuideError::TooLong {
            id: id.to_owned(),
            what: "keywords",
        });
    }
    for k in all {
        if k.trim().is_empty() {
            return Err(GuideError::MissingText {
                id: id.to_owned(),
                what: "keyword",
            });
        }
        if k.chars().count() > 200 {
            return Err(GuideError::TooLong {
                id: id.to_owned(),
                what: "keyword",
            });
        }
    }
    Ok(())
}

fn check_cite(id: &str, cite: &Cite, sources: &HashSet<&str>) -> Result<(), GuideError> {
    if !sources.contains(cite.source.as_str()) {
        return Err(GuideError::UnknownSource {
            id: id.to_owned(),
            cited: cite.source.chars().take(64).collect(),
        });
    }
    if cite
        .at
        .as_deref()
        .is_some_and(|at| at.trim().is_empty() || too_long(at))
    {
        return Err(GuideError::MissingText {
            id: id.to_owned(),
            what: "cite",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUNDLED: &str = include_str!("../../../../assets/procedures-guide.json");

    fn guide() -> Guide {
        Guide::from_json(BUNDLED).expect("bundled guide")
    }

    fn refused(edit: impl FnOnce(&mut Guide)) -> GuideError {
        let mut g = guide();
        edit(&mut g);
        g.validate().expect_err("the edit makes the guide invalid")
    }

    #[test]
    fn broken_files_get_a_clear_error_not_a_panic() {
        for text in ["", "[", "{}", "null", r#"{"as_of":"2026-13-01"}"#] {
            let e = Guide::from_json(text).expect_err(text);
            assert_eq!(e.code(), "guide_json", "{text}");
        }
        // A field the guide does not know is an error, not silently ignored.
        let typo = BUNDLED.replacen("\"procedures\"", "\"procedure\"", 1);
        assert_eq!(
            Guide::from_json(&typo).map(|_| ()).map_err(|e| e.code()),
            Err("guide_json")
        );
    }

    #[test]
    fn each_rule_has_its_error() {
        assert_eq!(
            refused(|g| g.jurisdiction = " ".into()),
            GuideError::NoJurisdiction
        );
        assert_eq!(refused(|g| g.procedures.clear()), GuideError::Count);
        let e = refused(|g| g.procedures[0].id = "Khai Sinh".into());
        assert_eq!(e.code(), "guide_bad_id");
        let e = refused(|g| {
            let copy = g.procedures[0].clone();
            g.procedures.push(copy);
        });
        assert_eq!(e.code(), "guide_duplicate");
        let e = refused(|g| g.procedures[0].name.en = String::new());
        assert!(
            matches!(e, GuideError::MissingText { what: "name", .. }),
            "{e:?}"
        );
        let e = refused(|g| {
            if let Some(code) = g.procedures[0].code.as_mut() {
                code.code = "1001193".into();
            }
        });
        assert_eq!(e.code(), "guide_bad_code");
        assert_eq!(
            refused(|g| g.procedures[0].basis.clear()).code(),
            "guide_no_basis"
        );
        let e = refused(|g| g.procedures[0].basis[0].source = "nowhere".into());
        assert!(
            matches!(&e, GuideError::UnknownSource { cited, .. } if cited == "nowhere"),
            "{e:?}"
        );
        assert_eq!(
            refused(|g| g.sources[0].url = Some("http://x.vn".into())).code(),
            "guide_bad_url"
        );
        let e = refused(|g| {
            let s = g.sources[0].clone();
            g.sources.push(s);
        });
        assert_eq!(e.code(), "guide_duplicate");
        let e = refused(|g| {
            let p = g.get("dang-ky-thuong-tru").cloned();
            if let Some(mut p) = p {
                if let Some(t) = p.time.as_mut() {
                    t.limit = TimeLimit::WorkingDays(0);
                }
                g.procedures = vec![p];
            }
        });
        assert_eq!(e.code(), "guide_bad_days");
        assert_eq!(
            refused(|g| g.procedures[0].keywords.vi.clear()).code(),
            "guide_no_keywords"
        );
        let e = refused(|g| {
            if let Some(papers) = g.procedures[0].papers.as_mut() {
                papers.items.clear();
            }
        });
        assert_eq!(e.code(), "guide_empty_papers");
        let e = refused(|g| g.procedures[0].name.vi = "x".repeat(MAX_TEXT + 1));
        assert_eq!(e.code(), "guide_too_long");
    }

    #[test]
    fn national_codes_have_one_shape() {
        assert!(is_national_code("1.001193"));
        assert!(is_national_code("2.000815"));
        for bad in [
            "",
            "1.00119",
            "1.0011933",
            "1-001193",
            "a.001193",
            "1.00119x",
        ] {
            assert!(!is_national_code(bad), "{bad}");
        }
    }
}
