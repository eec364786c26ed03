//! The two message files stay in step: same keys, no empty text, same placeholders, and a
//! message for every error code the shell can send.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::collections::{BTreeMap, BTreeSet};

use model::draft_reason::ProblemReason;
use model::feedback::{RequestStatus, Satisfaction};

fn load(lang: &str) -> BTreeMap<String, String> {
    let path = format!("{}/../../i18n/{lang}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("message file");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

#[test]
fn both_languages_have_the_same_keys() {
    let (vi, en) = (load("vi"), load("en"));
    let only_vi: Vec<_> = vi.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: Vec<_> = en.keys().filter(|k| !vi.contains_key(*k)).collect();
    assert!(
        only_vi.is_empty() && only_en.is_empty(),
        "missing in en.json: {only_vi:?}; missing in vi.json: {only_en:?}"
    );
}

#[test]
fn no_empty_messages_and_matching_placeholders() {
    let (vi, en) = (load("vi"), load("en"));
    for (key, text) in &vi {
        assert!(!text.trim().is_empty(), "vi {key} is empty");
        let other = en.get(key).map(String::as_str).unwrap_or_default();
        assert!(!other.trim().is_empty(), "en {key} is empty");
        assert_eq!(
            placeholders(text),
            placeholders(other),
            "placeholders differ for {key}"
        );
    }
}

#[test]
fn every_error_code_has_a_message() {
    for lang in ["vi", "en"] {
        let messages = load(lang);
        for code in model::ErrorCode::ALL {
            assert!(
                messages.contains_key(&code.message_key()),
                "{lang}.json lacks {}",
                code.message_key()
            );
        }
        assert!(messages.contains_key("error.generic"));
    }
}

#[test]
fn compiled_table_has_every_key() {
    for (lang, l) in [("vi", model::Language::Vi), ("en", model::Language::En)] {
        for (key, text) in load(lang) {
            assert_eq!(i18n::lookup(l, &key), Some(text.as_str()), "{lang} {key}");
        }
    }
}

/// Every literal key the UI asks for (`t("…")`, `t_with("…"`) exists; a typo would otherwise
/// show the generic error text instead of the message.
#[test]
fn keys_used_by_the_ui_exist() {
    let messages = load("vi");
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../app-ui/src"
    ))];
    let mut used = 0;
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(
                std::fs::read_dir(&path)
                    .expect("read dir")
                    .map(|e| e.expect("entry").path()),
            );
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("read source");
        for call in ["t(\"", "t_with(\"", "notify(\""] {
            for (i, _) in source.match_indices(call) {
                let rest = &source[i + call.len()..];
                let key = rest.split('"').next().unwrap_or_default();
                used += 1;
                assert!(
                    messages.contains_key(key),
                    "{} asks for unknown key {key:?}",
                    path.display()
                );
            }
        }
    }
    assert!(used > 20, "the scan found the UI's keys ({used})");
}

/// Keys the UI takes from model's enums, for every variant: none can be missing.
#[test]
fn keys_handed_out_by_model_exist() {
    let messages = load("en");
    let parts = model::part::Part::ALL
        .iter()
        .flat_map(|p| [p.title_key(), p.hint_key()]);
    let keys = model::dto::Connection::ALL
        .iter()
        .map(|c| c.message_key())
        .chain(parts)
        .chain(model::draft::FormStep::ALL.iter().map(|s| s.message_key()))
        .chain(model::Language::ALL.iter().map(|l| l.message_key()))
        .chain(model::TextSize::ALL.iter().map(|s| s.message_key()))
        .chain(model::UnitKind::ALL.iter().map(|k| k.message_key()))
        // Former places (issue 14): how each is named and what it is now.
        .chain(
            model::search::place::FormerLabel::ALL
                .iter()
                .map(|l| l.message_key()),
        )
        .chain(
            model::search::place::NowPart::ALL
                .iter()
                .flat_map(|n| [n.message_key(), n.list_key()]),
        )
        .chain(RequestStatus::ALL.iter().map(|s| s.message_key()))
        .chain([model::feedback::NOT_YET_KEY])
        .chain(Satisfaction::ALL.iter().map(|s| s.message_key()))
        .chain(ProblemReason::all().map(ProblemReason::message_key))
        .chain([model::draft_reason::OTHER_KEY])
        // What the citizen is told when the city refuses an action, for every reason it can give.
        .chain(model::reason::Reason::ALL.iter().map(|r| r.message_key()))
        // "Your data": the city's part of an export, where a deletion stands at the city.
        .chain(
            model::trust::my_data::CityPart::ALL
                .iter()
                .map(|p| p.message_key()),
        )
        .chain(
            model::trust::my_data::CityDeletion::ALL
                .iter()
                .map(|d| d.message_key()),
        )
        .chain(dossier_keys())
        // The question box and the procedures guide.
        .chain(model::ask::Answer::KEYS)
        .chain(model::ask::Origin::KEYS)
        .chain(model::ask::AnswerKind::ALL.iter().map(|k| k.message_key()))
        .chain(model::guide::Field::ALL.iter().map(|f| f.message_key()))
        .chain(model::guide::Fact::ALL.iter().map(|f| f.message_key()))
        .chain(
            model::guide::SourceKind::ALL
                .iter()
                .map(|k| k.message_key()),
        )
        .chain(model::guide::FeeKind::ALL.iter().map(|k| k.message_key()))
        .chain(
            model::map::BoundaryKind::ALL
                .iter()
                .map(|k| k.message_key()),
        )
        .chain(model::map::ScoreKind::ALL.iter().map(|k| k.message_key()))
        .chain(model::map::HoursFrom::ALL.iter().map(|k| k.message_key()))
        .chain(
            model::guide::TimeLimit::KINDS
                .iter()
                .map(|t| t.message_key()),
        )
        .chain(
            model::guide::OnlineMode::ALL
                .iter()
                .map(|m| m.message_key()),
        )
        .chain([model::guide::NOT_VERIFIED_KEY])
        // Surveys and announcements (issue 15).
        .chain(
            model::survey::SurveyState::ALL
                .iter()
                .map(|s| s.message_key()),
        )
        .chain(model::survey::QuestionKind::KEYS)
        .chain(model::survey::Audience::KEYS)
        .chain(
            model::announcement::Urgency::ALL
                .iter()
                .map(|u| u.message_key()),
        );
    let mut keys: Vec<String> = keys.map(str::to_owned).collect();
    keys.push(model::reason::OTHER_KEY.into());
    // The ward rating and the 766 scoreboard (issue 15).
    {
        use model::index766::{Band, ByRule, Criterion, Group, NotComputable, Trend};
        use model::scoreboard::PeriodKind;
        let st = |k: &'static str| k.to_owned();
        keys.extend(
            model::ward_rating::Element::ALL
                .iter()
                .map(|e| st(e.message_key())),
        );
        keys.extend(Group::ALL.iter().map(|g| st(g.message_key())));
        keys.extend(Criterion::ALL.iter().map(|c| c.message_key()));
        keys.extend(NotComputable::ALL.iter().map(|n| n.message_key()));
        keys.extend(ByRule::ALL.iter().map(|b| b.message_key()));
        keys.extend(Band::ALL.iter().map(|b| b.message_key()));
        keys.extend(Trend::ALL.iter().map(|t| st(t.message_key())));
        keys.extend(PeriodKind::ALL.iter().map(|p| st(p.message_key())));
        keys.extend(
            model::rating_dto::RatingState::ALL
                .iter()
                .map(|s| st(s.message_key())),
        );
    }
    for key in keys {
        assert!(messages.contains_key(&key), "missing {key}");
    }
}

/// Dossiers: states, where a tracked one stands with the city, what is wrong in a typed code and
/// where, QR problems, papers asked for, deadlines and the working-day calendar.
fn dossier_keys() -> impl Iterator<Item = &'static str> {
    use model::dossier::{
        CodePart, DossierStatus, HandIn, HcmcOrigin, MistakeReason, PaperForm, qr::QrProblem,
    };
    use model::workdays::{DayOffKind, DeadlineStatus, NOT_AVAILABLE_KEY};
    let hand_in = [
        HandIn::Online,
        HandIn::AtDesk {
            place: String::new(),
            address: None,
        },
        HandIn::ByPost {
            address: String::new(),
        },
    ];
    use model::dossier_dto::{DeadlineDto, Lookup};
    DossierStatus::ALL
        .iter()
        .map(|s| s.message_key())
        .chain(Lookup::ALL.iter().map(|l| l.message_key()))
        .chain(DeadlineDto::KEYS)
        .chain(CodePart::ALL.iter().map(|p| p.message_key()))
        .chain(MistakeReason::ALL.iter().map(|r| r.message_key()))
        .chain(HcmcOrigin::ALL.iter().map(|o| o.message_key()))
        .chain(
            QrProblem::examples()
                .iter()
                .map(QrProblem::message_key)
                .collect::<Vec<_>>(),
        )
        .chain(PaperForm::ALL.iter().map(|f| f.message_key()))
        .chain(hand_in.iter().map(HandIn::message_key).collect::<Vec<_>>())
        .chain(
            [
                DeadlineStatus::DaysLeft(1),
                DeadlineStatus::DueToday,
                DeadlineStatus::Overdue(1),
            ]
            .map(DeadlineStatus::message_key),
        )
        .chain(DayOffKind::ALL.iter().map(|k| k.message_key()))
        .chain([NOT_AVAILABLE_KEY])
}

/// Each language is named in itself in both files: the settings screen shows the choices from
/// the table of the language in use, and the UI holds only that one.
#[test]
fn languages_are_named_in_themselves() {
    let (vi, en) = (load("vi"), load("en"));
    for key in ["lang.vi", "lang.en"] {
        assert_eq!(vi.get(key), en.get(key), "{key}");
    }
    assert_eq!(vi.get("lang.vi").map(String::as_str), Some("Tiếng Việt"));
}
