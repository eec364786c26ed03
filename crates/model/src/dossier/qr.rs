//! The QR code at the top left of the reference city's receipt (phiếu tiếp nhận và hẹn trả kết
//! quả), and reading whatever QR code a citizen points the camera at.
//!
//! Circular 01/2023/TT-VPCP wants the receipt's QR to hold at least the dossier code, the
//! procedure code, the applicant's identifier, the document's name, the source system and the
//! issue time. Our payload is one line of `KEY:value` fields after a version tag:
//!
//! ```text
//! HSQR1/MA:000.00.04.H29-240115-0001/KT:K7M2QX/TT:1.001193/GT:PTN/HT:MOTCUA.H29/TG:202401150930
//! ```
//!
//! `MA` dossier code, `KT` our check value, `TT` procedure code, `GT` document (`PTN`: this
//! receipt), `HT` issuing system, `TG` issue time (Vietnam time, `YYYYMMDDHHMM`).
//!
//! Why this form:
//! - Every character is in the QR *alphanumeric* set (0–9, A–Z, `$%*+-./:` and space), which
//!   packs 5.5 bits per character instead of 8: the same payload fits a smaller QR version, so
//!   each module is larger on the paper and a tilted photo in poor light still decodes.
//! - It carries the code **and** the check value, so one scan is enough to look the dossier up.
//! - It never carries the applicant's ID number (CCCD): a receipt photographed, lost or left on a
//!   kiosk must not leak it (Law 91/2025/QH15). The applicant is identified by the check value,
//!   which only opens this one dossier's status.
//! - It is not a URL: our app reads it offline, and no web address is promised on paper that a
//!   city might change later.
//!
//! [`parse_payload`] is tolerant: keys in any case and with aliases, `=` for `:`, `;` `&` `|` or
//! line breaks between fields, a JSON object with the same keys, a URL carrying them in its
//! query, unknown extra fields ignored. Foreign QR codes are told apart so the app can say
//! "this is not a receipt" or "this receipt has no check value: type it from the paper".

use std::fmt::Write;

use chrono::NaiveDateTime;

use super::check::CheckValue;
use super::code::DossierCode;

/// The version tag our receipts start with.
pub const TAG: &str = "HSQR1";
/// The longest text worth reading: a QR code holds at most 4,296 characters.
pub const MAX_PAYLOAD: usize = 4_296;
/// Longest optional field (procedure, document, system).
pub const MAX_FIELD: usize = 40;

const TIME_FORMAT: &str = "%Y%m%d%H%M";

/// A short upper-case field of the payload: A–Z, 0–9, `.` and `-` only, so the payload stays in
/// the QR alphanumeric set and needs no escaping.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QrText(String);

impl QrText {
    /// Upper-cases `text`; `None` if empty, longer than [`MAX_FIELD`] or holding other characters.
    pub fn new(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_uppercase();
        let ok = !t.is_empty()
            && t.len() <= MAX_FIELD
            && t.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        ok.then_some(Self(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a receipt's QR code says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptQr {
    pub code: DossierCode,
    pub check: CheckValue,
    /// The procedure's code in the national catalogue (e.g. `1.001193`).
    pub procedure: Option<QrText>,
    /// Which paper this is (`PTN`: the receipt).
    pub document: Option<QrText>,
    /// The system that issued it.
    pub system: Option<QrText>,
    /// When it was issued, Vietnam time, to the minute.
    pub issued_at: Option<NaiveDateTime>,
}

/// Why a scanned QR code cannot be used as our receipt: each gets its own words on screen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum QrProblem {
    #[error("the QR code holds nothing")]
    Empty,
    /// VietQR or another EMVCo payment code.
    #[error("a payment QR code, not a receipt")]
    PaymentCode,
    /// A web address with no dossier code in it.
    #[error("a web link, not a receipt")]
    WebLink,
    #[error("not a receipt")]
    NotAReceipt,
    /// A receipt (another province's, or an older one) with the dossier code but without our
    /// check value: the citizen types the check value from the paper.
    #[error("a receipt without a check value")]
    NoCheckValue { code: DossierCode },
    /// Our receipt, but its check value is damaged.
    #[error("the receipt's check value is unreadable")]
    BadCheckValue { code: DossierCode },
    /// Our receipt, but its dossier code is damaged.
    #[error("the receipt's dossier code is unreadable")]
    BadDossierCode,
    /// A receipt of a newer format this app cannot read yet.
    #[error("a newer receipt format")]
    UnsupportedVersion,
}

impl QrProblem {
    /// One of each kind, for tests that walk every message key.
    pub fn examples() -> Vec<Self> {
        let code = DossierCode::parse("000.00.04.H29-240115-0001");
        let mut all = vec![
            Self::Empty,
            Self::PaymentCode,
            Self::WebLink,
            Self::NotAReceipt,
            Self::BadDossierCode,
            Self::UnsupportedVersion,
        ];
        if let Some(code) = code {
            all.push(Self::NoCheckValue { code: code.clone() });
            all.push(Self::BadCheckValue { code });
        }
        all
    }

    /// The dossier code the QR code did carry, to fill the form with.
    pub fn code(&self) -> Option<&DossierCode> {
        match self {
            Self::NoCheckValue { code } | Self::BadCheckValue { code } => Some(code),
            _ => None,
        }
    }

    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Empty => "dossier.qr.empty",
            Self::PaymentCode => "dossier.qr.payment_code",
            Self::WebLink => "dossier.qr.web_link",
            Self::NotAReceipt => "dossier.qr.not_a_receipt",
            Self::NoCheckValue { .. } => "dossier.qr.no_check_value",
            Self::BadCheckValue { .. } => "dossier.qr.bad_check_value",
            Self::BadDossierCode => "dossier.qr.bad_code",
            Self::UnsupportedVersion => "dossier.qr.unsupported_version",
        }
    }
}

impl ReceiptQr {
    /// The text to encode in the receipt's QR code (see the module's documentation).
    pub fn to_payload(&self) -> String {
        let mut out = format!("{TAG}/MA:{}/KT:{}", self.code, self.check.as_str());
        let fields = [
            ("TT", self.procedure.as_ref()),
            ("GT", self.document.as_ref()),
            ("HT", self.system.as_ref()),
        ];
        for (key, value) in fields {
            if let Some(v) = value {
                let _ = write!(out, "/{key}:{}", v.as_str());
            }
        }
        if let Some(t) = self.issued_at {
            let _ = write!(out, "/TG:{}", t.format(TIME_FORMAT));
        }
        out
    }
}

/// The fields a payload can name, whatever the spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Code,
    Check,
    Procedure,
    Document,
    System,
    Time,
}

impl Field {
    /// Reads a key: case, `_`, `-` and spaces do not matter; Vietnamese and English aliases.
    fn of(key: &str) -> Option<Self> {
        let k: String = key
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Some(match k.as_str() {
            "ma" | "mahoso" | "mahs" | "sohoso" | "code" | "dossiercode" | "doccode"
            | "dossier" => Self::Code,
            "kt" | "makiemtra" | "kiemtra" | "check" | "checkvalue" => Self::Check,
            "tt" | "thutuc" | "matthc" | "mathutuc" | "procedure" | "procedurecode" => {
                Self::Procedure
            }
            "gt" | "giayto" | "tengiayto" | "document" | "doc" => Self::Document,
            "ht" | "hethong" | "system" | "source" => Self::System,
            "tg" | "thoigian" | "time" | "issued" | "issuedat" => Self::Time,
            _ => return None,
        })
    }
}

/// The fields found, each at most once (the first wins), and whether our tag was seen.
#[derive(Default)]
struct Found {
    tag_version: Option<u32>,
    code: Option<String>,
    check: Option<String>,
    procedure: Option<String>,
    document: Option<String>,
    system: Option<String>,
    time: Option<String>,
}

impl Found {
    fn put(&mut self, key: &str, value: String) {
        let slot = match Field::of(key) {
            Some(Field::Code) => &mut self.code,
            Some(Field::Check) => &mut self.check,
            Some(Field::Procedure) => &mut self.procedure,
            Some(Field::Document) => &mut self.document,
            Some(Field::System) => &mut self.system,
            Some(Field::Time) => &mut self.time,
            None => return,
        };
        slot.get_or_insert(value);
    }

    fn is_receipt_like(&self) -> bool {
        self.tag_version.is_some() || self.code.is_some() || self.check.is_some()
    }
}

/// Reads a scanned QR code. Never panics, whatever the text.
pub fn parse_payload(text: &str) -> Result<ReceiptQr, QrProblem> {
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(QrProblem::Empty);
    }
    if text.chars().count() > MAX_PAYLOAD {
        return Err(QrProblem::NotAReceipt);
    }
    if is_payment_code(text) {
        return Err(QrProblem::PaymentCode);
    }
    let mut found = Found::default();
    let is_link = if text.starts_with('{') {
        read_json(text, &mut found);
        false
    } else if let Some(url) = as_link(text) {
        for (k, v) in url.query_pairs() {
            found.put(&k, v.into_owned());
        }
        true
    } else {
        read_fields(text, &mut found);
        false
    };
    finish(text, found, is_link)
}

/// EMVCo merchant-presented codes (VietQR among them) start with the payload format indicator
/// `000201`; VietQR also names NAPAS's application id.
fn is_payment_code(text: &str) -> bool {
    text.starts_with("000201") || text.contains("A000000727")
}

fn as_link(text: &str) -> Option<url::Url> {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return None;
    }
    url::Url::parse(text).ok()
}

fn read_json(text: &str, found: &mut Found) {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    for (k, v) in map {
        let value = match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            _ => continue,
        };
        found.put(&k, value);
    }
}

/// `HSQR1/MA:…/KT:…`, or `ma=…; kt=…`, fields split by `/ ; & |` or line breaks.
fn read_fields(text: &str, found: &mut Found) {
    for part in text.split(['/', ';', '&', '|', '\n', '\r', '\t']) {
        let part = part.trim();
        match part.split_once([':', '=']) {
            Some((k, v)) => found.put(k, v.trim().to_owned()),
            None => {
                if let Some(v) = tag_version(part) {
                    found.tag_version.get_or_insert(v);
                }
            }
        }
    }
}

/// `HSQR<n>` in any case → `n`.
fn tag_version(part: &str) -> Option<u32> {
    let prefix = part.get(..4)?;
    if !prefix.eq_ignore_ascii_case("HSQR") {
        return None;
    }
    part.get(4..)?.parse().ok()
}

/// Any well-formed dossier code standing in the text, e.g. in `…tra-cuu?doccode=<code>`.
fn code_in(text: &str) -> Option<DossierCode> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .filter(|t| t.len() == super::typing::CODE_LEN)
        .find_map(DossierCode::parse)
}

fn finish(text: &str, found: Found, is_link: bool) -> Result<ReceiptQr, QrProblem> {
    let newer = found.tag_version.is_some_and(|v| v != 1);
    let code = match &found.code {
        Some(c) => DossierCode::parse(c),
        None => code_in(text),
    };
    let Some(code) = code else {
        return Err(if newer {
            QrProblem::UnsupportedVersion
        } else if found.is_receipt_like() {
            QrProblem::BadDossierCode
        } else if is_link {
            QrProblem::WebLink
        } else {
            QrProblem::NotAReceipt
        });
    };
    let check = match found.check.as_deref() {
        None if newer => return Err(QrProblem::UnsupportedVersion),
        None => return Err(QrProblem::NoCheckValue { code }),
        Some(c) => match CheckValue::parse(c) {
            Some(check) => check,
            None => return Err(QrProblem::BadCheckValue { code }),
        },
    };
    let text_field = |v: &Option<String>| v.as_deref().and_then(QrText::new);
    Ok(ReceiptQr {
        procedure: text_field(&found.procedure),
        document: text_field(&found.document),
        system: text_field(&found.system),
        issued_at: found
            .time
            .as_deref()
            .and_then(|t| NaiveDateTime::parse_from_str(t.trim(), TIME_FORMAT).ok()),
        code,
        check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "000.00.04.H29-240115-0001";

    fn receipt() -> ReceiptQr {
        ReceiptQr {
            code: DossierCode::parse(CODE).expect("code"),
            check: CheckValue::parse("K7M2QX").expect("check"),
            procedure: QrText::new("1.001193"),
            document: QrText::new("PTN"),
            system: QrText::new("motcua.h29"),
            issued_at: chrono::NaiveDate::from_ymd_opt(2024, 1, 15)
                .and_then(|d| d.and_hms_opt(9, 30, 0)),
        }
    }

    #[test]
    fn our_payload_round_trips_and_stays_in_the_qr_alphanumeric_set() {
        let r = receipt();
        let payload = r.to_payload();
        assert_eq!(
            payload,
            "HSQR1/MA:000.00.04.H29-240115-0001/KT:K7M2QX/TT:1.001193/GT:PTN/HT:MOTCUA.H29/TG:202401150930"
        );
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b" $%*+-./:".contains(&b))
        );
        assert_eq!(parse_payload(&payload), Ok(r));
        let minimal = ReceiptQr {
            procedure: None,
            document: None,
            system: None,
            issued_at: None,
            ..receipt()
        };
        assert_eq!(
            minimal.to_payload(),
            "HSQR1/MA:000.00.04.H29-240115-0001/KT:K7M2QX"
        );
        assert_eq!(parse_payload(&minimal.to_payload()), Ok(minimal));
    }

    #[test]
    fn reasonable_variants_of_the_payload_are_read() {
        let variants = [
            "hsqr1/ma:000.00.04.h29-240115-0001/kt:k7m2qx",
            "MA=000.00.04.H29-240115-0001;KT=K7M2QX",
            "ma_ho_so = 000.00.04.H29-240115-0001\nma_kiem_tra = K7M 2QX\n",
            r#"{"ma":"000.00.04.H29-240115-0001","kt":"K7M2QX","extra":{"a":1}}"#,
            r#"{"dossier_code":"000.00.04.H29-240115-0001","check":"k7m2qx","tt":1001193}"#,
            "https://dichvucong.example.vn/tra-cuu?ma=000.00.04.H29-240115-0001&kt=K7M2QX",
            "HSQR1/MA:000.00.04.H29-240115-0001/KT:K7M2QX/XY:unknown/NEW:field",
            "\u{feff}  HSQR1/MA:000.00.04.H29-240115-0001/KT:K7M2QX  ",
        ];
        for v in variants {
            let r = parse_payload(v).unwrap_or_else(|e| panic!("{v}: {e}"));
            assert_eq!(r.code.as_str(), CODE, "{v}");
            assert_eq!(r.check.as_str(), "K7M2QX", "{v}");
        }
    }

    #[test]
    fn a_damaged_optional_field_is_dropped_not_fatal() {
        let r = parse_payload("HSQR1/MA:000.00.04.H29-240115-0001/KT:K7M2QX/TG:2024-99/TT:Đăng ký")
            .expect("receipt");
        assert_eq!(r.issued_at, None);
        assert_eq!(r.procedure, None);
    }

    #[test]
    fn foreign_codes_are_classified() {
        let code = DossierCode::parse(CODE).expect("code");
        let vietqr = "00020101021238570010A00000072701270006970436011300110123456780208QRIBFTTA53037045802VN6304ABCD";
        let cases: Vec<(&str, QrProblem)> = vec![
            ("", QrProblem::Empty),
            ("  \n ", QrProblem::Empty),
            (vietqr, QrProblem::PaymentCode),
            ("https://hochiminhcity.gov.vn/", QrProblem::WebLink),
            ("WIFI:S:cafe;T:WPA;P:12345678;;", QrProblem::NotAReceipt),
            ("hello world", QrProblem::NotAReceipt),
            // Another province's receipt: a lookup link with the code and no check value.
            (
                "http://dichvucong.baria-vungtau.gov.vn/tra-cuu-tien-do?doccode=000.31.02.H02-250630-1234",
                QrProblem::NoCheckValue {
                    code: DossierCode::parse("000.31.02.H02-250630-1234").expect("code"),
                },
            ),
            (
                "Mã hồ sơ: 000.00.04.H29-240115-0001",
                QrProblem::NoCheckValue { code: code.clone() },
            ),
            (
                "HSQR1/MA:000.00.04.H29-240115-0001",
                QrProblem::NoCheckValue { code: code.clone() },
            ),
            (
                "HSQR1/MA:000.00.04.H29-240115-0001/KT:K7M2Q0",
                QrProblem::BadCheckValue { code: code.clone() },
            ),
            (
                "HSQR1/MA:000.00.04.H29-240230-0001/KT:K7M2QX",
                QrProblem::BadDossierCode,
            ),
            ("HSQR1/KT:K7M2QX", QrProblem::BadDossierCode),
            ("HSQR2/ID:9f8e7d", QrProblem::UnsupportedVersion),
            ("[1, 2, 3]", QrProblem::NotAReceipt),
        ];
        for (text, want) in cases {
            assert_eq!(parse_payload(text), Err(want), "{text}");
        }
        assert_eq!(
            parse_payload(&"A".repeat(MAX_PAYLOAD + 1)),
            Err(QrProblem::NotAReceipt)
        );
    }

    #[test]
    fn a_newer_receipt_with_the_known_fields_is_still_read() {
        let r = parse_payload("HSQR2/MA:000.00.04.H29-240115-0001/KT:K7M2QX/NEW:1").expect("read");
        assert_eq!(r.code.as_str(), CODE);
    }

    #[test]
    fn every_problem_has_its_own_message_key_and_those_with_a_code_hand_it_back() {
        let all = QrProblem::examples();
        assert_eq!(all.len(), 8);
        let keys: std::collections::BTreeSet<_> = all.iter().map(QrProblem::message_key).collect();
        assert_eq!(keys.len(), all.len());
        assert!(all.iter().filter(|p| p.code().is_some()).count() == 2);
    }

    /// A small xorshift generator: the property tests need variety, not a crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn no_input_makes_the_reader_or_the_typing_check_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        // Pieces that steer inputs into every branch: tags, keys, separators, codes, URLs, JSON.
        let pieces = [
            "HSQR1",
            "HSQR",
            "hsqr99999999999999999",
            "/",
            ":",
            "=",
            ";",
            "&",
            "|",
            "\n",
            "{",
            "}",
            "\"",
            "MA",
            "KT",
            "TG",
            "ma_ho_so",
            "https://",
            "http://x/?",
            "000201",
            "A000000727",
            CODE,
            "K7M2QX",
            "000.00.",
            "H29",
            "-240230-",
            "Đ",
            "ệ",
            "０",
            "\u{feff}",
            "\u{0}",
            " ",
            "%",
            "%zz",
            "[",
            "]",
            "9",
            "O",
            "\u{10ffff}",
            "202401150930",
        ];
        for _ in 0..4_000 {
            let mut s = String::new();
            for _ in 0..rng.below(12) {
                s.push_str(pieces[rng.below(pieces.len())]);
            }
            let _ = parse_payload(&s);
            let _ = super::super::check_as_typed(&s);
        }
        for _ in 0..4_000 {
            let bytes: Vec<u8> = (0..rng.below(80)).map(|_| rng.next() as u8).collect();
            let s = String::from_utf8_lossy(&bytes);
            let _ = parse_payload(&s);
            let _ = super::super::check_as_typed(&s);
        }
    }

    #[test]
    fn any_receipt_we_print_reads_back_the_same() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let alphabet = super::super::CHECK_ALPHABET;
        for _ in 0..500 {
            let code = format!(
                "{:03}.{:02}.{:02}.{}{:02}-{:02}{:02}{:02}-{:04}",
                rng.below(1000),
                rng.below(100),
                rng.below(100),
                char::from(b'A' + rng.below(26) as u8),
                rng.below(100),
                rng.below(100),
                1 + rng.below(12),
                1 + rng.below(28),
                1 + rng.below(9999),
            );
            let check: String = (0..6)
                .map(|_| char::from(alphabet[rng.below(alphabet.len())]))
                .collect();
            let r = ReceiptQr {
                code: DossierCode::parse(&code).expect("generated code"),
                check: CheckValue::parse(&check).expect("generated check"),
                procedure: QrText::new(&format!("1.{:06}", rng.below(1_000_000))),
                document: None,
                system: QrText::new("MOTCUA.H29"),
                issued_at: None,
            };
            assert_eq!(parse_payload(&r.to_payload()), Ok(r));
        }
    }
}
