//! Settings' "Your data" section (Law 91/2025/QH15 arts. 14–15): what is held, "export my
//! data" (where the file went and whether the city's part is in it), "delete my data" after a
//! confirmation that says what goes and what stays, and a city deletion still waiting.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::trust::my_data::{CityDeletion, DeletionDto, ExportDto, MyDataSummary};

use crate::bridge;
use crate::state::use_ctx;

#[component]
pub fn MyData() -> impl IntoView {
    let ctx = use_ctx();
    let summary = RwSignal::new(None::<MyDataSummary>);
    let exported = RwSignal::new(None::<ExportDto>);
    let deleted = RwSignal::new(None::<DeletionDto>);
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let problem = RwSignal::new(None::<&'static str>);
    let reload = move || {
        spawn_local(async move {
            match bridge::my_data::my_data_summary().await {
                Ok(s) => summary.set(Some(s)),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    };
    reload();

    let export = move |_| {
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match bridge::my_data::export_my_data().await {
                Ok(e) => exported.set(Some(e)),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
            busy.set(false);
        });
    };
    let delete = move |_| {
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match bridge::my_data::delete_my_data().await {
                Ok(d) => {
                    deleted.set(Some(d));
                    exported.set(None);
                    asking.set(false);
                }
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
            busy.set(false);
            reload();
        });
    };

    let held = move || {
        summary.get().map(|s| {
            let text = ctx.t_with(
                "my_data.held",
                &[
                    ("reports", &s.reports.to_string()),
                    ("unsent", &s.unsent.to_string()),
                    ("dossiers", &s.dossiers.to_string()),
                    ("photos", &s.photos.to_string()),
                ],
            );
            let link = if s.registered {
                "my_data.registered"
            } else {
                "my_data.not_registered"
            };
            view! {
                <p id="my-data-held">{text}</p>
                {s.has_draft.then(|| view! { <p>{ctx.t("my_data.held_draft")}</p> })}
                <p class="muted">{ctx.t(link)}</p>
                {(s.city_deletion == Some(CityDeletion::Waiting) && deleted.with(Option::is_none)).then(|| view! {
                    <p id="my-data-waiting" class="muted" role="status">{ctx.t(CityDeletion::Waiting.message_key())}</p>
                })}
            }
        })
    };
    let export_outcome = move || {
        exported.get().map(|e| {
            view! {
                // A folder path has no spaces to wrap at: `.path-text` lets it break anywhere on a
                // phone (an inline style would be refused by the CSP).
                <div id="my-data-exported" class="card path-text" role="status">
                    <p>{ctx.t_with("my_data.exported", &[("file", &e.file_name), ("folder", &e.folder)])}</p>
                    <p class="muted">{ctx.t(e.city.message_key())}</p>
                </div>
            }
        })
    };
    let delete_outcome = move || {
        deleted.get().map(|d| {
            view! {
                <div id="my-data-deleted" class="card" role="status">
                    <p>{ctx.t("my_data.deleted")}</p>
                    {(d.unsent_dropped > 0).then(|| view! {
                        <p>{ctx.t_with("my_data.dropped", &[("count", &d.unsent_dropped.to_string())])}</p>
                    })}
                    <p class="muted">{ctx.t(d.city.message_key())}</p>
                </div>
            }
        })
    };
    let unsent = move || summary.with(|s| s.as_ref().map_or(0, |s| s.unsent));

    view! {
        <section class="my-data" aria-labelledby="my-data-heading">
            <h2 id="my-data-heading">{move || ctx.t("my_data.title")}</h2>
            <p class="muted">{move || ctx.t("my_data.intro")}</p>
            {held}
            <button id="my-data-export" class="secondary" prop:disabled=move || busy.get() on:click=export>
                {move || if busy.get() && !asking.get() { ctx.t("my_data.exporting") } else { ctx.t("my_data.export") }}
            </button>
            {export_outcome}
            <Show when=move || asking.get() fallback=move || view! {
                <button id="my-data-delete" class="danger" prop:disabled=move || busy.get()
                    on:click=move |_| { deleted.set(None); asking.set(true); }>
                    {move || ctx.t("my_data.delete")}
                </button>
            }>
                <div class="card" role="group" aria-labelledby="my-data-question">
                    <p id="my-data-question"><strong>{move || ctx.t("my_data.confirm_title")}</strong></p>
                    <p>{move || ctx.t("my_data.confirm_goes")}</p>
                    {move || (unsent() > 0).then(|| view! {
                        <p id="my-data-unsent"><strong>{ctx.t_with("my_data.confirm_unsent", &[("unsent", &unsent().to_string())])}</strong></p>
                    })}
                    // The city is asked only when it knows this phone.
                    <p>{move || {
                        let linked = summary.with(|s| {
                            s.as_ref().is_some_and(|s| s.registered || s.city_deletion.is_some())
                        });
                        ctx.t(if linked { "my_data.confirm_city" } else { "my_data.not_registered" })
                    }}</p>
                    <p class="muted">{move || ctx.t("my_data.confirm_stays")}</p>
                    <div class="form-nav">
                        <button id="my-data-delete-confirm" class="danger" prop:disabled=move || busy.get() on:click=delete>
                            {move || ctx.t("my_data.confirm_yes")}
                        </button>
                        <button id="my-data-delete-cancel" class="secondary" on:click=move |_| asking.set(false)>
                            {move || ctx.t("my_data.confirm_no")}
                        </button>
                    </div>
                </div>
            </Show>
            {delete_outcome}
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
        </section>
    }
}
