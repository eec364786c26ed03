#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use chrono::{DateTime, Utc};

use super::answer::{AnswerError, Response, SurveyAnswer};
use super::results::{QuestionResult, tally, texts};
use super::*;
use crate::reason::Reason;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("time").to_utc()
}

fn b(vi: &str, en: &str) -> Bilingual {
    Bilingual {
        vi: vi.into(),
        en: en.into(),
    }
}

fn q(required: bool, kind: QuestionKind) -> Question {
    Question {
        prompt: b("Câu hỏi?", "Question?"),
        required,
        kind,
    }
}

/// Single (3 choices, required), multiple (4, optional), scale (required), text ≤ 20 (optional).
fn spec() -> SurveySpec {
    SurveySpec {
        title: b("Khảo sát nước sạch", "Clean water survey"),
        questions: vec![
            q(
                true,
                QuestionKind::SingleChoice {
                    choices: vec![b("Có", "Yes"), b("Không", "No"), b("Không rõ", "Not sure")],
                },
            ),
            q(
                false,
                QuestionKind::MultipleChoice {
                    choices: vec![b("A", "A"), b("B", "B"), b("C", "C"), b("D", "D")],
                },
            ),
            q(
                true,
                QuestionKind::Scale {
                    low: b("Rất kém", "Very poor"),
                    high: b("Rất tốt", "Very good"),
                },
            ),
            q(false, QuestionKind::ShortText { max_chars: 20 }),
        ],
        opens_at: t("2026-12-07T08:00:00+07:00"),
        closes_at: t("2026-12-14T08:00:00+07:00"),
        audience: Audience::Wards {
            wards: vec!["26734".into(), "26737".into()],
        },
        edits_allowed: true,
    }
}

fn known(c: &str) -> bool {
    ["26734", "26737", "26740"].contains(&c)
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
}

#[test]
fn states_move_forward_one_step_only() {
    use SurveyState::*;
    let allowed = [(Draft, Open), (Open, Closed), (Closed, Published)];
    for from in SurveyState::ALL {
        for to in SurveyState::ALL {
            assert_eq!(
                from.can_move_to(*to),
                allowed.contains(&(*from, *to)),
                "{from} -> {to}"
            );
        }
        assert!(from.message_key().ends_with(from.as_str()));
    }
}

/// A change to a good spec.
type Change = Box<dyn Fn(&mut SurveySpec)>;

#[test]
fn a_good_spec_passes_and_each_fault_names_its_field() {
    assert_eq!(spec().check(known), Ok(()));
    let problem = |f: &dyn Fn(&mut SurveySpec)| {
        let mut s = spec();
        f(&mut s);
        s.check(known)
            .map(|()| ("".to_owned(), Reason::InternalError))
            .map_err(|p| (p.field.clone(), p.reason()))
    };
    let cases: Vec<(Change, &str, Reason)> = vec![
        (
            Box::new(|s| s.title.vi = "  ".into()),
            "title.vi",
            Reason::Missing,
        ),
        (
            Box::new(|s| s.title.en = "x".repeat(MAX_TITLE_CHARS + 1)),
            "title.en",
            Reason::TooLong,
        ),
        (
            Box::new(|s| s.questions.clear()),
            "questions",
            Reason::Invalid,
        ),
        (
            Box::new(|s| s.questions = vec![s.questions[0].clone(); MAX_QUESTIONS + 1]),
            "questions",
            Reason::Invalid,
        ),
        (
            Box::new(|s| s.questions[1].prompt.en = "\u{7}".into()),
            "questions[1].prompt.en",
            Reason::Invalid,
        ),
        (
            Box::new(|s| {
                s.questions[0].kind = QuestionKind::SingleChoice {
                    choices: vec![b("a", "a")],
                }
            }),
            "questions[0].kind.choices",
            Reason::Invalid,
        ),
        (
            Box::new(|s| {
                s.questions[1].kind = QuestionKind::MultipleChoice {
                    choices: vec![b("a", "a"); MAX_CHOICES + 1],
                }
            }),
            "questions[1].kind.choices",
            Reason::Invalid,
        ),
        (
            Box::new(|s| {
                s.questions[0].kind = QuestionKind::SingleChoice {
                    choices: vec![b("a", "a"), b("b", "")],
                }
            }),
            "questions[0].kind.choices[1].en",
            Reason::Missing,
        ),
        (
            Box::new(|s| {
                s.questions[2].kind = QuestionKind::Scale {
                    low: b("", "x"),
                    high: b("x", "x"),
                }
            }),
            "questions[2].kind.low.vi",
            Reason::Missing,
        ),
        (
            Box::new(|s| s.questions[3].kind = QuestionKind::ShortText { max_chars: 0 }),
            "questions[3].kind.max_chars",
            Reason::Invalid,
        ),
        (
            Box::new(|s| {
                s.questions[3].kind = QuestionKind::ShortText {
                    max_chars: MAX_SHORT_TEXT + 1,
                }
            }),
            "questions[3].kind.max_chars",
            Reason::Invalid,
        ),
        (
            Box::new(|s| s.closes_at = s.opens_at),
            "closes_at",
            Reason::InvalidWindow,
        ),
        (
            Box::new(|s| {
                s.audience = Audience::Wards {
                    wards: vec!["26734".into(), "79000".into()],
                }
            }),
            "audience.wards[1]",
            Reason::UnknownWard,
        ),
        (
            Box::new(|s| {
                s.audience = Audience::Wards {
                    wards: vec!["26734".into(), "26734".into()],
                }
            }),
            "audience.wards[1]",
            Reason::Repeated,
        ),
    ];
    for (change, field, reason) in cases {
        assert_eq!(
            problem(&*change),
            Err((field.to_owned(), reason)),
            "{field}"
        );
    }
}

#[test]
fn the_window_and_the_audience_decide_who_may_answer() {
    let mut s = Survey::new(7, SurveyState::Open, spec());
    let ward = crate::WardCode::parse("26734").ok();
    let other = crate::WardCode::parse("26740").ok();
    let during = t("2026-12-10T12:00:00+07:00");
    assert_eq!(s.answerable(during, ward.as_ref()), Ok(()));
    assert_eq!(
        s.answerable(during, other.as_ref()),
        Err(Reason::OutsideAudience)
    );
    assert_eq!(s.answerable(during, None), Err(Reason::OutsideAudience));
    assert_eq!(
        s.answerable(t("2026-12-07T07:59:59+07:00"), ward.as_ref()),
        Err(Reason::SurveyNotOpen)
    );
    assert_eq!(
        s.answerable(s.closes_at, ward.as_ref()),
        Err(Reason::SurveyNotOpen)
    );
    s.state = SurveyState::Closed;
    assert_eq!(
        s.answerable(during, ward.as_ref()),
        Err(Reason::SurveyNotOpen)
    );
    s.state = SurveyState::Open;
    s.audience = Audience::City {};
    assert_eq!(s.answerable(during, None), Ok(()));
    assert_eq!(s.answerable(during, other.as_ref()), Ok(()));
}

#[test]
fn an_answer_is_read_against_its_survey_and_written_back_the_same() {
    let qs = spec().questions;
    let a = SurveyAnswer::from_pairs(
        &pairs(&[
            ("api_key", "k"),
            ("ward_code", "26734"),
            ("answer[1]", "2"),
            ("answer[2][]", "4"),
            ("answer[2][]", " 1 "),
            ("answer[3]", "5"),
            ("answer[4]", "  Nước đục  "),
        ]),
        &qs,
    )
    .expect("valid");
    assert_eq!(
        a.responses,
        vec![
            Some(Response::Choice(2)),
            Some(Response::Choices(vec![4, 1])),
            Some(Response::Scale(5)),
            Some(Response::Text("Nước đục".into())),
        ]
    );
    assert_eq!(a.ward.as_ref().map(|w| w.as_str()), Some("26734"));
    assert_eq!(SurveyAnswer::from_pairs(&a.to_pairs(), &qs), Ok(a));
    // Optional questions may be left out, or sent empty.
    let short = SurveyAnswer::from_pairs(
        &pairs(&[("answer[1]", "1"), ("answer[3]", "3"), ("answer[4]", " ")]),
        &qs,
    )
    .expect("valid");
    assert_eq!(short.responses[1], None);
    assert_eq!(short.responses[3], None);
    assert_eq!(short.ward, None);
}

#[test]
fn every_fault_of_an_answer_is_refused_with_its_field() {
    let qs = spec().questions;
    let ok = [("answer[1]", "1"), ("answer[3]", "3")];
    let check = |extra: &[(&str, &str)], drop: &str| {
        let mut v: Vec<(&str, &str)> = ok.iter().copied().filter(|(k, _)| *k != drop).collect();
        v.extend_from_slice(extra);
        SurveyAnswer::from_pairs(&pairs(&v), &qs)
    };
    let missing = |f: &str| Err(AnswerError::Missing { field: f.into() });
    let invalid = |f: &str| Err(AnswerError::Invalid { field: f.into() });
    let unknown = |f: &str| Err(AnswerError::Unknown { field: f.into() });
    let repeated = |f: &str| Err(AnswerError::Repeated { field: f.into() });
    assert_eq!(check(&[], "answer[1]"), missing("answer[1]"));
    assert_eq!(check(&[], "answer[3]"), missing("answer[3]"));
    assert_eq!(
        check(&[("answer[1]", "")], "answer[1]"),
        missing("answer[1]")
    );
    for bad in ["0", "4", "-1", "1.0", "01", "một", "256", "99999"] {
        assert_eq!(
            check(&[("answer[1]", bad)], "answer[1]"),
            invalid("answer[1]"),
            "{bad}"
        );
    }
    for bad in ["0", "6", "2.5"] {
        assert_eq!(
            check(&[("answer[3]", bad)], "answer[3]"),
            invalid("answer[3]"),
            "{bad}"
        );
    }
    assert_eq!(check(&[("answer[2][]", "5")], ""), invalid("answer[2][]"));
    assert_eq!(
        check(&[("answer[2][]", "2"), ("answer[2][]", "2")], ""),
        repeated("answer[2][]")
    );
    assert_eq!(check(&[("answer[1]", "2")], ""), repeated("answer[1]"));
    assert_eq!(
        check(&[("answer[4]", &"ư".repeat(21))], ""),
        Err(AnswerError::TooLong {
            field: "answer[4]".into(),
            max: 20
        })
    );
    assert!(check(&[("answer[4]", &"ư".repeat(20))], "").is_ok());
    assert_eq!(check(&[("answer[4]", "a\u{0}")], ""), invalid("answer[4]"));
    // Fields that are not this survey's.
    for f in [
        "answer[5]",
        "answer[0]",
        "answer[01]",
        "answer[2]",
        "answer[1][]",
        "answer[x]",
        "q1",
        "comment",
        "answer[1]]",
    ] {
        assert_eq!(check(&[(f, "1")], ""), unknown(f), "{f}");
    }
    assert_eq!(check(&[("ward_code", "2673")], ""), invalid("ward_code"));
    assert_eq!(
        check(&[("ward_code", "26734"), ("ward_code", "26734")], ""),
        repeated("ward_code")
    );
    // Nothing answered at all.
    let mut optional = qs.clone();
    for q in &mut optional {
        q.required = false;
    }
    assert_eq!(
        SurveyAnswer::from_pairs(&pairs(&[("ward_code", "26734")]), &optional),
        missing("answer[1]")
    );
    for e in [
        AnswerError::Missing { field: "f".into() },
        AnswerError::Unknown { field: "f".into() },
    ] {
        assert_eq!(e.field(), "f");
        assert_ne!(e.reason(), Reason::InternalError);
    }
}

#[test]
fn results_count_and_share_as_by_hand_and_keep_text_apart() {
    let qs = spec().questions;
    let read = |v: &[(&str, &str)]| SurveyAnswer::from_pairs(&pairs(v), &qs).expect("valid");
    let answers = vec![
        read(&[
            ("answer[1]", "1"),
            ("answer[2][]", "1"),
            ("answer[2][]", "2"),
            ("answer[3]", "5"),
            ("answer[4]", "tốt"),
        ]),
        read(&[("answer[1]", "1"), ("answer[2][]", "2"), ("answer[3]", "4")]),
        read(&[
            ("answer[1]", "2"),
            ("answer[3]", "1"),
            ("answer[4]", "nước đục"),
        ]),
        read(&[("answer[1]", "1"), ("answer[3]", "5")]),
    ];
    let r = tally(9, &qs, &answers);
    assert_eq!(r.survey_id, 9);
    assert_eq!(r.respondents, 4);
    let QuestionResult::SingleChoice { answered, choices } = &r.questions[0] else {
        panic!("{:?}", r.questions[0])
    };
    assert_eq!(*answered, 4);
    let counts: Vec<u64> = choices.iter().map(|c| c.count).collect();
    assert_eq!(counts, [3, 1, 0]);
    assert_eq!(choices[0].share, Some(0.75));
    assert_eq!(choices[2].share, Some(0.0));
    let QuestionResult::MultipleChoice { answered, choices } = &r.questions[1] else {
        panic!("{:?}", r.questions[1])
    };
    assert_eq!(*answered, 2);
    let counts: Vec<u64> = choices.iter().map(|c| c.count).collect();
    assert_eq!(counts, [1, 2, 0, 0]);
    assert_eq!(choices[1].share, Some(1.0));
    assert_eq!(
        r.questions[2],
        QuestionResult::Scale {
            answered: 4,
            counts: vec![1, 0, 0, 1, 2],
            mean: Some(15.0 / 4.0)
        }
    );
    assert_eq!(r.questions[3], QuestionResult::ShortText { answered: 2 });
    let json = serde_json::to_string(&r).expect("json");
    assert!(
        !json.contains("tốt") && !json.contains("nước đục"),
        "{json}"
    );
    let t = texts(&qs, &answers);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].question, 4);
    assert_eq!(t[0].texts, ["tốt", "nước đục"]);
    // Nobody answered: counts are 0, shares and the mean absent (not a made-up figure).
    let empty = tally(9, &qs, &[]);
    assert_eq!(empty.respondents, 0);
    let QuestionResult::SingleChoice { choices, .. } = &empty.questions[0] else {
        panic!()
    };
    assert!(choices.iter().all(|c| c.count == 0 && c.share.is_none()));
    assert_eq!(
        empty.questions[2],
        QuestionResult::Scale {
            answered: 0,
            counts: vec![0; 5],
            mean: None
        }
    );
    // An answer that does not fit (a response of another kind) is not counted for it.
    let odd = SurveyAnswer {
        ward: None,
        responses: vec![
            Some(Response::Scale(9)),
            None,
            Some(Response::Choice(1)),
            None,
        ],
    };
    let r = tally(9, &qs, &[odd]);
    assert_eq!(
        r.questions[0],
        QuestionResult::SingleChoice {
            answered: 0,
            choices: empty_choices(3)
        }
    );
}

fn empty_choices(n: usize) -> Vec<results::ChoiceCount> {
    vec![
        results::ChoiceCount {
            count: 0,
            share: None
        };
        n
    ]
}

#[test]
fn the_wire_form_of_a_spec_is_strict_and_round_trips() {
    let s = spec();
    let json = serde_json::to_value(&s).expect("json");
    assert_eq!(json["questions"][0]["kind"]["type"], "single_choice");
    assert_eq!(json["audience"]["kind"], "wards");
    assert_eq!(json["opens_at"], "2026-12-07T01:00:00Z");
    assert_eq!(
        serde_json::from_value::<SurveySpec>(json.clone()).expect("back"),
        s
    );
    let mut extra = json.clone();
    extra["questions"][3]["kind"]["min_chars"] = 1.into();
    assert!(serde_json::from_value::<SurveySpec>(extra).is_err());
    let mut extra = json.clone();
    extra["audience"] = serde_json::json!({"kind": "city", "wards": []});
    assert!(serde_json::from_value::<SurveySpec>(extra).is_err());
    let mut kind = json.clone();
    kind["questions"][0]["kind"]["type"] = "ranking".into();
    assert!(serde_json::from_value::<SurveySpec>(kind).is_err());
    let mut time = json;
    time["closes_at"] = "tomorrow".into();
    assert!(serde_json::from_value::<SurveySpec>(time).is_err());
    for k in QuestionKind::KEYS.iter().chain(&Audience::KEYS) {
        assert!(k.starts_with("survey."));
    }
    assert_eq!(spec().questions[2].kind.message_key(), "survey.kind.scale");
}

#[test]
fn check_names_every_questions_problem_in_order() {
    let qs = spec().questions;
    // Question 1 (required) left out, question 3 (required) out of range: both named.
    let errors = SurveyAnswer::check(&pairs(&[("answer[3]", "9")]), &qs).expect_err("refused");
    let all: Vec<_> = errors.all().cloned().collect();
    assert_eq!(
        all,
        [
            AnswerError::Missing {
                field: "answer[1]".into()
            },
            AnswerError::Invalid {
                field: "answer[3]".into()
            },
        ]
    );
    // The city's answer names the first.
    assert_eq!(
        SurveyAnswer::from_pairs(&pairs(&[("answer[3]", "9")]), &qs),
        Err(all[0].clone())
    );
    // A fault of the form itself stands alone.
    let errors = SurveyAnswer::check(&pairs(&[("answer[9]", "1")]), &qs).expect_err("refused");
    assert_eq!(errors.all().count(), 1);
}
