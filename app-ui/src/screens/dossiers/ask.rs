//! The procedures guide's first page: one question box answered from the data on the device (a
//! procedure, a tracked dossier or a feedback field, each with where it comes from; the 1022
//! form when nothing fits), then every procedure of the guide.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::ask::{Answer, AnswerKind, Match, Origin};
use model::draft::{FormStep, Step};
use model::guide::Guide;

use super::day_text;
use crate::state::{Ctx, DossierScreen, Screen, use_ctx};
use crate::{bridge, load};

/// Wait this long after the last keystroke before asking.
const DEBOUNCE: Duration = Duration::from_millis(250);

#[component]
pub fn GuideHome() -> impl IntoView {
    let ctx = use_ctx();
    let query = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<Answer>);
    let guide = RwSignal::new(None::<Guide>);
    let problem = RwSignal::new(None::<&'static str>);
    load::latest(
        move || asked.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                bridge::dossiers::ask(&q).await.map(Some)
            }
        },
        move |a| match a {
            Ok(a) => answer.set(a),
            Err(err) => problem.set(Some(ctx.error_text(&err))),
        },
    );
    spawn_local(async move {
        match bridge::dossiers::procedure_guide().await {
            Ok(g) => guide.set(Some(g)),
            Err(err) => problem.set(Some(ctx.error_text(&err))),
        }
    });
    let on_input = crate::debounce::settled_input(query, asked, DEBOUNCE);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        asked.set(query.get_untracked());
    };
    view! {
        <section class="screen guide">
            <button class="secondary back" on:click=move |_| ctx.go(Screen::Dossiers(DossierScreen::Mine))>{move || ctx.t("nav.back")}</button>
            <h1>{move || ctx.t("guide.title")}</h1>
            <form role="search" on:submit=submit>
                <label for="ask-input" class="field-label">{move || ctx.t("ask.label")}</label>
                <input id="ask-input" type="search" autocomplete="off" enterkeyhint="search" aria-describedby="ask-said"
                    placeholder=move || ctx.t("ask.placeholder") prop:value=move || query.get() on:input=on_input/>
                <button id="ask-submit" type="submit" class="primary">{move || ctx.t("ask.submit")}</button>
            </form>
            <div id="ask-said" aria-live="polite">{move || answer.get().map(|a| said(ctx, a))}</div>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            <h2 id="procedures-heading">{move || ctx.t("guide.procedures")}</h2>
            {move || guide.get().map(|g| procedures(ctx, g))}
        </section>
    }
}

/// The answer: what fits, or that nothing does (with the 1022 form), or what to type.
fn said(ctx: Ctx, a: Answer) -> AnyView {
    let head = view! { <p id="ask-head" data-kind=kind_tag(&a)><strong>{ctx.t(a.message_key())}</strong></p> };
    match a {
        Answer::Found(matches) => view! {
            {head}
            <ul class="results" id="ask-results">
                {matches.into_iter().map(|m| result(ctx, m)).collect_view()}
            </ul>
        }
        .into_any(),
        Answer::NothingFits => view! {
            {head}
            <button id="ask-feedback" class="primary" on:click=move |_| ctx.go(Screen::Feedback)>{ctx.t("ask.offer_feedback")}</button>
        }
        .into_any(),
        Answer::AskedNothing => head.into_any(),
    }
}

fn kind_tag(a: &Answer) -> &'static str {
    match a {
        Answer::Found(_) => "found",
        Answer::NothingFits => "nothing-fits",
        Answer::AskedNothing => "asked-nothing",
    }
}

/// One answer: its title, what kind of item it is, and where it comes from.
fn result(ctx: Ctx, m: Match) -> impl IntoView {
    let lang = ctx.lang();
    let source = match &m.origin {
        Origin::Guide { as_of, basis } => {
            let texts: Vec<&str> = basis.iter().map(|b| b.get(lang)).collect();
            let head = ctx.t_with(m.origin.message_key(), &[("date", &day_text(as_of))]);
            if texts.is_empty() {
                head
            } else {
                format!("{head}: {}", texts.join("; "))
            }
        }
        Origin::FeedbackCatalog { jurisdiction } => {
            format!("{} ({jurisdiction})", ctx.t(m.origin.message_key()))
        }
        Origin::TrackedDossier => ctx.t(m.origin.message_key()).to_owned(),
    };
    let title = m.title.get(lang).to_owned();
    let kind = m.kind;
    let id = m.id;
    view! {
        <li>
            <button class="ward-result" data-kind=kind.message_key() on:click=move |_| open(ctx, kind, id.clone())>
                <span class="name">{title}</span>
                <span class="meta">{ctx.t(kind.message_key())}</span>
                <span class="meta">{source}</span>
            </button>
        </li>
    }
}

/// Opens what an answer names: a procedure's page, the tracked dossier, or the feedback form on
/// that field.
fn open(ctx: Ctx, kind: AnswerKind, id: String) {
    match kind {
        AnswerKind::Procedure => ctx.go(Screen::Dossiers(DossierScreen::Procedure(id))),
        AnswerKind::Dossier => spawn_local(async move {
            let found = bridge::dossiers::my_dossiers()
                .await
                .ok()
                .and_then(|l| l.into_iter().find(|d| d.code == id));
            ctx.go(Screen::Dossiers(match found {
                Some(d) => DossierScreen::One(d.id),
                None => DossierScreen::Mine,
            }));
        }),
        AnswerKind::FeedbackField => spawn_local(async move {
            if start_report_in(&id).await {
                ctx.form.reload();
                ctx.go(Screen::NewReport(FormStep::Fill(Step::Category)));
            } else {
                ctx.go(Screen::Feedback);
            }
        }),
    }
}

/// Puts the feedback field in the draft, unless the draft being written has another one (the
/// citizen's words are never changed behind their back). Whether the form may open on it.
async fn start_report_in(code: &str) -> bool {
    let Ok(d) = bridge::feedback::get_draft().await else {
        return false;
    };
    let mut draft = d.draft;
    match draft.service_code.as_deref() {
        Some(c) if c == code => true,
        Some(_) => false,
        None => {
            draft.answers.clear();
            draft.service_code = Some(code.to_owned());
            bridge::feedback::save_draft(&draft).await.is_ok()
        }
    }
}

/// Every procedure of the guide, with its field.
fn procedures(ctx: Ctx, g: Guide) -> impl IntoView {
    let lang = ctx.lang();
    view! {
        <ul class="results" aria-labelledby="procedures-heading" id="procedure-list">
            {g.procedures.into_iter().map(|p| {
                let id = p.id.clone();
                view! {
                    <li>
                        <button class="ward-result" id=format!("procedure-{}", p.id)
                            on:click=move |_| ctx.go(Screen::Dossiers(DossierScreen::Procedure(id.clone())))>
                            <span class="name">{p.name.get(lang).to_owned()}</span>
                            <span class="meta">{ctx.t(p.field.message_key())}</span>
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
