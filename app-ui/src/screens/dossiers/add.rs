//! Adding a dossier: a photo of the receipt's QR code fills the two fields, or the citizen types
//! them, told as they type what is wrong and where. Nothing is said "saved" before the shell
//! answered; what was typed stays when the city knows no such dossier.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::dossier::{CHECK_ALPHABET, CHECK_LEN, TypedCode, check_as_typed, normalize_check};
use model::dossier_dto::{AddDossierAnswer, Lookup, ReceiptReading};
use model::{ErrorCode, ErrorDto};

use crate::bridge;
use crate::state::{Ctx, DossierScreen, Screen, use_ctx};

/// What the code field says under it as the citizen types.
fn code_message(ctx: Ctx, text: &str) -> Option<String> {
    match check_as_typed(text) {
        TypedCode::Empty | TypedCode::Incomplete | TypedCode::Complete(_) => None,
        TypedCode::Wrong(m) => {
            let typed: String = text.chars().nth(m.at).map(String::from).unwrap_or_default();
            Some(ctx.t_with(
                "dossier.add.code_wrong",
                &[
                    ("n", &(m.at + 1).to_string()),
                    ("char", &typed),
                    ("part", ctx.t(m.part.message_key())),
                    ("reason", ctx.t(m.reason.message_key())),
                ],
            ))
        }
    }
}

/// Whether the check value typed so far cannot become one: too long, or a character the
/// receipts never print (0, 1, O, I, L, marks). Shorter and clean is "fine so far".
fn check_is_wrong(text: &str) -> bool {
    let typed: Vec<u8> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| u8::try_from(c.to_ascii_uppercase()).unwrap_or(0))
        .collect();
    typed.len() > CHECK_LEN || typed.iter().any(|b| !CHECK_ALPHABET.contains(b))
}

#[component]
pub fn AddDossier() -> impl IntoView {
    let ctx = use_ctx();
    let code = RwSignal::new(String::new());
    let check = RwSignal::new(String::new());
    // Set by "add": the fields then say what is missing even before a mistake is typed.
    let tried = RwSignal::new(false);
    let problem = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let check_input = NodeRef::<leptos::html::Input>::new();

    let code_problem = move || {
        let text = code.get();
        code_message(ctx, &text).or_else(|| {
            (tried.get() && !matches!(check_as_typed(&text), TypedCode::Complete(_)))
                .then(|| ctx.t("dossier.add.code_incomplete").to_owned())
        })
    };
    let code_ok = move || matches!(check_as_typed(&code.get()), TypedCode::Complete(_));
    let check_problem = move || {
        let text = check.get();
        (check_is_wrong(&text) || (tried.get() && normalize_check(&text).is_none()))
            .then(|| ctx.t("dossier.add.check_wrong"))
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let TypedCode::Complete(c) = check_as_typed(&code.get_untracked()) else {
            return;
        };
        let Some(k) = normalize_check(&check.get_untracked()) else {
            return;
        };
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let answer = bridge::dossiers::add_dossier(c.as_str(), &k).await;
            busy.set(false);
            let go = |id| ctx.go(Screen::Dossiers(DossierScreen::One(id)));
            match answer {
                Ok(AddDossierAnswer::Added {
                    id,
                    lookup: Lookup::Known,
                }) => {
                    ctx.notify("dossier.add.added");
                    go(id);
                }
                Ok(AddDossierAnswer::Added { .. }) => {
                    ctx.notify("dossier.add.waiting");
                    ctx.go(Screen::Dossiers(DossierScreen::Mine));
                }
                Ok(AddDossierAnswer::AlreadyTracked { id }) => {
                    ctx.notify("dossier.add.already");
                    go(id);
                }
                // One message for a wrong code and a wrong check value; the fields keep the text.
                Ok(AddDossierAnswer::NotFound) => problem.set(Some(ctx.t("dossier.add.not_found"))),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    };

    // What the photo gave: (read well, the words to show under the photo button).
    let said = RwSignal::new(None::<(bool, &'static str)>);
    let on_read = move |reading: Result<ReceiptReading, ErrorDto>| {
        let told = match reading {
            Ok(ReceiptReading::Found { pair }) => {
                code.set(pair.code);
                check.set(pair.check);
                (true, ctx.t("dossier.qr.found"))
            }
            Ok(ReceiptReading::NotAReceipt { problem: p }) => {
                // A receipt without a usable check value still gives its code: only the check
                // value is left to type.
                if let Some(c) = p.code() {
                    code.set(c.as_str().to_owned());
                    check.set(String::new());
                    if let Some(el) = check_input.get_untracked() {
                        let _ = el.focus();
                    }
                }
                (false, ctx.t(p.message_key()))
            }
            Ok(ReceiptReading::NoQrCode) => (false, ctx.t("dossier.qr.none")),
            Err(err) => (false, ctx.error_text(&err)),
        };
        problem.set(None);
        said.set(Some(told));
    };

    view! {
        <section class="screen add-dossier">
            <button class="secondary back" on:click=move |_| ctx.go(Screen::Dossiers(DossierScreen::Mine))>{move || ctx.t("nav.back")}</button>
            <h1>{move || ctx.t("dossier.add.title")}</h1>
            <ReceiptPhoto on_read=on_read said=said/>
            <form class="card" id="add-dossier-form" on:submit=submit novalidate=true aria-labelledby="type-heading">
                <h2 id="type-heading">{move || ctx.t("dossier.add.by_typing")}</h2>
                <label for="dossier-code" class="field-label">{move || ctx.t("dossier.add.code")}</label>
                <input id="dossier-code" type="text" inputmode="text" autocapitalize="characters" autocomplete="off"
                    spellcheck="false" enterkeyhint="next" aria-describedby="dossier-code-hint dossier-code-problem"
                    aria-invalid=move || code_problem().is_some().to_string()
                    prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                <p id="dossier-code-hint" class="muted">{move || ctx.t("dossier.add.code_hint")}</p>
                <p id="dossier-code-problem" class="error" aria-live="polite">{move || code_problem().unwrap_or_default()}</p>
                <Show when=code_ok>
                    <p class="ok" id="dossier-code-ok">{move || ctx.t("dossier.add.code_ok")}</p>
                </Show>
                <label for="dossier-check" class="field-label">{move || ctx.t("dossier.add.check")}</label>
                <input id="dossier-check" node_ref=check_input type="text" inputmode="text" autocapitalize="characters"
                    autocomplete="off" spellcheck="false" enterkeyhint="done" aria-describedby="dossier-check-hint dossier-check-problem"
                    aria-invalid=move || check_problem().is_some().to_string()
                    prop:value=move || check.get() on:input=move |ev| check.set(event_target_value(&ev))/>
                <p id="dossier-check-hint" class="muted">{move || ctx.t("dossier.add.check_hint")}</p>
                <p id="dossier-check-problem" class="error" aria-live="polite">{move || check_problem().unwrap_or_default()}</p>
                <p id="add-problem" class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
                <button id="add-dossier-submit" type="submit" class="primary" prop:disabled=move || busy.get()>
                    {move || if busy.get() { ctx.t("dossier.add.checking") } else { ctx.t("dossier.add.submit") }}
                </button>
            </form>
        </section>
    }
}

/// "Read the receipt's QR code": phones open the camera, desktops a file. The photo goes to the
/// shell as it is; the QR code is read there, in Rust.
#[component]
fn ReceiptPhoto(
    on_read: impl Fn(Result<ReceiptReading, ErrorDto>) + Copy + 'static,
    said: RwSignal<Option<(bool, &'static str)>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let busy = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let on_change = move |_| {
        let Some(el) = input.get() else { return };
        let Some(file) = el.files().and_then(|f| f.get(0)) else {
            return;
        };
        el.set_value("");
        busy.set(true);
        said.set(None);
        spawn_local(async move {
            let reading = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buf) => {
                    let bytes = js_sys::Uint8Array::new(&buf);
                    bridge::dossiers::read_receipt_qr(bytes.into()).await
                }
                Err(_) => Err(ErrorDto::from(ErrorCode::PhotoDamaged)),
            };
            busy.set(false);
            on_read(reading);
        });
    };
    view! {
        <section class="card" aria-labelledby="qr-heading">
            <h2 id="qr-heading">{move || ctx.t("dossier.add.by_qr")}</h2>
            <p class="muted">{move || ctx.t("dossier.add.qr_hint")}</p>
            <input id="receipt-photo" node_ref=input class="file-input" type="file" accept="image/*"
                capture="environment" prop:disabled=move || busy.get() on:change=on_change/>
            <label for="receipt-photo" class="file-button">
                {move || if busy.get() { ctx.t("dossier.add.reading") } else { ctx.t("dossier.add.take_photo") }}
            </label>
            {move || said.get().map(|(ok, text)| if ok {
                view! { <p class="ok" id="qr-said" role="status">{text}</p> }.into_any()
            } else {
                view! { <p class="error" id="qr-said" role="alert">{text}</p> }.into_any()
            })}
        </section>
    }
}
