//! The device's position through the web view's Geolocation API, when the platform offers it
//! and the citizen allows it. Anything else (no API, refused, no fix within the time limit)
//! answers `None`, and the form offers the ward and address instead.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Calls `done` once with `(lat, lon)` or `None`.
pub fn current_position(done: impl Fn(Option<(f64, f64)>) + 'static) {
    let done = std::rc::Rc::new(done);
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        done(None);
        return;
    };
    let ok = {
        let done = done.clone();
        Closure::once(move |pos: web_sys::Position| {
            let c = pos.coords();
            done(Some((c.latitude(), c.longitude())));
        })
    };
    let fail = {
        let done = done.clone();
        Closure::once(move |_: JsValue| done(None))
    };
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(15_000);
    options.set_maximum_age(60_000);
    let asked = geo.get_current_position_with_error_callback_and_options(
        ok.as_ref().unchecked_ref(),
        Some(fail.as_ref().unchecked_ref()),
        &options,
    );
    if asked.is_err() {
        done(None);
    }
    // Each callback runs at most once; they live until then.
    ok.forget();
    fail.forget();
}

/// Resolves after `ms` milliseconds (the page's timer; wasm has no other clock here).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
