//! A dossier code checked as the citizen types it: after every key press the form can say
//! whether the text is fine so far, complete, or wrong — and then what is wrong and where.
//!
//! The shape is Circular 01/2018/TT-VPCP art. 19: `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX`, the
//! receiving unit's code (QCVN 102:2016/BTTTT: `M` a letter, every other place a digit), the
//! date received and that day's sequence number. Spaces anywhere and lower case are forgiven;
//! nothing else is guessed.

use chrono::NaiveDate;

use super::code::DossierCode;

/// Characters in a complete code, separators included.
pub const CODE_LEN: usize = 25;

/// What one place of the code holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Digit,
    Letter,
    Dot,
    Dash,
}

use Slot::{Dash, Digit, Dot, Letter};

/// `DDD.DD.DD.LDD-DDDDDD-DDDD`, place by place.
const SHAPE: [Slot; CODE_LEN] = [
    Digit, Digit, Digit, Dot, Digit, Digit, Dot, Digit, Digit, Dot, Letter, Digit, Digit, Dash,
    Digit, Digit, Digit, Digit, Digit, Digit, Dash, Digit, Digit, Digit, Digit,
];

/// Where the date (`YYMMDD`) and the day's number (`XXXX`) start in the normalised code.
const DATE_AT: usize = 14;
const SEQUENCE_AT: usize = 21;

/// The three parts a citizen can be told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodePart {
    /// The receiving unit (`000.00.04.H29`).
    Agency,
    /// The date received (`240115`).
    Date,
    /// That day's number (`0001`).
    Sequence,
}

impl CodePart {
    pub const ALL: [Self; 3] = [Self::Agency, Self::Date, Self::Sequence];

    /// The part a place of the normalised code belongs to.
    fn at(index: usize) -> Self {
        match index {
            i if i < DATE_AT - 1 => Self::Agency,
            i if i < SEQUENCE_AT - 1 => Self::Date,
            _ => Self::Sequence,
        }
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Agency => "dossier.code.part.agency",
            Self::Date => "dossier.code.part.date",
            Self::Sequence => "dossier.code.part.sequence",
        }
    }
}

/// Why a typed code is wrong, in words a citizen understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MistakeReason {
    /// A digit goes here.
    ExpectedDigit,
    /// A letter A–Z goes here (the `H` of `H29`).
    ExpectedLetter,
    /// A dot goes here: this part already has all its digits.
    ExpectedDot,
    /// A dash goes here: this part already has all its digits.
    ExpectedDash,
    /// A separator came before this part had all its digits.
    PartTooShort,
    /// The letter O, I or L where a digit goes: the receipt shows 0 or 1.
    LookAlikeLetter,
    /// The date part is not a real date.
    NotARealDate,
    /// Dossiers of a day are numbered from 0001.
    ZeroSequence,
    /// The code is complete before this character.
    TooLong,
}

impl MistakeReason {
    pub const ALL: [Self; 9] = [
        Self::ExpectedDigit,
        Self::ExpectedLetter,
        Self::ExpectedDot,
        Self::ExpectedDash,
        Self::PartTooShort,
        Self::LookAlikeLetter,
        Self::NotARealDate,
        Self::ZeroSequence,
        Self::TooLong,
    ];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::ExpectedDigit => "dossier.code.problem.expected_digit",
            Self::ExpectedLetter => "dossier.code.problem.expected_letter",
            Self::ExpectedDot => "dossier.code.problem.expected_dot",
            Self::ExpectedDash => "dossier.code.problem.expected_dash",
            Self::PartTooShort => "dossier.code.problem.part_too_short",
            Self::LookAlikeLetter => "dossier.code.problem.look_alike_letter",
            Self::NotARealDate => "dossier.code.problem.not_a_real_date",
            Self::ZeroSequence => "dossier.code.problem.zero_sequence",
            Self::TooLong => "dossier.code.problem.too_long",
        }
    }
}

/// What is wrong, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CodeMistake {
    /// Position of the offending character in the text as typed, counted in characters
    /// (not bytes) from 0, spaces included: what the input field highlights.
    pub at: usize,
    pub part: CodePart,
    pub reason: MistakeReason,
}

/// The verdict on what the citizen has typed so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypedCode {
    /// Nothing but spaces.
    Empty,
    /// Right so far; more is needed.
    Incomplete,
    Complete(DossierCode),
    Wrong(CodeMistake),
}

/// Checks `text` as typed: the first mistake wins, so the citizen fixes one thing at a time.
pub fn check_as_typed(text: &str) -> TypedCode {
    let mut code = String::with_capacity(CODE_LEN);
    for (at, typed) in text.chars().enumerate() {
        if typed.is_whitespace() {
            continue;
        }
        let index = code.len();
        let mistake = |reason| {
            TypedCode::Wrong(CodeMistake {
                at,
                part: CodePart::at(index.min(CODE_LEN - 1)),
                reason,
            })
        };
        let Some(&slot) = SHAPE.get(index) else {
            return TypedCode::Wrong(CodeMistake {
                at,
                part: CodePart::Sequence,
                reason: MistakeReason::TooLong,
            });
        };
        let c = typed.to_ascii_uppercase();
        if let Some(reason) = slot_mistake(slot, c) {
            return mistake(reason);
        }
        code.push(c);
        if let Some(reason) = number_mistake(&code) {
            return mistake(reason);
        }
    }
    if code.is_empty() {
        TypedCode::Empty
    } else if code.len() < CODE_LEN {
        TypedCode::Incomplete
    } else {
        match complete(code) {
            Some(code) => TypedCode::Complete(code),
            // Unreachable by the checks above; answered as a date problem rather than a panic.
            None => TypedCode::Wrong(CodeMistake {
                at: text.chars().count().saturating_sub(1),
                part: CodePart::Date,
                reason: MistakeReason::NotARealDate,
            }),
        }
    }
}

fn slot_mistake(slot: Slot, c: char) -> Option<MistakeReason> {
    match slot {
        Digit if c.is_ascii_digit() => None,
        Digit if matches!(c, 'O' | 'I' | 'L') => Some(MistakeReason::LookAlikeLetter),
        Digit if matches!(c, '.' | '-') => Some(MistakeReason::PartTooShort),
        Digit => Some(MistakeReason::ExpectedDigit),
        Letter if c.is_ascii_uppercase() => None,
        Letter if matches!(c, '.' | '-') => Some(MistakeReason::PartTooShort),
        Letter => Some(MistakeReason::ExpectedLetter),
        Dot if c == '.' => None,
        Dot => Some(MistakeReason::ExpectedDot),
        Dash if c == '-' => None,
        Dash => Some(MistakeReason::ExpectedDash),
    }
}

fn digit(code: &[u8], i: usize) -> u32 {
    code.get(i).map_or(0, |b| u32::from(b.wrapping_sub(b'0')))
}

/// Checks the date and the day's number as soon as their digits make them impossible: a month
/// starting with 2 is wrong at once, not after the whole date is typed.
fn number_mistake(code: &str) -> Option<MistakeReason> {
    let b = code.as_bytes();
    let month_at = DATE_AT + 2;
    let day_at = DATE_AT + 4;
    let bad_date = match b.len() {
        n if n == month_at + 1 => digit(b, month_at) > 1,
        n if n == month_at + 2 => {
            !(1..=12).contains(&(digit(b, month_at) * 10 + digit(b, month_at + 1)))
        }
        n if n == day_at + 1 => digit(b, day_at) > 3,
        n if n == day_at + 2 => date_of(b).is_none(),
        _ => false,
    };
    if bad_date {
        return Some(MistakeReason::NotARealDate);
    }
    let zero = b.len() == CODE_LEN && b[SEQUENCE_AT..].iter().all(|&c| c == b'0');
    zero.then_some(MistakeReason::ZeroSequence)
}

/// The date of a code whose date digits are all typed. `YY` is 20YY: the format dates from 2018.
fn date_of(code: &[u8]) -> Option<NaiveDate> {
    let two = |i| digit(code, i) * 10 + digit(code, i + 1);
    let year = 2000 + i32::try_from(two(DATE_AT)).ok()?;
    NaiveDate::from_ymd_opt(year, two(DATE_AT + 2), two(DATE_AT + 4))
}

fn complete(code: String) -> Option<DossierCode> {
    let b = code.as_bytes();
    let received = date_of(b)?;
    let sequence = (SEQUENCE_AT..CODE_LEN).fold(0u16, |n, i| n * 10 + digit(b, i) as u16);
    Some(DossierCode::new_checked(code, received, sequence))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrong(text: &str) -> (usize, CodePart, MistakeReason) {
        match check_as_typed(text) {
            TypedCode::Wrong(m) => (m.at, m.part, m.reason),
            other => panic!("{text:?} should be wrong, got {other:?}"),
        }
    }

    #[test]
    fn every_prefix_of_a_valid_code_is_fine_so_far() {
        let code = "000.00.04.H29-240115-0001";
        for end in 1..code.len() {
            assert_eq!(
                check_as_typed(&code[..end]),
                TypedCode::Incomplete,
                "{}",
                &code[..end]
            );
        }
        assert!(matches!(check_as_typed(code), TypedCode::Complete(_)));
        assert_eq!(check_as_typed("   "), TypedCode::Empty);
        assert_eq!(check_as_typed(""), TypedCode::Empty);
    }

    #[test]
    fn spaces_and_lower_case_are_forgiven() {
        let TypedCode::Complete(c) = check_as_typed(" 000.00.04.h29 - 240115 - 0001 ") else {
            panic!("complete");
        };
        assert_eq!(c.as_str(), "000.00.04.H29-240115-0001");
        assert_eq!(check_as_typed("000 .0"), TypedCode::Incomplete);
    }

    #[test]
    fn a_wrong_character_is_named_at_its_place_in_the_typed_text() {
        // 'x' is the 3rd character typed: a digit belongs there.
        assert_eq!(
            wrong("00x"),
            (2, CodePart::Agency, MistakeReason::ExpectedDigit)
        );
        // Spaces count as typed positions, so the highlight lands on the right character.
        assert_eq!(
            wrong("0 0 x"),
            (4, CodePart::Agency, MistakeReason::ExpectedDigit)
        );
        assert_eq!(
            wrong("000.00.04.929"),
            (10, CodePart::Agency, MistakeReason::ExpectedLetter)
        );
        assert_eq!(
            wrong("000.00.04.Đ29"),
            (10, CodePart::Agency, MistakeReason::ExpectedLetter)
        );
        assert_eq!(
            wrong("0000"),
            (3, CodePart::Agency, MistakeReason::ExpectedDot)
        );
        assert_eq!(
            wrong("000.00.04.H29.2"),
            (13, CodePart::Date, MistakeReason::ExpectedDash)
        );
        assert_eq!(
            wrong("000.0."),
            (5, CodePart::Agency, MistakeReason::PartTooShort)
        );
        assert_eq!(
            wrong("000.00.04.H29-24O"),
            (16, CodePart::Date, MistakeReason::LookAlikeLetter)
        );
        assert_eq!(
            wrong("０"),
            (0, CodePart::Agency, MistakeReason::ExpectedDigit)
        );
    }

    #[test]
    fn an_impossible_date_is_caught_at_the_digit_that_makes_it_impossible() {
        let agency = "000.00.04.H29-";
        let at = agency.len();
        // Month 2x, month 13, month 00, day 4x, 30 February, 29 February of a common year.
        assert_eq!(
            wrong(&format!("{agency}242")),
            (at + 2, CodePart::Date, MistakeReason::NotARealDate)
        );
        assert_eq!(
            wrong(&format!("{agency}2413")),
            (at + 3, CodePart::Date, MistakeReason::NotARealDate)
        );
        assert_eq!(
            wrong(&format!("{agency}2400")),
            (at + 3, CodePart::Date, MistakeReason::NotARealDate)
        );
        assert_eq!(
            wrong(&format!("{agency}24014")),
            (at + 4, CodePart::Date, MistakeReason::NotARealDate)
        );
        assert_eq!(
            wrong(&format!("{agency}240230")),
            (at + 5, CodePart::Date, MistakeReason::NotARealDate)
        );
        assert_eq!(
            wrong(&format!("{agency}250229")),
            (at + 5, CodePart::Date, MistakeReason::NotARealDate)
        );
        // 2024 is a leap year.
        assert_eq!(
            check_as_typed(&format!("{agency}240229")),
            TypedCode::Incomplete
        );
        assert!(matches!(
            check_as_typed(&format!("{agency}240229-0001")),
            TypedCode::Complete(_)
        ));
    }

    #[test]
    fn the_day_number_starts_at_one_and_nothing_follows_it() {
        assert_eq!(
            wrong("000.00.04.H29-240115-0000"),
            (24, CodePart::Sequence, MistakeReason::ZeroSequence)
        );
        assert_eq!(
            wrong("000.00.04.H29-240115-00011"),
            (25, CodePart::Sequence, MistakeReason::TooLong)
        );
        assert_eq!(
            wrong("000.00.04.H29-240115-0001 x"),
            (26, CodePart::Sequence, MistakeReason::TooLong)
        );
    }

    #[test]
    fn every_reason_and_part_has_its_own_message_key() {
        let keys: std::collections::BTreeSet<_> =
            MistakeReason::ALL.iter().map(|r| r.message_key()).collect();
        assert_eq!(keys.len(), MistakeReason::ALL.len());
        let parts: std::collections::BTreeSet<_> =
            CodePart::ALL.iter().map(|p| p.message_key()).collect();
        assert_eq!(parts.len(), CodePart::ALL.len());
    }
}
