//! The citizen's data on this device, for "export my data" and "delete my data" (Law
//! 91/2025/QH15 arts. 14–15). Every table of the schema is named in [`TABLES`] with what it
//! holds; a test fails when a migration adds a table that is not, so a new kind of personal
//! data cannot be left out of an export or survive a deletion.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rusqlite::types::ValueRef;
use serde_json::{Map, Value};

use super::Store;

/// What a table holds, which decides what an export and a deletion do with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    /// The citizen's own data: exported whole, deleted.
    Personal,
    /// A copy of public data the citizen looked at (which wards): not exported (it is the
    /// city's public data), deleted (it says what the citizen was interested in).
    PublicCache,
    /// Sync bookkeeping about the citizen's items (cursors): not exported, deleted with them.
    Bookkeeping,
    /// The city's catalogues, the same on every device: neither.
    Catalogue,
    /// Settings: some keys are preferences, some personal ([`PERSONAL_SETTINGS`]).
    Settings,
    /// The device's credential: exported without its secret (a file in Downloads must not be
    /// able to vote as the device); kept by a deletion until the city has confirmed its part,
    /// which needs it to sign the request (`Store::forget_device_credential` then).
    Credential,
    /// The citizen's login (`crate::login`): exported without the token (a bearer token in a
    /// file could vote as the citizen until it expires), deleted.
    Login,
}

/// Every table, children before their parents (the order deletion runs in).
pub const TABLES: &[(&str, Holds)] = &[
    ("outbox", Holds::Personal),
    // The citizen's survey answers (issue 15), and which announcements they were shown.
    ("survey_answers", Holds::Personal),
    ("announcements_notified", Holds::Bookkeeping),
    ("announcements_read", Holds::Bookkeeping),
    ("report_photos", Holds::Personal),
    ("city_media", Holds::Personal),
    ("reports", Holds::Personal),
    ("pending_photos", Holds::Personal),
    ("draft", Holds::Personal),
    ("dossiers", Holds::Personal),
    ("dossier_sync", Holds::Bookkeeping),
    ("ward_reports", Holds::PublicCache),
    ("settings", Holds::Settings),
    ("device_credential", Holds::Credential),
    ("device_registration", Holds::Bookkeeping),
    ("citizen_token", Holds::Login),
    ("sync_state", Holds::Catalogue),
    ("wards", Holds::Catalogue),
    ("service_catalog", Holds::Catalogue),
    // The map's copies of the city's public data (the same on every device).
    ("map_copies", Holds::Catalogue),
    ("map_basemaps", Holds::Catalogue),
    // The surveys and announcements asked for the citizen's ward (it says where they live).
    ("voice_copies", Holds::PublicCache),
    ("surveys", Holds::PublicCache),
    // The citizen's ratings of wards (what they answered; the city never learns who).
    ("ward_ratings", Holds::Personal),
    // Scoreboards the citizen looked at (a ward's history says which wards).
    ("scoreboard_copies", Holds::PublicCache),
];

/// Settings that say something about the citizen (where they live, this install's id); the
/// others (language, text size, city address) are preferences a deletion keeps.
pub const PERSONAL_SETTINGS: &[&str] = &["my_ward", "device_id"];

/// The settings row that holds a city deletion not yet confirmed: its Idempotency-Key (a retry
/// is the same request, and the city replays its first answer). The device's credential is
/// kept only for it and is not used for anything else meanwhile.
pub const CITY_DELETION: &str = "city_deletion";

/// A deletion the city has not confirmed yet: where to ask, as whom, under which key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingDeletion {
    pub origin: String,
    pub credential: model::trust::DeviceCredential,
    pub clock_offset_secs: i64,
    pub key: String,
}

/// The sync cursors of the citizen's reports (one per city address), reset with them.
const REPORTS_CURSOR: &str = crate::sync::worker::MY_REPORTS;

/// Counts for the screen that asks before deleting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    pub reports: u32,
    pub unsent: u32,
    pub dossiers: u32,
    pub photos: u32,
    pub has_draft: bool,
}

impl Store {
    pub fn held(&self) -> rusqlite::Result<Held> {
        let count = |sql: &str| -> rusqlite::Result<u32> {
            self.conn.query_row(sql, [], |r| r.get::<_, u32>(0))
        };
        Ok(Held {
            reports: count("SELECT COUNT(*) FROM reports")?,
            unsent: count("SELECT COUNT(*) FROM outbox WHERE state <> 'sent'")?,
            dossiers: count("SELECT COUNT(*) FROM dossiers")?,
            photos: count(
                "SELECT (SELECT COUNT(*) FROM report_photos) + (SELECT COUNT(*) FROM city_media)
                      + (SELECT COUNT(*) FROM pending_photos)",
            )?,
            has_draft: count("SELECT COUNT(*) FROM draft")? > 0,
        })
    }

    /// Every personal table as `{table: [row, …]}`, each row `{column: value}`: numbers as
    /// numbers, JSON text as JSON, other text as text, bytes (photos) as `{"base64": …}`.
    pub fn export_tables(&self) -> rusqlite::Result<Map<String, Value>> {
        let mut out = Map::new();
        for (table, holds) in TABLES {
            let rows = match holds {
                Holds::Personal => self.rows(&format!("SELECT * FROM {table}"), [])?,
                Holds::Settings => self.rows("SELECT * FROM settings ORDER BY key", [])?,
                Holds::Credential => {
                    self.rows(&format!("SELECT origin, device_id FROM {table}"), [])?
                }
                Holds::Login => self.rows(
                    &format!("SELECT origin, issuer, expires_at FROM {table}"),
                    [],
                )?,
                Holds::PublicCache | Holds::Bookkeeping | Holds::Catalogue => continue,
            };
            out.insert((*table).to_owned(), Value::Array(rows));
        }
        Ok(out)
    }

    /// Whether the city knows this device (a credential is kept), and whether a deletion it
    /// has not confirmed is waiting.
    pub fn city_link(&self) -> rusqlite::Result<(bool, bool)> {
        let credential: bool =
            self.conn
                .query_row("SELECT EXISTS (SELECT 1 FROM device_credential)", [], |r| {
                    r.get(0)
                })?;
        let pending: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM settings WHERE key = ?1)",
            [CITY_DELETION],
            |r| r.get(0),
        )?;
        Ok((credential, credential && pending))
    }

    /// The deletion the city has not confirmed yet, if any (with the credential it is signed
    /// with; a damaged credential reads as none: nothing can be asked with it).
    pub fn pending_deletion(&self) -> rusqlite::Result<Option<PendingDeletion>> {
        use rusqlite::OptionalExtension as _;
        let row: Option<(String, String, String, i64, String)> = self
            .conn
            .query_row(
                "SELECT c.origin, c.device_id, c.secret, c.clock_offset_secs, s.value
                 FROM device_credential c JOIN settings s ON s.key = ?1",
                [CITY_DELETION],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        Ok(
            row.and_then(|(origin, id, secret, clock_offset_secs, key)| {
                Some(PendingDeletion {
                    origin,
                    credential: model::trust::DeviceCredential {
                        id: model::feedback::DeviceId::parse(&id)?,
                        secret: model::trust::DeviceSecret::parse(&secret)?,
                    },
                    clock_offset_secs,
                    key,
                })
            }),
        )
    }

    /// The city confirmed the deletion (or no longer knows the device): the credential and
    /// the pending row go, in one transaction, overwritten in the file.
    pub fn city_deletion_done(&mut self) -> rusqlite::Result<()> {
        self.conn.pragma_update(None, "secure_delete", true)?;
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM device_credential", [])?;
        tx.execute("DELETE FROM settings WHERE key = ?1", [CITY_DELETION])?;
        tx.commit()?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    fn rows(&self, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<Vec<Value>> {
        let mut stmt = self.conn.prepare(sql)?;
        let names: Vec<String> = stmt
            .column_names()
            .iter()
            .map(|n| (*n).to_owned())
            .collect();
        let rows = stmt.query_map(params, |row| {
            let mut obj = Map::new();
            for (i, name) in names.iter().enumerate() {
                obj.insert(name.clone(), cell(row.get_ref(i)?));
            }
            Ok(Value::Object(obj))
        })?;
        rows.collect()
    }

    /// Deletes the citizen's data from this device in one transaction and leaves no copy of it
    /// in the file: `secure_delete` overwrites what is deleted, and the write-ahead log, which
    /// still holds the old pages, is checkpointed and truncated. Returns how many outbox items
    /// had not reached the city (they never will).
    pub fn delete_personal(&mut self) -> rusqlite::Result<u32> {
        self.conn.pragma_update(None, "secure_delete", true)?;
        let tx = self.conn.transaction()?;
        let unsent: u32 = tx.query_row(
            "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'",
            [],
            |r| r.get(0),
        )?;
        for (table, holds) in TABLES {
            match holds {
                Holds::Personal | Holds::PublicCache | Holds::Bookkeeping | Holds::Login => {
                    tx.execute(&format!("DELETE FROM {table}"), [])?;
                }
                Holds::Settings => {
                    for key in PERSONAL_SETTINGS {
                        tx.execute("DELETE FROM settings WHERE key = ?1", [key])?;
                    }
                }
                Holds::Catalogue | Holds::Credential => {}
            }
        }
        tx.execute(
            "UPDATE sync_state SET cursor = NULL WHERE resource = ?1 OR resource LIKE ?1 || ' %'",
            [REPORTS_CURSOR],
        )?;
        // The city's part, asked in the same transaction: a crash after it still asks.
        tx.execute(
            "INSERT INTO settings (key, value)
             SELECT ?1, ?2 FROM device_credential
             WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = ?1)",
            [CITY_DELETION, &uuid::Uuid::new_v4().to_string()],
        )?;
        tx.commit()?;
        self.in_flight.clear();
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(unsent)
    }
}

fn cell(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            let looks_json = text.starts_with('{') || text.starts_with('[');
            looks_json
                .then(|| serde_json::from_str(&text).ok())
                .flatten()
                .unwrap_or_else(|| Value::String(text.into_owned()))
        }
        ValueRef::Blob(bytes) => {
            let mut obj = Map::new();
            obj.insert("base64".into(), Value::String(STANDARD.encode(bytes)));
            Value::Object(obj)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_classified() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in(dir.path()).expect("open");
        let mut stmt = store
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .expect("prepare");
        let tables: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        for t in &tables {
            assert!(
                TABLES.iter().any(|(name, _)| name == t),
                "table {t} is not in my_data::TABLES: say what it holds"
            );
        }
        for (name, _) in TABLES {
            assert!(tables.iter().any(|t| t == name), "{name} is not a table");
        }
    }

    fn files_hold(dir: &std::path::Path, marker: &[u8]) -> bool {
        std::fs::read_dir(dir)
            .expect("dir")
            .filter_map(Result::ok)
            .filter_map(|e| std::fs::read(e.path()).ok())
            .any(|bytes| bytes.windows(marker.len()).any(|w| w == marker))
    }

    #[test]
    fn an_export_holds_what_is_personal_and_a_deletion_leaves_no_trace_in_the_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open_in(dir.path()).expect("open");
        let marker = "Nguyễn Văn Marker-7f3a 0901234567";
        let draft = serde_json::json!({ "name": marker, "description": "ngập nước" });
        store
            .conn
            .execute(
                "INSERT INTO draft (id, json, updated_ms) VALUES (1, ?1, 0)",
                [draft.to_string()],
            )
            .expect("draft");
        store
            .conn
            .execute(
                "INSERT INTO dossiers (code, check_value, lookup, added_ms)
                 VALUES ('000.00.00.H29-261207-0001', 'MRK7F3', 'waiting', 0)",
                [],
            )
            .expect("dossier");
        store
            .conn
            .execute(
                "INSERT INTO settings (key, value) VALUES ('my_ward', '26734'), ('language', 'en')",
                [],
            )
            .expect("settings");
        store
            .save_pull_cursor(
                &crate::sync::worker::my_reports_cursor(
                    &model::ApiBaseUrl::parse("https://city.example/").expect("url"),
                ),
                42,
            )
            .expect("cursor");
        // Many pages' worth, so deleted content would sit in free pages.
        for i in 0..200 {
            store
                .conn
                .execute(
                    "INSERT INTO pending_photos (purpose, mime, bytes, thumb, added_ms)
                     VALUES ('report', 'image/jpeg', ?1, x'00', ?2)",
                    rusqlite::params![format!("{marker} {i}").repeat(40).into_bytes(), i],
                )
                .expect("photo");
        }
        store
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .expect("checkpoint");

        let held = store.held().expect("held");
        assert_eq!((held.dossiers, held.photos, held.has_draft), (1, 200, true));
        let export = store.export_tables().expect("export");
        assert_eq!(
            export["draft"][0]["json"]["name"], marker,
            "JSON text stays JSON"
        );
        assert_eq!(export["dossiers"][0]["check_value"], "MRK7F3");
        assert!(export["pending_photos"][0]["bytes"]["base64"].is_string());
        assert!(
            !export.contains_key("wards"),
            "public catalogues are not the citizen's"
        );
        assert!(
            files_hold(dir.path(), marker.as_bytes()),
            "the marker was written"
        );

        assert_eq!(store.delete_personal().expect("delete"), 0);
        assert_eq!(store.held().expect("held"), Held::default());
        assert_eq!(store.my_ward().ok(), Some(None));
        let cursors: i64 = store
            .conn
            .query_row(
                "SELECT COUNT(*) FROM sync_state WHERE cursor IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .expect("cursors");
        assert_eq!(cursors, 0, "the reports' cursors go with them");
        assert_eq!(
            store.language().ok(),
            Some(model::Language::En),
            "preferences stay"
        );
        assert!(
            !files_hold(dir.path(), marker.as_bytes()),
            "no copy of deleted data in the database or its WAL"
        );
        assert!(!files_hold(dir.path(), b"MRK7F3"));
    }
}
