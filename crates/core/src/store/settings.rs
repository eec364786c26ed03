//! Preferences as key/value rows. Values are validated when read back: a bad stored value
//! (hand-edited, from an old build) falls back to the default instead of breaking start-up.

use model::{ApiBaseUrl, Language, TextSize, WardCode};
use rusqlite::{OptionalExtension, params};

use super::Store;

/// A preference and its typed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    Language(Language),
    TextSize(TextSize),
    ApiBaseUrl(ApiBaseUrl),
    MyWard(WardCode),
}

impl Setting {
    fn key(&self) -> &'static str {
        match self {
            Self::Language(_) => "language",
            Self::TextSize(_) => "text_size",
            Self::ApiBaseUrl(_) => "api_base_url",
            Self::MyWard(_) => "my_ward",
        }
    }

    fn value(&self) -> &str {
        match self {
            Self::Language(l) => l.tag(),
            Self::TextSize(s) => s.tag(),
            Self::ApiBaseUrl(url) => url.as_str(),
            Self::MyWard(code) => code.as_str(),
        }
    }
}

impl Store {
    /// Saves one preference durably (its own transaction, `synchronous=FULL`).
    pub fn save_setting(&self, setting: &Setting) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![setting.key(), setting.value()],
        )?;
        Ok(())
    }

    fn raw_setting(&self, key: &str) -> rusqlite::Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()
    }

    pub fn language(&self) -> rusqlite::Result<Language> {
        Ok(self
            .raw_setting("language")?
            .as_deref()
            .and_then(Language::from_tag)
            .unwrap_or_default())
    }

    pub fn text_size(&self) -> rusqlite::Result<TextSize> {
        Ok(self
            .raw_setting("text_size")?
            .as_deref()
            .and_then(TextSize::from_tag)
            .unwrap_or_default())
    }

    /// The address the citizen chose, if any (else the build's default applies).
    pub fn api_base_url(&self) -> rusqlite::Result<Option<ApiBaseUrl>> {
        Ok(self
            .raw_setting("api_base_url")?
            .and_then(|v| ApiBaseUrl::parse(&v).ok()))
    }

    pub fn my_ward(&self) -> rusqlite::Result<Option<WardCode>> {
        Ok(self
            .raw_setting("my_ward")?
            .and_then(|v| WardCode::parse(&v).ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn settings_round_trip_and_survive_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let store = Store::open_in(dir.path()).expect("open");
            assert_eq!(store.language().ok(), Some(Language::Vi));
            assert_eq!(store.my_ward().ok(), Some(None));
            store
                .save_setting(&Setting::Language(Language::En))
                .expect("save");
            store
                .save_setting(&Setting::TextSize(TextSize::Larger))
                .expect("save");
            let code = WardCode::parse("26734").expect("code");
            store.save_setting(&Setting::MyWard(code)).expect("save");
            let url = ApiBaseUrl::parse("https://api.example.vn").expect("url");
            store.save_setting(&Setting::ApiBaseUrl(url)).expect("save");
        }
        let store = Store::open_in(dir.path()).expect("reopen");
        assert_eq!(store.language().ok(), Some(Language::En));
        assert_eq!(store.text_size().ok(), Some(TextSize::Larger));
        assert_eq!(
            store.my_ward().ok().flatten().map(String::from),
            Some("26734".into())
        );
        assert_eq!(
            store.api_base_url().ok().flatten().map(String::from),
            Some("https://api.example.vn/".into())
        );
    }

    #[test]
    fn bad_stored_values_fall_back_to_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in(dir.path()).expect("open");
        for (key, value) in [
            ("language", "klingon"),
            ("text_size", "huge"),
            ("my_ward", "x"),
            ("api_base_url", "ftp://x"),
        ] {
            store
                .conn
                .execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                    [key, value],
                )
                .expect("insert");
        }
        assert_eq!(store.language().ok(), Some(Language::Vi));
        assert_eq!(store.text_size().ok(), Some(TextSize::Normal));
        assert_eq!(store.my_ward().ok(), Some(None));
        assert_eq!(store.api_base_url().ok(), Some(None));
    }
}
