//! The card of a ward tapped on the map (or chosen in the list), and of a report point: what
//! the device holds about it, each fact with where it was read, "not available" where nothing
//! says.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::draft::{FormStep, Step};

use crate::screens::feedback::draft::Chosen;
use model::map::ScoreKind;
use model::map::dto::{CitedSource, HoursCard, WardCardDto};
use model::map::office::OfficeHours;

use super::Loaded;
use crate::bridge;
use crate::format::city_time;
use crate::screens::feedback::{service_label, status_key};
use crate::state::{BackTo, Ctx, Screen, VoiceScreen, use_ctx};

/// A card takes the focus when it opens (a keyboard or a screen reader is there, and the page
/// scrolls to it: in the list view the card is above the list).
fn shown() -> NodeRef<leptos::html::Section> {
    let node = NodeRef::new();
    node.on_load(|el: web_sys::HtmlElement| {
        let _ = el.focus();
    });
    node
}

/// A share 0–1 as the card writes it, or "not available".
fn percent(ctx: Ctx, value: Option<f64>) -> String {
    match value {
        Some(v) => ctx.t_with(
            "map.percent",
            &[("n", &format!("{}", (100.0 * v).round() as i64))],
        ),
        None => ctx.t("map.not_available").to_owned(),
    }
}

/// "Mon–Fri 07:30–11:30" in the citizen's language.
fn span(ctx: Ctx, h: &OfficeHours) -> String {
    let day = |d: u8| ctx.t(&format!("map.day_{d}")).to_owned();
    let days = if h.from_day == h.to_day {
        day(h.from_day)
    } else {
        format!("{}–{}", day(h.from_day), day(h.to_day))
    };
    format!("{days} {}–{}", h.opens, h.closes)
}

fn source_line(ctx: Ctx, source: &CitedSource) -> impl IntoView + use<> {
    let text = ctx.t_with(
        "map.source",
        &[("title", &source.title), ("date", &source.read_on)],
    );
    view! { <p class="muted source">{text}</p> }
}

fn hours_view(ctx: Ctx, hours: &HoursCard) -> impl IntoView + use<> {
    let spans = hours
        .spans
        .iter()
        .map(|h| view! { <li>{span(ctx, h)}</li> })
        .collect_view();
    view! {
        <ul class="hours">{spans}</ul>
        <p class="muted">{ctx.t(hours.from.message_key())}</p>
        {source_line(ctx, &hours.source)}
    }
}

#[component]
pub fn WardCardView(
    code: String,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let card = RwSignal::new(None::<WardCardDto>);
    let problem = RwSignal::new(None::<&'static str>);
    {
        let code = code.clone();
        spawn_local(async move {
            match bridge::map::ward_card(&code).await {
                Ok(c) => card.set(Some(c)),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    }
    // The form at its place step, with this ward chosen.
    let report_here = {
        let code = code.clone();
        move |_| {
            ctx.form.chosen.set(Some(Chosen::Ward(code.clone())));
            ctx.go(Screen::NewReport(FormStep::Fill(Step::Place)));
        }
    };
    // Rate this ward (the voice part); back to the map.
    let rate_ward = {
        let code = code.clone();
        move |_| {
            ctx.go(Screen::Voice(VoiceScreen::Rate {
                ward: code.clone(),
                back: BackTo::Map,
            }))
        }
    };
    let na = move || ctx.t("map.not_available");
    view! {
        <section class="card ward-card" id="ward-card" tabindex="-1" node_ref=shown() aria-labelledby="ward-card-name" aria-live="polite">
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            {move || card.get().map(|c| {
                let office = c.office.clone();
                let stats = c.stats.clone();
                let score = move |kind: ScoreKind| percent(ctx, stats.as_ref().and_then(|s| kind.score(s)));
                view! {
                    <h2 id="ward-card-name">{c.ward.name.clone()}</h2>
                    <dl class="facts">
                        <dt>{ctx.t("map.card_kind")}</dt><dd>{ctx.t(c.ward.kind.message_key())}</dd>
                        <dt>{ctx.t("map.card_code")}</dt><dd id="ward-card-code">{c.ward.code.to_string()}</dd>
                        <dt>{ctx.t("map.card_address")}</dt>
                        <dd id="ward-card-address">{match office.as_ref().and_then(|o| o.address.clone().map(|a| (a, o.address_source.clone()))) {
                            Some((address, source)) => view! { <p>{address}</p>{source.map(|s| source_line(ctx, &s))} }.into_any(),
                            None => view! { <p>{na()}</p> }.into_any(),
                        }}</dd>
                        <dt>{ctx.t("map.card_hours")}</dt>
                        <dd id="ward-card-hours">{match office.as_ref().and_then(|o| o.hours.clone()) {
                            Some(hours) => hours_view(ctx, &hours).into_any(),
                            None => view! { <p>{na()}</p> }.into_any(),
                        }}</dd>
                        <dt>{ctx.t("map.card_open_reports")}</dt>
                        <dd id="ward-card-reports">{match c.open_reports {
                            Some(n) => n.to_string(),
                            None => na().to_owned(),
                        }}</dd>
                        <dt>{ctx.t(ScoreKind::ResolvedOnTime.message_key())}</dt><dd id="ward-card-on-time">{score(ScoreKind::ResolvedOnTime)}</dd>
                        <dt>{ctx.t(ScoreKind::Satisfaction.message_key())}</dt><dd id="ward-card-satisfied">{score(ScoreKind::Satisfaction)}</dd>
                    </dl>
                    {c.stats_pulled_at.as_deref().map(|at| view! { <p class="muted">{ctx.t_with("map.stats_as_of", &[("time", &city_time(at))])}</p> })}
                }
            })}
            <div class="actions">
                <button id="ward-card-report" class="primary" on:click=report_here>{move || ctx.t("map.report_here")}</button>
                <button id="ward-card-rate" on:click=rate_ward>{move || ctx.t("rate_prompt.open")}</button>
                <button id="ward-card-close" class="secondary" on:click=move |_| on_close()>{move || ctx.t("map.close_card")}</button>
            </div>
        </section>
    }
}

/// A report point's public card (nothing personal: the field, its state, when, how many follow
/// it) with "me too", which follows it as the form's "is this yours?" does.
#[component]
pub fn ReportCard(
    loaded: RwSignal<Loaded>,
    id: String,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let feature = {
        let id = id.clone();
        move || {
            loaded.with(|l| {
                l.reports
                    .as_ref()
                    .and_then(|r| r.items.iter().find(|f| f.properties.id == id).cloned())
            })
        }
    };
    let problem = RwSignal::new(None::<&'static str>);
    let follow = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            spawn_local(async move {
                match bridge::feedback::follow_report(&id).await {
                    Ok(local) => {
                        ctx.reports_version.update(|v| *v += 1);
                        ctx.notify("map.followed");
                        ctx.go(Screen::Report(local));
                    }
                    Err(err) => problem.set(Some(ctx.error_text(&err))),
                }
            });
        }
    };
    view! {
        <section class="card report-card public-report" id="report-card" tabindex="-1" node_ref=shown() aria-labelledby="report-card-name" aria-live="polite">
            {move || feature().map(|f| {
                let p = f.properties;
                let ward = p.ward_code.as_ref().and_then(|c| loaded.with(|l| super::data::ward_name(&l.wards, c.as_str())));
                view! {
                    <h2 id="report-card-name" class="name">{service_label(ctx, &p.service_code)}</h2>
                    <p class="meta">
                        <span class="chip status">{ctx.t(status_key(Some(p.status)))}</span>
                        <span class="when">{city_time(&p.requested_at)}</span>
                    </p>
                    {ward.map(|w| view! { <p>{w}</p> })}
                    <p class="muted">{ctx.t_with("map.supporters", &[("n", &p.supporters.to_string())])}</p>
                }
            })}
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            <div class="actions">
                <button id="report-card-follow" class="primary" on:click=follow>{move || ctx.t("nearby.me_too")}</button>
                <button id="report-card-close" class="secondary" on:click=move |_| on_close()>{move || ctx.t("map.close_card")}</button>
            </div>
        </section>
    }
}
