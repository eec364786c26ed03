//! The Citizen App's UI (Leptos, client-side rendered, compiled to wasm).
//!
//! It talks to the shell only through [`bridge`] (typed `invoke` + events) and shows every text
//! through [`i18n`] (tables the shell hands over); errors arrive as `{code, messageKey}` and are shown translated.

mod app;
mod bridge;
mod geo;
mod i18n;
mod screens;
mod state;

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by wasm-bindgen once the module is instantiated (`main.js` runs `init()`).
#[wasm_bindgen(start)]
pub fn start() {
    // Readable panics in debug builds; release builds stay small (panic = abort).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
