//! The card of a ward tapped on the map (or chosen in the list), and of a report point.

use leptos::prelude::*;

use super::Loaded;
use super::data::{self, Score};
use crate::state::{Screen, use_ctx};
use model::draft::{FormStep, PlaceMode, Step};

/// A share 0–100 as the card writes it, or "not available".
fn percent(ctx: crate::state::Ctx, value: Option<f64>) -> String {
    match value {
        Some(v) => ctx.t_with("map.percent", &[("n", &format!("{}", v.round() as i64))]),
        None => ctx.t("map.not_available").to_owned(),
    }
}

#[component]
pub fn WardCardView(
    loaded: RwSignal<Loaded>,
    code: String,
    on_close: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let ward = {
        let code = code.clone();
        move || loaded.with(|l| l.wards.iter().find(|w| w.code.as_str() == code).cloned())
    };
    let scores = {
        let code = code.clone();
        Signal::derive(move || {
            loaded.with(|l| {
                l.scores
                    .iter()
                    .flatten()
                    .find(|s| s.code == code)
                    .cloned()
            })
        })
    };
    // The form at its place step, with this ward chosen ("no exact address" unless the citizen
    // was giving a street address: a position would name its own ward).
    let report_here = {
        let code = code.clone();
        move |_| {
            let code = code.clone();
            ctx.form.edit_loaded(move |d| {
                d.ward_code = Some(code);
                if d.place_mode != PlaceMode::Address {
                    d.place_mode = PlaceMode::Described;
                }
            });
            ctx.go(Screen::NewReport(FormStep::Fill(Step::Place)));
        }
    };
    view! {
        <section class="card ward-card" id="ward-card" aria-labelledby="ward-card-name">
            {move || ward().map(|w| view! {
                <h2 id="ward-card-name">{w.name.clone()}</h2>
                <dl class="facts">
                    <dt>{move || ctx.t("map.card_kind")}</dt><dd>{ctx.t(w.kind.message_key())}</dd>
                    <dt>{move || ctx.t("map.card_code")}</dt><dd id="ward-card-code">{w.code.to_string()}</dd>
                    <dt>{move || ctx.t("map.card_on_time")}</dt><dd>{move || percent(ctx, scores.get().and_then(|s| Score::OnTime.of(&s)))}</dd>
                    <dt>{move || ctx.t("map.card_satisfied")}</dt><dd>{move || percent(ctx, scores.get().and_then(|s| Score::Satisfied.of(&s)))}</dd>
                </dl>
            })}
            <button id="ward-card-report" class="primary" on:click=report_here>{move || ctx.t("map.report_here")}</button>
            <button id="ward-card-close" class="secondary" on:click=move |_| on_close()>{move || ctx.t("map.close_card")}</button>
        </section>
    }
}

#[component]
pub fn ReportCard(
    loaded: RwSignal<Loaded>,
    id: String,
    on_close: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let _ = (loaded, data::basemap_key);
    view! {
        <section class="card report-card" id="report-card">
            <p>{id}</p>
            <button id="report-card-close" class="secondary" on:click=move |_| on_close()>{move || ctx.t("map.close_card")}</button>
        </section>
    }
}
