//! The city's surveys: the list (open ones with when they close and whether the citizen
//! answered, then those they answered), one survey as a form — a radio group, checkboxes, a 1–5
//! scale with words at both ends, a text box with its limit — with every problem next to its
//! question and one summary naming them that screen readers announce, "saved, will be sent" and "counted" as the city answers, and the results once
//! published (counts and shares as text with simple bars; free texts never shown).

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::survey::answer::Response;
use model::survey::results::{ChoiceCount, QuestionResult, SurveyResults};
use model::survey::{Bilingual, Question, QuestionKind, SCALE_POINTS, Survey};
use model::voice_dto::{AnswerOutcome, AnswerProblem, AnswerStatus, SurveyBrief, SurveyDetailDto};

use super::city::{Back, Shown, pulled, pulled_list};
use crate::bridge;
use crate::format::{city_date, city_time, fixed};
use crate::screens::feedback::SyncNow;
use crate::state::{Ctx, Screen, VoiceScreen, use_ctx};

fn status_tag(a: &AnswerStatus) -> &'static str {
    match a {
        AnswerStatus::NotYet => "not_yet",
        AnswerStatus::Saved => "saved",
        AnswerStatus::Counted { .. } => "counted",
        AnswerStatus::Refused { .. } => "refused",
    }
}

/// The answer's state in words: when counted, when.
fn status_text(ctx: Ctx, a: &AnswerStatus) -> String {
    match a {
        AnswerStatus::Counted { at } => {
            ctx.t_with("voice.answer.counted_at", &[("time", &city_time(at))])
        }
        other => ctx.t(other.message_key()).to_owned(),
    }
}

#[component]
pub fn SurveyList() -> impl IntoView {
    let ctx = use_ctx();
    let (list, problem) = pulled(bridge::city_voice::surveys);
    let shown = move || {
        list.get().map(|l| Shown {
            no_ward: l.no_ward,
            pulled_at: l.pulled_at,
            lines: (!l.surveys.is_empty()).then(|| {
                l.surveys
                    .into_iter()
                    .map(|s| view! { <SurveyLine survey=s/> })
                    .collect_view()
                    .into_any()
            }),
        })
    };
    view! {
        <section class="screen surveys" id="surveys">
            <h1>{move || ctx.t("voice.surveys.title")}</h1>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            // Asks the city now instead of at the next round (the list reloads as answers come).
            <SyncNow/>
            {pulled_list(("no-surveys", "voice.surveys.empty"), shown)}
            <Back to=VoiceScreen::Hub/>
        </section>
    }
}

#[component]
fn SurveyLine(survey: SurveyBrief) -> impl IntoView {
    let ctx = use_ctx();
    let s = survey;
    let id = s.id;
    let title = s.title.clone();
    let closes = city_date(&s.closes_at);
    let answer = s.answer.clone();
    let tag = status_tag(&answer);
    let open = s.takes_answers;
    let results = s.has_results;
    view! {
        <li>
            <button class="report-line" id=format!("survey-{id}") data-answer=tag
                on:click=move |_| ctx.go(Screen::Voice(VoiceScreen::Survey(id)))>
                <span class="name">{move || title.get(ctx.lang()).to_owned()}</span>
                <span class="meta">
                    <span class="chip status">{move || status_text(ctx, &answer)}</span>
                    {open.then(|| view! {
                        <span class="chip">{move || ctx.t_with("voice.survey.closes_on", &[("date", &closes)])}</span>
                    })}
                    {(!open).then(|| view! {
                        <span class="chip">{move || ctx.t(if results { "voice.survey.results_ready" } else { "voice.survey.closed" })}</span>
                    })}
                </span>
            </button>
        </li>
    }
}

#[component]
pub fn SurveyView(id: i64) -> impl IntoView {
    let (detail, problem) = pulled(move || bridge::city_voice::survey(id));
    // The form is built once the survey arrives, not again on each answer's state (what is
    // being typed stays).
    let arrived = Memo::new(move |_| detail.with(|d| d.as_ref().map(|d| d.survey.id)));
    view! {
        <section class="screen survey" id="survey">
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            {move || arrived.get().map(|_| view! { <SurveyBody detail=detail/> })}
            <Back to=VoiceScreen::Surveys/>
        </section>
    }
}

#[component]
fn SurveyBody(detail: RwSignal<Option<SurveyDetailDto>>) -> impl IntoView {
    let ctx = use_ctx();
    let Some(first) = detail.get_untracked() else {
        return ().into_any();
    };
    let survey = first.survey.clone();
    let id = survey.id;
    let responses = RwSignal::new(first.responses.clone());
    let problems = RwSignal::new(Vec::<AnswerProblem>::new());
    let failed = RwSignal::new(None::<&'static str>);
    let saving = RwSignal::new(false);
    let can_answer = move || detail.with(|d| d.as_ref().is_some_and(|d| d.can_answer));
    let status = move || detail.with(|d| d.as_ref().map(|d| d.answer.clone()));
    let title = survey.title.clone();
    let closes = city_date(&rfc(&survey));
    let save_draft = move || {
        let now = responses.get_untracked();
        spawn_local(async move {
            let _ = bridge::city_voice::save_draft(id, now).await;
        });
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saving.set(true);
        let now = responses.get_untracked();
        spawn_local(async move {
            match bridge::city_voice::answer(id, now).await {
                Ok(AnswerOutcome::Saved { detail: d }) => {
                    problems.set(Vec::new());
                    failed.set(None);
                    detail.set(Some(*d));
                }
                Ok(AnswerOutcome::Problems { problems: p }) => problems.set(p),
                Err(err) => failed.set(Some(ctx.error_text(&err))),
            }
            saving.set(false);
        });
    };
    let questions = survey
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| question(ctx, i + 1, q.clone(), responses, problems, save_draft))
        .collect_view();
    let results = move || detail.with(|d| d.as_ref().and_then(|d| d.results.clone()));
    let qs = survey.questions.clone();
    view! {
        <h1>{move || title.get(ctx.lang()).to_owned()}</h1>
        <p class="muted">{move || detail.with(|d| d.as_ref().map(|d| ctx.t(d.survey.state.message_key())))}" · "
            {move || ctx.t_with("voice.survey.closes_on", &[("date", &closes)])}</p>
        <p id="answer-state" role="status" data-answer=move || status().as_ref().map(status_tag)>
            {move || status().map(|a| status_text(ctx, &a))}
        </p>
        {move || results().map(|r| view! { <Results questions=qs.clone() results=r/> })}
        <form class="survey-form" on:submit=send novalidate=true>
            <fieldset prop:disabled=move || !can_answer()>
                <legend>{move || ctx.t("voice.survey.questions")}</legend>
                {questions}
            </fieldset>
            {move || (!can_answer()).then(|| view! {
                <p class="muted" id="no-answer-now">{move || ctx.t("voice.survey.no_answer_now")}</p>
            })}
            <p class="error" role="alert">{move || failed.get().unwrap_or_default()}</p>
            // One announcement for all the problems; each is also under its own question.
            <p class="error" id="answer-problems" role="alert">{move || problems_text(ctx, &problems.get())}</p>
            <button type="submit" id="send-answer" class="primary wide" prop:disabled=move || saving.get() || !can_answer()>
                {move || ctx.t(if matches!(status(), Some(AnswerStatus::Counted { .. } | AnswerStatus::Saved)) { "voice.survey.change" } else { "voice.survey.send" })}
            </button>
            <p class="muted">{move || ctx.t("voice.survey.send_note")}</p>
        </form>
    }
    .into_any()
}

fn rfc(s: &Survey) -> String {
    s.closes_at.to_rfc3339()
}

/// "Please check question(s) 1, 3", and a problem of no single question in its own words.
fn problems_text(ctx: Ctx, problems: &[AnswerProblem]) -> String {
    let numbered: Vec<String> = problems
        .iter()
        .filter(|p| p.question > 0)
        .map(|p| p.question.to_string())
        .collect();
    let mut text = if numbered.is_empty() {
        String::new()
    } else {
        ctx.t_with("voice.survey.problems", &[("list", &numbered.join(", "))])
    };
    for p in problems.iter().filter(|p| p.question == 0) {
        text.push(' ');
        text.push_str(ctx.t(&p.message_key));
    }
    text
}

/// One question as its control, with its problem under it.
fn question(
    ctx: Ctx,
    n: usize,
    q: Question,
    responses: RwSignal<Vec<Option<Response>>>,
    problems: RwSignal<Vec<AnswerProblem>>,
    save_draft: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let id = format!("q{n}");
    let error_id = format!("q{n}-error");
    let prompt = q.prompt.clone();
    let required = q.required;
    let get = move || responses.with(|r| r.get(n - 1).cloned().flatten());
    let set = move |value: Option<Response>| {
        responses.update(|r| {
            if r.len() < n {
                r.resize(n, None);
            }
            r[n - 1] = value;
        });
        save_draft();
    };
    let error = {
        let error_id = error_id.clone();
        move || {
            view! {
                <p class="error" id=error_id.clone()>
                    {move || problems.with(|ps| ps.iter().find(|p| p.question == n).map(|p| ctx.t(&p.message_key)))}
                </p>
            }
        }
    };
    let hint = q.kind.message_key();
    let legend = move || {
        let prompt = prompt.clone();
        view! {
            <span>{move || prompt.get(ctx.lang()).to_owned()}{required.then(|| view! { <span class="required">" *"</span> })}</span>
            " "
            <span class="tile-hint">{move || ctx.t(hint)}</span>
        }
    };
    match q.kind.clone() {
        QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices } => {
            let multi = matches!(q.kind, QuestionKind::MultipleChoice { .. });
            let options = choices
                .into_iter()
                .enumerate()
                .map(|(c, label)| {
                    let c = u8::try_from(c + 1).unwrap_or(u8::MAX);
                    let oid = format!("{id}-{c}");
                    let checked = move || match get() {
                        Some(Response::Choice(x)) => x == c,
                        Some(Response::Choices(xs)) => xs.contains(&c),
                        _ => false,
                    };
                    let change = move |_| {
                        let next = if multi {
                            let mut xs = match get() {
                                Some(Response::Choices(xs)) => xs,
                                _ => Vec::new(),
                            };
                            if let Some(i) = xs.iter().position(|x| *x == c) {
                                xs.remove(i);
                            } else {
                                xs.push(c);
                            }
                            (!xs.is_empty()).then_some(Response::Choices(xs))
                        } else {
                            Some(Response::Choice(c))
                        };
                        set(next);
                    };
                    view! {
                        <div class="choice">
                            <input type=if multi { "checkbox" } else { "radio" } name=id.clone() id=oid.clone()
                                prop:checked=checked on:change=change/>
                            <label for=oid>{move || label.get(ctx.lang()).to_owned()}</label>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="question" id=id.clone() aria-describedby=error_id.clone()>
                    <legend>{legend()}</legend>
                    {options}
                    {error()}
                </fieldset>
            }
            .into_any()
        }
        QuestionKind::Scale { low, high } => {
            let points = (1..=SCALE_POINTS)
                .map(|p| {
                    let oid = format!("{id}-{p}");
                    let words = scale_words(p, &low, &high);
                    view! {
                        <div class="choice scale-point">
                            <input type="radio" name=id.clone() id=oid.clone()
                                prop:checked=move || get() == Some(Response::Scale(p))
                                on:change=move |_| set(Some(Response::Scale(p)))/>
                            <label for=oid>
                                <span class="scale-number">{p}</span>
                                {words.map(|w| view! { <span>" – "{move || w.get(ctx.lang()).to_owned()}</span> })}
                            </label>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="question scale" id=id.clone() aria-describedby=error_id.clone()>
                    <legend>{legend()}</legend>
                    <div class="scale-points">{points}</div>
                    {error()}
                </fieldset>
            }
            .into_any()
        }
        QuestionKind::ShortText { max_chars } => {
            let text = move || match get() {
                Some(Response::Text(t)) => t,
                _ => String::new(),
            };
            let hint_id = format!("{id}-hint");
            let max = max_chars.to_string();
            view! {
                <div class="question" id=id.clone()>
                    <label for=format!("{id}-text") class="field-label">{legend()}</label>
                    <textarea id=format!("{id}-text") maxlength=max_chars rows="3"
                        aria-describedby=format!("{hint_id} {error_id}")
                        prop:value=text
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set((!v.trim().is_empty()).then_some(Response::Text(v)));
                        }></textarea>
                    <p class="muted" id=hint_id>{move || ctx.t_with("voice.survey.text_limit", &[("max", &max)])}</p>
                    {error()}
                </div>
            }
            .into_any()
        }
    }
}

/// The words of the scale's ends: 1 says what `low` means, 5 what `high` means.
fn scale_words(p: u8, low: &Bilingual, high: &Bilingual) -> Option<Bilingual> {
    if p == 1 {
        Some(low.clone())
    } else if p == SCALE_POINTS {
        Some(high.clone())
    } else {
        None
    }
}

fn percent(share: Option<f64>) -> Option<String> {
    // Whole percents, written from an integer (float formatting costs wasm).
    share.map(|s| format!("{} %", (s * 100.0).round() as i64))
}

/// One count as text and a bar (the bar says nothing the text does not).
fn bar(ctx: Ctx, label: String, count: u64, share: Option<f64>) -> impl IntoView {
    let width = share.map_or(0, |s| (s * 100.0).round().clamp(0.0, 100.0) as i64);
    let text = percent(share);
    view! {
        <li class="result-line">
            <span class="result-label">{label}": "</span>
            <strong class="result-count">
                {move || ctx.t_with("voice.results.count", &[("count", &count.to_string())])}
                {text.clone().map(|t| format!(" · {t}"))}
            </strong>
            <div><meter class="result-bar" aria-hidden="true" min="0" max="100" value=width></meter></div>
        </li>
    }
}

#[component]
fn Results(questions: Vec<Question>, results: SurveyResults) -> impl IntoView {
    let ctx = use_ctx();
    let respondents = results.respondents.to_string();
    let lines = questions
        .into_iter()
        .zip(results.questions)
        .enumerate()
        .map(|(i, (q, r))| {
            let prompt = q.prompt.clone();
            let body = match (&q.kind, r) {
                (
                    QuestionKind::SingleChoice { choices }
                    | QuestionKind::MultipleChoice { choices },
                    QuestionResult::SingleChoice {
                        choices: counts, ..
                    }
                    | QuestionResult::MultipleChoice {
                        choices: counts, ..
                    },
                ) => {
                    let items = choices
                        .iter()
                        .zip(counts)
                        .map(|(label, ChoiceCount { count, share })| {
                            bar(ctx, label.get(ctx.lang()).to_owned(), count, share)
                        })
                        .collect_view();
                    view! { <ul class="results">{items}</ul> }.into_any()
                }
                (
                    QuestionKind::Scale { low, high },
                    QuestionResult::Scale {
                        answered,
                        counts,
                        mean,
                    },
                ) => {
                    let items = counts
                        .iter()
                        .enumerate()
                        .map(|(p, count)| {
                            let point = u8::try_from(p + 1).unwrap_or(u8::MAX);
                            let words = scale_words(point, low, high)
                                .map(|w| format!("{point} – {}", w.get(ctx.lang())))
                                .unwrap_or_else(|| point.to_string());
                            let share = (answered > 0).then(|| *count as f64 / answered as f64);
                            bar(ctx, words, *count, share)
                        })
                        .collect_view();
                    // Written as each language writes decimals: 3,8 in Vietnamese, 3.8 in English.
                    let mean = mean.map(|m| {
                        let m = fixed(m, 1);
                        if ctx.lang() == model::Language::Vi {
                            m.replace('.', ",")
                        } else {
                            m
                        }
                    });
                    view! {
                        <ul class="results">{items}</ul>
                        <p>{move || match &mean {
                            Some(m) => ctx.t_with("voice.results.mean", &[("mean", m)]),
                            None => ctx.t("voice.results.no_mean").to_owned(),
                        }}</p>
                    }
                    .into_any()
                }
                (_, QuestionResult::ShortText { answered }) => {
                    let n = answered.to_string();
                    view! { <p>{move || ctx.t_with("voice.results.texts", &[("count", &n)])}</p> }
                        .into_any()
                }
                _ => view! { <p>{move || ctx.t("voice.results.not_available")}</p> }.into_any(),
            };
            view! {
                <div class="card result" id=format!("result-{}", i + 1)>
                    <h3>{move || prompt.get(ctx.lang()).to_owned()}</h3>
                    {body}
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="survey-results" id="survey-results" aria-labelledby="results-heading">
            <h2 id="results-heading">{move || ctx.t("voice.results.title")}</h2>
            <p id="respondents">{move || ctx.t_with("voice.results.respondents", &[("count", &respondents)])}</p>
            {lines}
        </section>
    }
}
