//! "Needs more papers" (yêu cầu bổ sung): what the agency asked for, where to hand it in, and by
//! when, so the app can say it in plain words instead of showing a free-text note.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest text of one paper's name or one place; longer is a city's data error.
pub const MAX_TEXT: usize = 300;
/// Most papers one request lists.
pub const MAX_PAPERS: usize = 30;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementRequest {
    /// What to bring or send, in the order the agency listed it.
    pub papers: Vec<RequestedPaper>,
    /// Where to hand it in.
    pub hand_in: HandIn,
    /// The last day to hand it in, if the agency set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestedPaper {
    /// As the agency names it, e.g. "Bản sao Giấy khai sinh của con".
    pub name: String,
    /// Which form the agency wants.
    pub form: PaperForm,
    /// How many; 1 when not said.
    #[serde(default = "one")]
    pub copies: u8,
}

fn one() -> u8 {
    1
}

/// Which form of a paper is asked for: what the citizen needs to prepare differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaperForm {
    /// Bản chính.
    Original,
    /// Bản sao có chứng thực.
    CertifiedCopy,
    /// Bản sao (photocopy) or a scan uploaded online.
    Copy,
    /// Bản chính để đối chiếu: shown, then handed back.
    OriginalToShow,
}

impl PaperForm {
    pub const ALL: [Self; 4] = [
        Self::Original,
        Self::CertifiedCopy,
        Self::Copy,
        Self::OriginalToShow,
    ];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Original => "dossier.paper.original",
            Self::CertifiedCopy => "dossier.paper.certified_copy",
            Self::Copy => "dossier.paper.copy",
            Self::OriginalToShow => "dossier.paper.original_to_show",
        }
    }
}

/// Where the papers go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "way", rename_all = "snake_case")]
pub enum HandIn {
    /// Uploaded to the dossier on the public-service portal.
    Online,
    /// At a desk: its name (e.g. "Bộ phận một cửa UBND phường Bến Thành") and address.
    AtDesk {
        place: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// By post to this address.
    ByPost { address: String },
}

impl HandIn {
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Online => "dossier.hand_in.online",
            Self::AtDesk { .. } => "dossier.hand_in.at_desk",
            Self::ByPost { .. } => "dossier.hand_in.by_post",
        }
    }
}

/// Why a request as sent by a city cannot be shown as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SupplementProblem {
    #[error("the request lists no paper")]
    NoPaper,
    #[error("the request lists more than {MAX_PAPERS} papers")]
    TooManyPapers,
    #[error("a paper or a place has no name")]
    EmptyText,
    #[error("a paper's name or a place is longer than {MAX_TEXT} characters")]
    TextTooLong,
    #[error("a paper is asked for in 0 copies")]
    NoCopies,
    #[error("the last day is before the request was made")]
    DueBeforeAsked,
}

impl SupplementRequest {
    /// Checks what a city sent; `asked_on` is the day of the request (its timeline event).
    pub fn check(&self, asked_on: NaiveDate) -> Result<(), SupplementProblem> {
        if self.papers.is_empty() {
            return Err(SupplementProblem::NoPaper);
        }
        if self.papers.len() > MAX_PAPERS {
            return Err(SupplementProblem::TooManyPapers);
        }
        let places: Vec<&str> = match &self.hand_in {
            HandIn::Online => vec![],
            HandIn::AtDesk { place, address } => std::iter::once(place.as_str())
                .chain(address.as_deref())
                .collect(),
            HandIn::ByPost { address } => vec![address.as_str()],
        };
        for text in self.papers.iter().map(|p| p.name.as_str()).chain(places) {
            if text.trim().is_empty() {
                return Err(SupplementProblem::EmptyText);
            }
            if text.chars().count() > MAX_TEXT {
                return Err(SupplementProblem::TextTooLong);
            }
        }
        if self.papers.iter().any(|p| p.copies == 0) {
            return Err(SupplementProblem::NoCopies);
        }
        if self.due.is_some_and(|due| due < asked_on) {
            return Err(SupplementProblem::DueBeforeAsked);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn request() -> SupplementRequest {
        SupplementRequest {
            papers: vec![RequestedPaper {
                name: "Bản sao Giấy khai sinh của con".into(),
                form: PaperForm::CertifiedCopy,
                copies: 1,
            }],
            hand_in: HandIn::AtDesk {
                place: "Bộ phận một cửa UBND phường Bến Thành".into(),
                address: None,
            },
            due: Some(day(2026, 12, 14)),
        }
    }

    #[test]
    fn a_request_reads_from_the_citys_json_with_defaults() {
        let json = r#"{"papers":[{"name":"Tờ khai","form":"original"}],
                       "hand_in":{"way":"online"}}"#;
        let r: SupplementRequest = serde_json::from_str(json).expect("json");
        assert_eq!(r.papers[0].copies, 1);
        assert_eq!(r.hand_in, HandIn::Online);
        assert_eq!(r.due, None);
        assert_eq!(r.check(day(2026, 12, 7)), Ok(()));
        let back = serde_json::to_value(request()).expect("json");
        assert_eq!(back["hand_in"]["way"], "at_desk");
        assert_eq!(back["papers"][0]["form"], "certified_copy");
    }

    #[test]
    fn a_request_the_citizen_cannot_act_on_is_named() {
        let asked = day(2026, 12, 7);
        assert_eq!(request().check(asked), Ok(()));
        let mut r = request();
        r.papers.clear();
        assert_eq!(r.check(asked), Err(SupplementProblem::NoPaper));
        let mut r = request();
        r.papers[0].name = "  ".into();
        assert_eq!(r.check(asked), Err(SupplementProblem::EmptyText));
        let mut r = request();
        r.hand_in = HandIn::ByPost {
            address: "x".repeat(MAX_TEXT + 1),
        };
        assert_eq!(r.check(asked), Err(SupplementProblem::TextTooLong));
        let mut r = request();
        r.papers[0].copies = 0;
        assert_eq!(r.check(asked), Err(SupplementProblem::NoCopies));
        let mut r = request();
        r.due = Some(day(2026, 12, 6));
        assert_eq!(r.check(asked), Err(SupplementProblem::DueBeforeAsked));
        let mut r = request();
        r.papers = vec![r.papers[0].clone(); MAX_PAPERS + 1];
        assert_eq!(r.check(asked), Err(SupplementProblem::TooManyPapers));
    }
}
