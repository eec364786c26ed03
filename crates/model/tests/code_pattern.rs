//! The dossier code's regular expression (`dossier::CODE_PATTERN`, what the city API's OpenAPI
//! document shows) and its parser (`DossierCode::parse`) give the same verdict on every code of
//! a corpus: every date of the century with impossible days and months around them, every place
//! of the code changed to each kind of wrong character, and the sequences' edges.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use model::dossier::{CODE_PATTERN, DossierCode};
use regex::Regex;

fn pattern() -> Regex {
    Regex::new(CODE_PATTERN).expect("the pattern compiles")
}

/// Both verdicts, with the text when they differ. Texts without blanks only: the parser also
/// forgives spaces, which the pattern (a path segment's) leaves out on purpose.
fn agree(re: &Regex, text: &str) -> bool {
    let by_pattern = re.is_match(text);
    let by_parser = DossierCode::parse(text).is_some();
    assert_eq!(
        by_pattern, by_parser,
        "{text:?}: pattern {by_pattern}, parser {by_parser}"
    );
    by_parser
}

#[test]
fn every_date_of_the_century_and_the_impossible_ones_around_them() {
    let re = pattern();
    let mut valid = 0;
    for yy in 0..100 {
        for mm in 0..=13 {
            for dd in 0..=32 {
                let code = format!("000.00.04.H29-{yy:02}{mm:02}{dd:02}-0001");
                valid += usize::from(agree(&re, &code));
            }
        }
    }
    // 36,525 days in 2000–2099 (25 leap years).
    assert_eq!(valid, 36_525);
}

#[test]
fn every_place_changed_to_each_kind_of_character() {
    let re = pattern();
    let good = "000.20.10.H09-240229-0042";
    assert!(agree(&re, good));
    let replacements = [
        '0', '1', '9', 'A', 'h', 'Z', 'O', 'I', 'l', '.', '-', '_', '/', 'đ', '٣', '０',
    ];
    let mut accepted = 0;
    for at in 0..good.len() {
        for r in replacements {
            let mut text: Vec<char> = good.chars().collect();
            text[at] = r;
            accepted += usize::from(agree(&re, &text.into_iter().collect::<String>()));
        }
        // One character fewer, and one more.
        let (head, tail) = good.split_at(at);
        agree(&re, &format!("{head}{}", &tail[1..]));
        agree(&re, &format!("{head}7{tail}"));
    }
    // Some changes keep a valid code (another digit, another letter), most do not.
    assert!(accepted > 50, "{accepted}");
    for text in [
        "",
        "000.00.04.h29-240115-0001",
        "000.00.04.H29-240115-0001x",
        "x000.00.04.H29-240115-0001",
        "000.00.04.H29-240115-00001",
        "000.00.04.H29-2401150-001",
        "000.00.04.29H-240115-0001",
    ] {
        agree(&re, text);
    }
}

#[test]
fn sequences_from_0001_to_9999() {
    let re = pattern();
    for n in 0..=9999 {
        let code = format!("000.00.04.H29-260105-{n:04}");
        assert_eq!(agree(&re, &code), n > 0, "{code}");
    }
}
