//! Start-up figures of the real app under Xvfb: time from launch to the first screen (the home
//! screen's tiles present), and idle memory (RSS of the app and its WebKit processes) after it
//! settles. Prints figures, asserts nothing about time. Run by `cargo xtask bench`.

use std::time::{Duration, Instant};

use e2e::{App, AppEnv, CityApi, Display, Result};

const RUNS: usize = 5;

/// Resident memory (KiB) of every process whose command line mentions `needle`.
fn rss_kib(needle: &str) -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| {
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            if !String::from_utf8_lossy(&cmdline).contains(needle) {
                return None;
            }
            let status = std::fs::read_to_string(e.path().join("status")).ok()?;
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .sum()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let api = CityApi::start(&tmp.path().join("city.db"))?;
    let mut cold = Vec::new();
    for run in 0..RUNS {
        let home = tmp.path().join(format!("run{run}"));
        let env = AppEnv {
            display: &display,
            data_home: &home,
            api_url: &api.url,
            session_bus: None,
        };
        let start = Instant::now();
        let app = App::launch(&env).await?;
        app.find("#nav-wards").await?;
        cold.push(start.elapsed());
        if run == 0 {
            tokio::time::sleep(Duration::from_secs(5)).await;
            let app_rss = rss_kib("citizen-app");
            let web_rss = rss_kib("WebKitWebProcess") + rss_kib("WebKitNetworkProcess");
            println!(
                "idle RSS after 5 s: app {:.1} MiB + WebKit {:.1} MiB = {:.1} MiB",
                app_rss as f64 / 1024.0,
                web_rss as f64 / 1024.0,
                (app_rss + web_rss) as f64 / 1024.0
            );
        }
        app.close().await?;
    }
    cold.sort();
    println!(
        "launch → first screen (fresh data folder each run, {RUNS} runs, includes WebDriver session set-up): min {:.0?} median {:.0?} max {:.0?}",
        cold[0],
        cold[RUNS / 2],
        cold[RUNS - 1]
    );
    Ok(())
}
