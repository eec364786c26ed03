//! What the city tells the citizen now: the list (urgent first, for their ward or the whole
//! city, until when) and one announcement, from the device's copy (readable offline); an
//! announcement opened is counted as read (the home tile counts the urgent ones not read).

use leptos::prelude::*;
use model::announcement::{Announcement, Urgency};
use model::survey::Audience;

use super::city::{Back, Shown, pulled, pulled_list};
use crate::bridge;
use crate::format::city_time;
use crate::screens::feedback::SyncNow;
use crate::state::{Ctx, Screen, VoiceScreen, use_ctx};

fn audience_key(a: &Audience) -> &'static str {
    match a {
        Audience::City {} => "voice.announcement.for_city",
        Audience::Wards { .. } => "voice.announcement.for_ward",
    }
}

fn until(ctx: Ctx, a: &Announcement) -> String {
    let at = city_time(&a.valid_until.to_rfc3339());
    ctx.t_with("voice.announcement.until", &[("time", &at)])
}

#[component]
pub fn AnnouncementList() -> impl IntoView {
    let ctx = use_ctx();
    let (list, problem) = pulled(bridge::city_voice::announcements);
    let shown = move || {
        list.get().map(|l| Shown {
            no_ward: l.no_ward,
            pulled_at: l.pulled_at,
            lines: (!l.announcements.is_empty()).then(|| {
                l.announcements
                    .into_iter()
                    .map(|a| view! { <AnnouncementLine a=a/> })
                    .collect_view()
                    .into_any()
            }),
        })
    };
    view! {
        <section class="screen announcements" id="announcements">
            <h1>{move || ctx.t("voice.announcements.title")}</h1>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            <SyncNow/>
            {pulled_list(("no-announcements", "voice.announcements.empty"), shown)}
            <Back to=VoiceScreen::Hub/>
        </section>
    }
}

#[component]
fn AnnouncementLine(a: Announcement) -> impl IntoView {
    let ctx = use_ctx();
    let id = a.id;
    let urgent = a.urgency == Urgency::Urgent;
    let title = a.title.clone();
    let audience = audience_key(&a.audience);
    let until = move || until(ctx, &a);
    view! {
        <li>
            <button class="report-line" id=format!("announcement-{id}") data-urgency=if urgent { "urgent" } else { "normal" }
                on:click=move |_| ctx.go(Screen::Voice(VoiceScreen::Announcement(id)))>
                <span class="name">{move || title.get(ctx.lang()).to_owned()}</span>
                <span class="meta">
                    {urgent.then(|| view! { <span class="chip urgent">{move || ctx.t(Urgency::Urgent.message_key())}</span> })}
                    <span class="chip">{move || ctx.t(audience)}</span>
                    <span class="chip">{until}</span>
                </span>
            </button>
        </li>
    }
}

/// One announcement; opening it takes it off the home tile's count of urgent ones.
#[component]
pub fn AnnouncementView(id: i64) -> impl IntoView {
    let ctx = use_ctx();
    let (opened, problem) = pulled(move || bridge::city_voice::open_announcement(id));
    Effect::new(move |_| {
        if let Some(o) = opened.read().as_ref() {
            ctx.urgent.set(o.urgent_unread);
        }
    });
    let one = move || opened.with(|o| o.as_ref().map(|o| o.announcement.clone()));
    view! {
        <section class="screen announcement" id="announcement">
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            {move || match one() {
                None => view! { <p class="muted" role="status">{ctx.t("app.loading")}</p> }.into_any(),
                // No longer shown (its time is over, or the city withdrew it).
                Some(None) => view! {
                    <h1>{move || ctx.t("voice.announcements.title")}</h1>
                    <p class="card">{move || ctx.t("voice.announcement.gone")}</p>
                }.into_any(),
                Some(Some(a)) => {
                    let urgent = a.urgency == Urgency::Urgent;
                    let (title, body) = (a.title.clone(), a.body.clone());
                    let audience = audience_key(&a.audience);
                    let from = city_time(&a.valid_from.to_rfc3339());
                    let until = until(ctx, &a);
                    view! {
                        <h1>{move || title.get(ctx.lang()).to_owned()}</h1>
                        <p class="meta">
                            <span class="chip" class:urgent=urgent>{move || ctx.t(a.urgency.message_key())}</span>
                            " "
                            <span class="chip">{move || ctx.t(audience)}</span>
                        </p>
                        <p class="announcement-body">{move || body.get(ctx.lang()).to_owned()}</p>
                        <p class="muted">{move || ctx.t_with("voice.announcement.from", &[("time", &from)])}</p>
                        <p class="muted">{until}</p>
                    }.into_any()
                }
            }}
            <Back to=VoiceScreen::Announcements/>
        </section>
    }
}
