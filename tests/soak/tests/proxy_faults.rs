//! The proxy itself: a clean request passes through untouched, and with a fault rate of 1 every
//! kind of fault is played, the same way for the same seed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::net::SocketAddr;

use citizen_soak::proxy::FaultProxy;

async fn upstream() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = canned_ok();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let body = app.clone();
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = vec![0_u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(body.as_bytes()).await;
            });
        }
    });
    addr
}

fn canned_ok() -> String {
    let body = r#"[{"ok":true}]"#;
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

async fn outcomes(seed: u64, rate: f64, n: usize) -> Vec<String> {
    let proxy = FaultProxy::start(upstream().await, seed, rate)
        .await
        .expect("proxy");
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .build()
        .expect("client");
    let mut seen = Vec::new();
    for _ in 0..n {
        let r = http
            .post(format!("http://{}/x", proxy.addr))
            .body("a=1")
            .send()
            .await;
        seen.push(match r {
            Ok(resp) => {
                let status = resp.status().as_u16();
                match resp.text().await {
                    Ok(t) if t == r#"[{"ok":true}]"# => format!("{status} ok"),
                    Ok(_) => format!("{status} other"),
                    Err(_) => format!("{status} cut"),
                }
            }
            Err(_) => "no answer".to_owned(),
        });
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_without_faults_and_every_fault_with_them() {
    let clean = outcomes(1, 0.0, 5).await;
    assert!(clean.iter().all(|o| o == "200 ok"), "{clean:?}");

    let faulty = outcomes(42, 1.0, 60).await;
    for want in ["no answer", "429 other", "503 other", "502 other", "200 ok"] {
        assert!(
            faulty.iter().any(|o| o == want),
            "{want} missing: {faulty:?}"
        );
    }
    assert_eq!(faulty, outcomes(42, 1.0, 60).await, "a seed replays");
}
