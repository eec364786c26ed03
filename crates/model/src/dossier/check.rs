//! The check value printed next to the dossier code: without it a code reveals nothing, so codes
//! (which follow a guessable pattern) cannot be enumerated.

use serde::{Deserialize, Serialize};

/// Six characters from an alphabet without look-alikes (no 0/O, 1/I/L).
pub const CHECK_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CHECK_LEN: usize = 6;

/// A well-formed check value, upper case, no spaces.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CheckValue(String);

impl CheckValue {
    /// Forgives spaces and lower case, nothing else.
    pub fn parse(text: &str) -> Option<Self> {
        let v: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        (v.len() == CHECK_LEN && v.bytes().all(|b| CHECK_ALPHABET.contains(&b))).then_some(Self(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CheckValue {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or("not a check value")
    }
}

impl From<CheckValue> for String {
    fn from(check: CheckValue) -> Self {
        check.0
    }
}

/// Normalises what a citizen typed (spaces, lower case) into a check value, if it can be one.
pub fn normalize_check(text: &str) -> Option<String> {
    CheckValue::parse(text).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_values_forgive_case_and_spaces_only() {
        assert_eq!(normalize_check(" k7m 2qx ").as_deref(), Some("K7M2QX"));
        for bad in [
            "K7M2Q", "K7M2QX9", "K7M2Q0", "K7M2QI", "K7M2Q-", "ĐK7M2Q", "",
        ] {
            assert!(normalize_check(bad).is_none(), "{bad}");
        }
    }
}
