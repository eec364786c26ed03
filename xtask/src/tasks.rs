//! The tasks behind `cargo xtask …`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Result, cargo, cmd, exec, root};
use crate::{api_check, setup};

/// Static files of the UI copied next to the wasm-bindgen output.
const UI_STATIC: &[&str] = &["index.html", "main.js", "style.css"];

/// Builds the Leptos UI to `dist/`: the wasm cut at its `#[lazy]` split points (wasm-split), so
/// the start screen's part is all a phone fetches and compiles at start; every part
/// size-optimised; JS glue; static files.
pub fn ui() -> Result {
    let root = root();
    // erase_components: Leptos' type-erased components, measured 9 % less wasm (gzip 319 →
    // 291 KB) with the same behaviour. --emit-relocs: wasm-split needs the linker's
    // relocations to know which code each split point reaches.
    let mut rustflags = std::env::var("RUSTFLAGS").unwrap_or_default();
    rustflags.push_str(" --cfg erase_components -Clink-args=--emit-relocs");
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
    let wasm = root.join("target/wasm32-unknown-unknown/wasm-release/app_ui.wasm");
    let inputs = UiInputs::new(&root, &wasm);
    if dist.join("index.html").is_file() && inputs.unchanged() {
        eprintln!(
            "ui: dist/ is up to date (its inputs are byte for byte those of the last build): \
             wasm-split, wasm-bindgen and wasm-opt skipped"
        );
        return Ok(());
    }
    inputs.forget()?;
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("clean dist/: {e}"))?;
    }
    std::fs::create_dir_all(&dist).map_err(|e| format!("create dist/: {e}"))?;
    // Writes dist/app.wasm (the main part, before bindgen), one .wasm per part and
    // __wasm_split.js, which loads a part the first time its screen opens.
    exec(
        cmd("wasm-split-cli", &["--out-name", "app"])
            .arg(&wasm)
            .arg(&dist),
    )?;
    let main = dist.join("app.wasm");
    exec(
        cmd(
            "wasm-bindgen",
            &[
                "--target",
                "web",
                "--keep-lld-exports",
                "--no-demangle",
                "--no-typescript",
                "--out-name",
                "app",
                "--out-dir",
            ],
        )
        .arg(&dist)
        .arg(&main),
    )?;
    std::fs::remove_file(&main).map_err(|e| format!("remove {}: {e}", main.display()))?;
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
    for part in wasm_files(&dist)? {
        exec(
            Command::new(&wasm_opt)
                // --flatten --rereloop first: 1.5 KB gzip less on the start part than -Oz
                // alone (measured; the same code, restructured before shrinking).
                .args(["--flatten", "--rereloop", "-Oz", "-Oz", "--converge"])
                .args(["--strip-debug", "--strip-producers"])
                .args(features)
                .arg("-o")
                .arg(&part)
                .arg(&part),
        )?;
    }
    for file in UI_STATIC {
        std::fs::copy(root.join("app-ui").join(file), dist.join(file))
            .map_err(|e| format!("copy {file}: {e}"))?;
    }
    minify(&dist)?;
    map_part(&dist)?;
    inputs.remember()
}

/// The map's JavaScript entry (imports `maplibre-gl` and `pmtiles`, npm, pinned in package.json).
const MAP_ENTRY: &str = "app-ui/map/map.js";
/// The map screen's own CSS, loaded by `MAP_ENTRY` with MapLibre's (not at start).
const MAP_CSS: &str = "app-ui/map/map.css";

/// The map part, in `dist/map/`, loaded only when the map screen opens (`app-ui/src/map/`):
/// esbuild bundles `MAP_ENTRY` with MapLibre GL JS and pmtiles into one ES module and minifies
/// `MAP_CSS`; MapLibre's worker (already minified, ESM) and its CSS are copied as they are. The worker is found
/// through `setWorkerUrl` (under `tauri://` MapLibre cannot work out its URL).
fn map_part(dist: &Path) -> Result {
    let root = root();
    let esbuild = root.join("node_modules/.bin/esbuild");
    let maplibre = root.join("node_modules/maplibre-gl/dist");
    if !maplibre.is_dir() {
        return Err("node_modules/maplibre-gl is missing: run `cargo xtask setup`".into());
    }
    let out = dist.join("map");
    std::fs::create_dir_all(&out).map_err(|e| format!("create {}: {e}", out.display()))?;
    let mut outfile = std::ffi::OsString::from("--outfile=");
    outfile.push(out.join("map.js"));
    exec(
        Command::new(&esbuild)
            .arg(root.join(MAP_ENTRY))
            .args([
                "--bundle",
                "--format=esm",
                "--minify",
                MINIFY_TARGET,
                "--log-level=error",
            ])
            .arg(outfile),
    )?;
    for file in ["maplibre-gl-worker.mjs", "maplibre-gl.css"] {
        std::fs::copy(maplibre.join(file), out.join(file))
            .map_err(|e| format!("copy {file}: {e}"))?;
    }
    let mut css = std::ffi::OsString::from("--outfile=");
    css.push(out.join("map.css"));
    exec(
        Command::new(&esbuild)
            .arg(root.join(MAP_CSS))
            .args(["--minify", MINIFY_TARGET, "--log-level=error"])
            .arg(css),
    )
}

/// Everything the UI's post-processing reads: the wasm cargo built, the static files, the
/// lock files (which pin wasm-split, wasm-bindgen, wasm-opt and esbuild) and this file (the
/// flags). Copies of the last successful build's inputs are kept in `target/ui-inputs/`; when
/// each is byte for byte the same, `dist/` is what the post-processing would make again, and
/// skipping it also keeps `dist/`'s times, so the app (which embeds `dist/`) is not rebuilt.
/// Compared by content, not by a hash or a time stamp: nothing to collide or to go stale.
struct UiInputs {
    files: Vec<PathBuf>,
    kept: PathBuf,
}

impl UiInputs {
    fn new(root: &Path, wasm: &Path) -> Self {
        let mut files = vec![
            wasm.to_owned(),
            root.join("Cargo.lock"),
            root.join("package-lock.json"),
            root.join("xtask/src/tasks.rs"),
            root.join(MAP_ENTRY),
            root.join(MAP_CSS),
        ];
        files.extend(UI_STATIC.iter().map(|f| root.join("app-ui").join(f)));
        Self {
            files,
            kept: root.join("target/ui-inputs"),
        }
    }

    /// Where the copy of input `i` is kept (numbered: two inputs may share a file name).
    fn copy_of(&self, i: usize) -> PathBuf {
        self.kept.join(i.to_string())
    }

    /// Written last by [`Self::remember`]: the copies are complete.
    fn complete(&self) -> PathBuf {
        self.kept.join("complete")
    }

    fn unchanged(&self) -> bool {
        self.complete().is_file()
            && self.files.iter().enumerate().all(|(i, file)| {
                match (std::fs::read(file), std::fs::read(self.copy_of(i))) {
                    (Ok(now), Ok(then)) => now == then,
                    _ => false,
                }
            })
    }

    /// Before a build: an interrupted one must not look complete.
    fn forget(&self) -> Result {
        match std::fs::remove_dir_all(&self.kept) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(format!("remove {}: {e}", self.kept.display()))
            }
            _ => Ok(()),
        }
    }

    fn remember(&self) -> Result {
        std::fs::create_dir_all(&self.kept)
            .map_err(|e| format!("create {}: {e}", self.kept.display()))?;
        for (i, file) in self.files.iter().enumerate() {
            std::fs::copy(file, self.copy_of(i))
                .map_err(|e| format!("keep a copy of {}: {e}", file.display()))?;
        }
        std::fs::write(self.complete(), b"")
            .map_err(|e| format!("write {}: {e}", self.complete().display()))
    }
}

/// Oldest engines the minified JS and CSS must still run on (esbuild brings in no newer syntax):
/// the wasm needs reference types, so Android System WebView / Chrome 96 and Safari 15 (iOS
/// WKWebView) are the floor anyway; WebKitGTK here is newer.
const MINIFY_TARGET: &str = "--target=chrome96,safari15";

/// Minifies the JS (wasm-bindgen's glue, the part loader, main.js) and the CSS in place: 3.3 KB
/// less gzip at start, measured. esbuild from npm (package.json), file by file, no bundling.
fn minify(dist: &Path) -> Result {
    let esbuild = root().join("node_modules/.bin/esbuild");
    if !esbuild.is_file() {
        return Err("node_modules/.bin/esbuild is missing: run `cargo xtask setup`".into());
    }
    let entries = std::fs::read_dir(dist).map_err(|e| format!("read {}: {e}", dist.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("read {}: {e}", dist.display()))?
            .path();
        let format: &[&str] = match path.extension().and_then(|x| x.to_str()) {
            Some("js") => &["--format=esm"],
            Some("css") => &[],
            _ => continue,
        };
        let mut out = std::ffi::OsString::from("--outfile=");
        out.push(&path);
        // --log-level=error: wasm-bindgen's glue repeats one key per split import (harmless).
        exec(
            Command::new(&esbuild)
                .arg(&path)
                .args(format)
                .args([
                    "--minify",
                    MINIFY_TARGET,
                    "--allow-overwrite",
                    "--log-level=error",
                ])
                .arg(out),
        )?;
    }
    Ok(())
}

/// The `.wasm` files directly in `dir`.
fn wasm_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("read {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("read {}: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|x| x == "wasm") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
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
    build_like_test()?;
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

/// Builds the app and the server exactly as `cargo xtask test` does, so each command reuses the
/// other's build. `cargo test --workspace` unifies the features of every member and of their
/// dev-dependencies (tauri's `test`, futures' `io`, …) into the binaries it builds; a plain
/// `cargo build -p citizen-app` resolves fewer, and every switch between the two rebuilt most of
/// the dependency graph (measured: 5 min 14 s here). The price: the first `run` on a fresh clone
/// also compiles the tests.
fn build_like_test() -> Result {
    exec(cargo().args(["test", "--workspace", "--no-run"]))
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
    match listening_url(stdout, Duration::from_secs(30)) {
        Ok(url) => Ok((child, url)),
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(e)
        }
    }
}

/// The base URL from city-api's `city-api listening on URL` line, read from its stdout (which
/// a thread keeps draining afterwards, so the server never blocks on a full pipe).
pub fn listening_url(stdout: std::process::ChildStdout, within: Duration) -> Result<String> {
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
    rx.recv_timeout(within)
        .map_err(|_| format!("city-api did not report its address within {within:?}"))
}

/// Everything: setup, UI, binaries the end-to-end tests drive, then every test in the workspace.
pub fn test() -> Result {
    let started = Instant::now();
    setup::all()?;
    // The committed ward catalogue and the former units (what became of each) must be what the
    // generators make from the registries today.
    exec(&mut cmd(
        "python3",
        &["tools/ward-data/gen_units.py", "--check"],
    ))?;
    exec(&mut cmd(
        "python3",
        &["tools/ward-data/gen_former.py", "--check"],
    ))?;
    ui()?;
    bundle_report()?;
    // One build for everything below: the binaries the end-to-end tests drive and the server
    // the API check starts (their packages have integration tests, so `cargo test` builds them).
    build_like_test()?;
    // The served OpenAPI document against the real server, before the long test run.
    api_check::check_built()?;
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

/// Raw and gzip sizes of the UI bundle (wasm + JS + CSS + HTML), every file under `dist/` by
/// its path there (`snippets/…` load at start with the glue; `map/…` when the map opens).
fn bundle_sizes(dist: &Path) -> Result<Vec<(String, u64, u64)>> {
    let mut rows = Vec::new();
    let mut entries = Vec::new();
    let mut dirs = vec![dist.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)
            .map_err(|e| format!("read {} (run `cargo xtask ui` first): {e}", dir.display()))?
        {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| {
                x == "wasm" || x == "js" || x == "mjs" || x == "css" || x == "html"
            }) {
                entries.push(path);
            }
        }
    }
    entries.sort();
    for path in entries {
        let raw = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
        let out = Command::new("gzip")
            .args(["-9", "-c"])
            .arg(&path)
            .output()
            .map_err(|e| e.to_string())?;
        let name = path
            .strip_prefix(dist)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        rows.push((name, raw, out.stdout.len() as u64));
    }
    Ok(rows)
}

/// Most the UI may load at start, gzip (wasm + JS + CSS + HTML): the 150 KB.
const START_BUDGET_GZIP: u64 = 150_000;

/// The UI bundle split into what every start loads and what loads when a screen first opens
/// (wasm-split's `split_*` / `chunk_*` parts), printed; an error when the start is over budget.
fn bundle_report() -> Result {
    println!("== UI bundle (dist/) ==");
    let rows = bundle_sizes(&root().join("dist"))?;
    let on_demand = |name: &str| name.starts_with("split_") || name.starts_with("chunk_");
    let (mut start, mut later, mut parts) = ((0, 0), (0, 0), 0);
    let mut map = (0, 0);
    for (name, r, g) in &rows {
        if name.starts_with("map/") {
            // MapLibre GL JS, pmtiles, the worker and the CSS: fetched when the map opens.
            println!("{name:<32} {r:>9} B raw {g:>9} B gzip  (when the map opens)");
            map = (map.0 + r, map.1 + g);
        } else if on_demand(name) {
            later = (later.0 + r, later.1 + g);
            parts += 1;
        } else {
            println!("{name:<20} {r:>9} B raw {g:>9} B gzip");
            start = (start.0 + r, start.1 + g);
        }
    }
    println!(
        "{:<20} {:>9} B raw {:>9} B gzip  (budget {START_BUDGET_GZIP} B gzip)",
        "loaded at start", start.0, start.1
    );
    println!(
        "{:<20} {:>9} B raw {:>9} B gzip  ({parts} parts, each the first time its screen opens)",
        "loaded when needed", later.0, later.1
    );
    println!(
        "{:<20} {:>9} B raw {:>9} B gzip  (MapLibre GL JS + pmtiles + worker + CSS, when the map opens)",
        "map part (JS)", map.0, map.1
    );
    if start.1 > START_BUDGET_GZIP {
        // Where wasm-split puts shared code and data moves with small changes: see
        // ARCHITECTURE.md ("UI size") for how to find what went into the start part.
        return Err(format!(
            "the UI loads {} B gzip at start, over the {START_BUDGET_GZIP} B budget (if \
             wasm-split warned \"Overlong segment ... putting it in main module\" above, all \
             of the UI's data went into the start part: see ARCHITECTURE.md, UI size)",
            start.1
        ));
    }
    Ok(())
}

pub fn bench() -> Result {
    setup::all()?;
    ui()?;
    bundle_report()?;
    exec(cargo().args(["bench", "-p", "citizen-core", "--bench", "ward_search"]))?;
    exec(cargo().args(["bench", "-p", "citizen-model", "--bench", "ask_search"]))?;
    exec(cargo().args(["bench", "-p", "citizen-core", "--bench", "qr_receipts"]))?;
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
