//! A ward's public list of reports (no personal data): what is already reported, and how far
//! the city is with it. Offline, the copy kept from last time, with its date.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::report_dto::WardReports;

use super::{ensure_catalog, service_label, status_key};
use crate::bridge;
use crate::format::city_time;
use crate::state::{Screen, use_ctx};

#[component]
pub fn WardReportList(code: String) -> impl IntoView {
    let ctx = use_ctx();
    ensure_catalog(ctx);
    let list = RwSignal::new(None::<WardReports>);
    let problem = RwSignal::new(None::<&'static str>);
    let name = RwSignal::new(code.clone());
    {
        let code = code.clone();
        spawn_local(async move {
            if let Ok(w) = bridge::get_ward(&code).await {
                name.set(w.name);
            }
            match bridge::feedback::ward_reports(&code).await {
                Ok(l) => list.set(Some(l)),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    }
    view! {
        <section class="screen ward-reports">
            <button class="secondary back" on:click=move |_| ctx.go(Screen::Feedback)>{move || ctx.t("nav.back")}</button>
            <h1>{move || ctx.t_with("wardlist.title", &[("name", &name.get())])}</h1>
            <p class="muted">{move || ctx.t("wardlist.hint")}</p>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            {move || list.get().map(|l| {
                let kept = l.offline.then(|| match &l.fetched_at {
                    Some(at) => ctx.t_with("wardlist.kept", &[("time", &city_time(at))]),
                    None => ctx.t("wardlist.never").to_owned(),
                });
                view! {
                    {kept.map(|k| view! { <p class="notice" id="wardlist-offline" role="status">{k}</p> })}
                    {if l.reports.is_empty() {
                        view! { <p class="muted" id="wardlist-empty">{ctx.t("wardlist.empty")}</p> }.into_any()
                    } else {
                        view! {
                            <p class="count">{ctx.t_with("wardlist.count", &[("count", &l.reports.len().to_string())])}</p>
                            <ul class="report-list" id="wardlist">
                                {l.reports.into_iter().map(|r| view! {
                                    <li class="public-report">
                                        <p class="name">{service_label(ctx, &r.service_code)}</p>
                                        <p class="excerpt">{r.description.as_deref().unwrap_or_default().chars().take(160).collect::<String>()}</p>
                                        <p class="meta">
                                            <span class="chip status">{ctx.t(status_key(Some(r.detailed_status)))}</span>
                                            <span class="when">{city_time(&r.requested_datetime)}</span>
                                        </p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            })}
        </section>
    }
}
