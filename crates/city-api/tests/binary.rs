//! The `city-api` binary as a city IT team runs it: prints its address, serves, stops on SIGTERM.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn starts_on_a_free_port_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, url) = spawn(&dir.path().join("city.db"), "127.0.0.1:0");
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{url}/health"))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map(|r| r.status())
    });
    assert_eq!(status.expect("health").as_u16(), 200);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit}");
}

#[test]
fn a_bad_database_path_is_a_clear_error_not_a_panic() {
    let out = Command::new(env!("CARGO_BIN_EXE_city-api"))
        .args(["--db", "/proc/no/such/dir/city.db", "--bind", "127.0.0.1:0"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot open"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Starts the binary on `bind` over `db`; returns the child and its URL.
fn spawn(db: &std::path::Path, bind: &str) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_city-api"))
        .arg("--db")
        .arg(db)
        .args(["--bind", bind, "--seed", "hcmc", "--api-key", "k-test"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read");
    let url = line
        .trim()
        .strip_prefix("city-api listening on ")
        .expect("address line")
        .to_owned();
    (child, url)
}

#[test]
fn acknowledged_reports_survive_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("city.db");
    let (mut child, url) = spawn(&db, "127.0.0.1:0");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let post = |url: String, n: usize| {
        let client = client.clone();
        async move {
            let body = [
                ("api_key", "k-test".to_owned()),
                ("service_code", "cay-xanh".to_owned()),
                ("ward_code", "26743".to_owned()),
                ("description", format!("Cây đổ số {n}")),
                ("attribute[kind]", "fallen".to_owned()),
            ];
            let resp = client
                .post(format!("{url}/open311/v2/requests.json"))
                .header("Idempotency-Key", format!("kill9-{n}"))
                .form(&body)
                .send()
                .await
                .expect("send");
            assert_eq!(resp.status().as_u16(), 200);
            let v: serde_json::Value = resp.json().await.expect("json");
            v[0]["service_request_id"].as_str().expect("id").to_owned()
        }
    };
    let ids: Vec<String> = rt.block_on(async {
        let mut ids = Vec::new();
        for n in 0..20 {
            ids.push(post(url.clone(), n).await);
        }
        ids
    });
    // No graceful anything: the process dies right after the last acknowledgement.
    child.kill().expect("kill -9");
    child.wait().expect("reap");

    let (mut child, url) = spawn(&db, "127.0.0.1:0");
    rt.block_on(async {
        for (n, id) in ids.iter().enumerate() {
            let got: serde_json::Value = client
                .get(format!("{url}/open311/v2/requests/{id}.json"))
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            assert_eq!(got[0]["description"], format!("Cây đổ số {n}"));
        }
        // The stored answers survived too: a client that never saw its answer gets the same id.
        assert_eq!(post(url.clone(), 19).await, ids[19]);
        let all: serde_json::Value = client
            .get(format!("{url}/open311/v2/requests.json"))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        assert_eq!(all.as_array().map(Vec::len), Some(20));
    });
    let _ = child.kill();
    let _ = child.wait();
}
