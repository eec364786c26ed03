//! The UI's messages in one language: what the shell hands the UI (`ui_messages`), so the wasm
//! carries no text of its own and a phone holds only the language in use.

use serde::{Deserialize, Deserializer, Serialize};

/// Key → text for one language, sorted by key for a binary search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Messages(Vec<(String, String)>);

impl Messages {
    /// Sorts by key; of two rows with one key the first is kept.
    pub fn new(mut rows: Vec<(String, String)>) -> Self {
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows.dedup_by(|later, first| later.0 == first.0);
        Self(rows)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        let found = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        self.0.get(found).map(|(_, text)| text.as_str())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Only a table the lookup works on is accepted: rows in key order, each key once (what `new`
/// makes). Checking is cheaper than sorting, and the UI then needs no sort code.
impl<'de> Deserialize<'de> for Messages {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let rows = Vec::<(String, String)>::deserialize(deserializer)?;
        if rows.windows(2).all(|w| w[0].0 < w[1].0) {
            Ok(Self(rows))
        } else {
            Err(serde::de::Error::custom("messages not in key order"))
        }
    }
}

/// The message for `key`, else the generic error's: a key with no text never leaves an empty
/// place on the screen. `lookup` is the table of the language in use.
pub fn or_generic<'a>(lookup: impl Fn(&str) -> Option<&'a str>, key: &str) -> Option<&'a str> {
    lookup(key).or_else(|| lookup("error.generic"))
}

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn finds_keys_whatever_the_order_they_came_in() {
        let m = Messages::new(rows(&[("b", "2"), ("a", "1"), ("c", "3"), ("a", "again")]));
        assert_eq!(m.get("a"), Some("1"));
        assert_eq!(m.get("b"), Some("2"));
        assert_eq!(m.get("c"), Some("3"));
        assert_eq!(m.get("d"), None);
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn crosses_the_boundary_as_sorted_pairs() {
        let m = Messages::new(rows(&[("z", "last"), ("m", "middle")]));
        let json = serde_json::to_string(&m).expect("json");
        assert_eq!(json, r#"[["m","middle"],["z","last"]]"#);
        let back: Messages = serde_json::from_str(&json).expect("pairs");
        assert_eq!(back, m);
        assert_eq!(back.get("m"), Some("middle"));
        // Anything the binary search would get wrong is refused, not half-used.
        for bad in [
            r#"[["z","last"],["m","middle"]]"#,
            r#"[["a","1"],["a","2"]]"#,
            r#"{"a":"b"}"#,
            r#"[["a"]]"#,
        ] {
            assert!(serde_json::from_str::<Messages>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_missing_key_falls_back_to_the_generic_error() {
        let m = Messages::new(rows(&[
            ("error.generic", "Something went wrong"),
            ("a", "A"),
        ]));
        let lookup = |k: &str| m.get(k);
        assert_eq!(or_generic(lookup, "a"), Some("A"));
        assert_eq!(or_generic(lookup, "zzz"), Some("Something went wrong"));
        assert_eq!(or_generic(|_| None, "a"), None);
    }

    #[test]
    fn fills_named_placeholders() {
        assert_eq!(
            fill("{count} of {all}", &[("count", "3"), ("all", "5")]),
            "3 of 5"
        );
        assert_eq!(fill("no places", &[("count", "3")]), "no places");
    }
}
