//! A city's answer kept as the app last checked it, per resource and city address, with its
//! ETag: the map's files (`map_copies`, migration 0012) and the scoreboards
//! (`scoreboard_copies`, migration 0015) share one shape and these three statements. (The
//! surveys' and announcements' `voice_copies` also keep the ward asked for, so stand apart.)

use rusqlite::{OptionalExtension, params};

use super::Store;

/// A kept answer: its checked body, ETag and when the city last served or confirmed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CityCopy {
    pub body: String,
    pub etag: Option<String>,
    /// RFC 3339.
    pub pulled_at: String,
}

/// The tables of that shape. The table's name comes only from here, never from input.
#[derive(Clone, Copy, Debug)]
pub(super) enum CopyTable {
    Map,
    Scoreboard,
}

impl CopyTable {
    fn name(self) -> &'static str {
        match self {
            Self::Map => "map_copies",
            Self::Scoreboard => "scoreboard_copies",
        }
    }
}

impl Store {
    pub(super) fn city_copy(
        &self,
        table: CopyTable,
        resource: &str,
        api_base: &str,
    ) -> rusqlite::Result<Option<CityCopy>> {
        let sql = format!(
            "SELECT body, etag, pulled_at FROM {} WHERE resource = ?1 AND api_base = ?2",
            table.name()
        );
        self.conn
            .query_row(&sql, params![resource, api_base], |r| {
                Ok(CityCopy {
                    body: r.get(0)?,
                    etag: r.get(1)?,
                    pulled_at: r.get(2)?,
                })
            })
            .optional()
    }

    /// Keeps a checked answer (replacing the one before).
    pub(super) fn save_city_copy(
        &self,
        table: CopyTable,
        resource: &str,
        api_base: &str,
        body: &str,
        etag: Option<&str>,
        now: &str,
    ) -> rusqlite::Result<()> {
        let sql = format!(
            "INSERT INTO {} (resource, api_base, body, etag, pulled_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (resource, api_base) DO UPDATE
             SET body = excluded.body, etag = excluded.etag, pulled_at = excluded.pulled_at",
            table.name()
        );
        self.conn
            .execute(&sql, params![resource, api_base, body, etag, now])?;
        Ok(())
    }

    /// The city said the kept copy is current (304): only its time moves.
    pub(super) fn mark_city_copy_fresh(
        &self,
        table: CopyTable,
        resource: &str,
        api_base: &str,
        now: &str,
    ) -> rusqlite::Result<()> {
        let sql = format!(
            "UPDATE {} SET pulled_at = ?3 WHERE resource = ?1 AND api_base = ?2",
            table.name()
        );
        self.conn.execute(&sql, params![resource, api_base, now])?;
        Ok(())
    }
}
