//! Versioned schema. Never edit a migration that has shipped: append a new one.

use rusqlite_migration::{M, Migrations};

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_init.sql")),
    M::up(include_str!("migrations/0002_outbox.sql")),
    M::up(include_str!("migrations/0003_photos_and_pull.sql")),
    M::up(include_str!("migrations/0004_feedback_app.sql")),
    M::up(include_str!("migrations/0005_support_outbox.sql")),
    M::up(include_str!("migrations/0006_dossiers.sql")),
    M::up(include_str!("migrations/0007_device_credential.sql")),
    // Rebuilds `reports`: checked before it commits (foreign keys are off while migrating).
    M::up(include_str!("migrations/0008_origin_consent.sql")).foreign_key_check(),
    M::up(include_str!("migrations/0010_citizen_token.sql")),
    M::up(include_str!(
        "migrations/0011_dossier_origin_registration.sql"
    )),
    M::up(include_str!("migrations/0012_map.sql")),
    M::up(include_str!("migrations/0014_voice.sql")),
    // The list is positional (user_version counts entries): 0009 and 0013 were never used.
    M::up(include_str!("migrations/0015_ward_ratings.sql")),
    M::up(include_str!("migrations/0016_announcements_read.sql")),
];

pub fn all() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The schema version this build writes (SQLite `user_version`).
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_is_valid() {
        assert!(all().validate().is_ok());
    }

    /// 0005 rebuilds the outbox: what a phone had queued under version 4 is still there, in
    /// order, and the new kind is accepted.
    #[test]
    fn outbox_rows_survive_the_rebuild() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        // As `Store::open` migrates: foreign keys off (0008 rebuilds a table others refer to).
        conn.pragma_update(None, "foreign_keys", false).expect("fk");
        all().to_version(&mut conn, 4).expect("to 4");
        conn.execute_batch(
            "INSERT INTO reports (id, form, created_at) VALUES (1, '[]', 0);
             INSERT INTO outbox (idempotency_key, kind, report_id, payload, state,
                                 attempts, next_attempt_ms, last_error, created_ms)
             VALUES ('k1', 'report', 1, '[]', 'queued', 3, 50, 'http_503', 10),
                    ('k2', 'rating', 1, '[]', 'needs_attention', 1, 0, 'too_long', 11);",
        )
        .expect("v4 rows");
        all().to_latest(&mut conn).expect("to latest");
        let rows: Vec<(i64, String, String, i64, Option<String>)> = conn
            .prepare(
                "SELECT id, idempotency_key, state, attempts, last_error FROM outbox ORDER BY id",
            )
            .expect("prepare")
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            rows,
            [
                (1, "k1".into(), "queued".into(), 3, Some("http_503".into())),
                (
                    2,
                    "k2".into(),
                    "needs_attention".into(),
                    1,
                    Some("too_long".into())
                ),
            ]
        );
        conn.execute(
            "INSERT INTO outbox (idempotency_key, kind, report_id, payload, state, next_attempt_ms, created_ms)
             VALUES ('k3', 'support', 1, '[]', 'queued', 0, 12)",
            [],
        )
        .expect("support is a kind now");
        let indexes: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'
                 AND name IN ('outbox_due', 'outbox_report')",
                [],
                |r| r.get(0),
            )
            .expect("indexes");
        assert_eq!(indexes, 2);
    }

    /// 0006 adds the tracked dossiers to a phone's version 5 file, with the sync at cursor 0.
    #[test]
    fn dossiers_join_a_version_5_database() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        all().to_version(&mut conn, 5).expect("to 5");
        conn.execute(
            "INSERT INTO settings (key, value) VALUES ('language', 'en')",
            [],
        )
        .expect("v5 row");
        all().to_latest(&mut conn).expect("to latest");
        let (cursor, wait): (i64, i64) = conn
            .query_row("SELECT cursor, not_before_ms FROM dossier_sync", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("sync row");
        assert_eq!((cursor, wait), (0, 0));
        conn.execute(
            "INSERT INTO dossiers (code, check_value, lookup, added_ms) VALUES ('c', 'k', 'waiting', 1)",
            [],
        )
        .expect("a dossier");
        assert!(
            conn.execute(
                "INSERT INTO dossiers (code, check_value, lookup, added_ms) VALUES ('d', 'k', 'lost', 1)",
                [],
            )
            .is_err(),
            "only the wire names of Lookup"
        );
    }

    /// 0008 rebuilds `reports` (the city's id unique per address): a phone's version 6 rows keep
    /// their ids, what refers to them still does, and two cities may now give the same id.
    #[test]
    fn reports_keep_their_rows_when_bound_to_an_address() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.pragma_update(None, "foreign_keys", false).expect("fk");
        all().to_version(&mut conn, 6).expect("to 6");
        conn.execute_batch(
            "INSERT INTO reports (id, form, created_at, server_id, status, change_seq, origin)
             VALUES (3, '[]', 0, '17', 'received', 4, 'mine'), (8, '[]', 0, NULL, NULL, NULL, 'mine');
             INSERT INTO outbox (idempotency_key, kind, report_id, payload, state, next_attempt_ms, created_ms)
             VALUES ('k1', 'photo', 8, '[]', 'queued', 0, 1);
             INSERT INTO report_photos (report_id, kind, mime, bytes) VALUES (8, 'report', 'image/jpeg', x'ff');
             INSERT INTO pending_photos (purpose, mime, bytes, thumb, added_ms)
             VALUES ('reopen', 'image/jpeg', x'ff', x'ff', 1);",
        )
        .expect("v6 rows");
        all().to_latest(&mut conn).expect("to latest");
        conn.pragma_update(None, "foreign_keys", true)
            .expect("fk on");
        let rows: Vec<(i64, Option<String>, Option<String>)> = conn
            .prepare("SELECT id, server_id, api_base FROM reports ORDER BY id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(rows, [(3, Some("17".into()), None), (8, None, None)]);
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .expect("check");
        assert_eq!(broken, 0);
        conn.execute_batch(
            "UPDATE reports SET api_base = 'https://a.example/' WHERE id = 3;
             INSERT INTO reports (form, created_at, server_id, api_base)
             VALUES ('[]', 0, '17', 'https://b.example/');",
        )
        .expect("the same id from another city");
        assert!(
            conn.execute(
                "INSERT INTO reports (form, created_at, server_id, api_base)
                 VALUES ('[]', 0, '17', 'https://b.example/')",
                [],
            )
            .is_err(),
            "still unique for one address"
        );
        assert!(
            conn.execute(
                "INSERT INTO outbox (idempotency_key, kind, report_id, payload, state, next_attempt_ms, created_ms)
                 VALUES ('k2', 'report', 99, '[]', 'queued', 0, 1)",
                [],
            )
            .is_err(),
            "the outbox still refers to reports"
        );
    }

    /// 0011 binds dossiers and the sync cursor to an address: a version 10 file keeps its
    /// dossiers and its cursor (to be bound at start), and each address now has its own cursor.
    #[test]
    fn dossiers_and_their_cursor_survive_the_binding() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.pragma_update(None, "foreign_keys", false).expect("fk");
        all().to_version(&mut conn, 10).expect("to 10");
        conn.execute_batch(
            "INSERT INTO dossiers (code, check_value, lookup, added_ms) VALUES ('c', 'k', 'known', 1);
             UPDATE dossier_sync SET cursor = 42, not_before_ms = 7;",
        )
        .expect("v10 rows");
        all().to_latest(&mut conn).expect("to latest");
        let row: (String, Option<String>) = conn
            .query_row("SELECT code, api_base FROM dossiers", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("dossier");
        assert_eq!(row, ("c".into(), None));
        let sync: (Option<String>, i64, i64) = conn
            .query_row(
                "SELECT api_base, cursor, not_before_ms FROM dossier_sync",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("sync");
        assert_eq!(sync, (None, 42, 7));
        conn.execute_batch(
            "INSERT INTO dossier_sync (api_base, cursor) VALUES ('https://a.example/', 1),
                                                             ('https://b.example/', 2);",
        )
        .expect("one cursor per address");
        assert!(
            conn.execute(
                "INSERT INTO dossier_sync (api_base) VALUES ('https://a.example/')",
                [],
            )
            .is_err()
        );
    }
}
