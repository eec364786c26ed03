//! "Skip the map": the map's content as lists a keyboard and a screen reader go through — every
//! unit (its card on a button), the open reports (their card, "me too"), the ward offices.

use leptos::prelude::*;

use super::Loaded;
use super::data::ward_name;
use crate::format::city_time;
use crate::screens::feedback::{service_label, status_key};
use crate::state::use_ctx;

#[component]
pub fn MapList(
    loaded: RwSignal<Loaded>,
    on_ward: impl Fn(String) + Copy + Send + Sync + 'static,
    on_report: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let count = move || loaded.with(|l| l.wards.len());
    let reports = move || {
        loaded.with(|l| {
            l.reports
                .as_ref()
                .map(|r| (r.items.clone(), r.pulled_at.clone()))
        })
    };
    let offices = move || loaded.with(|l| l.offices.as_ref().map(|o| o.items.clone()));
    view! {
        <section class="map-list" id="map-list" aria-labelledby="map-list-reports">
            <h2 id="map-list-reports">{move || ctx.t("map.list_reports")}</h2>
            {move || match reports() {
                None => view! { <p class="muted">{ctx.t("map.not_available")}</p> }.into_any(),
                Some((items, at)) if items.is_empty() => view! {
                    <p class="muted" id="map-list-no-reports">{ctx.t("map.no_reports")}</p>
                    {at.map(|at| view! { <p class="muted">{ctx.t_with("map.reports_as_of", &[("time", &city_time(&at))])}</p> })}
                }.into_any(),
                Some((items, at)) => view! {
                    {at.map(|at| view! { <p class="muted">{ctx.t_with("map.reports_as_of", &[("time", &city_time(&at))])}</p> })}
                    <ul class="report-list" id="map-list-report-items">
                        {items.into_iter().map(|f| {
                            let p = f.properties;
                            let id = p.id.clone();
                            let ward = p.ward_code.as_ref().and_then(|c| loaded.with_untracked(|l| ward_name(&l.wards, c.as_str())));
                            view! {
                                <li class="public-report">
                                    <button class="link report-item" data-id=id.clone() on:click=move |_| on_report(id.clone())>
                                        {service_label(ctx, &p.service_code)}
                                    </button>
                                    <p class="meta">
                                        <span class="chip status">{ctx.t(status_key(Some(p.status)))}</span>
                                        <span class="when">{city_time(&p.requested_at)}</span>
                                        {ward.map(|w| view! { <span>{w}</span> })}
                                    </p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <h2 id="map-list-offices">{move || ctx.t("map.list_offices")}</h2>
            {move || match offices() {
                Some(items) if !items.is_empty() => view! {
                    <ul class="office-list">
                        {items.into_iter().map(|o| {
                            let name = loaded.with_untracked(|l| ward_name(&l.wards, &o.ward_code)).unwrap_or_else(|| o.ward_code.clone());
                            let code = o.ward_code.clone();
                            view! {
                                <li>
                                    <button class="link office-item" on:click=move |_| on_ward(code.clone())>{name}</button>
                                    <p class="muted">{o.address.clone().unwrap_or_else(|| ctx.t("map.not_available").to_owned())}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                _ => view! { <p class="muted">{ctx.t("map.no_offices")}</p> }.into_any(),
            }}
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
