//! "Choose on the map" for the report being written: a tap (or the map's centre, for a
//! keyboard) sets a pin, the ward comes from the point by the rule the form uses when it is sent
//! (`model::geo::unit_at`), and "use this place" puts both in the draft.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::Ward;
use model::draft::{FormStep, Step};
use model::geo::{Point, unit_at};

use super::{CITY, data, locale};
use crate::map::{MapEvent, MapView, Options, Source};
use crate::screens::feedback::draft::Chosen;
use crate::state::{Screen, use_ctx};

#[component]
pub fn Pick() -> impl IntoView {
    let ctx = use_ctx();
    let wards = RwSignal::new(Vec::<Ward>::new());
    let shapes = RwSignal::new(None::<data::Shapes>);
    let point = RwSignal::new(None::<(f64, f64)>);
    let problem = RwSignal::new(None::<&'static str>);
    let map = StoredValue::new_local(None::<MapView>);
    let canvas = NodeRef::<leptos::html::Div>::new();
    let ready = RwSignal::new(false);
    spawn_local(async move {
        match data::load().await {
            Ok(l) => {
                wards.set(l.wards);
                shapes.set(l.shapes);
            }
            Err(err) => problem.set(Some(ctx.error_text(&err))),
        }
    });
    let put_pin = move |lat: f64, lon: f64| {
        point.set(Some((lat, lon)));
        map.with_value(|m| {
            if let Some(m) = m {
                m.set_pin(Some((lat, lon)));
            }
        });
    };
    canvas.on_load(move |element| {
        let element: web_sys::HtmlElement = element.into();
        spawn_local(async move {
            let start = ctx
                .form
                .draft
                .with_untracked(|d| d.as_ref().and_then(|d| d.lat.zip(d.lon)));
            let (lat, lon, zoom) = match start {
                Some((lat, lon)) => (lat, lon, 15.0),
                None => CITY,
            };
            let options = Options {
                lat,
                lon,
                zoom,
                locale: locale(ctx),
                fit: false,
            };
            let on_event = move |event: MapEvent| {
                if let MapEvent::Point { lat, lon } = event {
                    put_pin(lat, lon);
                }
            };
            match MapView::open(&element, options, on_event).await {
                Ok(view) => {
                    view.set_picking(true);
                    view.show(crate::map::Layer::Reports, false);
                    view.show(crate::map::Layer::Offices, false);
                    if let Some(at) = start {
                        view.set_pin(Some(at));
                        point.set(Some(at));
                    }
                    map.set_value(Some(view));
                    ready.set(true);
                }
                Err(err) => problem.set(Some(ctx.t(err.message_key()))),
            }
        });
    });
    on_cleanup(move || map.set_value(None));
    Effect::new(move |_| {
        if !ready.get() {
            return;
        }
        shapes.with(|s| {
            map.with_value(|m| {
                if let (Some(m), Some(s)) = (m, s) {
                    m.set_geojson(Source::Wards, &s.geojson);
                }
            })
        });
    });
    // The ward of the point, by the form's own rule; `None` outside the city.
    let ward = move || {
        let (lat, lon) = point.get()?;
        let p = Point::new(lat, lon)?;
        wards.with(|w| unit_at(w, p).cloned())
    };
    let use_centre = move |_| {
        if let Some((lat, lon)) = map.with_value(|m| m.as_ref().and_then(MapView::center)) {
            put_pin(lat, lon);
        }
    };
    let use_place = move |_| {
        let (Some((lat, lon)), Some(w)) = (point.get_untracked(), ward()) else {
            return;
        };
        let code = w.code.to_string();
        ctx.form.chosen.set(Some(Chosen::Point {
            lat,
            lon,
            ward_code: code,
        }));
        ctx.go(Screen::NewReport(FormStep::Fill(Step::Place)));
    };
    let status = move || match (point.get(), ward()) {
        (None, _) => ctx.t("pick.tap").to_owned(),
        (Some(_), Some(w)) => ctx.t_with("pick.ward", &[("name", &w.name)]),
        (Some(_), None) => ctx.t("pick.outside").to_owned(),
    };
    view! {
        <section class="screen map-screen pick" id="pick-screen">
            <div class="map-head">
                <button class="secondary back" on:click=move |_| ctx.go(Screen::NewReport(FormStep::Fill(Step::Place)))>{move || ctx.t("nav.back")}</button>
                <h1>{move || ctx.t("pick.title")}</h1>
            </div>
            <Show when=move || shapes.with(|s| s.as_ref().is_some_and(|s| s.schematic))>
                <p class="notice schematic" role="note">{move || ctx.t(model::map::BoundaryKind::Schematic.message_key())}</p>
            </Show>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            <div class="map-frame">
                <div id="pick-canvas" class="map-canvas" node_ref=canvas></div>
                <span class="crosshair" aria-hidden="true"></span>
            </div>
            <p id="pick-ward" class="pick-status" role="status">{status}</p>
            <button id="pick-centre" class="secondary" on:click=use_centre>{move || ctx.t("pick.centre")}</button>
            <button id="pick-use" class="primary" prop:disabled=move || ward().is_none() on:click=use_place>{move || ctx.t("pick.use")}</button>
        </section>
    }
}
