//! The 766 scoreboard and the ward rating against the real server on 127.0.0.1:0: figures
//! from a database filled with known dossiers, reports and ratings (expectations computed by
//! hand below), the city beside the wards, trends, ETag/304 and the cache, one ward's
//! history, and once-per-month under many concurrent requests.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{API_KEY, TestServer};
use model::index766::{ByRule, Group, GroupOutcome, NotComputable, Total, Trend};
use model::scoreboard::{Row, Scoreboard, WardScoreboard};
use reqwest::StatusCode;
use serde_json::Value;

const A: &str = "26743";

/// March 2025 (Vietnam time) and around it, far from the demo dossiers (made around now).
fn fill(s: &TestServer) {
    s.db.with(|c| {
        let dossier = |n: u32, sub: &str, due: &str, done: Option<&str>, channel: Option<&str>, e: Option<i64>| {
            c.execute(
                "INSERT INTO dossiers (code, check_value, procedure_code, procedure_vi, procedure_en,
                     field, agency, ward_code, status, submitted_at, expected_at, finished_at,
                     change_seq, channel, result_electronic)
                 VALUES (?1, 'K7M2QX', 'p', 'Thủ tục', 'Procedure', 'land', 'UBND', ?2, ?3, ?4, ?5,
                     ?6, ?7, ?8, ?9)",
                rusqlite::params![
                    format!("000.00.04.H29-250301-{n:04}"),
                    A,
                    if done.is_some() { "returned" } else { "processing" },
                    sub,
                    due,
                    done,
                    9_000_000 + i64::from(n),
                    channel,
                    e
                ],
            )
        };
        // Received or in process in March: 1 on time, 2 late, 3 open overdue at the end, 4
        // open within its deadline. 5 finished in February, 6 came in April: not March's.
        dossier(1, "2025-03-02T02:00:00Z", "2025-03-10T10:00:00Z", Some("2025-03-09T03:00:00Z"), Some("online"), Some(1))?;
        dossier(2, "2025-03-03T02:00:00Z", "2025-03-10T10:00:00Z", Some("2025-03-12T03:00:00Z"), Some("in_person"), Some(0))?;
        dossier(3, "2025-02-20T02:00:00Z", "2025-03-05T10:00:00Z", None, None, None)?;
        dossier(4, "2025-03-20T02:00:00Z", "2025-04-10T10:00:00Z", None, Some("online"), None)?;
        dossier(5, "2025-02-01T02:00:00Z", "2025-02-15T10:00:00Z", Some("2025-02-10T03:00:00Z"), None, None)?;
        dossier(6, "2025-04-02T02:00:00Z", "2025-04-20T10:00:00Z", None, Some("post"), None)?;

        let report = |id: i64, at: &str, due: Option<&str>, resolved: Option<&str>| {
            c.execute(
                "INSERT INTO requests (id, token, service_code, description, ward_code, answers,
                     status, agency, requested_at, updated_at, expected_at, resolved_at, change_seq)
                 VALUES (?1, ?2, 'thoat-nuoc', 'Ngập', ?3, '{}', ?4, 'UBND', ?5, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    id,
                    format!("tok-{id}"),
                    A,
                    if resolved.is_some() { "resolved" } else { "received" },
                    at,
                    due,
                    resolved,
                    9_000_000 + id
                ],
            )
        };
        // 1 resolved on time but rated "không hài lòng"; 2 resolved late; 3 open within its
        // date; 4 has no answer date; 5 resolved on time, then re-opened as not fixed.
        report(9001, "2025-03-01T01:00:00Z", Some("2025-03-08T10:00:00Z"), Some("2025-03-05T01:00:00Z"))?;
        report(9002, "2025-03-02T01:00:00Z", Some("2025-03-09T10:00:00Z"), Some("2025-03-15T01:00:00Z"))?;
        report(9003, "2025-03-25T01:00:00Z", Some("2025-04-05T10:00:00Z"), None)?;
        report(9004, "2025-03-10T01:00:00Z", None, None)?;
        report(9005, "2025-03-11T01:00:00Z", Some("2025-03-18T10:00:00Z"), Some("2025-03-12T01:00:00Z"))?;
        c.execute(
            "INSERT INTO request_ratings (request_id, satisfaction, at)
             VALUES (9001, 'unsatisfied', '2025-03-06T01:00:00Z'), (9005, 'satisfied', '2025-03-12T05:00:00Z')",
            [],
        )?;
        c.execute(
            "INSERT INTO request_events (request_id, at, status, actor)
             VALUES (9005, '2025-03-13T01:00:00Z', 'reopened', 'citizen')",
            [],
        )?;
        // Two ratings of A in March, one disliking something; one in April.
        c.execute_batch(
            "INSERT INTO ward_ratings (ward_code, device_id, month, access, procedures, officials,
                 result, feedback, created_at)
             VALUES ('26743', 'd1', '2025-03', 'satisfied', 'neutral', 'satisfied', 'unsatisfied',
                     'neutral', '2025-03-04T01:00:00Z'),
                    ('26743', 'd2', '2025-03', 'satisfied', 'satisfied', 'neutral', 'neutral',
                     'neutral', '2025-03-14T01:00:00Z'),
                    ('26743', 'd3', '2025-04', 'unsatisfied', 'unsatisfied', 'unsatisfied',
                     'unsatisfied', 'unsatisfied', '2025-04-04T01:00:00Z');",
        )?;
        Ok::<_, rusqlite::Error>(())
    })
    .expect("fill");
}

fn computed(points: f64, of_max: f64) -> GroupOutcome {
    GroupOutcome::Computed {
        points,
        of_max,
        by_rule: false,
    }
}

fn group(row: &Row, g: Group) -> (GroupOutcome, Trend) {
    let cell = row.groups.iter().find(|c| c.group == g).expect("group");
    (cell.outcome, cell.trend)
}

#[tokio::test]
async fn the_scoreboard_matches_hand_computed_figures_and_is_cached_with_an_etag() {
    let s = TestServer::start().await;
    fill(&s);
    let url = "/api/v1/scoreboard?period=month&at=2025-03-15";
    let first = s.get(url).send().await.expect("send");
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
    let board: Scoreboard = first.json().await.expect("json");
    assert_eq!(board.period.start.to_string(), "2025-03-01");
    assert_eq!(board.period.last_day.to_string(), "2025-03-31");
    assert!(board.period.complete);
    assert_eq!(board.period.as_of.to_rfc3339(), "2025-03-31T17:00:00+00:00");
    assert_eq!(board.previous.start.to_string(), "2025-02-01");
    assert_eq!(board.wards.len(), 168);
    assert_eq!(board.bands.len(), 5);
    let a = board
        .wards
        .iter()
        .find(|r| r.ward_code.as_deref() == Some(A))
        .expect("ward A");
    // Progress 2.1: (1 on time + 1 open in time) / 4 handled → 20 × 0.5 = 10. February: 5
    // on time and 3 still in time of 2 → 20: down.
    assert_eq!(
        group(a, Group::Progress),
        (computed(10.0, 20.0), Trend::Down)
    );
    // Online 3.3: 2 of the 3 received online ≥ 50 % → 6 of 6 (February's channels unknown).
    assert_eq!(
        group(a, Group::Online),
        (computed(6.0, 6.0), Trend::Unknown)
    );
    // Digitisation 4.1: 1 of 2 finished with an electronic result → 3 of 6.
    assert_eq!(group(a, Group::Digitisation).0, computed(3.0, 6.0));
    // Satisfaction: 5.2 3 of 4 dated reports on time → 4.5; 5.3 (4 − {late, unsatisfied,
    // re-opened}) / 4 → 1.5; 5.4 (4 − 1 late − 1 overdue − 1 disliking rating) / 4 = 0.25
    // → 6 × 0.25 / 0.9 = 1.67. Sum 7.67 of 18.
    assert_eq!(group(a, Group::Satisfaction).0, computed(7.67, 18.0));
    assert_eq!(
        group(a, Group::Transparency),
        (
            GroupOutcome::NotComputable {
                why: NotComputable::NotInCityData
            },
            Trend::Unknown
        )
    );
    assert_eq!(
        a.total,
        Total::NotComputable {
            why: NotComputable::GroupsIncomplete
        }
    );
    assert_eq!((a.computable.points, a.computable.of_max), (26.67, 50.0));
    assert_eq!(a.ratings, 2);
    // The city is all the wards summed: here, A alone.
    assert_eq!(board.city.groups, a.groups);
    // A ward with nothing: no dossiers is not computable (not zero); no reports gives the
    // rule's points, marked as such.
    let empty = board
        .wards
        .iter()
        .find(|r| r.ward_code.as_deref() != Some(A))
        .expect("another ward");
    assert_eq!(
        group(empty, Group::Progress).0,
        GroupOutcome::NotComputable {
            why: NotComputable::NoDossiers
        }
    );
    assert_eq!(
        group(empty, Group::Satisfaction).0,
        GroupOutcome::Computed {
            points: 12.0,
            of_max: 12.0,
            by_rule: true
        }
    );

    // The same again: the same tag; with it, 304 and no body.
    let again = s.get(url).send().await.expect("send");
    assert_eq!(again.headers()["etag"].to_str().expect("etag"), etag);
    let not_modified = s
        .get(url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert!(not_modified.bytes().await.expect("body").is_empty());
    // A new rating moves the data version: this month's board is computed again.
    let now_url = "/api/v1/scoreboard?period=month";
    let before: Scoreboard = s.get_json(now_url).await;
    let device = s.register().await;
    let rated = s
        .signed(
            &device,
            &format!("/api/v1/wards/{A}/ratings"),
            &form("unsatisfied"),
            "r-1",
        )
        .send()
        .await
        .expect("send");
    assert_eq!(rated.status(), StatusCode::CREATED);
    let after: Scoreboard = s.get_json(now_url).await;
    let ratings = |b: &Scoreboard| b.city.ratings;
    assert_eq!(ratings(&after), ratings(&before) + 1);

    // One ward's history: March then February, with the counts behind the figures.
    let h: WardScoreboard = s
        .get_json(&format!(
            "/api/v1/wards/{A}/scoreboard?period=month&at=2025-03-02&count=2"
        ))
        .await;
    assert_eq!(h.periods.len(), 2);
    let march = &h.periods[0];
    assert_eq!(march.counts.dossiers.handled, 4);
    assert_eq!(march.counts.dossiers.open_overdue, 1);
    assert_eq!(march.counts.reports.with_due_date, 4);
    assert_eq!(march.counts.reports.not_satisfied, 3);
    assert_eq!(march.counts.ratings.disliking, 1);
    assert_eq!(march.ratings.count, 2);
    assert_eq!(
        march
            .scorecard
            .group(Group::Satisfaction)
            .expect("g")
            .outcome,
        computed(7.67, 18.0)
    );
    let feb = &h.periods[1];
    assert_eq!(feb.period.start.to_string(), "2025-02-01");
    assert_eq!(feb.counts.dossiers.handled, 2);
    let rule = feb
        .scorecard
        .group(Group::Satisfaction)
        .expect("g")
        .criteria[0]
        .outcome;
    assert_eq!(
        rule,
        model::index766::Outcome::ByRule {
            points: 6.0,
            why: ByRule::NoReports
        }
    );
    // A quarter holds March; a week too.
    let q: Scoreboard = s
        .get_json("/api/v1/scoreboard?period=quarter&at=2025-02-10")
        .await;
    assert_eq!(q.period.start.to_string(), "2025-01-01");
    let w: Scoreboard = s
        .get_json("/api/v1/scoreboard?period=week&at=2025-03-12")
        .await;
    assert_eq!(w.period.start.to_string(), "2025-03-10");
}

#[tokio::test]
async fn bad_periods_dates_counts_and_wards_are_refused() {
    let s = TestServer::start().await;
    for (url, status, reason) in [
        ("/api/v1/scoreboard?period=year", 400, "invalid_period"),
        ("/api/v1/scoreboard?period=Month", 400, "invalid_period"),
        ("/api/v1/scoreboard?at=2025-13-01", 400, "invalid_date"),
        ("/api/v1/scoreboard?at=2025-3-1", 400, "invalid_date"),
        ("/api/v1/scoreboard?at=1999-12-31", 400, "invalid_date"),
        ("/api/v1/scoreboard?at=2999-01-01", 400, "invalid_date"),
        ("/api/v1/scoreboard?at=%FF", 400, "invalid_date"),
        ("/api/v1/wards/99999/scoreboard", 404, "not_found"),
        ("/api/v1/wards/abc/scoreboard", 400, "invalid_ward_code"),
        (
            "/api/v1/wards/26743/scoreboard?count=0",
            400,
            "invalid_page_size",
        ),
        (
            "/api/v1/wards/26743/scoreboard?count=25",
            400,
            "invalid_page_size",
        ),
    ] {
        let resp = s.get(url).send().await.expect("send");
        let (got, body) = common::json(resp).await;
        assert_eq!(got.as_u16(), status, "{url}: {body}");
        assert_eq!(body[0]["reason"], reason, "{url}: {body}");
    }
}

fn form(answer: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("api_key", API_KEY),
        ("access", "satisfied"),
        ("procedures", answer),
        ("officials", "neutral"),
        ("result", "satisfied"),
        ("feedback", "neutral"),
        ("comment", "Chờ hơi lâu"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ratings_count_once_per_device_per_month() {
    let s = TestServer::start_with(|st| st.with_limits(common::generous_limits())).await;
    let path = format!("/api/v1/wards/{A}/ratings");
    let devices: Vec<_> = futures_like_join(&s, 10).await;
    let mut set = tokio::task::JoinSet::new();
    // Each device sends 20 ratings at once, each under its own Idempotency-Key.
    for (d, device) in devices.into_iter().enumerate() {
        for k in 0..20 {
            let req = s.signed(&device, &path, &form("neutral"), &format!("d{d}-k{k}"));
            set.spawn(async move {
                let resp = req.send().await.expect("send");
                let status = resp.status();
                let body: Value = resp.json().await.expect("json");
                (d, status, body)
            });
        }
    }
    let mut created = vec![0; 10];
    while let Some(done) = set.join_next().await {
        let (d, status, body) = done.expect("task");
        if status == StatusCode::CREATED {
            created[d] += 1;
            assert_eq!(body["ward_code"], A);
        } else {
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
            assert_eq!(body[0]["reason"], "already_rated_this_month", "{body}");
        }
    }
    assert_eq!(created, vec![1; 10], "one each");
    let stored: i64 =
        s.db.with(|c| {
            c.query_row(
                "SELECT count(*) FROM ward_ratings WHERE ward_code = ?1",
                [A],
                |r| r.get(0),
            )
        })
        .expect("count");
    assert_eq!(stored, 10);
    // The comments are kept; no public answer names who gave them.
    let stats = s
        .get(&format!("/api/v1/wards/{A}/stats"))
        .send()
        .await
        .expect("send");
    let text = stats.text().await.expect("text");
    assert!(
        !text.contains("Chờ hơi lâu") && !text.contains("device"),
        "{text}"
    );
    // Staff read them: the texts alone, nothing that links them to a device.
    let path = format!("/api/v1/wards/{A}/comments");
    let staff = format!("/api/v1/staff{}", path.trim_start_matches("/api/v1"));
    let refused = s.get(&staff).send().await.expect("send");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let read = s
        .get(&staff)
        .header("X-Staff-Key", common::STAFF_KEY)
        .send()
        .await
        .expect("send");
    assert_eq!(read.status(), StatusCode::OK);
    let body: Value = read.json().await.expect("json");
    assert_eq!(
        body["comments"].as_array().expect("list").len(),
        10,
        "{body}"
    );
    assert_eq!(
        body.as_object().expect("object").len(),
        3,
        "ward_code, month, comments: {body}"
    );
    let bad = s
        .get(&format!("{staff}?month=2025-13"))
        .header("X-Staff-Key", common::STAFF_KEY)
        .send()
        .await
        .expect("send");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

async fn futures_like_join(s: &TestServer, n: usize) -> Vec<model::trust::DeviceCredential> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(s.register().await);
    }
    out
}

#[tokio::test]
async fn the_scoreboards_come_gzipped_to_a_client_that_takes_gzip() {
    let s = TestServer::start().await;
    fill(&s);
    let (raw, zipped) = common::check_codings(&s, "/api/v1/scoreboard").await;
    assert!(
        zipped * 10 < raw,
        "168 wards: {zipped} B gzipped of {raw} B"
    );
    // A second gzip answer comes from the cache's gzipped copy: the same bytes.
    common::check_codings(&s, "/api/v1/scoreboard?period=week").await;
    common::check_codings(&s, &format!("/api/v1/wards/{A}/scoreboard?at=2025-03-31")).await;
}
