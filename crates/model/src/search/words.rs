//! Word-level matching, for questions rather than names: "tôi muốn xin giấy phép xây dựng nhà"
//! is no prefix of any name, but most of its words are the words of one.
//!
//! Each text and the question are cut into words in the same two forms the name tiers use
//! (exact and folded, one `fold` for both). Words the caller calls filler ("tôi", "muốn", "xin")
//! are dropped from both sides. A text scores by how much of *its* meaning the question covers
//! (so a short keyword fully present beats a long name half present), scaled by how much of the
//! question it explains. Words are weighed by how rare they are among the entries (inverse
//! document frequency): "đăng ký" is in half the procedures and says little, "khai sinh" in one.

use std::collections::{HashMap, HashSet};

use crate::fold::fold;

/// Filler words a question is read without, given in any spelling (they are folded).
#[derive(Clone, Debug, Default)]
pub struct StopWords(HashSet<String>);

impl StopWords {
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        Self(words.into_iter().map(fold).collect())
    }

    pub fn contains(&self, folded: &str) -> bool {
        self.0.contains(folded)
    }
}

/// One word of a text: lower-case NFC as written, and folded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Word {
    pub exact: String,
    pub folded: String,
}

/// The words of a text, split on anything that is not a letter or digit.
pub(super) fn words(exact_form: &str) -> Vec<Word> {
    exact_form
        .split(|c: char| !c.is_alphanumeric())
        .filter(|piece| !piece.is_empty())
        .filter_map(|piece| {
            let folded = fold(piece);
            (!folded.is_empty()).then(|| Word {
                exact: piece.to_owned(),
                folded,
            })
        })
        .collect()
}

/// The question's words that carry meaning, each once, in the order typed.
pub(super) fn content<'w>(all: &'w [Word], stop: &StopWords) -> Vec<&'w Word> {
    let mut seen = HashSet::new();
    all.iter()
        .filter(|w| !stop.contains(&w.folded) && seen.insert(w.folded.as_str()))
        .collect()
}

/// How much each folded word says, from how many entries hold it.
#[derive(Debug, Default)]
pub(super) struct Weights {
    idf: HashMap<String, f32>,
    /// The weight of a word no entry holds: the rarest there is.
    unseen: f32,
}

impl Weights {
    /// `entries` yields, per entry, the folded words of all its texts.
    pub fn new<'a>(entries: impl IntoIterator<Item = Vec<&'a str>>) -> Self {
        let mut df: HashMap<&str, u32> = HashMap::new();
        let mut count = 0u32;
        for words in entries {
            count += 1;
            let distinct: HashSet<&str> = words.into_iter().collect();
            for w in distinct {
                *df.entry(w).or_default() += 1;
            }
        }
        let n = count as f32;
        let idf = df
            .into_iter()
            .map(|(w, d)| (w.to_owned(), (1.0 + n / d as f32).ln()))
            .collect();
        Self {
            idf,
            unseen: (1.0 + n).ln().max(f32::EPSILON),
        }
    }

    fn of(&self, folded: &str) -> f32 {
        self.idf.get(folded).copied().unwrap_or(self.unseen)
    }
}

/// How well the question's content words match one text's words, in 0..=1, and whether every
/// matched word was also written with the text's marks (a tie-break, as in the name tiers).
/// `None` when no word matches.
pub(super) fn score(
    query: &[&Word],
    text: &[Word],
    weights: &Weights,
    stop: &StopWords,
) -> Option<(f32, bool)> {
    let text = content(text, stop);
    if query.is_empty() || text.is_empty() {
        return None;
    }
    let last = query.len() - 1;
    let mut covered_text: HashSet<usize> = HashSet::new();
    let (mut covered_query, mut marks) = (0.0f32, true);
    for (i, q) in query.iter().enumerate() {
        // The last word may still be being typed: a prefix of two letters or more counts.
        let found = text.iter().position(|t| t.folded == q.folded).or_else(|| {
            (i == last && q.folded.chars().count() >= 2)
                .then(|| text.iter().position(|t| t.folded.starts_with(&q.folded)))
                .flatten()
        });
        if let Some(at) = found {
            covered_query += weights.of(&q.folded);
            covered_text.insert(at);
            marks &= text[at].exact == q.exact;
        }
    }
    if covered_text.is_empty() {
        return None;
    }
    let text_total: f32 = text.iter().map(|t| weights.of(&t.folded)).sum();
    let query_total: f32 = query.iter().map(|q| weights.of(&q.folded)).sum();
    let text_part: f32 = covered_text
        .iter()
        .map(|&at| weights.of(&text[at].folded))
        .sum();
    let of_text = text_part / text_total;
    let of_query = covered_query / query_total;
    Some((of_text * (0.5 + 0.5 * of_query), marks))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> Vec<Word> {
        words(&text.to_lowercase())
    }

    #[test]
    fn words_keep_both_forms_and_split_on_punctuation() {
        let ws = w("Sổ đỏ, (nhà) Hoà-Bình");
        let folded: Vec<&str> = ws.iter().map(|x| x.folded.as_str()).collect();
        assert_eq!(folded, ["so", "do", "nha", "hoa", "binh"]);
        assert_eq!(ws[1].exact, "đỏ");
    }

    #[test]
    fn stop_words_are_dropped_from_both_sides() {
        let stop = StopWords::new(["tôi", "muốn", "làm"]);
        let weights = Weights::new([vec!["so", "do"], vec!["khai", "sinh"]]);
        let q = w("tôi muốn làm sổ đỏ");
        let query = content(&q, &stop);
        assert_eq!(query.len(), 2);
        let (s, marks) = score(&query, &w("làm sổ đỏ"), &weights, &stop).unwrap();
        assert!((s - 1.0).abs() < 1e-6);
        assert!(marks);
        assert!(score(&query, &w("khai sinh"), &weights, &stop).is_none());
        // Only filler: nothing to search on.
        assert!(content(&w("tôi muốn làm"), &stop).is_empty());
    }

    #[test]
    fn a_fully_present_keyword_beats_a_half_present_name() {
        let stop = StopWords::default();
        let weights = Weights::new([
            vec!["giay", "phep", "xay", "dung"],
            vec!["cap", "giay", "chung", "nhan"],
            vec!["cap", "phieu"],
        ]);
        let q = w("giấy phép xây dựng");
        let query = content(&q, &stop);
        let keyword = score(&query, &w("giấy phép xây dựng"), &weights, &stop).unwrap();
        let long = score(
            &query,
            &w("cấp giấy phép xây dựng nhà ở riêng lẻ"),
            &weights,
            &stop,
        );
        assert!(keyword.0 > long.unwrap().0);
    }

    #[test]
    fn the_last_word_may_be_a_prefix() {
        let stop = StopWords::default();
        let weights = Weights::new([vec!["giay", "phep"]]);
        let q = w("giay ph");
        let query = content(&q, &stop);
        let (s, _) = score(&query, &w("giấy phép"), &weights, &stop).unwrap();
        assert!((s - 1.0).abs() < 1e-6);
        // Not an earlier word.
        let q = w("gi phep");
        assert!(
            score(&content(&q, &stop), &w("giấy phép"), &weights, &stop)
                .unwrap()
                .0
                < 0.9
        );
        // Marks that differ are matched, but say so.
        let (_, marks) = score(
            &content(&w("giay phep"), &stop),
            &w("giấy phép"),
            &weights,
            &stop,
        )
        .unwrap();
        assert!(!marks);
    }
}
