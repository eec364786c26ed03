//! What the surveys' and announcements' screens share: their entries on the voice hub, a
//! counter that moves when the shell says the device's copy changed (the listener is set up the
//! first time this part is opened, not at start), and the shell of a list pulled from the city
//! (loading, the no-ward note, the lines or the empty text, when it was pulled).

use std::cell::OnceCell;

use leptos::prelude::*;
use model::ipc::Event;

use crate::format::city_time;
use crate::state::{Screen, VoiceScreen, use_ctx};
use crate::{bridge, load};

thread_local! {
    static VERSION: OnceCell<ArcRwSignal<u32>> = const { OnceCell::new() };
}

/// Moves when the surveys, an answer's state or the announcements changed on this device.
pub fn version() -> ArcRwSignal<u32> {
    VERSION.with(|v| {
        v.get_or_init(|| {
            let s = ArcRwSignal::new(0u32);
            let bump = s.clone();
            bridge::listen(Event::VoiceUpdated, move |(): ()| {
                bump.update(|n| *n = n.wrapping_add(1));
            });
            s
        })
        .clone()
    })
}

/// The surveys and announcements entries (one section; the rating's hub adds its own).
#[component]
pub fn CityEntries() -> impl IntoView {
    let ctx = use_ctx();
    let go = move |s: VoiceScreen| ctx.go(Screen::Voice(s));
    view! {
        <section class="screen voice-city" aria-labelledby="voice-city-heading">
            <h2 id="voice-city-heading">{move || ctx.t("voice.city.title")}</h2>
            <button id="open-surveys" class="wide" on:click=move |_| go(VoiceScreen::Surveys)>
                <span class="tile-title">{move || ctx.t("voice.surveys.title")}</span>
                <span class="tile-hint">{move || ctx.t("voice.surveys.hint")}</span>
            </button>
            <button id="open-announcements" class="wide" on:click=move |_| go(VoiceScreen::Announcements)>
                <span class="tile-title">{move || ctx.t("voice.announcements.title")}</span>
                <span class="tile-hint">{move || ctx.t("voice.announcements.hint")}</span>
            </button>
        </section>
    }
}

/// "Back" to `to`.
#[component]
pub fn Back(to: VoiceScreen) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <button class="secondary" on:click=move |_| ctx.go(Screen::Voice(to.clone()))>
            {move || ctx.t("nav.back")}
        </button>
    }
}

/// `fetch`'s answer, asked again whenever the device's copy changes ([`version`]), and the
/// error text when it fails.
pub fn pulled<T, Fut>(
    fetch: impl Fn() -> Fut + 'static,
) -> (RwSignal<Option<T>>, RwSignal<Option<&'static str>>)
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, model::ErrorDto>> + 'static,
{
    let ctx = use_ctx();
    let data = RwSignal::new(None::<T>);
    let problem = RwSignal::new(None::<&'static str>);
    let v = version();
    load::latest(
        move || v.track(),
        move |()| fetch(),
        move |answer| match answer {
            Ok(d) => data.set(Some(d)),
            Err(err) => problem.set(Some(ctx.error_text(&err))),
        },
    );
    (data, problem)
}

/// What a pulled list shows, read from its answer.
pub struct Shown {
    /// The citizen chose no ward: only the whole city's items come.
    pub no_ward: bool,
    /// When the device last pulled it (none: never).
    pub pulled_at: Option<String>,
    /// Its lines; none when it is empty.
    pub lines: Option<AnyView>,
}

/// A list pulled from the city, as every voice list shows it: "loading" until the device's
/// copy is read, then the no-ward note, the lines (or the empty text: `empty` is its id and
/// key) and when it was last pulled.
pub fn pulled_list(
    empty: (&'static str, &'static str),
    shown: impl Fn() -> Option<Shown> + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    move || {
        let Some(s) = shown() else {
            return view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any();
        };
        let pulled = s.pulled_at;
        view! {
            {s.no_ward.then(|| view! { <p class="card muted" id="list-no-ward">{move || ctx.t("voice.no_ward")}</p> })}
            {match s.lines {
                Some(lines) => view! { <ul class="report-list">{lines}</ul> }.into_any(),
                None => view! { <p class="card" id=empty.0>{move || ctx.t(empty.1)}</p> }.into_any(),
            }}
            <p class="muted">{move || match &pulled {
                Some(at) => ctx.t_with("voice.pulled_at", &[("time", &city_time(at))]),
                None => ctx.t("voice.never_pulled").to_owned(),
            }}</p>
        }
        .into_any()
    }
}
