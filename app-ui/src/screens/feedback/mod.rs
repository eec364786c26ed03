//! Feedback (phản ánh 1022): the hub with "My reports", the report form, a report's story, and a
//! ward's public list. Everything shown comes from the shell; nothing is said "saved" before the
//! shell answered.

pub mod draft;
pub mod form;
pub mod photos;
pub mod report;
pub mod review;
pub mod ward_list;
pub mod ward_select;

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::feedback::{NOT_YET_KEY, RequestStatus};
use model::report_dto::{Delivery, Origin, ReportSummary};
use model::service::{Service, ServiceCatalog};

use model::draft::{FormStep, Step};

use crate::format::local_time;
use crate::state::{Ctx, Screen, use_ctx};
use crate::{bridge, load};

/// Loads the categories once (they are kept offline by the shell).
pub fn ensure_catalog(ctx: Ctx) {
    if ctx.catalog.with_untracked(Option::is_some) {
        return;
    }
    spawn_local(async move {
        if let Ok(c) = bridge::feedback::list_services().await {
            ctx.catalog.set(Some(c));
        }
    });
}

pub fn service<'a>(catalog: &'a Option<ServiceCatalog>, code: &str) -> Option<&'a Service> {
    catalog.as_ref()?.get(code)
}

/// "🌊 Thoát nước – ngập", or the code when the category is unknown.
pub fn service_label(ctx: Ctx, code: &str) -> String {
    ctx.catalog.with(|c| match service(c, code) {
        Some(s) => format!("{} {}", s.icon, s.name.get(ctx.lang())),
        None => code.to_owned(),
    })
}

/// The i18n key of where a report is; before the city has it, "not yet sent".
pub fn status_key(status: Option<RequestStatus>) -> &'static str {
    status.map_or(NOT_YET_KEY, RequestStatus::message_key)
}

/// Where a report is on its way to the city, in words.
pub fn delivery_text(ctx: Ctx, d: &Delivery) -> String {
    match d {
        Delivery::Queued { done, total } => ctx.t_with(
            "delivery.queued",
            &[("done", &done.to_string()), ("total", &total.to_string())],
        ),
        Delivery::Sending { done, total } => ctx.t_with(
            "delivery.sending",
            &[("done", &done.to_string()), ("total", &total.to_string())],
        ),
        Delivery::Sent => ctx.t("delivery.sent").to_owned(),
        Delivery::OtherAddress { address, .. } => {
            ctx.t_with("delivery.other_address", &[("address", address)])
        }
        Delivery::NeedsAttention { .. } => ctx.t("delivery.needs_attention").to_owned(),
    }
}

pub fn delivery_tag(d: &Delivery) -> &'static str {
    match d {
        Delivery::Queued { .. } => "queued",
        Delivery::Sending { .. } => "sending",
        Delivery::Sent => "sent",
        Delivery::OtherAddress { .. } => "other-address",
        Delivery::NeedsAttention { .. } => "needs-attention",
    }
}

/// The feedback hub: write a report (or go on with the draft), "My reports", the ward's list.
#[component]
pub fn FeedbackHub() -> impl IntoView {
    let ctx = use_ctx();
    ensure_catalog(ctx);
    let reports = RwSignal::new(None::<Vec<ReportSummary>>);
    let has_draft = RwSignal::new(false);
    let problem = RwSignal::new(None::<&'static str>);
    load::latest(
        move || ctx.reports_version.track(),
        |()| async {
            (
                bridge::feedback::my_reports().await,
                bridge::feedback::get_draft().await,
            )
        },
        move |(list, draft)| {
            match list {
                Ok(list) => reports.set(Some(list)),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
            if let Ok(d) = draft {
                has_draft.set(d.is_started());
            }
        },
    );
    let my_ward = move || ctx.settings().and_then(|s| s.my_ward);
    view! {
        <section class="screen feedback-hub">
            <h1>{move || ctx.t("home.feedback")}</h1>
            <button id="new-report" class="primary wide" on:click=move |_| { ctx.form.reload(); ctx.go(Screen::NewReport(FormStep::Fill(Step::Category))) }>
                <span class="tile-title">{move || if has_draft.get() { ctx.t("feedback.continue_draft") } else { ctx.t("feedback.new") }}</span>
                <span class="tile-hint">{move || ctx.t("feedback.new_hint")}</span>
            </button>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            <h2 id="my-reports-heading">{move || ctx.t("feedback.mine")}</h2>
            <SyncNow/>
            {move || match reports.get() {
                None => view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted" id="no-reports">{ctx.t("feedback.none_yet")}</p> }.into_any(),
                Some(list) => view! {
                    <ul class="report-list" aria-labelledby="my-reports-heading">
                        {list.into_iter().map(|r| view! { <ReportLine report=r/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <h2>{move || ctx.t("feedback.ward_list")}</h2>
            {move || match my_ward() {
                Some(code) => view! {
                    <button id="ward-reports" class="secondary" on:click=move |_| ctx.go(Screen::WardReports(code.clone()))>
                        {move || ctx.t("feedback.ward_list_open")}
                    </button>
                }.into_any(),
                None => view! {
                    <p class="muted">{ctx.t("feedback.ward_list_needs_ward")}</p>
                    <button class="secondary" on:click=move |_| ctx.go(Screen::Wards)>{ctx.t("home.find_ward")}</button>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ReportLine(report: ReportSummary) -> impl IntoView {
    let ctx = use_ctx();
    let id = report.id;
    let label = service_label(ctx, &report.service_code);
    let status = status_key(report.status);
    let delivery = report.delivery.clone();
    let tag = delivery_tag(&delivery);
    let when = local_time(report.created_ms as f64);
    let followed = report.origin == Origin::Followed;
    let excerpt: String = report.description.chars().take(90).collect();
    view! {
        <li>
            <button class="report-line" id=format!("report-{id}") data-delivery=tag on:click=move |_| ctx.go(Screen::Report(id))>
                <span class="name">
                    {label}
                    <Show when=move || report.unseen>
                        <span class="news-dot">{move || ctx.t("feedback.news")}</span>
                    </Show>
                </span>
                <span class="excerpt">{excerpt}</span>
                <span class="meta">
                    <span class="chip status">{move || ctx.t(status)}</span>
                    <span class=format!("chip delivery {tag}")>{move || delivery_text(ctx, &delivery)}</span>
                    <Show when=move || followed>
                        <span class="chip">{move || ctx.t("feedback.followed")}</span>
                    </Show>
                    <span class="when">{when.clone()}</span>
                </span>
            </button>
        </li>
    }
}

/// "Update now": sends what waits and asks the city for news; the lists refresh by themselves
/// as answers come.
#[component]
pub fn SyncNow() -> impl IntoView {
    let ctx = use_ctx();
    let asked = RwSignal::new(false);
    let run = move |_| {
        asked.set(true);
        spawn_local(async move {
            let _ = bridge::feedback::sync_now().await;
            set_timeout(move || asked.set(false), std::time::Duration::from_secs(2));
        });
    };
    view! {
        <button id="sync-now" class="secondary" prop:disabled=move || asked.get() on:click=run>
            {move || if asked.get() { ctx.t("feedback.syncing") } else { ctx.t("feedback.sync_now") }}
        </button>
    }
}
