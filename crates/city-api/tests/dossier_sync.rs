//! `POST /api/v1/dossiers/changes`: every tracked dossier in one request, only the changed ones
//! answered, wrong pairs named once and throttled; on a real server over a real SQLite file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use city_api::db::dossiers::{self, Step};
use city_api::throttle::{BURST, REFILL};
use common::{TestServer, assert_refused, json};
use model::dossier::{ChangesAnswer, DossierStatus, MAX_TRACKED};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PATH: &str = "/api/v1/dossiers/changes";

fn pairs(list: &[(String, String)]) -> Vec<Value> {
    list.iter()
        .map(|(code, check)| json!({"code": code, "check": check}))
        .collect()
}

async fn ask(s: &TestServer, cursor: i64, list: &[Value]) -> reqwest::Response {
    s.post(PATH)
        .json(&json!({"cursor": cursor, "dossiers": list}))
        .send()
        .await
        .expect("send")
}

async fn answer(s: &TestServer, cursor: i64, list: &[Value]) -> ChangesAnswer {
    let resp = ask(s, cursor, list).await;
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.expect("answer")
}

/// Moves `code` to `status` the way the back office does, in one transaction.
fn move_to(s: &TestServer, code: &str, status: DossierStatus) {
    s.db.with(|c| {
        let tx = c.transaction()?;
        dossiers::record_move(
            &tx,
            &Step {
                code,
                status,
                note_vi: "Đã có kết quả",
                note_en: "The result is ready",
                supplement: None,
                at: chrono::Utc::now(),
            },
        )?;
        tx.commit()?;
        Ok::<_, city_api::DbError>(())
    })
    .expect("move");
}

#[tokio::test]
async fn one_request_answers_every_tracked_dossier_then_only_those_that_changed() {
    let s = TestServer::start().await;
    let tracked = s.dossier_samples(5);
    let first = answer(&s, 0, &pairs(&tracked)).await;
    assert!(first.complete);
    assert!(first.not_found.is_empty());
    let codes: Vec<&str> = first.changed.iter().map(|d| d.code.as_str()).collect();
    let asked: Vec<&str> = tracked.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, asked, "every dossier, in the order asked");
    assert!(first.changed.iter().all(|d| !d.timeline.is_empty()));
    assert!(first.cursor >= dossiers::DEMO_DOSSIERS as i64);

    let quiet = answer(&s, first.cursor, &pairs(&tracked)).await;
    assert!(quiet.changed.is_empty() && quiet.not_found.is_empty());
    assert_eq!(quiet.cursor, first.cursor);

    // One moves (and one untracked dossier too): only the tracked one that moved comes back.
    move_to(&s, &tracked[2].0, DossierStatus::Paused);
    let untracked = s.dossier_samples(6).remove(5);
    move_to(&s, &untracked.0, DossierStatus::Paused);
    let next = answer(&s, first.cursor, &pairs(&tracked)).await;
    assert_eq!(next.changed.len(), 1);
    assert_eq!(next.changed[0].code, tracked[2].0);
    assert_eq!(next.changed[0].status, DossierStatus::Paused);
    assert_eq!(next.cursor, first.cursor + 2);
    let after = answer(&s, next.cursor, &pairs(&tracked)).await;
    assert!(after.changed.is_empty());

    // English names on request, as on the single lookup.
    let resp = s
        .post(&format!("{PATH}?locale=en"))
        .json(&json!({"cursor": 0, "dossiers": pairs(&tracked[..1])}))
        .send()
        .await
        .expect("send");
    let en: ChangesAnswer = resp.json().await.expect("answer");
    assert_ne!(en.changed[0].procedure, first.changed[0].procedure);
}

#[tokio::test]
async fn a_wrong_pair_is_named_in_every_answer_alike_for_an_unknown_code_and_a_wrong_check() {
    let s = TestServer::start().await;
    let list = s.dossier_samples(2);
    let (code, check) = &list[0];
    let wrong_check = if check == "222222" {
        "333333"
    } else {
        "222222"
    };
    let unknown_code = "000.99.99.H29-010101-9999";
    let asked = vec![
        json!({"code": code, "check": check}),
        // Spaces and letter case are forgiven, as on the receipt form.
        json!({"code": code.to_lowercase(), "check": format!(" {} ", wrong_check)}),
        json!({"code": unknown_code, "check": list[1].1}),
    ];
    let first = answer(&s, 0, &asked).await;
    assert_eq!(first.changed.len(), 1);
    let named: Vec<(String, String)> = first
        .not_found
        .iter()
        .map(|p| (p.code.clone(), p.check.clone()))
        .collect();
    assert_eq!(
        named,
        vec![
            (code.clone(), wrong_check.to_owned()),
            (unknown_code.to_owned(), list[1].1.clone())
        ]
    );
    // Named again even when nothing changed: a wrong pair never reads as "unchanged".
    let later = answer(&s, first.cursor, &asked).await;
    assert!(later.changed.is_empty());
    assert_eq!(later.not_found, first.not_found);
}

#[tokio::test]
async fn wrong_pairs_are_throttled_and_a_long_list_stops_where_the_cells_run_out() {
    let s = TestServer::start().await;
    let list = s.dossier_samples(1);
    let right = json!({"code": list[0].0, "check": list[0].1});
    let extra = 10;
    let mut asked: Vec<Value> = (1..=BURST + extra)
        .map(|n| json!({"code": format!("000.99.99.H29-010101-{n:04}"), "check": "222222"}))
        .collect();
    // Right after the wrong pair that spends the last cell: a guess placed there must not be
    // answered either.
    asked.insert(BURST as usize, right.clone());

    let resp = ask(&s, 0, &asked).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().contains_key("retry-after"));
    let first: ChangesAnswer = resp.json().await.expect("answer");
    assert!(!first.complete);
    assert_eq!(first.not_found.len(), BURST as usize);
    assert!(
        first.changed.is_empty(),
        "pairs after the stop are not looked at"
    );
    assert_eq!(
        first.cursor, 0,
        "an incomplete answer keeps the cursor sent"
    );

    // Dry now: nothing is looked up, the right pair alone included.
    let (status, body) = json(ask(&s, 0, std::slice::from_ref(&right)).await).await;
    assert_refused(status, &body, StatusCode::TOO_MANY_REQUESTS, "throttled");
    let single = s
        .get(&format!(
            "/api/v1/dossiers/{}?check={}",
            list[0].0, list[0].1
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(single.status(), StatusCode::TOO_MANY_REQUESTS, "one bucket");

    // The app drops what it was told and sends the rest once the bucket has refilled.
    s.state.clock.advance(chrono::Duration::seconds(
        (REFILL.as_secs() * u64::from(BURST)) as i64,
    ));
    let rest = answer(&s, 0, &asked[BURST as usize..]).await;
    assert!(rest.complete);
    assert_eq!(rest.not_found.len(), extra as usize);
    assert_eq!(rest.changed.len(), 1);
}

#[tokio::test]
async fn a_cursor_ahead_of_the_server_reads_as_zero() {
    let s = TestServer::start().await;
    let tracked = s.dossier_samples(3);
    let high = answer(&s, 0, &[]).await.cursor;
    // JSON Schema counts 12.0 as an integer, so the server takes it as one.
    let resp = s
        .post(PATH)
        .header("Content-Type", "application/json")
        .body(format!(r#"{{"cursor": {high}.0, "dossiers": []}}"#))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let restored = answer(&s, high + 1000, &pairs(&tracked)).await;
    assert_eq!(restored.changed.len(), 3);
    assert_eq!(restored.cursor, high);
}

#[tokio::test]
async fn malformed_requests_are_refused_with_the_field_named() {
    let s = TestServer::start().await;
    let good = s.dossier_samples(1);
    let cases = [
        (
            json!({"cursor": 0, "dossiers": [{"code": good[0].0, "check": good[0].1}, {"code": good[0].0, "check": "K7M2Q0"}]}),
            "invalid_check",
            Some("dossiers[1].check"),
        ),
        (
            json!({"cursor": 0, "dossiers": [{"code": "000.00.04.H29-241315-0001", "check": "K7M2QX"}]}),
            "invalid_dossier_code",
            Some("dossiers[0].code"),
        ),
        (
            json!({"cursor": -1, "dossiers": []}),
            "invalid_cursor",
            Some("cursor"),
        ),
        (
            json!({"cursor": 9_007_199_254_740_992_i64, "dossiers": []}),
            "invalid_cursor",
            Some("cursor"),
        ),
        (
            json!({"cursor": 1.5, "dossiers": []}),
            "invalid_cursor",
            Some("cursor"),
        ),
        (
            json!({"cursor": 0, "dossiers": vec![json!({"code": good[0].0, "check": good[0].1}); MAX_TRACKED + 1]}),
            "too_many_ids",
            Some("dossiers"),
        ),
        (
            json!({"cursor": 0, "dossiers": [], "since": 3}),
            "invalid_json",
            None,
        ),
        (json!({"dossiers": []}), "invalid_json", None),
    ];
    for (body, reason, field) in cases {
        let resp = s.post(PATH).json(&body).send().await.expect("send");
        let (status, answer) = json(resp).await;
        assert_refused(status, &answer, StatusCode::BAD_REQUEST, reason);
        assert_eq!(answer[0]["field"].as_str(), field, "{answer}");
    }
    let form = s
        .post(PATH)
        .form(&[("cursor", "0")])
        .send()
        .await
        .expect("send");
    let (status, answer) = json(form).await;
    assert_refused(
        status,
        &answer,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
}

#[tokio::test]
async fn the_idempotency_key_is_checked_but_nothing_is_stored_under_it() {
    let s = TestServer::start().await;
    let tracked = s.dossier_samples(2);
    let before = s.snapshot();
    for list in [&tracked[..1], &tracked[..]] {
        // The same key with another body is fine: this POST changes nothing.
        let resp = s
            .post(PATH)
            .header("Idempotency-Key", "sync-round-1")
            .json(&json!({"cursor": 0, "dossiers": pairs(list)}))
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(!resp.headers().contains_key("idempotent-replayed"));
        let a: ChangesAnswer = resp.json().await.expect("answer");
        assert_eq!(a.changed.len(), list.len());
    }
    assert_eq!(s.snapshot(), before, "nothing stored");
    let bad = s
        .post(PATH)
        .header("Idempotency-Key", "with space")
        .json(&json!({"cursor": 0, "dossiers": []}))
        .send()
        .await
        .expect("send");
    let (status, answer) = json(bad).await;
    assert_refused(
        status,
        &answer,
        StatusCode::BAD_REQUEST,
        "invalid_idempotency_key",
    );
}

#[tokio::test]
async fn the_document_states_the_limits_the_server_keeps() {
    let s = TestServer::start().await;
    let doc: Value = s.get_json("/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    let pair = &schemas["TrackedPair"]["properties"];
    assert_eq!(pair["code"]["pattern"], city_api::openapi::DOSSIER_CODE);
    assert_eq!(pair["check"]["pattern"], city_api::openapi::CHECK);
    let request = &schemas["ChangesRequest"];
    assert_eq!(request["properties"]["dossiers"]["maxItems"], MAX_TRACKED);
    assert_eq!(request["properties"]["cursor"]["minimum"], 0);
    assert_eq!(request["additionalProperties"], false);
    let op = &doc["paths"][PATH]["post"];
    assert!(op["responses"]["429"]["headers"]["Retry-After"].is_object());
    assert!(op["responses"]["200"]["headers"]["Retry-After"].is_object());
    let lookup = &doc["paths"]["/api/v1/dossiers/{code}"]["get"]["parameters"];
    let code = lookup
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "code")
        .expect("code");
    assert_eq!(code["schema"]["pattern"], city_api::openapi::DOSSIER_CODE);
}
