//! The citizen's login (issue 13) against a real local OpenID Connect provider
//! (`test_oidc`) and the real reference city API counting verified citizens: the
//! authorization code flow with PKCE and a loopback redirect, then "me too" counted once per
//! citizen whichever device sends it; a report needs no login; a login that comes back with
//! another state is refused.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use city_api::Keys;
use city_api::local::LocalServer;
use city_api::oidc::{OidcConfig, OidcVerifier};
use common::{someone_elses_report, sync_until_sent};
use core_engine::engine::DEMO_API_KEY;
use core_engine::login::{Browser, FollowRedirect, LoginError, LoginFuture, OidcLogin};
use model::ErrorCode;
use model::draft::Identity;
use model::report_dto::SubmitAnswer;
use model::trust::login::LoginState;
use test_oidc::Provider;

const CLIENT: &str = "citizen-app-hcmc";

/// A browser that approves at once: follows the provider's redirect to the app's loopback
/// address. `tamper` changes the query it goes back with.
struct TestBrowser {
    tamper: fn(String) -> String,
}

impl Browser for TestBrowser {
    fn open<'a>(&'a self, url: &'a str) -> LoginFuture<'a, ()> {
        Box::pin(async move {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            let resp = http.get(url).send().await.expect("authorize");
            assert_eq!(resp.status(), 302);
            let back = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .expect("location")
                .to_owned();
            assert!(back.starts_with("http://127.0.0.1:"), "{back}");
            let page = http
                .get((self.tamper)(back))
                .send()
                .await
                .expect("callback");
            assert_eq!(page.status(), 200);
            Ok(())
        })
    }
}

async fn city_counting_citizens(dir: &std::path::Path, p: &Provider) -> LocalServer {
    let verifier = Arc::new(
        OidcVerifier::new(OidcConfig {
            issuer: p.issuer.clone(),
            audience: CLIENT.into(),
            algorithms: vec![jsonwebtoken::Algorithm::RS256],
        })
        .expect("verifier")
        .with_name(Some("VNeID".into())),
    );
    let keys = Keys {
        api_keys: vec![DEMO_API_KEY.into()],
        staff_key: None,
    };
    LocalServer::start_with(&dir.join("city.db"), keys, move |s| {
        s.with_citizen_verifier(verifier)
    })
    .await
    .expect("city")
}

fn supporters(city: &LocalServer) -> Vec<String> {
    city.db
        .with(|c| {
            let mut st = c.prepare("SELECT device_id FROM supporters")?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<Result<Vec<String>, _>>()
        })
        .expect("rows")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_in_citizen_is_counted_once_whichever_device() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = Provider::start(CLIENT).await;
    let city = city_counting_citizens(dir.path(), &p).await;
    let report = someone_elses_report(&city).await;
    let browser = TestBrowser { tamper: |q| q };

    // The phone learns from the city where to log in, logs in, says "me too": one citizen
    // counted, by a keyed hash only.
    let phone = common::engine_at(&dir.path().join("phone"), &city.url);
    let provider = phone
        .login_provider()
        .await
        .expect("asked")
        .expect("this city counts citizens");
    assert_eq!(provider.issuer, p.issuer);
    let login = OidcLogin::new(
        &provider.issuer,
        &provider.client_id,
        reqwest::Client::new(),
    )
    .expect("login");
    assert!(!phone.logged_in().expect("state"));
    phone.log_in(&login, &browser).await.expect("log in");
    assert!(phone.logged_in().expect("state"));
    phone.follow(&report).await.expect("follow");
    sync_until_sent(&phone).await;
    let rows = supporters(&city);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].starts_with("citizen-"), "{rows:?}");
    assert!(!rows[0].contains(test_oidc::DEFAULT_SUBJECT));

    // The same citizen on a tablet: still one.
    let tablet = common::engine_at(&dir.path().join("tablet"), &city.url);
    tablet.log_in(&login, &browser).await.expect("log in");
    tablet.follow(&report).await.expect("follow");
    sync_until_sent(&tablet).await;
    assert_eq!(supporters(&city).len(), 1);

    // A report needs no login, even here.
    let kiosk = common::engine_at(&dir.path().join("kiosk"), &city.url);
    assert!(!kiosk.logged_in().expect("state"));
    kiosk
        .save_draft(common::flood_draft(Identity::Anonymous))
        .expect("draft");
    let SubmitAnswer::Queued { .. } = kiosk.submit_draft().expect("submit") else {
        panic!("not queued");
    };
    sync_until_sent(&kiosk).await;

    // The token is in the app's database, for this city only; logging out forgets it.
    phone.log_out().expect("log out");
    assert!(!phone.logged_in().expect("state"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_that_comes_back_with_another_state_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = Provider::start(CLIENT).await;
    let login = OidcLogin::new(&p.issuer, CLIENT, reqwest::Client::new())
        .expect("login")
        .with_timeout(Duration::from_secs(10));
    let engine = common::engine_at(&dir.path().join("app"), common::NOWHERE);
    let forged = TestBrowser {
        tamper: |q| q.replace("state=", "state=x"),
    };
    let err = engine.log_in(&login, &forged).await.expect_err("refused");
    assert!(
        matches!(
            err,
            core_engine::error::CoreError::Login(LoginError::StateMismatch)
        ),
        "{err:?}"
    );
    assert!(!engine.logged_in().expect("state"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_city_that_counts_devices_offers_no_login() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let engine = common::engine_at(&dir.path().join("app"), &city.url);
    assert_eq!(engine.login_provider().await.expect("asked"), None);
    assert_eq!(
        engine.login_state().await.expect("asked"),
        LoginState::NotOffered,
        "no login button"
    );
    let browser = FollowRedirect::new().expect("browser");
    let err = engine
        .log_in_with_city(&browser)
        .await
        .expect_err("nothing to log in to");
    assert_eq!(err.code(), ErrorCode::LoginNotOffered);
}

/// What Settings does (the commands `login_state`, `log_in`, `log_out` call these): the
/// state names the city's provider; "log in" logs in with the provider the city names, the
/// browser coming back to the app; "log out" forgets it; a login is for one city address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_logs_in_with_the_provider_the_city_names_and_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = Provider::start(CLIENT).await;
    let city = city_counting_citizens(dir.path(), &p).await;
    let engine = common::engine_at(&dir.path().join("app"), &city.url);
    let vneid = Some("VNeID".to_owned());
    assert_eq!(
        engine.login_state().await.expect("asked"),
        LoginState::LoggedOut {
            provider: vneid.clone()
        }
    );
    let browser = FollowRedirect::new().expect("browser");
    assert_eq!(
        engine.log_in_with_city(&browser).await.expect("log in"),
        LoginState::LoggedIn {
            provider: vneid.clone()
        }
    );
    assert_eq!(
        engine.login_state().await.expect("asked"),
        LoginState::LoggedIn {
            provider: vneid.clone()
        }
    );
    // Another address (out of reach here): no login is kept for it, so its answer is needed.
    engine
        .set_api_base_url(common::NOWHERE, false)
        .expect("offline address");
    assert_eq!(
        engine.login_state().await.expect_err("city needed").code(),
        ErrorCode::Offline,
        "a login is per city: none kept for this address"
    );
    engine.set_api_base_url(&city.url, false).expect("back");
    engine.log_out().expect("log out");
    assert_eq!(
        engine.login_state().await.expect("asked"),
        LoginState::LoggedOut { provider: vneid }
    );
}
