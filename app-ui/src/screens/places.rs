//! How a place found by `bridge::search_places` is told (issue 14): a current unit by its name, a
//! former ward or district by its name and "(former, Quận 1)", and what it is now
//! ("now divided between Phường Sài Gòn, Phường Tân Định"). Shared by the map's search and the
//! ward finder.

use model::search::place::Place;

use crate::state::Ctx;

/// The place's name as listed: "Phường Đa Kao (cũ, Quận 1)".
pub fn label(ctx: Ctx, place: &Place) -> String {
    match place.former_label() {
        Some((label, args)) => ctx.t_with(label.message_key(), &args),
        None => place.name().to_owned(),
    }
}

/// The current units' names, default first.
pub fn now_names(place: &Place) -> String {
    place
        .now()
        .iter()
        .map(|w| w.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a former place is now, as a phrase: "nay thuộc Phường Sài Gòn"; `None` for a current unit.
pub fn now_text(ctx: Ctx, place: &Place) -> Option<String> {
    let part = place.now_part()?;
    Some(ctx.t_with(part.message_key(), &[("wards", &now_names(place))]))
}

/// The sentence said once the map went there; `None` for a current unit (its card says it).
pub fn said(ctx: Ctx, place: &Place) -> Option<String> {
    let now = now_text(ctx, place)?;
    Some(ctx.t_with(
        "place.said",
        &[("place", &label(ctx, place)), ("now", &now)],
    ))
}
