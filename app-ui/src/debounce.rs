//! Search boxes that ask only once typing pauses: each keystroke would otherwise start a search.

use std::time::Duration;

use leptos::prelude::*;

/// An `on:input` handler: `query` follows every keystroke (what the box shows), `asked` takes
/// the text once it has stayed the same for `wait` (what is searched).
pub fn settled_input(
    query: RwSignal<String>,
    asked: RwSignal<String>,
    wait: Duration,
) -> impl Fn(web_sys::Event) + Copy + 'static {
    move |ev| {
        let q = event_target_value(&ev);
        query.set(q.clone());
        set_timeout(
            move || {
                if query.get_untracked() == q {
                    asked.set(q);
                }
            },
            wait,
        );
    }
}
