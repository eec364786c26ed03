//! The dossiers journey on real SQLite files against the real reference city on 127.0.0.1:
//! added online, not found, kept while the city is down and looked up by the sync, moved by the
//! back office (news, papers asked for, seen), all tracked dossiers asked in one request, read
//! offline after a restart, removed, at most 500, the question box, a receipt's QR code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use city_api::local::LocalServer;
use common::{Counting, NOWHERE, STAFF_KEY, city, engine_at, free_port};
use core_engine::Engine;
use core_engine::sync::dossiers::Pulled;
use model::ErrorCode;
use model::ask::{Answer, AnswerKind};
use model::dossier::qr::QrProblem;
use model::dossier::{DossierStatus, MAX_TRACKED, PaperForm, TrackedPair};
use model::dossier_dto::{AddDossierAnswer, DeadlineDto, DossierNews, Lookup, ReceiptReading};

/// Demo dossiers of the city in these states: (code, check), oldest first.
fn seeded(city: &LocalServer, states: &[&str], n: usize) -> Vec<(String, String)> {
    let list = states
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(",");
    city.db
        .with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT code, check_value FROM dossiers WHERE status IN ({list})
                 ORDER BY rowid LIMIT {n}"
            ))?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .expect("seeded dossiers")
}

fn handled(city: &LocalServer, n: usize) -> Vec<(String, String)> {
    let all = seeded(city, &["received", "processing"], n);
    assert_eq!(all.len(), n, "the demo set has {n} dossiers being handled");
    all
}

/// Another valid check value than `check` (the alphabet has no 0/O, 1/I/L).
fn wrong(check: &str) -> String {
    let other = if check.starts_with('A') { "B" } else { "A" };
    format!("{other}{}", &check[1..])
}

async fn staff_move(city: &LocalServer, code: &str, body: serde_json::Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/staff/dossiers/{code}/status", city.url))
        .header("X-Staff-Key", STAFF_KEY)
        .json(&body)
        .send()
        .await
        .expect("staff");
    let status = res.status();
    assert_eq!(
        status,
        200,
        "{body}: {}",
        res.text().await.unwrap_or_default()
    );
}

async fn pull(engine: &Engine) -> Vec<DossierNews> {
    match engine.sync_dossiers().await.expect("sync") {
        Pulled::Done { news, complete } => {
            assert!(complete);
            news
        }
        other => panic!("not asked: {other:?}"),
    }
}

fn added(answer: AddDossierAnswer) -> (i64, Lookup) {
    match answer {
        AddDossierAnswer::Added { id, lookup } => (id, lookup),
        other => panic!("not added: {other:?}"),
    }
}

#[tokio::test]
async fn added_online_it_is_known_with_its_procedure_and_deadline() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    let engine = engine_at(&dir.path().join("app"), &city.url);
    let (code, check) = handled(&city, 1).remove(0);

    // Typed with spaces and in lower case, as citizens do.
    let typed = format!(" {} ", code.to_lowercase());
    let (id, lookup) = added(
        engine
            .add_dossier(&typed, &check.to_lowercase())
            .await
            .expect("add"),
    );
    assert_eq!(lookup, Lookup::Known);
    let list = engine.my_dossiers().expect("list");
    assert_eq!(list.len(), 1);
    let s = &list[0];
    assert_eq!((s.id, s.code.as_str()), (id, code.as_str()));
    assert!(s.procedure.as_deref().is_some_and(|p| !p.is_empty()));
    assert!(matches!(
        s.status,
        Some(DossierStatus::Received | DossierStatus::Processing)
    ));
    assert!(!s.unseen, "the citizen saw the answer when adding");
    let detail = engine.dossier_detail(id).expect("detail");
    let d = detail.dossier.expect("the city's answer is kept");
    assert!(detail.checked_at.is_some());
    // The deadline is the working days to the city's date as read today in HCMC; it is only
    // "not available" when the holiday file does not list a year it needs.
    let calendar = model::workdays::WorkCalendar::bundled().expect("calendar");
    let today = core_engine::dossiers::hcmc_today(chrono::Utc::now());
    let want = core_engine::dossiers::deadline(Some(&d), Some(&calendar), today);
    assert_eq!(s.deadline, want);
    let due = core_engine::dossiers::hcmc_date(&d.expected_at).expect("a date");
    let listed: Vec<i32> = calendar.years().collect();
    if listed.contains(&chrono::Datelike::year(&today))
        && listed.contains(&chrono::Datelike::year(&due))
    {
        assert!(
            matches!(
                s.deadline,
                DeadlineDto::DaysLeft { .. } | DeadlineDto::DueToday | DeadlineDto::Overdue { .. }
            ),
            "{:?}",
            s.deadline
        );
    }

    // The same code again is not a second line.
    assert_eq!(
        engine.add_dossier(&code, &check).await.expect("again"),
        AddDossierAnswer::AlreadyTracked { id }
    );
    assert_eq!(engine.my_dossiers().expect("list").len(), 1);
}

#[tokio::test]
async fn a_language_switch_brings_the_names_in_that_language_without_news() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    let engine = engine_at(&dir.path().join("app"), &city.url);
    let (code, check) = handled(&city, 1).remove(0);
    added(engine.add_dossier(&code, &check).await.expect("add"));
    let vi = engine.my_dossiers().expect("list")[0].procedure.clone();
    // Nothing changed at the city: a sync at the cursor brings nothing.
    assert!(pull(&engine).await.is_empty());

    engine.set_language(model::Language::En).expect("switch");
    assert!(pull(&engine).await.is_empty(), "a switch alone is no news");
    let list = engine.my_dossiers().expect("list");
    let en = list[0].procedure.clone();
    assert!(en.is_some() && en != vi, "{vi:?} → {en:?}");
    assert!(!list[0].unseen);
}

#[tokio::test]
async fn a_wrong_check_value_and_an_unknown_code_get_the_same_answer_and_nothing_is_kept() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    let engine = engine_at(&dir.path().join("app"), &city.url);
    let (code, check) = handled(&city, 1).remove(0);

    let wrong_check = engine
        .add_dossier(&code, &wrong(&check))
        .await
        .expect("add");
    let unknown = engine
        .add_dossier("000.00.04.H29-240115-9999", &check)
        .await
        .expect("add");
    assert_eq!(wrong_check, AddDossierAnswer::NotFound);
    assert_eq!(unknown, wrong_check);
    assert!(engine.my_dossiers().expect("list").is_empty());

    // Bad shapes never reach the city: stable codes the UI explains.
    for (code, check, want) in [
        (
            "000.00.04.H29-240230-0001",
            "K7M2QX",
            ErrorCode::DossierCodeInvalid,
        ),
        ("hello", "K7M2QX", ErrorCode::DossierCodeInvalid),
        (code.as_str(), "K7M2Q0", ErrorCode::CheckInvalid),
        (code.as_str(), "", ErrorCode::CheckInvalid),
    ] {
        let err = engine.add_dossier(code, check).await.expect_err("refused");
        assert_eq!(err.code(), want, "{code} {check}");
    }
}

#[tokio::test]
async fn kept_while_the_city_is_down_then_one_pull_looks_it_up() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    let app = dir.path().join("app");
    // The city's address, where nothing answers yet (the dossiers are bound to it).
    let port = free_port();
    let engine = engine_at(&app, &format!("http://127.0.0.1:{port}/"));
    let mut pairs = handled(&city, 2);
    let (bad_code, good_check) = pairs.pop().expect("pair");
    let (code, check) = pairs.pop().expect("pair");

    let (id, lookup) = added(engine.add_dossier(&code, &check).await.expect("add"));
    assert_eq!(lookup, Lookup::Waiting);
    // A waiting dossier with a wrong check value is kept too: the city cannot say so yet.
    let (bad, lookup) = added(
        engine
            .add_dossier(&bad_code, &wrong(&good_check))
            .await
            .expect("add"),
    );
    assert_eq!(lookup, Lookup::Waiting);
    let listed = engine.my_dossiers().expect("list");
    assert!(listed.iter().all(|s| s.lookup == Lookup::Waiting
        && s.procedure.is_none()
        && s.deadline == DeadlineDto::NotAvailable));
    assert!(engine.sync_dossiers().await.is_err(), "no city yet");

    // The city comes back: one pull.
    let _link = Counting::start_on(&city.url, port).await;
    let news = pull(&engine).await;
    assert_eq!(news.iter().map(|n| n.id).collect::<Vec<_>>(), [id]);
    let list = engine.my_dossiers().expect("list");
    let one = |id: i64| list.iter().find(|s| s.id == id).expect("listed").clone();
    assert_eq!(one(id).lookup, Lookup::Known);
    assert!(one(id).procedure.is_some());
    assert!(
        one(id).unseen,
        "the first answer is news for a dossier added offline"
    );
    assert_eq!(one(bad).lookup, Lookup::NotFound);
    assert!(
        one(bad).unseen,
        "the citizen is told to look at the receipt again"
    );
    assert_eq!(engine.dossiers_unseen().expect("unseen"), 2);

    // Typed again with the right value: it waits again, and the next pull finds it.
    assert_eq!(
        engine
            .add_dossier(&bad_code, &good_check)
            .await
            .expect("again"),
        AddDossierAnswer::AlreadyTracked { id: bad }
    );
    assert_eq!(
        engine.dossier_detail(bad).expect("detail").summary.lookup,
        Lookup::Waiting
    );
    let news = pull(&engine).await;
    assert_eq!(news.iter().map(|n| n.id).collect::<Vec<_>>(), [bad]);
    // Nothing moved since: the next pull (with the cursor) brings no news.
    assert!(pull(&engine).await.is_empty());
    assert!(
        engine
            .my_dossiers()
            .expect("list")
            .iter()
            .all(|s| s.lookup == Lookup::Known)
    );
}

#[tokio::test]
async fn staff_moves_bring_news_the_papers_asked_for_and_opening_clears_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    let engine = engine_at(&dir.path().join("app"), &city.url);
    let mut pairs = handled(&city, 2);
    let (other_code, other_check) = pairs.pop().expect("pair");
    let (code, check) = pairs.pop().expect("pair");
    let (id, _) = added(engine.add_dossier(&code, &check).await.expect("add"));
    let (other, _) = added(
        engine
            .add_dossier(&other_code, &other_check)
            .await
            .expect("add"),
    );
    // A first pull sets the cursor; nothing is news.
    assert!(pull(&engine).await.is_empty());

    let due = (chrono::Utc::now() + chrono::Duration::days(10)).date_naive();
    staff_move(
        &city,
        &code,
        serde_json::json!({
            "status": "supplement_requested",
            "note": "Thiếu bản sao giấy khai sinh",
            "supplement": {
                "papers": [{"name": "Bản sao Giấy khai sinh", "form": "certified_copy", "copies": 2}],
                "hand_in": {"way": "at_desk", "place": "Bộ phận một cửa UBND phường"},
                "due": due.format("%Y-%m-%d").to_string(),
            }
        }),
    )
    .await;
    let news = pull(&engine).await;
    assert_eq!(news.len(), 1, "only the moved dossier: {news:?}");
    assert_eq!(news[0].id, id);
    assert_eq!(news[0].status, DossierStatus::SupplementRequested);
    assert_eq!(news[0].papers_due, Some(due));
    assert_eq!(engine.dossiers_unseen().expect("unseen"), 1);
    let list = engine.my_dossiers().expect("list");
    assert!(list.iter().find(|s| s.id == id).expect("listed").unseen);
    assert!(!list.iter().find(|s| s.id == other).expect("listed").unseen);

    // Opening it shows what to bring, and clears the news.
    let detail = engine.dossier_detail(id).expect("detail");
    let asked = detail
        .dossier
        .and_then(|d| d.supplement)
        .expect("papers asked for");
    assert_eq!(asked.papers[0].name, "Bản sao Giấy khai sinh");
    assert_eq!(asked.papers[0].form, PaperForm::CertifiedCopy);
    assert_eq!(asked.papers[0].copies, 2);
    assert_eq!(asked.due, Some(due));
    assert_eq!(engine.dossiers_unseen().expect("unseen"), 0);

    staff_move(&city, &code, serde_json::json!({"status": "ready"})).await;
    let news = pull(&engine).await;
    assert_eq!(news.len(), 1);
    assert_eq!(news[0].status, DossierStatus::Ready);
    assert!(news[0].expected_at.is_some());
    let s = engine
        .my_dossiers()
        .expect("list")
        .into_iter()
        .find(|s| s.id == id)
        .expect("listed");
    assert_eq!(s.status, Some(DossierStatus::Ready));
    assert!(matches!(s.deadline, DeadlineDto::Finished { .. }));
    assert!(s.unseen);
    engine.dossier_detail(id).expect("detail");
    assert_eq!(engine.dossiers_unseen().expect("unseen"), 0);
}

#[tokio::test]
async fn one_request_asks_about_every_tracked_dossier_and_a_restart_offline_shows_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    let app = dir.path().join("app");
    let pairs = handled(&city, 20);
    let port = free_port();
    {
        let offline = engine_at(&app, &format!("http://127.0.0.1:{port}/"));
        for (code, check) in &pairs {
            let (_, lookup) = added(offline.add_dossier(code, check).await.expect("add"));
            assert_eq!(lookup, Lookup::Waiting);
        }
    }
    let proxy = Counting::start_on(&city.url, port).await;
    let engine = engine_at(&app, &proxy.url);
    let news = pull(&engine).await;
    assert_eq!(news.len(), pairs.len());
    assert_eq!(proxy.count("POST", "/api/v1/dossiers/changes"), 1);
    assert_eq!(
        proxy.count("GET", "/api/v1/dossiers"),
        0,
        "no lookup one by one"
    );
    assert!(pull(&engine).await.is_empty());
    assert_eq!(proxy.count("POST", "/api/v1/dossiers/changes"), 2);
    let list = engine.my_dossiers().expect("list");
    assert_eq!(list.len(), pairs.len());
    assert!(list.iter().all(|s| s.lookup == Lookup::Known));
    drop(engine);
    drop(city);

    // Restarted with no city at all: everything is still there to read.
    let engine = engine_at(&app, &proxy.url);
    let again = engine.my_dossiers().expect("list");
    assert_eq!(again, list);
    let first = again.first().expect("one");
    let detail = engine.dossier_detail(first.id).expect("detail");
    assert!(detail.dossier.is_some_and(|d| !d.timeline.is_empty()));

    // Removed: gone from the list, and a second remove says so.
    engine.remove_dossier(first.id).expect("remove");
    assert_eq!(engine.my_dossiers().expect("list").len(), pairs.len() - 1);
    assert_eq!(
        engine.remove_dossier(first.id).expect_err("gone").code(),
        ErrorCode::UnknownDossier
    );
    assert_eq!(
        engine.dossier_detail(first.id).expect_err("gone").code(),
        ErrorCode::UnknownDossier
    );
}

#[tokio::test]
async fn when_the_city_says_wait_the_app_waits() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    let proxy = Counting::start(&city.url).await;
    let engine = engine_at(&dir.path().join("app"), &proxy.url);
    let (code, check) = handled(&city, 1).remove(0);
    // Wrong check values until the city's throttle for this client is spent.
    let burst = city_api::throttle::BURST as usize;
    for _ in 0..burst {
        let answer = engine
            .add_dossier(&code, &wrong(&check))
            .await
            .expect("add");
        assert_eq!(answer, AddDossierAnswer::NotFound);
    }
    // Now even the right value gets 429: kept as waiting, not refused.
    let (id, lookup) = added(engine.add_dossier(&code, &check).await.expect("add"));
    assert_eq!(lookup, Lookup::Waiting);
    let asked = proxy.count("GET", "/api/v1/dossiers/");
    assert_eq!(asked, burst + 1);
    // The sync honours the city's Retry-After: nothing is sent before it.
    assert_eq!(engine.sync_dossiers().await.expect("sync"), Pulled::Later);
    assert_eq!(proxy.count("POST", "/api/v1/dossiers/changes"), 0);
    assert_eq!(
        engine.dossier_detail(id).expect("detail").summary.lookup,
        Lookup::Waiting
    );
}

#[tokio::test]
async fn the_501st_dossier_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let engine = engine_at(dir.path(), NOWHERE);
    for i in 1..=MAX_TRACKED {
        let code = format!("000.00.04.H29-241115-{i:04}");
        added(engine.add_dossier(&code, "K7M2QX").await.expect("add"));
    }
    let err = engine
        .add_dossier("000.00.04.H29-241116-0001", "K7M2QX")
        .await
        .expect_err("501st");
    assert_eq!(err.code(), ErrorCode::TooManyDossiers);
    assert_eq!(engine.my_dossiers().expect("list").len(), MAX_TRACKED);
    // One already tracked is still answered as such.
    assert!(matches!(
        engine
            .add_dossier("000.00.04.H29-241115-0001", "K7M2QX")
            .await
            .expect("again"),
        AddDossierAnswer::AlreadyTracked { .. }
    ));
}

#[tokio::test]
async fn the_question_box_finds_the_procedure_and_a_tracked_dossier() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    let engine = engine_at(&dir.path().join("app"), &city.url);
    let (code, check) = handled(&city, 1).remove(0);
    added(engine.add_dossier(&code, &check).await.expect("add"));

    let Answer::Found(matches) = engine
        .ask("tôi muốn xin giấy phép xây dựng nhà")
        .expect("ask")
    else {
        panic!("nothing found");
    };
    assert_eq!(matches[0].kind, AnswerKind::Procedure);
    assert_eq!(matches[0].id, "cap-giay-phep-xay-dung-nha-o");

    let Answer::Found(matches) = engine.ask(&code).expect("ask") else {
        panic!("the dossier is not found by its code");
    };
    assert_eq!(
        (matches[0].kind, matches[0].id.as_str()),
        (AnswerKind::Dossier, code.as_str())
    );

    assert_eq!(engine.ask("tôi muốn").expect("ask"), Answer::AskedNothing);
    let guide = engine.procedure_guide().expect("guide");
    assert!(guide.get("cap-giay-phep-xay-dung-nha-o").is_some());
}

fn receipt_photo(payload: &str) -> Vec<u8> {
    let page =
        test_receipts::render(&test_receipts::Receipt::with_payload(payload)).expect("render");
    test_receipts::photograph(&page, &test_receipts::Shot::straight(1200, 1600)).expect("photo")
}

#[tokio::test]
async fn a_receipt_photo_fills_the_form_and_other_pictures_say_why_not() {
    let dir = tempfile::tempdir().expect("tmp");
    let engine = engine_at(dir.path(), NOWHERE);
    let code = "000.00.04.H29-240115-0001";
    let reading = engine
        .read_receipt_qr(&receipt_photo(&format!(
            "HSQR1/MA:{code}/KT:K7M2QX/TT:1.001193"
        )))
        .expect("read");
    assert_eq!(
        reading,
        ReceiptReading::Found {
            pair: TrackedPair {
                code: code.into(),
                check: "K7M2QX".into()
            }
        }
    );
    let wifi = engine
        .read_receipt_qr(&receipt_photo("WIFI:S:cafe;T:WPA;P:12345678;;"))
        .expect("read");
    assert_eq!(
        wifi,
        ReceiptReading::NotAReceipt {
            problem: QrProblem::NotAReceipt
        }
    );
    let page = test_receipts::render(&test_receipts::Receipt::without_qr()).expect("render");
    let blank =
        test_receipts::photograph(&page, &test_receipts::Shot::straight(600, 800)).expect("photo");
    assert_eq!(
        engine.read_receipt_qr(&blank).expect("read"),
        ReceiptReading::NoQrCode
    );
    assert_eq!(
        engine
            .read_receipt_qr(b"%PDF-1.7 not a picture")
            .expect_err("not an image")
            .code(),
        ErrorCode::NotAnImage
    );
}
