//! Proof and figures for the sync engine (see `citizen-soak --help`):
//!
//! - [`proxy`]: a fault-injecting HTTP proxy on 127.0.0.1;
//! - [`client`]: the sync engine as a child process the soak kills with SIGKILL;
//! - [`soak`]: the driver that queues reports offline, plays faults and kills, and checks the
//!   city's database for every report exactly once;
//! - [`bench`]: server throughput and latency, client sync against a plain POST loop, and the
//!   local durable save.

pub mod bench;
pub mod client;
pub mod proxy;
pub mod soak;
