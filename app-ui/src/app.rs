//! The root: loads the status, listens to the shell, applies language and text size to the page,
//! and shows the header plus the current screen (or the database error screen).

use leptos::prelude::*;
use model::dossier_dto::DossierNewsEvent;
use model::dto::{ConnectionDto, DbStatus};
use model::ipc::Event;
use model::report_dto::NewsEvent;
use model::{Language, TextSize};

use crate::screens::{home::Home, lazy};
use crate::state::{Ctx, Notice, Screen, use_ctx};
use crate::{bridge, i18n};

/// `<html lang>` and the text-size class follow the settings.
fn apply_to_page(language: Language, size: TextSize) {
    let Some(root) = document().document_element() else {
        return;
    };
    let _ = root.set_attribute("lang", language.tag());
    let _ = root.set_attribute("class", &format!("text-{}", size.tag()));
    document().set_title(i18n::t(language, "app.title"));
}

#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx::new();
    provide_context(ctx);
    ctx.load_status();
    bridge::listen(Event::ConnectionChanged, move |c: ConnectionDto| {
        ctx.set_connection(c)
    });
    bridge::listen(Event::WardsUpdated, move |(): ()| {
        ctx.wards_version.update(|v| *v += 1)
    });
    bridge::listen(Event::OutboxChanged, move |_report: i64| {
        ctx.reports_version.update(|v| *v += 1)
    });
    bridge::listen(Event::ReportsNews, move |news: NewsEvent| {
        ctx.unseen.set(news.unseen);
        ctx.notify("notify.title");
        ctx.reports_version.update(|v| *v += 1);
    });
    bridge::listen(Event::DossiersNews, move |news: DossierNewsEvent| {
        ctx.dossiers_unseen.set(news.unseen);
        ctx.dossiers_version.update(|v| *v += 1);
    });
    // New announcements may be urgent: the voice tile's count is asked again.
    bridge::listen(Event::VoiceUpdated, move |(): ()| {
        leptos::task::spawn_local(async move {
            if let Ok(s) = bridge::app_status().await {
                ctx.urgent.set(s.news.urgent);
            }
        })
    });
    bridge::listen(Event::MapUpdated, move |(): ()| {
        ctx.map_version.update(|v| *v += 1)
    });
    Effect::new(move |_| {
        if let Some(s) = ctx.settings() {
            apply_to_page(s.language, s.text_size);
        }
    });

    // A memo: the header is built once when the status arrives, not again on every change of
    // it (which would drop the keyboard focus from its buttons).
    let ready = Memo::new(move |_| ctx.status.with(Option::is_some));
    // Memos too: the screen is built again only when what it shows changes, not on every change
    // of the status (a language switch or the link coming and going dropped what was typed).
    let failed = Memo::new(move |_| {
        ctx.status
            .with(|s| matches!(s.as_ref().map(|s| &s.db), Some(DbStatus::Failed { .. })))
    });
    view! {
        {move || ready.get().then(|| view! { <Header/> })}
        <main id="main" tabindex="-1">
            <Show when=move || ctx.notice.with(Option::is_some)>
                <div id="notice" class="notice" role="status">
                    <p>{move || match ctx.notice.get() {
                        Some(Notice::Key(key)) => ctx.t(key).to_owned(),
                        Some(Notice::Text(text)) => text,
                        None => String::new(),
                    }}</p>
                    <button class="secondary" id="notice-close" aria-label=move || ctx.t("notice.close") on:click=move |_| ctx.notice.set(None)>"✕"</button>
                </div>
            </Show>
            {move || match ready.get() {
                // Before the status, the language and its texts are not known yet.
                false => view! { <p class="loading" role="status">"Đang tải… · Loading…"</p> }.into_any(),
                true if failed.get() => lazy::show(lazy::db_error()),
                true => match ctx.screen.get() {
                    Screen::Home => view! { <Home/> }.into_any(),
                    Screen::Wards => lazy::show(lazy::finder()),
                    Screen::Ward(ward) => lazy::show(lazy::ward_detail(ward)),
                    Screen::Settings => lazy::show(lazy::settings()),
                    Screen::Feedback => lazy::show(lazy::feedback_hub()),
                    Screen::NewReport(step) => lazy::show(lazy::report_form(step)),
                    Screen::Report(id) => lazy::show(lazy::report_view(id)),
                    Screen::WardReports(code) => lazy::show(lazy::ward_reports(code)),
                    Screen::Dossiers(screen) => lazy::show(lazy::dossiers(screen)),
                    Screen::Map(screen) => lazy::show(lazy::map(screen)),
                    Screen::Voice(screen) => lazy::show(lazy::voice(screen)),
                },
            }}
        </main>
    }
}

#[component]
fn Header() -> impl IntoView {
    let ctx = use_ctx();
    let state = move || {
        ctx.status
            .with(|s| s.as_ref().map(|s| s.connection.state).unwrap_or_default())
    };
    let state_tag = move || state().tag();
    let state_text = move || ctx.t(state().message_key());
    let lang_button = move |language: Language, id: &'static str, label: &'static str| {
        view! {
            <button
                id=id
                class="lang"
                lang=language.tag()
                // Named by the code it shows (WCAG 2.5.3: the name holds what is seen); the
                // language's full name is its description (read after it, and a tooltip).
                title=move || ctx.t(language.message_key())
                aria-pressed=move || (ctx.lang() == language).to_string()
                on:click=move |_| ctx.switch_language(language)
            >
                {label}
            </button>
        }
    };
    view! {
        <header class="bar">
            <div class="bar-row">
                <button id="nav-home" class="nav" on:click=move |_| ctx.go(Screen::Home)>
                    {move || ctx.t("nav.home")}
                </button>
                <p class="app-title">{move || ctx.t("app.title")}</p>
                <div class="bar-actions">
                    <button id="nav-settings" class="nav" on:click=move |_| ctx.go(Screen::Settings)>
                        {move || ctx.t("nav.settings")}
                    </button>
                    <div class="langs" role="group" aria-label=move || ctx.t("lang.label")>
                        {lang_button(Language::Vi, "lang-vi", "VI")}
                        {lang_button(Language::En, "lang-en", "EN")}
                    </div>
                </div>
            </div>
            <div class="bar-row">
                <p id="connection-state" class="conn" data-state=state_tag role="status">
                    <span class="dot" aria-hidden="true"></span>
                    {state_text}
                </p>
            </div>
        </header>
    }
}
