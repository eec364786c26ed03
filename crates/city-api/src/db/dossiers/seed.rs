//! The demo set of dossiers: realistic, across the wards, dated around the day it is seeded.
//!
//! The procedures, their fields and legal periods (working days) follow the national catalogue
//! of administrative procedures as applied in Ho Chi Minh City after the 2025 reorganisation;
//! the agency codes inside dossier codes are synthetic but shaped like the portal's.

use chrono::{DateTime, Duration, FixedOffset, Timelike, Utc};
use model::dossier::{
    CHECK_ALPHABET, CHECK_LEN, DossierStatus, HandIn, PaperForm, RequestedPaper, SupplementRequest,
};
use rusqlite::{Connection, Transaction, params};

use super::deadline;
use super::{DbError, Step, add_event};
use crate::db::requests::timestamp;

struct Procedure {
    code: &'static str,
    vi: &'static str,
    en: &'static str,
    field: &'static str,
    working_days: u32,
    /// Handled by the city's department rather than the ward.
    city_level: Option<&'static str>,
}

const PROCEDURES: &[Procedure] = &[
    Procedure {
        code: "ho-tich-khai-sinh",
        vi: "Đăng ký khai sinh",
        en: "Birth registration",
        field: "civil_status",
        working_days: 1,
        city_level: None,
    },
    Procedure {
        code: "ho-tich-ket-hon",
        vi: "Đăng ký kết hôn",
        en: "Marriage registration",
        field: "civil_status",
        working_days: 5,
        city_level: None,
    },
    Procedure {
        code: "chung-thuc-ban-sao",
        vi: "Chứng thực bản sao từ bản chính",
        en: "Certified copy of an original",
        field: "justice",
        working_days: 1,
        city_level: None,
    },
    Procedure {
        code: "ho-kinh-doanh",
        vi: "Đăng ký thành lập hộ kinh doanh",
        en: "Household business registration",
        field: "business",
        working_days: 3,
        city_level: None,
    },
    Procedure {
        code: "gpxd-nha-o-rieng-le",
        vi: "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        en: "Building permit for a private house",
        field: "construction",
        working_days: 15,
        city_level: None,
    },
    Procedure {
        code: "dat-dai-chuyen-nhuong",
        vi: "Đăng ký biến động quyền sử dụng đất (chuyển nhượng)",
        en: "Land use right transfer registration",
        field: "land",
        working_days: 10,
        city_level: Some("Chi nhánh Văn phòng Đăng ký đất đai TP.HCM"),
    },
    Procedure {
        code: "dat-dai-cap-lan-dau",
        vi: "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        en: "First land use right certificate",
        field: "land",
        working_days: 20,
        city_level: Some("Chi nhánh Văn phòng Đăng ký đất đai TP.HCM"),
    },
    Procedure {
        code: "cu-tru-thuong-tru",
        vi: "Đăng ký thường trú",
        en: "Permanent residence registration",
        field: "residence",
        working_days: 7,
        city_level: Some("Công an phường"),
    },
    Procedure {
        code: "ly-lich-tu-phap",
        vi: "Cấp Phiếu lý lịch tư pháp",
        en: "Criminal record certificate",
        field: "justice",
        working_days: 10,
        city_level: Some("Sở Tư pháp TP.HCM"),
    },
];

/// Dossiers in the demo set.
pub const DEMO_DOSSIERS: usize = 180;

pub fn vietnam() -> FixedOffset {
    const UTC_PLUS_7: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
        Some(offset) => offset,
        None => panic!("UTC+7 is a valid offset"),
    };
    UTC_PLUS_7
}

/// "Phường Bến Thành" → "phường Bến Thành", as it reads after "UBND".
fn in_sentence(ward_name: &str) -> String {
    match ward_name.split_once(' ') {
        Some((kind, rest)) => format!("{} {rest}", kind.to_lowercase()),
        None => ward_name.to_owned(),
    }
}

/// A check value from the operating system's random source: it guards the dossier, so it must
/// not follow from anything an outsider could know (a seed, the date, the code). Bytes of 248
/// or more are skipped so that every character is equally likely (248 = 8 × 31).
pub fn new_check_value() -> Result<String, DbError> {
    let mut out = String::with_capacity(CHECK_LEN);
    let mut bytes = [0u8; 32];
    while out.len() < CHECK_LEN {
        getrandom::fill(&mut bytes).map_err(|e| DbError::Random(e.to_string()))?;
        let fair = bytes.iter().filter(|&&b| b < 248);
        for &b in fair.take(CHECK_LEN - out.len()) {
            out.push(char::from(
                CHECK_ALPHABET[usize::from(b) % CHECK_ALPHABET.len()],
            ));
        }
    }
    Ok(out)
}

/// Where a demo dossier ends up, decided from its dates and a die; `waits` keeps it waiting
/// for papers once processing started, so every demo set shows that state.
fn plan(
    rng: &mut fastrand::Rng,
    submitted: DateTime<Utc>,
    expected: DateTime<Utc>,
    now: DateTime<Utc>,
    waits: bool,
) -> Vec<(DossierStatus, DateTime<Utc>)> {
    use DossierStatus::*;
    let mut steps = vec![(Received, submitted)];
    let started = submitted + Duration::hours(rng.i64(1..=20));
    if started > now {
        return steps;
    }
    steps.push((Processing, started));
    let span = (expected - started).num_minutes().max(60);
    if waits {
        let asked = (started + Duration::minutes(30)).min(now);
        steps.push((SupplementRequested, asked));
        return steps;
    }
    if rng.u8(..10) == 0 {
        let asked = started + Duration::minutes(rng.i64(30..=span / 2 + 30));
        if asked > now {
            return steps;
        }
        steps.push((SupplementRequested, asked));
        let back = asked + Duration::days(rng.i64(1..=4));
        if back > now {
            return steps;
        }
        steps.push((Processing, back));
    }
    let roll = rng.u8(..100);
    let finish = if roll < 8 {
        // Late.
        expected + Duration::days(rng.i64(1..=6))
    } else {
        started + Duration::minutes(rng.i64(30..=span))
    };
    if finish > now {
        return steps;
    }
    if roll >= 95 {
        steps.push((Rejected, finish));
        return steps;
    }
    steps.push((Ready, finish));
    let picked_up = finish + Duration::hours(rng.i64(2..=72));
    if picked_up <= now {
        steps.push((Returned, picked_up));
    }
    steps
}

/// The usual sentence of a step into `status` (Vietnamese, English), for the demo and for a
/// back-office move that gives no note of its own.
pub fn note(status: DossierStatus, agency: &str) -> (String, String) {
    use DossierStatus::*;
    match status {
        Received => (
            format!("{agency} đã tiếp nhận hồ sơ"),
            format!("{agency} received the dossier"),
        ),
        Processing => (
            "Hồ sơ đang được giải quyết".into(),
            "The dossier is being processed".into(),
        ),
        SupplementRequested => (
            "Đề nghị bổ sung bản sao giấy tờ tùy thân".into(),
            "Please add a copy of your identity document".into(),
        ),
        Ready => (
            "Đã có kết quả, mời nhận tại bộ phận một cửa".into(),
            "The result is ready at the one-stop desk".into(),
        ),
        Returned => (
            "Đã trả kết quả cho công dân".into(),
            "The result was handed to the citizen".into(),
        ),
        Rejected => (
            "Từ chối: hồ sơ không đủ điều kiện theo quy định".into(),
            "Refused: the dossier does not meet the legal conditions".into(),
        ),
        // The demo plan never reaches these; a back-office move may.
        New => (
            "Hồ sơ nộp trực tuyến, chờ tiếp nhận".into(),
            "Filed online, waiting to be received".into(),
        ),
        NotAccepted => (
            "Hồ sơ không được tiếp nhận".into(),
            "The dossier was not accepted".into(),
        ),
        PaymentRequested => (
            "Đề nghị nộp phí, lệ phí".into(),
            "Please pay the fees".into(),
        ),
        Paused => (
            "Dừng xử lý hồ sơ".into(),
            "Processing of the dossier was stopped".into(),
        ),
        Withdrawn => (
            "Hồ sơ đã được rút theo yêu cầu".into(),
            "The dossier was withdrawn on request".into(),
        ),
        Other => (String::new(), String::new()),
    }
}

/// What the demo's "needs more papers" steps ask for: the paper the notes name, at the desk of
/// the agency in charge, within five days.
fn demo_supplement(agency: &str, asked: DateTime<Utc>) -> SupplementRequest {
    SupplementRequest {
        papers: vec![RequestedPaper {
            name: "Bản sao giấy tờ tùy thân (Căn cước công dân)".into(),
            form: PaperForm::CertifiedCopy,
            copies: 1,
        }],
        hand_in: HandIn::AtDesk {
            place: format!("Bộ phận một cửa {agency}"),
            address: None,
        },
        due: Some(
            (asked + Duration::days(5))
                .with_timezone(&vietnam())
                .date_naive(),
        ),
    }
}

/// Seeds the demo set once (when there are no dossiers yet), dated around `now`. The codes,
/// dates and states follow from `now`; the check values are random for each database, so
/// knowing this program does not open another server's dossiers. Returns how many were added.
pub fn seed_dossiers(conn: &mut Connection, now: DateTime<Utc>) -> Result<usize, DbError> {
    seed_many_dossiers(conn, now, DEMO_DOSSIERS)
}

/// [`seed_dossiers`] with `count` dossiers instead of the demo's 180 (benchmarks: a citizen
/// tracking the most an app may, 500).
pub fn seed_many_dossiers(
    conn: &mut Connection,
    now: DateTime<Utc>,
    count: usize,
) -> Result<usize, DbError> {
    let tx = conn.transaction()?;
    let have: i64 = tx.query_row("SELECT count(*) FROM dossiers", [], |r| r.get(0))?;
    if have > 0 {
        return Ok(0);
    }
    let wards: Vec<(String, String)> = {
        let mut stmt = tx.prepare("SELECT code, name FROM wards ORDER BY code")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    if wards.is_empty() {
        return Ok(0);
    }
    let mut rng = fastrand::Rng::with_seed(1022);
    let mut seq = std::collections::HashMap::<String, u32>::new();
    for i in 0..count {
        let w = (i * 53) % wards.len();
        let (ward_code, ward_name) = &wards[w];
        let p = &PROCEDURES[(i * 7) % PROCEDURES.len()];
        let local = (now - Duration::days(rng.i64(0..=45))).with_timezone(&vietnam());
        let local = local
            .with_hour(rng.u32(7..=16))
            .and_then(|t| t.with_minute(rng.u32(0..60)))
            .unwrap_or(local);
        let submitted = local.with_timezone(&Utc);
        let expected = deadline::after(submitted, p.working_days);
        let agency = match p.city_level {
            Some("Công an phường") => format!("Công an {}", in_sentence(ward_name)),
            Some(a) => a.to_owned(),
            None => format!("UBND {}", in_sentence(ward_name)),
        };
        let agency_code = match p.city_level {
            Some("Sở Tư pháp TP.HCM") => "000.00.04.H29".to_owned(),
            _ => format!("000.{:02}.{:02}.H29", 20 + w / 100, w % 100),
        };
        let day = local.format("%y%m%d").to_string();
        let n = seq.entry(format!("{agency_code}-{day}")).or_insert(0);
        *n += 1;
        let code = format!("{agency_code}-{day}-{n:04}");
        let steps = plan(&mut rng, submitted, expected, now, i % 30 == 7);
        // Days spent waiting for the citizen's papers move the deadline, as a live move does.
        let expected = steps.windows(2).fold(expected, |due, pair| match pair {
            [(from, since), (_, until)] if from.waits_for_citizen() => {
                deadline::extend(due, *since, *until)
            }
            _ => due,
        });
        let status = steps.last().map_or(DossierStatus::Received, |(s, _)| *s);
        let finished = steps
            .iter()
            .find(|(s, _)| s.is_finished())
            .map(|(_, at)| timestamp(*at));
        insert(
            &tx,
            &code,
            &new_check_value()?,
            p,
            &agency,
            ward_code,
            status,
            &timestamp(submitted),
            &timestamp(expected),
            finished.as_deref(),
        )?;
        for (s, at) in &steps {
            let (vi, en) = note(*s, &agency);
            let supplement =
                (*s == DossierStatus::SupplementRequested).then(|| demo_supplement(&agency, *at));
            add_event(
                &tx,
                &Step {
                    code: &code,
                    status: *s,
                    note_vi: &vi,
                    note_en: &en,
                    supplement: supplement.as_ref(),
                    at: *at,
                },
            )?;
        }
    }
    tx.commit()?;
    Ok(count)
}

#[allow(clippy::too_many_arguments)]
fn insert(
    tx: &Transaction<'_>,
    code: &str,
    check: &str,
    p: &Procedure,
    agency: &str,
    ward_code: &str,
    status: DossierStatus,
    submitted: &str,
    expected: &str,
    finished: Option<&str>,
) -> Result<(), DbError> {
    let seq = super::next_seq(tx)?;
    tx.execute(
        "INSERT INTO dossiers (code, check_value, procedure_code, procedure_vi, procedure_en, field,
             agency, ward_code, status, submitted_at, expected_at, finished_at, change_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            code,
            check,
            p.code,
            p.vi,
            p.en,
            p.field,
            agency,
            ward_code,
            status.as_str(),
            submitted,
            expected,
            finished,
            seq
        ],
    )?;
    Ok(())
}
