//! Harness for end-to-end tests: a private X display, the reference city API, tauri-driver and
//! a WebDriver session on the real app binary. Every process is killed on drop; every wait is
//! bounded.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T = ()> = std::result::Result<T, Error>;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A binary built by `cargo xtask test` (debug) or `cargo xtask bench` (release).
pub fn binary(name: &str) -> Result<PathBuf> {
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let path = root().join("target").join(profile).join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: run the tests with `cargo xtask test`, which builds it",
            path.display()
        )
        .into())
    }
}

/// A child process in a process group of its own, which it leads: on drop the whole group is
/// killed, so what the child started goes too (tauri-driver starts WebKitWebDriver, which starts
/// the app, which starts WebKit's processes; WebKitWebDriver ignores SIGTERM and, killed alone,
/// tauri-driver left it running, one per launch). The child also gets SIGKILL if the thread that
/// started it dies without dropping it (PR_SET_PDEATHSIG). The test process is made a child
/// subreaper, so the group's orphans become its children and are reaped here too, not left as
/// zombies under an init that never reaps (this machine's).
pub struct Proc(Child);

impl Proc {
    pub fn spawn(cmd: &mut Command) -> std::io::Result<Self> {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl(2) on this process, no memory passed.
        if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        cmd.process_group(0);
        // SAFETY: the closure runs between fork and exec and calls only prctl(2), which is
        // async-signal-safe; it touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        cmd.spawn().map(Self)
    }

    /// The id of the child's process group (its own pid).
    pub fn group(&self) -> i32 {
        i32::try_from(self.0.id()).unwrap_or(i32::MAX)
    }

    fn stdout(&mut self) -> Option<std::process::ChildStdout> {
        self.0.stdout.take()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        // SAFETY: kill(2) on our own child's process group has no memory effects.
        unsafe { libc::kill(-self.group(), libc::SIGKILL) };
        let _ = self.0.wait();
        // The group's orphans, reparented to this subreaper; killed above, so this ends (ECHILD)
        // within a moment. Bounded all the same.
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            // SAFETY: waitpid(2) on our own children of this group, status unused.
            match unsafe { libc::waitpid(-self.group(), std::ptr::null_mut(), libc::WNOHANG) } {
                0 => std::thread::sleep(Duration::from_millis(10)),
                pid if pid > 0 => {}
                _ => break,
            }
        }
    }
}

/// The processes still running in process group `group` (zombies, already dead, left out):
/// `(pid, command name)`. What the harness checks is empty once an [`App`] is dropped.
pub fn processes_in_group(group: i32) -> Vec<(i32, String)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in dir.filter_map(|e| e.ok()) {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let mut rest = stat[close + 1..].split_whitespace();
        let state = rest.next();
        let pgrp = rest.nth(1).and_then(|g| g.parse::<i32>().ok());
        if pgrp == Some(group) && state != Some("Z") {
            found.push((pid, stat[open + 1..close].to_owned()));
        }
    }
    found
}

fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) -> Result {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{what} not ready within {timeout:?}").into())
}

/// A private virtual X display (Xvfb), so tests never need or touch a real screen.
pub struct Display {
    pub name: String,
    child: Child,
}

impl Display {
    /// Xvfb picks a free display itself (`-displayfd`) and prints its number once it accepts
    /// clients: no guessing from lock files, which a killed run leaves behind.
    pub fn start(width: u32, height: u32) -> Result<Self> {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start Xvfb (apt package xvfb): {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout from Xvfb")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        // Owned before any wait, so an error below still stops Xvfb.
        let mut display = Self {
            name: String::new(),
            child,
        };
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "Xvfb did not report a display within 30 s")?;
        let number: u32 = line
            .trim()
            .parse()
            .map_err(|_| format!("Xvfb did not start (it printed {line:?})"))?;
        display.name = format!(":{number}");
        Ok(display)
    }
}

impl Drop for Display {
    /// SIGTERM first: Xvfb then removes its lock file and socket (SIGKILL would leave them).
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // SAFETY: kill(2) on our own child's pid has no memory effects.
            unsafe { libc::kill(pid, libc::SIGTERM) };
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The back-office key of the test server (tests move reports through their states).
pub const STAFF_KEY: &str = "e2e-staff-key";

/// The reference city API on a free loopback port, over its own SQLite file.
pub struct CityApi {
    pub url: String,
    proc: Option<Proc>,
    db: PathBuf,
}

impl CityApi {
    pub fn start(db: &Path) -> Result<Self> {
        Self::start_on(db, "127.0.0.1:0")
    }

    /// Starts on a given address (to come back on the same port after a stop).
    pub fn start_on(db: &Path, bind: &str) -> Result<Self> {
        Self::start_with(db, bind, &[])
    }

    /// Starts with more command-line options (e.g. the city's identity provider).
    pub fn start_with(db: &Path, bind: &str, more: &[&str]) -> Result<Self> {
        let mut proc = Proc::spawn(
            Command::new(binary("city-api")?)
                .arg("--db")
                .arg(db)
                .args(["--bind", bind, "--seed", "hcmc", "--staff-key", STAFF_KEY])
                .args(more)
                .stdout(Stdio::piped()),
        )?;
        let stdout = proc.stdout().ok_or("no stdout")?;
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
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "city-api did not start in 30 s")?;
        Ok(Self {
            url,
            proc: Some(proc),
            db: db.to_owned(),
        })
    }

    /// Stops the server (the app must then show it is offline).
    pub fn stop(&mut self) {
        self.proc = None;
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) -> Result {
        let bind = self
            .url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let again = Self::start_on(&self.db, &bind)?;
        *self = again;
        Ok(())
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One launch of the real app through tauri-driver, with its own data folder.
pub struct App {
    pub client: Client,
    driver: Proc,
}

/// Where the app keeps its data and which city API it starts with.
pub struct AppEnv<'a> {
    pub display: &'a Display,
    pub data_home: &'a Path,
    pub api_url: &'a str,
    /// The D-Bus session bus the app sends OS notifications on (see [`Notifications`]); `None`
    /// gives it none, as on a kiosk without a desktop session.
    pub session_bus: Option<&'a str>,
}

impl App {
    pub async fn launch(env: &AppEnv<'_>) -> Result<Self> {
        let port = free_port()?;
        let native_port = free_port()?;
        // The app inherits this environment through tauri-driver and WebKitWebDriver.
        let driver = Proc::spawn(
            Command::new("tauri-driver")
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native_port.to_string(),
                ])
                .env("DISPLAY", &env.display.name)
                .env_remove("WAYLAND_DISPLAY")
                .env("XDG_DATA_HOME", env.data_home.join("data"))
                .env("XDG_CACHE_HOME", env.data_home.join("cache"))
                .env("XDG_CONFIG_HOME", env.data_home.join("config"))
                .env("CITIZEN_API_URL", env.api_url)
                .env(
                    "DBUS_SESSION_BUS_ADDRESS",
                    env.session_bus.unwrap_or("unix:path=/nonexistent"),
                )
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .map_err(|e| format!("cannot start tauri-driver (cargo install tauri-driver): {e}"))?;
        // tauri-driver listens at once but forwards to WebKitWebDriver, which it has only just
        // spawned: a session asked for before the native port answers is dropped mid-request.
        wait_until(
            "tauri-driver and WebKitWebDriver",
            Duration::from_secs(20),
            || {
                TcpStream::connect(("127.0.0.1", port)).is_ok()
                    && TcpStream::connect(("127.0.0.1", native_port)).is_ok()
            },
        )?;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary("citizen-app")?.to_string_lossy() }),
        );
        let client = tokio::time::timeout(
            Duration::from_secs(60),
            ClientBuilder::new(HttpConnector::new())
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .await
        .map_err(|_| "WebDriver session did not start within 60 s")??;
        let app = Self { client, driver };
        app.record_page_errors().await?;
        Ok(app)
    }

    /// Keeps the page's uncaught errors (a trap in the wasm among them) for [`Self::find`] to
    /// report when an element never comes.
    async fn record_page_errors(&self) -> Result {
        self.client
            .execute(
                "window.__e2eErrors = [];\
                 addEventListener('error', e => __e2eErrors.push(String(e.message) + (e.error && e.error.stack ? ' at ' + String(e.error.stack).slice(0, 1500) : '')));\
                 addEventListener('unhandledrejection', e => __e2eErrors.push('rejected: ' + String(e.reason)));",
                vec![],
            )
            .await?;
        Ok(())
    }

    /// What the page shows and the errors it threw: what a failed wait reports.
    async fn page_state(&self) -> String {
        let state = self
            .client
            .execute(
                "return { text: document.body.innerText.slice(0, 600), errors: window.__e2eErrors || [] };",
                vec![],
            )
            .await;
        match state {
            Ok(state) => state.to_string(),
            Err(err) => format!("(page unreadable: {err})"),
        }
    }

    /// Waits (bounded) for an element and returns it.
    pub async fn find(&self, css: &str) -> Result<fantoccini::elements::Element> {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(el) => Ok(el),
            Err(e) => {
                let _ = self.screenshot("failed-wait").await;
                Err(format!("{css}: {e}; page: {}", self.page_state().await).into())
            }
        }
    }

    /// Clicks the first element matching `css`, finding it again if the UI re-rendered it.
    pub async fn click(&self, css: &str) -> Result {
        let mut last = None;
        for _ in 0..20 {
            match self.find(css).await?.click().await {
                Ok(()) => return Ok(()),
                Err(err) => last = Some(err),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("{css}: could not click: {last:?}").into())
    }

    /// Replaces the text of the field `css` with `text`, typed key by key.
    pub async fn type_into(&self, css: &str, text: &str) -> Result {
        let el = self.find(css).await?;
        el.clear().await?;
        el.send_keys(text).await?;
        Ok(())
    }

    /// Waits (bounded) until the map says it has drawn at least `n` units
    /// (`#map-canvas[data-wards-drawn]`).
    pub async fn wait_wards_drawn(&self, n: u32) -> Result {
        let start = Instant::now();
        loop {
            let drawn = self
                .find("#map-canvas")
                .await?
                .attr("data-wards-drawn")
                .await?
                .and_then(|d| d.parse::<u32>().ok())
                .unwrap_or(0);
            if drawn >= n {
                return Ok(());
            }
            if start.elapsed() > Duration::from_secs(75) {
                return Err(format!("the map drew {drawn} units, never {n}").into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until the text of `css` satisfies `pred`; returns that text.
    pub async fn wait_text(&self, css: &str, pred: impl Fn(&str) -> bool) -> Result<String> {
        let start = Instant::now();
        let mut last = String::new();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = el.text().await
            {
                if pred(&text) {
                    return Ok(text);
                }
                last = text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("{css}: text never matched; last was {last:?}").into())
    }

    /// Waits until an attribute of `css` equals `want`. Longer than the connection check's
    /// widest online interval (`core::connection::ONLINE_INTERVAL`, 60 s): a city API stopped
    /// by a test is noticed at the next check, up to that long after.
    pub async fn wait_attr(&self, css: &str, attr: &str, want: &str) -> Result {
        let start = Instant::now();
        let mut last = None;
        while start.elapsed() < Duration::from_secs(75) {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.attr(attr).await.ok().flatten();
                if last.as_deref() == Some(want) {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let _ = self.screenshot("failed-wait").await;
        Err(format!(
            "{css}[{attr}] never became {want:?}; last was {last:?}; page: {}",
            self.page_state().await
        )
        .into())
    }

    /// Looks at the screen shown as a citizen would, at phone and at kiosk size (the window is put
    /// back afterwards): the checks every visited screen must pass (axe-core, named and
    /// finger-sized controls, no sideways scroll), and a screenshot `{name}-{size}.png` for people
    /// to look at. The display must be at least 1920×1080.
    pub async fn look(&self, name: &str) -> Result {
        let (x, y, w, h) = self.client.get_window_rect().await?;
        let px = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        for (size, width, height) in SIZES {
            self.client.set_window_rect(0, 0, width, height).await?;
            self.settle().await?;
            check_screen(self, &format!("{name} at {size} size")).await?;
            self.screenshot(&format!("{name}-{size}")).await?;
        }
        self.client
            .set_window_rect(px(x), px(y), px(w), px(h))
            .await?;
        self.settle().await
    }

    /// Scrolls `css` into view (centred), so a screenshot shows a section below the fold.
    pub async fn show(&self, css: &str) -> Result {
        self.client
            .execute(
                "document.querySelector(arguments[0])?.scrollIntoView({block: 'center'});",
                vec![serde_json::json!(css)],
            )
            .await?;
        Ok(())
    }

    /// Lets layout and paint catch up (after a resize WebKit may still show the old frame).
    pub async fn settle(&self) -> Result {
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));",
                vec![],
            )
            .await?;
        Ok(())
    }

    /// Saves a PNG of the window to `$CITIZEN_E2E_SCREENSHOTS` (default target/e2e-screenshots).
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let dir = std::env::var_os("CITIZEN_E2E_SCREENSHOTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("target/e2e-screenshots"));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        self.settle().await?;
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    /// The process group of this launch: tauri-driver, WebKitWebDriver, the app and its WebKit
    /// processes. All of it ends when the `App` is dropped (see [`Proc`]).
    pub fn process_group(&self) -> i32 {
        self.driver.group()
    }

    pub async fn close(self) -> Result {
        self.client.close().await?;
        Ok(())
    }
}

/// Every control has a name a screen reader can say (its text, a label or aria-label) and is
/// large enough to hit with a finger (44 CSS px; radio buttons, check boxes and file inputs excepted:
/// their label is the target).
pub async fn controls_are_named_and_big_enough(app: &App, what: &str) -> Result {
    let bad = app
        .client
        .execute(
            "return [...document.querySelectorAll('button, input, select, textarea, a[href]')]\
               .filter(e => e.offsetParent !== null)\
               .filter(e => {\
                 const named = (e.labels && e.labels.length) || e.getAttribute('aria-label') || e.textContent.trim();\
                 const r = e.getBoundingClientRect();\
                 const big = ['radio', 'checkbox', 'file'].includes(e.type) || (r.height >= 43.5 && r.width >= 43.5);\
                 return !named || !big;\
               })\
               .map(e => e.outerHTML.slice(0, 120));",
            vec![],
        )
        .await?;
    assert_eq!(
        bad,
        serde_json::json!([]),
        "{what}: unnamed or too small controls"
    );
    Ok(())
}

async fn no_sideways_scroll(app: &App, what: &str) -> Result {
    let fits = app
        .client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
            vec![],
        )
        .await?;
    if fits != serde_json::Value::Bool(true) {
        // Name what sticks out, so a failure says where to look.
        let wide = app
            .client
            .execute(
                "return [...document.querySelectorAll('body *')]
                   .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                   .slice(-3).map(e => e.outerHTML.slice(0, 160));",
                vec![],
            )
            .await?;
        panic!("{what} scrolls sideways: {wide}");
    }
    Ok(())
}

/// The sizes every visited screen is checked at: a cheap phone and a ward office's kiosk.
pub const SIZES: [(&str, u32, u32); 2] = [("phone", 360, 640), ("kiosk", 1920, 1080)];

/// axe-core from npm (package.json), read once; injected into the page under test only, never
/// part of the app.
fn axe_source() -> Result<&'static str> {
    static AXE: std::sync::OnceLock<std::result::Result<String, String>> =
        std::sync::OnceLock::new();
    AXE.get_or_init(|| {
        let path = root().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e} (run `cargo xtask setup`)", path.display()))
    })
    .as_deref()
    .map_err(|e| e.clone().into())
}

/// What axe-core finds wrong on the page as shown: every rule it runs by default (WCAG 2.x A and
/// AA, best practices), each violation with the elements it found it on.
async fn axe_violations(app: &App) -> Result<serde_json::Value> {
    let loaded = app
        .client
        .execute("return typeof window.axe === 'object';", vec![])
        .await?;
    if loaded != serde_json::Value::Bool(true) {
        app.client.execute(axe_source()?, vec![]).await?;
    }
    let found = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document).then(r => done(r.violations.map(v => ({\
                 rule: v.id, impact: v.impact, help: v.help,\
                 nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)\
             }))), e => done([{ rule: 'axe-error', help: String(e) }]));",
            vec![],
        )
        .await?;
    Ok(found)
}

/// The checks every screen the end-to-end tests visit must pass, at the window's present size:
/// axe-core finds no violation, every control is named and big enough for a finger, nothing
/// scrolls sideways.
async fn check_screen(app: &App, what: &str) -> Result {
    controls_are_named_and_big_enough(app, what).await?;
    no_sideways_scroll(app, what).await?;
    let violations = axe_violations(app).await?;
    if violations != serde_json::json!([]) {
        let _ = app.screenshot("failed-axe").await;
        return Err(format!(
            "{what}: axe-core violations: {}",
            serde_json::to_string_pretty(&violations).unwrap_or_default()
        )
        .into());
    }
    Ok(())
}

/// A private D-Bus session bus with a desktop notification service on it that records what the
/// app shows: how the end-to-end tests see the OS notification (the app reaches it exactly as it
/// would reach a desktop's, through `org.freedesktop.Notifications`).
pub struct Notifications {
    pub bus_address: String,
    shown: std::sync::Arc<std::sync::Mutex<Vec<Shown>>>,
    _service: zbus::Connection,
    _daemon: Proc,
}

/// One notification the app asked the desktop to show.
#[derive(Clone, Debug)]
pub struct Shown {
    pub title: String,
    pub body: String,
}

struct NotificationService {
    shown: std::sync::Arc<std::sync::Mutex<Vec<Shown>>>,
}

/// The calls of the Desktop Notifications Specification a sender makes.
#[zbus::interface(name = "org.freedesktop.Notifications")]
impl NotificationService {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: std::collections::HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        shown.push(Shown {
            title: summary,
            body,
        });
        u32::try_from(shown.len()).unwrap_or(u32::MAX)
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "e2e".into(),
            "citizen-app".into(),
            "0.1".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}
}

impl Notifications {
    pub async fn start() -> Result<Self> {
        let mut daemon = Proc::spawn(
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )
        .map_err(|e| format!("cannot start dbus-daemon (apt install dbus-daemon): {e}"))?;
        let stdout = daemon.stdout().ok_or("dbus-daemon: no stdout")?;
        // It prints its address once it accepts connections.
        let address = tokio::time::timeout(
            Duration::from_secs(10),
            tokio::task::spawn_blocking(move || {
                let mut line = String::new();
                BufReader::new(stdout).read_line(&mut line).map(|_| line)
            }),
        )
        .await
        .map_err(|_| "dbus-daemon printed no address within 10 s")???;
        let address = address.trim().to_owned();
        if address.is_empty() {
            return Err("dbus-daemon exited without an address".into());
        }
        let shown = std::sync::Arc::default();
        let service = zbus::connection::Builder::address(address.as_str())?
            .name("org.freedesktop.Notifications")?
            .serve_at(
                "/org/freedesktop/Notifications",
                NotificationService {
                    shown: std::sync::Arc::clone(&shown),
                },
            )?
            .build()
            .await?;
        Ok(Self {
            bus_address: address,
            shown,
            _service: service,
            _daemon: daemon,
        })
    }

    /// Every notification shown so far, in order.
    pub fn shown(&self) -> Vec<Shown> {
        self.shown.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits (bounded) for a notification `pred` accepts and returns it.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        pred: impl Fn(&Shown) -> bool,
    ) -> Result<Shown> {
        let start = Instant::now();
        loop {
            let found = {
                let shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
                shown.iter().find(|s| pred(s)).cloned()
            };
            if let Some(found) = found {
                return Ok(found);
            }
            if start.elapsed() > timeout {
                let shown = self.shown.lock().unwrap_or_else(|e| e.into_inner()).clone();
                return Err(format!(
                    "no matching notification within {timeout:?}; shown: {shown:?}"
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
