//! The ward finder (search as you type, diacritics optional; former names of before 1-7-2025
//! too, each with the current units it went into) and a ward's details with "set as my ward".

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::Ward;
use model::search::place::{Place, PlaceSearchResult};

use crate::format::fixed;
use crate::screens::places;
use crate::screens::voice::prompt::RatePrompt;
use crate::state::BackTo;
use crate::state::{Screen, use_ctx};
use crate::{bridge, load};

/// Most results drawn at once; the count says how many matched in all.
const LIMIT: u32 = 200;
/// Wait this long after the last keystroke before searching.
const DEBOUNCE: Duration = Duration::from_millis(120);

#[component]
pub fn Finder() -> impl IntoView {
    let ctx = use_ctx();
    // What is typed, and what was searched once typing paused.
    let query = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let result = RwSignal::new(None::<PlaceSearchResult>);
    let problem = RwSignal::new(None::<&'static str>);
    // Searched again when the query or the list changes (the shell says when).
    load::latest(
        move || {
            ctx.wards_version.track();
            asked.get()
        },
        |q| async move { bridge::search_places(&q, LIMIT).await },
        move |answer| match answer {
            Ok(r) => {
                result.set(Some(r));
                problem.set(None);
            }
            Err(err) => problem.set(Some(ctx.error_text(&err))),
        },
    );
    let on_input = crate::debounce::settled_input(query, asked, DEBOUNCE);
    let count_text = move || {
        let Some(r) = result.get() else {
            return String::new();
        };
        if r.total == 0 {
            ctx.t("wards.none").to_owned()
        } else if r.total == 1 {
            ctx.t("wards.count_one").to_owned()
        } else if asked.with(|q| q.trim().is_empty()) {
            ctx.t_with("wards.count_all", &[("count", &r.total.to_string())])
        } else {
            ctx.t_with("wards.count", &[("count", &r.total.to_string())])
        }
    };
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    view! {
        <section class="screen finder">
            <h1>{move || ctx.t("wards.title")}</h1>
            <label for="ward-search" class="field-label">{move || ctx.t("wards.search_label")}</label>
            <input
                id="ward-search"
                node_ref=input
                type="search"
                inputmode="search"
                autocomplete="off"
                spellcheck="false"
                aria-describedby="ward-search-hint ward-places-hint ward-count"
                placeholder=move || ctx.t("wards.search_placeholder")
                prop:value=move || query.get()
                on:input=on_input
            />
            <p id="ward-search-hint" class="muted">{move || ctx.t("wards.search_hint")}</p>
            <p id="ward-places-hint" class="muted">{move || ctx.t("places.hint")}</p>
            <p id="ward-count" class="count" aria-live="polite">{count_text}</p>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            <ul class="results" aria-label=move || ctx.t("wards.results")>
                <For
                    each=move || result.get().map(|r| r.places).unwrap_or_default()
                    key=Place::key
                    children=move |place: Place| match place {
                        Place::Ward(w) => view! { <li><WardButton ward=w/></li> }.into_any(),
                        former => view! { <li><FormerPlace place=former/></li> }.into_any(),
                    }
                />
            </ul>
        </section>
    }
}

/// A current unit in the list: its name, kind and code; opens its details.
#[component]
fn WardButton(ward: Ward) -> impl IntoView {
    let ctx = use_ctx();
    let kind = ward.kind.message_key();
    let code = ward.code.to_string();
    let name = ward.name.clone();
    view! {
        <button class="ward-result" on:click=move |_| ctx.go(Screen::Ward(ward.clone()))>
            <span class="name">{name}</span>
            <span class="meta">{move || ctx.t(kind)} " · " {code.clone()}</span>
        </button>
    }
}

/// A former ward or district: its name with "(former, …)", then the current units it went into,
/// each a button to its details.
#[component]
fn FormerPlace(place: Place) -> impl IntoView {
    let ctx = use_ctx();
    let heading = place.now_part().map(|p| p.list_key()).unwrap_or_default();
    let now = place.now().to_vec();
    view! {
        <div class="former-place">
            <p class="name">{move || places::label(ctx, &place)}</p>
            <p class="meta">{move || ctx.t(heading)}</p>
            <ul class="now-units">
                {now.into_iter().map(|w| view! { <li><WardButton ward=w/></li> }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
pub fn WardDetail(ward: Ward) -> impl IntoView {
    let ctx = use_ctx();
    let saved = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<&'static str>);
    let code = ward.code.to_string();
    let is_mine = {
        let code = code.clone();
        move || ctx.settings().and_then(|s| s.my_ward).as_deref() == Some(code.as_str())
    };
    let set_mine = {
        let ward = ward.clone();
        move |_| {
            let ward = ward.clone();
            spawn_local(async move {
                // Confirm only once the shell answered: the choice is on disk then.
                match bridge::set_my_ward(ward.code.as_str()).await {
                    Ok(settings) => {
                        ctx.set_settings(settings);
                        saved.set(Some(ctx.t_with("ward.saved", &[("name", &ward.name)])));
                        ctx.my_ward.set(Some(ward));
                        problem.set(None);
                    }
                    Err(err) => problem.set(Some(ctx.error_text(&err))),
                }
            });
        }
    };
    let kind = ward.kind.message_key();
    let area = fixed(ward.area_km2, 2);
    let centroid = format!("{}° N, {}° E", fixed(ward.lat, 4), fixed(ward.lon, 4));
    view! {
        <section class="screen ward-detail">
            <button class="secondary back" on:click=move |_| ctx.go(Screen::Wards)>{move || ctx.t("nav.back")}</button>
            <h1 id="ward-detail-name">{ward.name.clone()}</h1>
            <dl class="facts">
                <dt>{move || ctx.t("ward.kind")}</dt>
                <dd>{move || ctx.t(kind)}</dd>
                <dt>{move || ctx.t("ward.code")}</dt>
                <dd>{code.clone()}</dd>
                <dt>{move || ctx.t("ward.area")}</dt>
                <dd>{move || ctx.t_with("ward.area_value", &[("value", &area)])}</dd>
                <dt>{move || ctx.t("ward.centroid")}</dt>
                <dd>{centroid}</dd>
            </dl>
            <Show
                when=is_mine
                fallback=move || view! {
                    <button id="set-my-ward" class="primary wide" on:click=set_mine.clone()>{move || ctx.t("ward.set_mine")}</button>
                }
            >
                <p id="ward-is-mine" class="ok">{move || ctx.t("ward.is_mine")}</p>
            </Show>
            <p id="ward-saved" class="ok" role="status">{move || saved.get().unwrap_or_default()}</p>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            <RatePrompt ward=code.clone() back=BackTo::Ward/>
        </section>
    }
}
