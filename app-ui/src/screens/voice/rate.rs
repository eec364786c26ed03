//! Rate a ward: the five SIPAS elements, each answered on the city's three answers, an
//! optional comment, and what happens to it. Saved on the device first; then "saved, will be
//! sent", and "counted for <month>" once the city answered. Once a month per ward.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::rating_dto::{MyRatingDto, RateWardArgs, RatingState, WardRatingStatus};
use model::ward_rating::{Answer, ELEMENTS, Element};

use super::month_text;
use crate::state::{BackTo, Ctx, DossierScreen, MapScreen, Screen, VoiceScreen, use_ctx};
use crate::{bridge, load};

/// How often, and how many times (10 minutes), a queued rating's state is asked again while
/// the screen is open.
const POLL: Duration = Duration::from_secs(2);
const POLLS: u32 = 300;

fn hint_key(e: Element) -> &'static str {
    match e {
        Element::Access => "rate_ward.hint.access",
        Element::Procedures => "rate_ward.hint.procedures",
        Element::Officials => "rate_ward.hint.officials",
        Element::Result => "rate_ward.hint.result",
        Element::Feedback => "rate_ward.hint.feedback",
    }
}

#[component]
pub fn RateWard(ward: String, back: BackTo) -> impl IntoView {
    let ctx = use_ctx();
    let name = RwSignal::new(String::new());
    let status = RwSignal::new(None::<WardRatingStatus>);
    let problem = RwSignal::new(None::<&'static str>);
    let answers = RwSignal::new([None::<Answer>; 5]);
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let tick = RwSignal::new(0_u32);
    {
        let code = ward.clone();
        spawn_local(async move {
            if let Ok(w) = bridge::get_ward(&code).await {
                name.set(w.name);
            }
        });
    }
    {
        let code = ward.clone();
        load::latest(
            move || tick.get(),
            move |n| {
                let code = code.clone();
                async move { (n, bridge::voice::ward_rating_status(&code).await) }
            },
            move |(n, answer)| match answer {
                Ok(s) => {
                    let queued = s
                        .current
                        .as_ref()
                        .is_some_and(|c| c.state == RatingState::Queued);
                    status.set(Some(s));
                    if queued && n < POLLS {
                        set_timeout(
                            move || {
                                tick.try_update(|t| *t += 1);
                            },
                            POLL,
                        );
                    }
                }
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            },
        );
    }
    let submit = {
        let code = ward.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let picked = answers.get_untracked();
            let Some(all) = picked.iter().copied().collect::<Option<Vec<Answer>>>() else {
                problem.set(Some(ctx.t("rate_ward.pick_all")));
                return;
            };
            let Ok(all) = <[Answer; 5]>::try_from(all) else {
                return;
            };
            let text = comment.get_untracked();
            let args = RateWardArgs {
                ward_code: code.clone(),
                answers: all,
                comment: (!text.trim().is_empty()).then_some(text),
            };
            busy.set(true);
            spawn_local(async move {
                match bridge::voice::rate_ward(&args).await {
                    Ok(_) => {
                        problem.set(None);
                        tick.update(|t| *t = 0);
                    }
                    Err(err) => problem.set(Some(ctx.error_text(&err))),
                }
                busy.set(false);
            });
        }
    };
    let code = ward.clone();
    let body = move || {
        let Some(s) = status.get() else {
            return view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any();
        };
        let outcome = s.current.clone().map(|c| outcome(ctx, &c));
        if s.can_rate {
            view! {
                {outcome}
                <form id="rate-form" novalidate on:submit=submit.clone()>
                    <p>{ctx.t("rate_ward.intro")}</p>
                    {ELEMENTS.iter().enumerate().map(|(i, &e)| element(ctx, i, e, answers)).collect_view()}
                    <label for="rate-comment" class="field-label">{ctx.t("rate_ward.comment")}</label>
                    <textarea id="rate-comment" maxlength="1000" aria-describedby="rate-comment-hint"
                        prop:value=move || comment.get()
                        on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    <p id="rate-comment-hint" class="muted">{ctx.t("rate_ward.comment_hint")}</p>
                    <p class="error" role="alert" id="rate-problem">{move || problem.get().unwrap_or_default()}</p>
                    <button type="submit" id="rate-send" class="primary" disabled=move || busy.get()>{ctx.t("rate_ward.send")}</button>
                </form>
            }
            .into_any()
        } else {
            let code = code.clone();
            let done = code.clone();
            view! {
                {outcome}
                <p class="muted">{ctx.t_with("rate_ward.next_month", &[("month", &month_text(&s.month))])}</p>
                <div class="form-nav">
                    <button id="rate-see-score" on:click=move |_| ctx.go(Screen::Voice(VoiceScreen::WardScore(code.clone())))>{ctx.t("rate_ward.see_score")}</button>
                    <button id="rate-done" class="primary" on:click=move |_| go_back(ctx, back, done.clone())>{ctx.t("rate_ward.done")}</button>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <section class="screen rate-ward">
            <button class="secondary back" on:click=move |_| go_back(ctx, back, ward.clone())>{move || ctx.t("nav.back")}</button>
            <h1 id="rate-title">{move || ctx.t_with("rate_ward.title", &[("name", &name.get())])}</h1>
            <div class="notice" id="rate-privacy"><p>{move || ctx.t("rate_ward.privacy")}</p></div>
            {body}
        </section>
    }
}

/// Returns where the rating was asked from.
fn go_back(ctx: Ctx, back: BackTo, ward: String) {
    match back {
        BackTo::Hub => ctx.go(Screen::Voice(VoiceScreen::Hub)),
        BackTo::Score => ctx.go(Screen::Voice(VoiceScreen::WardScore(ward))),
        BackTo::Dossier(id) => ctx.go(Screen::Dossiers(DossierScreen::One(id))),
        BackTo::Report(id) => ctx.go(Screen::Report(id)),
        BackTo::Map => ctx.go(Screen::Map(MapScreen::Browse { list: false })),
        BackTo::Ward => spawn_local(async move {
            match bridge::get_ward(&ward).await {
                Ok(w) => ctx.go(Screen::Ward(w)),
                Err(_) => ctx.go(Screen::Voice(VoiceScreen::Hub)),
            }
        }),
    }
}

/// One element: a radio group with its legend, the three answers as big targets.
fn element(ctx: Ctx, i: usize, e: Element, answers: RwSignal<[Option<Answer>; 5]>) -> AnyView {
    let group = format!("rate-{}", e.as_str());
    view! {
        <fieldset class="question" id=group.clone()>
            <legend>
                <span>{ctx.t(e.message_key())}</span>
                <span class="hint muted">" — "{ctx.t(hint_key(e))}</span>
            </legend>
            {Answer::ALL.into_iter().map(|a| {
                let id = format!("{group}-{}", a.as_str());
                let name = group.clone();
                view! {
                    <div class="choice big">
                        <input type="radio" name=name id=id.clone() value=a.as_str()
                            prop:checked=move || answers.with(|v| v[i] == Some(a))
                            on:change=move |_| answers.update(|v| v[i] = Some(a))/>
                        <label for=id>{ctx.t(a.message_key())}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
    .into_any()
}

/// Where this month's rating is, in words true to what the app did.
fn outcome(ctx: Ctx, c: &MyRatingDto) -> AnyView {
    let month = month_text(c.counted_month.as_deref().unwrap_or(&c.given_month));
    let (class, text) = match c.state {
        RatingState::Queued => ("notice", ctx.t("rate_ward.saved_queued").to_owned()),
        RatingState::Counted => ("ok", ctx.t_with("rate_ward.counted", &[("month", &month)])),
        RatingState::AlreadyCounted => (
            "notice",
            ctx.t_with("rate_ward.already_counted", &[("month", &month)]),
        ),
        RatingState::NeedsAttention => (
            "problem",
            format!(
                "{} {}",
                ctx.t(c.state.message_key()),
                c.refusal
                    .map(|r| ctx.t(r.message_key()))
                    .unwrap_or_default()
            ),
        ),
    };
    view! {
        <div class=class id="rate-outcome" role="status" data-state=c.state.as_str()><p>{text}</p></div>
    }
    .into_any()
}
