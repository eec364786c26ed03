//! Dossiers (hồ sơ thủ tục hành chính) and the procedures guide: "My dossiers", adding one by
//! the receipt's QR code or by typing, one dossier's story, the question box and a procedure's
//! page. All of it is one lazily loaded part, opened through [`show`].

pub mod add;
pub mod ask;
pub mod detail;
pub mod mine;
pub mod procedure;

use leptos::prelude::*;
use model::dossier::DossierStatus;
use model::dossier_dto::{DeadlineDto, DossierSummary, Lookup};

use crate::state::{Ctx, DossierScreen};

/// The screen for `screen`.
pub fn show(screen: DossierScreen) -> AnyView {
    match screen {
        DossierScreen::Mine => view! { <mine::MyDossiers/> }.into_any(),
        DossierScreen::Add => view! { <add::AddDossier/> }.into_any(),
        DossierScreen::One(id) => view! { <detail::DossierView id=id/> }.into_any(),
        DossierScreen::Guide => view! { <ask::GuideHome/> }.into_any(),
        DossierScreen::Procedure(id) => view! { <procedure::ProcedurePage id=id/> }.into_any(),
    }
}

/// The deadline's sentence, with the number of working days filled in; "not available" when
/// the days cannot be counted (never a guess).
pub fn deadline_text(ctx: Ctx, d: DeadlineDto) -> String {
    match d {
        DeadlineDto::DaysLeft { days } | DeadlineDto::Overdue { days } => {
            ctx.t_with(d.message_key(), &[("days", &days.to_string())])
        }
        _ => ctx.t(d.message_key()).to_owned(),
    }
}

/// A tag for tests and styling; the words say the same.
pub fn deadline_tag(d: DeadlineDto) -> &'static str {
    match d {
        DeadlineDto::DaysLeft { .. } => "days-left",
        DeadlineDto::DueToday => "due-today",
        DeadlineDto::Overdue { .. } => "overdue",
        DeadlineDto::Finished { .. } => "finished",
        DeadlineDto::NotAvailable => "not-available",
    }
}

pub fn lookup_tag(l: Lookup) -> &'static str {
    match l {
        Lookup::Waiting => "waiting",
        Lookup::NotFound => "not-found",
        Lookup::Known => "known",
    }
}

/// Where the dossier is, in words: the city's state once it answered, else whether it waits
/// to be checked or was not found.
pub fn state_key(s: &DossierSummary) -> &'static str {
    match (s.lookup, s.status) {
        (Lookup::Known, Some(status)) => status.message_key(),
        (Lookup::Known, None) => DossierStatus::Other.message_key(),
        (lookup, _) => lookup.message_key(),
    }
}

/// The procedure's name, or the code while the city has not answered.
pub fn title(s: &DossierSummary) -> String {
    s.procedure.clone().unwrap_or_else(|| s.code.clone())
}

/// `YYYY-MM-DD` as the citizen reads a day: `14/12/2026`.
pub fn day_text(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}
