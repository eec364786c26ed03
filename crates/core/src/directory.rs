//! The wards in Vietnamese order with their search index: what the finder queries on every
//! keystroke. Rebuilt (cheaply) whenever the stored catalogue changes.

use model::dto::WardSearchResult;
use model::search::SearchIndex;
use model::{Ward, WardCode};

use crate::collate::VietnameseOrder;

pub struct WardDirectory {
    /// Sorted by short name, the Vietnamese way ("An Lạc" before "Ăn…" before "Bàn Cờ").
    wards: Vec<Ward>,
    index: SearchIndex,
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
        Self { wards, index }
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
