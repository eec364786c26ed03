// The map part's JavaScript: MapLibre GL JS and pmtiles from npm, bundled by `cargo xtask ui`
// into dist/map/map.js and imported only when the map screen opens (app-ui/src/map/). The Rust
// side (app-ui/src/map/mod.rs) is the only caller: it creates one map, sends GeoJSON texts,
// switches layers and hears typed events back through `onEvent`. No remote origin: the style is
// written here, no glyphs (no text layers: labels are HTML or in the list view), icons drawn on
// a canvas, the basemap read through a custom pmtiles Source whose bytes come from the shell.
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

/// [[west, south], [east, north]] of a FeatureCollection's coordinates, or null.
function bounds(data) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === "number") {
      w = Math.min(w, c[0]); e = Math.max(e, c[0]);
      s = Math.min(s, c[1]); n = Math.max(n, c[1]);
    } else for (const k of c) walk(k);
  };
  for (const f of data.features || []) if (f.geometry) walk(f.geometry.coordinates);
  return w <= e && s <= n ? [[w, s], [e, n]] : null;
}

const EMPTY = { type: "FeatureCollection", features: [] };

function style() {
  return {
    version: 8,
    sources: {
      wards: { type: "geojson", data: EMPTY, promoteId: "code" },
      reports: { type: "geojson", data: EMPTY, cluster: true, clusterRadius: 40, clusterMaxZoom: 15 },
      offices: { type: "geojson", data: EMPTY },
      pin: { type: "geojson", data: EMPTY },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#dbe7ef" } },
      {
        id: "wards-fill",
        type: "fill",
        source: "wards",
        paint: {
          "fill-color": ["case", ["boolean", ["feature-state", "mine"], false], "#fde68a", "#f8faf7"],
          "fill-opacity": 0.9,
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
        paint: { "line-color": "#64748b", "line-width": 0.8 },
      },
      {
        id: "wards-mine",
        type: "line",
        source: "wards",
        paint: {
          "line-color": "#92400e",
          "line-width": 3,
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
  reports: ["report-clusters", "report-points"],
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
  for (const layer of CLICKABLE) {
    map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
    map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
  }
  return handle;
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
  }

  /// The one door from Rust (`app-ui/src/map/mod.rs`, `Op`): one typed operation per call, so
  /// the UI's start glue holds one import for all of them.
  send(op) {
    switch (op.op) {
      case "set_data": return this.setData(op.source, op.text);
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

  /// Replaces a source's data with a GeoJSON text.
  setData(source, text) {
    const data = JSON.parse(text);
    this.whenLoaded(() => {
      this.map.getSource(source).setData(data);
      if (source === "wards") {
        this.restoreStates();
        if (this.fit) {
          this.fit = false;
          const b = bounds(data);
          if (b) this.map.fitBounds(b, { padding: 8, animate: false });
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
    this.map.flyTo({ center: [lon, lat], zoom, essential: true });
  }

  /// The map's centre, [lat, lon]: "choose the centre" for keyboard users.
  center() {
    const c = this.map.getCenter();
    return [c.lat, c.lng];
  }

  zoomBy(delta) {
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
  /// wards by code; reports by id, clusters counted by their points.
  drawnCount(source) {
    const map = this.map;
    if (!this.loaded || !map.getSource(source)) return 0;
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
    return [...seen].filter((k) => k.startsWith("f")).length + clustered;
  }

  /// Frees everything: the map and its WebGL context (lost at once, not when collected), its
  /// workers (MapLibre ends its pool when the last map goes) and the basemap archive.
  remove() {
    const map = this.map;
    const gl = map.painter && map.painter.context && map.painter.context.gl;
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
    this.onEvent = () => {};
  }
}
