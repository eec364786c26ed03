//! Where a city counts verified citizens: its identity provider, as `GET /api/v1/login`
//! answers it (404 where the city counts devices). The app shows "log in" only then.

use serde::{Deserialize, Serialize};

/// The route that says whether and where a citizen logs in.
pub const LOGIN_PATH: &str = "/api/v1/login";

/// The city's OpenID Connect provider and the app's client id there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginProvider {
    /// The provider's issuer (discovery is under `/.well-known/openid-configuration`).
    pub issuer: String,
    /// The app's client id at the provider.
    pub client_id: String,
    /// The provider's name as the citizen knows it ("VNeID"), shown on the "log in" button;
    /// absent where the city gave none (the button then names no provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Longest provider name the app shows (a longer one is cut).
pub const MAX_PROVIDER_NAME: usize = 40;

/// What Settings shows about logging in (`login_state`, `log_in`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum LoginState {
    /// The city counts devices: there is nothing to log in to, and no button.
    NotOffered,
    /// The city counts verified citizens; `provider`: its name, when it gave one.
    #[serde(rename_all = "camelCase")]
    LoggedOut { provider: Option<String> },
    /// Logged in for the city API in use (the login is kept until it expires or "log out").
    #[serde(rename_all = "camelCase")]
    LoggedIn { provider: Option<String> },
}

impl LoginProvider {
    /// The name to show: trimmed, printable, at most [`MAX_PROVIDER_NAME`] characters; none
    /// when empty.
    pub fn shown_name(&self) -> Option<String> {
        let name: String = self
            .name
            .as_deref()?
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_PROVIDER_NAME)
            .collect();
        let name = name.trim();
        (!name.is_empty()).then(|| name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_name_is_shown_short_and_clean_or_not_at_all() {
        let p = |name: Option<&str>| LoginProvider {
            issuer: "https://sso.example".into(),
            client_id: "app".into(),
            name: name.map(str::to_owned),
        };
        assert_eq!(p(Some(" VNeID ")).shown_name().as_deref(), Some("VNeID"));
        assert_eq!(p(Some("  ")).shown_name(), None);
        assert_eq!(p(None).shown_name(), None);
        assert_eq!(p(Some("a\u{7}b")).shown_name().as_deref(), Some("ab"));
        let long = "x".repeat(100);
        assert_eq!(
            p(Some(&long)).shown_name().map(|n| n.len()),
            Some(MAX_PROVIDER_NAME)
        );
        // An older city's answer, without a name, still reads.
        let old: LoginProvider =
            serde_json::from_str(r#"{"issuer":"https://sso.example","client_id":"app"}"#)
                .expect("json");
        assert_eq!(old.name, None);
        assert_eq!(
            serde_json::to_string(&LoginState::LoggedIn {
                provider: Some("VNeID".into())
            })
            .expect("json"),
            r#"{"state":"loggedIn","provider":"VNeID"}"#
        );
    }
}
