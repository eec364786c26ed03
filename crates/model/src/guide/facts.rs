//! The facts a procedure of the guide states, each with the public text it was taken from. A
//! fact that could not be checked is absent (the UI says "not verified"), never guessed.

use serde::{Deserialize, Serialize};

use crate::service::Localized;

/// Where a fact comes from: a source of the guide's list, and where in it (an article, a page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cite {
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// What kind of public text a source is; legal texts outrank a portal, a portal outranks a
/// summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Luật of the National Assembly.
    Law,
    /// Nghị định of the Government.
    Decree,
    /// Thông tư of a ministry.
    Circular,
    /// Quyết định (e.g. of the city People's Committee).
    Decision,
    /// A page or published procedure of a public service portal.
    Portal,
    /// A newspaper report.
    Press,
    /// A third party's public summary of the texts above; weaker, named as such.
    Secondary,
}

impl SourceKind {
    pub const ALL: [Self; 7] = [
        Self::Law,
        Self::Decree,
        Self::Circular,
        Self::Decision,
        Self::Portal,
        Self::Press,
        Self::Secondary,
    ];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Law => "guide.source.law",
            Self::Decree => "guide.source.decree",
            Self::Circular => "guide.source.circular",
            Self::Decision => "guide.source.decision",
            Self::Portal => "guide.source.portal",
            Self::Press => "guide.source.press",
            Self::Secondary => "guide.source.secondary",
        }
    }
}

/// One public text the guide relies on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub kind: SourceKind,
    pub title: Localized,
    /// Its number (`60/2014/QH13`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Its address, only when the page itself was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// How and when it was read (for whoever checks the guide next).
    pub checked: String,
}

/// The procedure's code on the National Public Service Portal (`1.001193`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationalCode {
    pub code: String,
    pub cite: Cite,
}

/// The papers to bring or upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Papers {
    pub items: Vec<Localized>,
    pub cite: Cite,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    Free,
    /// Amounts set by a national text; `text` gives them as the text does.
    Amount,
    /// Set by the city's People's Council (a resolution the guide does not repeat).
    PerProvince,
}

impl FeeKind {
    pub const ALL: [Self; 3] = [Self::Free, Self::Amount, Self::PerProvince];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Free => "guide.fee.free",
            Self::Amount => "guide.fee.amount",
            Self::PerProvince => "guide.fee.per_province",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub kind: FeeKind,
    pub text: Localized,
    pub cite: Cite,
}

/// The legal time limit in its worst case (verification included); `text` gives the nuance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "days", rename_all = "snake_case")]
pub enum TimeLimit {
    /// As soon as the papers are complete ("ngay sau khi nhận đủ giấy tờ").
    OnReceipt,
    /// The same day (the next working day when received late).
    SameDay,
    /// Working days: weekends and public holidays do not count.
    WorkingDays(u16),
    /// Calendar days, where the text says "ngày" without "làm việc".
    Days(u16),
}

impl TimeLimit {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::OnReceipt => "guide.time.on_receipt",
            Self::SameDay => "guide.time.same_day",
            Self::WorkingDays(_) => "guide.time.working_days",
            Self::Days(_) => "guide.time.days",
        }
    }

    /// Every kind, for the i18n test.
    pub const KINDS: [Self; 4] = [
        Self::OnReceipt,
        Self::SameDay,
        Self::WorkingDays(1),
        Self::Days(1),
    ];
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessingTime {
    pub limit: TimeLimit,
    pub text: Localized,
    pub cite: Cite,
}

/// Where to file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub text: Localized,
    pub cite: Cite,
}

/// How far the procedure can be done online, as the source says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineMode {
    /// The whole procedure online, result included ("toàn trình").
    Full,
    /// Part online ("một phần"): the file goes online, something is done in person.
    Partial,
    /// The source says the file may be sent online; how much stays in person was not checked.
    FilingAccepted,
    /// In person only.
    InPerson,
}

impl OnlineMode {
    pub const ALL: [Self; 4] = [
        Self::Full,
        Self::Partial,
        Self::FilingAccepted,
        Self::InPerson,
    ];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Full => "guide.online.full",
            Self::Partial => "guide.online.partial",
            Self::FilingAccepted => "guide.online.filing_accepted",
            Self::InPerson => "guide.online.in_person",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Online {
    pub mode: OnlineMode,
    pub text: Localized,
    pub cite: Cite,
}

/// Anything else worth knowing (a deadline for the citizen, an exemption).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub text: Localized,
    pub cite: Cite,
}

/// A fact a procedure may lack; the UI marks the missing ones "not verified".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    Code,
    Papers,
    Fee,
    Time,
    Place,
    Online,
}

impl Fact {
    pub const ALL: [Self; 6] = [
        Self::Code,
        Self::Papers,
        Self::Fee,
        Self::Time,
        Self::Place,
        Self::Online,
    ];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Code => "guide.fact.code",
            Self::Papers => "guide.fact.papers",
            Self::Fee => "guide.fact.fee",
            Self::Time => "guide.fact.time",
            Self::Place => "guide.fact.place",
            Self::Online => "guide.fact.online",
        }
    }
}
