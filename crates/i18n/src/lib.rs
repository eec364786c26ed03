//! The UI's messages, compiled in from `i18n/vi.json` and `i18n/en.json`.

use model::Language;

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

/// The message for `key`, or `error.generic` / the key itself so a missing message never shows
/// an empty screen (the tests keep every key present in both languages).
pub fn t(lang: Language, key: &str) -> &'static str {
    lookup(lang, key)
        .or_else(|| lookup(lang, "error.generic"))
        .unwrap_or("?")
}

/// The message for `key` with each `{name}` replaced by its value.
pub fn t_with(lang: Language, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(lang, key).to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
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
}
