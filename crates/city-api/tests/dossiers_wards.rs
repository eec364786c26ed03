//! Dossier lookup by code + check value, ward statistics and ward ratings, on a real server
//! over a real SQLite file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{API_KEY, TestServer};
use model::dossier::{Dossier, DossierStatus};
use model::ward_rating::{AnswerCounts, Element, RatingReceipt, WardStats};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn a_dossier_is_found_with_its_check_value_only() {
    let s = TestServer::start().await;
    let all = s.dossier_samples(500);
    assert_eq!(all.len(), city_api::db::dossiers::DEMO_DOSSIERS);
    let (code, check) = &all[0];
    let resp = s
        .get(&format!(
            "/api/v1/dossiers/{code}?check={}",
            check.to_lowercase()
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let d: Dossier = resp.json().await.expect("dossier");
    assert_eq!(&d.code, code);
    assert!(!d.timeline.is_empty());
    assert_eq!(d.timeline[0].status, DossierStatus::Received);
    assert_eq!(d.timeline.last().map(|e| e.status), Some(d.status));
    assert!(
        d.agency.contains("UBND")
            || d.agency.contains("Sở")
            || d.agency.contains("Chi nhánh")
            || d.agency.contains("Công an")
    );
    assert!(!d.ward_name.is_empty());
    assert_eq!(d.on_time.is_some(), d.finished_at.is_some());

    let english: Dossier = s
        .get_json(&format!("/api/v1/dossiers/{code}?check={check}&locale=en"))
        .await;
    assert_ne!(english.procedure, d.procedure);

    // A wrong check value and an unknown code answer exactly alike.
    let wrong = if check.as_str() == "222222" {
        "333333"
    } else {
        "222222"
    };
    let a = s
        .get(&format!("/api/v1/dossiers/{code}?check={wrong}"))
        .send()
        .await
        .expect("send");
    let b = s
        .get(&format!(
            "/api/v1/dossiers/000.99.99.H29-010101-9999?check={check}"
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(a.status(), StatusCode::NOT_FOUND);
    assert_eq!(b.status(), StatusCode::NOT_FOUND);
    let (a, b): (Value, Value) = (a.json().await.expect("a"), b.json().await.expect("b"));
    assert_eq!(a, b);
}

#[tokio::test]
async fn the_demo_set_is_realistic() {
    let s = TestServer::start().await;
    let (fields, wards, statuses, late): (i64, i64, i64, i64) =
        s.db.with(|c| {
            c.query_row(
                "SELECT count(DISTINCT field), count(DISTINCT ward_code), count(DISTINCT status),
                        count(*) FILTER (WHERE finished_at > expected_at)
                 FROM dossiers",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
        })
        .expect("query");
    assert!(fields >= 6, "fields {fields}");
    assert!(wards >= 100, "wards {wards}");
    assert!(statuses >= 4, "statuses {statuses}");
    assert!(late >= 1, "some dossiers are late");
    // Seeding again adds nothing.
    let again =
        s.db.with(|c| city_api::db::seed_dossiers(c, chrono::Utc::now()))
            .expect("reseed");
    assert_eq!(again, 0);
}

fn rating(access: &str) -> Vec<(&str, &str)> {
    vec![
        ("api_key", API_KEY),
        ("access", access),
        ("procedures", "satisfied"),
        ("officials", "satisfied"),
        ("result", "satisfied"),
        ("feedback", "unsatisfied"),
        ("comment", "Chờ hơi lâu nhưng cán bộ tận tình"),
    ]
}

#[tokio::test]
async fn a_device_rates_a_ward_once_a_month_and_stats_follow() {
    let s = TestServer::start().await;
    let path = "/api/v1/wards/26743/ratings";
    let device = s.register().await;
    // Unsigned: refused (it used to be counted per claimed device id).
    let unsigned = s
        .post(path)
        .form(&rating("satisfied"))
        .send()
        .await
        .expect("send");
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    let body: Value = unsigned.json().await.expect("json");
    assert_eq!(body[0]["reason"], "unsigned");
    let first = s
        .signed(&device, path, &rating("satisfied"), "rate-1")
        .send()
        .await
        .expect("send");
    assert_eq!(first.status(), StatusCode::CREATED);
    let receipt: RatingReceipt = first.json().await.expect("receipt");
    assert_eq!(receipt.ward_code, "26743");
    let vietnam_month = (chrono::Utc::now() + chrono::Duration::hours(7))
        .format("%Y-%m")
        .to_string();
    assert_eq!(receipt.month, vietnam_month);
    // The same request again (a retry) replays; a second rating the same month is refused.
    let replay = s
        .signed(&device, path, &rating("satisfied"), "rate-1")
        .send()
        .await
        .expect("send");
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let again = s
        .signed(&device, path, &rating("unsatisfied"), "rate-2")
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let body: Value = again.json().await.expect("json");
    assert_eq!(body[0]["reason"], "already_rated_this_month");
    // Another device may; so may the first one next month.
    let other_device = s.register().await;
    let other = s
        .signed(&other_device, path, &rating("neutral"), "rate-3")
        .send()
        .await
        .expect("send");
    assert_eq!(other.status(), StatusCode::CREATED);
    s.state.clock.advance(chrono::Duration::days(32));
    let next_month = s
        .signed(&device, path, &rating("satisfied"), "rate-4")
        .send()
        .await
        .expect("send");
    assert_eq!(next_month.status(), StatusCode::CREATED);

    // Statistics: the ratings, and a report filed and resolved in this ward. Its answer date
    // exists only where the holiday calendar reaches (the clock is a month ahead).
    let filed = s.state.clock.now();
    let id = s.file_report(None).await;
    let resolved = s.staff(&id, "resolved").await;
    assert_eq!(resolved.status(), StatusCode::OK);
    let stats: WardStats = s.get_json("/api/v1/wards/26743/stats").await;
    assert_eq!(stats.ratings.count, 3);
    // Answers per element, counted, never averaged: access was "satisfied", "neutral" and
    // "satisfied"; feedback "unsatisfied" three times.
    let counts = |e: Element| {
        stats
            .ratings
            .elements
            .iter()
            .find(|x| x.element == e)
            .map(|x| x.counts)
            .expect("element")
    };
    assert_eq!(
        counts(Element::Access),
        AnswerCounts {
            satisfied: 2,
            neutral: 1,
            unsatisfied: 0
        }
    );
    assert_eq!(counts(Element::Feedback).unsatisfied, 3);
    assert_eq!(stats.ratings.earlier_scale, None);
    assert_eq!(stats.reports.received, 1);
    assert_eq!(stats.reports.resolved, 1);
    let dated =
        u64::from(city_api::calendar::after(city_api::calendar::bundled(), filed, 5).is_some());
    assert_eq!(stats.reports.resolved_with_due_date, dated);
    assert_eq!(stats.reports.resolved_on_time, dated);
    assert!(stats.dossiers.received >= stats.dossiers.finished);
    let unknown = s
        .get("/api/v1/wards/99999/stats")
        .send()
        .await
        .expect("send");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn check_values_are_random_for_each_database() {
    let (a, b) = (TestServer::start().await, TestServer::start().await);
    let (a, b) = (a.dossier_samples(500), b.dossier_samples(500));
    for (_, check) in &a {
        assert!(
            model::dossier::CheckValue::parse(check).is_some(),
            "{check}"
        );
    }
    // The same demo plan, other check values: knowing this program opens no other server.
    let same = a.iter().zip(&b).filter(|((_, x), (_, y))| x == y).count();
    assert!(same <= 1, "{same} of {} check values repeat", a.len());
    let distinct: std::collections::HashSet<_> = a.iter().map(|(_, c)| c).collect();
    assert!(distinct.len() >= a.len() - 1);
}

#[tokio::test]
async fn an_unknown_stored_state_reads_as_other() {
    let s = TestServer::start().await;
    let (code, check) = s.dossier_samples(1).remove(0);
    s.db.with(|c| {
        c.execute(
            "UPDATE dossiers SET status = 'da_chuyen_lien_thong' WHERE code = ?1",
            [&code],
        )
    })
    .expect("a city's own state");
    let (status, body) = common::json(
        s.get(&format!("/api/v1/dossiers/{code}?check={check}"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "other");
}

#[tokio::test]
async fn a_demo_dossier_waiting_for_papers_says_what_where_and_by_when() {
    let s = TestServer::start().await;
    let waiting: Vec<(String, String)> =
        s.db.with(|c| {
            c.prepare(
                "SELECT code, check_value FROM dossiers WHERE status = 'supplement_requested'",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()
        })
        .expect("query");
    assert!(
        !waiting.is_empty(),
        "the demo set has a dossier waiting for papers"
    );
    for (code, check) in waiting {
        let d: Dossier = s
            .get_json(&format!("/api/v1/dossiers/{code}?check={check}"))
            .await;
        let asked = d.supplement.expect("supplement");
        assert!(!asked.papers.is_empty());
        assert!(asked.due.is_some());
    }
}
