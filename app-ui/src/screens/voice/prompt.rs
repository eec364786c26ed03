//! "How did the ward serve you?": the button that opens the rating, on a ward's card and page,
//! and after a dossier was finished or a report resolved there (asked after the citizen has
//! left the office, never at it). Shown while this month's rating of the ward is still to give;
//! once given, one line says so. Used by other parts: it reads only the two fields it shows.

use leptos::prelude::*;
use model::ipc::Command;
use model::rating_dto::WardCodeArgs;

use super::month_text;
use crate::state::{BackTo, Screen, VoiceScreen, use_ctx};
use crate::{bridge, load};

/// What the prompt needs of `ward_rating_status`.
#[derive(Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CanRate {
    can_rate: bool,
    month: String,
}

/// `after`: asked after a dossier or report there (the words say why it is asked now).
#[component]
pub fn RatePrompt(ward: String, back: BackTo, #[prop(optional)] after: bool) -> impl IntoView {
    let ctx = use_ctx();
    let status = RwSignal::new(None::<CanRate>);
    {
        let code = ward.clone();
        load::latest(
            || (),
            move |()| {
                let args = WardCodeArgs {
                    ward_code: code.clone(),
                };
                async move { bridge::call::<_, CanRate>(Command::WardRatingStatus, &args).await }
            },
            move |answer| status.set(answer.ok()),
        );
    }
    move || {
        let s = status.get()?;
        let view = if s.can_rate {
            let ward = ward.clone();
            let open = move |_| {
                ctx.go(Screen::Voice(VoiceScreen::Rate {
                    ward: ward.clone(),
                    back,
                }))
            };
            view! {
                <section class="rate-prompt" id="rate-prompt" aria-labelledby="rate-prompt-title">
                    <h2 id="rate-prompt-title">{ctx.t(if after { "rate_prompt.after_title" } else { "rate_prompt.title" })}</h2>
                    <p class="muted">{ctx.t("rate_prompt.hint")}</p>
                    <button id="rate-prompt-open" class="primary" on:click=open>{ctx.t("rate_prompt.open")}</button>
                </section>
            }
            .into_any()
        } else {
            let month = month_text(&s.month);
            view! { <p class="muted" id="rate-prompt-done">{ctx.t_with("rate_prompt.done", &[("month", &month)])}</p> }.into_any()
        };
        Some(view)
    }
}
