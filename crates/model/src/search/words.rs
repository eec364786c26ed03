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

/// Filler words a question is read without. A word written with marks is filler only when
/// written with the filler's own marks ("chờ" is not "cho"); a word typed without marks is
/// filler when it folds to a filler word that is unambiguous without marks (people often type
/// "cho" for "cho", but "thi" may be "thì" or "thị").
#[derive(Clone, Debug, Default)]
pub struct StopWords {
    exact: HashSet<String>,
    folded: HashSet<String>,
}

impl StopWords {
    /// `words` are filler however typed; `marked` only when typed with their marks ("thì",
    /// "đang", "đó": without marks they are also "thị", "đăng", "đỏ").
    pub fn new<'a>(
        words: impl IntoIterator<Item = &'a str>,
        marked: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut stop = Self::default();
        for w in words {
            stop.exact.insert(super::exact_form(w));
            stop.folded.insert(fold(w));
        }
        for w in marked {
            stop.exact.insert(super::exact_form(w));
        }
        stop
    }

    /// Whether one word, as typed or written, is filler.
    pub fn is_filler(&self, word: &str) -> bool {
        let exact = super::exact_form(word);
        self.is_stop(&Word {
            folded: fold(&exact),
            marks: marks_of(&exact),
            exact,
        })
    }

    fn is_stop(&self, w: &Word) -> bool {
        self.exact.contains(&w.exact) || (w.exact == w.folded && self.folded.contains(&w.folded))
    }
}

/// One word of a text: lower-case NFC as written, folded, and the marks folding took away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Word {
    pub exact: String,
    pub folded: String,
    /// The word's combining marks in a fixed order, and one `đ` per đ: equal for "hoà" and
    /// "hòa" (old and new tone placement), different for "cấp" and "cáp". Empty when the word
    /// has no marks.
    pub marks: String,
}

/// See [`Word::marks`].
fn marks_of(exact: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut marks: Vec<char> = exact
        .nfd()
        .filter(|&c| is_combining_mark(c) || matches!(c, 'đ' | 'Đ' | 'Ð' | 'ð'))
        .map(|c| if is_combining_mark(c) { c } else { 'đ' })
        .collect();
    marks.sort_unstable();
    marks.into_iter().collect()
}

/// Whether the marks typed on `q` are all on `t`: a typed mark is heard, a missing one is
/// forgiven. "nha" may be "nhà", "nhá" or "nha"; "nhà" is "nhà" (and "đương", missing a mark,
/// still "đường"), never "nhá" or "nha".
pub(super) fn marks_heard(q: &Word, t: &Word) -> bool {
    // Both are sorted: walk them together, each typed mark must be found in turn.
    let mut on_text = t.marks.chars();
    q.marks.chars().all(|m| on_text.by_ref().any(|c| c == m))
}

/// Whether `text` hears every word of `query` typed with marks: some word of it that the
/// typed word begins carries all its marks. A query typed without marks is always heard.
pub(super) fn hears(query: &[Word], text: &[Word]) -> bool {
    query.iter().filter(|q| !q.marks.is_empty()).all(|q| {
        text.iter()
            .any(|t| t.folded.starts_with(&q.folded) && marks_heard(q, t))
    })
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
                marks: marks_of(piece),
                folded,
            })
        })
        .collect()
}

/// The question's words that carry meaning, each once, in the order typed.
pub(super) fn content<'w>(all: &'w [Word], stop: &StopWords) -> Vec<&'w Word> {
    // Texts are a few words long: a linear check beats hashing.
    let mut kept: Vec<&Word> = Vec::with_capacity(all.len());
    for w in all {
        if !stop.is_stop(w) && !kept.iter().any(|k| k.folded == w.folded) {
            kept.push(w);
        }
    }
    kept
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

/// A question word typed with marks that matches a word written with other marks ("cấp" and
/// "cáp") counts this much: folding must forgive missing marks, not contradict the ones typed.
const OTHER_MARKS: f32 = 0.5;
/// The last word counts as a prefix ("giay ph…" being typed) from this many letters: shorter
/// starts ("to", "do") begin too many words.
const PREFIX_LETTERS: usize = 3;

/// How one text matches the question: the share of the text's own meaning covered (0..=1),
/// how much of each question word it explains (0, a half for other marks, or 1), and whether
/// every matched word carries the marks typed (a tie-break, as in the name tiers).
#[derive(Debug)]
pub(super) struct TextMatch {
    pub of_text: f32,
    pub explains: Vec<f32>,
    pub marks: bool,
}

/// `None` when no word of the text matches.
pub(super) fn match_text(
    query: &[&Word],
    text: &[Word],
    weights: &Weights,
    stop: &StopWords,
) -> Option<TextMatch> {
    let last = query.len().checked_sub(1)?;
    let prefix_last = query[last].folded.chars().count() >= PREFIX_LETTERS;
    let matches = |i: usize, q: &Word, t: &Word| {
        t.folded == q.folded || (i == last && prefix_last && t.folded.starts_with(&q.folded))
    };
    // Most texts share no word with the question: skip them before any allocation.
    if !text
        .iter()
        .any(|t| query.iter().enumerate().any(|(i, q)| matches(i, q, t)))
    {
        return None;
    }
    let text = content(text, stop);
    if text.is_empty() {
        return None;
    }
    // For each text word, the best share of it some question word covers.
    let mut covered = vec![0.0f32; text.len()];
    let mut explains = vec![0.0f32; query.len()];
    let mut marks = true;
    for (i, q) in query.iter().enumerate() {
        // An exact word first; the last word may be a prefix of one.
        let found = text
            .iter()
            .position(|t| t.folded == q.folded)
            .or_else(|| text.iter().position(|t| matches(i, q, t)));
        let Some(at) = found else { continue };
        let same_marks = text[at].marks == q.marks;
        let share = if marks_heard(q, text[at]) {
            1.0
        } else {
            OTHER_MARKS
        };
        explains[i] = share;
        covered[at] = covered[at].max(share);
        marks &= same_marks;
    }
    if covered.iter().all(|&c| c == 0.0) {
        return None;
    }
    let total: f32 = text.iter().map(|t| weights.of(&t.folded)).sum();
    let part: f32 = text
        .iter()
        .zip(&covered)
        .map(|(t, c)| c * weights.of(&t.folded))
        .sum();
    Some(TextMatch {
        of_text: part / total,
        explains,
        marks,
    })
}

/// An entry's score from its texts' matches, in 0..=1, and the marks tie-break of its best text.
///
/// The best text's share of its own meaning that the question covers, scaled by how much of the
/// question the entry explains with all its texts together: `of_text × (0.3 + 0.7 × explained)`.
/// A short keyword wholly present is a strong answer; one that explains a single common word of
/// a long question is not; a long question whose words are spread over an entry's name and
/// keywords ("sổ đỏ lần đầu … mảnh đất") still finds it.
pub(super) fn entry_score(
    query: &[&Word],
    matches: &[TextMatch],
    weights: &Weights,
) -> Option<(f32, bool)> {
    let best = matches
        .iter()
        .max_by(|a, b| a.of_text.total_cmp(&b.of_text).then(a.marks.cmp(&b.marks)))?;
    let total: f32 = query.iter().map(|q| weights.of(&q.folded)).sum();
    let explained: f32 = query
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let share = matches.iter().map(|m| m.explains[i]).fold(0.0, f32::max);
            share * weights.of(&q.folded)
        })
        .sum();
    let of_query = if total > 0.0 { explained / total } else { 0.0 };
    Some((best.of_text * (0.3 + 0.7 * of_query), best.marks))
}

/// One text as the only text of its entry (for tests).
#[cfg(test)]
fn score(
    query: &[&Word],
    text: &[Word],
    weights: &Weights,
    stop: &StopWords,
) -> Option<(f32, bool)> {
    let m = match_text(query, text, weights, stop)?;
    entry_score(query, &[m], weights)
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
        let stop = StopWords::new(["tôi", "muốn", "làm"], []);
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
        assert!(content(&w("toi muon lam"), &stop).is_empty());
    }

    #[test]
    fn marks_keep_a_word_apart_from_the_filler_it_folds_to() {
        let stop = StopWords::new(["cho"], ["thì"]);
        assert!(stop.is_filler("thì"));
        assert!(!stop.is_filler("thi"));
        assert!(!stop.is_filler("thị"));
        assert!(stop.is_filler("cho"));
        assert!(stop.is_filler("CHO"));
        assert!(!stop.is_filler("chờ"));
        assert!(!stop.is_filler("chợ"));
        let ws = w("nhà chờ cho xe");
        let kept: Vec<&str> = content(&ws, &stop)
            .iter()
            .map(|x| x.folded.as_str())
            .collect();
        assert_eq!(kept, ["nha", "cho", "xe"]);
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
    fn a_typed_mark_is_heard_and_a_missing_one_forgiven() {
        let word = |text: &str| w(text).remove(0);
        let heard = |q: &str, t: &str| marks_heard(&word(q), &word(t));
        assert!(heard("nha", "nhà"));
        assert!(heard("nha", "nhá"));
        assert!(heard("nhà", "nhà"));
        assert!(!heard("nhà", "nhá"));
        assert!(!heard("nhà", "nha"));
        // Old and new tone placement carry the same marks.
        assert!(heard("hoà", "hòa"));
        // A mark left out is forgiven, the one typed is heard.
        assert!(heard("đương", "đường"));
        assert!(heard("duờng", "đường"));
        assert!(!heard("đướng", "đường"));
        assert!(hears(&w("xây nhà"), &w("cấp phép xây dựng nhà ở")));
        assert!(!hears(&w("xây nhà"), &w("phòng khám nha khoa xây mới")));
        assert!(hears(&w("xay nha"), &w("phòng khám nha khoa xây mới")));
        // A word being typed keeps the marks typed so far.
        assert!(hears(&w("bến th"), &w("bến thành")));
        assert!(!hears(&w("bền"), &w("bến thành")));
    }

    #[test]
    fn the_last_word_may_be_a_prefix() {
        let stop = StopWords::default();
        let weights = Weights::new([vec!["giay", "phep"]]);
        let q = w("giay phe");
        let query = content(&q, &stop);
        let (s, _) = score(&query, &w("giấy phép"), &weights, &stop).unwrap();
        assert!((s - 1.0).abs() < 1e-6);
        // Two letters are not enough.
        let q = w("giay ph");
        assert!(
            score(&content(&q, &stop), &w("giấy phép"), &weights, &stop)
                .unwrap()
                .0
                < 0.9
        );
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
