//! The login commands through Tauri's real IPC and ACL (mock runtime, no display), against the
//! real reference city API counting verified citizens and a local OpenID Connect provider that
//! approves at once (`test-oidc`). The debug build's `CITIZEN_TEST_BROWSER=follow` stands in
//! for the system browser: it follows the provider's redirect back to the app.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::sync::Arc;

use city_api::Keys;
use city_api::local::LocalServer;
use city_api::oidc::{OidcConfig, OidcVerifier};
use common::invoke;
use serde_json::json;

const CLIENT: &str = "citizen-app-hcmc";

#[test]
fn log_in_and_out_over_ipc() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let (provider, city) = rt.block_on(async {
        let provider = test_oidc::Provider::start(CLIENT).await;
        let verifier = OidcVerifier::new(OidcConfig {
            issuer: provider.issuer.clone(),
            audience: CLIENT.into(),
            algorithms: vec![jsonwebtoken::Algorithm::RS256],
        })
        .expect("verifier")
        .with_name(Some("VNeID".into()));
        let keys = Keys {
            api_keys: vec![core_engine::engine::DEMO_API_KEY.into()],
            staff_key: None,
        };
        let city = LocalServer::start_with(&dir.path().join("city.db"), keys, move |s| {
            s.with_citizen_verifier(Arc::new(verifier))
        })
        .await
        .expect("city");
        (provider, city)
    });
    // SAFETY: set before any thread of this test binary reads the environment; one test here.
    unsafe {
        std::env::set_var("XDG_DATA_HOME", dir.path().join("app"));
        std::env::set_var("CITIZEN_API_URL", &city.url);
        std::env::set_var("CITIZEN_TEST_BROWSER", "follow");
    }
    let (_app, webview) = common::open();

    assert_eq!(
        invoke(&webview, "login_state", json!({})).expect("state"),
        json!({"state": "loggedOut", "provider": "VNeID"})
    );
    assert_eq!(
        invoke(&webview, "log_in", json!({})).expect("log in"),
        json!({"state": "loggedIn", "provider": "VNeID"})
    );
    assert_eq!(
        invoke(&webview, "login_state", json!({})).expect("state"),
        json!({"state": "loggedIn", "provider": "VNeID"})
    );
    invoke(&webview, "log_out", json!({})).expect("log out");
    assert_eq!(
        invoke(&webview, "login_state", json!({})).expect("state"),
        json!({"state": "loggedOut", "provider": "VNeID"})
    );
    drop(provider);
}
