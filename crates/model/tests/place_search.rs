//! The place search over the real catalogue and the real former units (`assets/`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use model::former::FormerUnits;
use model::search::place::{NowPart, Place, PlaceIndex, fit};
use model::{WardCatalog, WardCode};

const UNITS: &str = include_str!("../../../assets/hcmc-units.json");
const FORMER: &str = include_str!("../../../assets/hcmc-former-units.json");

fn index() -> PlaceIndex {
    let catalog = WardCatalog::from_json(UNITS).expect("catalogue");
    let known = |c: &WardCode| catalog.units.iter().any(|u| &u.code == c);
    let former = FormerUnits::from_json(FORMER, known).expect("former units");
    PlaceIndex::new(catalog.units.clone(), &former)
}

/// The first `n` results as short labels: "ward X", "former ward X (district)", "former district X".
fn labels(idx: &PlaceIndex, q: &str, n: usize) -> Vec<String> {
    idx.search(q, n)
        .places
        .iter()
        .map(|p| match p {
            Place::Ward(w) => format!("ward {}", w.name),
            Place::FormerWard(f) => format!("former ward {} ({})", f.name, f.district),
            Place::FormerDistrict(d) => format!("former district {}", d.name),
        })
        .collect()
}

fn now_names(p: &Place) -> Vec<&str> {
    p.now().iter().map(|w| w.name.as_str()).collect()
}

#[test]
fn every_former_unit_is_searchable_with_the_168() {
    let catalog = WardCatalog::from_json(UNITS).expect("catalogue");
    let known = |c: &WardCode| catalog.units.iter().any(|u| &u.code == c);
    let former = FormerUnits::from_json(FORMER, known).expect("former units");
    assert_eq!(former.wards.len(), 441);
    assert_eq!(former.districts.len(), 38);
    assert!(former.wards.iter().all(|w| w.position().is_some()));
    assert_eq!(former.wards.iter().filter(|w| w.is_divided()).count(), 47);
    // Every current unit has at least one former ward, but Côn Đảo (a whole former district).
    for unit in &catalog.units {
        let from_ward = former.wards.iter().any(|w| w.now.contains(&unit.code));
        assert!(from_ward || unit.code.as_str() == "26732", "{}", unit.name);
    }
}

#[test]
fn da_kao_with_or_without_marks_is_the_former_ward_divided_between_two() {
    let idx = index();
    for q in [
        "da kao",
        "Đa Kao",
        "ĐA KAO",
        "phuong da kao",
        "Phường Đa Kao",
    ] {
        let found = idx.search(q, 5);
        let Some(Place::FormerWard(f)) = found.places.first() else {
            panic!("{q}: {:?}", labels(&idx, q, 3));
        };
        assert_eq!(f.name, "Phường Đa Kao", "{q}");
        assert_eq!(f.district, "Quận 1");
        assert_eq!(f.province, None);
        // Divided (Nghị quyết 1685: part to Sài Gòn, part to Tân Định); the default first.
        assert_eq!(
            now_names(&found.places[0]),
            ["Phường Sài Gòn", "Phường Tân Định"]
        );
        // Its own position, not the new ward's.
        assert_eq!(f.position, Some((10.78788, 106.6984)));
        assert_eq!(found.places[0].position(), Some((10.78788, 106.6984)));
    }
}

#[test]
fn an_old_district_by_name_and_by_the_datasets_abbreviations() {
    let idx = index();
    assert_eq!(
        labels(&idx, "quan 1", 4),
        [
            "former district Quận 1",
            "former district Quận 12",
            "former district Quận 10",
            "former district Quận 11"
        ]
    );
    let q1 = idx.search("quận 1", 1);
    assert_eq!(
        now_names(&q1.places[0]),
        [
            "Phường Tân Định",
            "Phường Sài Gòn",
            "Phường Bến Thành",
            "Phường Cầu Ông Lãnh"
        ]
    );
    assert_eq!(q1.places[0].position(), None, "a district fits its wards");
    // "q1" is written in the dataset's keywords for Quận 1: found exactly, first.
    assert_eq!(labels(&idx, "q1", 1), ["former district Quận 1"]);
    assert_eq!(labels(&idx, "Q.1", 1), ["former district Quận 1"]);
    // Quận 2 and Quận 9 were merged into TP Thủ Đức in 2021; the dataset says so.
    assert_eq!(
        labels(&idx, "quận 2", 1),
        ["former district Thành phố Thủ Đức"]
    );
    assert_eq!(labels(&idx, "q9", 1), ["former district Thành phố Thủ Đức"]);
    // Ward abbreviations ("p1", "f1") are not supported: some of the dataset's ward keywords
    // name wards merged before 2025, so none is shipped.
    assert!(
        labels(&idx, "p1", 5)
            .iter()
            .all(|l| !l.contains("Phường 1 "))
    );
}

#[test]
fn current_unit_first_then_the_former_district_of_that_name() {
    let idx = index();
    assert_eq!(
        labels(&idx, "thu duc", 2),
        ["ward Phường Thủ Đức", "former district Thành phố Thủ Đức"]
    );
    let thu_duc = &idx.search("thu duc", 2).places[1];
    assert_eq!(thu_duc.now().len(), 12);
    assert_eq!(
        labels(&idx, "vung tau", 2),
        ["ward Phường Vũng Tàu", "former district Thành phố Vũng Tàu"]
    );
    let Place::FormerDistrict(d) = &idx.search("vung tau", 2).places[1] else {
        panic!("district");
    };
    assert_eq!(d.province.as_deref(), Some("Tỉnh Bà Rịa - Vũng Tàu"));
    assert_eq!(
        labels(&idx, "ben thanh", 2),
        [
            "ward Phường Bến Thành",
            "former ward Phường Bến Thành (Quận 1)"
        ]
    );
    assert_eq!(
        labels(&idx, "can gio", 2),
        ["ward Xã Cần Giờ", "former district Huyện Cần Giờ"]
    );
}

#[test]
fn a_divided_commune_lists_each_new_unit_default_first() {
    let idx = index();
    let found = idx.search("an phu tay", 3);
    assert_eq!(
        labels(&idx, "an phu tay", 1),
        ["former ward Xã An Phú Tây (Huyện Bình Chánh)"]
    );
    assert_eq!(
        now_names(&found.places[0]),
        ["Phường Bình Đông", "Xã Bình Chánh"]
    );
}

#[test]
fn exact_before_prefix_before_word() {
    let idx = index();
    // "Phường 1" of many former districts (exact), before "Phường 10…" (prefix).
    let hits = labels(&idx, "phường 1", 40);
    let first_prefix = hits
        .iter()
        .position(|l| l.contains("Phường 1") && !l.contains("Phường 1 ("));
    let last_exact = hits.iter().rposition(|l| l.contains("Phường 1 ("));
    assert!(last_exact < first_prefix, "{hits:?}");
}

#[test]
fn nothing_found_and_empty_query() {
    let idx = index();
    let none = idx.search("zzqx", 10);
    assert_eq!(none.total, 0);
    assert!(none.places.is_empty());
    let all = idx.search("  ", 500);
    assert_eq!(all.total, 168);
    assert!(all.places.iter().all(|p| matches!(p, Place::Ward(_))));
}

#[test]
fn a_catalogue_without_a_unit_drops_what_went_only_there() {
    let catalog = WardCatalog::from_json(UNITS).expect("catalogue");
    let former = FormerUnits::from_json(FORMER, |_| true).expect("former");
    // Without Phường Sài Gòn: Bến Nghé (wholly in it) is gone, Đa Kao keeps Tân Định.
    let fewer: Vec<_> = catalog
        .units
        .into_iter()
        .filter(|u| u.name != "Phường Sài Gòn")
        .collect();
    let idx = PlaceIndex::new(fewer, &former);
    assert!(
        labels(&idx, "ben nghe", 5)
            .iter()
            .all(|l| !l.contains("Bến Nghé"))
    );
    assert_eq!(
        now_names(&idx.search("da kao", 1).places[0]),
        ["Phường Tân Định"]
    );
}

#[test]
fn what_each_place_is_now_and_how_it_is_named() {
    let idx = index();
    let first = |q: &str| idx.search(q, 1).places.remove(0);
    assert_eq!(first("ben thanh").now_part(), None);
    assert_eq!(first("ben nghe").now_part(), Some(NowPart::PartOf));
    assert_eq!(first("da kao").now_part(), Some(NowPart::Divided));
    assert_eq!(first("q1").now_part(), Some(NowPart::Within));
    let da_kao = first("da kao");
    let (label, args) = da_kao.former_label().expect("former");
    assert_eq!(label.message_key(), "place.former_ward");
    assert_eq!(args, [("name", "Phường Đa Kao"), ("district", "Quận 1")]);
    // The current Phường Dĩ An first, named as itself.
    assert!(first("di an").former_label().is_none());
    // The former city of Bình Dương is named with its province.
    let tp_di_an = idx.search("thanh pho di an", 1).places.remove(0);
    let (label, args) = tp_di_an.former_label().expect("former district");
    assert_eq!(label.message_key(), "place.former_district_province");
    assert_eq!(
        args,
        [("name", "Thành phố Dĩ An"), ("province", "Tỉnh Bình Dương")]
    );
}

#[test]
fn a_former_district_is_framed_by_its_current_units() {
    let idx = index();
    let q1 = idx.search("q1", 1).places.remove(0);
    let (west, south, east, north) = q1.bounds().expect("bounds");
    for w in q1.now() {
        assert!(
            west < w.lon && w.lon < east && south < w.lat && w.lat < north,
            "{}",
            w.name
        );
    }
    assert!(
        east - west < 0.08 && north - south < 0.08,
        "Quận 1 is small"
    );
    let (lat, lon, zoom) = fit((west, south, east, north), (360.0, 640.0), 8.0, 16.0);
    assert!(
        (lat - 10.777).abs() < 0.02 && (lon - 106.70).abs() < 0.02,
        "{lat},{lon}"
    );
    assert!((11.0..15.0).contains(&zoom), "{zoom}");
    // Wider view, same box: closer.
    let (_, _, wide) = fit((west, south, east, north), (1920.0, 1080.0), 8.0, 16.0);
    assert!(wide > zoom);
    // The whole world at zoom 0 in 512 px.
    let (_, _, world) = fit((-180.0, -85.0, 180.0, 85.0), (512.0, 512.0), 0.0, 16.0);
    assert!(world.abs() < 0.01, "{world}");
    assert_eq!(idx.search("da kao", 1).places[0].bounds(), None);
}
