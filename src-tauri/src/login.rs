//! Thin commands of the citizen's login (issue 13), for a city that counts "me too" and ward
//! ratings once per verified citizen: what Settings shows, "log in", "log out". Reports never
//! need it.
//!
//! The shell, not the UI, opens the system browser on the identity provider's authorization
//! page ([`SystemBrowser`], with the `open` crate: `xdg-open` here, the default browser on
//! macOS and Windows). The UI has no opener permission and never names the URL: the engine
//! builds it from the provider the city names. Mobile builds need Tauri's opener plugin (or a
//! custom tab) in place of `open`, which has no Android/iOS support.
//!
//! Debug builds only: with `CITIZEN_TEST_BROWSER=follow` in the environment, no browser is
//! opened and the provider's redirect is followed over HTTP (`core::login::FollowRedirect`),
//! so the end-to-end test can log in against the local test provider. Release builds never read
//! the variable.

use std::sync::Arc;

use core_engine::Engine;
use core_engine::login::{Browser, LoginError, LoginFuture};
use model::ErrorDto;
use model::trust::login::LoginState;
use tauri::State;

type Engines<'a> = State<'a, Arc<Engine>>;
type CmdResult<T> = Result<T, ErrorDto>;

/// Whether `url` may be opened: https (in debug builds also http to this machine, where the
/// test provider runs), with no user or password in it.
fn may_open(url: &str, debug: bool) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    let loopback = u.host_str().is_some_and(|h| {
        h == "localhost"
            || h.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    });
    let scheme_ok = u.scheme() == "https" || (debug && u.scheme() == "http" && loopback);
    scheme_ok && u.username().is_empty() && u.password().is_none()
}

/// The system's browser, opened on the provider's authorization page.
pub struct SystemBrowser;

impl Browser for SystemBrowser {
    fn open<'a>(&'a self, url: &'a str) -> LoginFuture<'a, ()> {
        Box::pin(async move {
            if !may_open(url, cfg!(debug_assertions)) {
                return Err(LoginError::NotHttps);
            }
            open_url(url)
        })
    }
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn open_url(url: &str) -> Result<(), LoginError> {
    open::that_detached(url).map_err(|err| {
        tracing::warn!(%err, "the system browser could not be opened");
        LoginError::Browser
    })
}

#[cfg(any(target_os = "android", target_os = "ios"))]
fn open_url(_url: &str) -> Result<(), LoginError> {
    Err(LoginError::Browser)
}

/// The browser this build logs in with (see the module's doc for the debug builds' one).
fn browser() -> Result<Box<dyn Browser>, LoginError> {
    #[cfg(debug_assertions)]
    if std::env::var("CITIZEN_TEST_BROWSER").as_deref() == Ok("follow") {
        return Ok(Box::new(core_engine::login::FollowRedirect::new()?));
    }
    Ok(Box::new(SystemBrowser))
}

#[tauri::command]
pub async fn login_state(engine: Engines<'_>) -> CmdResult<LoginState> {
    Ok(engine.login_state().await?)
}

/// Waits for the browser to come back (at most `core::login::LOGIN_TIMEOUT`).
#[tauri::command]
pub async fn log_in(engine: Engines<'_>) -> CmdResult<LoginState> {
    let browser = browser().map_err(core_engine::error::CoreError::from)?;
    Ok(engine.log_in_with_city(browser.as_ref()).await?)
}

#[tauri::command]
pub fn log_out(engine: Engines<'_>) -> CmdResult<()> {
    Ok(engine.log_out()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_is_opened_and_loopback_http_in_debug_builds() {
        let auth = "https://sso.vneid.gov.vn/authorize?client_id=app&state=x";
        assert!(may_open(auth, false));
        assert!(!may_open("http://127.0.0.1:4000/authorize", false));
        assert!(may_open("http://127.0.0.1:4000/authorize", true));
        assert!(!may_open("http://sso.example/authorize", true));
        assert!(!may_open("https://user:pw@sso.example/authorize", false));
        assert!(!may_open("file:///etc/passwd", true));
        assert!(!may_open("javascript:alert(1)", true));
        assert!(!may_open("not a url", true));
    }
}
