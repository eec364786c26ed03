//! Trust between the app and the city API (issue 13): who may be counted, who owns a report,
//! what the citizen agreed to. The wire contract both sides build on; pure, compiles to wasm.
//!
//! - [`signature`]: a server-registered device proves itself on every write with an HMAC over
//!   the request (method, path, time, Idempotency-Key, a digest of the content).
//! - [`owner`]: each report carries its own random owner key; follow-ups to it prove ownership
//!   with that key, so an anonymous report is not linked to the device or to other reports.
//! - [`consent`]: the consent text's version and the moment it was given, sent with contact
//!   details and stored next to them on both sides.
//! - [`my_data`]: export my data, delete my data (on the device and at the city).

pub mod consent;
pub mod login;
pub mod my_data;
pub mod owner;
pub mod signature;

pub use consent::{CONSENT_VERSION, Consent};
pub use owner::OwnerKey;
pub use signature::{ContentDigest, DeviceCredential, DeviceSecret, Registration};

/// The route where an app registers its device once (`POST`, form with `api_key`, answers 201
/// with a [`Registration`]).
pub const REGISTER_PATH: &str = "/api/v1/devices";
