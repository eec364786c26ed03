//! The report form, one step per screen (a small phone shows one question at a time): what it is
//! about, what happened (with photos), where, who (or anonymous), then a review with "is this
//! yours?". Every change is saved as a draft shortly after typing stops; "Send" answers only
//! once the report is on disk.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::draft::{Draft, DraftProblem, Identity, PlaceMode, Step};
use model::feedback::{MAX_PHOTOS, PhotoPurpose};
use model::report_dto::{Nearby, PhotoDto, SubmitAnswer};
use model::service::{Attribute, Datatype};
use model::{ErrorDto, Ward};

use super::{ensure_catalog, service, service_label};
use crate::bridge;
use crate::screens::wards::fixed;
use crate::state::{Ctx, FormStep, Screen, use_ctx};

/// Wait this long after the last keystroke before saving the draft.
const SAVE_AFTER: Duration = Duration::from_millis(400);

/// The draft on screen, its photos, and whether the last change is on disk. One for the whole
/// app (in `Ctx`): the steps share it, so moving between them never waits for the disk, and
/// saves go out one at a time so an older one can never land after a newer one.
#[derive(Clone, Copy)]
pub struct Form {
    draft: RwSignal<Option<Draft>>,
    photos: RwSignal<Vec<PhotoDto>>,
    /// Bumped on every edit; a save only reports "saved" for the latest edit.
    edits: StoredValue<u32>,
    saved: RwSignal<bool>,
    problem: RwSignal<Option<String>>,
    in_flight: StoredValue<bool>,
    dirty: StoredValue<bool>,
}

impl Form {
    pub fn new() -> Self {
        Self {
            draft: RwSignal::new(None),
            photos: RwSignal::new(Vec::new()),
            edits: StoredValue::new(0),
            saved: RwSignal::new(true),
            problem: RwSignal::new(None),
            in_flight: StoredValue::new(false),
            dirty: StoredValue::new(false),
        }
    }

    /// Forgets what is in memory: the next form screen reads the draft from the shell (after
    /// sending, after "fix and resend", when coming from the hub).
    pub fn reload(self) {
        self.draft.set(None);
    }

    fn load_if_needed(self, ctx: Ctx) {
        if self.draft.with_untracked(Option::is_some) {
            return;
        }
        spawn_local(async move {
            match bridge::feedback::get_draft().await {
                Ok(d) => {
                    self.photos.set(d.photos);
                    self.draft.set(Some(d.draft));
                    self.saved.set(true);
                }
                Err(err) => self.problem.set(Some(ctx.error_text(&err).to_owned())),
            }
        });
    }

    fn edit(self, ctx: Ctx, f: impl FnOnce(&mut Draft)) {
        self.draft.update(|d| {
            if let Some(d) = d {
                f(d);
            }
        });
        self.saved.set(false);
        self.edits.update_value(|n| *n += 1);
        let mine = self.edits.get_value();
        set_timeout(
            move || {
                if self.edits.get_value() == mine {
                    self.save_now(ctx);
                }
            },
            SAVE_AFTER,
        );
    }

    fn save_now(self, ctx: Ctx) {
        if self.in_flight.get_value() {
            self.dirty.set_value(true);
            return;
        }
        let Some(draft) = self.draft.get_untracked() else {
            return;
        };
        self.in_flight.set_value(true);
        let mine = self.edits.get_value();
        spawn_local(async move {
            let result = bridge::feedback::save_draft(&draft).await;
            self.in_flight.set_value(false);
            if let Err(err) = &result {
                self.problem.set(Some(ctx.error_text(err).to_owned()));
            }
            if self.dirty.get_value() {
                self.dirty.set_value(false);
                self.save_now(ctx);
            } else if result.is_ok() && self.edits.get_value() == mine {
                self.saved.set(true);
            }
        });
    }

    /// Waits until what is on screen is on disk (before checking or sending it).
    async fn flush(self) -> Result<(), ErrorDto> {
        while self.in_flight.get_value() {
            crate::geo::sleep(20).await;
        }
        match self.draft.get_untracked() {
            Some(draft) => {
                bridge::feedback::save_draft(&draft).await?;
                self.saved.set(true);
                Ok(())
            }
            None => Ok(()),
        }
    }
}

fn steps() -> [FormStep; 5] {
    [
        FormStep::Category,
        FormStep::Details,
        FormStep::Place,
        FormStep::Contact,
        FormStep::Review,
    ]
}

fn step_of(step: Step) -> FormStep {
    match step {
        Step::Category => FormStep::Category,
        Step::Details => FormStep::Details,
        Step::Place => FormStep::Place,
        Step::Contact => FormStep::Contact,
    }
}

fn problem_text(ctx: Ctx, p: &DraftProblem) -> String {
    let key = format!("draft.problem.{}", p.reason);
    ctx.lookup(&key)
        .unwrap_or_else(|| ctx.t("draft.problem.other"))
        .to_owned()
}

#[component]
pub fn ReportForm(step: FormStep) -> impl IntoView {
    let ctx = use_ctx();
    ensure_catalog(ctx);
    let form = ctx.form;
    form.load_if_needed(ctx);
    let index = steps().iter().position(|s| *s == step).unwrap_or(0);
    let go = move |s: FormStep| {
        // Leaving a step saves at once: nothing typed waits on a timer.
        form.save_now(ctx);
        ctx.go(Screen::NewReport(s));
    };
    let prev = (index > 0).then(|| steps()[index - 1]);
    let next = steps().get(index + 1).copied();
    // Re-created when the draft arrives, not on every keystroke.
    let loaded = Memo::new(move |_| form.draft.with(Option::is_some));
    let body = move || match loaded.get() {
        false => view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any(),
        true => match step {
            FormStep::Category => {
                view! { <CategoryStep form=form on_chosen=move || go(FormStep::Details)/> }
                    .into_any()
            }
            FormStep::Details => view! { <DetailsStep form=form/> }.into_any(),
            FormStep::Place => view! { <PlaceStep form=form/> }.into_any(),
            FormStep::Contact => view! { <ContactStep form=form/> }.into_any(),
            FormStep::Review => view! { <ReviewStep form=form go=go/> }.into_any(),
        },
    };
    view! {
        <section class="screen report-form" id=format!("form-{}", step.stem())>
            <button class="secondary back" on:click=move |_| { form.save_now(ctx); ctx.go(Screen::Feedback) }>{move || ctx.t("nav.back")}</button>
            <p class="step-count" id="step-count">{move || ctx.t_with("form.step", &[("n", &(index + 1).to_string()), ("total", "5")])}</p>
            <h1>{move || ctx.t(&format!("form.{}", step.stem()))}</h1>
            {body}
            <p class="error" role="alert">{move || form.problem.get().unwrap_or_default()}</p>
            <p class="muted saved-state" role="status" id="draft-state">
                {move || if form.saved.get() { ctx.t("form.draft_saved") } else { ctx.t("form.draft_saving") }}
            </p>
            <div class="form-nav">
                {prev.map(|p| view! { <button id="step-prev" class="secondary" on:click=move |_| go(p)>{move || ctx.t("form.prev")}</button> })}
                {next.map(|n| view! { <button id="step-next" class="primary" on:click=move |_| go(n)>{move || ctx.t("form.next")}</button> })}
            </div>
        </section>
    }
}

#[component]
fn CategoryStep(form: Form, on_chosen: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ctx = use_ctx();
    let query = RwSignal::new(String::new());
    let codes = RwSignal::new(Vec::<String>::new());
    let search = move |q: String| {
        spawn_local(async move {
            if let Ok(found) = bridge::feedback::search_services(&q).await
                && query.get_untracked() == q
            {
                codes.set(found);
            }
        });
    };
    search(String::new());
    let chosen = move || {
        form.draft
            .with(|d| d.as_ref().and_then(|d| d.service_code.clone()))
    };
    let choose = move |code: String| {
        form.edit(ctx, |d| {
            if d.service_code.as_deref() != Some(code.as_str()) {
                d.answers.clear();
            }
            d.service_code = Some(code);
        });
        on_chosen();
    };
    view! {
        <label for="service-search" class="field-label">{move || ctx.t("form.category_search")}</label>
        <input id="service-search" type="search" autocomplete="off" spellcheck="false"
            placeholder=move || ctx.t("form.category_placeholder")
            prop:value=move || query.get()
            on:input=move |ev| { let q = event_target_value(&ev); query.set(q.clone()); search(q); }/>
        <ul class="service-list" aria-label=move || ctx.t("form.category")>
            {move || codes.get().into_iter().map(|code| {
                let c2 = code.clone();
                let pressed = move || (chosen().as_deref() == Some(c2.as_str())).to_string();
                let (icon, name, hint, triage) = ctx.catalog.with(|cat| match service(cat, &code) {
                    Some(s) => (s.icon.clone(), s.name.get(ctx.lang()).to_owned(), s.description.get(ctx.lang()).to_owned(), s.triage),
                    None => (String::new(), code.clone(), String::new(), false),
                });
                let id = format!("service-{code}");
                let code = code.clone();
                view! {
                    <li>
                        <button id=id class=if triage { "service triage" } else { "service" } aria-pressed=pressed on:click=move |_| choose(code.clone())>
                            <span class="icon" aria-hidden="true">{icon}</span>
                            <span class="service-text">
                                <span class="name">{name}</span>
                                <span class="hint">{hint}</span>
                            </span>
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// One question of the category (Open311 attribute).
fn question(ctx: Ctx, form: Form, a: Attribute) -> impl IntoView {
    let code = a.code.clone();
    let id = format!("attr-{code}");
    let label = a.description.get(ctx.lang()).to_owned();
    let required = a.required;
    let values = move |code: &str| {
        form.draft
            .with(|d| d.as_ref().and_then(|d| d.answers.get(code).cloned()))
            .unwrap_or_default()
    };
    let legend = view! { <span>{label.clone()}{required.then(|| view! { <span class="required">" *"</span> })}</span> };
    match a.datatype {
        Datatype::Singlevaluelist | Datatype::Multivaluelist => {
            let multi = a.datatype == Datatype::Multivaluelist;
            let options = a
                .values
                .iter()
                .map(|v| {
                    let key = v.key.clone();
                    let oid = format!("{id}-{}", v.key);
                    let code = code.clone();
                    let k2 = key.clone();
                    let c2 = code.clone();
                    view! {
                        <div class="choice">
                            <input type=if multi { "checkbox" } else { "radio" } name=id.clone() id=oid.clone()
                                prop:checked=move || values(&c2).contains(&k2)
                                on:change=move |_| {
                                    let key = key.clone();
                                    let code = code.clone();
                                    form.edit(ctx, move |d| {
                                        let list = d.answers.entry(code).or_default();
                                        if !multi {
                                            *list = vec![key];
                                        } else if let Some(i) = list.iter().position(|k| *k == key) {
                                            list.remove(i);
                                        } else {
                                            list.push(key);
                                        }
                                    });
                                }/>
                            <label for=oid>{v.name.get(ctx.lang()).to_owned()}</label>
                        </div>
                    }
                })
                .collect_view();
            view! { <fieldset class="question"><legend>{legend}</legend>{options}</fieldset> }
                .into_any()
        }
        datatype => {
            let kind = match datatype {
                Datatype::Number => "number",
                _ => "text",
            };
            let c2 = code.clone();
            view! {
                <div class="question">
                    <label for=id.clone() class="field-label">{legend}</label>
                    <input id=id type=kind inputmode=if kind == "number" { "decimal" } else { "text" }
                        prop:value=move || values(&c2).first().cloned().unwrap_or_default()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            let code = code.clone();
                            form.edit(ctx, move |d| { d.answers.insert(code, vec![v]); });
                        }/>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn DetailsStep(form: Form) -> impl IntoView {
    let ctx = use_ctx();
    // Memos: the questions are re-created only when the category changes, not on each keystroke.
    let chosen_code = Memo::new(move |_| {
        form.draft
            .with(|d| d.as_ref().and_then(|d| d.service_code.clone()))
    });
    let questions = move || {
        let code = chosen_code.get()?;
        let mut attrs = ctx
            .catalog
            .with(|c| service(c, &code).map(|s| s.attributes.clone()))?;
        attrs.sort_by_key(|a| a.order);
        Some(
            attrs
                .into_iter()
                .map(|a| question(ctx, form, a))
                .collect_view(),
        )
    };
    let chosen = move || {
        chosen_code
            .get()
            .map(|c: String| service_label(ctx, &c))
            .unwrap_or_default()
    };
    let description = move || {
        form.draft.with(|d| {
            d.as_ref()
                .map(|d| d.description.clone())
                .unwrap_or_default()
        })
    };
    let left = move || {
        form.draft
            .with(|d| d.as_ref().map(Draft::description_left).unwrap_or(0))
    };
    view! {
        <p class="chosen" id="chosen-service">{chosen}</p>
        {questions}
        <label for="description" class="field-label">{move || ctx.t("form.description")}<span class="required">" *"</span></label>
        <p id="description-hint" class="muted">{move || ctx.t("form.description_hint")}</p>
        <textarea id="description" rows="5" aria-describedby="description-hint description-left"
            prop:value=description
            on:input=move |ev| { let v = event_target_value(&ev); form.edit(ctx, move |d| d.description = v); }></textarea>
        <p id="description-left" class=move || if left() < 0 { "count error" } else { "count muted" } aria-live="polite">
            {move || ctx.t_with("form.chars_left", &[("n", &left().to_string())])}
        </p>
        <Photos purpose=PhotoPurpose::Report photos=form.photos/>
    }
}

/// Photos: camera where the platform has one, else the file picker. Each is shrunk and stripped
/// by the shell before it is shown here.
#[component]
pub fn Photos(purpose: PhotoPurpose, photos: RwSignal<Vec<PhotoDto>>) -> impl IntoView {
    let ctx = use_ctx();
    let problem = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(0u32);
    let input = NodeRef::<leptos::html::Input>::new();
    let on_change = move |_| {
        let Some(el) = input.get() else { return };
        let Some(files) = el.files() else { return };
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            busy.update(|n| *n += 1);
            spawn_local(async move {
                let result = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                    Ok(buf) => {
                        let bytes = js_sys::Uint8Array::new(&buf);
                        bridge::feedback::add_photo(bytes.into(), purpose).await
                    }
                    Err(_) => Err(ErrorDto::from(model::ErrorCode::PhotoDamaged)),
                };
                match result {
                    Ok(p) => {
                        photos.update(|list| list.push(p));
                        problem.set(None);
                    }
                    Err(err) => problem.set(Some(ctx.error_text(&err))),
                }
                busy.update(|n| *n = n.saturating_sub(1));
            });
        }
        el.set_value("");
    };
    let remove = move |id: i64| {
        spawn_local(async move {
            match bridge::feedback::remove_photo(id).await {
                Ok(()) => photos.update(|list| list.retain(|p| p.id != id)),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    };
    let full = move || photos.with(|p| p.len() >= MAX_PHOTOS);
    let input_id = format!("photo-input-{purpose}");
    view! {
        <section class="photos" aria-labelledby=format!("photos-heading-{purpose}")>
            <h2 id=format!("photos-heading-{purpose}")>{move || ctx.t_with("photos.title", &[("n", &photos.with(Vec::len).to_string()), ("max", &MAX_PHOTOS.to_string())])}</h2>
            <p class="muted">{move || ctx.t("photos.hint")}</p>
            <ul class="thumbs">
                <For each=move || photos.get() key=|p: &PhotoDto| p.id children=move |p: PhotoDto| {
                    let id = p.id;
                    view! {
                        <li>
                            <img src=p.thumb alt=move || ctx.t("photos.alt")/>
                            <button class="secondary remove" aria-label=move || ctx.t("photos.remove") on:click=move |_| remove(id)>"✕"</button>
                        </li>
                    }
                }/>
            </ul>
            <label for=input_id.clone() class=move || if full() { "file-button disabled" } else { "file-button" }>
                {move || if busy.get() > 0 { ctx.t("photos.working") } else { ctx.t("photos.add") }}
            </label>
            <input id=input_id node_ref=input class="file-input" type="file" accept="image/jpeg,image/png,image/webp,image/*"
                capture="environment" multiple=true prop:disabled=full on:change=on_change/>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
        </section>
    }
}

/// A list of every unit to choose from (Vietnamese order, from the shell).
#[component]
fn WardSelect(form: Form) -> impl IntoView {
    let ctx = use_ctx();
    let wards = RwSignal::new(Vec::<Ward>::new());
    spawn_local(async move {
        if let Ok(r) = bridge::search_wards("", 500).await {
            wards.set(r.wards);
        }
    });
    let current = move || {
        form.draft
            .with(|d| d.as_ref().and_then(|d| d.ward_code.clone()))
            .unwrap_or_default()
    };
    view! {
        <label for="place-ward" class="field-label">{move || ctx.t("place.ward")}<span class="required">" *"</span></label>
        <select id="place-ward" prop:value=current on:change=move |ev| {
            let v = event_target_value(&ev);
            form.edit(ctx, move |d| d.ward_code = Some(v).filter(|v| !v.is_empty()));
        }>
            <option value="">{move || ctx.t("place.ward_choose")}</option>
            {move || wards.get().into_iter().map(|w| {
                let code = w.code.to_string();
                let selected = current() == code;
                view! { <option value=code selected=selected>{w.name.clone()}</option> }
            }).collect_view()}
        </select>
    }
}

#[component]
fn PlaceStep(form: Form) -> impl IntoView {
    let ctx = use_ctx();
    // A memo: the fields below are re-created only when the mode changes, not on each keystroke.
    let mode = Memo::new(move |_| {
        form.draft
            .with(|d| d.as_ref().map(|d| d.place_mode).unwrap_or_default())
    });
    let locating = RwSignal::new(false);
    let located = RwSignal::new(None::<&'static str>);
    let set_mode = move |m: PlaceMode| form.edit(ctx, move |d| d.place_mode = m);
    let position = move || {
        form.draft
            .with(|d| d.as_ref().and_then(|d| d.lat.zip(d.lon)))
    };
    let locate = move |_| {
        locating.set(true);
        located.set(None);
        crate::geo::current_position(move |result| {
            locating.set(false);
            match result {
                Some((lat, lon)) => form.edit(ctx, move |d| {
                    d.lat = Some(lat);
                    d.lon = Some(lon);
                }),
                None => located.set(Some(ctx.t("place.no_position"))),
            }
        });
    };
    // A photo that recorded where it was taken can give the place — only if the citizen says so.
    let photo_place = move |_| {
        let ids: Vec<i64> = form
            .photos
            .with(|p| p.iter().filter(|p| p.has_place).map(|p| p.id).collect());
        spawn_local(async move {
            for id in ids {
                if let Ok(Some((lat, lon))) = bridge::feedback::photo_place(id).await {
                    form.edit(ctx, move |d| {
                        d.lat = Some(lat);
                        d.lon = Some(lon);
                    });
                    return;
                }
            }
        });
    };
    let has_photo_place = move || form.photos.with(|p| p.iter().any(|p| p.has_place));
    let choice = move |m: PlaceMode, id: &'static str, key: &'static str| {
        view! {
            <div class="choice big">
                <input type="radio" name="place-mode" id=id prop:checked=move || mode.get() == m on:change=move |_| set_mode(m)/>
                <label for=id>{move || ctx.t(key)}</label>
            </div>
        }
    };
    let text = move |f: fn(&Draft) -> String| {
        move || form.draft.with(|d| d.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <fieldset>
            <legend>{move || ctx.t("place.how")}</legend>
            {choice(PlaceMode::Here, "place-here", "place.here")}
            {choice(PlaceMode::Address, "place-address", "place.address_mode")}
            {choice(PlaceMode::Described, "place-described", "place.described")}
        </fieldset>
        {move || match mode.get() {
            PlaceMode::Here => view! {
                <button id="locate" class="primary" prop:disabled=move || locating.get() on:click=locate>
                    {move || if locating.get() { ctx.t("place.locating") } else { ctx.t("place.locate") }}
                </button>
                <Show when=has_photo_place>
                    <button id="use-photo-place" class="secondary" on:click=photo_place>{move || ctx.t("place.use_photo")}</button>
                    <p class="muted">{move || ctx.t("place.photo_privacy")}</p>
                </Show>
                <p id="position" class="ok" role="status">{move || position().map(|(a, b)| ctx.t_with("place.position", &[("lat", &fixed(a, 5)), ("lon", &fixed(b, 5))])).unwrap_or_default()}</p>
                <p class="error" role="alert">{move || located.get().unwrap_or_default()}</p>
            }.into_any(),
            PlaceMode::Address => view! {
                <WardSelect form=form/>
                <label for="place-address-text" class="field-label">{move || ctx.t("place.address")}<span class="required">" *"</span></label>
                <input id="place-address-text" type="text" autocomplete="street-address" prop:value=text(|d| d.address.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.edit(ctx, move |d| d.address = v); }/>
            }.into_any(),
            PlaceMode::Described => view! {
                <WardSelect form=form/>
                <label for="place-landmark" class="field-label">{move || ctx.t("place.landmark")}<span class="required">" *"</span></label>
                <textarea id="place-landmark" rows="3" prop:value=text(|d| d.landmark.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.edit(ctx, move |d| d.landmark = v); }></textarea>
            }.into_any(),
            PlaceMode::Unset => view! { <p class="muted">{ctx.t("place.choose")}</p> }.into_any(),
        }}
    }
}

#[component]
fn ContactStep(form: Form) -> impl IntoView {
    let ctx = use_ctx();
    let identity = Memo::new(move |_| {
        form.draft
            .with(|d| d.as_ref().map(|d| d.identity).unwrap_or_default())
    });
    let choice = move |i: Identity, id: &'static str, key: &'static str, hint: &'static str| {
        view! {
            <div class="choice big">
                <input type="radio" name="identity" id=id prop:checked=move || identity.get() == i
                    on:change=move |_| form.edit(ctx, move |d| d.identity = i)/>
                <label for=id><span class="name">{move || ctx.t(key)}</span><span class="hint">{move || ctx.t(hint)}</span></label>
            </div>
        }
    };
    let field = move |id: &'static str,
                      key: &'static str,
                      kind: &'static str,
                      get: fn(&Draft) -> String,
                      set: fn(&mut Draft, String)| {
        view! {
            <label for=id class="field-label">{move || ctx.t(key)}</label>
            <input id=id type=kind prop:value=move || form.draft.with(|d| d.as_ref().map(get).unwrap_or_default())
                on:input=move |ev| { let v = event_target_value(&ev); form.edit(ctx, move |d| set(d, v)); }/>
        }
    };
    view! {
        <fieldset>
            <legend>{move || ctx.t("contact.how")}</legend>
            {choice(Identity::Anonymous, "identity-anonymous", "contact.anonymous", "contact.anonymous_hint")}
            {choice(Identity::WithContact, "identity-contact", "contact.with", "contact.with_hint")}
        </fieldset>
        <Show when=move || identity.get() == Identity::WithContact>
            {field("contact-name", "contact.name", "text", |d| d.name.clone(), |d, v| d.name = v)}
            {field("contact-phone", "contact.phone", "tel", |d| d.phone.clone(), |d, v| d.phone = v)}
            {field("contact-email", "contact.email", "email", |d| d.email.clone(), |d, v| d.email = v)}
            <div class="consent">
                <p id="consent-text">{move || ctx.t("contact.consent_text")}</p>
                <div class="choice">
                    <input type="checkbox" id="contact-consent" aria-describedby="consent-text"
                        prop:checked=move || form.draft.with(|d| d.as_ref().is_some_and(|d| d.consent))
                        on:change=move |ev| { let on = event_target_checked(&ev); form.edit(ctx, move |d| d.consent = on); }/>
                    <label for="contact-consent">{move || ctx.t("contact.consent")}</label>
                </div>
            </div>
        </Show>
    }
}

#[component]
fn ReviewStep(form: Form, go: impl Fn(FormStep) + Copy + Send + Sync + 'static) -> impl IntoView {
    let ctx = use_ctx();
    let problem = RwSignal::new(None::<DraftProblem>);
    let nearby = RwSignal::new(None::<Nearby>);
    let sending = RwSignal::new(false);
    let followed = RwSignal::new(Vec::<String>::new());
    spawn_local(async move {
        if let Err(err) = form.flush().await {
            form.problem.set(Some(ctx.error_text(&err).to_owned()));
        }
        if let Ok(p) = bridge::feedback::check_draft().await {
            problem.set(p);
        }
        if let Ok(n) = bridge::feedback::nearby_reports().await {
            nearby.set(Some(n));
        }
    });
    let send = move |_| {
        sending.set(true);
        spawn_local(async move {
            if let Err(err) = form.flush().await {
                form.problem.set(Some(ctx.error_text(&err).to_owned()));
                sending.set(false);
                return;
            }
            match bridge::feedback::submit_draft().await {
                Ok(SubmitAnswer::Queued { report_id }) => {
                    form.reload();
                    ctx.notify("form.sent_saved");
                    ctx.reports_version.update(|v| *v += 1);
                    ctx.go(Screen::Report(report_id));
                }
                Ok(SubmitAnswer::Incomplete { problem: p }) => problem.set(Some(p)),
                Err(err) => form.problem.set(Some(ctx.error_text(&err).to_owned())),
            }
            sending.set(false);
        });
    };
    let follow = move |server_id: String| {
        spawn_local(async move {
            match bridge::feedback::follow_report(&server_id).await {
                Ok(id) => {
                    followed.update(|f| f.push(server_id));
                    ctx.reports_version.update(|v| *v += 1);
                    ctx.notify("nearby.followed");
                    ctx.go(Screen::Report(id));
                }
                Err(err) => form.problem.set(Some(ctx.error_text(&err).to_owned())),
            }
        });
    };
    let discard = move |_| {
        spawn_local(async move {
            if bridge::feedback::discard_draft().await.is_ok() {
                form.reload();
                ctx.go(Screen::Feedback);
            }
        });
    };
    let d = move || form.draft.get().unwrap_or_default();
    let row = move |key: &'static str, value: String| view! { <dt>{move || ctx.t(key)}</dt><dd>{value}</dd> };
    view! {
        <dl class="facts review">
            {move || {
                let d = d();
                let place = match d.place_mode {
                    PlaceMode::Here => d.lat.zip(d.lon).map(|(a, b)| format!("{}, {}", fixed(a, 5), fixed(b, 5))).unwrap_or_default(),
                    PlaceMode::Address => d.address.clone(),
                    PlaceMode::Described => d.landmark.clone(),
                    PlaceMode::Unset => String::new(),
                };
                let who = match d.identity {
                    Identity::Anonymous => ctx.t("contact.anonymous").to_owned(),
                    Identity::WithContact => [d.name.as_str(), d.phone.as_str(), d.email.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · "),
                    Identity::Unset => String::new(),
                };
                view! {
                    {row("review.category", d.service_code.as_deref().map(|c| service_label(ctx, c)).unwrap_or_default())}
                    {row("review.description", d.description.clone())}
                    {row("review.place", place)}
                    {row("review.photos", form.photos.with(Vec::len).to_string())}
                    {row("review.who", who)}
                }
            }}
        </dl>
        {move || problem.get().map(|p| {
            let step = step_of(p.step);
            view! {
                <div class="problem" role="alert" id="draft-problem">
                    <p>{problem_text(ctx, &p)}</p>
                    <button class="secondary" id="fix-problem" on:click=move |_| go(step)>{move || ctx.t("review.fix")}</button>
                </div>
            }
        })}
        <section class="nearby" aria-labelledby="nearby-heading">
            <h2 id="nearby-heading">{move || ctx.t("nearby.title")}</h2>
            {move || match nearby.get() {
                None => view! { <p class="muted">{ctx.t("nearby.checking")}</p> }.into_any(),
                Some(Nearby::Offline) => view! { <p class="muted" id="nearby-offline">{ctx.t("nearby.offline")}</p> }.into_any(),
                Some(Nearby::NotAsked) => view! { <p class="muted">{ctx.t("nearby.not_asked")}</p> }.into_any(),
                Some(Nearby::Found { reports }) if reports.is_empty() => view! { <p class="muted" id="nearby-none">{ctx.t("nearby.none")}</p> }.into_any(),
                Some(Nearby::Found { reports }) => view! {
                    <ul class="report-list">
                        {reports.into_iter().map(|n| {
                            let sid = n.report.service_request_id.clone();
                            let s2 = sid.clone();
                            let already = n.followed || followed.with(|f| f.contains(&sid));
                            let distance = n.distance_m.map(|m| ctx.t_with("nearby.distance", &[("m", &m.to_string())])).unwrap_or_default();
                            view! {
                                <li class="nearby-item">
                                    <p class="excerpt">{n.report.description.clone().unwrap_or_default()}</p>
                                    <p class="meta">{super::city_time(&n.report.requested_datetime)} " " {distance}</p>
                                    {if already {
                                        view! { <p class="ok">{ctx.t("nearby.already")}</p> }.into_any()
                                    } else {
                                        view! { <button class="secondary" id=format!("follow-{s2}") on:click=move |_| follow(s2.clone())>{ctx.t("nearby.me_too")}</button> }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
        <button id="send-report" class="primary wide" prop:disabled=move || sending.get() on:click=send>
            <span class="tile-title">{move || if sending.get() { ctx.t("form.sending") } else { ctx.t("form.send") }}</span>
            <span class="tile-hint">{move || ctx.t("form.send_hint")}</span>
        </button>
        <button id="discard-draft" class="secondary danger" on:click=discard>{move || ctx.t("form.discard")}</button>
    }
}
