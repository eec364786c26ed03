//! The app's messages, compiled in from `i18n/vi.json` and `i18n/en.json`. The shell uses them
//! directly (notifications) and hands the UI the table of one language (`messages`), so the
//! wasm the phone loads carries no text.

use model::{Language, Messages};

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

/// The message for `key` in `lang`, if there is one.
pub fn lookup(lang: Language, key: &str) -> Option<&'static str> {
    let found = MESSAGES.binary_search_by(|(k, ..)| (*k).cmp(key)).ok()?;
    let (_, vi, en) = MESSAGES.get(found)?;
    Some(match lang {
        Language::Vi => vi,
        Language::En => en,
    })
}

/// The message for `key`, else `error.generic`, else "?": a missing message never shows
/// an empty screen (the build refuses a key missing from one language).
pub fn t(lang: Language, key: &str) -> &'static str {
    model::messages::or_generic(|k| lookup(lang, k), key).unwrap_or("?")
}

/// The message for `key` with each `{name}` replaced by its value.
pub fn t_with(lang: Language, key: &str, args: &[(&str, &str)]) -> String {
    model::messages::fill(t(lang, key), args)
}

/// Every message of `lang`: what the UI looks its texts up in.
pub fn messages(lang: Language) -> Messages {
    Messages::new(
        MESSAGES
            .iter()
            .map(|(key, vi, en)| {
                let text = match lang {
                    Language::Vi => vi,
                    Language::En => en,
                };
                ((*key).to_owned(), (*text).to_owned())
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_and_placeholders() {
        assert_eq!(t(Language::Vi, "nav.home"), "Trang chủ");
        assert_eq!(t(Language::En, "nav.home"), "Home");
        assert_eq!(
            t_with(Language::En, "wards.count", &[("count", "3")]),
            "3 results"
        );
        assert_eq!(
            t(Language::En, "no.such.key"),
            t(Language::En, "error.generic")
        );
    }

    #[test]
    fn every_key_is_found_in_both_languages() {
        assert!(
            MESSAGES.windows(2).all(|w| w[0].0 < w[1].0),
            "table not sorted"
        );
        for (key, vi, en) in MESSAGES {
            assert_eq!(lookup(Language::Vi, key), Some(vi), "{key}");
            assert_eq!(lookup(Language::En, key), Some(en), "{key}");
        }
        for lang in Language::ALL {
            let table = messages(lang);
            assert_eq!(table.len(), MESSAGES.len());
            for (key, ..) in MESSAGES {
                assert_eq!(table.get(key), lookup(lang, key), "{key}");
            }
        }
        assert_eq!(lookup(Language::Vi, ""), None);
        assert_eq!(lookup(Language::Vi, "zzz"), None);
    }
}
