//! The retention purge on a schedule: [`db::retention::purge`](crate::db::retention::purge) run
//! at start and then every `every`, as of the server's clock (which tests move).

use std::time::Duration;

use crate::db::Db;
use crate::db::retention::{Policy, purge};
use crate::state::Clock;

/// Starts the purge on the current tokio runtime; it runs until the task is aborted or the
/// runtime stops. A failed run is logged and tried again at the next tick.
pub fn spawn(db: Db, policy: Policy, every: Duration, clock: Clock) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let now = clock.now();
            match db.call(move |conn| purge(conn, &policy, now)).await {
                Ok(done) if done == Default::default() => {
                    tracing::debug!("retention: nothing to purge")
                }
                Ok(done) => tracing::info!(?done, "retention purge"),
                Err(err) => tracing::error!(%err, "retention purge failed"),
            }
        }
    })
}
