//! The app on Tauri's mock runtime (no display) and calls through its real IPC and ACL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]
#![allow(dead_code)]

use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

pub fn request(
    webview: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: InvokeBody,
    headers: tauri::http::HeaderMap,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body,
        headers,
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|body| body.deserialize::<Value>().expect("json body"))
}

pub fn invoke(
    webview: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    request(webview, cmd, InvokeBody::Json(args), Default::default())
}

/// The app with its data in a fresh folder and no city API (port 9 is never served here).
/// One per test binary: it sets the process environment.
pub fn start() -> (
    tempfile::TempDir,
    App<MockRuntime>,
    WebviewWindow<MockRuntime>,
) {
    let home = tempfile::tempdir().expect("tempdir");
    // SAFETY: set before any thread of this test binary reads the environment; one test sets it.
    unsafe {
        std::env::set_var("XDG_DATA_HOME", home.path());
        std::env::set_var("CITIZEN_API_URL", "http://127.0.0.1:9/");
    }
    let (app, webview) = open();
    (home, app, webview)
}

/// Builds and starts the app on the environment already set (again, after a drop: the same
/// data folder).
pub fn open() -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = citizen_app::build(mock_builder())
        .build(tauri::generate_context!())
        .expect("app builds");
    citizen_app::init(app.handle()).expect("init");
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    (app, webview)
}
