//! The photo picker of a report and of a "not fixed" answer.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::ErrorDto;
use model::feedback::{MAX_PHOTOS, PhotoPurpose};
use model::report_dto::PhotoDto;

use crate::bridge;
use crate::state::use_ctx;

/// Photos: camera where the platform has one, else the file picker. Each is shrunk and stripped
/// by the shell before it is shown here. `report`: the report whose "not fixed" answer they go
/// with (none for the draft's).
#[component]
pub fn Photos(
    purpose: PhotoPurpose,
    #[prop(optional)] report: Option<i64>,
    photos: RwSignal<Vec<PhotoDto>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let problem = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(0u32);
    let input = NodeRef::<leptos::html::Input>::new();
    let on_change = move |_| {
        let Some(el) = input.get() else { return };
        let Some(files) = el.files() else { return };
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            busy.update(|n| *n += 1);
            spawn_local(async move {
                let result = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                    Ok(buf) => {
                        let bytes = js_sys::Uint8Array::new(&buf);
                        bridge::feedback::add_photo(bytes.into(), purpose, report).await
                    }
                    Err(_) => Err(ErrorDto::from(model::ErrorCode::PhotoDamaged)),
                };
                match result {
                    Ok(p) => {
                        photos.update(|list| list.push(p));
                        problem.set(None);
                    }
                    Err(err) => problem.set(Some(ctx.error_text(&err))),
                }
                busy.update(|n| *n = n.saturating_sub(1));
            });
        }
        el.set_value("");
    };
    let remove = move |id: i64| {
        spawn_local(async move {
            match bridge::feedback::remove_photo(id).await {
                Ok(()) => photos.update(|list| list.retain(|p| p.id != id)),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    };
    let full = move || photos.with(|p| p.len() >= MAX_PHOTOS);
    let input_id = format!("photo-input-{purpose}");
    view! {
        <section class="photos" aria-labelledby=format!("photos-heading-{purpose}")>
            <h2 id=format!("photos-heading-{purpose}")>{move || ctx.t_with("photos.title", &[("n", &photos.with(Vec::len).to_string()), ("max", &MAX_PHOTOS.to_string())])}</h2>
            <p class="muted">{move || ctx.t("photos.hint")}</p>
            <ul class="thumbs">
                <For each=move || photos.get() key=|p: &PhotoDto| p.id children=move |p: PhotoDto| {
                    let id = p.id;
                    view! {
                        <li>
                            <img src=p.thumb alt=move || ctx.t("photos.alt")/>
                            <button class="secondary remove" aria-label=move || ctx.t("photos.remove") on:click=move |_| remove(id)>"✕"</button>
                        </li>
                    }
                }/>
            </ul>
            <label for=input_id.clone() class=move || if full() { "file-button disabled" } else { "file-button" }>
                {move || if busy.get() > 0 { ctx.t("photos.working") } else { ctx.t("photos.add") }}
            </label>
            <input id=input_id node_ref=input class="file-input" type="file" accept="image/jpeg,image/png,image/webp,image/*"
                capture="environment" multiple=true prop:disabled=full on:change=on_change/>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
        </section>
    }
}
