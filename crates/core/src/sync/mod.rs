//! Delivering what the citizen did to the city and bringing back what the city says: the retry
//! policy (pure), the HTTP attempts, the worker that runs them over the store's outbox, and the
//! sync of tracked dossiers.

pub mod dossiers;
pub mod news;
pub mod policy;
pub mod transport;
pub mod worker;

pub use worker::{PassSummary, PullError, Quiet, StoreAccess, SyncObserver, Worker};
