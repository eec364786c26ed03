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
}
