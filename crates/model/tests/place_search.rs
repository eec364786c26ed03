//! Test-only file: `expect` on the shipped assets is the point.
//! The place search over the real catalogue and the real former units (`assets/`).

use model::former::FormerUnits;
use model::search::place::{Place, PlaceIndex};
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
