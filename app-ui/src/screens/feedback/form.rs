//! The report form, one step per screen (a small phone shows one question at a time): what it is
//! about, what happened (with photos), where, who (or anonymous), then the review
//! ([`super::review`]). The draft they edit is [`super::draft::Form`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::draft::{Draft, FormStep, Identity, PlaceMode, Step};
use model::feedback::PhotoPurpose;
use model::service::{Attribute, Datatype};

use super::draft::{Chosen, Form};
use super::photos::Photos;
use super::review::ReviewStep;
use super::ward_select::WardSelect;
use super::{ensure_catalog, service, service_label};
use crate::bridge;
use crate::format::fixed;
use crate::state::{Ctx, MapScreen, Screen, use_ctx};

#[component]
pub fn ReportForm(step: FormStep) -> impl IntoView {
    let ctx = use_ctx();
    ensure_catalog(ctx);
    let form = ctx.form;
    form.load_if_needed();
    // A place chosen on the map goes into the draft once it is here.
    Effect::new(move |_| {
        if form.draft.with(Option::is_none) || form.chosen.with(Option::is_none) {
            return;
        }
        let Some(chosen) = form.chosen.try_update(Option::take).flatten() else {
            return;
        };
        form.edit(move |d| match chosen {
            Chosen::Point {
                lat,
                lon,
                ward_code,
            } => {
                d.place_mode = PlaceMode::Here;
                d.lat = Some(lat);
                d.lon = Some(lon);
                d.ward_code = Some(ward_code);
            }
            // "No exact address" unless a street address is being given: a position would
            // name its own ward.
            Chosen::Ward(code) => {
                d.ward_code = Some(code);
                if d.place_mode != PlaceMode::Address {
                    d.place_mode = PlaceMode::Described;
                }
            }
        });
    });
    let index = step.index();
    let go = move |s: FormStep| {
        // Leaving a step saves at once: nothing typed waits on a timer.
        form.save_now();
        ctx.go(Screen::NewReport(s));
    };
    let prev = step.prev();
    let next = step.next();
    // Re-created when the draft arrives, not on every keystroke.
    let loaded = Memo::new(move |_| form.draft.with(Option::is_some));
    let body = move || match loaded.get() {
        false => view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any(),
        true => match step {
            FormStep::Fill(Step::Category) => view! {
                <CategoryStep form=form on_chosen=move || go(FormStep::Fill(Step::Details))/>
            }
            .into_any(),
            FormStep::Fill(Step::Details) => view! { <DetailsStep form=form/> }.into_any(),
            FormStep::Fill(Step::Place) => view! { <PlaceStep form=form/> }.into_any(),
            FormStep::Fill(Step::Contact) => view! { <ContactStep form=form/> }.into_any(),
            FormStep::Review => view! { <ReviewStep form=form go=go/> }.into_any(),
        },
    };
    view! {
        <section class="screen report-form" id=format!("form-{}", step.stem())>
            <button class="secondary back" on:click=move |_| { form.save_now(); ctx.go(Screen::Feedback) }>{move || ctx.t("nav.back")}</button>
            <p class="step-count" id="step-count">{move || ctx.t_with("form.step", &[("n", &(index + 1).to_string()), ("total", &FormStep::ALL.len().to_string())])}</p>
            <h1>{move || ctx.t(step.message_key())}</h1>
            {body}
            <p class="error" role="alert">{move || form.problem.get().map(|e| ctx.error_text(&e)).unwrap_or_default()}</p>
            <p class="muted saved-state" role="status" id="draft-state">
                {move || if form.saved() { ctx.t("form.draft_saved") } else { ctx.t("form.draft_saving") }}
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
        form.edit(|d| {
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
                                    form.edit(move |d| {
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
                            form.edit(move |d| { d.answers.insert(code, vec![v]); });
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
            on:input=move |ev| { let v = event_target_value(&ev); form.edit(move |d| d.description = v); }></textarea>
        <p id="description-left" class=move || if left() < 0 { "count error" } else { "count muted" } aria-live="polite">
            {move || ctx.t_with("form.chars_left", &[("n", &left().to_string())])}
        </p>
        <Photos purpose=PhotoPurpose::Report photos=form.photos/>
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
    let set_mode = move |m: PlaceMode| form.edit(move |d| d.place_mode = m);
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
                Some((lat, lon)) => form.edit(move |d| {
                    d.lat = Some(lat);
                    d.lon = Some(lon);
                    d.ward_code = None;
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
                    form.edit(move |d| {
                        d.lat = Some(lat);
                        d.lon = Some(lon);
                        d.ward_code = None;
                    });
                    return;
                }
            }
        });
    };
    let has_photo_place = move || form.photos.with(|p| p.iter().any(|p| p.has_place));
    // The ward "choose on the map" found for its point (by the rule the report is sent with);
    // a position from the device or a photo has its ward found when it is sent.
    let ward_code = Memo::new(move |_| {
        form.draft.with(|d| {
            d.as_ref()
                .filter(|d| d.place_mode == PlaceMode::Here && d.lat.is_some())
                .and_then(|d| d.ward_code.clone())
        })
    });
    let ward_name = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let code = ward_code.get();
        spawn_local(async move {
            let name = match code {
                Some(code) => bridge::get_ward(&code).await.ok().map(|w| w.name),
                None => None,
            };
            ward_name.set(name);
        });
    });
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
        // What the city publishes of the place (model::public_place): said where it is chosen.
        <p id="place-public" class="muted">{move || ctx.t("place.public_coarse")}</p>
        {move || match mode.get() {
            PlaceMode::Here => view! {
                <button id="locate" class="primary" prop:disabled=move || locating.get() on:click=locate>
                    {move || if locating.get() { ctx.t("place.locating") } else { ctx.t("place.locate") }}
                </button>
                <button id="place-on-map" class="secondary" on:click=move |_| ctx.go(Screen::Map(MapScreen::Pick))>{move || ctx.t("place.on_map")}</button>
                <Show when=has_photo_place>
                    <button id="use-photo-place" class="secondary" on:click=photo_place>{move || ctx.t("place.use_photo")}</button>
                    <p class="muted">{move || ctx.t("place.photo_privacy")}</p>
                </Show>
                <p id="position" class="ok" role="status">{move || position().map(|(a, b)| ctx.t_with("place.position", &[("lat", &fixed(a, 5)), ("lon", &fixed(b, 5))])).unwrap_or_default()}</p>
                <p id="place-ward" class="muted">{move || ward_name.get().map(|n| ctx.t_with("place.ward_of_point", &[("name", &n)])).unwrap_or_default()}</p>
                <p class="error" role="alert">{move || located.get().unwrap_or_default()}</p>
            }.into_any(),
            PlaceMode::Address => view! {
                <WardSelect form=form/>
                <label for="place-address-text" class="field-label">{move || ctx.t("place.address")}<span class="required">" *"</span></label>
                <input id="place-address-text" type="text" autocomplete="street-address" prop:value=text(|d| d.address.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.edit(move |d| d.address = v); }/>
            }.into_any(),
            PlaceMode::Described => view! {
                <WardSelect form=form/>
                <label for="place-landmark" class="field-label">{move || ctx.t("place.landmark")}<span class="required">" *"</span></label>
                <textarea id="place-landmark" rows="3" prop:value=text(|d| d.landmark.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.edit(move |d| d.landmark = v); }></textarea>
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
                    on:change=move |_| form.edit(move |d| d.identity = i)/>
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
                on:input=move |ev| { let v = event_target_value(&ev); form.edit(move |d| set(d, v)); }/>
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
                        on:change=move |ev| { let on = event_target_checked(&ev); form.edit(move |d| d.consent = on); }/>
                    <label for="contact-consent">{move || ctx.t("contact.consent")}</label>
                </div>
            </div>
        </Show>
    }
}
