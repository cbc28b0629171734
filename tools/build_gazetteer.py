"""Regenerate rules/gazetteer.json, docgraph's list of Vietnamese administrative units, from a maintained package.

    pip install vietnamadminunits        # MIT; pulls numpy, shapely, geopy (~97 MB): a build-time tool only
    python tools/build_gazetteer.py [OUT]   # default OUT: rules/gazetteer.json

Source: the PyPI package ``vietnamadminunits`` (Tran Ngoc Minh Hieu, MIT licence,
https://github.com/tranngocminhhieu/vietnamadminunits), which carries the General Statistics Office's lists:
``admin_units_legacy`` (63 provinces, their 696 districts and 10,040 communes, the state before 1/7/2025),
``admin_units`` (34 provinces and 3,321 communes from 1/7/2025) and ``converter_2025.json`` (which old provinces
each new one was formed from, Resolution 202/2025/QH15). docgraph ships the extract (names only, no geometry) so it
needs none of the package's dependencies at run time. ``vietnam-provinces`` (no dependencies, 2.4 MB) has the
present units only: when it is installed its 34 provinces and 3,321 communes are checked against the extract.

Provincial capitals (before the reform; the place-date line of a provincial body often names the capital): the
city that bears the province's name, else the province's only city, else the seat listed in CAPITAL_SEATS (the
provinces with several cities), each checked to be a city of that province in the package's data.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path

# provinces with several cities and none named after the province: the seat of the provincial People's Committee
CAPITAL_SEATS = {
    "Quảng Ninh": "Hạ Long", "Vĩnh Phúc": "Vĩnh Yên", "Quảng Nam": "Tam Kỳ", "Khánh Hòa": "Nha Trang",
    "Lâm Đồng": "Đà Lạt", "Bình Dương": "Thủ Dầu Một", "Đồng Nai": "Biên Hòa", "Bà Rịa - Vũng Tàu": "Bà Rịa",
    "Tiền Giang": "Mỹ Tho", "Đồng Tháp": "Cao Lãnh", "An Giang": "Long Xuyên", "Kiên Giang": "Rạch Giá",
    "Hậu Giang": "Vị Thanh", "Ninh Bình": "Hoa Lư",
}
# other spellings of province names seen in documents (the package's keywords are unaccented and unspaced)
ALIASES = {
    "Huế": ["Thừa Thiên Huế", "Thừa Thiên - Huế"],
    "Hồ Chí Minh": ["TP.HCM", "TP. HCM", "TPHCM", "TP HCM", "HCM", "Sài Gòn"],
    "Bà Rịa - Vũng Tàu": ["Bà Rịa Vũng Tàu", "BR-VT"],
    "Đắk Lắk": ["Đắc Lắc", "Đắk Lắc", "Đăk Lăk", "Đắc Lắk"],
    "Đắk Nông": ["Đắc Nông", "Đăk Nông"],
    "Kon Tum": ["Kontum"],
    "Bắc Kạn": ["Bắc Cạn"],
}
DISTRICT_TYPES = ("Thành phố", "Thị xã", "Quận", "Huyện")
COMMUNE_TYPES = ("Phường", "Xã", "Đặc khu", "Thị trấn")


def _strip_type(full: str, types: tuple[str, ...]) -> tuple[str, str]:
    for t in types:
        if full.lower().startswith(t.lower() + " "):  # "Thành Phố Bắc Kạn" is written so once
            return t, full[len(t) + 1:]
    raise ValueError(f"no unit type in {full!r}")


def build() -> dict:
    import vietnamadminunits

    root = Path(vietnamadminunits.__file__).parent / "data"
    db = sqlite3.connect(root / "dataset.db")
    conv = json.loads((root / "converter_2025.json").read_text(encoding="utf-8"))["DICT_PROVINCE"]

    old: dict[str, dict] = {}  # short name -> entry
    key_to_old: dict[str, str] = {}
    for full, short, code, key in db.execute(
            "SELECT DISTINCT province, provinceShort, provinceCode, provinceKey FROM admin_units_legacy"
            " ORDER BY provinceCode"):
        old[short] = {"name": short, "full": full, "code": code, "districts": [], "communes": {}}
        key_to_old[key] = short
    districts: dict[str, dict[str, str]] = defaultdict(dict)  # province -> district full name -> type
    for prov, dist, ward in db.execute(
            "SELECT p.provinceShort, p.district, p.ward FROM admin_units_legacy p ORDER BY p.provinceCode,"
            " p.districtCode, p.wardCode"):
        typ, name = _strip_type(dist, DISTRICT_TYPES)
        entry = old[prov]
        if (typ, name) not in [tuple(d) for d in entry["districts"]]:
            entry["districts"].append([typ, name])
        if ward:
            wt, wn = _strip_type(ward, COMMUNE_TYPES)
            entry["communes"].setdefault(name, []).append([wt, wn])
    for prov, entry in old.items():
        cities = [n for t, n in entry["districts"] if t == "Thành phố"]
        if entry["full"].startswith("Thành phố"):
            capital = None  # a centrally-run city: its own name
        elif prov in cities:
            capital = prov
        elif len(cities) == 1:
            capital = cities[0]
        else:
            capital = CAPITAL_SEATS.get(prov)
            if capital not in cities:
                raise SystemExit(f"capital of {prov}: {capital!r} is not one of its cities {cities}")
        entry["capital"] = capital

    new: dict[str, dict] = {}
    key_to_new: dict[str, str] = {}
    for full, short, code, key in db.execute(
            "SELECT DISTINCT province, provinceShort, provinceCode, provinceKey FROM admin_units ORDER BY provinceCode"):
        new[short] = {"name": short, "full": full, "code": code, "communes": []}
        key_to_new[key] = short
    for prov, ward in db.execute("SELECT provinceShort, ward FROM admin_units ORDER BY provinceCode, wardCode"):
        new[prov]["communes"].append(list(_strip_type(ward, COMMUNE_TYPES)))
    for nkey, okeys in conv.items():
        n = key_to_new[nkey]
        new[n]["merged_from"] = [key_to_old[k] for k in okeys]
        for k in okeys:
            old[key_to_old[k]]["merged_into"] = n
    missing = [p for p, e in old.items() if "merged_into" not in e]
    if missing or len(old) != 63 or len(new) != 34:
        raise SystemExit(f"unexpected data: {len(old)} old, {len(new)} new provinces, unmapped {missing}")
    n_communes = sum(len(e["communes"]) for e in new.values())
    if n_communes != 3321:
        raise SystemExit(f"unexpected data: {n_communes} communes after the reform")
    _check_vietnam_provinces(new)
    version = metadata.version("vietnamadminunits")
    return {
        "about": ("Vietnamese administrative units, extracted by tools/build_gazetteer.py from the PyPI package "
                  f"vietnamadminunits {version} (MIT licence, Tran Ngoc Minh Hieu, "
                  "https://github.com/tranngocminhhieu/vietnamadminunits), itself from the General Statistics "
                  "Office's lists. 'before': 63 provinces, districts and communes until 30/6/2025; 'after': 34 "
                  "provinces and 3,321 communes from 1/7/2025; merged_into/merged_from: Resolution 202/2025/QH15."),
        "source": {"package": "vietnamadminunits", "version": version, "licence": "MIT"},
        "aliases": ALIASES,
        "before": [old[p] for p in old],
        "after": [new[p] for p in new],
    }


def _check_vietnam_provinces(new: dict[str, dict]) -> None:
    """When ``vietnam-provinces`` is installed, its present units must be the same in number and full names."""
    try:
        from vietnam_provinces import Province, Ward
    except ImportError:
        return
    theirs = {p.name for p in Province.iter_all()}
    ours = {e["full"].removeprefix("Tỉnh ") for e in new.values()}  # it names a province without "Tỉnh"
    wards = sum(1 for _ in Ward.iter_all())
    n = sum(len(e["communes"]) for e in new.values())
    if theirs != ours or wards != n:
        raise SystemExit(f"vietnam-provinces differs: provinces {sorted(theirs ^ ours)}, {wards} communes vs {n}")
    print(f"checked against vietnam-provinces: {len(theirs)} provinces, {wards} communes", file=sys.stderr)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "rules" / "gazetteer.json"
    data = build()
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # one province per line: a readable diff when the source changes
    for key in ('{"name":',):
        text = text.replace("," + key, ",\n" + key).replace("[" + key, "[\n" + key)
    out.write_text(text + "\n", encoding="utf-8")
    print(f"{out}: {len(data['before'])} provinces before, {len(data['after'])} after, "
          f"{sum(len(p['districts']) for p in data['before'])} districts, "
          f"{sum(len(p['communes']) for p in data['after'])} communes after 1/7/2025, {out.stat().st_size} bytes",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
