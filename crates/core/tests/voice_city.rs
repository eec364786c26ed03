//! The city's surveys and announcements on the device (issue 15), against the real reference
//! city API: pulled with ETags, an answer saved offline and counted when the city is back, a
//! lost answer counted once, changes allowed or refused, results once published, urgent
//! announcements notified once.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{Duration, Utc};
use common::{STAFF_KEY, city, city_on, count, engine_at, free_port};
use model::survey::answer::Response;
use model::voice_dto::{AnswerArgs, AnswerOutcome, AnswerStatus};
use serde_json::json;

/// The staff's survey: one choice, a 1–5 scale, a short text; open now for the whole city or
/// one ward.
fn spec(edits: bool, wards: Option<&[&str]>) -> serde_json::Value {
    let now = Utc::now();
    let audience = match wards {
        None => json!({"kind": "city"}),
        Some(w) => json!({"kind": "wards", "wards": w}),
    };
    json!({
        "title": {"vi": "Nước sạch ở phường", "en": "Clean water in the ward"},
        "questions": [
            {"prompt": {"vi": "Nước có đục không?", "en": "Is the water cloudy?"}, "required": true,
             "kind": {"type": "single_choice", "choices": [{"vi": "Có", "en": "Yes"}, {"vi": "Không", "en": "No"}]}},
            {"prompt": {"vi": "Bạn hài lòng không?", "en": "Are you satisfied?"}, "required": false,
             "kind": {"type": "scale", "low": {"vi": "Rất không hài lòng", "en": "Very unsatisfied"}, "high": {"vi": "Rất hài lòng", "en": "Very satisfied"}}},
            {"prompt": {"vi": "Góp ý", "en": "Comments"}, "required": false,
             "kind": {"type": "short_text", "max_chars": 20}}
        ],
        "opens_at": (now - Duration::hours(1)).to_rfc3339(),
        "closes_at": (now + Duration::days(2)).to_rfc3339(),
        "audience": audience,
        "edits_allowed": edits,
    })
}

async fn staff(url: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
    let res = reqwest::Client::new()
        .post(format!("{url}/api/v1/staff/{path}"))
        .header("X-Staff-Key", STAFF_KEY)
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .json(&body)
        .send()
        .await
        .expect("staff");
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.expect("json")
}

/// A survey written and opened by staff; its id.
async fn open_survey(url: &str, edits: bool, wards: Option<&[&str]>) -> i64 {
    let s = staff(url, "surveys", spec(edits, wards)).await;
    let id = s["id"].as_i64().expect("id");
    staff(
        url,
        &format!("surveys/{id}/state"),
        json!({"state": "open"}),
    )
    .await;
    id
}

fn args(id: i64, choice: u8, text: &str) -> AnswerArgs {
    AnswerArgs {
        id,
        responses: vec![
            Some(Response::Choice(choice)),
            Some(Response::Scale(4)),
            Some(Response::Text(text.into())),
        ],
    }
}

fn saved(outcome: AnswerOutcome) -> AnswerStatus {
    match outcome {
        AnswerOutcome::Saved { detail } => detail.answer,
        AnswerOutcome::Problems { problems } => panic!("refused: {problems:?}"),
    }
}

fn answers_at_city(city: &city_api::local::LocalServer, id: i64) -> i64 {
    count(
        city,
        &format!("SELECT COUNT(*) FROM survey_answers WHERE survey_id = {id}"),
    )
}

#[tokio::test]
async fn an_answer_saved_offline_is_counted_once_the_city_is_back_and_results_follow() {
    let dir = tempfile::tempdir().expect("tmp");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/");
    let engine = engine_at(dir.path(), &url);
    engine.set_my_ward("26743").expect("ward");
    let id = {
        let city = city_on(dir.path(), port).await;
        let id = open_survey(&city.url, false, Some(&["26743"])).await;
        let other = open_survey(&city.url, false, Some(&["25747"])).await;
        let round = engine.sync_voice().await.expect("sync");
        assert!(round.changed && round.failed.is_empty(), "{round:?}");
        let list = engine.voice_surveys().expect("list");
        let ids: Vec<i64> = list.surveys.iter().map(|s| s.id).collect();
        assert_eq!(ids, [id], "another ward's survey is not listed ({other})");
        assert_eq!(list.surveys[0].answer, AnswerStatus::NotYet);
        assert!(!list.no_ward);
        id
    };
    // The city is gone: the answer is checked, saved and kept for later.
    let problem = engine
        .answer_survey(&AnswerArgs {
            id,
            responses: vec![None, Some(Response::Scale(6))],
        })
        .expect("checked");
    // Each question's problem, not only the first: 1 unanswered, 2 off the scale.
    let AnswerOutcome::Problems { problems } = problem else {
        panic!("saved: {problem:?}");
    };
    let named: Vec<usize> = problems.iter().map(|p| p.question).collect();
    assert_eq!(named, [1, 2]);
    assert_eq!(
        saved(engine.answer_survey(&args(id, 2, "đục")).expect("saved")),
        AnswerStatus::Saved
    );
    let round = engine.sync_voice().await.expect("offline round");
    assert_eq!(round.sent.retried, 1);
    assert_eq!(round.failed, ["surveys", "announcements", "scoreboard"]);
    // Still readable offline, still saved.
    let detail = engine.voice_survey(id).expect("detail");
    assert_eq!(detail.answer, AnswerStatus::Saved);
    assert_eq!(detail.responses[0], Some(Response::Choice(2)));
    // Back: counted once.
    let city = city_on(dir.path(), port).await;
    assert_eq!(answers_at_city(&city, id), 0);
    engine.wake_answers().expect("wake");
    let round = engine.sync_voice().await.expect("sync");
    assert_eq!(round.sent.delivered, 1, "{round:?}");
    assert_eq!(answers_at_city(&city, id), 1);
    let detail = engine.voice_survey(id).expect("detail");
    assert!(matches!(detail.answer, AnswerStatus::Counted { .. }));
    assert!(!detail.can_answer, "this survey takes no change");
    assert!(matches!(
        engine.answer_survey(&args(id, 1, "")),
        Err(core_engine::CoreError::SurveyClosed)
    ));
    // Closed, then published: the results come with the next round, without the free text.
    staff(
        &city.url,
        &format!("surveys/{id}/state"),
        json!({"state": "closed"}),
    )
    .await;
    engine.sync_voice().await.expect("sync");
    assert!(engine.voice_survey(id).expect("detail").results.is_none());
    staff(
        &city.url,
        &format!("surveys/{id}/state"),
        json!({"state": "published"}),
    )
    .await;
    let round = engine.sync_voice().await.expect("sync");
    assert!(round.changed);
    let detail = engine.voice_survey(id).expect("detail");
    let results = detail.results.expect("published results");
    assert_eq!(results.respondents, 1);
    let list = engine.voice_surveys().expect("list");
    assert!(list.surveys.iter().any(|s| s.id == id && s.has_results));
}

/// Forwards to the city; the city's answer to the first survey answer is lost (a 502 instead),
/// after the city counted it.
async fn losing_proxy(upstream: String) -> (String, Arc<AtomicUsize>) {
    use axum::extract::{Request, State};
    use axum::response::Response;

    #[derive(Clone)]
    struct Shared {
        upstream: String,
        lost: Arc<AtomicUsize>,
    }
    async fn forward(State(s): State<Shared>, req: Request) -> Response {
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, 1 << 20).await.expect("body");
        let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut asked = reqwest::Client::new()
            .request(parts.method.clone(), format!("{}{target}", s.upstream))
            .body(body.to_vec());
        for (k, v) in &parts.headers {
            if k != "host" && k != "content-length" {
                asked = asked.header(k, v);
            }
        }
        let answer = asked.send().await.expect("upstream");
        let status = answer.status();
        let bytes = answer.bytes().await.expect("upstream body");
        if parts.uri.path().ends_with("/answers") && s.lost.fetch_add(1, Ordering::SeqCst) == 0 {
            return Response::builder()
                .status(502)
                .body(axum::body::Body::empty())
                .expect("response");
        }
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(bytes))
            .expect("response")
    }
    let lost = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().fallback(forward).with_state(Shared {
        upstream: upstream.trim_end_matches('/').to_owned(),
        lost: lost.clone(),
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, lost)
}

#[tokio::test]
async fn a_lost_answer_is_counted_once_and_changes_go_where_allowed() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    // No change allowed: an answer sent again under a new key would be refused
    // (`already_answered`), not replayed.
    let id = open_survey(&city.url, false, None).await;
    let (proxy, lost) = losing_proxy(city.url.clone()).await;
    let engine = engine_at(dir.path(), &proxy);
    engine.sync_voice().await.expect("sync");
    let list = engine.voice_surveys().expect("list");
    assert!(list.no_ward, "no ward chosen: the city's surveys only");
    assert_eq!(list.surveys.len(), 1);
    saved(engine.answer_survey(&args(id, 1, "")).expect("saved"));
    let round = engine.sync_voice().await.expect("sync");
    assert_eq!((round.sent.delivered, round.sent.retried), (0, 1));
    assert_eq!(answers_at_city(&city, id), 1, "the city counted it");
    engine.wake_answers().expect("wake");
    // The retry waits for its back-off unless woken: a 502 is not "offline"; wait it out.
    for _ in 0..40 {
        let round = engine.sync_voice().await.expect("sync");
        if round.sent.delivered == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(lost.load(Ordering::SeqCst), 2, "sent twice, same key");
    assert_eq!(answers_at_city(&city, id), 1, "counted once");
    let detail = engine.voice_survey(id).expect("detail");
    assert!(
        matches!(detail.answer, AnswerStatus::Counted { .. }),
        "{:?}",
        detail.answer
    );
    // A survey that takes changes until it closes: a change is a new send, counted in place
    // of the first.
    let id = open_survey(&city.url, true, None).await;
    engine.sync_voice().await.expect("sync");
    saved(engine.answer_survey(&args(id, 1, "")).expect("saved"));
    assert_eq!(engine.sync_voice().await.expect("sync").sent.delivered, 1);
    let detail = engine.voice_survey(id).expect("detail");
    assert!(
        detail.can_answer,
        "this survey takes changes until it closes"
    );
    assert_eq!(
        saved(engine.answer_survey(&args(id, 2, "sửa")).expect("saved")),
        AnswerStatus::Saved
    );
    let round = engine.sync_voice().await.expect("sync");
    assert_eq!(round.sent.delivered, 1);
    assert_eq!(answers_at_city(&city, id), 1);
    let choice: String = city
        .db
        .with(|c| {
            c.query_row(
                &format!("SELECT answer FROM survey_answers WHERE survey_id = {id}"),
                [],
                |r| r.get(0),
            )
        })
        .expect("answer");
    assert!(choice.contains("sửa"), "{choice}");
}

#[tokio::test]
async fn urgent_announcements_are_notified_once_and_lists_revalidate_with_etags() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    let (proxy, _) = losing_proxy(city.url.clone()).await;
    let counting = common::Counting::start(&proxy).await;
    let engine = engine_at(dir.path(), &counting.url);
    engine.set_my_ward("26743").expect("ward");
    let now = Utc::now();
    let post = |title: &str, urgency: &str, wards: Option<&[&str]>, from: i64, hours: i64| {
        let audience = match wards {
            None => json!({"kind": "city"}),
            Some(w) => json!({"kind": "wards", "wards": w}),
        };
        json!({
            "title": {"vi": title, "en": title}, "body": {"vi": "Chi tiết", "en": "Details"},
            "audience": audience, "urgency": urgency,
            "valid_from": (now + Duration::hours(from)).to_rfc3339(),
            "valid_until": (now + Duration::hours(from + hours)).to_rfc3339(),
        })
    };
    let urgent = staff(
        &city.url,
        "announcements",
        post("Cúp nước", "urgent", Some(&["26743"]), -1, 5),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    staff(
        &city.url,
        "announcements",
        post("Tiêm chủng", "normal", None, -1, 5),
    )
    .await;
    staff(
        &city.url,
        "announcements",
        post("Ngập", "urgent", Some(&["25747"]), -1, 5),
    )
    .await;
    staff(
        &city.url,
        "announcements",
        post("Sau này", "urgent", None, 3, 5),
    )
    .await;
    engine.sync_voice().await.expect("sync");
    let list = engine.voice_announcements().expect("list");
    let titles: Vec<&str> = list
        .announcements
        .iter()
        .map(|a| a.title.vi.as_str())
        .collect();
    assert_eq!(
        titles,
        ["Cúp nước", "Tiêm chủng"],
        "urgent first, mine only, now only"
    );
    let notified: Vec<i64> = engine
        .urgent_to_notify()
        .expect("notify")
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(notified, [urgent]);
    assert!(engine.urgent_to_notify().expect("again").is_empty(), "once");
    // The home tile counts the urgent one until the citizen opens it (notified or not).
    assert_eq!(engine.status().news.urgent, 1);
    let not_shown = engine.open_announcement(urgent + 1000).expect("open");
    assert_eq!((not_shown.announcement, not_shown.urgent_unread), (None, 1));
    let opened = engine.open_announcement(urgent).expect("open");
    assert_eq!(opened.announcement.map(|a| a.id), Some(urgent));
    assert_eq!(opened.urgent_unread, 0);
    assert_eq!(engine.status().news.urgent, 0);
    // Once more after a restart: still once.
    drop(engine);
    let engine = engine_at(dir.path(), &counting.url);
    assert!(engine.urgent_to_notify().expect("restart").is_empty());
    assert_eq!(engine.urgent_unread().expect("count"), 0, "read stays read");
    // A quiet round revalidates both lists and the month's scoreboard: 304s, nothing changed.
    let before = counting.count("GET", "/api/v1/");
    let round = engine.sync_voice().await.expect("sync");
    assert!(!round.changed && round.failed.is_empty(), "{round:?}");
    assert_eq!(counting.count("GET", "/api/v1/") - before, 3);
}

/// The figures of a round: what the two lists weigh for a city with 3 open surveys and 5
/// announcements (raw, and what gzip would make of them), and what a quiet round costs (two
/// 304s without a body).
#[tokio::test]
async fn a_quiet_round_is_two_bodiless_304s() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    for _ in 0..3 {
        open_survey(&city.url, false, None).await;
    }
    let now = Utc::now();
    for i in 0..5 {
        staff(
            &city.url,
            "announcements",
            json!({
                "title": {"vi": format!("Thông báo cúp nước số {i}"), "en": format!("Water cut notice {i}")},
                "body": {"vi": "Từ 8 giờ đến 16 giờ ngày mai, khu vực đường Nguyễn Huệ và Lê Lợi sẽ tạm ngưng cấp nước để sửa chữa đường ống. Xin bà con trữ nước trước.",
                         "en": "From 8:00 to 16:00 tomorrow, Nguyen Hue and Le Loi streets will have no water while a main is repaired. Please store water beforehand."},
                "audience": {"kind": "city"}, "urgency": if i == 0 { "urgent" } else { "normal" },
                "valid_from": (now - Duration::hours(1)).to_rfc3339(),
                "valid_until": (now + Duration::days(1)).to_rfc3339(),
            }),
        )
        .await;
    }
    let http = reqwest::Client::new();
    for path in ["surveys", "announcements"] {
        let url = format!("{}/api/v1/{path}", city.url);
        let first = http.get(&url).send().await.expect("get");
        let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
        let raw = first.bytes().await.expect("body");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        gz.write_all(&raw).expect("gzip");
        let gzip = gz.finish().expect("gzip").len();
        let again = http
            .get(&url)
            .header("If-None-Match", &etag)
            .send()
            .await
            .expect("get");
        assert_eq!(again.status(), 304);
        let quiet = again.bytes().await.expect("body").len();
        assert_eq!(quiet, 0);
        assert!(gzip < raw.len());
        eprintln!(
            "{path}: {} B raw, {gzip} B gzip, 304 round {quiet} B body",
            raw.len()
        );
    }
}

/// A city that no longer knows the device (`unknown_device`): it registers again and the answer
/// is counted, as a "me too" would be.
#[tokio::test]
async fn an_answer_after_the_city_forgot_the_device_registers_again_and_counts() {
    let dir = tempfile::tempdir().expect("tmp");
    let city = city(dir.path()).await;
    let first = open_survey(&city.url, false, None).await;
    let second = open_survey(&city.url, false, None).await;
    let engine = engine_at(dir.path(), &format!("{}/", city.url));
    engine.sync_voice().await.expect("sync");
    saved(engine.answer_survey(&args(first, 1, "")).expect("saved"));
    assert_eq!(engine.sync_voice().await.expect("sync").sent.delivered, 1);
    assert_eq!(count(&city, "SELECT COUNT(*) FROM devices"), 1);
    city.db
        .with(|c| c.execute("DELETE FROM devices", []))
        .expect("forget");
    saved(engine.answer_survey(&args(second, 2, "")).expect("saved"));
    let round = engine.sync_voice().await.expect("sync");
    assert_eq!(
        (round.sent.delivered, round.sent.refused),
        (1, 0),
        "{round:?}"
    );
    assert_eq!(answers_at_city(&city, second), 1);
    assert_eq!(
        count(&city, "SELECT COUNT(*) FROM devices"),
        1,
        "registered again"
    );
}

/// The survey answers' pass tells the connection monitor as the outbox's does
/// (`tests/link_trouble.rs`): an answer that got no answer from the city wakes the check; a
/// round the city answers wakes nobody.
#[tokio::test]
async fn an_answer_round_without_an_answer_wakes_the_connection_check() {
    let dir = tempfile::tempdir().expect("tmp");
    let port = free_port();
    let engine = engine_at(dir.path(), &format!("http://127.0.0.1:{port}/"));
    let id = {
        let city = city_on(dir.path(), port).await;
        let id = open_survey(&city.url, false, None).await;
        engine.sync_voice().await.expect("sync");
        id
    };
    saved(engine.answer_survey(&args(id, 1, "")).expect("saved"));
    let round = engine.sync_voice().await.expect("offline round");
    assert_eq!((round.sent.retried, round.sent.unreachable), (1, 1));
    tokio::time::timeout(
        std::time::Duration::from_secs(1),
        engine.link_trouble().notified(),
    )
    .await
    .expect("the connection check was woken");

    let city = city_on(dir.path(), port).await;
    engine.wake_answers().expect("wake");
    let round = engine.sync_voice().await.expect("sync");
    assert_eq!((round.sent.delivered, round.sent.unreachable), (1, 0));
    assert_eq!(answers_at_city(&city, id), 1);
    let woken = tokio::time::timeout(
        std::time::Duration::from_millis(300),
        engine.link_trouble().notified(),
    )
    .await;
    assert!(woken.is_err(), "an answered round does not wake the check");
}
