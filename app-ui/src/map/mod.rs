//! The map bridge: MapLibre GL JS (npm, bundled into `dist/map/` by `cargo xtask ui`) behind a
//! few typed calls. The JavaScript module is imported the first time a map is opened, never at
//! start; screens use [`MapView`] and [`MapEvent`] only — no JS names outside this file and
//! `app-ui/map/map.js`. Dropping a [`MapView`] frees the map: `map.remove()`, its WebGL context
//! lost at once, its workers ended.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(
    inline_js = "export function import_map() { return import(new URL('./map/map.js', document.baseURI).href); }"
)]
extern "C" {
    /// The map module (`dist/map/map.js`), imported once; later calls get the same module.
    #[wasm_bindgen(catch)]
    async fn import_map() -> Result<JsValue, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `dist/map/map.js`'s exports.
    type MapModule;
    #[wasm_bindgen(method, catch)]
    fn create(
        this: &MapModule,
        container: &web_sys::HtmlElement,
        options: &JsValue,
        on_event: &js_sys::Function,
    ) -> Result<JsHandle, JsValue>;

    /// One map (`MapHandle` in map.js). Every operation goes through `send` (one import in the
    /// start part's glue for all of them; the operations are typed by [`Op`]).
    type JsHandle;
    #[wasm_bindgen(method, catch)]
    fn send(this: &JsHandle, op: &JsValue) -> Result<JsValue, JsValue>;
}

/// What the Rust side asks of map.js's `MapHandle::send`, one variant per operation.
#[derive(Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Op<'a> {
    SetData {
        source: &'a str,
        text: &'a str,
    },
    SetLabels {
        labels: &'a [Label<'a>],
    },
    FrameMainland,
    SetVisible {
        group: &'a str,
        visible: bool,
    },
    SetMine {
        code: Option<&'a str>,
    },
    SetSelected {
        code: Option<&'a str>,
    },
    SetScores {
        scores: BTreeMap<&'a str, f64>,
    },
    SetPicking {
        on: bool,
    },
    SetPin {
        lat: Option<f64>,
        lon: Option<f64>,
    },
    FlyTo {
        lat: f64,
        lon: f64,
        zoom: f64,
    },
    ZoomBy {
        delta: f64,
    },
    Center,
    DrawnCount {
        source: &'a str,
    },
    SetBasemap {
        key: &'a str,
        #[serde(with = "serde_wasm_bindgen::preserve")]
        get_bytes: JsValue,
    },
    Remove,
}

/// A unit's name drawn on the map at its centroid; larger units win where two would overlap.
#[derive(Serialize)]
pub struct Label<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub lat: f64,
    pub lon: f64,
    /// km², the order in which labels are placed.
    pub area: f64,
}

/// Why a map could not be shown; each has its message key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapError {
    /// The map's code did not load or MapLibre could not start (e.g. no WebGL).
    NotLoaded,
}

impl MapError {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::NotLoaded => "map.not_loaded",
        }
    }
}

/// The GeoJSON sources of the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// One polygon per unit, property `code` (its id), `name`, `kind`.
    Wards,
    /// Report points, property `id` and `status` (`model::feedback::RequestStatus` wire names).
    Reports,
    /// Ward offices, property `code` (the ward's).
    Offices,
    /// The basemap (only counted: its tiles drawn now).
    Basemap,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Wards => "wards",
            Self::Reports => "reports",
            Self::Offices => "offices",
            Self::Basemap => "basemap",
        }
    }
}

/// The layers the citizen switches on and off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    Reports,
    /// The choropleth of the chosen score (a ward with none is hatched).
    Score,
    Offices,
    Basemap,
}

impl Layer {
    fn as_str(self) -> &'static str {
        match self {
            Self::Reports => "reports",
            Self::Score => "score",
            Self::Offices => "offices",
            Self::Basemap => "basemap",
        }
    }
}

/// What the map tells the screen.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MapEvent {
    /// A ward was tapped.
    Ward { code: String },
    /// A report point was tapped (its public id).
    Report { id: String },
    /// A ward office was tapped (its ward's code).
    Office { code: String },
    /// A point was chosen while picking (a tap, or Enter on the canvas: its centre).
    Point { lat: f64, lon: f64 },
    /// The canvas has the keyboard's focus and its centre is on this ward (none: off the city).
    Centre {
        code: Option<String>,
        name: Option<String>,
        /// The canvas lost the focus: nothing to say.
        #[serde(default)]
        away: bool,
    },
    /// Everything asked for is drawn.
    Idle,
    /// MapLibre reported a problem (a tile that failed, …); the map goes on.
    Error { message: String },
}

/// Where the map opens and the texts of its own controls.
pub struct Options {
    pub lat: f64,
    pub lon: f64,
    pub zoom: f64,
    /// MapLibre's own accessible names (`Map.Title`, …), translated.
    pub locale: Vec<(&'static str, &'static str)>,
    /// The first ward shapes set the view to all of them.
    pub fit: bool,
}

/// A Rust function map.js calls: one value in, one out (one signature: one shim in the glue).
type Callback = Closure<dyn FnMut(JsValue) -> JsValue>;

/// One map on the page; dropping it frees the map.
pub struct MapView {
    handle: JsHandle,
    _on_event: Callback,
    basemap: std::cell::RefCell<Option<Callback>>,
}

impl MapView {
    /// Loads the map's code (first time only) and draws an empty map in `container`.
    pub async fn open(
        container: &web_sys::HtmlElement,
        options: Options,
        mut on_event: impl FnMut(MapEvent) + 'static,
    ) -> Result<Self, MapError> {
        let module: MapModule = import_map()
            .await
            .map_err(|_| MapError::NotLoaded)?
            .unchecked_into();
        let on_event = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |value: JsValue| {
            match serde_wasm_bindgen::from_value::<MapEvent>(value) {
                Ok(event) => on_event(event),
                Err(_) => leptos::logging::warn!("map: an event of an unknown kind"),
            }
            JsValue::UNDEFINED
        });
        let js = js_sys::Object::new();
        let center = js_sys::Array::of2(&options.lon.into(), &options.lat.into());
        let locale = js_sys::Object::new();
        for (key, text) in options.locale {
            set(&locale, key, &JsValue::from_str(text));
        }
        set(&js, "center", &center);
        set(&js, "zoom", &options.zoom.into());
        set(&js, "locale", &locale);
        set(&js, "fit", &options.fit.into());
        let handle = module
            .create(container, &js, on_event.as_ref().unchecked_ref())
            .map_err(|_| MapError::NotLoaded)?;
        Ok(Self {
            handle,
            _on_event: on_event,
            basemap: std::cell::RefCell::new(None),
        })
    }

    /// Replaces a source's features with a GeoJSON FeatureCollection text.
    pub fn set_geojson(&self, source: Source, text: &str) {
        self.send(&Op::SetData {
            source: source.as_str(),
            text,
        });
    }

    /// The units' names, drawn where they fit.
    pub fn set_labels(&self, labels: &[Label<'_>]) {
        self.send(&Op::SetLabels { labels });
    }

    /// The first view again: the mainland framed (Côn Đảo is flown to with [`Self::fly_to`]).
    pub fn frame_mainland(&self) {
        self.send(&Op::FrameMainland);
    }

    pub fn show(&self, layer: Layer, visible: bool) {
        self.send(&Op::SetVisible {
            group: layer.as_str(),
            visible,
        });
    }

    /// The citizen's ward, outlined.
    pub fn set_mine(&self, code: Option<&str>) {
        self.send(&Op::SetMine { code });
    }

    /// The ward whose card is open, outlined.
    pub fn set_selected(&self, code: Option<&str>) {
        self.send(&Op::SetSelected { code });
    }

    /// The choropleth's values, 0–100, by ward code; a ward absent has no score (hatched).
    pub fn set_scores(&self, scores: &[(String, f64)]) {
        let scores = scores.iter().map(|(c, v)| (c.as_str(), *v)).collect();
        self.send(&Op::SetScores { scores });
    }

    /// While picking, a tap gives [`MapEvent::Point`] instead of opening what is there.
    pub fn set_picking(&self, on: bool) {
        self.send(&Op::SetPicking { on });
    }

    pub fn set_pin(&self, at: Option<(f64, f64)>) {
        self.send(&Op::SetPin {
            lat: at.map(|p| p.0),
            lon: at.map(|p| p.1),
        });
    }

    pub fn fly_to(&self, lat: f64, lon: f64, zoom: f64) {
        self.send(&Op::FlyTo { lat, lon, zoom });
    }

    /// The map's centre, (lat, lon).
    pub fn center(&self) -> Option<(f64, f64)> {
        let c: Vec<f64> = serde_wasm_bindgen::from_value(self.send(&Op::Center)).ok()?;
        Some((*c.first()?, *c.get(1)?))
    }

    pub fn zoom_by(&self, delta: f64) {
        self.send(&Op::ZoomBy { delta });
    }

    /// How many distinct features of `source` are drawn now (reports in clusters included).
    pub fn drawn(&self, source: Source) -> u32 {
        self.send(&Op::DrawnCount {
            source: source.as_str(),
        })
        .as_f64()
        .map_or(0, |n| n as u32)
    }

    /// Draws the basemap from a `.pmtiles` archive whose bytes `read(offset, length)` gives
    /// (the shell reads the file); a range that fails leaves its tiles absent.
    pub fn set_basemap<F, Fut>(
        &self,
        key: &str,
        read: F,
    ) -> impl Future<Output = Result<(), MapError>> + use<F, Fut>
    where
        F: Fn(u64, u64) -> Fut + 'static,
        Fut: Future<Output = Option<js_sys::Uint8Array>> + 'static,
    {
        let read = std::rc::Rc::new(read);
        // Called with [offset, length]; answers a promise of the bytes.
        let closure = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |range: JsValue| {
            let read = read.clone();
            let range: Option<(f64, f64)> = serde_wasm_bindgen::from_value(range).ok();
            wasm_bindgen_futures::future_to_promise(async move {
                let (offset, length) = range.ok_or_else(|| JsValue::from_str("bad range"))?;
                match read(offset as u64, length as u64).await {
                    Some(bytes) => Ok(bytes.into()),
                    None => Err(JsValue::from_str("range not available")),
                }
            })
            .into()
        });
        let op = Op::SetBasemap {
            key,
            get_bytes: closure.as_ref().clone(),
        };
        let promise = self.send(&op).dyn_into::<js_sys::Promise>();
        // Kept as long as the map: the archive is read again for each tile.
        *self.basemap.borrow_mut() = Some(closure);
        async move {
            match promise {
                Ok(p) => wasm_bindgen_futures::JsFuture::from(p)
                    .await
                    .map(|_| ())
                    .map_err(|_| MapError::NotLoaded),
                Err(_) => Err(MapError::NotLoaded),
            }
        }
    }

    /// One operation; what it answers (`undefined` for most). A failure is logged: the map
    /// goes on without it.
    fn send(&self, op: &Op<'_>) -> JsValue {
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let Ok(value) = op.serialize(&serializer) else {
            return JsValue::UNDEFINED;
        };
        self.handle.send(&value).unwrap_or_else(|_| {
            leptos::logging::warn!("map: an operation failed");
            JsValue::UNDEFINED
        })
    }
}

impl Drop for MapView {
    fn drop(&mut self) {
        self.send(&Op::Remove);
    }
}

fn set(object: &js_sys::Object, key: &str, value: &JsValue) {
    // Setting a property of a plain object we made cannot fail.
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), value);
}
