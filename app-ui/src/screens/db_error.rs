//! Shown when the local database cannot be used: what happened, that the data is kept, and
//! (where it helps) starting fresh with the old file moved aside.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::dto::DbStatus;

use crate::bridge;
use crate::state::{Notice, use_ctx};

#[component]
pub fn DbError() -> impl IntoView {
    let ctx = use_ctx();
    let failure = move || {
        ctx.status.with(|s| match s.as_ref().map(|s| &s.db) {
            Some(DbStatus::Failed {
                error,
                can_start_fresh,
            }) => Some((error.clone(), *can_start_fresh)),
            _ => None,
        })
    };
    let problem = RwSignal::new(None::<&'static str>);
    let start_fresh = move |_| {
        spawn_local(async move {
            match bridge::start_fresh().await {
                Ok(outcome) => {
                    ctx.show(Notice::Text(
                        ctx.t_with("db.kept_as", &[("name", &outcome.kept_as)]),
                    ));
                    ctx.load_status();
                }
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    };
    view! {
        <section id="db-error" class="screen db-error" role="alert">
            <h1>{move || ctx.t("db.title")}</h1>
            <p class="reason">{move || failure().map(|(e, _)| ctx.error_text(&e)).unwrap_or_default()}</p>
            <p>{move || ctx.t("db.kept")}</p>
            <Show
                when=move || failure().is_some_and(|(_, can)| can)
                fallback=move || view! { <p class="muted">{ctx.t("db.retry_hint")}</p> }
            >
                <button id="start-fresh" class="primary" on:click=start_fresh>{move || ctx.t("db.start_fresh")}</button>
            </Show>
            <p class="error" role="status">{move || problem.get().unwrap_or_default()}</p>
        </section>
    }
}
