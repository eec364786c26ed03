//! The city's surveys against the real server on 127.0.0.1:0 (issue 15): the life cycle
//! (draft → open → closed → published), one answer per voter — also under concurrency and
//! against stuffing —, changed answers only while open and when allowed, results hidden until
//! published and then equal to counts made by hand, free text only for staff, the audience and
//! the window.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{API_KEY, STAFF_KEY, TestServer, assert_refused, json};
use model::trust::signature::SignedRequest;
use model::trust::{ContentDigest, DeviceCredential, DeviceSecret};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A form's pairs.
type Form<'a> = &'a [(&'a str, &'a str)];

/// A change to a good body.
type Change = Box<dyn Fn(&mut Value)>;

const WARD: &str = "26743";
const OTHER_WARD: &str = "26737";

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Single choice (3, required), multiple choice (3, optional), scale (required), short text
/// ≤ 50 (optional); open from an hour ago for a day.
fn spec(s: &TestServer, audience: Value, edits_allowed: bool) -> Value {
    let now = s.state.clock.now();
    let b = |vi: &str, en: &str| json!({"vi": vi, "en": en});
    json!({
        "title": b("Khảo sát về nước sạch", "Survey on clean water"),
        "questions": [
            {"prompt": b("Nước nhà bạn có trong không?", "Is your water clear?"), "required": true,
             "kind": {"type": "single_choice", "choices": [b("Có", "Yes"), b("Không", "No"), b("Lúc có lúc không", "Sometimes")]}},
            {"prompt": b("Bạn dùng nước vào việc gì?", "What do you use it for?"), "required": false,
             "kind": {"type": "multiple_choice", "choices": [b("Uống", "Drinking"), b("Nấu ăn", "Cooking"), b("Tắm giặt", "Washing")]}},
            {"prompt": b("Bạn hài lòng đến mức nào?", "How satisfied are you?"), "required": true,
             "kind": {"type": "scale", "low": b("Rất không hài lòng", "Very unsatisfied"), "high": b("Rất hài lòng", "Very satisfied")}},
            {"prompt": b("Góp ý thêm", "Anything else?"), "required": false,
             "kind": {"type": "short_text", "max_chars": 50}},
        ],
        "opens_at": rfc3339(now - chrono::Duration::hours(1)),
        "closes_at": rfc3339(now + chrono::Duration::days(1)),
        "audience": audience,
        "edits_allowed": edits_allowed,
    })
}

fn city() -> Value {
    json!({"kind": "city"})
}

fn wards(codes: &[&str]) -> Value {
    json!({"kind": "wards", "wards": codes})
}

async fn staff_post(s: &TestServer, path: &str, body: &Value) -> (StatusCode, Value) {
    json(
        s.post(path)
            .header("X-Staff-Key", STAFF_KEY)
            .json(body)
            .send()
            .await
            .expect("send"),
    )
    .await
}

/// Creates a draft; its id.
async fn create(s: &TestServer, spec: &Value) -> i64 {
    let (status, body) = staff_post(s, "/api/v1/staff/surveys", spec).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["state"], "draft");
    body["id"].as_i64().expect("id")
}

async fn move_to(s: &TestServer, id: i64, state: &str) -> (StatusCode, Value) {
    staff_post(
        s,
        &format!("/api/v1/staff/surveys/{id}/state"),
        &json!({"state": state}),
    )
    .await
}

/// A draft, opened.
async fn open(s: &TestServer, spec: &Value) -> i64 {
    let id = create(s, spec).await;
    let (status, body) = move_to(s, id, "open").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

/// `device` answers survey `id` with `form` (the api_key added) under a fresh key.
async fn answer(
    s: &TestServer,
    device: &DeviceCredential,
    id: i64,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    answer_with_key(s, device, id, form, &uuid::Uuid::new_v4().to_string()).await
}

async fn answer_with_key(
    s: &TestServer,
    device: &DeviceCredential,
    id: i64,
    form: &[(&str, &str)],
    key: &str,
) -> (StatusCode, Value) {
    let mut all = vec![("api_key", API_KEY)];
    all.extend_from_slice(form);
    json(
        s.signed(device, &format!("/api/v1/surveys/{id}/answers"), &all, key)
            .send()
            .await
            .expect("send"),
    )
    .await
}

fn answer_rows(s: &TestServer, id: i64) -> i64 {
    s.db.with(|c| {
        c.query_row(
            "SELECT count(*) FROM survey_answers WHERE survey_id = ?1",
            [id],
            |r| r.get(0),
        )
    })
    .expect("count")
}

#[tokio::test]
async fn a_survey_lives_from_draft_to_published_results_equal_to_hand_counts() {
    let s = TestServer::start().await;
    let id = create(&s, &spec(&s, city(), false)).await;
    // A draft is the back office's only.
    let (status, body) = json(
        s.get(&format!("/api/v1/surveys/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    let list: Value = s.get_json("/api/v1/surveys").await;
    assert_eq!(list["surveys"], json!([]));
    // Edited while a draft.
    let mut edited = spec(&s, city(), false);
    edited["title"]["en"] = "Survey on clean water, 2026".into();
    let resp = s
        .client_put(&format!("/api/v1/staff/surveys/{id}"), &edited)
        .await;
    assert_eq!(resp.0, StatusCode::OK, "{}", resp.1);
    assert_eq!(resp.1["title"]["en"], "Survey on clean water, 2026");
    // Published only after closing; closed only after opening.
    let (status, body) = move_to(&s, id, "published").await;
    assert_refused(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (status, body) = move_to(&s, id, "closed").await;
    assert_refused(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (status, body) = move_to(&s, id, "open").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "open");
    // Frozen once open.
    let resp = s
        .client_put(&format!("/api/v1/staff/surveys/{id}"), &edited)
        .await;
    assert_refused(resp.0, &resp.1, StatusCode::CONFLICT, "not_draft");
    let (status, body) = move_to(&s, id, "draft").await;
    assert_refused(status, &body, StatusCode::CONFLICT, "invalid_transition");
    // Listed for any ward and for the city; readable by id.
    for path in ["/api/v1/surveys", &format!("/api/v1/surveys?ward={WARD}")] {
        let list: Value = s.get_json(path).await;
        assert_eq!(list["surveys"][0]["id"], id, "{path}");
        assert_eq!(list["surveys"][0]["state"], "open");
    }
    let one: Value = s.get_json(&format!("/api/v1/surveys/{id}")).await;
    assert_eq!(one["questions"][2]["kind"]["type"], "scale");

    // Five devices answer. By hand: Q1 yes ×3, no ×1, sometimes ×1; Q2 (3 answered) drinking
    // ×2, cooking ×2, washing ×1; Q3 points 5, 4, 4, 2, 1 → counts [1,1,0,2,1], mean 3.2; Q4
    // two texts.
    let answers: [&[(&str, &str)]; 5] = [
        &[
            ("answer[1]", "1"),
            ("answer[2][]", "1"),
            ("answer[2][]", "2"),
            ("answer[3]", "5"),
            ("answer[4]", "Nước có mùi clo"),
        ],
        &[("answer[1]", "1"), ("answer[2][]", "2"), ("answer[3]", "4")],
        &[
            ("answer[1]", "2"),
            ("answer[2][]", "1"),
            ("answer[2][]", "3"),
            ("answer[3]", "4"),
        ],
        &[
            ("answer[1]", "1"),
            ("answer[3]", "2"),
            ("answer[4]", "Hay bị cúp nước buổi sáng"),
        ],
        &[("answer[1]", "3"), ("answer[3]", "1")],
    ];
    for form in answers {
        let device = s.register().await;
        let (status, body) = answer(&s, &device, id, form).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["survey_id"], id);
        assert_eq!(body["replaced"], false);
    }
    // Hidden while open, and while closed.
    let results = format!("/api/v1/surveys/{id}/results");
    let (status, body) = json(s.get(&results).send().await.unwrap()).await;
    assert_refused(status, &body, StatusCode::CONFLICT, "results_not_published");
    let (status, body) = move_to(&s, id, "closed").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let late = s.register().await;
    let (status, body) = answer(&s, &late, id, answers[0]).await;
    assert_refused(status, &body, StatusCode::CONFLICT, "survey_not_open");
    let list: Value = s.get_json("/api/v1/surveys").await;
    assert_eq!(list["surveys"], json!([]), "a closed survey is not listed");
    let (status, body) = json(s.get(&results).send().await.unwrap()).await;
    assert_refused(status, &body, StatusCode::CONFLICT, "results_not_published");
    let (status, body) = move_to(&s, id, "open").await;
    assert_refused(status, &body, StatusCode::CONFLICT, "invalid_transition");
    let (status, body) = move_to(&s, id, "published").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, r) = json(s.get(&results).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["respondents"], 5);
    let counts = |q: usize| -> Vec<u64> {
        r["questions"][q]["choices"]
            .as_array()
            .expect("choices")
            .iter()
            .map(|c| c["count"].as_u64().expect("count"))
            .collect()
    };
    assert_eq!(r["questions"][0]["type"], "single_choice");
    assert_eq!(r["questions"][0]["answered"], 5);
    assert_eq!(counts(0), [3, 1, 1]);
    assert_eq!(r["questions"][0]["choices"][0]["share"], 0.6);
    assert_eq!(r["questions"][1]["answered"], 3);
    assert_eq!(counts(1), [2, 2, 1]);
    let share = r["questions"][1]["choices"][2]["share"]
        .as_f64()
        .expect("share");
    assert!((share - 1.0 / 3.0).abs() < 1e-12, "{share}");
    assert_eq!(
        r["questions"][2],
        json!({"type": "scale", "answered": 5, "counts": [1, 1, 0, 2, 1], "mean": 3.2})
    );
    assert_eq!(
        r["questions"][3],
        json!({"type": "short_text", "answered": 2})
    );
    let text = r.to_string();
    assert!(
        !text.contains("clo") && !text.contains("cúp nước"),
        "free text is for staff only: {text}"
    );
    // The staff see the same counts and the texts.
    let (status, staff) = json(
        s.get(&format!("/api/v1/staff/surveys/{id}/results"))
            .header("X-Staff-Key", STAFF_KEY)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{staff}");
    assert_eq!(staff["results"], r);
    assert_eq!(
        staff["texts"],
        json!([{"question": 4, "texts": ["Nước có mùi clo", "Hay bị cúp nước buổi sáng"]}])
    );
    let (status, body) = json(
        s.get(&format!("/api/v1/staff/surveys/{id}/results"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &body, StatusCode::FORBIDDEN, "invalid_staff_key");
}

trait Put {
    async fn client_put(&self, path: &str, body: &Value) -> (StatusCode, Value);
}

impl Put for TestServer {
    async fn client_put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        json(
            common::client()
                .put(format!("{}{path}", self.url))
                .header("X-Staff-Key", STAFF_KEY)
                .json(body)
                .send()
                .await
                .expect("send"),
        )
        .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_parallel_answers_from_one_device_count_once() {
    let s = TestServer::start().await;
    for edits_allowed in [false, true] {
        let id = open(&s, &spec(&s, city(), edits_allowed)).await;
        let device = s.register().await;
        let path = format!("/api/v1/surveys/{id}/answers");
        let mut set = tokio::task::JoinSet::new();
        for i in 0..40 {
            let point = (i % 5 + 1).to_string();
            let form = [
                ("api_key", API_KEY),
                ("answer[1]", "1"),
                ("answer[3]", point.as_str()),
            ];
            // Built here (signed now), sent all at once.
            let req = s.signed(&device, &path, &form, &uuid::Uuid::new_v4().to_string());
            set.spawn(async move { json(req.send().await.expect("send")).await });
        }
        let mut created = 0;
        let mut replaced = 0;
        while let Some(done) = set.join_next().await {
            let (status, body) = done.expect("task");
            match status {
                StatusCode::CREATED if body["replaced"] == true => replaced += 1,
                StatusCode::CREATED => created += 1,
                StatusCode::CONFLICT => {
                    assert!(!edits_allowed, "{body}");
                    assert_eq!(body[0]["reason"], "already_answered", "{body}");
                }
                StatusCode::TOO_MANY_REQUESTS => assert_eq!(body[0]["reason"], "rate_limited"),
                other => panic!("{other}: {body}"),
            }
        }
        assert_eq!(
            created, 1,
            "exactly one first answer (edits allowed: {edits_allowed})"
        );
        if !edits_allowed {
            assert_eq!(replaced, 0);
        }
        assert_eq!(answer_rows(&s, id), 1, "one voter, one answer");
    }
}

/// Answers on a survey from: 3 registered devices (counted), and a stuffer with unsigned
/// requests, invented device ids, forged signatures of a registered id, a captured request
/// replayed under its key (the first answer again) and under others, stale times.
#[tokio::test]
async fn stuffing_moves_the_count_by_at_most_the_registered_devices() {
    let s = TestServer::start_with(|st| st.with_limits(common::generous_limits())).await;
    let id = open(&s, &spec(&s, city(), false)).await;
    let path = format!("/api/v1/surveys/{id}/answers");
    let form = [("api_key", API_KEY), ("answer[1]", "2"), ("answer[3]", "1")];
    let body = serde_urlencoded::to_string(form).expect("form");
    let devices = [s.register().await, s.register().await, s.register().await];
    let now = s.state.clock.now().timestamp();
    let captured_key = "captured-answer";
    let captured = {
        let resp = s
            .signed(&devices[0], &path, &form, captured_key)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), StatusCode::CREATED);
        devices[0].sign(&SignedRequest {
            method: "POST",
            path_and_query: &path,
            time: now,
            idempotency_key: captured_key,
            content: ContentDigest::of_body(body.as_bytes()),
        })
    };
    for d in &devices[1..] {
        let (status, b) = answer(&s, d, id, &form[1..]).await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
    }
    let raw = |key: &str, device: &str, time: i64, sig: &str| {
        s.post(&path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Idempotency-Key", key)
            .header("Citizen-Device", device)
            .header("Citizen-Time", time.to_string())
            .header("Citizen-Signature", sig)
            .body(body.clone())
    };
    let mut refused = std::collections::BTreeMap::<String, usize>::new();
    let mut replays = 0;
    for i in 0..300 {
        let key = format!("stuff-{i}");
        let req = match i % 6 {
            0 => s
                .post(&path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Idempotency-Key", &key)
                .body(body.clone()),
            1 => {
                let fake = DeviceCredential {
                    id: model::feedback::DeviceId::parse(&format!("invented-{i:08}")).expect("id"),
                    secret: DeviceSecret::from_bytes([i as u8; 32]),
                };
                s.signed(&fake, &path, &form, &key)
            }
            2 => {
                let forged = DeviceCredential {
                    id: devices[1].id.clone(),
                    secret: DeviceSecret::from_bytes([(i % 251) as u8; 32]),
                };
                s.signed(&forged, &path, &form, &key)
            }
            3 => raw(captured_key, devices[0].id.as_str(), now, &captured),
            4 => raw(&key, devices[0].id.as_str(), now, &captured),
            _ => s.signed_at(&devices[2], &path, &form, &key, now - 600),
        };
        let resp = req.send().await.expect("send");
        let status = resp.status();
        let replayed = resp.headers().contains_key("idempotent-replayed");
        let b: Value = resp.json().await.expect("json");
        if i % 6 == 3 {
            assert!(status == StatusCode::CREATED && replayed, "{status} {b}");
            replays += 1;
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{i}: {b}");
            *refused
                .entry(b[0]["reason"].as_str().unwrap_or("?").to_owned())
                .or_default() += 1;
        }
    }
    assert_eq!(replays, 50);
    assert_eq!(refused.get("unsigned"), Some(&50), "{refused:?}");
    assert_eq!(refused.get("bad_signature"), Some(&150), "{refused:?}");
    assert_eq!(refused.get("stale_time"), Some(&50), "{refused:?}");
    assert_eq!(
        answer_rows(&s, id),
        3,
        "the count moved by the registered devices only"
    );
    // A registered device answering again is refused: this survey takes no changed answer.
    let (status, b) = answer(&s, &devices[2], id, &form[1..]).await;
    assert_refused(status, &b, StatusCode::CONFLICT, "already_answered");
    assert_eq!(answer_rows(&s, id), 3);
}

#[tokio::test]
async fn an_answer_changes_until_close_only_where_the_city_allows_it() {
    let s = TestServer::start().await;
    let device = s.register().await;
    let editable = open(&s, &spec(&s, city(), true)).await;
    let fixed = open(&s, &spec(&s, city(), false)).await;
    for id in [editable, fixed] {
        let (status, b) = answer(&s, &device, id, &[("answer[1]", "1"), ("answer[3]", "1")]).await;
        assert_eq!(
            (status, b["replaced"].clone()),
            (StatusCode::CREATED, json!(false)),
            "{b}"
        );
    }
    let (status, b) = answer(
        &s,
        &device,
        editable,
        &[("answer[1]", "2"), ("answer[3]", "5")],
    )
    .await;
    assert_eq!(
        (status, b["replaced"].clone()),
        (StatusCode::CREATED, json!(true)),
        "{b}"
    );
    let (status, b) = answer(
        &s,
        &device,
        fixed,
        &[("answer[1]", "2"), ("answer[3]", "5")],
    )
    .await;
    assert_refused(status, &b, StatusCode::CONFLICT, "already_answered");
    // After closing, not even an editable one changes.
    assert_eq!(move_to(&s, editable, "closed").await.0, StatusCode::OK);
    let (status, b) = answer(
        &s,
        &device,
        editable,
        &[("answer[1]", "3"), ("answer[3]", "3")],
    )
    .await;
    assert_refused(status, &b, StatusCode::CONFLICT, "survey_not_open");
    assert_eq!(move_to(&s, editable, "published").await.0, StatusCode::OK);
    let r: Value = s
        .get_json(&format!("/api/v1/surveys/{editable}/results"))
        .await;
    assert_eq!(r["respondents"], 1, "a replaced answer counts once");
    let counts: Vec<u64> = r["questions"][0]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [0, 1, 0], "the second answer replaced the first");
    assert_eq!(r["questions"][2]["counts"], json!([0, 0, 0, 0, 1]));
}

#[tokio::test]
async fn the_audience_and_the_window_decide_who_may_answer() {
    let s = TestServer::start().await;
    let device = s.register().await;
    let id = open(&s, &spec(&s, wards(&[WARD]), false)).await;
    let base = [("answer[1]", "1"), ("answer[3]", "3")];
    let with_ward = |w: &'static str| {
        let mut f = base.to_vec();
        f.push(("ward_code", w));
        f
    };
    let (status, b) = answer(&s, &device, id, &base).await;
    assert_refused(status, &b, StatusCode::CONFLICT, "outside_audience");
    let (status, b) = answer(&s, &device, id, &with_ward(OTHER_WARD)).await;
    assert_refused(status, &b, StatusCode::CONFLICT, "outside_audience");
    let (status, b) = answer(&s, &device, id, &with_ward("00000")).await;
    assert_refused(status, &b, StatusCode::BAD_REQUEST, "unknown_ward");
    assert_eq!(b[0]["field"], "ward_code");
    assert_eq!(answer_rows(&s, id), 0);
    // Listed for its ward only.
    let mine: Value = s.get_json(&format!("/api/v1/surveys?ward={WARD}")).await;
    assert_eq!(mine["surveys"][0]["id"], id);
    for path in [
        format!("/api/v1/surveys?ward={OTHER_WARD}"),
        "/api/v1/surveys".into(),
    ] {
        let other: Value = s.get_json(&path).await;
        assert_eq!(other["surveys"], json!([]), "{path}");
    }
    let (status, b) = answer(&s, &device, id, &with_ward(WARD)).await;
    assert_eq!(status, StatusCode::CREATED, "{b}");

    // A survey that opens in an hour: listed and answered only from then; closed by its
    // window even before staff close it.
    let mut later = spec(&s, city(), false);
    let now = s.state.clock.now();
    later["opens_at"] = rfc3339(now + chrono::Duration::hours(1)).into();
    later["closes_at"] = rfc3339(now + chrono::Duration::hours(3)).into();
    let id = open(&s, &later).await;
    let (status, b) = answer(&s, &device, id, &base).await;
    assert_refused(status, &b, StatusCode::CONFLICT, "survey_not_open");
    let list: Value = s.get_json("/api/v1/surveys").await;
    assert_eq!(list["surveys"], json!([]));
    s.state.clock.advance(chrono::Duration::hours(2));
    let list: Value = s.get_json("/api/v1/surveys").await;
    assert_eq!(list["surveys"][0]["id"], id);
    let (status, b) = answer(&s, &device, id, &base).await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    s.state.clock.advance(chrono::Duration::hours(2));
    let other = s.register().await;
    let (status, b) = answer(&s, &other, id, &base).await;
    assert_refused(status, &b, StatusCode::CONFLICT, "survey_not_open");
    // A draft whose window has ended cannot be opened.
    let stale = create(&s, &later).await;
    let (status, b) = move_to(&s, stale, "open").await;
    assert_refused(status, &b, StatusCode::CONFLICT, "invalid_window");
}

#[tokio::test]
async fn bad_surveys_and_bad_answers_are_refused_with_their_field() {
    let s = TestServer::start().await;
    let good = spec(&s, city(), false);
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "missing",
            Box::new(|v| v["title"]["vi"] = " ".into()),
            "title.vi",
        ),
        (
            "too_long",
            Box::new(|v| v["questions"][0]["prompt"]["en"] = "x".repeat(501).into()),
            "questions[0].prompt.en",
        ),
        (
            "invalid",
            Box::new(|v| v["questions"][1]["kind"]["choices"] = json!([{"vi": "a", "en": "a"}])),
            "questions[1].kind.choices",
        ),
        (
            "invalid",
            Box::new(|v| v["questions"][3]["kind"]["max_chars"] = 0.into()),
            "questions[3].kind.max_chars",
        ),
        (
            "invalid_window",
            Box::new(|v| v["closes_at"] = v["opens_at"].clone()),
            "closes_at",
        ),
        (
            "unknown_ward",
            Box::new(|v| v["audience"] = wards(&["00000"])),
            "audience.wards[0]",
        ),
        (
            "repeated",
            Box::new(|v| v["audience"] = wards(&[WARD, WARD])),
            "audience.wards[1]",
        ),
    ];
    for (reason, change, field) in cases {
        let mut v = good.clone();
        change(&mut v);
        let (status, b) = staff_post(&s, "/api/v1/staff/surveys", &v).await;
        assert_refused(status, &b, StatusCode::BAD_REQUEST, reason);
        assert_eq!(b[0]["field"], field, "{b}");
    }
    let mut extra = good.clone();
    extra["questions"][0]["kind"]["max_picks"] = 2.into();
    let (status, b) = staff_post(&s, "/api/v1/staff/surveys", &extra).await;
    assert_refused(status, &b, StatusCode::BAD_REQUEST, "invalid_json");
    let (status, b) = json(
        s.post("/api/v1/staff/surveys")
            .json(&good)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &b, StatusCode::FORBIDDEN, "invalid_staff_key");

    let id = open(&s, &good).await;
    let device = s.register().await;
    let answers: [(Form, &str, &str); 6] = [
        (&[("answer[3]", "3")], "missing", "answer[1]"),
        (
            &[("answer[1]", "4"), ("answer[3]", "3")],
            "invalid",
            "answer[1]",
        ),
        (
            &[("answer[1]", "1"), ("answer[3]", "6")],
            "invalid",
            "answer[3]",
        ),
        (
            &[
                ("answer[1]", "1"),
                ("answer[3]", "3"),
                ("answer[2][]", "1"),
                ("answer[2][]", "1"),
            ],
            "repeated",
            "answer[2][]",
        ),
        (
            &[
                ("answer[1]", "1"),
                ("answer[3]", "3"),
                ("answer[4]", &"ư".repeat(51)),
            ],
            "too_long",
            "answer[4]",
        ),
        (
            &[("answer[1]", "1"), ("answer[3]", "3"), ("answer[5]", "1")],
            "unknown_field",
            "answer[5]",
        ),
    ];
    for (form, reason, field) in answers {
        let (status, b) = answer(&s, &device, id, form).await;
        assert_refused(status, &b, StatusCode::BAD_REQUEST, reason);
        assert_eq!(b[0]["field"], field, "{b}");
    }
    assert_eq!(answer_rows(&s, id), 0);
    for path in [
        format!("/api/v1/surveys/{}", id + 100),
        "/api/v1/surveys/0".into(),
        "/api/v1/surveys/x/results".into(),
    ] {
        let (status, b) = json(s.get(&path).send().await.unwrap()).await;
        assert_refused(status, &b, StatusCode::NOT_FOUND, "not_found");
    }
}

#[tokio::test]
async fn the_list_of_open_surveys_answers_304_while_unchanged() {
    let s = TestServer::start().await;
    let first = s.get("/api/v1/surveys").send().await.expect("send");
    let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
    let again = s
        .get("/api/v1/surveys")
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    open(&s, &spec(&s, city(), false)).await;
    let changed = s
        .get("/api/v1/surveys")
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    let (status, b) = json(s.get("/api/v1/surveys?ward=00000").send().await.unwrap()).await;
    assert_refused(status, &b, StatusCode::NOT_FOUND, "unknown_ward");
    let (status, b) = json(s.get("/api/v1/surveys?ward=123").send().await.unwrap()).await;
    assert_refused(status, &b, StatusCode::BAD_REQUEST, "invalid_ward_code");
}

/// "Export my data" lists the surveys a device answered; "delete my data" keeps its answers in
/// the counts, linked to nobody.
#[tokio::test]
async fn a_deleted_device_s_answers_stay_counted_and_link_to_nobody() {
    use model::trust::my_data::{CityDeleted, CityHolds, MY_DEVICE_PATH};
    let s = TestServer::start().await;
    let id = open(&s, &spec(&s, city(), true)).await;
    let device = s.register().await;
    let (status, b) = answer(&s, &device, id, &[("answer[1]", "1"), ("answer[3]", "4")]).await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let me = |method: reqwest::Method, key: &str| {
        let time = s.state.clock.now().timestamp();
        let sig = device.sign(&SignedRequest {
            method: method.as_str(),
            path_and_query: MY_DEVICE_PATH,
            time,
            idempotency_key: key,
            content: ContentDigest::of_body(&[]),
        });
        common::client()
            .request(method, format!("{}{MY_DEVICE_PATH}", s.url))
            .header("Idempotency-Key", key)
            .header("Citizen-Device", device.id.as_str())
            .header("Citizen-Time", time.to_string())
            .header("Citizen-Signature", sig)
    };
    let holds: CityHolds = me(reqwest::Method::GET, "export-1")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("holds");
    assert_eq!(holds.surveys_answered, [id]);
    let done: CityDeleted = me(reqwest::Method::DELETE, "delete-1")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("deleted");
    assert_eq!(done.survey_answers_unlinked, 1);
    let voters: Vec<String> =
        s.db.with(|c| {
            c.prepare("SELECT voter FROM survey_answers")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()
        })
        .expect("voters");
    assert_eq!(voters.len(), 1, "still counted");
    assert!(voters[0].starts_with("deleted-"), "{voters:?}");
}

/// In a city that counts verified citizens (an OpenID Connect provider), a survey is answered
/// once per citizen whichever device sends it; a device alone is not counted.
#[tokio::test(flavor = "multi_thread")]
async fn a_verified_citizen_answers_once_whichever_device() {
    use city_api::oidc::{OidcConfig, OidcVerifier};
    let provider = test_oidc::Provider::start("citizen-app-hcmc").await;
    let verifier = std::sync::Arc::new(
        OidcVerifier::new(OidcConfig {
            issuer: provider.issuer.clone(),
            audience: "citizen-app-hcmc".into(),
            algorithms: vec![jsonwebtoken::Algorithm::RS256],
        })
        .expect("verifier"),
    );
    let s = TestServer::start_with(move |st| st.with_citizen_verifier(verifier)).await;
    let id = open(&s, &spec(&s, city(), false)).await;
    let path = format!("/api/v1/surveys/{id}/answers");
    let form = [("api_key", API_KEY), ("answer[1]", "1"), ("answer[3]", "4")];
    let (phone, tablet) = (s.register().await, s.register().await);
    let send = |device: &DeviceCredential, token: Option<String>| {
        let mut req = s.signed(device, &path, &form, &uuid::Uuid::new_v4().to_string());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move { json(req.send().await.expect("send")).await }
    };
    let (status, b) = send(&phone, Some(provider.id_token("079123456789"))).await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let (status, b) = send(&tablet, Some(provider.id_token("079123456789"))).await;
    assert_refused(status, &b, StatusCode::CONFLICT, "already_answered");
    let (status, b) = send(&tablet, None).await;
    assert_refused(status, &b, StatusCode::UNAUTHORIZED, "citizen_required");
    let (status, b) = send(&tablet, Some(provider.id_token("079987654321"))).await;
    assert_eq!(status, StatusCode::CREATED, "another citizen counts: {b}");
    assert_eq!(answer_rows(&s, id), 2);
    assert!(
        !s.snapshot().contains("079123456789"),
        "no subject is stored"
    );
}

#[tokio::test]
async fn the_surveys_and_their_results_come_gzipped_to_a_client_that_takes_gzip() {
    let s = TestServer::start().await;
    let id = open(&s, &spec(&s, city(), false)).await;
    common::check_codings(&s, "/api/v1/surveys").await;
    common::check_codings(&s, &format!("/api/v1/surveys/{id}")).await;
    for state in ["closed", "published"] {
        let (status, body) = move_to(&s, id, state).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    common::check_codings(&s, &format!("/api/v1/surveys/{id}/results")).await;
}
