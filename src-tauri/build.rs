#![allow(
    clippy::expect_used,
    reason = "a build script: failing is how it reports"
)]
use model::ipc::Command;

fn main() {
    // The ACL learns the app's commands from the one list in `model::ipc` (each gets an
    // `allow-<name>` permission that `capabilities/default.json` grants).
    let names: Vec<&'static str> = Command::ALL.iter().map(|c| c.as_str()).collect();
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(names.leak()));
    tauri_build::try_build(attributes).expect("tauri build step failed (see message above)");
}
