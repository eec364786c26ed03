//! Tracked dossiers on the device: added (with the city's answer when it came at once), the
//! city's answers of a sync applied with the sync's cursor in one transaction, seen, removed.
//!
//! Each dossier is bound to the city API address it was added with (`dossiers.api_base`,
//! migration 0011): its code and check value are sent only there ([`Store::dossiers_of`]),
//! only that city's answers are applied to it, and each address has its own sync cursor.

use model::dossier::{
    ChangesAnswer, Dossier, DossierCode, MAX_TRACKED, TrackedPair, normalize_check,
};
use model::dossier_dto::{DossierNews, Lookup};
use rusqlite::{OptionalExtension, Transaction, params};

use super::Store;
use super::outbox::to_json;
use crate::dossiers;

/// A tracked dossier as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct DossierRow {
    pub id: i64,
    /// Canonical form.
    pub code: String,
    pub check: String,
    pub lookup: Lookup,
    /// The city's last answer; an unreadable stored one reads as none.
    pub dossier: Option<Dossier>,
    pub checked_at: Option<String>,
    pub unseen: bool,
    pub added_ms: i64,
    /// The city API address it was added with (`None` only before the engine's first start
    /// after migration 0011 bound it).
    pub api_base: Option<String>,
}

/// The stored name of a lookup state: its wire name.
fn lookup_name(lookup: Lookup) -> &'static str {
    match lookup {
        Lookup::Waiting => "waiting",
        Lookup::NotFound => "not_found",
        Lookup::Known => "known",
    }
}

fn lookup_of(name: &str) -> Lookup {
    Lookup::ALL
        .into_iter()
        .find(|l| lookup_name(*l) == name)
        // The CHECK constraint allows no other name; should one appear, asking again is safe.
        .unwrap_or(Lookup::Waiting)
}

const COLUMNS: &str =
    "id, code, check_value, lookup, city_json, checked_at, unseen, added_ms, api_base";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DossierRow> {
    let json: Option<String> = r.get(4)?;
    Ok(DossierRow {
        id: r.get(0)?,
        code: r.get(1)?,
        check: r.get(2)?,
        lookup: lookup_of(&r.get::<_, String>(3)?),
        dossier: json.and_then(|j| serde_json::from_str(&j).ok()),
        checked_at: r.get(5)?,
        unseen: r.get(6)?,
        added_ms: r.get(7)?,
        api_base: r.get(8)?,
    })
}

/// What adding a dossier did on the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tracked {
    Added {
        id: i64,
        lookup: Lookup,
    },
    /// Already in the list; `rechecked`: it was not found before and now waits to be looked
    /// up with the new check value.
    AlreadyTracked {
        id: i64,
        rechecked: bool,
    },
    /// [`MAX_TRACKED`] dossiers are tracked already.
    Full,
}

/// The sync's state: the changes route's cursor and when it may be asked again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DossierSync {
    pub cursor: i64,
    pub not_before_ms: i64,
}

/// A change the city's answer brings, with when it came.
pub struct Applied<'a> {
    /// The city API address that answered (the one the pairs were sent to).
    pub api_base: &'a str,
    /// The pairs the request carried (canonical).
    pub sent: &'a [TrackedPair],
    pub answer: &'a ChangesAnswer,
    /// RFC 3339.
    pub checked_at: &'a str,
    /// When to ask again, if the city asked the app to wait.
    pub not_before_ms: i64,
}

fn by_code(tx: &Transaction<'_>, code: &str) -> rusqlite::Result<Option<DossierRow>> {
    tx.query_row(
        &format!("SELECT {COLUMNS} FROM dossiers WHERE code = ?1"),
        [code],
        row,
    )
    .optional()
}

impl Store {
    /// Every tracked dossier, newest first.
    pub fn dossiers(&self) -> rusqlite::Result<Vec<DossierRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM dossiers ORDER BY added_ms DESC, id DESC"
        ))?;
        stmt.query_map([], row)?.collect()
    }

    /// The dossiers bound to `api_base`, newest first: the only ones whose code and check value
    /// may be sent there.
    pub fn dossiers_of(&self, api_base: &str) -> rusqlite::Result<Vec<DossierRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM dossiers WHERE api_base = ?1 ORDER BY added_ms DESC, id DESC"
        ))?;
        stmt.query_map([api_base], row)?.collect()
    }

    /// Binds the dossiers (and the sync cursor) an older version kept without an address to
    /// `api_base`, the address in use, where they were being sent. Returns how many dossiers.
    pub fn bind_unbound_dossiers(&mut self, api_base: &str) -> rusqlite::Result<usize> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE dossiers SET api_base = ?1 WHERE api_base IS NULL",
            [api_base],
        )?;
        tx.execute(
            "DELETE FROM dossier_sync WHERE api_base IS NULL
             AND EXISTS (SELECT 1 FROM dossier_sync WHERE api_base = ?1)",
            [api_base],
        )?;
        tx.execute(
            "UPDATE dossier_sync SET api_base = ?1 WHERE api_base IS NULL",
            [api_base],
        )?;
        tx.commit()?;
        Ok(n)
    }

    pub fn dossier(&self, id: i64) -> rusqlite::Result<Option<DossierRow>> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM dossiers WHERE id = ?1"),
                [id],
                row,
            )
            .optional()
    }

    pub fn dossier_by_code(&self, code: &str) -> rusqlite::Result<Option<DossierRow>> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM dossiers WHERE code = ?1"),
                [code],
                row,
            )
            .optional()
    }

    pub fn dossier_count(&self) -> rusqlite::Result<usize> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM dossiers", [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// Tracks `code` (canonical) with `check`, bound to `api_base` (the address in use):
    /// `found` is the city's answer when it came at once (then Known, else Waiting). A code
    /// already tracked is not added again; if the city had not found it, the new check value
    /// replaces the old one, bound to `api_base` as a new one would be, and it waits to be
    /// looked up. All in one transaction, so two quick taps add one row and never a 501st.
    pub fn track_dossier(
        &mut self,
        code: &str,
        check: &str,
        found: Option<(&Dossier, &str)>,
        now_ms: i64,
        api_base: &str,
    ) -> rusqlite::Result<Tracked> {
        let tx = self.conn.transaction()?;
        if let Some(old) = by_code(&tx, code)? {
            let rechecked = old.lookup == Lookup::NotFound && old.check != check;
            if rechecked {
                tx.execute(
                    "UPDATE dossiers SET check_value = ?2, lookup = 'waiting', unseen = 0,
                     api_base = ?3 WHERE id = ?1",
                    params![old.id, check, api_base],
                )?;
            }
            tx.commit()?;
            return Ok(Tracked::AlreadyTracked {
                id: old.id,
                rechecked,
            });
        }
        let count: i64 = tx.query_row("SELECT count(*) FROM dossiers", [], |r| r.get(0))?;
        if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_TRACKED {
            return Ok(Tracked::Full);
        }
        let (lookup, json, checked_at) = match found {
            Some((d, at)) => (Lookup::Known, Some(to_json(d)?), Some(at)),
            None => (Lookup::Waiting, None, None),
        };
        tx.execute(
            "INSERT INTO dossiers (code, check_value, lookup, city_json, checked_at, unseen, added_ms,
                                   api_base)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)",
            params![code, check, lookup_name(lookup), json, checked_at, now_ms, api_base],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Tracked::Added { id, lookup })
    }

    /// `false` when there was no such dossier.
    pub fn remove_dossier(&self, id: i64) -> rusqlite::Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM dossiers WHERE id = ?1", [id])?
            > 0)
    }

    pub fn mark_dossier_seen(&self, id: i64) -> rusqlite::Result<()> {
        self.conn
            .execute("UPDATE dossiers SET unseen = 0 WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn unseen_dossiers(&self) -> rusqlite::Result<usize> {
        let n: i64 =
            self.conn
                .query_row("SELECT count(*) FROM dossiers WHERE unseen = 1", [], |r| {
                    r.get(0)
                })?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The sync state of `api_base` (cursor 0 for an address never answered).
    pub fn dossier_sync(&self, api_base: &str) -> rusqlite::Result<DossierSync> {
        Ok(self
            .conn
            .query_row(
                "SELECT cursor, not_before_ms FROM dossier_sync WHERE api_base = ?1",
                [api_base],
                |r| {
                    Ok(DossierSync {
                        cursor: r.get(0)?,
                        not_before_ms: r.get(1)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// Only the city is asked later: the citizen's list is not touched.
    /// The next sync of every address asks about every dossier again (cursor 0), e.g. in a new
    /// language.
    pub fn restart_dossier_sync(&self) -> rusqlite::Result<()> {
        self.conn
            .execute("UPDATE dossier_sync SET cursor = 0", [])?;
        Ok(())
    }

    /// `api_base` asked the app to wait until `not_before_ms`.
    pub fn delay_dossier_sync(&self, api_base: &str, not_before_ms: i64) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO dossier_sync (api_base, not_before_ms) VALUES (?1, ?2)
             ON CONFLICT (api_base) DO UPDATE SET not_before_ms = excluded.not_before_ms",
            params![api_base, not_before_ms],
        )?;
        Ok(())
    }

    /// Applies the city's answer to a sync in one transaction with the new cursor of the
    /// address that answered (the old one kept when the answer was cut short). An answer counts
    /// for a row only while the row is bound to that address and still holds the check value
    /// that was sent (removed, re-typed or bound elsewhere meanwhile: left alone). Returns the
    /// news: dossiers whose visible state changed.
    pub fn apply_dossier_changes(&mut self, a: &Applied<'_>) -> rusqlite::Result<Vec<DossierNews>> {
        let tx = self.conn.transaction()?;
        let sent_check = |code: &str| a.sent.iter().find(|p| p.code == code).map(|p| &p.check);
        let mut news = Vec::new();
        for d in &a.answer.changed {
            let Some(code) = DossierCode::parse(&d.code) else {
                continue;
            };
            let Some(old) = by_code(&tx, code.as_str())? else {
                continue;
            };
            if sent_check(&old.code) != Some(&old.check)
                || old.api_base.as_deref() != Some(a.api_base)
            {
                continue;
            }
            let changed = dossiers::visible_change(old.dossier.as_ref(), d);
            tx.execute(
                "UPDATE dossiers SET lookup = 'known', city_json = ?2, checked_at = ?3,
                 unseen = max(unseen, ?4) WHERE id = ?1",
                params![old.id, to_json(d)?, a.checked_at, changed],
            )?;
            if changed {
                news.push(dossiers::news(old.id, d));
            }
        }
        for pair in &a.answer.not_found {
            let (Some(code), Some(check)) =
                (DossierCode::parse(&pair.code), normalize_check(&pair.check))
            else {
                continue;
            };
            if sent_check(code.as_str()) != Some(&check) {
                continue;
            }
            // Told once: the row keeps its last answer, if any, and is no longer sent.
            tx.execute(
                "UPDATE dossiers SET lookup = 'not_found', checked_at = ?3, unseen = 1
                 WHERE code = ?1 AND check_value = ?2 AND lookup <> 'not_found' AND api_base = ?4",
                params![code.as_str(), check, a.checked_at, a.api_base],
            )?;
        }
        if a.answer.complete {
            // Every pair sent was looked at: those not listed are as the device has them.
            for pair in a.sent {
                tx.execute(
                    "UPDATE dossiers SET checked_at = ?3
                     WHERE code = ?1 AND check_value = ?2 AND lookup = 'known' AND api_base = ?4",
                    params![pair.code, pair.check, a.checked_at, a.api_base],
                )?;
            }
            tx.execute(
                "INSERT INTO dossier_sync (api_base, cursor, not_before_ms) VALUES (?1, ?2, 0)
                 ON CONFLICT (api_base) DO UPDATE SET cursor = excluded.cursor, not_before_ms = 0",
                params![a.api_base, a.answer.cursor],
            )?;
        } else {
            tx.execute(
                "INSERT INTO dossier_sync (api_base, not_before_ms) VALUES (?1, ?2)
                 ON CONFLICT (api_base) DO UPDATE SET not_before_ms = excluded.not_before_ms",
                params![a.api_base, a.not_before_ms],
            )?;
        }
        tx.commit()?;
        Ok(news)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_lookup_names_are_the_wire_names() {
        for l in Lookup::ALL {
            let json = serde_json::to_string(&l).expect("json");
            assert_eq!(json, format!("\"{}\"", lookup_name(l)));
            assert_eq!(lookup_of(lookup_name(l)), l);
        }
    }
}
