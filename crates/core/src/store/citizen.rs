//! The citizen's login (`crate::login`): the ID token kept for the city it was made for.

use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::login::CitizenToken;

impl Store {
    /// The token kept for `origin` (the city API's base address) that is still valid at
    /// `now` (Unix seconds); an expired one, or one for another city, reads as none.
    pub fn citizen_token(&self, origin: &str, now: i64) -> rusqlite::Result<Option<CitizenToken>> {
        let row: Option<(String, String, String, i64)> = self
            .conn
            .query_row(
                "SELECT origin, issuer, id_token, expires_at FROM citizen_token",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        Ok(row.and_then(|(o, issuer, id_token, expires_at)| {
            (o == origin && expires_at > now).then_some(CitizenToken {
                issuer,
                id_token,
                expires_at,
            })
        }))
    }

    /// Keeps a new login's token for `origin` (replacing any other).
    pub fn save_citizen_token(&self, token: &CitizenToken, origin: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO citizen_token (id, origin, issuer, id_token, expires_at)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET origin = excluded.origin, issuer = excluded.issuer,
                 id_token = excluded.id_token, expires_at = excluded.expires_at",
            params![origin, token.issuer, token.id_token, token.expires_at],
        )?;
        Ok(())
    }

    /// Logs out (or drops a token the city refused).
    pub fn forget_citizen_token(&self) -> rusqlite::Result<()> {
        self.conn.execute("DELETE FROM citizen_token", [])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_kept_per_city_until_it_expires() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&dir.path().join("c.db")).expect("open");
        let t = CitizenToken {
            issuer: "https://idp".into(),
            id_token: "a.b.c".into(),
            expires_at: 1000,
        };
        assert_eq!(store.citizen_token("https://a/", 0).ok(), Some(None));
        store.save_citizen_token(&t, "https://a/").expect("save");
        assert_eq!(store.citizen_token("https://a/", 999).ok(), Some(Some(t)));
        assert_eq!(store.citizen_token("https://a/", 1000).ok(), Some(None));
        assert_eq!(store.citizen_token("https://b/", 0).ok(), Some(None));
        // "Export my data" says who issued it and until when, never the token itself.
        let export = serde_json::Value::Object(store.export_tables().expect("export"));
        assert_eq!(export["citizen_token"][0]["issuer"], "https://idp");
        assert!(!export.to_string().contains("a.b.c"));
        store.forget_citizen_token().expect("forget");
        assert_eq!(store.citizen_token("https://a/", 0).ok(), Some(None));
    }
}
