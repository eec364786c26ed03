//! The stuffing test (issue 13): 10,000 attempts at moving one report's "me too" count and one
//! ward's ratings, against the real server on 127.0.0.1:0 with its default rate limits —
//! invented device ids, unsigned requests, forged signatures, a captured signature replayed
//! under its own Idempotency-Key (the first answer comes back) and under another (refused),
//! stale times, and bursts of registrations from one address and from many (the trusted-proxy
//! header lets this one client be many addresses), each registered device then voting. The
//! counts may move by no more than the registrations the limits allowed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::sync::Arc;
use std::time::Instant;

use axum::http::HeaderName;
use city_api::limits::Limits;
use common::{API_KEY, TestServer};
use model::trust::signature::SignedRequest;
use model::trust::{ContentDigest, DeviceCredential, DeviceSecret, Registration};
use reqwest::StatusCode;
use tokio::task::JoinSet;

const ATTEMPTS: usize = 10_000;
const WARD: &str = "26743";
/// At most this many requests in flight.
const PARALLEL: usize = 32;

/// One request of the attack, built before it is sent.
struct Attempt {
    path: String,
    /// The client's address, as the trusted proxy would put it in `X-Forwarded-For`.
    from: String,
    headers: Vec<(&'static str, String)>,
    body: String,
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Register,
    /// A registered device's own vote.
    Vote,
    InventedId,
    Unsigned,
    Forged,
    ReplaySameKey,
    ReplayOtherKey,
    Stale,
}

fn rating_form() -> String {
    serde_urlencoded::to_string([
        ("api_key", API_KEY),
        ("access", "unsatisfied"),
        ("procedures", "unsatisfied"),
        ("officials", "unsatisfied"),
        ("result", "unsatisfied"),
        ("feedback", "unsatisfied"),
    ])
    .expect("form")
}

fn support_form() -> String {
    serde_urlencoded::to_string([("api_key", API_KEY)]).expect("form")
}

/// A signed form POST: its headers.
fn signed(
    device: &DeviceCredential,
    path: &str,
    body: &str,
    key: &str,
    time: i64,
) -> Vec<(&'static str, String)> {
    let sig = device.sign(&SignedRequest {
        method: "POST",
        path_and_query: path,
        time,
        idempotency_key: key,
        content: ContentDigest::of_body(body.as_bytes()),
    });
    vec![
        ("idempotency-key", key.to_owned()),
        ("citizen-device", device.id.as_str().to_owned()),
        ("citizen-time", time.to_string()),
        ("citizen-signature", sig),
    ]
}

/// Sends `a`; answers its status and whether the server replayed a stored answer.
async fn send(client: &reqwest::Client, url: &str, a: &Attempt) -> (StatusCode, bool, String) {
    let mut req = client
        .post(format!("{url}{}", a.path))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", &a.from)
        .body(a.body.clone());
    for (k, v) in &a.headers {
        req = req.header(*k, v);
    }
    let resp = req.send().await.expect("send");
    let status = resp.status();
    let replayed = resp.headers().contains_key("idempotent-replayed");
    (status, replayed, resp.text().await.unwrap_or_default())
}

/// Runs `attempts` at most [`PARALLEL`] at a time; answers each one's kind and outcome, in
/// the order of `attempts`.
async fn run(
    client: &reqwest::Client,
    url: &str,
    attempts: Vec<Attempt>,
) -> Vec<(Kind, StatusCode, bool, String)> {
    let attempts = Arc::new(attempts);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for _ in 0..PARALLEL {
        let (client, url, attempts, next) = (
            client.clone(),
            url.to_owned(),
            attempts.clone(),
            next.clone(),
        );
        set.spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(a) = attempts.get(i) else { break };
                let (status, replayed, body) = send(&client, &url, a).await;
                out.push((i, (a.kind, status, replayed, body)));
            }
            out
        });
    }
    let mut all = Vec::new();
    while let Some(done) = set.join_next().await {
        all.extend(done.expect("task"));
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, a)| a).collect()
}

fn counts(s: &TestServer, report: &str) -> (i64, i64) {
    s.db.with(|c| {
        let support: i64 = c.query_row(
            "SELECT count(*) FROM supporters WHERE request_id = ?1",
            [report],
            |r| r.get(0),
        )?;
        let ratings: i64 = c.query_row(
            "SELECT count(*) FROM ward_ratings WHERE ward_code = ?1",
            [WARD],
            |r| r.get(0),
        )?;
        Ok::<_, rusqlite::Error>((support, ratings))
    })
    .expect("counts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_stuffing_attempts_move_the_counts_by_no_more_than_the_registrations_allowed()
{
    let started = Instant::now();
    let s = TestServer::start_with(|st| {
        st.with_client_ip_header(Some(HeaderName::from_static("x-forwarded-for")))
    })
    .await;
    let limits = Limits::default();
    let client = common::client();
    // The report everyone wants to push up: filed anonymously (no device is its owner).
    let report = s.file_report(None).await;
    let me_too = format!("/open311/v2/requests/{report}/supporters.json");
    let ward = format!("/api/v1/wards/{WARD}/ratings");
    let (support_before, ratings_before) = counts(&s, &report);
    let now = s.state.clock.now().timestamp();

    // One honest device, whose signed vote the attacker captures.
    let honest = s.register().await;
    let captured_body = support_form();
    let captured = signed(&honest, &me_too, &captured_body, "honest-vote", now);
    let first = s
        .signed(&honest, &me_too, &[("api_key", API_KEY)], "honest-vote")
        .send()
        .await
        .expect("send");
    assert_eq!(first.status(), StatusCode::OK);
    let mut attempts_made = 2; // its registration and its vote
    let mut allowed = 1;

    // Registrations: a burst from one address, and from many.
    let register = |from: String| Attempt {
        path: model::trust::REGISTER_PATH.to_owned(),
        from,
        headers: vec![("idempotency-key", uuid::Uuid::new_v4().to_string())],
        body: support_form(),
        kind: Kind::Register,
    };
    let mut regs: Vec<Attempt> = (0..1_000)
        .map(|_| register("198.51.100.1".to_owned()))
        .collect();
    let many = 200;
    for i in 0..many {
        for _ in 0..5 {
            regs.push(register(format!("10.{}.{}.7", i / 200, i % 200)));
        }
    }
    attempts_made += regs.len();
    let regs_from: Vec<String> = regs.iter().map(|a| a.from.clone()).collect();
    let answers = run(&client, &s.url, regs).await;
    let mut devices: Vec<DeviceCredential> = Vec::new();
    let mut per_address: std::collections::BTreeMap<&str, usize> = Default::default();
    for ((_, status, _, body), from) in answers.iter().zip(&regs_from) {
        if *status == StatusCode::CREATED {
            let r: Registration = serde_json::from_str(body).expect("registration");
            devices.push(DeviceCredential::from_registration(&r).expect("credential"));
            *per_address.entry(from).or_default() += 1;
        } else {
            assert_eq!(*status, StatusCode::TOO_MANY_REQUESTS, "{body}");
            assert!(body.contains("rate_limited"), "{body}");
        }
    }
    let burst = limits.register.burst as usize;
    let from_one = per_address.get("198.51.100.1").copied().unwrap_or(0);
    // No address got more than its burst (the refill is minutes; this test takes seconds).
    assert!(per_address.values().all(|n| *n <= burst), "{per_address:?}");
    assert_eq!(from_one, burst, "the one address got exactly its burst");
    let registered = devices.len();
    allowed += registered;

    // Every registered device votes on both counts, each from an address of the pool.
    let mut attack: Vec<Attempt> = Vec::new();
    for (i, d) in devices.iter().enumerate() {
        let from = format!("10.1.{}.{}", i / 250, i % 250);
        for (path, body) in [(&me_too, support_form()), (&ward, rating_form())] {
            attack.push(Attempt {
                path: path.clone(),
                from: from.clone(),
                headers: signed(d, path, &body, &uuid::Uuid::new_v4().to_string(), now),
                body,
                kind: Kind::Vote,
            });
        }
    }

    // The rest: invented ids, unsigned, forged, replayed, stale — from 100 addresses.
    let victim = &devices[0];
    let kinds = [
        Kind::InventedId,
        Kind::Unsigned,
        Kind::Forged,
        Kind::ReplaySameKey,
        Kind::ReplayOtherKey,
        Kind::Stale,
    ];
    let mut i = 0;
    while attempts_made + attack.len() < ATTEMPTS {
        let kind = kinds[i % kinds.len()];
        let from = format!("172.16.{}.{}", (i / 250) % 100, i % 250);
        let (path, body) = if i % 2 == 0 {
            (me_too.clone(), support_form())
        } else {
            (ward.clone(), rating_form())
        };
        let key = format!("attack-{i}");
        let (path, body, headers) = match kind {
            Kind::InventedId => {
                let fake = DeviceCredential {
                    id: model::feedback::DeviceId::parse(&format!("invented-{i:08}")).expect("id"),
                    secret: DeviceSecret::from_bytes([i as u8; 32]),
                };
                let h = signed(&fake, &path, &body, &key, now);
                (path, body, h)
            }
            Kind::Unsigned => {
                // The old way: a device id in the form (refused as an unknown field) or none.
                let body = if i % 4 < 2 {
                    format!("{body}&device_id=invented-{i:08}")
                } else {
                    body
                };
                (path, body, vec![("idempotency-key", key)])
            }
            Kind::Forged => {
                let forged = DeviceCredential {
                    id: victim.id.clone(),
                    secret: DeviceSecret::from_bytes([(i % 251) as u8; 32]),
                };
                let h = signed(&forged, &path, &body, &key, now);
                (path, body, h)
            }
            Kind::ReplaySameKey => (me_too.clone(), captured_body.clone(), captured.clone()),
            Kind::ReplayOtherKey => {
                let mut h = captured.clone();
                h[0].1 = key;
                (me_too.clone(), captured_body.clone(), h)
            }
            Kind::Stale => {
                let when = if i % 4 < 2 { now - 301 } else { now + 3600 };
                let h = signed(victim, &path, &body, &key, when);
                (path, body, h)
            }
            Kind::Register | Kind::Vote => unreachable!(),
        };
        attack.push(Attempt {
            path,
            from,
            headers,
            body,
            kind,
        });
        i += 1;
    }
    attempts_made += attack.len();
    assert_eq!(attempts_made, ATTEMPTS);
    let answers = run(&client, &s.url, attack).await;

    let mut replayed = 0;
    for (kind, status, was_replayed, body) in &answers {
        match kind {
            Kind::Vote => assert!(status.is_success(), "{kind:?}: {status} {body}"),
            Kind::ReplaySameKey => {
                // The first answer again — or 409 while another copy is being answered, or 429
                // once the device's own budget is spent.
                assert!(
                    (*status == StatusCode::OK && *was_replayed)
                        || *status == StatusCode::CONFLICT && body.contains("request_in_flight")
                        || *status == StatusCode::TOO_MANY_REQUESTS,
                    "{kind:?}: {status} {body}"
                );
                replayed += usize::from(*was_replayed);
            }
            _ => assert!(
                status.is_client_error() && !status.is_success(),
                "{kind:?}: {status} {body}"
            ),
        }
        if matches!(kind, Kind::Unsigned) && !body.contains("unknown_field") {
            assert!(body.contains("\"unsigned\""), "{body}");
        }
        if matches!(kind, Kind::Stale) && *status != StatusCode::TOO_MANY_REQUESTS {
            assert!(body.contains("stale_time"), "{body}");
        }
        if matches!(kind, Kind::Forged | Kind::InventedId | Kind::ReplayOtherKey)
            && *status != StatusCode::TOO_MANY_REQUESTS
        {
            assert!(body.contains("bad_signature"), "{kind:?}: {body}");
        }
    }
    assert!(
        replayed > 0,
        "a captured signature replays the first answer"
    );

    let (support_after, ratings_after) = counts(&s, &report);
    let moved_support = support_after - support_before;
    let moved_ratings = ratings_after - ratings_before;
    let allowed = allowed as i64;
    assert!(moved_support <= allowed, "{moved_support} > {allowed}");
    assert!(moved_ratings <= allowed, "{moved_ratings} > {allowed}");
    // And it does count: each registered device once.
    assert_eq!(moved_support, allowed);
    assert_eq!(
        moved_ratings,
        allowed - 1,
        "the honest device rated no ward"
    );
    let took = started.elapsed();
    println!(
        "stuffing: {ATTEMPTS} attempts, count +{moved_support} (me too) +{moved_ratings} (ward ratings), registrations allowed {allowed} ({from_one} of 1,000 from one address, {} of 1,000 from {many} addresses, 1 honest; {burst} per address, then 1 per {} s), {:.1} s",
        registered - from_one,
        limits.register.every.as_secs(),
        took.as_secs_f64()
    );
}
