//! The question box over the bundled data: the issue's example questions, with and without
//! marks; filler words; questions nothing fits; and recall over every entry of the guide and of
//! the 1022 fields. Prints the quality figures (`cargo test -p citizen-model --test ask_guide --
//! --nocapture`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use model::ask::{Answer, AnswerKind, Answerer, Candidate, LocalAnswerer, Origin};
use model::fold;
use model::guide::Guide;
use model::service::ServiceCatalog;

const GUIDE: &str = include_str!("../../../assets/procedures-guide.json");
const SERVICES: &str = include_str!("../../../assets/services-1022.json");

fn guide() -> Guide {
    Guide::from_json(GUIDE).expect("bundled guide")
}

fn answerer() -> LocalAnswerer {
    let guide = guide();
    let services = ServiceCatalog::from_json(SERVICES).expect("bundled services");
    let mut items = Candidate::procedures(&guide);
    items.extend(Candidate::feedback_fields(&services));
    LocalAnswerer::new(items)
}

fn first(a: &LocalAnswerer, q: &str) -> Option<String> {
    a.answer(q, 5).matches().first().map(|m| m.id.clone())
}

#[path = "common/ask_examples.rs"]
mod ask_examples;
use ask_examples::EXAMPLES;

#[test]
fn the_issues_examples_come_first_with_and_without_marks() {
    let a = answerer();
    for (q, want) in EXAMPLES {
        assert_eq!(first(&a, q).as_deref(), Some(*want), "{q}");
        let bare = fold(q);
        assert_eq!(first(&a, &bare).as_deref(), Some(*want), "{bare}");
        let shouting = q.to_uppercase();
        assert_eq!(first(&a, &shouting).as_deref(), Some(*want), "{shouting}");
    }
    // The two the issue spells out.
    assert_eq!(
        first(&a, "toi muon xin giay phep xay dung nha").as_deref(),
        Some("cap-giay-phep-xay-dung-nha-o")
    );
    assert_eq!(first(&a, "lam so do").as_deref(), Some("cap-gcn-lan-dau"));
}

#[test]
fn answers_say_where_they_come_from() {
    let a = answerer();
    let answer = a.answer("đăng ký khai sinh", 5);
    let birth = &answer.matches()[0];
    assert_eq!(birth.kind, AnswerKind::Procedure);
    let Origin::Guide { as_of, basis } = &birth.origin else {
        panic!("a procedure comes from the guide: {:?}", birth.origin);
    };
    assert_eq!(as_of, "2026-12-07");
    assert!(
        basis[0].vi.starts_with("Luật Hộ tịch số 60/2014/QH13"),
        "{basis:?}"
    );
    let flood_answer = a.answer("ngập nước", 5);
    let flood = &flood_answer.matches()[0];
    assert_eq!(flood.kind, AnswerKind::FeedbackField);
    assert!(
        matches!(&flood.origin, Origin::FeedbackCatalog { jurisdiction } if jurisdiction == "hochiminhcity.gov.vn")
    );
}

#[test]
fn filler_words_do_not_decide_the_answer() {
    let a = answerer();
    for q in [
        "tôi muốn",
        "làm sao",
        "xin",
        "tôi muốn làm sao",
        "cho hỏi",
        "  ",
        "",
        "?!",
    ] {
        assert_eq!(a.answer(q, 5), Answer::AskedNothing, "{q:?}");
    }
    // Filler around a question changes nothing at the top.
    for (q, want) in EXAMPLES {
        let wrapped = format!("cho em hỏi, tôi muốn {q} thì làm sao ạ?");
        assert_eq!(first(&a, &wrapped).as_deref(), Some(*want), "{wrapped}");
    }
    // "xin" is in a keyword of the judicial record ("xin lý lịch tư pháp"): it must not pull it up.
    let permit = a.answer("tôi muốn xin giấy phép xây dựng nhà", 5);
    assert!(
        permit
            .matches()
            .iter()
            .all(|m| m.id != "cap-phieu-ly-lich-tu-phap"),
        "{permit:?}"
    );
}

#[test]
fn nonsense_gets_nothing_fits_and_the_feedback_form() {
    let a = answerer();
    for q in [
        "xyzzy qwerty",
        "asdfghjkl",
        "con mèo nhà tôi bị lạc",
        "giá vàng hôm nay",
        "1",
        "zz",
    ] {
        let answer = a.answer(q, 5);
        assert_eq!(answer, Answer::NothingFits, "{q}");
        assert!(answer.offers_feedback_form());
        assert_eq!(answer.message_key(), "ask.nothing_fits");
    }
}

#[test]
fn a_tracked_dossier_is_ranked_with_the_rest() {
    let guide = guide();
    let permit = guide.get("cap-giay-phep-xay-dung-nha-o").unwrap();
    let mut items = Candidate::procedures(&guide);
    items.push(Candidate::dossier(
        "000.00.04.H29-240115-0001",
        &permit.name,
    ));
    let a = LocalAnswerer::new(items);
    let answer = a.answer("giấy phép xây dựng nhà ở", 5);
    let kinds: Vec<AnswerKind> = answer.matches().iter().map(|m| m.kind).collect();
    assert_eq!(kinds[..2], [AnswerKind::Procedure, AnswerKind::Dossier]);
    assert_eq!(
        first(&a, "000.00.04.H29-240115-0001").as_deref(),
        Some("000.00.04.H29-240115-0001")
    );
}

/// Every procedure is found first by its own name in either language, with or without marks,
/// and by at least one of its keywords; every keyword finds it among the answers. The share of
/// keywords that put it first is printed.
#[test]
fn recall_over_every_entry() {
    let a = answerer();
    let guide = guide();
    let (mut keywords, mut keywords_first) = (0, 0);
    for p in &guide.procedures {
        for name in [&p.name.vi, &p.name.en] {
            assert_eq!(first(&a, name).as_deref(), Some(p.id.as_str()), "{name}");
            assert_eq!(
                first(&a, &fold(name)).as_deref(),
                Some(p.id.as_str()),
                "{name}"
            );
        }
        let mut any_first = false;
        for k in p.keywords.vi.iter().chain(&p.keywords.en) {
            let answer = a.answer(k, 10);
            let rank = answer.matches().iter().position(|m| m.id == p.id);
            assert!(
                rank.is_some(),
                "{}: keyword {k:?} does not find it: {answer:?}",
                p.id
            );
            keywords += 1;
            if rank == Some(0) {
                keywords_first += 1;
                any_first = true;
            }
        }
        assert!(any_first, "{}: no keyword finds it first", p.id);
    }
    let services = ServiceCatalog::from_json(SERVICES).unwrap();
    for s in services.services.iter().filter(|s| !s.triage) {
        assert_eq!(
            first(&a, &s.name.vi).as_deref(),
            Some(s.code.as_str()),
            "{}",
            s.name.vi
        );
        assert_eq!(
            first(&a, &s.name.en).as_deref(),
            Some(s.code.as_str()),
            "{}",
            s.name.en
        );
    }
    eprintln!(
        "recall: {} procedures by name 100 %; {keywords_first}/{keywords} keywords rank their procedure first, all {keywords} find it",
        guide.procedures.len()
    );
}
