//! The answerer that needs nothing but the device: the one search index over every candidate's
//! texts, read two ways and the better kept per item — as a phrase against whole names (typed
//! names and codes, names being typed) and word by word (questions).

use std::collections::HashSet;

use crate::dossier::DossierCode;
use crate::fold::fold;
use crate::search::{Hit, MatchTier, SearchIndex, StopWords};

use super::{Answer, AnswerKind, Answerer, Candidate, Match, STOP_WORDS, STOP_WORDS_MARKED};

/// The least score (0–1) an item needs to be offered at all. Below it, nothing fits.
pub const FIT: f32 = 0.5;

/// A phrase hit whose name contradicts a mark the citizen typed scores this share of its tier:
/// below every hit of any tier that hears the marks (the lowest scores 0.75), still above
/// [`FIT`] (a mistyped mark still finds the name, after the others).
const MARKS_DIFFER: f32 = 0.7;

/// Phrase tiers as scores. Mid-word matches ("contains") are left out: "do" inside "don"
/// answers nothing.
fn tier_score(hit: Hit, query_len: usize) -> Option<f32> {
    let score = match hit.tier {
        MatchTier::Exact => 1.0,
        MatchTier::Folded => 0.98,
        // A start of one or two letters ("1", "do") begins too many names to mean one.
        MatchTier::Prefix if query_len >= 3 => 0.9,
        MatchTier::WordPrefix if query_len >= 3 => 0.75,
        MatchTier::Prefix | MatchTier::WordPrefix | MatchTier::Contains | MatchTier::Kind => {
            return None;
        }
    };
    Some(if hit.marks_differ {
        score * MARKS_DIFFER
    } else {
        score
    })
}

pub struct LocalAnswerer {
    candidates: Vec<Candidate>,
    index: SearchIndex,
    stop: StopWords,
}

impl LocalAnswerer {
    /// An answerer over these items; on equal scores, earlier items come first.
    pub fn new(candidates: Vec<Candidate>) -> Self {
        let index = SearchIndex::from_texts(
            candidates
                .iter()
                .map(|c| (c.code.as_str(), c.texts.iter().map(String::as_str))),
        );
        Self {
            candidates,
            index,
            stop: StopWords::new(
                STOP_WORDS.iter().copied(),
                STOP_WORDS_MARKED.iter().copied(),
            ),
        }
    }

    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// Each item's score for `question` (0–1), where it has one.
    fn scores(&self, question: &str) -> Vec<(usize, f32)> {
        // A dossier code typed any way the receipt allows (spaces, lower case) is read by the
        // one rule of `DossierCode::parse`, as the candidates' codes are.
        let code = DossierCode::parse(question).map(|c| c.as_str().to_lowercase());
        let question = code.as_deref().unwrap_or(question);
        let content = SearchIndex::content_words(question, &self.stop).join(" ");
        // The phrase reading uses the question as typed when it has no filler, else only its
        // meaningful words; both keep the marks typed, which rank names that have them first.
        let typed = SearchIndex::content_words_as_typed(question, &self.stop).join(" ");
        // A code is one phrase however its parts repeat ("000.00.00…": words are kept once).
        let phrase = if code.is_some() || content == fold(question) {
            question
        } else {
            typed.as_str()
        };
        let mut best = vec![None::<f32>; self.candidates.len()];
        let mut raise = |at: usize, score: f32| {
            let slot = &mut best[at];
            *slot = Some(slot.map_or(score, |s: f32| s.max(score)));
        };
        for hit in self.index.search(phrase, usize::MAX) {
            if let Some(score) = tier_score(hit, content.chars().count()) {
                raise(hit.position, score);
            }
        }
        for hit in self.index.search_words(question, &self.stop) {
            // Matching marks lift a word match just above an equal one without them.
            let bonus = if hit.marks_match { 0.001 } else { 0.0 };
            raise(hit.position, (hit.score + bonus).min(1.0));
        }
        best.into_iter()
            .enumerate()
            .filter_map(|(at, s)| Some((at, s?)))
            .collect()
    }

    fn to_match(&self, at: usize, score: f32) -> Match {
        let c = &self.candidates[at];
        Match {
            kind: c.kind,
            id: c.id.clone(),
            title: c.title.clone(),
            score: percent(score),
            origin: c.origin.clone(),
        }
    }

    fn find(&self, kind: AnswerKind, id: &str) -> Option<usize> {
        self.candidates
            .iter()
            .position(|c| c.kind == kind && c.id == id)
    }

    /// Keeps only the matches that name a local item, each once, with that item's own title
    /// and origin (whatever produced `answer`, e.g. a language model, cannot invent either);
    /// scores are capped at 100. A `Found` left empty becomes `NothingFits`.
    pub fn ground(&self, answer: Answer) -> Answer {
        let Answer::Found(matches) = answer else {
            return answer;
        };
        let mut seen = HashSet::new();
        let kept: Vec<Match> = matches
            .into_iter()
            .filter_map(|m| {
                let at = self.find(m.kind, &m.id)?;
                seen.insert(at).then(|| Match {
                    score: m.score.min(100),
                    ..self.to_match(at, 0.0)
                })
            })
            .collect();
        if kept.is_empty() {
            Answer::NothingFits
        } else {
            Answer::Found(kept)
        }
    }
}

fn percent(score: f32) -> u8 {
    // Clamped first, so the cast cannot wrap.
    (score.clamp(0.0, 1.0) * 100.0).round() as u8
}

impl Answerer for LocalAnswerer {
    fn answer(&self, question: &str, limit: usize) -> Answer {
        if SearchIndex::content_words(question, &self.stop).is_empty() {
            return Answer::AskedNothing;
        }
        let mut scored: Vec<(usize, f32)> = self
            .scores(question)
            .into_iter()
            .filter(|&(_, s)| s >= FIT)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let matches: Vec<Match> = scored
            .into_iter()
            .take(limit)
            .map(|(at, s)| self.to_match(at, s))
            .collect();
        if matches.is_empty() {
            Answer::NothingFits
        } else {
            Answer::Found(matches)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ask::Origin;
    use crate::service::Localized;

    fn l(vi: &str, en: &str) -> Localized {
        Localized {
            vi: vi.into(),
            en: en.into(),
        }
    }

    fn answerer() -> LocalAnswerer {
        LocalAnswerer::new(vec![
            Candidate {
                kind: AnswerKind::Procedure,
                id: "khai-sinh".into(),
                code: "1.001193".into(),
                title: l("Đăng ký khai sinh", "Birth registration"),
                texts: vec!["Đăng ký khai sinh".into(), "làm giấy khai sinh".into()],
                origin: Origin::TrackedDossier,
            },
            Candidate::dossier(
                "000.00.04.H29-240115-0001",
                &l("Đăng ký khai sinh", "Birth registration"),
            ),
        ])
    }

    #[test]
    fn codes_as_printed_find_their_item() {
        let a = answerer();
        let ids = |q: &str| -> Vec<String> {
            a.answer(q, 5)
                .matches()
                .iter()
                .map(|m| m.id.clone())
                .collect()
        };
        assert_eq!(ids("1.001193"), ["khai-sinh"]);
        assert_eq!(
            ids(" 000.00.04.h29-240115-0001 "),
            ["000.00.04.H29-240115-0001"]
        );
        // Both the procedure and the dossier answer its name; the list keeps the given order.
        assert_eq!(
            ids("đăng ký khai sinh"),
            ["khai-sinh", "000.00.04.H29-240115-0001"]
        );
    }

    /// Codes are read by `DossierCode::parse` on both sides: spaces anywhere and any case,
    /// in what was tracked and in what is typed.
    #[test]
    fn dossier_codes_are_read_by_the_parsers_rule() {
        let a = LocalAnswerer::new(vec![
            Candidate::dossier(
                "000.00.04.h29 - 240115 - 0001",
                &l("Đăng ký khai sinh", "Birth registration"),
            ),
            // Parts that repeat ("00", "00") are still one code.
            Candidate::dossier(
                "000.00.00.H29-260101-0001",
                &l("Đăng ký khai sinh", "Birth registration"),
            ),
        ]);
        for typed in [
            "000.00.04.H29-240115-0001",
            "000.00.04.H29 - 240115 - 0001",
            " 000.00.04.h29-240115-0001",
        ] {
            let ids: Vec<String> = a
                .answer(typed, 5)
                .matches()
                .iter()
                .map(|m| m.id.clone())
                .collect();
            assert_eq!(ids, ["000.00.04.h29 - 240115 - 0001"], "{typed}");
        }
        let ids: Vec<String> = a
            .answer("000.00.00.h29 - 260101 - 0001", 5)
            .matches()
            .iter()
            .map(|m| m.id.clone())
            .collect();
        assert_eq!(ids, ["000.00.00.H29-260101-0001"]);
        // A text that is no code is found by its name only, never by a code.
        let odd = Candidate::dossier("H29-xyz", &l("Khai sinh", "Birth"));
        assert_eq!(odd.code, "");
    }

    #[test]
    fn grounding_drops_invented_answers_and_restores_local_facts() {
        let a = answerer();
        let invented = Match {
            kind: AnswerKind::Procedure,
            id: "xin-visa-sao-hoa".into(),
            title: l("Xin visa sao Hỏa", "Mars visa"),
            score: 99,
            origin: Origin::TrackedDossier,
        };
        assert_eq!(
            a.ground(Answer::Found(vec![invented.clone()])),
            Answer::NothingFits
        );
        let relabelled = Match {
            id: "khai-sinh".into(),
            score: 250,
            ..invented
        };
        let grounded = a.ground(Answer::Found(vec![relabelled.clone(), relabelled]));
        let m = grounded.matches();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].title.vi, "Đăng ký khai sinh");
        assert_eq!(m[0].score, 100);
        assert_eq!(a.ground(Answer::AskedNothing), Answer::AskedNothing);
    }

    /// "nhà" typed: the procedure about a house (nhà) comes before an earlier one about
    /// dentistry (nha khoa) and one whose name starts with "Nhá", however the phrase matched;
    /// typed without marks, nothing is contradicted.
    #[test]
    fn typed_marks_rank_names_that_have_them_first() {
        let item = |id: &str, name: &str| Candidate {
            kind: AnswerKind::Procedure,
            id: id.into(),
            code: String::new(),
            title: l(name, name),
            texts: vec![name.into()],
            origin: Origin::TrackedDossier,
        };
        let a = LocalAnswerer::new(vec![
            item("nha-khoa", "Cấp phép phòng khám nha khoa"),
            item("nha-o", "Cấp phép sửa chữa nhà ở"),
            item("nha-hang", "Nhá hàng"),
        ]);
        let ids = |q: &str| -> Vec<String> {
            a.answer(q, 5)
                .matches()
                .iter()
                .map(|m| m.id.clone())
                .collect()
        };
        assert_eq!(ids("nhà")[0], "nha-o");
        assert_eq!(ids("sửa nhà")[0], "nha-o");
        assert_eq!(ids("tôi muốn xin cấp phép nhà")[0], "nha-o");
        // Contradicted, not dropped: a mistyped mark still finds the others, after.
        assert_eq!(ids("nhà").len(), 3);
        // Without marks nothing is contradicted: tiers, then list order.
        assert_eq!(ids("nha"), ["nha-hang", "nha-khoa", "nha-o"]);
    }

    #[test]
    fn percentages_are_clamped() {
        assert_eq!(percent(1.7), 100);
        assert_eq!(percent(-1.0), 0);
        assert_eq!(percent(0.504), 50);
    }
}
