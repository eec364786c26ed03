//! Installs what the build and the tests need, skipping what is already there.

use crate::util::{Result, cargo, cmd, exec, has_program, output, root};

/// Debian packages: WebKitGTK for the shell, Xvfb + WebKitWebDriver for the end-to-end tests,
/// ImageMagick for screenshots, dbus-daemon (a private bus for the OS notification test), fonts
/// with Vietnamese. (wasm-opt comes from npm: see package.json.)
const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libssl-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "imagemagick",
    "dbus-daemon",
    "fonts-noto-core",
    "fonts-noto-color-emoji",
];

pub fn all() -> Result {
    apt()?;
    wasm_target()?;
    wasm_bindgen_cli()?;
    wasm_split_cli()?;
    tauri_driver()?;
    npm()?;
    eprintln!("setup: everything is installed");
    Ok(())
}

fn apt() -> Result {
    apt_install(APT_PACKAGES)
}

/// Installs the packages of `wanted` that are not installed yet.
pub fn apt_install(wanted: &[&str]) -> Result {
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|p| {
            output("dpkg-query", &["-W", "-f=${Status}", p])
                .is_none_or(|s| !s.contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !has_program("apt-get") {
        return Err(format!(
            "missing system packages {missing:?} and no apt-get: install them by hand"
        ));
    }
    let sudo: &[&str] = if output("id", &["-u"]).is_some_and(|u| u.trim() == "0") {
        &[]
    } else {
        &["sudo"]
    };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.to_vec();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut c = cmd(all[0], &all[1..]);
        c.env("DEBIAN_FRONTEND", "noninteractive");
        exec(&mut c)
    };
    apt(&["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(missing);
    apt(&args)
}

/// npm packages pinned in package.json / package-lock.json: build tools, and the map's
/// MapLibre GL JS and pmtiles, which `cargo xtask ui` bundles into `dist/map/` (nothing is
/// loaded from a CDN). Re-installed only when the lock file is newer than the install.
fn npm() -> Result {
    let root = root();
    let stamp = root.join("node_modules/.package-lock.json");
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&stamp).is_some_and(|done| {
        modified(&root.join("package-lock.json")).is_some_and(|lock| done >= lock)
    }) {
        return Ok(());
    }
    if !has_program("npm") {
        apt_install(&["nodejs", "npm"])?;
    }
    exec(&mut cmd("npm", &["ci", "--no-audit", "--no-fund"]))
}

fn wasm_target() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    exec(&mut cmd(
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
    ))
}

fn wasm_bindgen_cli() -> Result {
    let want = locked_version("wasm-bindgen")?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str()) {
        return Ok(());
    }
    // Not --locked: its lock file pins a crate version the registry no longer serves.
    exec(cargo().args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]))
}

/// The version of crate `name` in Cargo.lock: the CLI tools must match their crates
/// (wasm-bindgen exactly; wasm-split-cli is released with wasm_split_helpers).
fn locked_version(name: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    let want = format!("name = \"{name}\"");
    while let Some(line) = lines.next() {
        if line == want
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    Err(format!("{name} is not in Cargo.lock"))
}

/// wasm-split-cli (cuts the UI's wasm at its `#[lazy]` points). It has no `--version`, so the
/// installed version is read from `cargo install --list`.
fn wasm_split_cli() -> Result {
    let want = locked_version("wasm_split_helpers")?;
    let installed = output("cargo", &["install", "--list"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l == format!("wasm_split_cli_support v{want}:"))
        && has_program("wasm-split-cli")
    {
        return Ok(());
    }
    exec(cargo().args([
        "install",
        "wasm_split_cli_support",
        "--version",
        &want,
        "--features",
        "build-binary",
        "--locked",
        "--force",
    ]))
}

fn tauri_driver() -> Result {
    if has_program("tauri-driver") {
        return Ok(());
    }
    exec(cargo().args(["install", "tauri-driver", "--version", "2.1.0", "--locked"]))
}
