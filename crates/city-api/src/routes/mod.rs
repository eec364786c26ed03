//! HTTP routes, each documented for the OpenAPI document (one list: the router is built from
//! the same `routes!` that feed the document, so they cannot drift).

pub mod dossiers;
pub mod health;
pub mod ward_ratings;
pub mod wards;
