//! The harness ends every process a launch starts (tauri-driver, WebKitWebDriver, the app, its
//! WebKit processes), when a test ends normally and when it fails: a run must not leave
//! WebKitWebDriver processes behind, one per launch, as it once did.

use std::time::{Duration, Instant};

use e2e::{App, AppEnv, CityApi, Display, Result, processes_in_group};

/// Waits (bounded) until nothing of `group` runs; returns what still ran at the end.
async fn gone(group: i32) -> Vec<(i32, String)> {
    let start = Instant::now();
    loop {
        let left = processes_in_group(group);
        if left.is_empty() || start.elapsed() > Duration::from_secs(10) {
            return left;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_leaves_no_process_after_it_ends_or_fails() -> Result {
    let display = Display::start(1280, 800)?;
    let tmp = tempfile::tempdir()?;
    let api = CityApi::start(&tmp.path().join("city.db"))?;
    let url = api.url.clone();

    // A test that passes and closes its session.
    let env = AppEnv {
        display: &display,
        data_home: &tmp.path().join("ok"),
        api_url: &url,
        session_bus: None,
    };
    let app = App::launch(&env).await?;
    app.find("#nav-wards").await?;
    let group = app.process_group();
    let running: Vec<String> = processes_in_group(group)
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    // Proves the check sees what used to be left behind.
    for wanted in ["tauri-driver", "WebKitWebDriver", "citizen-app"] {
        assert!(
            running.iter().any(|name| name.starts_with(wanted)),
            "{wanted} not found in the launch's process group: {running:?}"
        );
    }
    app.close().await?;
    assert_eq!(gone(group).await, vec![], "left after a passing test");

    // A test that panics with the app open (on its own display, as the task must own what it
    // uses): the unwinding drops it.
    let data_home = tmp.path().join("failing");
    let (tx, rx) = tokio::sync::oneshot::channel();
    let failing = tokio::spawn(async move {
        let display = Display::start(1280, 800).expect("a display");
        let env = AppEnv {
            display: &display,
            data_home: &data_home,
            api_url: &url,
            session_bus: None,
        };
        let app = App::launch(&env).await.expect("a launch");
        let _ = tx.send(app.process_group());
        panic!("a failing end-to-end test");
    });
    let group = rx.await?;
    assert!(failing.await.is_err(), "the failing test did not fail");
    assert_eq!(gone(group).await, vec![], "left after a failing test");
    Ok(())
}
