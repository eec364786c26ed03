//! The ward picker of the report form's place step.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::Ward;

use super::draft::Form;
use crate::bridge;
use crate::state::use_ctx;

/// A list of every unit to choose from (Vietnamese order, from the shell).
#[component]
pub fn WardSelect(form: Form) -> impl IntoView {
    let ctx = use_ctx();
    let wards = RwSignal::new(Vec::<Ward>::new());
    spawn_local(async move {
        if let Ok(r) = bridge::search_wards("", 500).await {
            wards.set(r.wards);
        }
    });
    let current = move || {
        form.draft
            .with(|d| d.as_ref().and_then(|d| d.ward_code.clone()))
            .unwrap_or_default()
    };
    view! {
        <label for="place-ward" class="field-label">{move || ctx.t("place.ward")}<span class="required">" *"</span></label>
        <select id="place-ward" prop:value=current on:change=move |ev| {
            let v = event_target_value(&ev);
            form.edit(move |d| d.ward_code = Some(v).filter(|v| !v.is_empty()));
        }>
            <option value="">{move || ctx.t("place.ward_choose")}</option>
            {move || wards.get().into_iter().map(|w| {
                let code = w.code.to_string();
                let selected = current() == code;
                view! { <option value=code selected=selected>{w.name.clone()}</option> }
            }).collect_view()}
        </select>
    }
}
