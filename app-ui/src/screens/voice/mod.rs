//! The citizens' voice (issue 15): rating a ward on the five SIPAS elements, every ward's
//! scoreboard (Decision 766/QĐ-TTg), the city's surveys and its announcements. One lazily
//! loaded part: the start pays for one door.

mod announcements;
mod board;
mod city;
mod hub;
pub mod prompt;
mod rate;
mod surveys;

use leptos::prelude::*;
use model::index766::{GroupOutcome, Total, Trend};

use crate::format::fixed;
use crate::state::{Ctx, VoiceScreen};

pub fn show(screen: VoiceScreen) -> AnyView {
    match screen {
        VoiceScreen::Hub => view! { <hub::Hub/> }.into_any(),
        VoiceScreen::Rate { ward, back } => {
            view! { <rate::RateWard ward=ward back=back/> }.into_any()
        }
        VoiceScreen::Scoreboard { period } => view! { <board::Board period=period/> }.into_any(),
        VoiceScreen::WardScore(code) => view! { <board::WardScore code=code/> }.into_any(),
        VoiceScreen::Surveys => view! { <surveys::SurveyList/> }.into_any(),
        VoiceScreen::Survey(id) => view! { <surveys::SurveyView id=id/> }.into_any(),
        VoiceScreen::Announcements => view! { <announcements::AnnouncementList/> }.into_any(),
        VoiceScreen::Announcement(id) => {
            view! { <announcements::AnnouncementView id=id/> }.into_any()
        }
    }
}

/// `YYYY-MM` as the citizen reads it: `12/2026`.
pub fn month_text(month: &str) -> String {
    match month.split_once('-') {
        Some((y, m)) => format!("{m}/{y}"),
        None => month.to_owned(),
    }
}

/// A day (`YYYY-MM-DD`) as `dd/mm/yyyy`.
fn day_text(day: &str) -> String {
    let mut parts = day.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => day.to_owned(),
    }
}

/// Points out of a maximum, as served (two decimals).
fn points_text(points: f64, of_max: f64) -> String {
    format!("{} / {}", fixed(points, 2), fixed(of_max, 2))
}

/// A group's figure, or why there is none (never a number then).
fn group_text(ctx: Ctx, outcome: &GroupOutcome) -> String {
    match outcome {
        GroupOutcome::Computed {
            points,
            of_max,
            by_rule,
        } => {
            let figure = points_text(*points, *of_max);
            if *by_rule {
                ctx.t_with("scoreboard.by_rule_figure", &[("figure", &figure)])
            } else {
                figure
            }
        }
        GroupOutcome::NotComputable { why } => ctx.t(&why.message_key()).to_owned(),
    }
}

/// The 766 total with its band, or why there is none.
fn total_text(ctx: Ctx, total: &Total) -> String {
    match total {
        Total::Computed { points, band } => {
            format!("{} — {}", fixed(*points, 2), ctx.t(&band.message_key()))
        }
        Total::NotComputable { why } => ctx.t(&why.message_key()).to_owned(),
    }
}

/// The trend in words, with an arrow beside (never the arrow or a colour alone).
fn trend_text(ctx: Ctx, trend: Trend) -> String {
    let arrow = match trend {
        Trend::Up => "▲",
        Trend::Down => "▼",
        Trend::Same => "=",
        Trend::Unknown => "–",
    };
    format!("{arrow} {}", ctx.t(trend.message_key()))
}
