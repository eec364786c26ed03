//! "My dossiers": every tracked dossier with its state, deadline and appointment, read from the
//! device (so it shows offline), and the ways to add one or to read the procedures guide.

use leptos::prelude::*;
use model::dossier_dto::{DossierSummary, Lookup};

use super::{deadline_tag, deadline_text, lookup_tag, state_key, title};
use crate::format::city_date;
use crate::screens::feedback::SyncNow;
use crate::state::{DossierScreen, Screen, use_ctx};
use crate::{bridge, load};

#[component]
pub fn MyDossiers() -> impl IntoView {
    let ctx = use_ctx();
    let list = RwSignal::new(None::<Vec<DossierSummary>>);
    let problem = RwSignal::new(None::<&'static str>);
    load::latest(
        move || ctx.dossiers_version.track(),
        |()| bridge::dossiers::my_dossiers(),
        move |answer| match answer {
            Ok(l) => list.set(Some(l)),
            Err(err) => problem.set(Some(ctx.error_text(&err))),
        },
    );
    let go = move |s: DossierScreen| ctx.go(Screen::Dossiers(s));
    view! {
        <section class="screen my-dossiers">
            <h1>{move || ctx.t("dossier.mine.title")}</h1>
            <button id="add-dossier" class="primary wide" on:click=move |_| go(DossierScreen::Add)>
                <span class="tile-title">{move || ctx.t("dossier.add.title")}</span>
                <span class="tile-hint">{move || ctx.t("dossier.add.hint")}</span>
            </button>
            <button id="open-guide" class="wide" on:click=move |_| go(DossierScreen::Guide)>
                <span class="tile-title">{move || ctx.t("guide.title")}</span>
                <span class="tile-hint">{move || ctx.t("guide.hint")}</span>
            </button>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            <h2 id="my-dossiers-heading">{move || ctx.t("dossier.mine.list")}</h2>
            // Asks the city now instead of at the next round (the lists refresh as answers come).
            <SyncNow/>
            {move || match list.get() {
                None => view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any(),
                Some(l) if l.is_empty() => view! {
                    <div class="card" id="no-dossiers">
                        <p>{ctx.t("dossier.mine.empty")}</p>
                        <p>{ctx.t("dossier.mine.where_code")}</p>
                        <p class="muted">{ctx.t("dossier.mine.where_qr")}</p>
                    </div>
                }.into_any(),
                Some(l) => view! {
                    <ul class="report-list" aria-labelledby="my-dossiers-heading">
                        {l.into_iter().map(|d| view! { <DossierLine dossier=d/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn DossierLine(dossier: DossierSummary) -> impl IntoView {
    let ctx = use_ctx();
    let d = dossier;
    let id = d.id;
    let known = d.lookup == Lookup::Known;
    // The code under the name once the name is known (before, the code is the name).
    let code = d.procedure.is_some().then(|| d.code.clone());
    // A dossier added with another city address is not checked here: say so, not "waiting".
    let elsewhere = d.other_address.clone();
    let explain = match d.lookup {
        _ if elsewhere.is_some() => None,
        Lookup::Waiting => Some("dossier.lookup.waiting_hint"),
        Lookup::NotFound => Some("dossier.lookup.not_found_hint"),
        Lookup::Known => None,
    };
    let appointment = d.expected_at.as_deref().map(city_date);
    let (state, deadline, name) = (state_key(&d), d.deadline, title(&d));
    view! {
        <li>
            <button class="report-line" id=format!("dossier-{id}") data-lookup=lookup_tag(d.lookup)
                data-status=d.status.map(|s| s.as_str()) on:click=move |_| ctx.go(Screen::Dossiers(DossierScreen::One(id)))>
                <span class="name">
                    {name}
                    {d.unseen.then(|| view! { <span class="news-dot">{move || ctx.t("dossier.news")}</span> })}
                </span>
                {code.map(|c| view! { <span class="excerpt">{c}</span> })}
                <span class="meta">
                    <span class="chip status">{move || ctx.t(state)}</span>
                    {known.then(|| view! {
                        <span class="chip" data-deadline=deadline_tag(deadline)>{move || deadline_text(ctx, deadline)}</span>
                    })}
                </span>
                {known.then(|| view! {
                    <span class="meta">{move || ctx.t_with("dossier.appointment_on", &[("date", appointment.as_deref().unwrap_or(ctx.t("dossier.not_available")))])}</span>
                })}
                {explain.map(|k| view! { <span class="excerpt">{move || ctx.t(k)}</span> })}
                {elsewhere.map(|a| view! {
                    <span class="excerpt other-address">{move || ctx.t_with("dossier.other_address", &[("address", a.as_str())])}</span>
                })}
            </button>
        </li>
    }
}
