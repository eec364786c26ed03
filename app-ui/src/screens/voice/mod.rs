//! The citizens' voice (issue 15): rating a ward on the five SIPAS elements, every ward's
//! scoreboard (Decision 766/QĐ-TTg), the city's surveys and its announcements. One lazily
//! loaded part: the start pays for one door.

use leptos::prelude::*;
use model::part::Part;

use crate::screens::coming::Coming;
use crate::state::VoiceScreen;

pub fn show(screen: VoiceScreen) -> AnyView {
    match screen {
        // Until the app side is built, the honest "not here yet" page.
        VoiceScreen::Hub => view! { <Coming part=Part::Rate/> }.into_any(),
    }
}
