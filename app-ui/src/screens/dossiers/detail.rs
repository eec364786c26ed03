//! One dossier: what the city last said about it (kept on the device, so it reads offline), its
//! deadline in working days, the timeline newest first, the papers asked for, and "remove".
//! Opening it marks its news seen.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::dossier::{Dossier, HandIn, SupplementRequest};
use model::dossier_dto::{DossierDetail, Lookup};

use super::{day_text, deadline_tag, deadline_text, lookup_tag, state_key, title};
use crate::format::{city_date, city_time};
use crate::screens::voice::prompt::RatePrompt;
use crate::state::BackTo;
use crate::state::{Ctx, DossierScreen, Screen, use_ctx};
use crate::{bridge, load};

#[component]
pub fn DossierView(id: i64) -> impl IntoView {
    let ctx = use_ctx();
    let detail = RwSignal::new(None::<DossierDetail>);
    let problem = RwSignal::new(None::<&'static str>);
    load::latest(
        move || ctx.dossiers_version.track(),
        move |()| async move {
            let d = bridge::dossiers::dossier_detail(id).await;
            (d, bridge::dossiers::dossiers_unseen().await)
        },
        move |(d, unseen)| {
            match d {
                Ok(d) => detail.set(Some(d)),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
            if let Ok(n) = unseen {
                ctx.dossiers_unseen.set(n);
            }
        },
    );
    let body = move || {
        let Some(d) = detail.get() else {
            return view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any();
        };
        let s = d.summary.clone();
        let na = ctx.t("dossier.not_available");
        let lookup_note = match (&s.other_address, s.lookup) {
            (Some(address), _) => Some(view! {
                <p class="notice" id="dossier-other-address">{ctx.t_with("dossier.other_address", &[("address", address.as_str())])}</p>
            }.into_any()),
            (None, Lookup::Waiting) => Some(view! { <p class="notice" id="dossier-waiting">{ctx.t("dossier.lookup.waiting_hint")}</p> }.into_any()),
            (None, Lookup::NotFound) => Some(view! { <div class="problem" role="alert" id="dossier-not-found"><p>{ctx.t("dossier.lookup.not_found_hint")}</p></div> }.into_any()),
            (None, Lookup::Known) => None,
        };
        let city = d.dossier.clone();
        let finished = s.status.is_some_and(|st| st.is_finished());
        // Once the dossier is finished (the citizen has left the office): how did the ward do?
        let ward_to_rate = city
            .as_ref()
            .filter(|_| finished)
            .map(|c| c.ward_code.clone());
        view! {
            <h1 id="dossier-title">{title(&s)}</h1>
            <p class="meta">
                <span class="chip status" id="dossier-state" data-lookup=lookup_tag(s.lookup)
                    data-status=s.status.map(|st| st.as_str())>{ctx.t(state_key(&s))}</span>
                {(s.lookup == Lookup::Known).then(|| view! {
                    <span class="chip" id="dossier-deadline" data-deadline=deadline_tag(s.deadline)>{deadline_text(ctx, s.deadline)}</span>
                })}
            </p>
            {lookup_note}
            {city.as_ref().and_then(|c| c.supplement.clone()).map(|r| supplement(ctx, r))}
            <dl class="facts">
                <dt>{ctx.t("dossier.code_label")}</dt><dd id="dossier-code-value">{s.code.clone()}</dd>
                {city.clone().map(|c| facts(ctx, c))}
                <dt>{ctx.t("dossier.deadline_label")}</dt>
                <dd>{deadline_text(ctx, s.deadline)}</dd>
                <dt>{ctx.t("dossier.appointment")}</dt>
                <dd id="dossier-appointment">{s.expected_at.as_deref().map_or_else(|| na.to_owned(), city_date)}</dd>
                <dt>{ctx.t("dossier.checked_at")}</dt>
                <dd id="dossier-checked">{d.checked_at.as_deref().map_or_else(|| ctx.t("dossier.never_checked").to_owned(), city_time)}</dd>
            </dl>
            {city.map(|c| timeline(ctx, c))}
            {ward_to_rate.map(|ward| view! {
                <RatePrompt ward=ward back=BackTo::Dossier(id) after=true/>
            })}
        }.into_any()
    };
    view! {
        <section class="screen dossier-view">
            <button class="secondary back" on:click=move |_| ctx.go(Screen::Dossiers(DossierScreen::Mine))>{move || ctx.t("nav.back")}</button>
            {body}
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            <Remove id=id/>
        </section>
    }
}

/// What the city said about the dossier: procedure, agency, ward, dates.
fn facts(ctx: Ctx, c: Dossier) -> impl IntoView {
    view! {
        <dt>{ctx.t("dossier.procedure")}</dt><dd>{c.procedure}</dd>
        <dt>{ctx.t("dossier.agency")}</dt><dd id="dossier-agency">{c.agency}</dd>
        <dt>{ctx.t("dossier.ward")}</dt><dd>{c.ward_name}</dd>
        <dt>{ctx.t("dossier.received")}</dt><dd>{city_date(&c.submitted_at)}</dd>
        <dt>{ctx.t("dossier.legal_deadline")}</dt><dd>{city_date(&c.expected_at)}</dd>
        {c.finished_at.map(|f| view! { <dt>{ctx.t("dossier.finished_at")}</dt><dd>{city_date(&f)}</dd> })}
    }
}

/// The city's steps, newest first, each with its note.
fn timeline(ctx: Ctx, c: Dossier) -> impl IntoView {
    let mut events = c.timeline;
    events.sort_by(|a, b| b.at.cmp(&a.at));
    view! {
        <h2>{ctx.t("dossier.timeline")}</h2>
        <ol class="timeline" id="dossier-timeline">
            {events.into_iter().map(|e| view! {
                <li data-status=e.status.as_str()>
                    <p class="when">{city_time(&e.at)}</p>
                    <p class="what">{ctx.t(e.status.message_key())}</p>
                    {(!e.note.trim().is_empty()).then(|| view! { <p class="note">{e.note}</p> })}
                </li>
            }).collect_view()}
        </ol>
    }
}

/// "Needs more papers": each paper with its form and copies, where to hand it in, by when.
fn supplement(ctx: Ctx, r: SupplementRequest) -> impl IntoView {
    let place = match &r.hand_in {
        HandIn::Online => ctx.t(r.hand_in.message_key()).to_owned(),
        HandIn::AtDesk { place, address } => {
            let at = match address {
                Some(a) => format!("{place}, {a}"),
                None => place.clone(),
            };
            ctx.t_with(r.hand_in.message_key(), &[("place", &at)])
        }
        HandIn::ByPost { address } => ctx.t_with(r.hand_in.message_key(), &[("address", address)]),
    };
    let due = match r.due {
        Some(d) => ctx.t_with(
            "dossier.supplement.due",
            &[("date", &day_text(&d.to_string()))],
        ),
        None => ctx.t("dossier.supplement.no_due").to_owned(),
    };
    view! {
        <section class="problem" id="supplement" aria-labelledby="supplement-heading">
            <h2 id="supplement-heading">{ctx.t("dossier.supplement.title")}</h2>
            <ul id="supplement-papers">
                {r.papers.into_iter().map(|p| view! {
                    <li>
                        <strong>{p.name}</strong>
                        " — "{ctx.t(p.form.message_key())}
                        " — "{ctx.t_with("dossier.supplement.copies", &[("n", &p.copies.to_string())])}
                    </li>
                }).collect_view()}
            </ul>
            <p id="supplement-where">{place}</p>
            <p id="supplement-due"><strong>{due}</strong></p>
        </section>
    }
}

/// "Stop following": asks first; the dossier itself goes on at the agency.
#[component]
fn Remove(id: i64) -> impl IntoView {
    let ctx = use_ctx();
    let asking = RwSignal::new(false);
    let problem = RwSignal::new(None::<&'static str>);
    let remove = move |_| {
        spawn_local(async move {
            match bridge::dossiers::remove_dossier(id).await {
                Ok(()) => {
                    ctx.notify("dossier.remove.done");
                    ctx.go(Screen::Dossiers(DossierScreen::Mine));
                }
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    };
    view! {
        <Show when=move || asking.get() fallback=move || view! {
            <button id="dossier-remove" class="danger" on:click=move |_| asking.set(true)>{move || ctx.t("dossier.remove.button")}</button>
        }>
            <div class="card" role="group" aria-labelledby="remove-question">
                <p id="remove-question"><strong>{move || ctx.t("dossier.remove.question")}</strong></p>
                <p class="muted">{move || ctx.t("dossier.remove.note")}</p>
                <div class="form-nav">
                    <button id="dossier-remove-confirm" class="danger" on:click=remove>{move || ctx.t("dossier.remove.confirm")}</button>
                    <button id="dossier-remove-cancel" class="secondary" on:click=move |_| asking.set(false)>{move || ctx.t("dossier.remove.cancel")}</button>
                </div>
            </div>
        </Show>
        <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
    }
}
