//! The Citizen App's native engine. The Tauri shell only translates between the UI and this
//! crate; everything that touches SQLite or the network lives here.
//!
//! - [`store`]: the local SQLite database (migrations, settings, wards) and its failure modes.
//! - [`directory`]: the wards in Vietnamese order with a search index, rebuilt when they change.
//! - [`client`]: the city API over HTTP (reqwest + rustls).
//! - [`connection`]: when to check the city API next (pure policy).
//! - [`photo`]: photos checked, straightened, shrunk and stripped of metadata before they are queued.
//! - [`qr`]: the QR code on a paper receipt, read from a photo of it.
//! - [`services`]: the feedback categories with a search over names and keywords.
//! - [`reports`]: what the citizen sees of their reports (delivery, timeline, what they may
//!   still do), assembled from the store's rows; pure.
//! - [`dossiers`]: what the citizen sees of their tracked dossiers (deadline, news, which QR
//!   code is the receipt's); pure.
//! - [`sync`]: the outbox worker, the status pull, timelines and the city's photos, the
//!   dossiers' sync.
//! - [`engine`]: ties them together for the shell: one object, one method per user action.

pub mod bundled;
pub mod client;
pub mod collate;
pub mod connection;
pub mod directory;
pub mod dossiers;
pub mod engine;
pub mod error;
pub mod login;
pub mod map;
pub mod photo;
pub mod qr;
pub mod reports;
pub mod services;
pub mod store;
pub mod sync;

pub use engine::{Engine, EngineConfig};
pub use error::CoreError;
