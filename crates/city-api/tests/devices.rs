//! Device registration and the request signature (issue 13), against the real server: what a
//! registration answers and keeps, how a signature is refused, and what links a report to a
//! device (a signature, never a claim) or to its filer (the owner key, kept hashed).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{API_KEY, OWNER_KEY, TestServer, json, report_form};
use model::trust::{DeviceCredential, Registration};
use reqwest::StatusCode;

#[tokio::test]
async fn a_registration_is_replayed_under_its_key_and_no_secret_is_stored() {
    let s = TestServer::start().await;
    let register = || {
        s.post(model::trust::REGISTER_PATH)
            .header("Idempotency-Key", "install-1")
            .form(&[("api_key", API_KEY)])
            .send()
    };
    let first = register().await.expect("send");
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(first.headers()["cache-control"], "no-store");
    let a: Registration = first.json().await.expect("registration");
    let again = register().await.expect("send");
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let b: Registration = again.json().await.expect("registration");
    assert_eq!(a, b, "a retried registration gets the same device");
    let other = s.register().await;
    assert_ne!(other.id.as_str(), a.device_id);
    assert!(DeviceCredential::from_registration(&a).is_some());
    // The database knows the device, and holds its secret nowhere.
    let dump = s.snapshot();
    assert!(dump.contains(&a.device_id));
    assert!(
        !dump.contains(&a.secret),
        "the secret is derived, never stored"
    );
}

#[tokio::test]
async fn a_stale_time_is_answered_with_the_servers_date_and_a_deleted_device_is_unknown() {
    let s = TestServer::start().await;
    let device = s.register().await;
    let path = "/api/v1/wards/26743/ratings";
    let form = [
        ("api_key", API_KEY),
        ("access", "satisfied"),
        ("procedures", "satisfied"),
        ("officials", "satisfied"),
        ("result", "satisfied"),
        ("feedback", "satisfied"),
    ];
    // The server's clock is a day ahead of this device's.
    s.state.clock.advance(chrono::Duration::days(1));
    let device_now = chrono::Utc::now().timestamp();
    let resp = s
        .signed_at(&device, path, &form, "k-1", device_now)
        .send()
        .await
        .expect("send");
    let date = resp.headers()["date"].to_str().expect("date").to_owned();
    assert_eq!(resp.headers()["www-authenticate"], "Citizen-Signature");
    let (st, err) = json(resp).await;
    common::assert_refused(st, &err, StatusCode::UNAUTHORIZED, "stale_time");
    let server_now = chrono::DateTime::parse_from_rfc2822(&date)
        .expect("an HTTP date")
        .timestamp();
    assert!(
        (server_now - s.state.clock.now().timestamp()).abs() <= 2,
        "Date is the server's clock: {date}"
    );
    // Corrected by that Date, the same request goes through.
    let resp = s
        .signed_at(&device, path, &form, "k-1", server_now)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::CREATED);
    // The city deletes the device (e.g. "delete my data"): it must register again.
    s.db.with(|c| c.execute("DELETE FROM devices WHERE id = ?1", [device.id.as_str()]))
        .expect("delete");
    let (st, err) = json(
        s.signed(&device, path, &form, "k-2")
            .send()
            .await
            .expect("send"),
    )
    .await;
    common::assert_refused(st, &err, StatusCode::UNAUTHORIZED, "unknown_device");
}

#[tokio::test]
async fn only_a_signed_report_is_linked_to_a_device_and_owner_keys_are_kept_hashed() {
    let s = TestServer::start().await;
    let device = s.register().await;
    // Anonymous, from a stock client that also names a device: nothing is linked.
    let anonymous = s.file_report(Some("anon-1")).await;
    let mut claimed = report_form();
    claimed.push(("device_id", "claimed-device-0001"));
    let resp = s
        .post("/open311/v2/requests.json")
        .form(&claimed)
        .send()
        .await
        .expect("send");
    let (st, body) = json(resp).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let claimed_id = body[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let resp = s
        .signed(
            &device,
            "/open311/v2/requests.json",
            &report_form(),
            "named-1",
        )
        .send()
        .await
        .expect("send");
    let (st, body) = json(resp).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let named = body[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let links: Vec<(String, Option<String>, Option<String>)> =
        s.db.with(|c| {
            c.prepare("SELECT id, device_id, owner_key_hash FROM requests ORDER BY id")?
                .query_map([], |r| {
                    Ok((r.get::<_, i64>(0)?.to_string(), r.get(1)?, r.get(2)?))
                })?
                .collect::<Result<_, _>>()
        })
        .expect("rows");
    let link = |id: &str| links.iter().find(|l| l.0 == id).expect("row").clone();
    assert_eq!(
        link(&anonymous).1,
        None,
        "an anonymous report links to no device"
    );
    assert_eq!(
        link(&claimed_id).1,
        None,
        "a claimed device id is not stored"
    );
    assert_eq!(link(&named).1.as_deref(), Some(device.id.as_str()));
    let hash = model::trust::OwnerKey::parse(OWNER_KEY)
        .expect("key")
        .hash_hex();
    assert_eq!(link(&anonymous).2.as_deref(), Some(hash.as_str()));
    assert!(
        !s.snapshot().contains(OWNER_KEY),
        "only the key's hash is kept"
    );
}

#[tokio::test]
async fn limits_answer_429_with_retry_after_before_any_work() {
    use city_api::limits::{Limits, Rate};
    use std::time::Duration;
    let rate = |burst, secs| Rate {
        burst,
        every: Duration::from_secs(secs),
    };
    let s = TestServer::start_with(|st| {
        st.with_limits(Limits {
            register: rate(2, 60),
            post_per_address: rate(1000, 1),
            post_per_device: rate(3, 10),
        })
    })
    .await;
    // Registrations per address: 2, then wait.
    let (a, _) = (s.register().await, s.register().await);
    let third = s
        .post(model::trust::REGISTER_PATH)
        .form(&[("api_key", API_KEY)])
        .send()
        .await
        .expect("send");
    let wait = third.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let (st, err) = json(third).await;
    common::assert_refused(st, &err, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(
        (1..=60).contains(&wait.parse::<u64>().expect("seconds")),
        "{wait}"
    );
    // Even a malformed registration is counted and refused before its body is read.
    let junk = s
        .post(model::trust::REGISTER_PATH)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .expect("send");
    assert_eq!(junk.status(), StatusCode::TOO_MANY_REQUESTS);
    // Signed posts per device: 3, then wait; another device is not affected.
    let report = s.file_report(None).await;
    let path = format!("/open311/v2/requests/{report}/supporters.json");
    for i in 0..3 {
        let r = s
            .signed(&a, &path, &[("api_key", API_KEY)], &format!("m-{i}"))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK);
    }
    let (st, err) = json(
        s.signed(&a, &path, &[("api_key", API_KEY)], "m-3")
            .send()
            .await
            .expect("send"),
    )
    .await;
    common::assert_refused(st, &err, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    s.state.clock.advance(chrono::Duration::seconds(60));
    let b = s.register().await;
    let r = s
        .signed(&b, &path, &[("api_key", API_KEY)], "m-4")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<serde_json::Value>().await.expect("json")[0]["supporters"],
        2
    );
}
