//! What the surveys' and announcements' screens share: their entries on the voice hub, and a
//! counter that moves when the shell says the device's copy changed (the listener is set up the
//! first time this part is opened, not at start).

use std::cell::OnceCell;

use leptos::prelude::*;
use model::ipc::Event;

use crate::bridge;
use crate::state::{Screen, VoiceScreen, use_ctx};

thread_local! {
    static VERSION: OnceCell<ArcRwSignal<u32>> = const { OnceCell::new() };
}

/// Moves when the surveys, an answer's state or the announcements changed on this device.
pub fn version() -> ArcRwSignal<u32> {
    VERSION.with(|v| {
        v.get_or_init(|| {
            let s = ArcRwSignal::new(0u32);
            let bump = s.clone();
            bridge::listen(Event::VoiceUpdated, move |(): ()| {
                bump.update(|n| *n = n.wrapping_add(1));
            });
            s
        })
        .clone()
    })
}

/// The surveys and announcements entries (one section; the rating's hub adds its own).
#[component]
pub fn CityEntries() -> impl IntoView {
    let ctx = use_ctx();
    let go = move |s: VoiceScreen| ctx.go(Screen::Voice(s));
    view! {
        <section class="screen voice-city" aria-labelledby="voice-city-heading">
            <h2 id="voice-city-heading">{move || ctx.t("voice.city.title")}</h2>
            <button id="open-surveys" class="wide" on:click=move |_| go(VoiceScreen::Surveys)>
                <span class="tile-title">{move || ctx.t("voice.surveys.title")}</span>
                <span class="tile-hint">{move || ctx.t("voice.surveys.hint")}</span>
            </button>
            <button id="open-announcements" class="wide" on:click=move |_| go(VoiceScreen::Announcements)>
                <span class="tile-title">{move || ctx.t("voice.announcements.title")}</span>
                <span class="tile-hint">{move || ctx.t("voice.announcements.hint")}</span>
            </button>
        </section>
    }
}

/// "Back" to `to`.
#[component]
pub fn Back(to: VoiceScreen) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <button class="secondary" on:click=move |_| ctx.go(Screen::Voice(to.clone()))>
            {move || ctx.t("nav.back")}
        </button>
    }
}
