//! "Export my data" and "delete my data" through the engine (issue 13, Law 91/2025/QH15
//! arts. 14–15), over real SQLite files and the real reference server on 127.0.0.1:0, reached
//! through a small TCP relay the test can cut (the phone going offline) and restore.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{count, sync_until_sent};
use core_engine::sync::Quiet;
use model::draft::{Draft, Identity};
use model::report_dto::SubmitAnswer;
use model::trust::my_data::{CityDeletion, CityPart};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const MARKER_NAME: &str = "Nguyễn Văn Markerbf21";
const MARKER_EMAIL: &str = "markerbf21@example.vn";

/// A TCP relay to the city: while cut, every connection (open ones too) is dropped.
struct Relay {
    url: String,
    online: Arc<AtomicBool>,
    open: Arc<std::sync::Mutex<Vec<JoinHandle<()>>>>,
    _accept: JoinHandle<()>,
}

impl Relay {
    async fn to(city: &str) -> Self {
        let target = city
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let online = Arc::new(AtomicBool::new(true));
        let open: Arc<std::sync::Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (on, conns) = (online.clone(), open.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !on.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is reset
                }
                let target = target.clone();
                conns.lock().expect("lock").push(tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                }));
            }
        });
        Self {
            url,
            online,
            open,
            _accept: accept,
        }
    }

    fn cut(&self) {
        self.online.store(false, Ordering::SeqCst);
        for task in self.open.lock().expect("lock").drain(..) {
            task.abort();
        }
    }

    fn restore(&self) {
        self.online.store(true, Ordering::SeqCst);
    }
}

fn draft() -> Draft {
    Draft {
        name: MARKER_NAME.into(),
        email: MARKER_EMAIL.into(),
        ..common::flood_draft(Identity::WithContact)
    }
}

/// Some file in `dir` holds `marker`.
fn files_hold(dir: &Path, marker: &str) -> bool {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| std::fs::read(e.path()).ok())
        .any(|bytes| bytes.windows(marker.len()).any(|w| w == marker.as_bytes()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_holds_the_report_as_the_city_holds_it_and_an_offline_deletion_completes_later() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let relay = Relay::to(&city.url).await;
    let app = dir.path().join("app");
    let engine = common::engine_at(&app, &relay.url);

    // Nothing linked yet: the export says so.
    let downloads = dir.path().join("Downloads");
    let first = engine.export_my_data(&downloads).await.expect("export");
    assert_eq!(first.city, CityPart::NothingLinked);

    // A named report, sent: signed, so the city links it to this device.
    engine.save_draft(draft()).expect("draft");
    let SubmitAnswer::Queued { .. } = engine.submit_draft().expect("submit") else {
        panic!("not queued");
    };
    sync_until_sent(&engine).await;
    let summary = engine.my_data_summary().expect("summary");
    assert_eq!((summary.reports, summary.unsent), (1, 0));
    assert!(summary.registered);
    assert_eq!(summary.city_deletion, None);

    // The export holds the device's data and the city's, contact details as the city holds them.
    tokio::time::sleep(Duration::from_millis(1100)).await; // a new file name (seconds)
    let export = engine.export_my_data(&downloads).await.expect("export");
    assert_eq!(export.city, CityPart::Included);
    let path = downloads.join(&export.file_name);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("file")).expect("json");
    assert_eq!(doc["format"], "citizen-app-my-data");
    assert_eq!(doc["city"]["part"], "included");
    let held = &doc["city"]["holds"]["reports"][0];
    assert_eq!(held["email"], MARKER_EMAIL, "{doc}");
    assert_eq!(held["phone"], "0903123456");
    assert_eq!(
        doc["on_device"]["reports"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(
        doc["on_device"]["device_credential"][0]
            .get("secret")
            .is_none(),
        "the file cannot sign as the device"
    );
    assert_eq!(std::fs::metadata(&path).expect("meta").len(), export.bytes);

    // Offline: the device's data goes at once; the city's part waits.
    relay.cut();
    let deleted = engine.delete_my_data().await.expect("delete");
    assert_eq!(deleted.city, CityDeletion::Waiting);
    assert_eq!(deleted.unsent_dropped, 0);
    let summary = engine.my_data_summary().expect("summary");
    assert_eq!(summary.reports, 0);
    assert_eq!(summary.city_deletion, Some(CityDeletion::Waiting));
    assert!(!summary.registered);
    assert!(
        !files_hold(&app, MARKER_EMAIL),
        "nothing left in the app's files"
    );
    assert_eq!(
        count(
            &city,
            "SELECT count(*) FROM requests WHERE contact IS NOT NULL"
        ),
        1,
        "the city still holds it"
    );
    engine.sync(&Quiet).await.expect("sync offline");
    assert_eq!(
        engine.my_data_summary().expect("summary").city_deletion,
        Some(CityDeletion::Waiting),
        "still waiting"
    );

    // Restarted and back online: the background sync asks again, the city confirms.
    drop(engine);
    relay.restore();
    let engine = common::engine_at(&app, &relay.url);
    engine.sync(&Quiet).await.expect("sync");
    let summary = engine.my_data_summary().expect("summary");
    assert_eq!(summary.city_deletion, None);
    assert!(!summary.registered, "the credential is forgotten");
    assert_eq!(
        count(
            &city,
            "SELECT count(*) FROM requests WHERE contact IS NOT NULL"
        ),
        0
    );
    assert_eq!(
        count(
            &city,
            "SELECT count(*) FROM requests WHERE device_id IS NOT NULL"
        ),
        0
    );
    assert_eq!(count(&city, "SELECT count(*) FROM devices"), 0);
    assert_eq!(
        count(&city, "SELECT count(*) FROM requests"),
        1,
        "the public report stays"
    );
    assert!(
        !files_hold(dir.path(), MARKER_EMAIL),
        "nor in the city's files"
    );
    assert!(!files_hold(&app, MARKER_NAME));

    // The exports the citizen made are theirs: a deletion does not touch Downloads.
    assert!(path.exists());
}
