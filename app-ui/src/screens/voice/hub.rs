//! The voice part's first page (the home's "rate" tile opens it): rate my ward or another one,
//! and the scoreboard; then the city's surveys and announcements (`city::CityEntries`).

use std::time::Duration;

use leptos::prelude::*;
use model::Ward;
use model::part::Part;
use model::scoreboard::PeriodKind;

use crate::state::{BackTo, Screen, VoiceScreen, use_ctx};
use crate::{bridge, load};

/// Wards listed under the search box at once.
const LIMIT: u32 = 8;
const DEBOUNCE: Duration = Duration::from_millis(150);

#[component]
pub fn Hub() -> impl IntoView {
    let ctx = use_ctx();
    let query = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<Ward>::new());
    load::latest(
        move || asked.get(),
        |q| async move {
            if q.trim().is_empty() {
                return Vec::new();
            }
            bridge::search_wards(&q, LIMIT)
                .await
                .map(|r| r.wards)
                .unwrap_or_default()
        },
        move |wards| found.set(wards),
    );
    let on_input = crate::debounce::settled_input(query, asked, DEBOUNCE);
    let rate = move |code: String| {
        ctx.go(Screen::Voice(VoiceScreen::Rate {
            ward: code,
            back: BackTo::Hub,
        }))
    };
    let mine = move || {
        ctx.my_ward.get().map(|w| {
            let code = w.code.to_string();
            let score = code.clone();
            view! {
                <button id="rate-my-ward" class="primary wide" on:click=move |_| rate(code.clone())>
                    <span class="tile-title">{ctx.t_with("voice.rate_mine", &[("name", &w.name)])}</span>
                    <span class="tile-hint">{ctx.t("voice.rate_mine_hint")}</span>
                </button>
                <button id="score-my-ward" class="wide" on:click=move |_| ctx.go(Screen::Voice(VoiceScreen::WardScore(score.clone())))>
                    {ctx.t_with("voice.score_mine", &[("name", &w.name)])}
                </button>
            }
        })
    };
    view! {
        <section class="screen voice-hub">
            <button class="secondary back" on:click=move |_| ctx.go(Screen::Home)>{move || ctx.t("nav.back")}</button>
            <h1>{move || ctx.t(Part::Rate.title_key())}</h1>
            <section id="voice-rate" aria-labelledby="voice-rate-title">
                <h2 id="voice-rate-title">{move || ctx.t("voice.rate_title")}</h2>
                <p class="muted">{move || ctx.t("voice.rate_intro")}</p>
                {mine}
                <label for="rate-ward-search" class="field-label">{move || ctx.t("voice.rate_other")}</label>
                <input id="rate-ward-search" type="search" autocomplete="off" spellcheck="false"
                    placeholder=move || ctx.t("wards.search_placeholder")
                    prop:value=move || query.get() on:input=on_input/>
                <ul class="results" id="rate-ward-results" aria-label=move || ctx.t("wards.results")>
                    <For each=move || found.get() key=|w: &Ward| w.code.clone() children=move |w: Ward| {
                        let code = w.code.to_string();
                        view! {
                            <li>
                                <button class="ward-result" on:click=move |_| rate(code.clone())>
                                    <span class="name">{w.name.clone()}</span>
                                    <span class="meta">{move || ctx.t("voice.rate_this")}</span>
                                </button>
                            </li>
                        }
                    }/>
                </ul>
                <button id="open-scoreboard" class="wide" on:click=move |_| ctx.go(Screen::Voice(VoiceScreen::Scoreboard { period: PeriodKind::Month }))>
                    <span class="tile-title">{move || ctx.t("voice.scoreboard")}</span>
                    <span class="tile-hint">{move || ctx.t("voice.scoreboard_hint")}</span>
                </button>
            </section>
            <super::city::CityEntries/>
        </section>
    }
}
