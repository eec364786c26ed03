//! The map bridge: MapLibre GL JS (npm, bundled into `dist/map/` by `cargo xtask ui`) behind a
//! few typed calls. The JavaScript module is imported the first time a map is opened, never at
//! start; screens use [`MapView`] and [`MapEvent`] only — no JS names outside this file and
//! `app-ui/map/map.js`. Dropping a [`MapView`] frees the map: `map.remove()`, its WebGL context
//! lost at once, its workers ended.

use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "export function import_map() { return import(new URL('./map/map.js', document.baseURI).href); }")]
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

    /// One map (`MapHandle` in map.js).
    type JsHandle;
    #[wasm_bindgen(method, js_name = setData)]
    fn set_data(this: &JsHandle, source: &str, text: &str);
    #[wasm_bindgen(method, js_name = setVisible)]
    fn set_visible(this: &JsHandle, group: &str, visible: bool);
    #[wasm_bindgen(method, js_name = setMine)]
    fn set_mine(this: &JsHandle, code: Option<String>);
    #[wasm_bindgen(method, js_name = setSelected)]
    fn set_selected(this: &JsHandle, code: Option<String>);
    #[wasm_bindgen(method, js_name = setScores)]
    fn set_scores(this: &JsHandle, text: &str);
    #[wasm_bindgen(method, js_name = setPicking)]
    fn set_picking(this: &JsHandle, on: bool);
    #[wasm_bindgen(method, js_name = setPin)]
    fn set_pin(this: &JsHandle, lat: Option<f64>, lon: Option<f64>);
    #[wasm_bindgen(method, js_name = flyTo)]
    fn fly_to(this: &JsHandle, lat: f64, lon: f64, zoom: f64);
    #[wasm_bindgen(method)]
    fn center(this: &JsHandle) -> js_sys::Float64Array;
    #[wasm_bindgen(method, js_name = zoomBy)]
    fn zoom_by(this: &JsHandle, delta: f64);
    #[wasm_bindgen(method, js_name = setBasemap, catch)]
    async fn set_basemap(
        this: &JsHandle,
        key: &str,
        get_bytes: &js_sys::Function,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, js_name = drawnCount)]
    fn drawn_count(this: &JsHandle, source: &str) -> u32;
    #[wasm_bindgen(method)]
    fn remove(this: &JsHandle);
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
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Wards => "wards",
            Self::Reports => "reports",
            Self::Offices => "offices",
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
    /// A point was chosen while picking.
    Point { lat: f64, lon: f64 },
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
}

/// One map on the page; dropping it frees the map.
pub struct MapView {
    handle: JsHandle,
    _on_event: Closure<dyn FnMut(JsValue)>,
    _basemap: Option<Closure<dyn FnMut(f64, f64) -> js_sys::Promise>>,
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
        let on_event = Closure::<dyn FnMut(JsValue)>::new(move |value: JsValue| {
            match serde_wasm_bindgen::from_value::<MapEvent>(value) {
                Ok(event) => on_event(event),
                Err(_) => leptos::logging::warn!("map: an event of an unknown kind"),
            }
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
        let handle = module
            .create(container, &js, on_event.as_ref().unchecked_ref())
            .map_err(|_| MapError::NotLoaded)?;
        Ok(Self {
            handle,
            _on_event: on_event,
            _basemap: None,
        })
    }

    /// Replaces a source's features with a GeoJSON FeatureCollection text.
    pub fn set_geojson(&self, source: Source, text: &str) {
        self.handle.set_data(source.as_str(), text);
    }

    pub fn show(&self, layer: Layer, visible: bool) {
        self.handle.set_visible(layer.as_str(), visible);
    }

    /// The citizen's ward, outlined.
    pub fn set_mine(&self, code: Option<&str>) {
        self.handle.set_mine(code.map(str::to_owned));
    }

    /// The ward whose card is open, outlined.
    pub fn set_selected(&self, code: Option<&str>) {
        self.handle.set_selected(code.map(str::to_owned));
    }

    /// The choropleth's values, 0–100, by ward code; a ward absent has no score (hatched).
    pub fn set_scores(&self, scores: &[(String, f64)]) {
        let map = js_sys::Object::new();
        for (code, score) in scores {
            set(&map, code, &(*score).into());
        }
        let text = js_sys::JSON::stringify(&map)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| "{}".to_owned());
        self.handle.set_scores(&text);
    }

    /// While picking, a tap gives [`MapEvent::Point`] instead of opening what is there.
    pub fn set_picking(&self, on: bool) {
        self.handle.set_picking(on);
    }

    pub fn set_pin(&self, at: Option<(f64, f64)>) {
        self.handle.set_pin(at.map(|p| p.0), at.map(|p| p.1));
    }

    pub fn fly_to(&self, lat: f64, lon: f64, zoom: f64) {
        self.handle.fly_to(lat, lon, zoom);
    }

    /// The map's centre, (lat, lon).
    pub fn center(&self) -> Option<(f64, f64)> {
        let c = self.handle.center().to_vec();
        Some((*c.first()?, *c.get(1)?))
    }

    pub fn zoom_by(&self, delta: f64) {
        self.handle.zoom_by(delta);
    }

    /// How many distinct features of `source` are drawn now (reports in clusters included).
    pub fn drawn(&self, source: Source) -> u32 {
        self.handle.drawn_count(source.as_str())
    }

    /// Draws the basemap from a `.pmtiles` archive whose bytes `read(offset, length)` gives
    /// (the shell reads the file); a range that fails leaves its tiles absent.
    pub async fn set_basemap<F, Fut>(&mut self, key: &str, read: F) -> Result<(), MapError>
    where
        F: Fn(u64, u64) -> Fut + 'static,
        Fut: Future<Output = Option<js_sys::Uint8Array>> + 'static,
    {
        let read = std::rc::Rc::new(read);
        let closure = Closure::<dyn FnMut(f64, f64) -> js_sys::Promise>::new(
            move |offset: f64, length: f64| {
                let read = read.clone();
                wasm_bindgen_futures::future_to_promise(async move {
                    match read(offset as u64, length as u64).await {
                        Some(bytes) => Ok(bytes.into()),
                        None => Err(JsValue::from_str("range not available")),
                    }
                })
            },
        );
        let result = self
            .handle
            .set_basemap(key, closure.as_ref().unchecked_ref())
            .await;
        self._basemap = Some(closure);
        result.map(|_| ()).map_err(|_| MapError::NotLoaded)
    }
}

impl Drop for MapView {
    fn drop(&mut self) {
        self.handle.remove();
    }
}

fn set(object: &js_sys::Object, key: &str, value: &JsValue) {
    // Setting a property of a plain object we made cannot fail.
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), value);
}
