//! Data goes only to the city it was meant for. Two real reference servers on two loopback
//! ports play two cities: a report filed with A (contact details and device id in it) is never
//! sent to B when the address in Settings becomes B — it waits, saying so — and goes to A when
//! A is the address again; B's answers are never applied to reports filed with A, even where
//! B has a report with the same id; following B's report is following B's, not A's. Tracked
//! dossiers likewise: their code and check value are asked only of the city they were added
//! with, each city with its own cursor.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use city_api::local::LocalServer;
use common::{STAFF_KEY, count};
use core_engine::sync::Quiet;
use core_engine::sync::dossiers::Pulled;
use model::dossier_dto::{AddDossierAnswer, Lookup};
use model::draft::{Draft, Identity};
use model::feedback::RequestStatus;
use model::report_dto::{Delivery, SubmitAnswer};

fn named_draft() -> Draft {
    Draft {
        description: "Ngập trước cổng trường".into(),
        name: "Nguyễn Văn An".into(),
        email: "an@example.vn".into(),
        ..common::flood_draft(Identity::WithContact)
    }
}

/// Two test cities, A and B, and the app using A.
async fn two_cities(dir: &std::path::Path) -> (LocalServer, LocalServer, core_engine::Engine) {
    std::fs::create_dir_all(dir.join("a")).expect("a");
    std::fs::create_dir_all(dir.join("b")).expect("b");
    let a = common::city(&dir.join("a")).await;
    let b = common::city(&dir.join("b")).await;
    let engine = common::engine_at(&dir.join("app"), &a.url);
    (a, b, engine)
}

/// Someone else's report on `city`, resolved by its staff; its id.
async fn resolved_elsewhere(city: &LocalServer) -> String {
    let id = common::someone_elses_report(city).await;
    common::resolve(city, &id, "Xong").await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_goes_only_to_the_city_it_was_filed_with() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, engine) = two_cities(dir.path()).await;
    let a_url = common::origin(&a.url).to_string();

    // Filed with A (not sent yet), then the address becomes B.
    engine.save_draft(named_draft()).expect("draft");
    let SubmitAnswer::Queued { report_id } = engine.submit_draft().expect("submit") else {
        panic!("a complete draft was refused");
    };
    engine.set_api_base_url(&b.url, false).expect("to B");
    for _ in 0..3 {
        engine.wake_outbox().expect("wake");
        let round = engine.sync(&Quiet).await.expect("sync with B");
        assert_eq!(round.round.sent.delivered, 0);
        assert_eq!(round.round.sent.next_due_ms, None, "nothing due for B");
    }
    assert_eq!(
        count(&b, "SELECT count(*) FROM requests"),
        0,
        "B got nothing"
    );
    assert_eq!(count(&b, "SELECT count(*) FROM idempotency"), 0);
    let mine = engine.my_reports().expect("reports");
    assert_eq!(
        mine[0].delivery,
        Delivery::OtherAddress {
            done: 0,
            total: 1,
            address: a_url.clone()
        },
        "it waits, and says for which address"
    );
    assert_eq!(engine.outbox_counts().expect("counts").queued, 1);

    // A again: it goes, to A.
    engine.set_api_base_url(&a.url, false).expect("back to A");
    let round = engine.sync(&Quiet).await.expect("sync with A");
    assert_eq!(round.round.sent.delivered, 1);
    assert_eq!(
        count(
            &a,
            "SELECT count(*) FROM requests WHERE contact LIKE '%an@example.vn%'"
        ),
        1
    );
    assert_eq!(count(&b, "SELECT count(*) FROM requests"), 0);
    let ours = engine.report_detail(report_id).expect("detail");
    assert_eq!(ours.summary.delivery, Delivery::Sent);
    assert_eq!(ours.summary.status, Some(RequestStatus::Received));
    let our_id = ours.summary.server_id.clone().expect("A's id");

    // B has a report with the same id, resolved. Asking B applies nothing to A's report.
    let theirs = resolved_elsewhere(&b).await;
    assert_eq!(theirs, our_id, "both cities count from 1");
    engine.set_api_base_url(&b.url, false).expect("to B");
    engine.sync(&Quiet).await.expect("sync with B");
    let ours = engine.report_detail(report_id).expect("detail");
    assert_eq!(
        ours.summary.status,
        Some(RequestStatus::Received),
        "B's answer is not about A's report"
    );
    assert!(
        ours.timeline
            .iter()
            .all(|e| e.event.note.as_deref() != Some("Xong"))
    );

    // "Me too" on B's report is B's report, not A's with the same id.
    let followed = engine.follow(&theirs).await.expect("follow on B");
    assert_ne!(followed, report_id);
    assert_eq!(engine.my_reports().expect("reports").len(), 2);
    engine.sync(&Quiet).await.expect("sync with B");
    assert_eq!(
        count(
            &b,
            &format!("SELECT count(*) FROM supporters WHERE request_id = {theirs}")
        ),
        1
    );
    assert_eq!(
        engine.report_detail(followed).expect("B's").summary.status,
        Some(RequestStatus::Resolved)
    );
    assert_eq!(
        count(&a, "SELECT count(*) FROM supporters"),
        0,
        "A counted nothing"
    );
}

/// A report saved before reports were bound (an older app) belongs to the address in use
/// when the app starts, and goes there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_from_before_are_bound_to_the_address_in_use() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let app = dir.path().join("app");
    let engine = common::engine_at(&app, &city.url);
    engine
        .save_draft(Draft {
            identity: Identity::Anonymous,
            ..named_draft()
        })
        .expect("draft");
    engine.submit_draft().expect("submit");
    drop(engine);
    let raw = rusqlite::Connection::open(common::db_file(&app)).expect("raw");
    raw.execute("UPDATE reports SET api_base = NULL", [])
        .expect("as an older app left it");
    drop(raw);
    let engine = common::engine_at(&app, &city.url);
    let round = engine.sync(&Quiet).await.expect("sync");
    assert_eq!(round.round.sent.delivered, 1);
    assert_eq!(count(&city, "SELECT count(*) FROM requests"), 1);
}

/// A demo dossier `city` is handling, as its receipt prints it: (code, check value).
fn handled_dossier(city: &LocalServer, skip: usize) -> (String, String) {
    city.db
        .with(|c| {
            c.query_row(
                &format!(
                    "SELECT code, check_value FROM dossiers WHERE status IN ('received', 'processing')
                     ORDER BY rowid LIMIT 1 OFFSET {skip}"
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
        .expect("a seeded dossier")
}

/// A tracked dossier's code and check value (personal data) go only to the city address it was
/// added with. B seeds the same demo codes with other check values, so a pair of A's sent to B
/// would come back "not found": it is never sent, and A's dossier keeps A's answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dossier_is_asked_only_of_the_city_it_was_added_with() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, engine) = two_cities(dir.path()).await;
    let a_url = common::origin(&a.url).to_string();
    let (code, check) = handled_dossier(&a, 0);
    let AddDossierAnswer::Added { id: ours, lookup } =
        engine.add_dossier(&code, &check).await.expect("add with A")
    else {
        panic!("A knows its dossier");
    };
    assert_eq!(lookup, Lookup::Known);

    // B in Settings (behind a proxy that counts what B is asked): nothing to ask B, and the
    // list says where the dossier belongs.
    let b_link = common::Counting::start(&b.url).await;
    engine.set_api_base_url(&b_link.url, false).expect("to B");
    assert_eq!(
        engine.sync_dossiers().await.expect("sync with B"),
        Pulled::Nothing,
        "no request to B"
    );
    assert_eq!(b_link.count("POST", "/api/v1/dossiers"), 0);
    assert_eq!(b_link.count("GET", "/api/v1/dossiers"), 0);
    let mine = engine.my_dossiers().expect("list");
    assert_eq!(mine[0].other_address.as_deref(), Some(a_url.as_str()));
    assert_eq!(mine[0].lookup, Lookup::Known);

    // A dossier added with B is B's: only it is asked of B, and A's stays as A answered.
    let (b_code, b_check) = handled_dossier(&b, 1);
    let AddDossierAnswer::Added { id: theirs, .. } = engine
        .add_dossier(&b_code, &b_check)
        .await
        .expect("add with B")
    else {
        panic!("B knows its dossier");
    };
    let Pulled::Done { complete, .. } = engine.sync_dossiers().await.expect("sync with B") else {
        panic!("B's dossier is asked of B");
    };
    assert!(complete);
    assert_eq!(
        b_link.count("POST", "/api/v1/dossiers/changes"),
        1,
        "B is asked about B's dossier"
    );
    let ours_now = engine.dossier_detail(ours).expect("ours");
    assert_eq!(ours_now.summary.lookup, Lookup::Known, "not sent to B");
    assert_eq!(
        ours_now.summary.other_address.as_deref(),
        Some(a_url.as_str())
    );

    // A moves our dossier meanwhile; A again: it is asked of A (with A's own cursor), and B's
    // dossier is not.
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/staff/dossiers/{code}/status", a.url))
        .header("X-Staff-Key", STAFF_KEY)
        .json(&serde_json::json!({"status": "ready"}))
        .send()
        .await
        .expect("staff");
    assert_eq!(res.status(), 200);
    engine.set_api_base_url(&a.url, false).expect("back to A");
    let Pulled::Done { news, complete } = engine.sync_dossiers().await.expect("sync with A") else {
        panic!("A's dossier is asked of A again");
    };
    assert!(complete);
    assert_eq!(
        news.iter().map(|n| n.id).collect::<Vec<_>>(),
        [ours],
        "A's news, about A's dossier only"
    );
    let theirs_now = engine.dossier_detail(theirs).expect("theirs");
    assert_eq!(theirs_now.summary.lookup, Lookup::Known, "not sent to A");
    assert!(theirs_now.summary.other_address.is_some());
    assert_eq!(
        engine
            .dossier_detail(ours)
            .expect("ours")
            .summary
            .other_address,
        None
    );
}

/// Dossiers tracked before they were bound (an older app) belong to the address in use when
/// the app starts, and are asked of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dossiers_from_before_are_bound_to_the_address_in_use() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let app = dir.path().join("app");
    let engine = common::engine_at(&app, &city.url);
    let (code, check) = handled_dossier(&city, 0);
    engine.add_dossier(&code, &check).await.expect("add");
    drop(engine);
    let raw = rusqlite::Connection::open(common::db_file(&app)).expect("raw");
    raw.execute_batch(
        "UPDATE dossiers SET api_base = NULL, lookup = 'waiting';
         UPDATE dossier_sync SET api_base = NULL;",
    )
    .expect("as an older app left it");
    drop(raw);
    let engine = common::engine_at(&app, &city.url);
    assert_eq!(engine.my_dossiers().expect("list")[0].other_address, None);
    let Pulled::Done { complete, .. } = engine.sync_dossiers().await.expect("sync") else {
        panic!("asked of the address in use");
    };
    assert!(complete);
    assert_eq!(engine.my_dossiers().expect("list")[0].lookup, Lookup::Known);
}
