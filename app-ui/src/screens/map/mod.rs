//! The city map (issue 14): the 168 units drawn (schematic cells until the city gives official
//! boundaries, and then said so), "my ward" outlined, a ward's card on a tap, layers with a
//! legend (open reports, a score per ward, ward offices, the basemap when there is one), search
//! and fly to, and the same content as a list ("skip the map"). `pick.rs`: "choose on the map"
//! for the report being written. MapLibre is reached only through `crate::map`; leaving the
//! screen drops the [`MapView`], which frees the map.

use leptos::prelude::*;
use leptos::task::spawn_local;
use model::Ward;

use crate::map::{Label, Layer, MapEvent, MapView, Options, Source};
use crate::state::{Ctx, MapScreen, Screen, use_ctx};

mod card;
mod data;
mod list;
mod pick;
mod search;

use model::map::ScoreKind;

/// Where the whole city fits on a phone.
const CITY: (f64, f64, f64) = (10.78, 106.70, 8.6);
/// Côn Đảo, 180 km off the coast: one button flies there (the first view frames the mainland).
const ISLANDS: (f64, f64, f64) = (8.70, 106.61, 10.8);

pub fn show(screen: MapScreen) -> AnyView {
    match screen {
        MapScreen::Browse { list } => view! { <Browse list=list/> }.into_any(),
        MapScreen::Pick => view! { <pick::Pick/> }.into_any(),
    }
}

/// The map's own texts (its accessible names), translated.
fn locale(ctx: Ctx) -> Vec<(&'static str, &'static str)> {
    vec![
        ("Map.Title", ctx.t("map.canvas")),
        (
            "CooperativeGesturesHandler.WindowsHelpText",
            ctx.t("map.gesture_help"),
        ),
        (
            "CooperativeGesturesHandler.MacHelpText",
            ctx.t("map.gesture_help"),
        ),
        (
            "CooperativeGesturesHandler.MobileHelpText",
            ctx.t("map.gesture_help"),
        ),
    ]
}

/// What the screen knows, loaded once when it opens.
#[derive(Clone, Default)]
pub struct Loaded {
    /// Every unit, in Vietnamese order (names, kinds, centroids).
    pub wards: Vec<Ward>,
    pub shapes: Option<data::Shapes>,
    pub reports: Option<data::Reports>,
    pub offices: Option<data::Offices>,
    pub scores: Option<Vec<data::WardScores>>,
}

/// Which layers are on.
#[derive(Clone, Copy, PartialEq)]
struct Layers {
    reports: bool,
    offices: bool,
    score: Option<ScoreKind>,
    basemap: bool,
}

#[component]
fn Browse(list: bool) -> impl IntoView {
    let ctx = use_ctx();
    crate::screens::feedback::ensure_catalog(ctx);
    let loaded = RwSignal::new(Loaded::default());
    let problem = RwSignal::new(None::<&'static str>);
    let selected = RwSignal::new(None::<String>);
    let report = RwSignal::new(None::<String>);
    let layers = RwSignal::new(Layers {
        reports: true,
        offices: true,
        score: None,
        basemap: true,
    });
    let has_basemap = RwSignal::new(false);
    // What the map itself drew, written after each `idle` (the e2e test reads these).
    let drawn_wards = RwSignal::new(0u32);
    let drawn_reports = RwSignal::new(0u32);
    let drawn_basemap = RwSignal::new(0u32);
    // The ward at the map's centre while the canvas has the keyboard (said in a live region).
    let centre = RwSignal::new(None::<Option<String>>);
    let at_islands = RwSignal::new(false);
    let map = StoredValue::new_local(None::<MapView>);
    // Set once the map exists: data and layers are sent to it from then on.
    let map_ready = RwSignal::new(false);
    let canvas = NodeRef::<leptos::html::Div>::new();

    // Read when the screen opens, and again when the shell pulled the map's data anew.
    Effect::new(move |_| {
        ctx.map_version.track();
        spawn_local(async move {
            match data::load().await {
                Ok(l) => loaded.set(l),
                Err(err) => problem.set(Some(ctx.error_text(&err))),
            }
        });
    });

    // The map, once its element is there (never in the list view).
    canvas.on_load(move |element| {
        let element: web_sys::HtmlElement = element.into();
        spawn_local(async move {
            let options = Options {
                lat: CITY.0,
                lon: CITY.1,
                zoom: CITY.2,
                locale: locale(ctx),
                fit: true,
            };
            let on_event = move |event: MapEvent| match event {
                MapEvent::Ward { code } | MapEvent::Office { code } => {
                    report.set(None);
                    selected.set(Some(code));
                }
                MapEvent::Report { id } => report.set(Some(id)),
                MapEvent::Idle => map.with_value(|m| {
                    if let Some(m) = m {
                        drawn_wards.set(m.drawn(Source::Wards));
                        drawn_reports.set(m.drawn(Source::Reports));
                        drawn_basemap.set(m.drawn(Source::Basemap));
                    }
                }),
                MapEvent::Centre { away: true, .. } => centre.set(None),
                MapEvent::Centre { name, .. } => centre.set(Some(name)),
                MapEvent::Point { .. } => {}
                MapEvent::Error { message } => leptos::logging::warn!("map: {message}"),
            };
            match MapView::open(&element, options, on_event).await {
                Ok(view) => {
                    map.set_value(Some(view));
                    map_ready.set(true);
                    if let Some(key) = data::basemap_key().await
                        && let Some(drawn) = map.with_value(|m| {
                            m.as_ref().map(|m| m.set_basemap(&key, data::basemap_range))
                        })
                        && drawn.await.is_ok()
                    {
                        has_basemap.set(true);
                    }
                }
                Err(err) => problem.set(Some(ctx.t(err.message_key()))),
            }
        });
    });
    // Leaving the screen frees the map (MapView's Drop).
    on_cleanup(move || map.set_value(None));

    // Data and layers follow the signals once both the map and the data are there.
    let with_map = move |f: &dyn Fn(&MapView)| map.with_value(|m| m.as_ref().map(f));
    Effect::new(move |_| {
        if !map_ready.get() {
            return;
        }
        loaded.with(|l| {
            with_map(&|m| {
                if let Some(s) = &l.shapes {
                    m.set_geojson(Source::Wards, &s.geojson);
                }
                if let Some(r) = &l.reports {
                    m.set_geojson(Source::Reports, &r.geojson);
                }
                if let Some(o) = &l.offices {
                    m.set_geojson(Source::Offices, &o.geojson);
                }
            });
        });
    });
    Effect::new(move |_| {
        if !map_ready.get() {
            return;
        }
        loaded.with(|l| {
            let labels: Vec<Label<'_>> = l
                .wards
                .iter()
                .map(|w| Label {
                    code: w.code.as_str(),
                    name: &w.name,
                    lat: w.lat,
                    lon: w.lon,
                    area: w.area_km2,
                })
                .collect();
            with_map(&|m| m.set_labels(&labels));
        });
    });
    Effect::new(move |_| {
        if !map_ready.get() {
            return;
        }
        let mine = ctx.settings().and_then(|s| s.my_ward);
        with_map(&|m| m.set_mine(mine.as_deref()));
    });
    Effect::new(move |_| {
        if !map_ready.get() {
            return;
        }
        let code = selected.get();
        with_map(&|m| m.set_selected(code.as_deref()));
    });
    Effect::new(move |_| {
        if !map_ready.get() {
            return;
        }
        let on = layers.get();
        let scores = loaded.with(|l| {
            on.score.map(|score| {
                l.scores
                    .iter()
                    .flatten()
                    .filter_map(|w| Some((w.code.clone(), 100.0 * w.of(score)?)))
                    .collect::<Vec<_>>()
            })
        });
        with_map(&|m| {
            m.show(Layer::Reports, on.reports);
            m.show(Layer::Offices, on.offices);
            m.show(Layer::Basemap, on.basemap);
            m.show(Layer::Score, on.score.is_some());
            if let Some(scores) = &scores {
                m.set_scores(scores);
            }
        });
    });

    let schematic = move || loaded.with(|l| l.shapes.as_ref().is_some_and(|s| s.schematic));
    let go_to = move |place: model::search::place::Place| {
        let size = canvas.get_untracked().map_or((360.0, 640.0), |el| {
            (f64::from(el.client_width()), f64::from(el.client_height()))
        });
        with_map(&|m| search::frame(m, &place, size));
        report.set(None);
        selected.set(search::selects(&place));
    };
    view! {
        <section class="screen map-screen" id="map-screen">
            <div class="map-head">
                <h1>{move || ctx.t("map.title")}</h1>
                {if list {
                    view! { <button id="map-show-map" class="secondary" on:click=move |_| ctx.go(Screen::Map(MapScreen::Browse { list: false }))>{move || ctx.t("map.show_map")}</button> }.into_any()
                } else {
                    view! { <button id="map-skip" class="secondary" on:click=move |_| ctx.go(Screen::Map(MapScreen::Browse { list: true }))>{move || ctx.t("map.skip")}</button> }.into_any()
                }}
            </div>
            <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            {list.then(|| view! {
                <Show when=schematic>
                    <p id="map-schematic" class="notice schematic" role="note">{move || ctx.t(model::map::BoundaryKind::Schematic.message_key())}</p>
                </Show>
                <search::Search on_pick=go_to/>
            })}
            {(!list).then(|| view! {
                // The map fills the screen under the header (map.js sets the height); on it the
                // search at the top, the controls at the bottom where a thumb reaches.
                <div class="map-frame fill">
                    <search::Search on_pick=go_to/>
                    <div id="map-canvas" class="map-canvas" node_ref=canvas
                        data-wards-drawn=move || drawn_wards.get().to_string()
                        data-reports-drawn=move || drawn_reports.get().to_string()
                        data-basemap-drawn=move || drawn_basemap.get().to_string()></div>
                    <span class="crosshair" aria-hidden="true"></span>
                    <p id="map-centre" class="map-centre" aria-live="polite" class:empty=move || centre.with(Option::is_none)>
                        {move || centre.get().map(|name| match name {
                            Some(name) => ctx.t_with("map.centre_ward", &[("name", &name)]),
                            None => ctx.t("map.centre_none").to_owned(),
                        })}
                    </p>
                    <div class="map-bottom">
                        <div class="map-notes">
                            <Show when=schematic>
                                <p id="map-schematic" class="schematic-chip" role="note">{move || ctx.t(model::map::BoundaryKind::Schematic.message_key())}</p>
                            </Show>
                            <button id="map-islands" class="secondary" on:click=move |_| {
                                if at_islands.get_untracked() {
                                    with_map(&|m| m.frame_mainland());
                                } else {
                                    with_map(&|m| m.fly_to(ISLANDS.0, ISLANDS.1, ISLANDS.2));
                                }
                                at_islands.update(|a| *a = !*a);
                            }>{move || ctx.t(if at_islands.get() { "map.mainland" } else { "map.con_dao" })}</button>
                        </div>
                        <div class="map-zoom">
                            <button id="map-zoom-in" class="secondary" aria-label=move || ctx.t("map.zoom_in") on:click=move |_| { with_map(&|m| m.zoom_by(1.0)); }>"+"</button>
                            <button id="map-zoom-out" class="secondary" aria-label=move || ctx.t("map.zoom_out") on:click=move |_| { with_map(&|m| m.zoom_by(-1.0)); }>"−"</button>
                        </div>
                    </div>
                </div>
            })}
            {move || report.get().map(|id| view! { <card::ReportCard loaded=loaded id=id on_close=move || report.set(None)/> })}
            {move || selected.get().map(|code| view! { <card::WardCardView code=code on_close=move || selected.set(None)/> })}
            {(!list).then(|| view! { <LayerChooser layers=layers has_basemap=has_basemap/> })}
            {list.then(|| view! { <list::MapList loaded=loaded on_ward=move |code| selected.set(Some(code)) on_report=move |id| report.set(Some(id))/> })}
        </section>
    }
}

/// Layers on and off, each with its legend: what the marks mean in words and shapes.
#[component]
fn LayerChooser(layers: RwSignal<Layers>, has_basemap: RwSignal<bool>) -> impl IntoView {
    let ctx = use_ctx();
    let check = move |id: &'static str,
                      key: &'static str,
                      get: fn(&Layers) -> bool,
                      set: fn(&mut Layers, bool)| {
        view! {
            <div class="choice">
                <input type="checkbox" id=id prop:checked=move || layers.with(get)
                    on:change=move |ev| { let on = event_target_checked(&ev); layers.update(|l| set(l, on)); }/>
                <label for=id>{move || ctx.t(key)}</label>
            </div>
        }
    };
    let score_choice = move |id: &'static str, key: &'static str, value: Option<ScoreKind>| {
        view! {
            <div class="choice">
                <input type="radio" name="map-score" id=id prop:checked=move || layers.with(|l| l.score == value)
                    on:change=move |_| layers.update(|l| l.score = value)/>
                <label for=id>{move || ctx.t(key)}</label>
            </div>
        }
    };
    view! {
        <fieldset class="map-layers" id="map-layers">
            <legend>{move || ctx.t("map.layers")}</legend>
            {check("layer-reports", "map.layer_reports", |l| l.reports, |l, on| l.reports = on)}
            <ul class="legend" aria-label=move || ctx.t("map.legend_reports")>
                <li><span class="mark mark-circle" aria-hidden="true"></span>{move || ctx.t("map.legend_waiting")}</li>
                <li><span class="mark mark-square" aria-hidden="true"></span>{move || ctx.t("map.legend_handling")}</li>
                <li><span class="mark mark-diamond" aria-hidden="true"></span>{move || ctx.t("map.legend_done")}</li>
                <li><span class="mark mark-cluster" aria-hidden="true"></span>{move || ctx.t("map.legend_cluster")}</li>
            </ul>
            {check("layer-offices", "map.layer_offices", |l| l.offices, |l, on| l.offices = on)}
            <ul class="legend" aria-label=move || ctx.t("map.legend_offices")>
                <li><span class="mark mark-office" aria-hidden="true"></span>{move || ctx.t("map.legend_office")}</li>
            </ul>
            <fieldset class="map-score">
                <legend>{move || ctx.t("map.layer_score")}</legend>
                {score_choice("score-none", "map.score_none", None)}
                {score_choice("score-on-time", ScoreKind::ResolvedOnTime.message_key(), Some(ScoreKind::ResolvedOnTime))}
                {score_choice("score-satisfied", ScoreKind::Satisfaction.message_key(), Some(ScoreKind::Satisfaction))}
            </fieldset>
            <Show when=move || layers.with(|l| l.score.is_some())>
                <ul class="legend" aria-label=move || ctx.t("map.legend_score")>
                    <li><span class="mark mark-low" aria-hidden="true"></span>{move || ctx.t("map.legend_low")}</li>
                    <li><span class="mark mark-high" aria-hidden="true"></span>{move || ctx.t("map.legend_high")}</li>
                    <li><span class="mark mark-hatch" aria-hidden="true"></span>{move || ctx.t("map.legend_no_score")}</li>
                </ul>
            </Show>
            <Show when=move || has_basemap.get()>
                {check("layer-basemap", "map.layer_basemap", |l| l.basemap, |l, on| l.basemap = on)}
            </Show>
            <ul class="legend">
                <li><span class="mark mark-mine" aria-hidden="true"></span>{move || ctx.t("map.legend_mine")}</li>
            </ul>
        </fieldset>
    }
}
