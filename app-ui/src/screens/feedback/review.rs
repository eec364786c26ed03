//! The last screen of the report form: what will be sent, what is missing, reports nearby that
//! may be the same ("me too"), and "Send", which answers only once the report is on disk.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::draft::{DraftProblem, FormStep, Identity, PlaceMode};
use model::report_dto::{Nearby, SubmitAnswer};

use super::draft::Form;
use super::service_label;
use crate::bridge;
use crate::format::{city_time, fixed};
use crate::state::{Screen, use_ctx};

#[component]
pub fn ReviewStep(
    form: Form,
    go: impl Fn(FormStep) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let problem = RwSignal::new(None::<DraftProblem>);
    let nearby = RwSignal::new(None::<Nearby>);
    let sending = RwSignal::new(false);
    let followed = RwSignal::new(Vec::<String>::new());
    spawn_local(async move {
        if let Err(err) = form.flush().await {
            form.problem.set(Some(err));
        }
        if let Ok(p) = bridge::feedback::check_draft().await {
            problem.set(p);
        }
        if let Ok(n) = bridge::feedback::nearby_reports().await {
            nearby.set(Some(n));
        }
    });
    let send = move |_| {
        sending.set(true);
        spawn_local(async move {
            if let Err(err) = form.flush().await {
                form.problem.set(Some(err));
                sending.set(false);
                return;
            }
            match bridge::feedback::submit_draft().await {
                Ok(SubmitAnswer::Queued { report_id }) => {
                    form.reload();
                    ctx.notify("form.sent_saved");
                    ctx.reports_version.update(|v| *v += 1);
                    ctx.go(Screen::Report(report_id));
                }
                Ok(SubmitAnswer::Incomplete { problem: p }) => problem.set(Some(p)),
                Err(err) => form.problem.set(Some(err)),
            }
            sending.set(false);
        });
    };
    let follow = move |server_id: String| {
        spawn_local(async move {
            match bridge::feedback::follow_report(&server_id).await {
                Ok(id) => {
                    followed.update(|f| f.push(server_id));
                    ctx.reports_version.update(|v| *v += 1);
                    ctx.notify("nearby.followed");
                    ctx.go(Screen::Report(id));
                }
                Err(err) => form.problem.set(Some(err)),
            }
        });
    };
    let discard = move |_| {
        spawn_local(async move {
            if bridge::feedback::discard_draft().await.is_ok() {
                form.reload();
                ctx.go(Screen::Feedback);
            }
        });
    };
    let d = move || form.draft.get().unwrap_or_default();
    let row = move |key: &'static str, value: String| view! { <dt>{move || ctx.t(key)}</dt><dd>{value}</dd> };
    view! {
        <dl class="facts review">
            {move || {
                let d = d();
                let place = match d.place_mode {
                    PlaceMode::Here => d.lat.zip(d.lon).map(|(a, b)| format!("{}, {}", fixed(a, 5), fixed(b, 5))).unwrap_or_default(),
                    PlaceMode::Address => d.address.clone(),
                    PlaceMode::Described => d.landmark.clone(),
                    PlaceMode::Unset => String::new(),
                };
                let who = match d.identity {
                    Identity::Anonymous => ctx.t("contact.anonymous").to_owned(),
                    Identity::WithContact => [d.name.as_str(), d.phone.as_str(), d.email.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · "),
                    Identity::Unset => String::new(),
                };
                view! {
                    {row("review.category", d.service_code.as_deref().map(|c| service_label(ctx, c)).unwrap_or_default())}
                    {row("review.description", d.description.clone())}
                    {row("review.place", place)}
                    {row("review.photos", form.photos.with(Vec::len).to_string())}
                    {row("review.who", who)}
                }
            }}
        </dl>
        {move || problem.get().map(|p| {
            let step = FormStep::Fill(p.step);
            view! {
                <div class="problem" role="alert" id="draft-problem">
                    <p>{ctx.t(p.reason.message_key())}</p>
                    <button class="secondary" id="fix-problem" on:click=move |_| go(step)>{move || ctx.t("review.fix")}</button>
                </div>
            }
        })}
        <section class="nearby" aria-labelledby="nearby-heading">
            <h2 id="nearby-heading">{move || ctx.t("nearby.title")}</h2>
            {move || match nearby.get() {
                None => view! { <p class="muted">{ctx.t("nearby.checking")}</p> }.into_any(),
                Some(Nearby::Offline) => view! { <p class="muted" id="nearby-offline">{ctx.t("nearby.offline")}</p> }.into_any(),
                Some(Nearby::NotAsked) => view! { <p class="muted">{ctx.t("nearby.not_asked")}</p> }.into_any(),
                Some(Nearby::Found { reports }) if reports.is_empty() => view! { <p class="muted" id="nearby-none">{ctx.t("nearby.none")}</p> }.into_any(),
                Some(Nearby::Found { reports }) => view! {
                    <ul class="report-list">
                        {reports.into_iter().map(|n| {
                            let sid = n.report.service_request_id.clone();
                            let s2 = sid.clone();
                            let already = n.followed || followed.with(|f| f.contains(&sid));
                            let distance = n.distance_m.map(|m| ctx.t_with("nearby.distance", &[("m", &m.to_string())])).unwrap_or_default();
                            view! {
                                <li class="nearby-item">
                                    <p class="excerpt">{n.report.description.clone().unwrap_or_default()}</p>
                                    <p class="meta">{city_time(&n.report.requested_datetime)} " " {distance}</p>
                                    {if already {
                                        view! { <p class="ok">{ctx.t("nearby.already")}</p> }.into_any()
                                    } else {
                                        view! { <button class="secondary" id=format!("follow-{s2}") on:click=move |_| follow(s2.clone())>{ctx.t("nearby.me_too")}</button> }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
        <button id="send-report" class="primary wide" prop:disabled=move || sending.get() on:click=send>
            <span class="tile-title">{move || if sending.get() { ctx.t("form.sending") } else { ctx.t("form.send") }}</span>
            <span class="tile-hint">{move || ctx.t("form.send_hint")}</span>
        </button>
        <button id="discard-draft" class="secondary danger" on:click=discard>{move || ctx.t("form.discard")}</button>
    }
}
