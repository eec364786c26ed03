//! The tasks behind `cargo xtask …`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::setup;
use crate::util::{Result, cargo, cmd, exec, root};

/// Static files of the UI copied next to the wasm-bindgen output.
const UI_STATIC: &[&str] = &["index.html", "main.js", "style.css"];

/// Builds the Leptos UI to `dist/`: wasm (size-optimised) + its JS glue + static files.
pub fn ui() -> Result {
    let root = root();
    // Leptos' type-erased components: measured 9 % less wasm (gzip 319 → 291 KB) than the
    // monomorphised default, with the same behaviour (the end-to-end tests run this build).
    let mut rustflags = std::env::var("RUSTFLAGS").unwrap_or_default();
    rustflags.push_str(" --cfg erase_components");
    exec(
        cargo()
            .args([
                "build",
                "-p",
                "app-ui",
                "--target",
                "wasm32-unknown-unknown",
                "--profile",
                "wasm-release",
            ])
            .env("RUSTFLAGS", rustflags.trim()),
    )?;
    let dist = root.join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("clean dist/: {e}"))?;
    }
    std::fs::create_dir_all(&dist).map_err(|e| format!("create dist/: {e}"))?;
    let wasm = root.join("target/wasm32-unknown-unknown/wasm-release/app_ui.wasm");
    exec(
        cmd(
            "wasm-bindgen",
            &[
                "--target",
                "web",
                "--no-typescript",
                "--out-name",
                "app",
                "--out-dir",
            ],
        )
        .arg(&dist)
        .arg(&wasm),
    )?;
    let bg = dist.join("app_bg.wasm");
    // From npm (package.json): Debian's wasm-opt 108 breaks wasm-bindgen's externref table.
    let wasm_opt = root.join("node_modules/.bin/wasm-opt");
    if !wasm_opt.is_file() {
        return Err("node_modules/.bin/wasm-opt is missing: run `cargo xtask setup`".into());
    }
    let features = [
        "--enable-bulk-memory",
        "--enable-nontrapping-float-to-int",
        "--enable-sign-ext",
        "--enable-mutable-globals",
        "--enable-reference-types",
        "--enable-multivalue",
    ];
    exec(
        Command::new(&wasm_opt)
            .args(["-Oz", "--converge", "--strip-debug", "--strip-producers"])
            .args(features)
            .arg("-o")
            .arg(&bg)
            .arg(&bg),
    )?;
    for file in UI_STATIC {
        std::fs::copy(root.join("app-ui").join(file), dist.join(file))
            .map_err(|e| format!("copy {file}: {e}"))?;
    }
    Ok(())
}

fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

/// Sets up, builds, starts the seeded reference city API on 127.0.0.1 and opens the app on it.
pub fn run_app() -> Result {
    if !has_display() {
        return Err("no display found (DISPLAY / WAYLAND_DISPLAY are unset), so the app window cannot open.\n\
             On a server or over SSH, run it under a virtual display:\n\n    xvfb-run -a cargo xtask run\n"
            .into());
    }
    setup::all()?;
    ui()?;
    exec(cargo().args(["build", "-p", "city-api", "-p", "citizen-app"]))?;
    let data = root().join(".data");
    std::fs::create_dir_all(&data).map_err(|e| format!("create .data/: {e}"))?;
    let (mut server, url) = start_city_api(&data.join("city-api.db"))?;
    eprintln!("run: reference city API at {url} (database .data/city-api.db); opening the app…");
    let status = Command::new(root().join("target/debug/citizen-app"))
        .env("CITIZEN_API_URL", &url)
        .status()
        .map_err(|e| format!("cannot start the app: {e}"));
    let _ = server.kill();
    let _ = server.wait();
    match status? {
        s if s.success() => Ok(()),
        s => Err(format!("the app exited with {s}")),
    }
}

/// Starts `target/debug/city-api` on a free loopback port; returns it and its base URL.
pub fn start_city_api(db: &Path) -> Result<(Child, String)> {
    let mut child = Command::new(root().join("target/debug/city-api"))
        .arg("--db")
        .arg(db)
        .args(["--bind", "127.0.0.1:0", "--seed", "hcmc"])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start city-api: {e}"))?;
    let stdout = child.stdout.take().ok_or("city-api has no stdout")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if let Some(url) = line.strip_prefix("city-api listening on ") {
                let _ = tx.send(url.trim().to_owned());
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(url) => Ok((child, url)),
        Err(_) => {
            let _ = child.kill();
            Err("city-api did not report its address within 30 s".into())
        }
    }
}

/// Everything: setup, UI, binaries the end-to-end tests drive, then every test in the workspace.
pub fn test() -> Result {
    let started = Instant::now();
    setup::all()?;
    // The committed ward catalogue must be what the generator makes from the registries today.
    exec(&mut cmd(
        "python3",
        &["tools/ward-data/gen_units.py", "--check"],
    ))?;
    ui()?;
    // `cargo test` builds the app and server binaries the end-to-end tests drive (their
    // packages have integration tests), so no separate build is needed.
    let shots = root().join("target/e2e-screenshots");
    exec(
        cargo()
            .args(["test", "--workspace"])
            .env("CITIZEN_E2E_SCREENSHOTS", &shots),
    )?;
    eprintln!(
        "test: all green in {:.0?}; screenshots in {}",
        started.elapsed(),
        shots.display()
    );
    Ok(())
}

pub fn lint() -> Result {
    exec(cargo().args(["fmt", "--all", "--check"]))?;
    exec(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    exec(cargo().args([
        "clippy",
        "-p",
        "app-ui",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))
}

/// Raw and gzip sizes of the UI bundle (wasm + JS + CSS).
fn bundle_sizes(dist: &Path) -> Result<Vec<(String, u64, u64)>> {
    let mut rows = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dist)
        .map_err(|e| format!("read dist/ (run `cargo xtask ui` first): {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "wasm" || x == "js" || x == "css")
        })
        .collect();
    entries.sort();
    for path in entries {
        let raw = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
        let out = Command::new("gzip")
            .args(["-9", "-c"])
            .arg(&path)
            .output()
            .map_err(|e| e.to_string())?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        rows.push((name, raw, out.stdout.len() as u64));
    }
    Ok(rows)
}

pub fn bench() -> Result {
    setup::all()?;
    ui()?;
    println!("== UI bundle (dist/) ==");
    let rows = bundle_sizes(&root().join("dist"))?;
    let (mut raw, mut gz) = (0, 0);
    for (name, r, g) in &rows {
        println!("{name:<20} {r:>9} B raw {g:>9} B gzip");
        raw += r;
        gz += g;
    }
    println!(
        "{:<20} {raw:>9} B raw {gz:>9} B gzip  (target ≤ 150 KB gzip)",
        "total"
    );
    exec(cargo().args(["bench", "-p", "citizen-core", "--bench", "ward_search"]))?;
    exec(cargo().args(["build", "--release", "-p", "citizen-app", "-p", "city-api"]))?;
    for bin in ["citizen-app", "city-api"] {
        let len = std::fs::metadata(root().join("target/release").join(bin))
            .map_err(|e| e.to_string())?
            .len();
        println!(
            "release binary {bin:<12} {:>6.1} MiB",
            len as f64 / 1_048_576.0
        );
    }
    exec(cargo().args(["run", "--release", "-p", "e2e", "--bin", "startup_bench"]))?;
    exec(cargo().args(["run", "--release", "-p", "citizen-soak", "--", "bench"]))
}
