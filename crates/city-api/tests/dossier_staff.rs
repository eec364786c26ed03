//! The back office moves dossiers through their states (`POST /api/v1/staff/dossiers/{code}/status`):
//! timeline, state and change sequence together, "needs more papers" with its list, the life
//! cycle kept, Idempotency-Key honoured; on a real server over a real SQLite file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{STAFF_KEY, TestServer, assert_refused, json};
use model::dossier::{ChangesAnswer, Dossier, DossierStatus, HandIn, PaperForm};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A demo dossier still being handled: (code, check).
fn handled(s: &TestServer) -> (String, String) {
    s.db.with(|c| {
        c.query_row(
            "SELECT code, check_value FROM dossiers WHERE status IN ('received', 'processing')
             ORDER BY rowid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    })
    .expect("a dossier being handled")
}

async fn staff_move(s: &TestServer, code: &str, body: &Value) -> reqwest::Response {
    s.post(&format!("/api/v1/staff/dossiers/{code}/status"))
        .header("X-Staff-Key", STAFF_KEY)
        .json(body)
        .send()
        .await
        .expect("send")
}

async fn moved(s: &TestServer, code: &str, body: Value) -> Dossier {
    let resp = staff_move(s, code, &body).await;
    let (status, answer) = json(resp).await;
    assert_eq!(status, StatusCode::OK, "{body} → {answer}");
    serde_json::from_value(answer).expect("dossier")
}

async fn sync(s: &TestServer, cursor: i64, code: &str, check: &str) -> ChangesAnswer {
    s.post("/api/v1/dossiers/changes")
        .json(&json!({"cursor": cursor, "dossiers": [{"code": code, "check": check}]}))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("answer")
}

fn papers() -> Value {
    let due = (chrono::Utc::now() + chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    json!({
        "papers": [
            // 2.0: a whole number, as JSON clients that keep numbers as doubles write it.
            {"name": "Bản sao Giấy chứng nhận quyền sử dụng đất", "form": "certified_copy", "copies": 2.0},
            {"name": "Tờ khai đăng ký biến động", "form": "original"}
        ],
        "hand_in": {"way": "at_desk", "place": "Bộ phận một cửa UBND phường Bến Thành", "address": "45 Lê Thánh Tôn"},
        "due": due
    })
}

#[tokio::test]
async fn a_move_reaches_the_timeline_the_state_and_the_next_sync_together() {
    let s = TestServer::start().await;
    let (code, check) = handled(&s);
    let cursor = sync(&s, 0, &code, &check).await.cursor;
    let before = sync(&s, 0, &code, &check).await.changed.remove(0);

    let asked = moved(
        &s,
        &code,
        json!({"status": "supplement_requested", "note": "Thiếu giấy tờ đất", "supplement": papers()}),
    )
    .await;
    assert_eq!(asked.status, DossierStatus::SupplementRequested);
    assert_eq!(asked.timeline.len(), before.timeline.len() + 1);
    let last = asked.timeline.last().expect("step");
    assert_eq!(
        (last.status, last.note.as_str()),
        (DossierStatus::SupplementRequested, "Thiếu giấy tờ đất")
    );
    let supplement = asked.supplement.clone().expect("what, where, by when");
    assert_eq!(supplement.papers.len(), 2);
    assert_eq!(supplement.papers[0].copies, 2);
    assert_eq!(supplement.papers[0].form, PaperForm::CertifiedCopy);
    assert_eq!(supplement.papers[1].copies, 1, "one copy when not said");
    assert!(matches!(supplement.hand_in, HandIn::AtDesk { .. }));

    // The app's sync sees the move once, as the citizen's lookup does.
    let seen = sync(&s, cursor, &code, &check).await;
    assert_eq!(seen.changed, vec![asked.clone()]);
    assert_eq!(seen.cursor, cursor + 1);
    assert!(
        sync(&s, seen.cursor, &code, &check)
            .await
            .changed
            .is_empty()
    );

    // Papers handed in two weeks later: processing again, the request is no longer shown, and
    // the deadline moved by the working days waited (they do not count against the agency).
    s.state.clock.advance(chrono::Duration::days(14));
    let back = moved(&s, &code, json!({"status": "processing"})).await;
    assert_eq!(back.supplement, None);
    assert!(
        back.expected_at > asked.expected_at,
        "{} → {}",
        asked.expected_at,
        back.expected_at
    );
    let ready = moved(&s, &code, json!({"status": "ready"})).await;
    assert!(ready.finished_at.is_some() && ready.on_time.is_some());
    let returned = moved(&s, &code, json!({"status": "returned"})).await;
    assert_eq!(
        returned.finished_at, ready.finished_at,
        "finished when ready"
    );
    let all = sync(&s, seen.cursor, &code, &check).await;
    assert_eq!(all.changed.len(), 1, "one dossier, in its latest state");
    assert_eq!(all.changed[0].status, DossierStatus::Returned);
    assert_eq!(all.cursor, seen.cursor + 3);

    // Without a note, the state's usual sentence, in the language asked.
    let vi = &returned.timeline.last().expect("step").note;
    assert!(vi.contains("trả kết quả"), "{vi}");
    let en: Dossier = s
        .get_json(&format!("/api/v1/dossiers/{code}?check={check}&locale=en"))
        .await;
    assert!(en.timeline.last().expect("step").note.contains("handed"));
    // A note given only in Vietnamese is what an English reader sees too.
    assert_eq!(en.timeline[en.timeline.len() - 4].note, "Thiếu giấy tờ đất");
}

#[tokio::test]
async fn the_life_cycle_is_kept_and_a_refused_move_changes_nothing() {
    let s = TestServer::start().await;
    let (code, _) = handled(&s);
    moved(
        &s,
        &code,
        json!({"status": "rejected", "note": "Không đủ điều kiện"}),
    )
    .await;
    let before = s.snapshot();
    for next in ["processing", "ready", "received", "withdrawn"] {
        let (status, body) = json(staff_move(&s, &code, &json!({"status": next})).await).await;
        assert_refused(status, &body, StatusCode::CONFLICT, "invalid_transition");
    }
    let (status, body) = json(staff_move(&s, &code, &json!({"status": "other"})).await).await;
    assert_refused(status, &body, StatusCode::BAD_REQUEST, "invalid_status");
    assert_eq!(body[0]["field"], "status");
    assert_eq!(s.snapshot(), before);
}

#[tokio::test]
async fn a_supplement_request_goes_exactly_with_needs_papers_and_must_be_usable() {
    let s = TestServer::start().await;
    let (code, _) = handled(&s);
    let before = s.snapshot();
    let past = (chrono::Utc::now() - chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let mut no_papers = papers();
    no_papers["papers"] = json!([]);
    let mut blank = papers();
    blank["papers"][0]["name"] = json!("  ");
    let mut late = papers();
    late["due"] = json!(past);
    let mut no_copies = papers();
    no_copies["papers"][0]["copies"] = json!(0);
    for body in [
        json!({"status": "supplement_requested"}),
        json!({"status": "supplement_requested", "supplement": null}),
        json!({"status": "processing", "supplement": papers()}),
        json!({"status": "supplement_requested", "supplement": no_papers}),
        json!({"status": "supplement_requested", "supplement": blank}),
        json!({"status": "supplement_requested", "supplement": late}),
        json!({"status": "supplement_requested", "supplement": no_copies}),
    ] {
        let (status, answer) = json(staff_move(&s, &code, &body).await).await;
        assert_refused(
            status,
            &answer,
            StatusCode::BAD_REQUEST,
            "invalid_supplement",
        );
        assert_eq!(answer[0]["field"], "supplement", "{body}");
    }
    let long_note = json!({"status": "processing", "note": "x".repeat(2001)});
    let (status, answer) = json(staff_move(&s, &code, &long_note).await).await;
    assert_refused(status, &answer, StatusCode::BAD_REQUEST, "too_long");
    assert_eq!(s.snapshot(), before);
}

#[tokio::test]
async fn the_staff_key_is_needed_and_the_idempotency_key_honoured() {
    let s = TestServer::start().await;
    let (code, _) = handled(&s);
    let path = format!("/api/v1/staff/dossiers/{code}/status");
    let body = json!({"status": "paused", "note": "Chờ ý kiến cơ quan thuế"});
    for key in [None, Some("wrong-key")] {
        let mut req = s.post(&path).json(&body);
        if let Some(k) = key {
            req = req.header("X-Staff-Key", k);
        }
        let (status, answer) = json(req.send().await.expect("send")).await;
        assert_refused(status, &answer, StatusCode::FORBIDDEN, "invalid_staff_key");
    }
    let unknown = staff_move(&s, "000.99.99.H29-010101-9999", &body).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let send = |b: &Value| {
        s.post(&path)
            .header("X-Staff-Key", STAFF_KEY)
            .header("Idempotency-Key", "move-1")
            .json(b)
            .send()
    };
    let first = send(&body).await.expect("send");
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.expect("json");
    // The answer was lost: the same request again gets it again, and moves nothing twice.
    let replay = send(&body).await.expect("send");
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.json::<Value>().await.expect("json"), first);
    let steps: i64 =
        s.db.with(|c| {
            c.query_row(
                "SELECT count(*) FROM dossier_events WHERE dossier = ?1 AND status = 'paused'",
                [&code],
                |r| r.get(0),
            )
        })
        .expect("count");
    assert_eq!(steps, 1);
    let other = send(&json!({"status": "processing"})).await.expect("send");
    let (status, answer) = json(other).await;
    assert_refused(
        status,
        &answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
}
