//! The honest page for a part that is not built yet: what it will do, and that it is not here.

use leptos::prelude::*;

use model::part::Part;

use crate::state::{Screen, use_ctx};

#[component]
pub fn Coming(part: Part) -> impl IntoView {
    let ctx = use_ctx();
    let stem = part.stem();
    view! {
        <section class="screen coming" id=format!("coming-{stem}")>
            <h1>{move || ctx.t(part.title_key())}</h1>
            <p class="badge">{move || ctx.t("coming.title")}</p>
            <p>{move || ctx.t(part.coming_key())}</p>
            <p class="muted">{move || ctx.t("coming.note")}</p>
            <button class="secondary" on:click=move |_| ctx.go(Screen::Home)>{move || ctx.t("nav.back")}</button>
        </section>
    }
}
