//! Delivering what the citizen did to the city: the retry policy (pure) and, on top of the
//! store's outbox, the worker that sends it.

pub mod policy;
