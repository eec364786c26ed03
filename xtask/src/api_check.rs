//! `cargo xtask api-check`: a property-based API tester (schemathesis, from PyPI, one pinned
//! version in a venv under `target/`) against the OpenAPI document the real `city-api` binary
//! serves, on a seeded temp database, on 127.0.0.1 only. It fails on any finding: a server
//! error, a schema-valid request refused, an answer that breaks its own schema (status, content
//! type, headers, body), a schema-invalid request accepted, auth ignored.
//!
//! The settings schemathesis reads (keys, checks, the one documented rule its generator cannot
//! see) are in `xtask/api-check/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::setup;
use crate::util::{Result, cargo, cmd, exec, output, root};

/// The one schemathesis version this check runs (PyPI; its own dependencies resolved by pip).
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// With the examples per operation and phase fixed in the config file, a run is repeatable.
const SEED: &str = "20261211";
/// The whole schemathesis run is killed after this, and that is a failure.
const WALL_TIME: Duration = Duration::from_secs(240);
/// Keys the server under test is started with (a throwaway server on a temp database).
const API_KEY: &str = "api-check-app-key";
const STAFF_KEY: &str = "api-check-staff-key";

/// Builds `city-api` on its own, then checks it.
pub fn run() -> Result {
    exec(cargo().args(["build", "-p", "city-api", "--bin", "city-api"]))?;
    check_built()
}

/// Checks the `target/debug/city-api` already built (by `cargo xtask test`'s build).
pub fn check_built() -> Result {
    let started = Instant::now();
    let schemathesis = install()?;
    let dir = root().join("target/api-check");
    // A fresh database each run, so a run is repeatable.
    match std::fs::remove_dir_all(&dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("remove {}: {e}", dir.display()));
        }
        _ => {}
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let server = Server::start(&dir)?;
    let outcome = schemathesis_run(&schemathesis, &dir, &server.url);
    drop(server);
    let outcome = outcome?;
    let summary = summary(&outcome.log);
    eprintln!("api-check: {summary} ({:.0?})", started.elapsed());
    match outcome.status {
        Some(0) => Ok(()),
        Some(code) => Err(format!(
            "api-check: schemathesis found problems (exit {code}); the full log is {}",
            dir.join("schemathesis.log").display()
        )),
        None => Err(format!(
            "api-check: schemathesis did not finish within {} s and was killed",
            WALL_TIME.as_secs()
        )),
    }
}

/// The venv under `target/` with schemathesis at [`SCHEMATHESIS_VERSION`]; installs it only
/// when it is missing or another version.
fn install() -> Result<PathBuf> {
    let venv = root().join("target/api-check-venv");
    let bin = venv.join("bin/schemathesis");
    let have = output(&bin.to_string_lossy(), &["--version"]).unwrap_or_default();
    if have
        .trim()
        .ends_with(&format!("version {SCHEMATHESIS_VERSION}"))
    {
        return Ok(bin);
    }
    if output("python3", &["-c", "import venv, ensurepip"]).is_none() {
        setup::apt_install(&["python3-venv"])?;
    }
    exec(cmd("python3", &["-m", "venv", "--clear"]).arg(&venv))?;
    exec(Command::new(venv.join("bin/pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
    ]))?;
    Ok(bin)
}

/// The server under test; killed when dropped (also when the check fails or panics).
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(dir: &Path) -> Result<Self> {
        let mut child = Command::new(root().join("target/debug/city-api"))
            .arg("--db")
            .arg(dir.join("city.db"))
            .args([
                "--bind",
                "127.0.0.1:0",
                "--seed",
                "hcmc",
                "--api-key",
                API_KEY,
                // The checker is one address sending thousands of requests: the rate limits
                // would answer most of them 429 and hide what the document is checked for.
                "--register-burst",
                "10000000",
                "--post-burst",
                "10000000",
                "--device-burst",
                "10000000",
            ])
            .env("CITY_STAFF_KEY", STAFF_KEY)
            // Info: the demo dossiers it logs are read back (`demo_dossier`).
            .env("CITY_API_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(
                std::fs::File::create(dir.join("city-api.log"))
                    .map_err(|e| format!("create city-api.log: {e}"))?,
            ))
            .spawn()
            .map_err(|e| format!("cannot start target/debug/city-api: {e}"))?;
        let stdout = child.stdout.take();
        let mut server = Self {
            child,
            url: String::new(),
        };
        let stdout = stdout.ok_or("city-api has no stdout")?;
        server.url = crate::tasks::listening_url(stdout, Duration::from_secs(30))?;
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Outcome {
    /// `None` when it was killed at the wall-time bound.
    status: Option<i32>,
    log: String,
}

/// A dossier the seeded server holds, `(code, check)`, from the line it logs for each of its
/// three samples: `demo dossier: /api/v1/dossiers/CODE?check=CHECK`.
fn demo_dossier(log: &str) -> Option<(String, String)> {
    let line = log
        .lines()
        .find_map(|l| l.split_once("demo dossier: /api/v1/dossiers/"))?;
    let (code, check) = line.1.trim().split_once("?check=")?;
    let plain = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b))
    };
    (plain(code) && plain(check)).then(|| (code.to_owned(), check.to_owned()))
}

/// The committed config plus what only this run knows: half of the dossier lookups and receipts
/// (and of the back office's moves) name a dossier that exists (the other half explore the
/// codes), so its answers are checked too. Wrong check values are throttled (429, documented),
/// so once the run has spent the client's cells, right values wait too.
fn write_config(dir: &Path) -> Result<PathBuf> {
    let template = root().join("xtask/api-check/schemathesis.toml");
    let mut config = std::fs::read_to_string(&template)
        .map_err(|e| format!("read {}: {e}", template.display()))?;
    let log = std::fs::read_to_string(dir.join("city-api.log")).unwrap_or_default();
    let (code, check) = demo_dossier(&log)
        .ok_or("api-check: city-api logged no demo dossier (seeded with --seed hcmc?)")?;
    config.push_str(&format!(
        "\n# Written by xtask for this run: a dossier of the seeded database.\n\
         [dictionaries.dossier_code]\nvalues = [\"{code}\"]\n\n\
         [dictionaries.dossier_check]\nvalues = [\"{check}\"]\n\n\
         [[operations]]\ninclude-operation-id = \"get_dossier\"\n\
         parameters = {{ \"path.code\" = {{ dictionary = \"dossier_code\", probability = 0.5 }}, \
         \"query.check\" = {{ dictionary = \"dossier_check\", probability = 0.5 }} }}\n\n\
         [[operations]]\ninclude-operation-id = \"get_dossier_receipt\"\n\
         parameters = {{ \"path.code\" = {{ dictionary = \"dossier_code\", probability = 0.5 }}, \
         \"query.check\" = {{ dictionary = \"dossier_check\", probability = 0.5 }} }}\n\n\
         [[operations]]\ninclude-operation-id = \"staff_move_dossier\"\n\
         parameters = {{ \"path.code\" = {{ dictionary = \"dossier_code\", probability = 0.5 }} }}\n"
    ));
    let path = dir.join("schemathesis.toml");
    std::fs::write(&path, config).map_err(|e| format!("write {}: {e}", path.display()))?;
    Ok(path)
}

fn schemathesis_run(bin: &Path, dir: &Path, url: &str) -> Result<Outcome> {
    let config = write_config(dir)?;
    let hooks = root().join("xtask/api-check/hooks.py");
    let log_path = dir.join("schemathesis.log");
    let log = std::fs::File::create(&log_path).map_err(|e| format!("create log: {e}"))?;
    let err = log.try_clone().map_err(|e| format!("log: {e}"))?;
    let mut command = Command::new(bin);
    command
        .arg("--config-file")
        .arg(&config)
        .args(["run", &format!("{url}/openapi.json")])
        .args(["--checks", "all"])
        .args(["--seed", SEED])
        .args(["--continue-on-failure", "--no-color"])
        .args(["--generation-database", "none", "--request-timeout", "10"])
        // Only the server under test: no proxy, nothing else on the network.
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("all_proxy")
        .env("NO_PROXY", "*")
        .env("SCHEMATHESIS_HOOKS", &hooks)
        .env("API_CHECK_API_KEY", API_KEY)
        .env("API_CHECK_STAFF_KEY", STAFF_KEY)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(err));
    eprintln!(
        "» schemathesis {SCHEMATHESIS_VERSION} against {url}/openapi.json (log: {})",
        log_path.display()
    );
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start schemathesis: {e}"))?;
    let deadline = Instant::now() + WALL_TIME;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.code().or(Some(-1)),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => {
                let _ = child.kill();
                return Err(format!("waiting for schemathesis: {e}"));
            }
        }
    };
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    if status != Some(0) {
        // The findings, as schemathesis wrote them (the summary is at the end).
        eprintln!("{log}");
    }
    Ok(Outcome { status, log })
}

/// schemathesis' last line (`N passed … in T s`) and its failure counts, for the task's output.
fn summary(log: &str) -> String {
    let counts: Vec<&str> = log
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("❌ ST") || l.contains(" generated, "))
        .collect();
    let last = log
        .lines()
        .rev()
        .map(|l| l.trim_matches(|c: char| c == '=' || c.is_whitespace()))
        .find(|l| !l.is_empty())
        .unwrap_or("no output");
    if counts.is_empty() {
        last.to_owned()
    } else {
        format!("{last}; {}", counts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::{demo_dossier, summary};

    #[test]
    fn the_demo_dossier_is_read_from_the_log() {
        let log = "2026-12-07T02:11:08Z  INFO city_api: seeded\n\
                   2026-12-07T02:11:08Z  INFO city_api: demo dossier: \
                   /api/v1/dossiers/000.20.00.H29-261121-0001?check=UZW7VK\n";
        assert_eq!(
            demo_dossier(log),
            Some(("000.20.00.H29-261121-0001".into(), "UZW7VK".into()))
        );
        assert_eq!(demo_dossier("nothing here"), None);
    }

    #[test]
    fn summary_keeps_the_counts_and_the_last_line() {
        let log = "x\nTest cases:\n  1137 generated, 14 found 14 unique failures\n\
                   Failures:\n  ❌ ST202 Schema-valid request rejected: 12\n\n\
                   ======= 14 failures, 1 warning in 11.30s =======\n";
        assert_eq!(
            summary(log),
            "14 failures, 1 warning in 11.30s; 1137 generated, 14 found 14 unique failures; \
             ❌ ST202 Schema-valid request rejected: 12"
        );
    }
}
