//! The wards in Vietnamese order with their search index: what the finder queries on every
//! keystroke; and the places index over them and the former units (the map's search and the
//! finder). Rebuilt (cheaply) whenever the stored catalogue changes.

use model::dto::WardSearchResult;
use model::search::SearchIndex;
use model::search::place::{PlaceIndex, PlaceSearchResult};
use model::{Ward, WardCode};

use crate::bundled;
use crate::collate::VietnameseOrder;

pub struct WardDirectory {
    /// Sorted by short name, the Vietnamese way ("An Lạc" before "Ăn…" before "Bàn Cờ").
    wards: Vec<Ward>,
    index: SearchIndex,
    /// The same wards and the former units that went into them; `None` only if the bundled
    /// file were broken (a test holds it valid): the finder then finds current units alone.
    places: Option<PlaceIndex>,
}

impl WardDirectory {
    pub fn new(mut wards: Vec<Ward>, order: &VietnameseOrder) -> Self {
        wards.sort_by(|a, b| {
            order
                .compare(a.short_name(), b.short_name())
                .then_with(|| order.compare(&a.name, &b.name))
                .then_with(|| a.code.cmp(&b.code))
        });
        let index = SearchIndex::new(
            wards
                .iter()
                .map(|w| (w.code.as_str(), w.name.as_str(), w.short_name())),
        );
        let places = match bundled::former_units() {
            Ok(former) => Some(PlaceIndex::new(wards.clone(), former)),
            Err(err) => {
                tracing::error!(code = err.code(), %err, "bundled former units are invalid");
                None
            }
        };
        Self {
            wards,
            index,
            places,
        }
    }

    /// Current units and former ones, ranked (`model::search::place`); an empty query lists
    /// every current unit in order.
    pub fn search_places(&self, query: &str, limit: usize) -> PlaceSearchResult {
        match &self.places {
            Some(places) => places.search(query, limit),
            None => {
                let found = self.search(query, limit);
                PlaceSearchResult {
                    places: found
                        .wards
                        .into_iter()
                        .map(model::search::place::Place::Ward)
                        .collect(),
                    total: found.total,
                }
            }
        }
    }

    /// Ranked matches; an empty (or punctuation-only) query lists every ward in order.
    pub fn search(&self, query: &str, limit: usize) -> WardSearchResult {
        if model::fold(query).is_empty() {
            return WardSearchResult {
                wards: self.wards.iter().take(limit).cloned().collect(),
                total: self.wards.len(),
            };
        }
        let hits = self.index.search(query, usize::MAX);
        WardSearchResult {
            total: hits.len(),
            wards: hits
                .iter()
                .take(limit)
                .map(|h| self.wards[h.position].clone())
                .collect(),
        }
    }

    /// Every unit, in Vietnamese order.
    pub fn all(&self) -> &[Ward] {
        &self.wards
    }

    pub fn get(&self, code: &WardCode) -> Option<&Ward> {
        self.wards.iter().find(|w| &w.code == code)
    }

    pub fn len(&self) -> usize {
        self.wards.len()
    }

    pub fn is_empty(&self) -> bool {
        self.wards.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::hcmc_catalog;

    fn directory() -> WardDirectory {
        let catalog = hcmc_catalog().expect("bundled catalogue");
        WardDirectory::new(catalog.units, &VietnameseOrder::new())
    }

    fn first(dir: &WardDirectory, q: &str) -> Option<String> {
        dir.search(q, 10).wards.first().map(|w| w.name.clone())
    }

    #[test]
    fn finds_ben_thanh_in_the_real_catalogue() {
        let dir = directory();
        for q in [
            "ben thanh",
            "BẾN THÀNH",
            "phuong ben thanh",
            "Phường Bến Thành",
        ] {
            assert_eq!(first(&dir, q).as_deref(), Some("Phường Bến Thành"), "{q}");
        }
    }

    #[test]
    fn duong_finds_units_with_duong_or_d_stroke() {
        let dir = directory();
        let hits = dir.search("duong", 200);
        assert!(hits.total > 0);
        for w in &hits.wards {
            assert!(
                model::fold(&w.name)
                    .split(' ')
                    .any(|word| word.starts_with("duong")),
                "{}",
                w.name
            );
        }
        // Names with a real "Đ" are found from plain "d".
        assert!(
            dir.search("dong", 200)
                .wards
                .iter()
                .any(|w| w.name.contains('Đ'))
        );
    }

    #[test]
    fn places_are_the_wards_in_order_and_the_former_units() {
        use model::search::place::Place;
        let dir = directory();
        let all = dir.search_places("", 1000);
        assert_eq!(all.total, 168);
        let names = |r: &PlaceSearchResult| -> Vec<String> {
            r.places.iter().map(|p| p.name().to_owned()).collect()
        };
        assert_eq!(
            names(&all),
            dir.search("", 1000)
                .wards
                .iter()
                .map(|w| w.name.clone())
                .collect::<Vec<_>>()
        );
        let found = dir.search_places("da kao", 5);
        assert!(matches!(&found.places[0], Place::FormerWard(f) if f.name == "Phường Đa Kao"));
        assert_eq!(
            names(&dir.search_places("ben thanh", 1)),
            ["Phường Bến Thành"]
        );
    }

    #[test]
    fn empty_query_lists_all_in_vietnamese_order() {
        let dir = directory();
        let all = dir.search("", 1000);
        assert_eq!(all.total, 168);
        assert_eq!(all.wards.len(), 168);
        let order = VietnameseOrder::new();
        for pair in all.wards.windows(2) {
            assert_ne!(
                order.compare(pair[0].short_name(), pair[1].short_name()),
                std::cmp::Ordering::Greater,
                "{} before {}",
                pair[0].name,
                pair[1].name
            );
        }
        assert_eq!(dir.search("", 5).wards.len(), 5);
        assert_eq!(dir.search("", 5).total, 168);
    }
}
