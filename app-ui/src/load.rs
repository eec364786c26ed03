//! Reads from the shell that run again when what they depend on changes, keeping only the
//! answer of the latest run: on a busy phone an older answer can arrive after a newer one.
//!
//! Leptos' `LocalResource` does the same; measured here (issue 11) it made the ward finder's
//! part 10,529 B gzip bigger (13,370 → 23,899 B; the start part +57 B) for what these lines do,
//! so the screens use this instead.

use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

/// Runs `fetch` with what `input` reads, now and whenever a signal `input` reads changes, and
/// hands the answer to `apply` unless a later run has started since (or the screen is gone).
pub fn latest<I, T, Fut>(
    input: impl Fn() -> I + 'static,
    fetch: impl Fn(I) -> Fut + 'static,
    apply: impl Fn(T) + 'static,
) where
    I: 'static,
    T: 'static,
    Fut: Future<Output = T> + 'static,
{
    let runs = StoredValue::new(0u32);
    let apply = Rc::new(apply);
    Effect::new(move |_| {
        let asked = fetch(input());
        let Some(mine) = runs.try_update_value(|n| {
            *n = n.wrapping_add(1);
            *n
        }) else {
            return;
        };
        let apply = Rc::clone(&apply);
        spawn_local(async move {
            let answer = asked.await;
            if runs.try_get_value() == Some(mine) {
                apply(answer);
            }
        });
    });
}
