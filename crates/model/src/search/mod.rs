//! Ranked, diacritic-insensitive name search over a list that is already in display order.
//!
//! The index keeps positions into the caller's list, so the caller sorts once (Vietnamese
//! collation, done natively in `core`) and ties keep that order.
//!
//! A unit's kind word ("Phường", "Xã", "Đặc khu") is not part of what a query matches: it is
//! shared by dozens of units, so "phu" or "binh phu" would otherwise list every "Phường …". A
//! query that starts with a kind word filters on that kind instead; anywhere else a kind word is
//! an ordinary word, which only a name that really contains it (Phường Phương Liệt) matches.
//!
//! The same index also answers questions word by word ([`SearchIndex::search_words`], in
//! `words.rs`): the tiers compare a query with whole names, the question box needs both.

pub mod place;
mod words;

use crate::fold::fold;
use crate::ward::{UnitKind, short_name};

pub use words::StopWords;

/// How well a name matches; lower is better. Exact matches come first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchTier {
    /// The query is the name (with or without its kind word) letter for letter, or the code.
    Exact,
    /// Equal once folded: "ben thanh" for "Bến Thành".
    Folded,
    /// The folded name starts with the folded query.
    Prefix,
    /// Every query word starts a word of the name: "duong" in "Bình Dương".
    WordPrefix,
    /// The folded query appears somewhere in the folded name.
    Contains,
    /// The query is only a kind word ("phuong"): every unit of that kind, after any name that
    /// matched the word itself.
    Kind,
}

/// One text an entry is matched by, in the two forms the tiers compare, and cut into words.
struct Name {
    /// Lower-cased, NFC: for the exact tier.
    exact: String,
    folded: String,
    words: Vec<words::Word>,
}

impl Name {
    fn new(text: &str) -> Self {
        let exact = exact_form(text);
        Self {
            words: words::words(&exact),
            folded: fold(text),
            exact,
        }
    }

    fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }
}

struct Entry {
    /// Set for a unit; its names then leave the kind word out.
    kind: Option<UnitKind>,
    names: Vec<Name>,
    code: String,
}

/// A search index over names; build once, query on every keystroke.
pub struct SearchIndex {
    entries: Vec<Entry>,
    weights: words::Weights,
}

/// One hit: a position in the list the index was built from, how it matched, and whether the
/// name contradicts marks the query was typed with (`words::hears`: "nhà" typed, "nhá" or
/// "nha" written; marks left out contradict nothing). Within a tier such hits come last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub position: usize,
    pub tier: MatchTier,
    pub marks_differ: bool,
}

/// One entry matched word by word: its position, how well (0..=1, see `words.rs`), and whether
/// the matched words carry the marks the question was typed with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WordHit {
    pub position: usize,
    pub score: f32,
    pub marks_match: bool,
}

/// What was typed, read both as plain words and, when it starts with a kind word, as that kind
/// plus the rest: only the entry can tell which reading fits ("xa bang" is a commune filter for
/// most units and the name of Xã Xà Bang).
struct Query {
    whole: Name,
    kind: Option<(UnitKind, Name)>,
}

impl Query {
    fn new(text: &str) -> Self {
        let whole = Name::new(text);
        let kind = split_kind(&whole.exact).map(|(kind, rest)| (kind, Name::new(rest)));
        Self { whole, kind }
    }
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

/// The kind named by the first words of an exact-form query, and the words after it:
/// "phường bến thành" → (Phường, "bến thành"). Only whole kind words count, so typing "phuon"
/// on the way to "phuong" filters nothing yet.
fn split_kind(exact: &str) -> Option<(UnitKind, &str)> {
    UnitKind::ALL.into_iter().find_map(|kind| {
        let word = kind.name_prefix();
        let words = word.split_whitespace().count();
        // The kind's words end at the space after its last word, or at the end of the query.
        let end = exact
            .match_indices(' ')
            .nth(words.saturating_sub(1))
            .map_or(exact.len(), |(at, _)| at);
        let (head, rest) = exact.split_at(end);
        (fold(head) == fold(word)).then(|| (kind, rest.trim_start()))
    })
}

/// The kind of a unit entry, read back from its short name: the ward finder passes
/// `ward::short_name(full, kind)`, so a kind whose prefix leaves exactly that is the unit's.
/// Other texts (service names, keywords) come with short = full and have no kind; the check
/// matters because `short_name` returns a text without the prefix unchanged ("Xả rác").
fn kind_of(full: &str, short: &str) -> Option<UnitKind> {
    UnitKind::ALL
        .into_iter()
        .find(|&kind| short != full && short_name(full, kind) == short)
}

impl SearchIndex {
    /// Builds an index from `(code, full name, short name)` in display order. A unit is passed
    /// with the short name `ward::short_name` gives, which is how its kind is known.
    pub fn new<'a>(items: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>) -> Self {
        let entries = items
            .into_iter()
            .map(|(code, full, short)| {
                let kind = kind_of(full, short);
                let names = match kind {
                    Some(_) => vec![Name::new(short)],
                    None => vec![Name::new(full), Name::new(short)],
                };
                Entry {
                    kind,
                    names,
                    code: code.to_owned(),
                }
            })
            .collect();
        Self::with_entries(entries)
    }

    /// Builds an index of entries that are not units, each matched by several texts (a name in
    /// two languages, keywords…): `(code, texts)` in display order. A text matches for its
    /// entry; the entry is found once.
    pub fn from_texts<'a, T>(items: impl IntoIterator<Item = (&'a str, T)>) -> Self
    where
        T: IntoIterator<Item = &'a str>,
    {
        let entries = items
            .into_iter()
            .map(|(code, texts)| Entry {
                kind: None,
                names: texts
                    .into_iter()
                    .map(Name::new)
                    .filter(|n| !n.is_empty())
                    .collect(),
                code: code.to_owned(),
            })
            .collect();
        Self::with_entries(entries)
    }

    fn with_entries(entries: Vec<Entry>) -> Self {
        let weights = words::Weights::new(entries.iter().map(|e| {
            e.names
                .iter()
                .flat_map(|n| n.words.iter().map(|w| w.folded.as_str()))
                .collect()
        }));
        Self { entries, weights }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best `limit` hits, best first; ties keep list order. An empty query matches nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let query = Query::new(query);
        if query.whole.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(Rank, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(position, entry)| Some((rank(entry, &query)?, position)))
            .collect();
        hits.sort_unstable();
        hits.into_iter()
            .take(limit)
            .map(|((tier, marks_differ), position)| Hit {
                position,
                tier,
                marks_differ,
            })
            .collect()
    }
}

impl SearchIndex {
    /// Entries whose texts share meaningful words with `question`, best first (ties keep list
    /// order); `stop` names the filler words both sides are read without. An entry scores by its
    /// best text and by how much of the question all its texts explain (`words::entry_score`). A question of filler words only matches nothing.
    pub fn search_words(&self, question: &str, stop: &StopWords) -> Vec<WordHit> {
        let asked = words::words(&exact_form(question));
        let query = words::content(&asked, stop);
        if query.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<WordHit> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(position, entry)| {
                let matches: Vec<words::TextMatch> = entry
                    .names
                    .iter()
                    .filter_map(|n| words::match_text(&query, &n.words, &self.weights, stop))
                    .collect();
                let best = words::entry_score(&query, &matches, &self.weights)?;
                Some(WordHit {
                    position,
                    score: best.0,
                    marks_match: best.1,
                })
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.marks_match.cmp(&a.marks_match))
                .then(a.position.cmp(&b.position))
        });
        hits
    }

    /// The words of `question` that carry meaning, folded, in the order typed.
    pub fn content_words(question: &str, stop: &StopWords) -> Vec<String> {
        let asked = words::words(&exact_form(question));
        words::content(&asked, stop)
            .into_iter()
            .map(|w| w.folded.clone())
            .collect()
    }

    /// The same words as typed (lower case, marks kept), for a phrase search that must still
    /// hear the marks.
    pub fn content_words_as_typed(question: &str, stop: &StopWords) -> Vec<String> {
        let asked = words::words(&exact_form(question));
        words::content(&asked, stop)
            .into_iter()
            .map(|w| w.exact.clone())
            .collect()
    }
}

/// A tier, then whether the name's marks differ from what was typed: within a tier, a name
/// whose marks match the query ranks first.
type Rank = (MatchTier, bool);

/// The better of the entry's two readings of the query: as plain words, and as a kind filter.
fn rank(entry: &Entry, query: &Query) -> Option<Rank> {
    let as_words = name_rank(entry, &query.whole);
    let as_kind = match (entry.kind, &query.kind) {
        (Some(kind), Some((wanted, rest))) if kind == *wanted => {
            if rest.is_empty() {
                Some((MatchTier::Kind, false))
            } else {
                name_rank(entry, rest)
            }
        }
        _ => None,
    };
    as_words.into_iter().chain(as_kind).min()
}

fn name_rank(entry: &Entry, query: &Name) -> Option<Rank> {
    let tier = tier(entry, query)?;
    let marks_differ = !entry
        .names
        .iter()
        .any(|n| words::hears(&query.words, &n.words));
    Some((tier, marks_differ))
}

fn tier(entry: &Entry, query: &Name) -> Option<MatchTier> {
    let (exact, folded) = (query.exact.as_str(), query.folded.as_str());
    let names = &entry.names;
    if names.iter().any(|n| n.exact == exact) || entry.code == exact {
        return Some(MatchTier::Exact);
    }
    if names.iter().any(|n| n.folded == folded) {
        return Some(MatchTier::Folded);
    }
    if names.iter().any(|n| n.folded.starts_with(folded)) || entry.code.starts_with(folded) {
        return Some(MatchTier::Prefix);
    }
    let starts_words = |name: &Name| {
        folded
            .split(' ')
            .all(|q| name.folded.split(' ').any(|w| w.starts_with(q)))
    };
    if names.iter().any(starts_words) {
        return Some(MatchTier::WordPrefix);
    }
    if names.iter().any(|n| n.folded.contains(folded)) {
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

    /// Entries that are not units (service names and keywords: full and short text equal) have
    /// no kind, so a leading "xa" is an ordinary word: "xả rác" is littering, not a commune.
    #[test]
    fn texts_without_a_kind_match_every_word() {
        let idx = index(&[
            ("moi-truong", "Xả rác", "Xả rác"),
            ("xa-hoi", "Xã hội", "Xã hội"),
        ]);
        let codes =
            |q: &str| -> Vec<usize> { idx.search(q, 10).into_iter().map(|h| h.position).collect() };
        assert_eq!(codes("xa rac"), [0]);
        assert_eq!(codes("xa hoi"), [1]);
        assert_eq!(codes("xa"), [0, 1]);
    }

    /// A kind-like word that is really part of a name (Hà Nội's Phường Phương Liệt; the
    /// commune is made up) is still found, and before units that only match by kind.
    #[test]
    fn a_kind_like_word_inside_a_name_still_matches() {
        const KIND_LIKE: &[(&str, &str, &str)] = &[
            ("00001", "Phường Bến Thành", "Bến Thành"),
            ("00002", "Xã Phú Giáo", "Phú Giáo"),
            ("00003", "Xã Xà Bang", "Xà Bang"),
            ("00004", "Phường Phương Liệt", "Phương Liệt"),
        ];
        let idx = index(KIND_LIKE);
        let found = |q: &str| -> Vec<&str> {
            idx.search(q, 10)
                .into_iter()
                .map(|h| KIND_LIKE[h.position].1)
                .collect()
        };
        assert_eq!(found("phuong liet"), ["Phường Phương Liệt"]);
        assert_eq!(found("Phương Liệt")[..1], ["Phường Phương Liệt"]);
        assert_eq!(idx.search("Phương Liệt", 1)[0].tier, MatchTier::Exact);
        assert_eq!(found("xa bang"), ["Xã Xà Bang"]);
        assert_eq!(idx.search("xà bang", 1)[0].tier, MatchTier::Exact);
        // The name that says "Phương" first, then the other ward, found by its kind alone.
        assert_eq!(found("phuong"), ["Phường Phương Liệt", "Phường Bến Thành"]);
    }
}

/// Entries matched by several texts (name, keywords) and questions read word by word.
#[cfg(test)]
mod text_tests {
    use super::*;

    const ITEMS: &[(&str, &[&str])] = &[
        (
            "1.001193",
            &[
                "Đăng ký khai sinh",
                "Birth registration",
                "làm giấy khai sinh",
            ],
        ),
        ("1.004222", &["Đăng ký thường trú", "nhập hộ khẩu"]),
        (
            "",
            &["Cấp giấy phép xây dựng nhà ở riêng lẻ", "xin phép xây nhà"],
        ),
    ];

    fn index() -> SearchIndex {
        SearchIndex::from_texts(
            ITEMS
                .iter()
                .map(|(code, texts)| (*code, texts.iter().copied())),
        )
    }

    #[test]
    fn any_text_finds_its_entry_once() {
        let idx = index();
        let found =
            |q: &str| -> Vec<usize> { idx.search(q, 10).into_iter().map(|h| h.position).collect() };
        assert_eq!(found("birth registration"), [0]);
        assert_eq!(found("nhap ho khau"), [1]);
        assert_eq!(found("dang ky"), [0, 1]);
        assert_eq!(found("1.004222"), [1]);
        assert_eq!(idx.len(), 3);
    }

    /// Marks typed are heard in the phrase tiers too: "nhà" puts the name with "nhà" before
    /// an earlier one with "nha", in the same tier; typed without marks, list order stays.
    #[test]
    fn hits_say_when_typed_marks_are_contradicted() {
        let idx = SearchIndex::from_texts([
            ("", ["Phòng khám nha khoa"]),
            ("", ["Nhá hàng"]),
            ("", ["Sửa chữa nhà ở"]),
        ]);
        let hits = idx.search("nhà", 10);
        let order: Vec<(usize, MatchTier, bool)> = hits
            .iter()
            .map(|h| (h.position, h.tier, h.marks_differ))
            .collect();
        assert_eq!(
            order,
            [
                (1, MatchTier::Prefix, true),
                (2, MatchTier::WordPrefix, false),
                (0, MatchTier::WordPrefix, true),
            ]
        );
        assert!(idx.search("nha", 10).iter().all(|h| !h.marks_differ));
    }

    #[test]
    fn questions_are_read_without_filler() {
        let idx = index();
        let stop = StopWords::new(["tôi", "muốn", "xin", "làm", "cho"], []);
        let hits = idx.search_words("tôi muốn xin phép xây nhà", &stop);
        assert_eq!(hits[0].position, 2);
        assert!(hits[0].score > 0.9, "{hits:?}");
        assert!(idx.search_words("tôi muốn xin", &stop).is_empty());
        assert_eq!(
            SearchIndex::content_words("Tôi muốn làm GIẤY khai sinh", &stop),
            ["giay", "khai", "sinh"]
        );
    }
}

/// The same searches over the 168 real units, indexed the way the ward finder does.
#[cfg(test)]
mod hcmc_tests {
    use super::*;
    use crate::ward::{UnitKind, Ward, WardCatalog};

    fn units() -> Vec<Ward> {
        WardCatalog::from_json(include_str!("../../../../assets/hcmc-units.json"))
            .expect("bundled catalogue")
            .units
    }

    fn index(units: &[Ward]) -> SearchIndex {
        SearchIndex::new(
            units
                .iter()
                .map(|w| (w.code.as_str(), w.name.as_str(), w.short_name())),
        )
    }

    fn found<'a>(units: &'a [Ward], q: &str) -> Vec<&'a Ward> {
        index(units)
            .search(q, usize::MAX)
            .into_iter()
            .map(|h| &units[h.position])
            .collect()
    }

    fn names(hits: &[&Ward]) -> Vec<String> {
        hits.iter().map(|w| w.name.clone()).collect()
    }

    /// Whether some word of the unit's name without its kind starts with `word`.
    fn has_word(unit: &Ward, word: &str) -> bool {
        fold(unit.short_name())
            .split(' ')
            .any(|w| w.starts_with(word))
    }

    #[test]
    fn binh_phu_is_not_every_phuong_binh() {
        let units = units();
        let hits = found(&units, "binh phu");
        assert_eq!(names(&hits), ["Phường Bình Phú"]);
    }

    #[test]
    fn phu_does_not_match_phuong() {
        let units = units();
        let hits = found(&units, "phu");
        assert!(!hits.is_empty());
        let strays: Vec<&Ward> = hits
            .iter()
            .copied()
            .filter(|w| !has_word(w, "phu"))
            .collect();
        assert!(strays.is_empty(), "{:?}", names(&strays));
        assert!(names(&hits).contains(&"Xã Phú Giáo".to_owned()));
    }

    #[test]
    fn a_leading_kind_word_filters_on_the_kind() {
        let units = units();
        let wards = found(&units, "phuong binh phu");
        assert_eq!(names(&wards), ["Phường Bình Phú"]);

        let communes = found(&units, "xa phu");
        assert!(communes.iter().all(|w| w.kind == UnitKind::Xa));
        assert!(communes.iter().all(|w| has_word(w, "phu")));
        assert!(names(&communes).contains(&"Xã Phú Giáo".to_owned()));
        // The wards called "Phú …" are left out.
        assert!(communes.len() < found(&units, "phu").len());

        assert_eq!(
            names(&found(&units, "dac khu con dao")),
            ["Đặc khu Côn Đảo"]
        );
        assert_eq!(
            names(&found(&units, "Đặc khu Côn Đảo")),
            ["Đặc khu Côn Đảo"]
        );
        assert!(found(&units, "xa con dao").is_empty());
    }

    /// A query that is only a kind word lists every unit of that kind, in list order.
    #[test]
    fn a_kind_word_alone_lists_that_kind() {
        let units = units();
        for (q, kind, count) in [
            ("phuong", UnitKind::Phuong, 113),
            ("PHƯỜNG", UnitKind::Phuong, 113),
            ("xa", UnitKind::Xa, 54),
            ("xã", UnitKind::Xa, 54),
            ("dac khu", UnitKind::DacKhu, 1),
        ] {
            let hits = found(&units, q);
            assert_eq!(hits.len(), count, "{q}");
            assert!(hits.iter().all(|w| w.kind == kind), "{q}");
            let in_list_order: Vec<&Ward> = units.iter().filter(|w| w.kind == kind).collect();
            assert_eq!(names(&hits), names(&in_list_order), "{q}");
        }
        // Half a kind word is not one.
        assert!(found(&units, "phuon").is_empty());
        assert!(found(&units, "dac").is_empty());
    }

    #[test]
    fn exact_matches_still_come_first() {
        let units = units();
        let idx = index(&units);
        for (q, first) in [
            ("Phú Thọ", "Phường Phú Thọ"),
            ("phu tho", "Phường Phú Thọ"),
            ("Phường Phú Thọ", "Phường Phú Thọ"),
            ("an phu", "Phường An Phú"),
            ("phuong an phu", "Phường An Phú"),
            ("27364", "Phường Bình Phú"),
        ] {
            let hits = found(&units, q);
            assert_eq!(hits.first().map(|w| w.name.as_str()), Some(first), "{q}");
        }
        assert_eq!(idx.search("Phú Thọ", 1)[0].tier, MatchTier::Exact);
        assert_eq!(idx.search("Phường Phú Thọ", 1)[0].tier, MatchTier::Exact);
        assert_eq!(
            names(&found(&units, "phu tho")),
            ["Phường Phú Thọ", "Phường Phú Thọ Hòa"]
        );
    }
}
