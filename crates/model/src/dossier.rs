//! Administrative dossiers (hồ sơ thủ tục hành chính): the code printed on the receipt, the check
//! value that goes with it, their states, and what the city API answers about one.

use serde::{Deserialize, Serialize};

/// A dossier code as the one-stop shops print it: `<agency>-<yymmdd>-<seq>`, e.g.
/// `000.00.04.H29-240115-0001` (H29 is Ho Chi Minh City in the national portal's codes).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode(String);

impl DossierCode {
    /// Accepts the code with surrounding spaces and in any letter case.
    pub fn parse(text: &str) -> Option<Self> {
        let code = text.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let ok = b.len() == 25
            && digits(0..3)
            && b[3] == b'.'
            && digits(4..6)
            && b[6] == b'.'
            && digits(7..9)
            && &b[9..13] == b".H29"
            && b[13] == b'-'
            && digits(14..20)
            && b[20] == b'-'
            && digits(21..25);
        ok.then_some(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DossierCode {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or("not a dossier code")
    }
}

impl From<DossierCode> for String {
    fn from(code: DossierCode) -> Self {
        code.0
    }
}

/// The check value printed next to the code: without it a code reveals nothing, so codes
/// (which follow a guessable pattern) cannot be enumerated. Six characters from an alphabet
/// without look-alikes (no 0/O, 1/I/L).
pub const CHECK_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CHECK_LEN: usize = 6;

/// Normalises what a citizen typed (spaces, lower case) into a check value, if it can be one.
pub fn normalize_check(text: &str) -> Option<String> {
    let v: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    (v.len() == CHECK_LEN && v.bytes().all(|b| CHECK_ALPHABET.contains(&b))).then_some(v)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// Tiếp nhận.
    Received,
    /// Đang giải quyết.
    Processing,
    /// Yêu cầu bổ sung: the citizen must bring or send something.
    SupplementRequested,
    /// Có kết quả, chờ trả.
    Ready,
    /// Đã trả kết quả.
    Returned,
    /// Từ chối giải quyết (with the reason in the timeline).
    Rejected,
}

impl DossierStatus {
    pub const ALL: [Self; 6] = [
        Self::Received,
        Self::Processing,
        Self::SupplementRequested,
        Self::Ready,
        Self::Returned,
        Self::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Processing => "processing",
            Self::SupplementRequested => "supplement_requested",
            Self::Ready => "ready",
            Self::Returned => "returned",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the city's part is done (the result is ready, handed over, or refused).
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Ready | Self::Returned | Self::Rejected)
    }
}

/// `GET /api/v1/dossiers/{code}?check=…`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dossier {
    pub code: String,
    pub procedure_code: String,
    /// The procedure's name in the asked language.
    pub procedure: String,
    /// Land, construction, business, civil status, residence, justice…
    pub field: String,
    /// The agency in charge.
    pub agency: String,
    pub ward_code: String,
    pub ward_name: String,
    pub status: DossierStatus,
    pub submitted_at: String,
    /// The legal deadline (working days after submission).
    pub expected_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// Finished by the deadline; `None` while still open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_time: Option<bool>,
    pub timeline: Vec<DossierEvent>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierEvent {
    pub at: String,
    pub status: DossierStatus,
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_receipt_shape() {
        let c = DossierCode::parse(" 000.00.04.h29-240115-0001 ").expect("valid");
        assert_eq!(c.as_str(), "000.00.04.H29-240115-0001");
        for bad in [
            "",
            "000.00.04.H29-240115-001",
            "000.00.04.H30-240115-0001",
            "000-00-04.H29-240115-0001",
            "000.00.04.H29-24O115-0001",
            "000.00.04.H29-240115-0001x",
            "../../etc/passwd",
            "０００.00.04.H29-240115-0001",
        ] {
            assert!(DossierCode::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn check_values_forgive_case_and_spaces_only() {
        assert_eq!(normalize_check(" k7m 2qx ").as_deref(), Some("K7M2QX"));
        for bad in ["K7M2Q", "K7M2QX9", "K7M2Q0", "K7M2QI", "K7M2Q-", "ĐK7M2Q"] {
            assert!(normalize_check(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn statuses_round_trip() {
        for s in DossierStatus::ALL {
            assert_eq!(DossierStatus::parse(s.as_str()), Some(s));
        }
        assert!(DossierStatus::Returned.is_finished());
        assert!(!DossierStatus::SupplementRequested.is_finished());
    }
}
