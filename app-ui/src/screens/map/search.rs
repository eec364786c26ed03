//! The map's search box (issue 14): a current unit or a former name (the shell's place search:
//! the finder's folding and ranking), its hits as buttons. A unit chosen is flown to and its
//! card opened; a former ward is flown to at its own position (else its default current unit)
//! and what it is now part of is said; a former district is framed by its current units.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::search::place::{Place, fit};

use crate::map::MapView;
use crate::screens::places;
use crate::state::use_ctx;

/// How close a found unit is shown.
const WARD_ZOOM: f64 = 12.5;
/// A former ward was smaller than today's units: closer.
const FORMER_WARD_ZOOM: f64 = 14.0;
/// A framed district is never closer than this, nor tighter to the edges than `PADDING` px.
const MAX_FIT_ZOOM: f64 = 14.0;
const PADDING: f64 = 24.0;
/// Hits shown under the box.
const HITS: u32 = 6;

/// Moves the map to `place` in a view of `size` pixels.
pub fn frame(map: &MapView, place: &Place, size: (f64, f64)) {
    let zoom = match place {
        Place::Ward(_) => WARD_ZOOM,
        _ => FORMER_WARD_ZOOM,
    };
    if let Some((lat, lon)) = place.position() {
        map.fly_to(lat, lon, zoom);
    } else if let Some(bounds) = place.bounds() {
        let (lat, lon, zoom) = fit(bounds, size, PADDING, MAX_FIT_ZOOM);
        map.fly_to(lat, lon, zoom);
    }
}

/// The unit whose card opens: the one found, a former ward's default current unit; none for a
/// former district (it lies within several).
pub fn selects(place: &Place) -> Option<String> {
    match place {
        Place::Ward(w) => Some(w.code.to_string()),
        Place::FormerWard(f) => f.now.first().map(|w| w.code.to_string()),
        Place::FormerDistrict(_) => None,
    }
}

#[component]
pub fn Search(on_pick: impl Fn(Place) + Copy + Send + Sync + 'static) -> impl IntoView {
    let ctx = use_ctx();
    let query = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let hits = RwSignal::new(Vec::<Place>::new());
    // The last former place chosen: what it is now is said in a live region (in the language
    // shown), until the box is searched again.
    let said = RwSignal::new(None::<Place>);
    let on_input =
        crate::debounce::settled_input(query, asked, std::time::Duration::from_millis(200));
    Effect::new(move |_| {
        let q = asked.get();
        spawn_local(async move {
            let found = if q.trim().is_empty() {
                Vec::new()
            } else {
                crate::bridge::search_places(&q, HITS)
                    .await
                    .map(|f| f.places)
                    .unwrap_or_default()
            };
            // Only the answer to what the box still says.
            if asked.get_untracked() == q {
                if !q.trim().is_empty() {
                    said.set(None);
                }
                hits.set(found);
            }
        });
    });
    view! {
        <div class="map-search" role="search">
            <label for="map-search" class="field-label">{move || ctx.t("map.search")}</label>
            <input id="map-search" type="search" autocomplete="off" prop:value=move || query.get()
                placeholder=move || ctx.t("wards.search_placeholder")
                aria-describedby="map-place-said"
                on:input=on_input/>
            <ul class="map-hits" id="map-hits" aria-live="polite">
                <For each=move || hits.get() key=Place::key let:place>
                    <li>
                        <button class="link place-hit" on:click={
                            let place = place.clone();
                            move |_| {
                                hits.set(Vec::new());
                                said.set(Some(place.clone()));
                                on_pick(place.clone());
                            }
                        }>
                            <span class="name">{places::label(ctx, &place)}</span>
                            {places::now_text(ctx, &place).map(|now| view! { <span class="meta">{now}</span> })}
                        </button>
                    </li>
                </For>
            </ul>
            <p id="map-place-said" class="map-said" role="status" class:empty=move || said.with(|p| p.as_ref().is_none_or(|p| p.now_part().is_none()))>
                {move || said.with(|p| p.as_ref().and_then(|p| places::said(ctx, p)))}
            </p>
        </div>
    }
}
