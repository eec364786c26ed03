//! The Citizen App's UI (Leptos, client-side rendered, compiled to wasm).
//!
//! It talks to the shell only through [`bridge`] (typed `invoke` + events) and shows every text
//! through [`i18n`] (tables the shell hands over); errors arrive as `{code, messageKey}` and are shown translated.

mod app;
mod bridge;
mod debounce;
mod format;
mod geo;
mod i18n;
mod load;
mod map;
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

/// Room for wasm-split in the UI's data segment. wasm-split lays each part's data out again
/// with alignment padding; when that comes out longer than the linker's segment (by a few
/// bytes, by luck of layout) it warns "Overlong segment" and puts *all* the UI's data in the
/// start part (+10 KB gzip, measured). No code reads these bytes, so wasm-split copies them
/// into no part: they only lengthen the segment it has to fit in. `#[used]` keeps the linker
/// from dropping them.
#[used]
static WASM_SPLIT_SLACK: [u8; 1024] = [0x5a; 1024];
