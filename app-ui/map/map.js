// The map part's JavaScript: MapLibre GL JS and pmtiles from npm, bundled by `cargo xtask ui`
// into dist/map/map.js and imported only when the map screen opens (app-ui/src/map/). The Rust
// side (app-ui/src/map/mod.rs) is the only caller: it creates one map, sends GeoJSON texts,
// switches layers and hears typed events back through `onEvent`. No remote origin: the style is
// written here with no `glyphs` URL — MapLibre 6 then draws the few texts on the map (ward names,
// cluster counts) itself from the device's fonts (TinySDF, a Vietnamese letter and its marks as one
// cluster): no glyph files bundled, nothing fetched. Icons drawn on a canvas, the basemap read
// through a custom pmtiles Source whose bytes come from the shell.
import { Map as MapLibre, addProtocol, removeProtocol, setWorkerUrl } from "maplibre-gl";
import { PMTiles, Protocol, TileType } from "pmtiles";

const here = import.meta.url;
// Under tauri:// MapLibre cannot find its worker by itself: give it the bundled file.
setWorkerUrl(new URL("./maplibre-gl-worker.mjs", here).href);

// MapLibre's CSS and the map screen's own, from the map part (not loaded at start).
function loadCss() {
  for (const file of ["./maplibre-gl.css", "./map.css"]) {
    const href = new URL(file, here).href;
    if (!document.querySelector(`link[href="${href}"]`)) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.appendChild(link);
    }
  }
}

// Report states: colour AND shape (nothing only in colour): waiting (received, assigned) a
// circle, being handled (in progress, reopened) a square, anything else a diamond.
const REPORT_ICONS = {
  open: { colour: "#c2410c", shape: "circle" },
  in_progress: { colour: "#1d4ed8", shape: "square" },
  other: { colour: "#4b5563", shape: "diamond" },
};

function drawIcon(shape, colour, size) {
  const ratio = 2;
  const px = size * ratio;
  const canvas = document.createElement("canvas");
  canvas.width = px;
  canvas.height = px;
  const c = canvas.getContext("2d");
  c.fillStyle = colour;
  c.strokeStyle = "#ffffff";
  c.lineWidth = 2 * ratio;
  const m = 3 * ratio;
  c.beginPath();
  if (shape === "circle") {
    c.arc(px / 2, px / 2, px / 2 - m, 0, Math.PI * 2);
  } else if (shape === "square") {
    c.rect(m, m, px - 2 * m, px - 2 * m);
  } else if (shape === "diamond") {
    c.moveTo(px / 2, m);
    c.lineTo(px - m, px / 2);
    c.lineTo(px / 2, px - m);
    c.lineTo(m, px / 2);
    c.closePath();
  } else if (shape === "office") {
    // A house: roof and walls.
    c.moveTo(px / 2, m);
    c.lineTo(px - m, px / 2);
    c.lineTo(px - 2 * m, px / 2);
    c.lineTo(px - 2 * m, px - m);
    c.lineTo(2 * m, px - m);
    c.lineTo(2 * m, px / 2);
    c.lineTo(m, px / 2);
    c.closePath();
  } else if (shape === "pin") {
    c.arc(px / 2, px / 2.6, px / 3, Math.PI, 0);
    c.lineTo(px / 2, px - m);
    c.closePath();
  }
  c.fill();
  c.stroke();
  return { image: c.getImageData(0, 0, px, px), ratio };
}

function hatch() {
  const px = 16;
  const canvas = document.createElement("canvas");
  canvas.width = px;
  canvas.height = px;
  const c = canvas.getContext("2d");
  c.strokeStyle = "#6b7280";
  c.lineWidth = 2;
  c.beginPath();
  c.moveTo(0, px);
  c.lineTo(px, 0);
  c.moveTo(-px / 2, px / 2);
  c.lineTo(px / 2, -px / 2);
  c.moveTo(px / 2, px + px / 2);
  c.lineTo(px + px / 2, px / 2);
  c.stroke();
  return c.getImageData(0, 0, px, px);
}

/// [[west, south], [east, north]] of a FeatureCollection's coordinates north of `south` (all
/// when not given), or null.
function bounds(data, south = -Infinity) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === "number") {
      if (c[1] < south) return;
      w = Math.min(w, c[0]); e = Math.max(e, c[0]);
      s = Math.min(s, c[1]); n = Math.max(n, c[1]);
    } else for (const k of c) walk(k);
  };
  for (const f of data.features || []) if (f.geometry) walk(f.geometry.coordinates);
  return w <= e && s <= n ? [[w, s], [e, n]] : null;
}

const EMPTY = { type: "FeatureCollection", features: [] };

/// South of this latitude lies only Côn Đảo (8.6–8.8° N; the mainland reaches 10.3° N): the
/// first view frames the mainland and a button flies to the islands.
const ISLANDS_NORTH = 9.5;

/// The page's own sans-serif first (Noto Sans covers Vietnamese), then the device's.
const FONT = ["Noto Sans", "Roboto", "Segoe UI", "Arial"];
const FONT_BOLD = ["Noto Sans Bold", ...FONT];

function style() {
  return {
    version: 8,
    sources: {
      wards: { type: "geojson", data: EMPTY, promoteId: "code" },
      labels: { type: "geojson", data: EMPTY },
      reports: { type: "geojson", data: EMPTY, cluster: true, clusterRadius: 40, clusterMaxZoom: 15 },
      offices: { type: "geojson", data: EMPTY },
      pin: { type: "geojson", data: EMPTY },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#cfe2ee" } },
      {
        id: "wards-fill",
        type: "fill",
        source: "wards",
        paint: {
          "fill-color": ["case", ["boolean", ["feature-state", "mine"], false], "#fcd980", "#eef3e6"],
          "fill-opacity": 0.92,
        },
      },
      {
        id: "score-hatch",
        type: "fill",
        source: "wards",
        layout: { visibility: "none" },
        paint: { "fill-pattern": "hatch" },
      },
      {
        id: "score-fill",
        type: "fill",
        source: "wards",
        layout: { visibility: "none" },
        paint: {
          "fill-color": [
            "interpolate", ["linear"], ["coalesce", ["feature-state", "score"], 0],
            0, "#b91c1c", 50, "#f59e0b", 100, "#15803d",
          ],
          "fill-opacity": ["case", ["==", ["typeof", ["feature-state", "score"]], "number"], 0.85, 0],
        },
      },
      {
        id: "wards-line",
        type: "line",
        source: "wards",
        paint: {
          "line-color": "#5b6b7f",
          "line-width": ["interpolate", ["linear"], ["zoom"], 8, 0.6, 11, 1.2, 14, 2],
        },
      },
      {
        id: "wards-mine",
        type: "line",
        source: "wards",
        paint: {
          "line-color": "#92400e",
          "line-width": ["interpolate", ["linear"], ["zoom"], 8, 2.5, 12, 4],
          "line-opacity": ["case", ["boolean", ["feature-state", "mine"], false], 1, 0],
        },
      },
      {
        id: "wards-selected",
        type: "line",
        source: "wards",
        paint: {
          "line-color": "#111827",
          "line-width": 3,
          "line-dasharray": [2, 1],
          "line-opacity": ["case", ["boolean", ["feature-state", "selected"], false], 1, 0],
        },
      },
      {
        // Ward names where they fit: MapLibre leaves out a label that would overlap another, the
        // larger units first; none below zoom 9, where even those would be a smudge.
        id: "ward-labels",
        type: "symbol",
        source: "labels",
        minzoom: 9,
        layout: {
          "text-field": ["get", "label"],
          "text-font": FONT,
          "text-size": ["interpolate", ["linear"], ["zoom"], 9, 11, 13, 15],
          "text-max-width": 7,
          "text-padding": 4,
          "symbol-sort-key": ["-", 0, ["get", "area"]],
        },
        paint: { "text-color": "#1f2937", "text-halo-color": "#ffffff", "text-halo-width": 1.5 },
      },
      {
        id: "offices",
        type: "symbol",
        source: "offices",
        layout: { "icon-image": "office", "icon-allow-overlap": true },
      },
      {
        id: "report-clusters",
        type: "circle",
        source: "reports",
        filter: ["has", "point_count"],
        paint: {
          "circle-color": "#7c2d12",
          "circle-opacity": 0.85,
          "circle-stroke-color": "#ffffff",
          "circle-stroke-width": 2,
          "circle-radius": ["step", ["get", "point_count"], 14, 10, 18, 100, 24, 1000, 30],
        },
      },
      {
        id: "report-counts",
        type: "symbol",
        source: "reports",
        filter: ["has", "point_count"],
        layout: {
          "text-field": ["get", "point_count_abbreviated"],
          "text-font": FONT_BOLD,
          "text-size": 13,
          "text-allow-overlap": true,
          "text-ignore-placement": true,
        },
        paint: { "text-color": "#ffffff" },
      },
      {
        id: "report-points",
        type: "symbol",
        source: "reports",
        filter: ["!", ["has", "point_count"]],
        layout: {
          "icon-image": [
            "match", ["get", "status"],
            ["received", "assigned"], "report-open",
            ["in_progress", "reopened"], "report-in_progress",
            "report-other",
          ],
          "icon-allow-overlap": true,
          // A mark never hides a ward's name (nor a name a mark).
          "icon-ignore-placement": true,
        },
      },
      {
        id: "pin",
        type: "symbol",
        source: "pin",
        layout: { "icon-image": "pin", "icon-anchor": "bottom", "icon-allow-overlap": true },
      },
    ],
  };
}

// The switchable layers and the style layers each one shows.
const GROUPS = {
  reports: ["report-clusters", "report-counts", "report-points"],
  score: ["score-hatch", "score-fill"],
  offices: ["offices"],
  basemap: ["basemap-raster", "basemap-fill", "basemap-line"],
};

const CLICKABLE = ["report-clusters", "report-points", "offices", "wards-fill"];

let protocolAdded = false;
const protocol = new Protocol();

/// One map on `container`. `options`: { center: [lon, lat], zoom, locale, fit }; with `fit` the
/// first wards data sets the view to all of them (Côn Đảo included: every unit is drawn). `onEvent(object)` gets
/// { kind: "ward"|"report"|"office"|"point"|"idle"|"error", … }.
export function create(container, options, onEvent) {
  loadCss();
  const map = new MapLibre({
    container,
    style: style(),
    center: options.center,
    zoom: options.zoom,
    minZoom: 6,
    maxZoom: 18,
    attributionControl: false,
    locale: options.locale || {},
    // Keeps what was drawn for screenshots and pixel checks; costs little at these sizes.
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  const handle = new MapHandle(map, onEvent);
  handle.fit = !!options.fit;
  map.on("load", () => {
    for (const [state, icon] of Object.entries(REPORT_ICONS)) {
      const { image, ratio } = drawIcon(icon.shape, icon.colour, 22);
      map.addImage(`report-${state}`, image, { pixelRatio: ratio });
    }
    const office = drawIcon("office", "#0f766e", 24);
    map.addImage("office", office.image, { pixelRatio: office.ratio });
    const pin = drawIcon("pin", "#be123c", 30);
    map.addImage("pin", pin.image, { pixelRatio: pin.ratio });
    map.addImage("hatch", hatch());
    handle.loaded = true;
    for (const f of handle.pending.splice(0)) f();
  });
  map.on("idle", () => onEvent({ kind: "idle" }));
  map.on("error", (e) => onEvent({ kind: "error", message: String((e && e.error && e.error.message) || e) }));
  map.on("click", (e) => handle.click(e));
  // The keyboard on the canvas: MapLibre's own keys move and zoom it; a ring marks its centre
  // (map.css), the ward there is told to screen readers after each move, Enter opens its card.
  const canvas = map.getCanvas();
  canvas.addEventListener("keydown", (e) => handle.key(e));
  canvas.addEventListener("focus", () => handle.tellCentre());
  canvas.addEventListener("blur", () => handle.onEvent({ kind: "centre", code: null, name: null, away: true }));
  map.on("moveend", () => {
    if (document.activeElement === canvas) handle.tellCentre();
  });
  // The frame fills the screen below what is above it (the app bar, the screen's head).
  handle.fill = () => {
    fillBelow(container);
    map.resize();
    // Until the citizen moves it, the browse map's first view stays the mainland framed at any
    // window size (a map for picking keeps its view: its pin and centre mean places).
    if (!handle.moved && handle.mainland && container.parentElement?.classList.contains("fill")) map.fitBounds(handle.mainland, { padding: 8, animate: false });
  };
  map.on("movestart", (e) => {
    if (e && e.originalEvent) handle.moved = true;
  });
  window.addEventListener("resize", handle.fill);
  handle.fill();
  for (const layer of CLICKABLE) {
    map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
    map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
  }
  return handle;
}

/// Sets the height of `container`'s frame (its parent) to what is left of the window below the
/// frame's top, so the map fills a phone's screen under the header; never less than 18 rem.
function fillBelow(container) {
  const frame = container.parentElement;
  if (!frame || !frame.classList.contains("fill")) return;
  const top = frame.getBoundingClientRect().top + window.scrollY;
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  frame.style.height = `${Math.max(18 * rem, window.innerHeight - top - 0.5 * rem)}px`;
}

class MapHandle {
  constructor(map, onEvent) {
    this.map = map;
    this.onEvent = onEvent;
    this.loaded = false;
    this.pending = [];
    this.picking = false;
    this.selected = null;
    this.mine = null;
    this.scores = {};
    this.basemapKey = null;
    this.moved = false;
    // The units drawn since the shapes were set, in any view (Côn Đảo is off the first one).
    this.seenWards = new Set();
  }

  /// The one door from Rust (`app-ui/src/map/mod.rs`, `Op`): one typed operation per call, so
  /// the UI's start glue holds one import for all of them.
  send(op) {
    switch (op.op) {
      case "set_data": return this.setData(op.source, op.text);
      case "set_labels": return this.setLabels(op.labels);
      case "frame_mainland": return this.frameMainland();
      case "set_visible": return this.setVisible(op.group, op.visible);
      case "set_mine": return this.setMine(op.code);
      case "set_selected": return this.setSelected(op.code);
      case "set_scores": return this.setScores(op.scores);
      case "set_picking": return this.setPicking(op.on);
      case "set_pin": return this.setPin(op.lat, op.lon);
      case "fly_to": return this.flyTo(op.lat, op.lon, op.zoom);
      case "zoom_by": return this.zoomBy(op.delta);
      case "center": return this.center();
      case "drawn_count": return this.drawnCount(op.source);
      case "set_basemap": return this.setBasemap(op.key, op.get_bytes);
      case "remove": return this.remove();
      default: throw new Error(`map: unknown operation ${op.op}`);
    }
  }

  whenLoaded(f) {
    if (this.loaded) f();
    else this.pending.push(f);
  }

  click(e) {
    const map = this.map;
    if (this.picking) {
      this.onEvent({ kind: "point", lat: e.lngLat.lat, lon: e.lngLat.lng });
      return;
    }
    const layers = CLICKABLE.filter((l) => map.getLayer(l) && map.getLayoutProperty(l, "visibility") !== "none");
    const hit = map.queryRenderedFeatures(e.point, { layers })[0];
    if (!hit) return;
    const layer = hit.layer.id;
    if (layer === "report-clusters") {
      const source = map.getSource("reports");
      source.getClusterExpansionZoom(hit.properties.cluster_id).then((zoom) =>
        map.easeTo({ center: hit.geometry.coordinates, zoom }),
      );
    } else if (layer === "report-points") {
      this.onEvent({ kind: "report", id: String(hit.properties.id) });
    } else if (layer === "offices") {
      this.onEvent({ kind: "office", code: String(hit.properties.wardCode) });
    } else if (layer === "wards-fill") {
      this.onEvent({ kind: "ward", code: String(hit.properties.code) });
    }
  }

  /// The ward at the map's centre (the first drawn there), or null.
  centreWard() {
    const map = this.map;
    if (!map || !map.getLayer("wards-fill")) return null;
    const c = map.project(map.getCenter());
    const hit = map.queryRenderedFeatures(c, { layers: ["wards-fill"] })[0];
    return hit ? { code: String(hit.properties.code), name: String(hit.properties.name || "") } : null;
  }

  /// Tells the screen which ward the centre is on (it says so in a live region).
  tellCentre() {
    const ward = this.centreWard();
    this.onEvent({ kind: "centre", code: ward ? ward.code : null, name: ward ? ward.name : null });
  }

  /// Enter (or Space) on the canvas: the ward at the centre, as a tap would; while picking, the
  /// centre is the point chosen.
  key(e) {
    if (e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    if (this.picking) {
      const c = this.map.getCenter();
      this.onEvent({ kind: "point", lat: c.lat, lon: c.lng });
      return;
    }
    const ward = this.centreWard();
    if (ward) this.onEvent({ kind: "ward", code: ward.code });
  }

  /// Ward names drawn at these points: [{ code, name, lat, lon, area }] (the catalogue's centroids,
  /// inside each schematic cell by construction). The kind ("Phường", "Xã", "Đặc khu") is left off
  /// the map to fit; the card and the list say it.
  setLabels(labels) {
    const features = (labels || []).map((l) => ({
      type: "Feature",
      properties: { code: l.code, label: l.name.replace(/^(Phường|Xã|Đặc khu)\s+/u, ""), area: l.area },
      geometry: { type: "Point", coordinates: [l.lon, l.lat] },
    }));
    this.whenLoaded(() => this.map.getSource("labels").setData({ type: "FeatureCollection", features }));
  }

  /// Back to the first view: the mainland framed.
  frameMainland() {
    this.moved = false;
    if (this.mainland) this.map.fitBounds(this.mainland, { padding: 8 });
  }

  /// Replaces a source's data with a GeoJSON text.
  setData(source, text) {
    const data = JSON.parse(text);
    this.whenLoaded(() => {
      this.map.getSource(source).setData(data);
      if (source === "wards") {
        this.seenWards = new Set();
        this.restoreStates();
        // The mainland framed; Côn Đảo is one button away (`frame`), not shrinking the city.
        this.mainland = bounds(data, ISLANDS_NORTH) || bounds(data);
        if (this.fit) {
          this.fit = false;
          if (this.mainland) this.map.fitBounds(this.mainland, { padding: 8, animate: false });
        }
      }
    });
  }

  restoreStates() {
    if (this.mine) this.map.setFeatureState({ source: "wards", id: this.mine }, { mine: true });
    if (this.selected) this.map.setFeatureState({ source: "wards", id: this.selected }, { selected: true });
    for (const [code, score] of Object.entries(this.scores)) {
      this.map.setFeatureState({ source: "wards", id: code }, { score });
    }
  }

  setMine(code) {
    this.whenLoaded(() => {
      if (this.mine) this.map.setFeatureState({ source: "wards", id: this.mine }, { mine: false });
      this.mine = code || null;
      if (this.mine) this.map.setFeatureState({ source: "wards", id: this.mine }, { mine: true });
    });
  }

  setSelected(code) {
    this.whenLoaded(() => {
      if (this.selected) this.map.setFeatureState({ source: "wards", id: this.selected }, { selected: false });
      this.selected = code || null;
      if (this.selected) this.map.setFeatureState({ source: "wards", id: this.selected }, { selected: true });
    });
  }

  /// Scores for the choropleth: { code: number }; a ward absent has none (hatched).
  setScores(scores) {
    this.whenLoaded(() => {
      for (const code of Object.keys(this.scores)) {
        this.map.setFeatureState({ source: "wards", id: code }, { score: null });
      }
      this.scores = scores;
      this.restoreStates();
    });
  }

  setVisible(group, visible) {
    this.whenLoaded(() => {
      for (const layer of GROUPS[group] || []) {
        if (this.map.getLayer(layer)) {
          this.map.setLayoutProperty(layer, "visibility", visible ? "visible" : "none");
        }
      }
    });
  }

  setPicking(on) {
    this.picking = !!on;
    this.map.getCanvas().style.cursor = on ? "crosshair" : "";
  }

  setPin(lat, lon) {
    const data =
      lat === undefined || lat === null
        ? EMPTY
        : { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [lon, lat] } }] };
    this.whenLoaded(() => this.map.getSource("pin").setData(data));
  }

  flyTo(lat, lon, zoom) {
    this.moved = true;
    this.map.flyTo({ center: [lon, lat], zoom, essential: true });
  }

  /// The map's centre, [lat, lon]: "choose the centre" for keyboard users.
  center() {
    const c = this.map.getCenter();
    return [c.lat, c.lng];
  }

  zoomBy(delta) {
    this.moved = true;
    this.map.easeTo({ zoom: this.map.getZoom() + delta });
  }

  /// The basemap: a .pmtiles archive read by `getBytes([offset, length]) -> Promise<Uint8Array>`
  /// (the shell reads the file). Raster archives draw as a raster layer; vector ones as plain
  /// fills and lines of each of their layers (no labels: no glyphs). Absent tiles stay absent.
  async setBasemap(key, getBytes) {
    const source = {
      getKey: () => key,
      getBytes: async (offset, length) => {
        const bytes = await getBytes([offset, length]);
        return { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) };
      },
    };
    const archive = new PMTiles(source);
    const header = await archive.getHeader();
    if (!protocolAdded) {
      addProtocol("pmtiles", protocol.tile);
      protocolAdded = true;
    }
    protocol.add(archive);
    this.basemapKey = key;
    const url = `pmtiles://${key}`;
    const below = "wards-fill";
    this.whenLoaded(async () => {
      const map = this.map;
      if (header.tileType === TileType.Mvt) {
        const meta = await archive.getMetadata();
        map.addSource("basemap", { type: "vector", url });
        const names = ((meta && meta.vector_layers) || []).map((l) => l.id);
        for (const name of names) {
          map.addLayer({ id: `basemap-fill-${name}`, type: "fill", source: "basemap", "source-layer": name, filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": "#e7ece4" } }, below);
          map.addLayer({ id: `basemap-line-${name}`, type: "line", source: "basemap", "source-layer": name, paint: { "line-color": "#b8c2c9", "line-width": 1 } }, below);
        }
        GROUPS.basemap = names.flatMap((n) => [`basemap-fill-${n}`, `basemap-line-${n}`]);
      } else {
        map.addSource("basemap", { type: "raster", url, tileSize: 256 });
        map.addLayer({ id: "basemap-raster", type: "raster", source: "basemap" }, below);
        GROUPS.basemap = ["basemap-raster"];
      }
      // Wards drawn see-through over a basemap.
      map.setPaintProperty("wards-fill", "fill-opacity", 0.35);
    });
    return header.tileType;
  }

  /// How many distinct features of a source the map has drawn (test hook and list counts):
  /// wards by code, every unit drawn since the shapes were set (in this view or an earlier one);
  /// reports by id, clusters counted by their points, in the tiles loaded now; basemap tiles.
  drawnCount(source) {
    const map = this.map;
    if (!this.loaded || !map.getSource(source)) return 0;
    if (source === "basemap") {
      // Tiles, not features (a raster has none): those drawn in view now, none when switched off.
      const shown = GROUPS.basemap.some((l) => map.getLayer(l) && map.getLayoutProperty(l, "visibility") !== "none");
      if (!shown) return 0;
      const tiles = map.style && map.style.tileManagers && map.style.tileManagers.basemap;
      return tiles ? tiles.getRenderableIds().length : 0;
    }
    const seen = new Set();
    let clustered = 0;
    for (const f of map.querySourceFeatures(source)) {
      const p = f.properties || {};
      if (p.cluster) {
        if (!seen.has(`c${p.cluster_id}`)) {
          seen.add(`c${p.cluster_id}`);
          clustered += p.point_count;
        }
      } else {
        seen.add(`f${p.code ?? p.id}`);
      }
    }
    if (source === "wards") {
      for (const k of seen) this.seenWards.add(k);
      return this.seenWards.size;
    }
    return [...seen].filter((k) => k.startsWith("f")).length + clustered;
  }

  /// Frees everything: the map and its WebGL context (lost at once, not when collected), its
  /// workers (MapLibre ends its pool when the last map goes) and the basemap archive.
  remove() {
    const map = this.map;
    const gl = map.painter && map.painter.context && map.painter.context.gl;
    window.removeEventListener("resize", this.fill);
    // Nothing is told any more (removing the canvas blurs it while the screen is going).
    this.onEvent = () => {};
    map.remove();
    if (gl) {
      const lose = gl.getExtension("WEBGL_lose_context");
      if (lose) lose.loseContext();
    }
    if (this.basemapKey) {
      protocol.tiles.delete(this.basemapKey);
      if (protocol.tiles.size === 0 && protocolAdded) {
        removeProtocol("pmtiles");
        protocolAdded = false;
      }
    }
    this.map = null;
    this.mainland = null;
  }
}
