//! `cargo xtask <task>`: the project's few entry points, so a newcomer needs two commands.
//!
//! - `run`   sets up what is missing, builds, starts the reference city API and opens the app.
//! - `test`  sets up what is missing, builds, and runs every test (unit → end-to-end).
//! - `setup` / `ui` / `lint` / `bench` / `api-check`: the steps on their own.

mod api_check;
mod setup;
mod tasks;
mod util;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <run|test|setup|ui|lint|bench|api-check>

  run     set up, build, start the reference city API (seeded with the HCMC wards) and open the app
  test    set up, build, check the city API against its OpenAPI document (api-check), and run
          all tests (unit, store, command, server, end-to-end under Xvfb)
  setup   install what is missing: apt packages, wasm target, wasm-bindgen-cli, wasm-split-cli,
          tauri-driver, npm build tools
  ui      build the wasm UI into dist/ (cut into parts, each loaded when first needed)
  lint    cargo fmt --check and clippy -D warnings
  bench   print the figures: bundle size, binary size, search timings, memory, start-up,
          sync (vs a plain POST loop), local save, server throughput
  api-check  build city-api, serve it seeded on 127.0.0.1 and run schemathesis (PyPI, pinned, in
          a venv under target/) against its OpenAPI document; fails on any finding";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => tasks::run_app(),
        Some("test") => tasks::test(),
        Some("setup") => setup::all(),
        Some("ui") => tasks::ui(),
        Some("lint") => tasks::lint(),
        Some("bench") => tasks::bench(),
        Some("api-check") => api_check::run(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: {err}");
            ExitCode::FAILURE
        }
    }
}
