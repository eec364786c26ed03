//! One report's story: where it is on its way to the city, the city's timeline with the photos
//! of the work, and what the citizen may still do — fix what the city refused, say "not
//! fixed", rate the result. Opening it marks its news as seen.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::feedback::{PhotoPurpose, Satisfaction};
use model::open311::Actor;
use model::report_dto::{Delivery, PhotoDto, ReportDetail};

use super::photos::Photos;
use super::{SyncNow, delivery_tag, delivery_text, ensure_catalog, service_label, status_key};
use crate::format::{city_time, local_time};
use crate::screens::voice::prompt::RatePrompt;
use crate::state::BackTo;
use crate::state::{Screen, use_ctx};
use crate::{bridge, load};
use model::draft::FormStep;

#[component]
pub fn ReportView(id: i64) -> impl IntoView {
    let ctx = use_ctx();
    ensure_catalog(ctx);
    let detail = RwSignal::new(None::<ReportDetail>);
    let problem = RwSignal::new(None::<&'static str>);
    let big = RwSignal::new(None::<String>);
    // Opening a report marks its news seen: the badge's count is asked for after it.
    load::latest(
        move || ctx.reports_version.track(),
        move |()| async move {
            let d = bridge::feedback::report_detail(id).await;
            let unseen = bridge::feedback::unseen_count().await;
            (d, unseen)
        },
        move |(d, unseen)| {
            match d {
                Ok(d) => detail.set(Some(d)),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
            if let Ok(n) = unseen {
                ctx.unseen.set(n);
            }
        },
    );
    let show_full = move |photo: i64, city: bool| {
        spawn_local(async move {
            if let Ok(url) = bridge::feedback::report_photo(photo, city).await {
                big.set(Some(url));
            }
        });
    };
    let thumbs = move |photos: Vec<PhotoDto>, city: bool| {
        view! {
            <ul class="thumbs">
                {photos.into_iter().map(|p| {
                    let pid = p.id;
                    view! {
                        <li><button class="thumb" aria-label=move || ctx.t("photos.open") on:click=move |_| show_full(pid, city)>
                            <img src=p.thumb alt=move || if city { ctx.t("photos.city_alt") } else { ctx.t("photos.alt") }/>
                        </button></li>
                    }
                }).collect_view()}
            </ul>
        }
    };
    let body = move || {
        let Some(d) = detail.get() else {
            return view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any();
        };
        let s = d.summary.clone();
        let tag = delivery_tag(&s.delivery);
        let delivery = delivery_text(ctx, &s.delivery);
        let refused = match &s.delivery {
            Delivery::NeedsAttention {
                reason,
                field,
                is_report,
                ..
            } => Some((*reason, field.clone(), *is_report)),
            _ => None,
        };
        let timeline = d.timeline.clone();
        // The city's latest word (a citizen's "not fixed" note is theirs, not the city's).
        let city_answer = timeline
            .iter()
            .rev()
            .find(|e| e.event.actor == Actor::Staff && e.event.note.is_some())
            .and_then(|e| e.event.note.clone());
        view! {
            <h1 id="report-title">{service_label(ctx, &s.service_code)}</h1>
            <p class="meta">
                <span class="chip status" id="report-status">{ctx.t(status_key(s.status))}</span>
                <span class=format!("chip delivery {tag}") id="report-delivery">{delivery}</span>
                {s.server_id.clone().map(|sid| view! { <span class="chip">{ctx.t_with("report.number", &[("id", &sid)])}</span> })}
            </p>
            {refused.map(|(reason, field, is_report)| {
                let text = ctx.t(reason.message_key());
                view! {
                    <div class="problem" role="alert" id="report-refused">
                        <p>{ctx.t("report.refused")}" "{text}</p>
                        {field.map(|f| view! { <p class="muted">{ctx.t_with("report.field", &[("field", &f)])}</p> })}
                        <Show when=move || is_report>
                            <button class="primary" id="fix-refused" on:click=move |_| spawn_local(async move {
                                match bridge::feedback::fix_refused(id).await {
                                    Ok(_) => {
                                        ctx.form.reload();
                                        ctx.go(Screen::NewReport(FormStep::Review));
                                    }
                                    Err(err) => problem.set(Some(ctx.error_text(&err))),
                                }
                            })>{ctx.t("report.fix")}</button>
                        </Show>
                    </div>
                }
            })}
            <p class="description" id="report-description">{s.description.clone()}</p>
            <dl class="facts">
                {d.address.clone().map(|a| view! { <dt>{ctx.t("review.place")}</dt><dd>{a}</dd> })}
                {d.agency.clone().map(|a| view! { <dt>{ctx.t("report.agency")}</dt><dd>{a}</dd> })}
                {d.expected.clone().map(|e| view! { <dt>{ctx.t("report.expected")}</dt><dd>{city_time(&e)}</dd> })}
                {(d.supporters > 0).then(|| view! {
                    <dt>{ctx.t("report.supporters")}</dt>
                    <dd id="report-supporters">{match d.supporters {
                        1 => ctx.t("report.supporters_one").to_owned(),
                        n => ctx.t_with("report.supporters_many", &[("n", &n.to_string())]),
                    }}</dd>
                })}
                <dt>{ctx.t("report.filed")}</dt><dd>{local_time(s.created_ms as f64)}</dd>
            </dl>
            {(!d.photos.is_empty()).then(|| thumbs(d.photos.clone(), false))}
            <h2>{ctx.t("report.timeline")}</h2>
            {if timeline.is_empty() {
                view! { <p class="muted" id="timeline-empty">{ctx.t("report.timeline_empty")}</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline" id="timeline">
                        {timeline.into_iter().map(|e| view! {
                            <li data-status=e.event.status.as_str()>
                                <p class="when">{city_time(&e.event.at)}</p>
                                <p class="what">{ctx.t(status_key(Some(e.event.status)))}</p>
                                {e.event.note.clone().map(|n| view! { <p class="note">{n}</p> })}
                                {(!e.photos.is_empty()).then(|| thumbs(e.photos.clone(), true))}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {city_answer.map(|n| view! { <p class="notes" id="city-answer"><strong>{ctx.t("report.notes")}</strong>" "{n}</p> })}
            {d.rating.map(|r| view! { <p class="ok" id="report-rated">{ctx.t(r.message_key())}</p> })}
            <Show when=move || d.followup_pending>
                <p class="muted" id="followup-pending">{ctx.t("report.followup_pending")}</p>
            </Show>
        }.into_any()
    };
    // The two answers the citizen types into are built only when whether they show changes: the
    // body above is built again on a language switch or a refresh, which would drop what was
    // typed (and dispose the signals an answer on its way still writes to).
    let reopen =
        Memo::new(move |_| detail.with(|d| d.as_ref().and_then(|d| d.reopen_until.clone())));
    let rateable =
        Memo::new(move |_| detail.with(|d| d.as_ref().is_some_and(ReportDetail::can_rate)));
    // After the citizen's own report was resolved in a ward: how did the ward serve them?
    let ward_to_rate = Memo::new(move |_| {
        detail.with(|d| {
            d.as_ref()
                .filter(|d| {
                    d.summary.origin == model::report_dto::Origin::Mine
                        && matches!(
                            d.summary.status,
                            Some(
                                model::feedback::RequestStatus::Resolved
                                    | model::feedback::RequestStatus::Closed
                            )
                        )
                })
                .and_then(|d| d.ward_code.clone())
        })
    });
    view! {
        <section class="screen report-view">
            <div class="form-nav">
                <button class="secondary back" on:click=move |_| ctx.go(Screen::Feedback)>{move || ctx.t("nav.back")}</button>
                <SyncNow/>
            </div>
            {body}
            {move || reopen.get().map(|until| view! { <NotFixed id=id until=until detail=detail/> })}
            {move || rateable.get().then(|| view! { <RateResult id=id detail=detail/> })}
            {move || ward_to_rate.get().map(|ward| view! {
                <RatePrompt ward=ward back=BackTo::Report(id) after=true/>
            })}
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            {move || big.get().map(|url| view! {
                <div class="photo-full" role="dialog" aria-modal="true" aria-label=ctx.t("photos.open")>
                    <img src=url alt=ctx.t("photos.alt")/>
                    <button class="primary" on:click=move |_| big.set(None)>{ctx.t("photos.close")}</button>
                </div>
            })}
        </section>
    }
}

/// "Not fixed": a few words and photos re-open the report on the city's side.
#[component]
fn NotFixed(id: i64, until: String, detail: RwSignal<Option<ReportDetail>>) -> impl IntoView {
    let ctx = use_ctx();
    let text = RwSignal::new(String::new());
    let photos = RwSignal::new(Vec::<PhotoDto>::new());
    let problem = RwSignal::new(None::<&'static str>);
    spawn_local(async move {
        if let Ok(p) = bridge::feedback::pending_photos(PhotoPurpose::Reopen, Some(id)).await {
            photos.set(p);
        }
    });
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let note = text.get_untracked();
        spawn_local(async move {
            match bridge::feedback::not_fixed(id, &note).await {
                Ok(d) => {
                    detail.set(Some(d));
                    ctx.notify("report.not_fixed_saved");
                }
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    };
    view! {
        <form class="card not-fixed" on:submit=send aria-labelledby="not-fixed-heading">
            <h2 id="not-fixed-heading">{move || ctx.t("report.not_fixed_title")}</h2>
            <p class="muted">{move || ctx.t_with("report.not_fixed_until", &[("time", &city_time(&until))])}</p>
            <label for="not-fixed-text" class="field-label">{move || ctx.t("report.not_fixed_what")}</label>
            <textarea id="not-fixed-text" rows="3" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <Photos purpose=PhotoPurpose::Reopen report=id photos=photos/>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            <button id="not-fixed-send" type="submit" class="primary">{move || ctx.t("report.not_fixed_send")}</button>
        </form>
    }
}

/// The three answers of the city's surveys, with an optional comment.
#[component]
fn RateResult(id: i64, detail: RwSignal<Option<ReportDetail>>) -> impl IntoView {
    let ctx = use_ctx();
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let rate = move |s: Satisfaction| {
        let c = comment.get_untracked();
        spawn_local(async move {
            match bridge::feedback::rate_report(id, s, &c).await {
                Ok(d) => {
                    detail.set(Some(d));
                    ctx.notify("rate.saved");
                }
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    };
    let button = move |s: Satisfaction, face: &'static str| {
        view! {
            <button id=format!("rate-{}", s.as_str()) class="rate" on:click=move |_| rate(s)>
                <span class="icon" aria-hidden="true">{face}</span>
                <span>{move || ctx.t(s.message_key())}</span>
            </button>
        }
    };
    view! {
        <section class="card rate-result" aria-labelledby="rate-heading">
            <h2 id="rate-heading">{move || ctx.t("rate.title")}</h2>
            <label for="rate-comment" class="field-label">{move || ctx.t("rate.comment")}</label>
            <textarea id="rate-comment" rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            <div class="rate-row" role="group" aria-labelledby="rate-heading">
                {button(Satisfaction::Satisfied, "😊")}
                {button(Satisfaction::Neutral, "😐")}
                {button(Satisfaction::Unsatisfied, "😞")}
            </div>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
        </section>
    }
}
