//! Screens off the start path, each loaded the first time it is opened. `#[lazy]` marks a split
//! point and `cargo xtask ui` cuts the wasm there (wasm-split), so opening the app downloads and
//! compiles only the start screen's code: what a cheap phone waits for at every start.

use leptos::prelude::*;
use model::Ward;
use send_wrapper::SendWrapper;

use crate::screens::feedback::{
    FeedbackHub, form::ReportForm, report::ReportView, ward_list::WardReportList,
};
use crate::screens::{db_error::DbError, settings::Settings, wards::Finder, wards::WardDetail};
use crate::state::{DossierScreen, MapScreen, VoiceScreen, use_ctx};
use model::draft::FormStep;

#[lazy]
pub fn feedback_hub() -> AnyView {
    untrack(|| view! { <FeedbackHub/> }.into_any())
}

#[lazy]
pub fn report_form(step: FormStep) -> AnyView {
    untrack(|| view! { <ReportForm step=step/> }.into_any())
}

#[lazy]
pub fn report_view(id: i64) -> AnyView {
    untrack(|| view! { <ReportView id=id/> }.into_any())
}

#[lazy]
pub fn ward_reports(code: String) -> AnyView {
    untrack(|| view! { <WardReportList code=code/> }.into_any())
}

/// Every dossier screen and the procedures guide, behind one door.
#[lazy]
pub fn dossiers(screen: DossierScreen) -> AnyView {
    untrack(|| crate::screens::dossiers::show(screen))
}

/// The map, its list view and "choose on the map", behind one door.
#[lazy]
pub fn map(screen: MapScreen) -> AnyView {
    untrack(|| crate::screens::map::show(screen))
}

/// Rating, the scoreboard, surveys and announcements, behind one door.
#[lazy]
pub fn voice(screen: VoiceScreen) -> AnyView {
    untrack(|| crate::screens::voice::show(screen))
}

/// Rare screens stay off the start too: a database that cannot be used.
#[lazy]
pub fn db_error() -> AnyView {
    untrack(|| view! { <DbError/> }.into_any())
}

#[lazy]
pub fn finder() -> AnyView {
    untrack(|| view! { <Finder/> }.into_any())
}

#[lazy]
pub fn ward_detail(ward: Ward) -> AnyView {
    untrack(|| view! { <WardDetail ward=ward/> }.into_any())
}

#[lazy]
pub fn settings() -> AnyView {
    untrack(|| view! { <Settings/> }.into_any())
}

/// A lazily loaded screen, with "loading" for the moment its part takes to arrive.
///
/// Each screen above is built `untrack`ed: it is built inside the `Suspend`'s future, and a
/// `Suspend` runs its future again when a signal read there changes — so a text looked up while
/// building (the language) made a language switch build the whole screen anew, dropping what was
/// typed and what was loaded, with the old screen's tasks still writing to it.
pub fn show(screen: impl Future<Output = AnyView> + 'static) -> AnyView {
    let ctx = use_ctx();
    let screen = SendWrapper::new(screen);
    view! {
        <Suspense fallback=move || view! { <p class="loading" role="status">{ctx.t("app.loading")}</p> }>
            {Suspend::new(screen)}
        </Suspense>
    }
    .into_any()
}
