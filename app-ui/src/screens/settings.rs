//! Settings: language, text size, the city API address (validated by the shell; one that is
//! not the city's official address is used only after the citizen confirms it by name),
//! connection, the login where the city counts citizens (`screens/login.rs`), "your data".

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::{ErrorCode, Language, TextSize};

use crate::bridge;
use crate::screens::login::Login;
use crate::screens::my_data::MyData;
use crate::state::use_ctx;

#[component]
pub fn Settings() -> impl IntoView {
    let ctx = use_ctx();
    let url = RwSignal::new(ctx.settings().map(|s| s.api_base_url).unwrap_or_default());
    let url_error = RwSignal::new(None::<&'static str>);
    let url_saved = RwSignal::new(false);
    let checking = RwSignal::new(false);
    // An address waiting for the citizen's yes (not the city's official one).
    let to_confirm = RwSignal::new(None::<String>);

    let save = move |text: String, confirmed: bool| {
        spawn_local(async move {
            match bridge::set_api_base_url(&text, confirmed).await {
                Ok(settings) => {
                    url.set(settings.api_base_url.clone());
                    ctx.set_settings(settings);
                    url_error.set(None);
                    url_saved.set(true);
                    to_confirm.set(None);
                }
                Err(err) if err.code == ErrorCode::ApiUrlNotOfficial => {
                    url_error.set(Some(ctx.error_text(&err)));
                    url_saved.set(false);
                    to_confirm.set(Some(text));
                }
                // What the citizen typed stays in the field.
                Err(err) => {
                    url_error.set(Some(ctx.error_text(&err)));
                    url_saved.set(false);
                    to_confirm.set(None);
                }
            }
        });
    };
    let save_url = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save(url.get_untracked(), false);
    };
    let confirm = move |_| {
        if let Some(text) = to_confirm.get_untracked() {
            save(text, true);
        }
    };
    let keep = move |_| {
        to_confirm.set(None);
        url_error.set(None);
        url.set(ctx.settings().map(|s| s.api_base_url).unwrap_or_default());
    };
    let check_now = move |_| {
        checking.set(true);
        spawn_local(async move {
            if let Ok(c) = bridge::refresh_wards().await {
                ctx.set_connection(c);
            }
            checking.set(false);
        });
    };
    let choose_size = move |size: TextSize| {
        spawn_local(async move {
            if let Ok(s) = bridge::set_text_size(size).await {
                ctx.set_settings(s);
            }
        });
    };
    let languages = Language::ALL
        .into_iter()
        .map(|l| {
            let id = format!("setting-lang-{}", l.tag());
            view! {
                <div class="choice">
                    <input type="radio" name="language" id=id.clone()
                        prop:checked=move || ctx.lang() == l
                        on:change=move |_| ctx.switch_language(l)/>
                    <label for=id lang=l.tag()>{ctx.t(l.message_key())}</label>
                </div>
            }
        })
        .collect_view();
    let sizes = TextSize::ALL
        .into_iter()
        .map(|s| {
            let id = format!("setting-size-{}", s.tag());
            view! {
                <div class="choice">
                    <input type="radio" name="text-size" id=id.clone()
                        prop:checked=move || ctx.settings().is_some_and(|x| x.text_size == s)
                        on:change=move |_| choose_size(s)/>
                    <label for=id class=format!("size-{}", s.tag())>{move || ctx.t(s.message_key())}</label>
                </div>
            }
        })
        .collect_view();
    let refreshed = move || {
        ctx.status
            .with(|s| {
                s.as_ref()
                    .and_then(|s| s.connection.wards_refreshed_at.clone())
            })
            .map_or_else(
                || ctx.t("settings.never_refreshed").to_owned(),
                |time| {
                    ctx.t_with(
                        "settings.last_refresh",
                        &[("time", &time.replace('T', " ").replace('Z', " UTC"))],
                    )
                },
            )
    };
    view! {
        <section class="screen settings">
            <h1>{move || ctx.t("settings.title")}</h1>
            <fieldset>
                <legend>{move || ctx.t("settings.language")}</legend>
                {languages}
            </fieldset>
            <fieldset>
                <legend>{move || ctx.t("settings.text_size")}</legend>
                {sizes}
            </fieldset>
            <form class="api-url" on:submit=save_url>
                <label for="api-url" class="field-label">{move || ctx.t("settings.api_url")}</label>
                <p id="api-url-hint" class="muted">{move || ctx.t("settings.api_url_hint")}</p>
                <input
                    id="api-url"
                    type="url"
                    inputmode="url"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="api-url-hint api-url-error"
                    aria-invalid=move || url_error.with(Option::is_some).to_string()
                    prop:value=move || url.get()
                    on:input=move |ev| {
                        url.set(event_target_value(&ev));
                        url_saved.set(false);
                    }
                />
                <p id="api-url-error" class="error" aria-live="assertive">{move || url_error.get().unwrap_or_default()}</p>
                <p class="ok" role="status">{move || if url_saved.get() { ctx.t("settings.saved") } else { "" }}</p>
                <button id="api-url-save" type="submit" class="primary">{move || ctx.t("settings.save")}</button>
            </form>
            <Show when=move || to_confirm.with(Option::is_some)>
                <div class="card confirm-address" role="group" aria-labelledby="confirm-address-text">
                    <p id="confirm-address-text">{move || ctx.t_with("settings.confirm_address", &[("address", &to_confirm.get().unwrap_or_default())])}</p>
                    <button id="confirm-address-yes" type="button" class="secondary" on:click=confirm>{move || ctx.t("settings.confirm_yes")}</button>
                    <button id="confirm-address-no" type="button" class="primary" on:click=keep>{move || ctx.t("settings.confirm_no")}</button>
                </div>
            </Show>
            <section class="connection" aria-labelledby="connection-heading">
                <h2 id="connection-heading">{move || ctx.t("settings.connection")}</h2>
                <p class="muted">{refreshed}</p>
                <button id="refresh-now" class="secondary" prop:disabled=move || checking.get() on:click=check_now>
                    {move || ctx.t("settings.check_now")}
                </button>
            </section>
            <Login/>
            <MyData/>
        </section>
    }
}
