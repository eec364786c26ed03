// Loads the wasm UI. `init()` fetches app_bg.wasm next to this file; the crate's
// #[wasm_bindgen(start)] function then mounts the app. No inline script: the CSP forbids it.
import init from "./app.js";

init();
