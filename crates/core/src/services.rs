//! The feedback categories with a search over their names and keywords in both languages, so
//! "ngap", "ổ gà" or "pothole" find the right field. The catalogue is the city's data: it is
//! shipped for the first start offline and replaced when the city API sends a newer one.

use model::search::SearchIndex;
use model::service::{ServiceCatalog, ServiceError};

const BUNDLED: &str = include_str!("../../../assets/services-1022.json");

/// The catalogue shipped in the app.
pub fn bundled() -> Result<ServiceCatalog, ServiceError> {
    ServiceCatalog::from_json(BUNDLED)
}

pub struct ServiceDirectory {
    catalog: ServiceCatalog,
    index: SearchIndex,
    /// For each index entry, the position of its service in the catalogue.
    owners: Vec<usize>,
}

impl ServiceDirectory {
    pub fn new(catalog: ServiceCatalog) -> Self {
        let mut entries: Vec<(usize, &str)> = Vec::new();
        for (i, s) in catalog.services.iter().enumerate() {
            entries.push((i, &s.name.vi));
            entries.push((i, &s.name.en));
            for k in s.keywords.vi.iter().chain(&s.keywords.en) {
                entries.push((i, k));
            }
        }
        let index = SearchIndex::new(entries.iter().map(|(i, text)| {
            let code = catalog.services[*i].code.as_str();
            (code, *text, *text)
        }));
        let owners = entries.iter().map(|(i, _)| *i).collect();
        Self {
            catalog,
            index,
            owners,
        }
    }

    pub fn catalog(&self) -> &ServiceCatalog {
        &self.catalog
    }

    /// Codes of the matching services, best first; an empty query lists them all in the
    /// city's order. The "I don't know" choice is always offered, last.
    pub fn search(&self, query: &str) -> Vec<String> {
        let mut order: Vec<usize> = if model::fold(query).is_empty() {
            (0..self.catalog.services.len()).collect()
        } else {
            let mut seen = vec![false; self.catalog.services.len()];
            self.index
                .search(query, usize::MAX)
                .into_iter()
                .map(|hit| self.owners[hit.position])
                .filter(|&i| !std::mem::replace(&mut seen[i], true))
                .collect()
        };
        let triage = self.catalog.services.iter().position(|s| s.triage);
        order.retain(|i| Some(*i) != triage);
        order.extend(triage);
        order
            .into_iter()
            .map(|i| self.catalog.services[i].code.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keywords_find_their_field_in_either_language() {
        let dir = ServiceDirectory::new(bundled().expect("bundled catalogue"));
        let first = |q: &str| dir.search(q).first().cloned();
        assert_eq!(first("ngap").as_deref(), Some("thoat-nuoc"));
        assert_eq!(first("ổ gà").as_deref(), Some("giao-thong"));
        assert_eq!(first("O GA").as_deref(), Some("giao-thong"));
        assert_eq!(first("pothole").as_deref(), Some("giao-thong"));
        assert_eq!(first("xe buyt").as_deref(), Some("xe-buyt"));
        assert_eq!(first("tieng on").as_deref(), Some("tieng-on"));
        let all = dir.search("");
        assert_eq!(all.len(), 19);
        assert_eq!(all.last().map(String::as_str), Some("chua-ro-linh-vuc"));
        // Nothing matches: still the "I don't know" choice.
        assert_eq!(dir.search("zzzz"), ["chua-ro-linh-vuc"]);
        let flood = dir.search("ngập");
        assert_eq!(
            flood.iter().filter(|c| *c == "thoat-nuoc").count(),
            1,
            "one line per service"
        );
    }
}
