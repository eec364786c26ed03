//! Settings' login section, shown only where the city counts each verified citizen once
//! (`GET /api/v1/login` names a provider): what logging in changes, "log in with VNeID" (the
//! shell opens the system browser), the logged-in state and "log out". Nothing shows where
//! the city counts devices, or when it cannot be asked and no login is kept.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::trust::login::LoginState;

use crate::bridge;
use crate::state::use_ctx;

#[component]
pub fn Login() -> impl IntoView {
    let ctx = use_ctx();
    let state = RwSignal::new(None::<LoginState>);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<&'static str>);
    spawn_local(async move {
        if let Ok(s) = bridge::login::login_state().await {
            state.set(Some(s));
        }
    });
    let log_in = move |_| {
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match bridge::login::log_in().await {
                Ok(s) => state.set(Some(s)),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
            busy.set(false);
        });
    };
    let log_out = move |_| {
        problem.set(None);
        spawn_local(async move {
            match bridge::login::log_out().await {
                Ok(()) => {
                    let after = bridge::login::login_state().await.ok();
                    state.set(after);
                }
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    };
    let named = move |key_named: &'static str, key_plain: &'static str, p: &Option<String>| {
        p.as_deref().map_or_else(
            || ctx.t(key_plain).to_owned(),
            |name| ctx.t_with(key_named, &[("provider", name)]),
        )
    };
    move || {
        let body = match state.get()? {
            LoginState::NotOffered => return None,
            LoginState::LoggedOut { provider } => view! {
                <p id="login-what">{ctx.t("login.what")}</p>
                <button id="log-in" type="button" class="primary" prop:disabled=move || busy.get() on:click=log_in>
                    {named("login.with", "login.plain", &provider)}
                </button>
                <Show when=move || busy.get()>
                    <p id="login-waiting" class="muted" role="status">{ctx.t("login.waiting")}</p>
                </Show>
            }
            .into_any(),
            LoginState::LoggedIn { provider } => view! {
                <p id="login-state" role="status">{named("login.logged_in_with", "login.logged_in", &provider)}</p>
                <p class="muted">{ctx.t("login.what")}</p>
                <button id="log-out" type="button" class="secondary" on:click=log_out>{ctx.t("login.log_out")}</button>
            }
            .into_any(),
        };
        Some(view! {
            <section class="login" aria-labelledby="login-heading">
                <h2 id="login-heading">{ctx.t("login.heading")}</h2>
                {body}
                <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            </section>
        })
    }
}
