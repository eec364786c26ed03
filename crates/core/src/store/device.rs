//! The device's credential from the city API: the id and secret it registered once, which city
//! issued it, and the correction of this device's clock by that city's. The app keeps it in
//! its own database: on the desktop Linux this is built and tested on, the only keyring with
//! no new system library is the kernel's (`keyutils`), which forgets everything at reboot, and
//! a Secret Service keyring needs a desktop session's daemon that kiosks and servers lack. The
//! database sits in the app's private folder. The secret is never logged: `DeviceSecret`'s
//! `Debug` prints none of it.

use model::feedback::DeviceId;
use model::trust::{DeviceCredential, DeviceSecret};
use rusqlite::{OptionalExtension, params};

use super::Store;

/// A stored credential with its clock correction (seconds to add to this device's clock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCredential {
    pub credential: DeviceCredential,
    pub clock_offset_secs: i64,
}

impl Store {
    /// The credential issued by `origin` (the city API's base address), if there is one. A
    /// credential from another city, or a damaged one, reads as none.
    pub fn device_credential(&self, origin: &str) -> rusqlite::Result<Option<StoredCredential>> {
        let row: Option<(String, String, String, i64)> = self
            .conn
            .query_row(
                "SELECT origin, device_id, secret, clock_offset_secs FROM device_credential",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        Ok(row.and_then(|(o, id, secret, offset)| {
            (o == origin).then_some(())?;
            Some(StoredCredential {
                credential: DeviceCredential {
                    id: DeviceId::parse(&id)?,
                    secret: DeviceSecret::parse(&secret)?,
                },
                clock_offset_secs: offset,
            })
        }))
    }

    /// The Idempotency-Key of the registration with `origin`: the one kept since an earlier
    /// try whose answer never came, else a new one, kept before it is returned (so it is on
    /// disk before the request goes). The city replays its first answer to a repeat, so a lost
    /// answer costs no second device.
    pub fn registration_key(&self, origin: &str) -> rusqlite::Result<String> {
        self.conn.execute(
            "INSERT INTO device_registration (origin, idempotency_key) VALUES (?1, ?2)
             ON CONFLICT (origin) DO NOTHING",
            params![origin, uuid::Uuid::new_v4().to_string()],
        )?;
        self.conn.query_row(
            "SELECT idempotency_key FROM device_registration WHERE origin = ?1",
            [origin],
            |r| r.get(0),
        )
    }

    /// Keeps a newly registered credential (replacing any other) and forgets the key it was
    /// registered under, in one transaction: a later registration (the city forgot this
    /// device) is a new one.
    pub fn save_device_credential(
        &self,
        credential: &DeviceCredential,
        origin: &str,
    ) -> rusqlite::Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO device_credential (id, origin, device_id, secret, clock_offset_secs)
             VALUES (1, ?1, ?2, ?3, 0)
             ON CONFLICT (id) DO UPDATE SET origin = excluded.origin,
                 device_id = excluded.device_id, secret = excluded.secret,
                 clock_offset_secs = 0",
            params![origin, credential.id.as_str(), credential.secret.to_text()],
        )?;
        tx.execute(
            "DELETE FROM device_registration WHERE origin = ?1",
            [origin],
        )?;
        tx.commit()
    }

    /// Forgets the credential `id` (the city no longer knows it); a newer one is kept.
    pub fn forget_device_credential(&self, id: &DeviceId) -> rusqlite::Result<()> {
        self.conn.execute(
            "DELETE FROM device_credential WHERE device_id = ?1",
            [id.as_str()],
        )?;
        Ok(())
    }

    /// Remembers how far this device's clock is from the city's.
    pub fn set_clock_offset(&self, secs: i64) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE device_credential SET clock_offset_secs = ?1",
            [secs],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_is_kept_per_city_and_forgotten_by_id() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&dir.path().join("c.db")).expect("open");
        let c = DeviceCredential {
            id: DeviceId::parse("device-0001-test").expect("id"),
            secret: DeviceSecret::from_bytes([4; 32]),
        };
        assert_eq!(store.device_credential("https://a/").ok(), Some(None));
        store
            .save_device_credential(&c, "https://a/")
            .expect("save");
        store.set_clock_offset(-42).expect("offset");
        let got = store.device_credential("https://a/").expect("read");
        assert_eq!(
            got,
            Some(StoredCredential {
                credential: c.clone(),
                clock_offset_secs: -42
            })
        );
        assert_eq!(store.device_credential("https://b/").ok(), Some(None));
        store
            .forget_device_credential(&DeviceId::parse("other-device-1").expect("id"))
            .expect("keep");
        assert!(
            store
                .device_credential("https://a/")
                .expect("read")
                .is_some()
        );
        store.forget_device_credential(&c.id).expect("forget");
        assert_eq!(store.device_credential("https://a/").ok(), Some(None));
    }

    #[test]
    fn a_registration_keeps_its_key_until_its_credential_is_stored() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("c.db");
        let store = Store::open(&path).expect("open");
        let first = store.registration_key("https://a/").expect("key");
        drop(store);
        let store = Store::open(&path).expect("reopen");
        assert_eq!(
            store.registration_key("https://a/").expect("key"),
            first,
            "kept on disk"
        );
        assert_ne!(
            store.registration_key("https://b/").expect("key"),
            first,
            "per city"
        );
        let c = DeviceCredential {
            id: DeviceId::parse("device-0001-test").expect("id"),
            secret: DeviceSecret::from_bytes([4; 32]),
        };
        store
            .save_device_credential(&c, "https://a/")
            .expect("save");
        assert_ne!(
            store.registration_key("https://a/").expect("key"),
            first,
            "a later registration is a new one"
        );
    }
}
