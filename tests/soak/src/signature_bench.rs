//! The cost of the device signature (issue 13), measured in one run against the local server:
//! signing on the app's side (`DeviceCredential::sign`, with the content digest of the body),
//! verifying on the server's (the secret derived from the server's device key, then the HMAC
//! compared), both in µs per request, and their sum as a share of a signed "me too" POST's
//! whole time on 127.0.0.1 (p50 of sequential POSTs, the server's own checks included).

use std::hint::black_box;
use std::time::{Duration, Instant};

use city_api::Keys;
use city_api::local::LocalServer;
use city_api::trust::DeviceKey;
use model::feedback::DeviceId;
use model::trust::signature::{self, SignedRequest};
use model::trust::{ContentDigest, DeviceCredential, Registration};

use crate::client::API_KEY;

type Failure = String;

/// Signatures timed per figure (in a loop; the mean is reported).
const ROUNDS: usize = 20_000;
/// Signed POSTs whose whole time is measured.
const POSTS: usize = 300;

fn request<'a>(path: &'a str, body: &'a str, key: &'a str, time: i64) -> SignedRequest<'a> {
    SignedRequest {
        method: "POST",
        path_and_query: path,
        time,
        idempotency_key: key,
        content: ContentDigest::of_body(body.as_bytes()),
    }
}

pub async fn figures() -> Result<(), Failure> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let keys = Keys {
        api_keys: vec![API_KEY.into()],
        staff_key: None,
    };
    let city = LocalServer::start_with(&dir.path().join("city.db"), keys, |s| {
        // One device posting in a loop: the rate limits are not what is measured here.
        s.with_limits(city_api::limits::Limits::lifted())
    })
    .await
    .map_err(|e| e.to_string())?;
    let http = reqwest::Client::new();
    let form = [("api_key", API_KEY)];
    let reg: Registration = http
        .post(format!("{}{}", city.url, model::trust::REGISTER_PATH))
        .header("Idempotency-Key", "bench-device")
        .form(&form)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let device = DeviceCredential::from_registration(&reg).ok_or("no credential")?;
    // A report to say "me too" to.
    let report: serde_json::Value = http
        .post(format!("{}/open311/v2/requests.json", city.url))
        .form(&[
            ("api_key", API_KEY),
            ("service_code", "thoat-nuoc"),
            ("attribute[kind]", "flood"),
            ("description", "Bench: ngập"),
            ("ward_code", "26743"),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let id = report[0]["service_request_id"]
        .as_str()
        .ok_or("no report id")?
        .to_owned();
    let path = format!("/open311/v2/requests/{id}/supporters.json");
    let body = format!("api_key={API_KEY}");
    let now = city.state.clock.now().timestamp();

    // The app's side: digest of the body and HMAC.
    let t = Instant::now();
    for i in 0..ROUNDS {
        let key = format!("k-{i}");
        black_box(device.sign(&request(&path, &body, &key, now)));
    }
    let sign = t.elapsed() / ROUNDS as u32;

    // The server's side: the secret derived from its device key, the digest, the HMAC compared.
    let server_key = DeviceKey::parse(&"5a".repeat(32)).ok_or("key")?;
    let id_for = DeviceId::parse(device.id.as_str()).ok_or("id")?;
    let secret = server_key.secret_for(&id_for);
    let signed = DeviceCredential {
        id: id_for.clone(),
        secret,
    }
    .sign(&request(&path, &body, "k-0", now));
    let t = Instant::now();
    for _ in 0..ROUNDS {
        let secret = server_key.secret_for(black_box(&id_for));
        black_box(signature::verify(
            &secret,
            &request(&path, &body, "k-0", now),
            &signed,
        ));
    }
    let verify = t.elapsed() / ROUNDS as u32;

    // A signed "me too", whole: sign, send, the server's checks and write, the answer.
    let mut lat = Vec::with_capacity(POSTS);
    for i in 0..POSTS {
        let key = format!("bench-post-{i}");
        let t = Instant::now();
        let time = city.state.clock.now().timestamp();
        let sig = device.sign(&request(&path, &body, &key, time));
        let resp = http
            .post(format!("{}{path}", city.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("idempotency-key", &key)
            .header(signature::DEVICE_HEADER, device.id.as_str())
            .header(signature::TIME_HEADER, time.to_string())
            .header(signature::SIGNATURE_HEADER, sig)
            .body(body.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !resp.status().is_success() {
            return Err(format!("signed me too answered {}", resp.status()));
        }
        resp.bytes().await.map_err(|e| e.to_string())?;
        lat.push(t.elapsed());
    }
    lat.sort();
    let p50 = lat[lat.len() / 2];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "signature: sign {:.1} µs (app), verify {:.1} µs (server: derive the secret + HMAC); a signed \"me too\" POST p50 {:.0} µs on 127.0.0.1, so the signature is {:.2} % of it ({ROUNDS} signatures, {POSTS} POSTs)",
        us(sign),
        us(verify),
        us(p50),
        100.0 * (us(sign) + us(verify)) / us(p50)
    );
    Ok(())
}
