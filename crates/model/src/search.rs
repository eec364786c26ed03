//! Ranked, diacritic-insensitive name search over a list that is already in display order.
//!
//! The index keeps positions into the caller's list, so the caller sorts once (Vietnamese
//! collation, done natively in `core`) and ties keep that order.

use crate::fold::fold;

/// How well a name matches; lower is better. Exact matches come first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchTier {
    /// The query is the name (with or without its prefix) letter for letter, or the code.
    Exact,
    /// Equal once folded: "ben thanh" for "Bến Thành".
    Folded,
    /// The folded name starts with the folded query.
    Prefix,
    /// Every query word starts a word of the name: "duong" in "Bình Dương".
    WordPrefix,
    /// The folded query appears somewhere in the folded name.
    Contains,
}

struct Entry {
    /// Lower-cased, NFC original names (full and short): for the exact tier.
    exact: [String; 2],
    /// Folded full and short names.
    folded: [String; 2],
    code: String,
}

/// A search index over names; build once, query on every keystroke.
pub struct SearchIndex {
    entries: Vec<Entry>,
}

/// One hit: a position in the list the index was built from, and how it matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub position: usize,
    pub tier: MatchTier,
}

fn exact_form(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .flat_map(char::to_lowercase)
        .collect()
}

impl SearchIndex {
    /// Builds an index from `(code, full name, short name)` in display order.
    pub fn new<'a>(items: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>) -> Self {
        let entries = items
            .into_iter()
            .map(|(code, full, short)| Entry {
                exact: [exact_form(full), exact_form(short)],
                folded: [fold(full), fold(short)],
                code: code.to_owned(),
            })
            .collect();
        Self { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best `limit` hits, best first; ties keep list order. An empty query matches nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let exact_query = exact_form(query);
        let folded_query = fold(query);
        if folded_query.is_empty() {
            return Vec::new();
        }
        let query_words: Vec<&str> = folded_query.split(' ').collect();
        let mut hits: Vec<(MatchTier, bool, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(position, entry)| {
                let tier = tier(entry, &exact_query, &folded_query, &query_words)?;
                // Within a tier, a name whose marks match what was typed ranks first.
                let marks_differ = !entry.exact[0].contains(&exact_query);
                Some((tier, marks_differ, position))
            })
            .collect();
        hits.sort_unstable();
        hits.into_iter()
            .take(limit)
            .map(|(tier, _, position)| Hit { position, tier })
            .collect()
    }
}

fn tier(entry: &Entry, exact: &str, folded: &str, words: &[&str]) -> Option<MatchTier> {
    if entry.exact.iter().any(|name| name == exact) || entry.code == exact {
        return Some(MatchTier::Exact);
    }
    if entry.folded.iter().any(|name| name == folded) {
        return Some(MatchTier::Folded);
    }
    if entry.folded.iter().any(|name| name.starts_with(folded)) || entry.code.starts_with(folded) {
        return Some(MatchTier::Prefix);
    }
    let name_words: Vec<&str> = entry.folded[0].split(' ').collect();
    if words
        .iter()
        .all(|q| name_words.iter().any(|w| w.starts_with(q)))
    {
        return Some(MatchTier::WordPrefix);
    }
    if entry.folded[0].contains(folded) {
        return Some(MatchTier::Contains);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[(&str, &str, &str)]) -> SearchIndex {
        SearchIndex::new(names.iter().copied())
    }

    const NAMES: &[(&str, &str, &str)] = &[
        ("26734", "Phường Bến Thành", "Bến Thành"),
        ("25741", "Phường Bình Dương", "Bình Dương"),
        ("26740", "Phường Bàn Cờ", "Bàn Cờ"),
        ("26743", "Phường Bến Thạnh", "Bến Thạnh"),
        ("27000", "Xã Đường Mới", "Đường Mới"),
        ("27001", "Phường Thành Lợi", "Thành Lợi"),
    ];

    fn names(idx: &SearchIndex, q: &str) -> Vec<&'static str> {
        idx.search(q, 50)
            .into_iter()
            .map(|h| NAMES[h.position].1)
            .collect()
    }

    #[test]
    fn finds_ben_thanh_from_any_spelling() {
        let idx = index(NAMES);
        for q in [
            "ben thanh",
            "BẾN THÀNH",
            "phuong ben thanh",
            "Bến Thành",
            "  ben   thanh ",
        ] {
            assert_eq!(names(&idx, q).first(), Some(&"Phường Bến Thành"), "{q}");
        }
    }

    #[test]
    fn exact_marks_rank_before_folded_equal() {
        let idx = index(NAMES);
        assert_eq!(
            names(&idx, "Bến Thạnh"),
            ["Phường Bến Thạnh", "Phường Bến Thành"]
        );
        let hits = idx.search("Bến Thạnh", 10);
        assert_eq!(hits[0].tier, MatchTier::Exact);
        assert_eq!(hits[1].tier, MatchTier::Folded);
    }

    #[test]
    fn d_with_stroke_and_word_prefix() {
        let idx = index(NAMES);
        assert_eq!(names(&idx, "duong"), ["Xã Đường Mới", "Phường Bình Dương"]);
        assert_eq!(names(&idx, "đường"), ["Xã Đường Mới", "Phường Bình Dương"]);
    }

    #[test]
    fn tiers_order_results() {
        let idx = index(NAMES);
        // Prefix ("Thành Lợi") before word-prefix ("Bến Thành", "Bến Thạnh").
        assert_eq!(
            names(&idx, "thanh"),
            ["Phường Thành Lợi", "Phường Bến Thành", "Phường Bến Thạnh"]
        );
        // Mid-word text is still found.
        assert_eq!(names(&idx, "anh lo"), ["Phường Thành Lợi"]);
    }

    #[test]
    fn code_search_and_limits() {
        let idx = index(NAMES);
        assert_eq!(names(&idx, "26734"), ["Phường Bến Thành"]);
        assert_eq!(idx.search("phuong", 2).len(), 2);
        assert!(idx.search("", 10).is_empty());
        assert!(idx.search("  ,. ", 10).is_empty());
        assert!(idx.search("zzz", 10).is_empty());
    }
}
