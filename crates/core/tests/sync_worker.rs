//! The sync worker against the real reference server on 127.0.0.1:0, over real SQLite files:
//! reports with photos queued offline go out once the city is back, exactly once; a refusal is
//! kept for the citizen to fix; a replayed acknowledgement files nothing twice; the status pull
//! brings the city's state without touching what the citizen wrote; follow-ups wait for their
//! report.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::sync::Mutex;
use std::time::{Duration, Instant};

mod common;

use city_api::local::LocalServer;
use common::{STAFF_KEY, origin};
use core_engine::engine::DEMO_API_KEY;
use core_engine::store::{ItemState, OutboxKind, Photo, Store};
use core_engine::sync::transport::Target;
use core_engine::sync::{Quiet, Worker};
use model::ApiBaseUrl;

/// The owner key of the reports these tests file (`OwnerKey::from_bytes([5; 32])`).
const OWNER_KEY: &str = "BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU";

fn form(description: &str) -> Vec<(String, String)> {
    [
        ("service_code", "thoat-nuoc"),
        ("lat", "10.7713"),
        ("long", "106.694"),
        ("description", description),
        ("attribute[kind]", "flood"),
        ("attribute[depth_cm]", "35"),
        ("owner_key", OWNER_KEY),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn jpeg(seed: u8) -> Photo {
    let img = image::RgbImage::from_fn(48, 32, |x, y| image::Rgb([x as u8 * 5, y as u8 * 7, seed]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    Photo {
        mime: "image/jpeg".into(),
        bytes: out.into_inner(),
    }
}

fn worker(url: &str) -> Worker {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    Worker::new(
        http,
        Target {
            base: ApiBaseUrl::parse(url).expect("url"),
            api_key: DEMO_API_KEY.into(),
        },
    )
}

/// Runs passes until nothing is queued (retries wait out their backoff), bounded in time.
async fn drain(worker: &Worker, store: &Mutex<Store>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let summary = worker.send_due(store, &Quiet).await.expect("pass");
        let Some(next) = summary.next_due_ms else {
            return;
        };
        assert!(Instant::now() < deadline, "outbox did not drain");
        let wait = (next - core_engine::sync::worker::now_ms()).clamp(5, 1_000);
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
}

fn count(server: &LocalServer, sql: &str) -> i64 {
    server
        .db
        .with(|c| c.query_row(sql, [], |r| r.get::<_, i64>(0)))
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_offline_then_delivered_exactly_once_with_photos() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_in(&dir.path().join("app")).expect("open");
    let store = Mutex::new(store);
    // The city's address, where nothing answers yet.
    let port = common::free_port();
    let url = format!("http://127.0.0.1:{port}/");
    for n in 0..6 {
        let photos: Vec<Photo> = (0..(n % 3)).map(|p| jpeg(p as u8)).collect();
        store
            .lock()
            .expect("lock")
            .save_report(
                &form(&format!("Ngập nước lần {n}")),
                &photos,
                &origin(&url),
                1,
            )
            .expect("save");
    }
    // Offline: every attempt fails, nothing is lost, the next try is scheduled.
    let offline = worker(&url).send_due(&store, &Quiet).await.expect("pass");
    assert_eq!(offline.delivered, 0);
    assert!(offline.retried >= 1);
    assert!(offline.next_due_ms.is_some());
    let counts = store.lock().expect("lock").outbox_counts().expect("counts");
    assert_eq!(counts.queued, 6 + 6, "6 reports and 6 photos still queued");

    let city = common::city_on(dir.path(), port).await;
    drain(&worker(&city.url), &store).await;
    let counts = store.lock().expect("lock").outbox_counts().expect("counts");
    assert_eq!((counts.queued, counts.sent), (0, 12));
    assert_eq!(count(&city, "SELECT count(*) FROM requests"), 6);
    assert_eq!(count(&city, "SELECT count(*) FROM media"), 6);
    let distinct = count(
        &city,
        "SELECT count(DISTINCT description) FROM requests WHERE description LIKE 'Ngập nước lần %'",
    );
    assert_eq!(distinct, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_acknowledgement_files_nothing_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let db = dir.path().join("app");
    let store = Mutex::new(Store::open_in(&db).expect("open"));
    store
        .lock()
        .expect("lock")
        .save_report(&form("Cống nghẹt"), &[jpeg(1)], &origin(&city.url), 1)
        .expect("save");
    drain(&worker(&city.url), &store).await;
    // As if the app had died after the city's answers and before recording them.
    drop(store);
    let raw = rusqlite::Connection::open(db.join(core_engine::store::DB_FILE)).expect("raw");
    raw.execute_batch(
        "UPDATE outbox SET state = 'queued', next_attempt_ms = 0;
         UPDATE reports SET server_id = NULL;",
    )
    .expect("rewind");
    drop(raw);
    let store = Mutex::new(Store::open_in(&db).expect("reopen"));
    drain(&worker(&city.url), &store).await;
    assert_eq!(count(&city, "SELECT count(*) FROM requests"), 1);
    assert_eq!(count(&city, "SELECT count(*) FROM media"), 1);
    let followed = store
        .lock()
        .expect("lock")
        .followed_reports(&origin(&city.url))
        .expect("f");
    assert_eq!(
        followed.len(),
        1,
        "the replayed answer gave the same id back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_waits_for_the_citizen_and_a_fix_goes_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let store = Mutex::new(Store::open_in(&dir.path().join("app")).expect("open"));
    let mut bad = form("Ngập");
    bad.retain(|(k, _)| k != "attribute[kind]");
    bad.push(("attribute[kind]".into(), "volcano".into()));
    let report = store
        .lock()
        .expect("lock")
        .save_report(&bad, &[jpeg(2)], &origin(&city.url), 1)
        .expect("save");
    let w = worker(&city.url);
    let pass = w.send_due(&store, &Quiet).await.expect("pass");
    assert_eq!((pass.delivered, pass.refused), (0, 1));
    let items = store
        .lock()
        .expect("lock")
        .report_items(report)
        .expect("items");
    assert_eq!(items[0].state, ItemState::NeedsAttention);
    assert_eq!(items[0].last_field.as_deref(), Some("attribute[kind]"));
    assert_eq!(items[1].state, ItemState::Queued, "its photo waits");
    assert_eq!(
        pass.next_due_ms, None,
        "the photo waits for the citizen, not the clock"
    );
    assert_eq!(count(&city, "SELECT count(*) FROM requests"), 0);

    let fixed = form("Ngập sau mưa");
    assert!(
        store
            .lock()
            .expect("lock")
            .resend(items[0].id, &fixed, 2)
            .expect("resend")
    );
    drain(&w, &store).await;
    assert_eq!(count(&city, "SELECT count(*) FROM requests"), 1);
    assert_eq!(count(&city, "SELECT count(*) FROM media"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_city_wins_for_status_and_follow_ups_wait_for_their_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let store = Mutex::new(Store::open_in(&dir.path().join("app")).expect("open"));
    let w = worker(&city.url);
    let report = store
        .lock()
        .expect("lock")
        .save_report(&form("Đèn đường hỏng"), &[], &origin(&city.url), 1)
        .expect("save");
    drain(&w, &store).await;
    assert_eq!(w.pull_my_reports(&store).await.expect("pull"), 1);
    assert_eq!(w.pull_my_reports(&store).await.expect("pull"), 0, "cursor");
    let id = store
        .lock()
        .expect("lock")
        .followed_reports(&origin(&city.url))
        .expect("f")[0]
        .server_id
        .clone();

    let staff = reqwest::Client::new();
    for status in ["in_progress", "resolved"] {
        let r = staff
            .post(format!("{}/api/v1/staff/requests/{id}/status", city.url))
            .header("X-Staff-Key", STAFF_KEY)
            .json(&serde_json::json!({ "status": status, "note": "Đội điện đã thay bóng" }))
            .send()
            .await
            .expect("staff");
        assert_eq!(r.status(), 200);
    }
    assert_eq!(w.pull_my_reports(&store).await.expect("pull"), 1);
    let (status, form_json): (String, String) = {
        let s = store.lock().expect("lock");
        let items = s.report_items(report).expect("items");
        assert_eq!(items.len(), 1);
        drop(s);
        let raw =
            rusqlite::Connection::open(dir.path().join("app").join(core_engine::store::DB_FILE))
                .expect("raw");
        raw.query_row("SELECT status, form FROM reports", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("row")
    };
    assert_eq!(status, "resolved");
    assert!(
        form_json.contains("Đèn đường hỏng"),
        "the citizen's words stay"
    );

    // "Not fixed" with a photo, then (after the city resolves again) a rating.
    let reopen = vec![
        ("owner_key".to_owned(), OWNER_KEY.to_owned()),
        ("description".to_owned(), "Vẫn chưa sáng".to_owned()),
    ];
    store
        .lock()
        .expect("lock")
        .save_followup(report, OutboxKind::Reopen, &reopen, &[jpeg(3)], 3)
        .expect("reopen");
    drain(&w, &store).await;
    assert_eq!(w.pull_my_reports(&store).await.expect("pull"), 1);
    assert_eq!(
        count(
            &city,
            "SELECT count(*) FROM requests WHERE status = 'reopened'"
        ),
        1
    );
    assert_eq!(count(&city, "SELECT count(*) FROM media"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_syncs_through_its_own_store_and_client() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let engine = common::engine_at(&dir.path().join("app"), &city.url);
    use core_engine::sync::StoreAccess;
    engine
        .with_store(|s| s.save_report(&form("Rác ùn ứ đầu hẻm"), &[jpeg(4)], &origin(&city.url), 1))
        .expect("save");
    assert_eq!(engine.outbox_counts().expect("counts").queued, 2);
    let round = engine.sync(&Quiet).await.expect("sync");
    assert_eq!(round.round.sent.delivered, 2);
    assert_eq!(round.round.pulled, Some(1));
    assert_eq!(engine.outbox_counts().expect("counts").sent, 2);
    assert_eq!(count(&city, "SELECT count(*) FROM requests"), 1);
}

/// What the observer saw of item states while an attempt was on the wire.
struct Watch<'a> {
    store: &'a Mutex<Store>,
    dir: &'a std::path::Path,
    seen: Mutex<Vec<(ItemState, u64, ItemState)>>,
}

impl Watch<'_> {
    /// What was seen since the last call: (shown state, sending count, state on disk).
    fn take(&self) -> Vec<(ItemState, u64, ItemState)> {
        std::mem::take(&mut *self.seen.lock().expect("lock"))
    }
}

impl core_engine::sync::SyncObserver for Watch<'_> {
    fn state_changed(&self, item: &core_engine::store::OutboxItem, state: ItemState) {
        if state != ItemState::Sending {
            return;
        }
        let shown_state = |store: &Store| {
            store.item_briefs(None).expect("briefs")[&item.report_id]
                .iter()
                .find(|i| i.id == item.id)
                .map(|i| i.state)
                .expect("the item")
        };
        let store = self.store.lock().expect("lock");
        let shown = shown_state(&store);
        let sending = store.outbox_counts().expect("counts").sending;
        // A second connection reads the file as a restarted app would.
        let on_disk = shown_state(&Store::open_in(self.dir).expect("reopen"));
        self.seen
            .lock()
            .expect("lock")
            .push((shown, sending, on_disk));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_on_the_wire_shows_as_sending_and_is_never_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("app");
    let store = Mutex::new(Store::open_in(&app).expect("open"));
    let port = common::free_port();
    let url = format!("http://127.0.0.1:{port}/");
    let report = store
        .lock()
        .expect("lock")
        .save_report(&form("Ngập nước trước chợ"), &[], &origin(&url), 1)
        .expect("save");
    let watch = Watch {
        store: &store,
        dir: &app,
        seen: Mutex::default(),
    };
    let shown = |store: &Mutex<Store>| {
        let store = store.lock().expect("lock");
        let state = store.item_briefs(Some(report)).expect("briefs")[&report][0].state;
        (state, store.outbox_counts().expect("counts").sending)
    };

    // Offline: sending while the attempt lasts, queued again after it (not stuck sending).
    worker(&url).send_due(&store, &watch).await.expect("pass");
    assert_eq!(
        watch.take(),
        vec![(ItemState::Sending, 1, ItemState::Queued)]
    );
    assert_eq!(shown(&store), (ItemState::Queued, 0));

    // Online: sending, then sent.
    let city = common::city_on(dir.path(), port).await;
    store
        .lock()
        .expect("lock")
        .wake_offline(core_engine::sync::worker::now_ms())
        .expect("wake");
    worker(&city.url)
        .send_due(&store, &watch)
        .await
        .expect("pass");
    assert_eq!(
        watch.take(),
        vec![(ItemState::Sending, 1, ItemState::Queued)]
    );
    assert_eq!(shown(&store), (ItemState::Sent, 0));
}
