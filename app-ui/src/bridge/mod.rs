//! The only door to the shell: one typed async function per Tauri command, and event listening.
//! No `withGlobalTauri`: the IPC object Tauri injects (`__TAURI_INTERNALS__`) is used directly.

use model::dto::{AppStatus, ConnectionDto, SettingsDto, StartFreshOutcome, WardSearchResult};
use model::ipc::{Command, Event};
use model::{ErrorCode, ErrorDto, Language, Messages, TextSize, Ward};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

pub mod city_voice;
pub mod dossiers;
pub mod feedback;
pub mod login;
pub mod map;
pub mod my_data;
pub mod voice;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// `invoke` with options (headers), for raw bodies.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], js_name = invoke, catch)]
    async fn tauri_invoke_with(
        cmd: &str,
        args: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], js_name = transformCallback, catch)]
    fn transform_callback(callback: &js_sys::Function, once: bool) -> Result<JsValue, JsValue>;
}

fn internal() -> ErrorDto {
    ErrorCode::Internal.into()
}

pub(crate) async fn call<A: Serialize, T: DeserializeOwned>(
    cmd: Command,
    args: &A,
) -> Result<T, ErrorDto> {
    invoke(cmd.as_str(), args).await
}

/// A command whose argument is a raw body (a photo's bytes as a `Uint8Array`), with `options`
/// (headers, or `undefined`).
pub(crate) async fn call_body<T: DeserializeOwned>(
    cmd: Command,
    body: JsValue,
    options: JsValue,
) -> Result<T, ErrorDto> {
    answer(tauri_invoke_with(cmd.as_str(), body, options).await)
}

/// A command's answer, or the `ErrorDto` it rejected with (anything else is "internal").
fn answer<T: DeserializeOwned>(result: Result<JsValue, JsValue>) -> Result<T, ErrorDto> {
    match result {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|_| internal()),
        Err(err) => Err(serde_wasm_bindgen::from_value(err).unwrap_or_else(|_| internal())),
    }
}

/// Any IPC command by name: the app's own go through [`call`]; Tauri's plugins have theirs.
async fn invoke<A: Serialize, T: DeserializeOwned>(cmd: &str, args: &A) -> Result<T, ErrorDto> {
    let args = serde_wasm_bindgen::to_value(args).map_err(|_| internal())?;
    answer(tauri_invoke(cmd, args).await)
}

#[derive(Serialize)]
pub(crate) struct NoArgs {}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Search<'a> {
    query: &'a str,
    limit: u32,
}

#[derive(Serialize)]
struct Code<'a> {
    code: &'a str,
}

#[derive(Serialize)]
struct Lang {
    language: Language,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Size {
    text_size: TextSize,
}

#[derive(Serialize)]
struct Url<'a> {
    url: &'a str,
    confirmed: bool,
}

pub async fn app_status() -> Result<AppStatus, ErrorDto> {
    call(Command::AppStatus, &NoArgs {}).await
}

pub async fn ui_messages(language: Language) -> Result<Messages, ErrorDto> {
    call(Command::UiMessages, &Lang { language }).await
}

pub async fn search_wards(query: &str, limit: u32) -> Result<WardSearchResult, ErrorDto> {
    call(Command::SearchWards, &Search { query, limit }).await
}

/// Current units and former districts and wards (issue 14), each with where it went.
pub async fn search_places(
    query: &str,
    limit: u32,
) -> Result<model::search::place::PlaceSearchResult, ErrorDto> {
    call(Command::SearchPlaces, &Search { query, limit }).await
}

pub async fn get_ward(code: &str) -> Result<Ward, ErrorDto> {
    call(Command::GetWard, &Code { code }).await
}

pub async fn set_my_ward(code: &str) -> Result<SettingsDto, ErrorDto> {
    call(Command::SetMyWard, &Code { code }).await
}

pub async fn set_language(language: Language) -> Result<SettingsDto, ErrorDto> {
    call(Command::SetLanguage, &Lang { language }).await
}

pub async fn set_text_size(text_size: TextSize) -> Result<SettingsDto, ErrorDto> {
    call(Command::SetTextSize, &Size { text_size }).await
}

/// `confirmed`: the citizen said yes to an address that is not the city's official one.
pub async fn set_api_base_url(url: &str, confirmed: bool) -> Result<SettingsDto, ErrorDto> {
    call(Command::SetApiBaseUrl, &Url { url, confirmed }).await
}

pub async fn refresh_wards() -> Result<ConnectionDto, ErrorDto> {
    call(Command::RefreshWards, &NoArgs {}).await
}

pub async fn start_fresh() -> Result<StartFreshOutcome, ErrorDto> {
    call(Command::StartFresh, &NoArgs {}).await
}

#[derive(Serialize)]
struct Target {
    kind: &'static str,
}

#[derive(Serialize)]
struct Listen<'a> {
    event: &'a str,
    target: Target,
    handler: f64,
}

/// Calls `handler` with the payload of every `event` the shell emits, for the app's lifetime.
/// Only the decoding is generic: the subscription is one function for every event (a copy of it
/// per listener cost the start part bytes).
pub fn listen<T: DeserializeOwned + 'static>(event: Event, handler: impl Fn(T) + 'static) {
    subscribe(
        event,
        Closure::<dyn Fn(JsValue)>::new(move |message: JsValue| {
            let payload = js_sys::Reflect::get(&message, &JsValue::from_str("payload"))
                .unwrap_or(JsValue::NULL);
            if let Ok(payload) = serde_wasm_bindgen::from_value(payload) {
                handler(payload);
            }
        }),
    );
}

fn subscribe(event: Event, callback: Closure<dyn Fn(JsValue)>) {
    let id = transform_callback(callback.as_ref().unchecked_ref(), false)
        .ok()
        .and_then(|v| v.as_f64());
    // The listener lives as long as the page.
    callback.forget();
    let Some(handler) = id else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let args = Listen {
            event: event.as_str(),
            target: Target { kind: "Any" },
            handler,
        };
        let _: Result<f64, ErrorDto> = invoke("plugin:event|listen", &args).await;
    });
}
