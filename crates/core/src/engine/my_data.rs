//! "Export my data" and "delete my data" (Law 91/2025/QH15 arts. 14–15): what the device holds
//! comes from `store::my_data`; what the city holds for this device is asked with the device's
//! signature (`GET`/`DELETE /api/v1/devices/me`).

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use model::reason::Reason;
use model::trust::my_data::{
    CityDeletion, CityHolds, CityPart, DeletionDto, EXPORT_FORMAT, EXPORT_VERSION, ExportDto,
    MY_DEVICE_PATH, MyDataSummary,
};
use serde_json::{Map, Value, json};

use super::Engine;
use crate::error::CoreError;
use crate::sync::transport;

/// The export's file name: the moment it was made, so a second export never overwrites one.
pub fn export_file_name(now: DateTime<Utc>) -> String {
    format!("citizen-app-my-data-{}.json", now.format("%Y%m%d-%H%M%S"))
}

/// The export document: what the device holds, and the city's part (its answer, or why not).
pub fn export_document(
    now: DateTime<Utc>,
    on_device: Map<String, Value>,
    city: CityPart,
    held: Option<&CityHolds>,
) -> Value {
    json!({
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "app_version": env!("CARGO_PKG_VERSION"),
        "on_device": on_device,
        "city": { "part": city.as_str(), "holds": held },
    })
}

/// Writes `bytes` as `folder/name` whole or not at all (a temporary file renamed into place).
fn write_whole(folder: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let part = folder.join(format!(".{name}.part"));
    let written = (|| {
        let mut file = std::fs::File::create(&part)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    match written {
        Ok(()) => std::fs::rename(&part, folder.join(name)),
        Err(err) => {
            let _ = std::fs::remove_file(&part);
            Err(err)
        }
    }
}

impl Engine {
    /// What is on the device, for the screen that asks before deleting.
    pub fn my_data_summary(&self) -> Result<MyDataSummary, CoreError> {
        let held = self.with_ready(|r| Ok(r.store.held()?))?;
        let (registered, city_deletion) = self.city_link()?;
        Ok(MyDataSummary {
            reports: held.reports,
            unsent: held.unsent,
            dossiers: held.dossiers,
            photos: held.photos,
            has_draft: held.has_draft,
            registered,
            city_deletion,
        })
    }

    /// Writes one JSON file of everything the app holds and what the city holds for this
    /// device into `folder`.
    pub async fn export_my_data(&self, folder: &Path) -> Result<ExportDto, CoreError> {
        let on_device = self.with_ready(|r| Ok(r.store.export_tables()?))?;
        let (city, held) = self.city_holds().await;
        let now = Utc::now();
        let doc = export_document(now, on_device, city, held.as_ref());
        let bytes = serde_json::to_vec_pretty(&doc).map_err(|_| CoreError::BundledData)?;
        let name = export_file_name(now);
        write_whole(folder, &name, &bytes).map_err(CoreError::Export)?;
        Ok(ExportDto {
            file_name: name,
            folder: folder.display().to_string(),
            bytes: bytes.len() as u64,
            city,
        })
    }

    /// Deletes the citizen's data on this device now, then asks the city to remove its part
    /// (at once when it can be reached, else by the background sync until it confirms).
    pub async fn delete_my_data(&self) -> Result<DeletionDto, CoreError> {
        let unsent_dropped = self.with_ready(|r| Ok(r.store.delete_personal()?))?;
        let city = self.city_forget().await?;
        Ok(DeletionDto {
            unsent_dropped,
            city,
        })
    }
}

/// Unix seconds now.
fn now_secs() -> i64 {
    Utc::now().timestamp()
}

/// What the city answered a signed request about this device.
enum Asked {
    Answer(transport::Answer),
    /// No answer (no network, or an answer too large to be the city's).
    NoAnswer,
}

impl Engine {
    /// Whether the city knows this device, and where a deletion it was asked for stands.
    fn city_link(&self) -> Result<(bool, Option<CityDeletion>), CoreError> {
        let (credential, pending) = self.with_ready(|r| Ok(r.store.city_link()?))?;
        Ok((
            credential && !pending,
            pending.then_some(CityDeletion::Waiting),
        ))
    }

    /// A signed request about this device to the city that issued its credential (never to
    /// another address), once more after the city corrected this device's clock.
    async fn ask_city(
        &self,
        method: reqwest::Method,
        origin: &str,
        credential: &model::trust::DeviceCredential,
        offset: i64,
        key: &str,
    ) -> Asked {
        let (Some(client), Ok(base)) = (self.client.as_ref(), model::ApiBaseUrl::parse(origin))
        else {
            return Asked::NoAnswer;
        };
        let mut offset = offset;
        for _ in 0..2 {
            let signing = transport::Signing {
                credential,
                time: now_secs().saturating_add(offset),
                // What the city holds is asked for the device; a citizen's login adds nothing.
                bearer: None,
            };
            let answer = match transport::signed_empty(
                client.http(),
                &base,
                method.clone(),
                MY_DEVICE_PATH,
                key,
                signing,
            )
            .await
            {
                Ok(a) => a,
                Err(err) => {
                    tracing::debug!(%err, "the city could not be asked about this device");
                    return Asked::NoAnswer;
                }
            };
            let stale = answer.status == 401
                && transport::refusal(&answer.body).reason == Some(Reason::StaleTime);
            match answer.date.filter(|_| stale) {
                Some(date) => {
                    let city = date
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
                    offset = city - now_secs();
                    let _ = self.with_ready(|r| Ok(r.store.set_clock_offset(offset)?));
                }
                None => return Asked::Answer(answer),
            }
        }
        Asked::NoAnswer
    }

    /// What the city holds for this device, when it knows it and answers.
    async fn city_holds(&self) -> (CityPart, Option<CityHolds>) {
        let origin = self.api_url();
        let stored = self.with_ready(|r| Ok(r.store.device_credential(origin.as_str())?));
        let pending = self.with_ready(|r| Ok(r.store.pending_deletion()?));
        // The credential of the city in use, or the one a pending deletion keeps.
        let found = match (stored, pending) {
            (Ok(Some(c)), _) => Some((
                origin.as_str().to_owned(),
                c.credential,
                c.clock_offset_secs,
            )),
            (_, Ok(Some(p))) => Some((p.origin, p.credential, p.clock_offset_secs)),
            (Ok(None), Ok(None)) => None,
            _ => return (CityPart::NotReached, None),
        };
        let Some((origin, credential, offset)) = found else {
            return (CityPart::NothingLinked, None);
        };
        // A fresh key each time: a GET's answer is not stored by the city.
        let key = uuid::Uuid::new_v4().to_string();
        match self
            .ask_city(reqwest::Method::GET, &origin, &credential, offset, &key)
            .await
        {
            Asked::Answer(a) if a.status == 200 => match serde_json::from_slice(&a.body) {
                Ok(held) => (CityPart::Included, Some(held)),
                Err(_) => (CityPart::NotReached, None),
            },
            Asked::Answer(a)
                if a.status == 401
                    && transport::refusal(&a.body).reason == Some(Reason::UnknownDevice) =>
            {
                (CityPart::NothingLinked, None)
            }
            _ => (CityPart::NotReached, None),
        }
    }

    /// Asks the city for the deletion recorded by `delete_personal`, if one is waiting: done
    /// when it confirms (or no longer knows the device), waiting otherwise.
    pub async fn retry_city_deletion(&self) -> Result<Option<CityDeletion>, CoreError> {
        let Some(p) = self.with_ready(|r| Ok(r.store.pending_deletion()?))? else {
            return Ok(None);
        };
        let done = match self
            .ask_city(
                reqwest::Method::DELETE,
                &p.origin,
                &p.credential,
                p.clock_offset_secs,
                &p.key,
            )
            .await
        {
            Asked::Answer(a) if a.status == 200 => true,
            // Nothing is linked to an id the city does not know; the credential is worthless.
            Asked::Answer(a) => {
                a.status == 401 && transport::refusal(&a.body).reason == Some(Reason::UnknownDevice)
            }
            Asked::NoAnswer => false,
        };
        if !done {
            return Ok(Some(CityDeletion::Waiting));
        }
        self.with_ready(|r| Ok(r.store.city_deletion_done()?))?;
        tracing::info!("the city confirmed the deletion of this device's data");
        Ok(Some(CityDeletion::Done))
    }

    async fn city_forget(&self) -> Result<CityDeletion, CoreError> {
        Ok(self
            .retry_city_deletion()
            .await?
            .unwrap_or(CityDeletion::NothingLinked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_are_named_by_their_moment_and_say_what_they_hold() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T08:09:10Z")
            .map(|d| d.to_utc())
            .unwrap_or_default();
        assert_eq!(
            export_file_name(now),
            "citizen-app-my-data-20261207-080910.json"
        );
        let doc = export_document(now, Map::new(), CityPart::NotReached, None);
        assert_eq!(doc["format"], EXPORT_FORMAT);
        assert_eq!(doc["exported_at"], "2026-12-07T08:09:10Z");
        assert_eq!(doc["city"]["part"], "not_reached");
        assert!(doc["city"]["holds"].is_null());
    }

    #[test]
    fn a_file_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_whole(dir.path(), "a.json", b"{}").expect("written");
        assert_eq!(
            std::fs::read(dir.path().join("a.json")).ok(),
            Some(b"{}".to_vec())
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
    }
}
