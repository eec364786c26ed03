//! The citizens' voice (issue 15): rating a ward on the five SIPAS elements, every ward's
//! scoreboard (Decision 766/QĐ-TTg), the city's surveys and its announcements. One lazily
//! loaded part: the start pays for one door.

mod announcements;
mod city;
mod surveys;

use leptos::prelude::*;

use crate::state::VoiceScreen;

pub fn show(screen: VoiceScreen) -> AnyView {
    match screen {
        VoiceScreen::Hub => view! { <city::Hub/> }.into_any(),
        VoiceScreen::Surveys => view! { <surveys::SurveyList/> }.into_any(),
        VoiceScreen::Survey(id) => view! { <surveys::SurveyView id=id/> }.into_any(),
        VoiceScreen::Announcements => view! { <announcements::AnnouncementList/> }.into_any(),
        VoiceScreen::Announcement(id) => {
            view! { <announcements::AnnouncementView id=id/> }.into_any()
        }
    }
}
