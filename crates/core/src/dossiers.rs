//! What the citizen sees of their tracked dossiers, decided without I/O: the deadline in working
//! days as read today in Ho Chi Minh City, whether a new answer from the city changed anything
//! the citizen sees, the line of "My dossiers", the news for a notification, and which of the
//! QR codes in a photo is the receipt's.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use model::dossier::qr::{QrProblem, parse_payload};
use model::dossier::{Dossier, DossierStatus, TrackedPair};
use model::dossier_dto::{DeadlineDto, DossierNews, DossierSummary, ReceiptReading};
use model::workdays::WorkCalendar;

use crate::store::DossierRow;

/// Vietnam has one time zone, UTC+7, and no summer time.
const HCMC_OFFSET_SECS: i32 = 7 * 3600;

fn hcmc() -> Option<FixedOffset> {
    FixedOffset::east_opt(HCMC_OFFSET_SECS)
}

/// The calendar day in Ho Chi Minh City at `now`.
pub fn hcmc_today(now: DateTime<Utc>) -> NaiveDate {
    hcmc().map_or(now.date_naive(), |tz| now.with_timezone(&tz).date_naive())
}

/// The day in Ho Chi Minh City of a time the city sent (RFC 3339, any offset), or a plain
/// `YYYY-MM-DD` day; `None` for anything else.
pub fn hcmc_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(hcmc_today(at.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// The legal deadline as the citizen reads it on `today`. Finished: as the city says. While the
/// dossier waits for the citizen's papers or fees the agency's clock is stopped (the city moves
/// the deadline when it goes on), so a count would be wrong: not available. A deadline or a day
/// in a year the holiday file does not list: not available, never guessed.
pub fn deadline(
    dossier: Option<&Dossier>,
    calendar: Option<&WorkCalendar>,
    today: NaiveDate,
) -> DeadlineDto {
    let Some(d) = dossier else {
        return DeadlineDto::NotAvailable;
    };
    if d.status.is_finished() {
        return DeadlineDto::Finished { on_time: d.on_time };
    }
    if d.status.waits_for_citizen() || d.status == DossierStatus::Other {
        return DeadlineDto::NotAvailable;
    }
    calendar
        .zip(hcmc_date(&d.expected_at))
        .and_then(|(cal, due)| cal.deadline_status(due, today))
        .map_or(DeadlineDto::NotAvailable, DeadlineDto::from)
}

/// Whether `new` differs from `old` in something the citizen sees: the state, a step of the
/// timeline, the papers asked for, or a date. Names and notes come in the language asked, so a
/// switch of language alone is no news.
pub fn visible_change(old: Option<&Dossier>, new: &Dossier) -> bool {
    let Some(old) = old else {
        return true;
    };
    let steps = |d: &Dossier| -> Vec<(String, DossierStatus)> {
        d.timeline
            .iter()
            .map(|e| (e.at.clone(), e.status))
            .collect()
    };
    old.status != new.status
        || steps(old) != steps(new)
        || old.supplement != new.supplement
        || old.submitted_at != new.submitted_at
        || old.expected_at != new.expected_at
        || old.finished_at != new.finished_at
        || old.on_time != new.on_time
}

/// The notification's news about one dossier.
pub fn news(id: i64, d: &Dossier) -> DossierNews {
    DossierNews {
        id,
        code: d.code.clone(),
        status: d.status,
        expected_at: Some(d.expected_at.clone()).filter(|t| !t.trim().is_empty()),
        papers_due: d.supplement.as_ref().and_then(|s| s.due),
    }
}

/// A line of "My dossiers".
pub fn summary(
    row: &DossierRow,
    calendar: Option<&WorkCalendar>,
    today: NaiveDate,
    current: &str,
) -> DossierSummary {
    let d = row.dossier.as_ref();
    DossierSummary {
        id: row.id,
        code: row.code.clone(),
        lookup: row.lookup,
        procedure: d.map(|d| d.procedure.clone()),
        status: d.map(|d| d.status),
        expected_at: d.map(|d| d.expected_at.clone()),
        deadline: deadline(d, calendar, today),
        unseen: row.unseen,
        added_ms: row.added_ms,
        other_address: row.api_base.clone().filter(|base| base != current),
    }
}

/// What a photo's QR codes come to: the first that is a usable receipt; else the most useful
/// problem (one that carries the dossier code, so only the check value is left to type, before
/// any other, and among equals the first found); no text at all is no QR code.
pub fn choose_reading(texts: &[String]) -> ReceiptReading {
    let mut best: Option<QrProblem> = None;
    for text in texts {
        match parse_payload(text) {
            Ok(receipt) => {
                return ReceiptReading::Found {
                    pair: TrackedPair {
                        code: receipt.code.as_str().to_owned(),
                        check: receipt.check.as_str().to_owned(),
                    },
                };
            }
            Err(problem) => {
                let better = match &best {
                    None => true,
                    Some(kept) => kept.code().is_none() && problem.code().is_some(),
                };
                if better {
                    best = Some(problem);
                }
            }
        }
    }
    match best {
        Some(problem) => ReceiptReading::NotAReceipt { problem },
        None => ReceiptReading::NoQrCode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::dossier::SupplementRequest;
    use model::dossier::{DossierCode, DossierEvent, HandIn, PaperForm, RequestedPaper};
    use model::dossier_dto::Lookup;

    const CODE: &str = "000.00.04.H29-240115-0001";

    fn calendar() -> WorkCalendar {
        WorkCalendar::bundled().expect("bundled calendar")
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn dossier(status: DossierStatus, expected_at: &str) -> Dossier {
        Dossier {
            code: CODE.into(),
            procedure_code: "ho-tich-khai-sinh".into(),
            procedure: "Đăng ký khai sinh".into(),
            field: "civil_status".into(),
            agency: "UBND phường Bến Thành".into(),
            ward_code: "26734".into(),
            ward_name: "Phường Bến Thành".into(),
            status,
            submitted_at: "2025-03-03T02:00:00Z".into(),
            expected_at: expected_at.into(),
            finished_at: None,
            on_time: None,
            timeline: vec![DossierEvent {
                at: "2025-03-03T02:00:00Z".into(),
                status: DossierStatus::Received,
                note: "Đã tiếp nhận".into(),
            }],
            supplement: None,
        }
    }

    fn supplement(due: Option<NaiveDate>) -> SupplementRequest {
        SupplementRequest {
            papers: vec![RequestedPaper {
                name: "Tờ khai".into(),
                form: PaperForm::Original,
                copies: 1,
            }],
            hand_in: HandIn::Online,
            due,
        }
    }

    #[test]
    fn times_are_read_as_days_in_ho_chi_minh_city() {
        // 17:30 UTC is already the next morning in Vietnam.
        assert_eq!(hcmc_date("2025-03-04T17:30:00Z"), Some(day(2025, 3, 5)));
        assert_eq!(
            hcmc_date("2025-03-05T08:00:00+07:00"),
            Some(day(2025, 3, 5))
        );
        assert_eq!(hcmc_date("2025-03-05"), Some(day(2025, 3, 5)));
        for bad in ["", "tomorrow", "2025-02-30", "05/03/2025"] {
            assert_eq!(hcmc_date(bad), None, "{bad}");
        }
        let late = DateTime::parse_from_rfc3339("2025-12-31T18:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(hcmc_today(late), day(2026, 1, 1));
    }

    #[test]
    fn the_deadline_counts_working_days_or_says_it_cannot() {
        let cal = calendar();
        let open = dossier(DossierStatus::Processing, "2025-03-07T09:00:00Z");
        // Monday 3 March 2025 → Friday 7 March: four working days after today.
        assert_eq!(
            deadline(Some(&open), Some(&cal), day(2025, 3, 3)),
            DeadlineDto::DaysLeft { days: 4 }
        );
        assert_eq!(
            deadline(Some(&open), Some(&cal), day(2025, 3, 7)),
            DeadlineDto::DueToday
        );
        // The weekend does not count: Monday 10 March is one working day late.
        assert_eq!(
            deadline(Some(&open), Some(&cal), day(2025, 3, 10)),
            DeadlineDto::Overdue { days: 1 }
        );
        // No answer, no calendar, a year the file does not list, a date the app cannot read.
        assert_eq!(
            deadline(None, Some(&cal), day(2025, 3, 3)),
            DeadlineDto::NotAvailable
        );
        assert_eq!(
            deadline(Some(&open), None, day(2025, 3, 3)),
            DeadlineDto::NotAvailable
        );
        let far = dossier(DossierStatus::Processing, "2093-03-07T09:00:00Z");
        assert_eq!(
            deadline(Some(&far), Some(&cal), day(2093, 3, 2)),
            DeadlineDto::NotAvailable
        );
        let garbled = dossier(DossierStatus::Processing, "soon");
        assert_eq!(
            deadline(Some(&garbled), Some(&cal), day(2025, 3, 3)),
            DeadlineDto::NotAvailable
        );
        // Waiting for the citizen stops the agency's clock; an unknown state says nothing.
        for status in [DossierStatus::SupplementRequested, DossierStatus::Other] {
            let d = dossier(status, "2025-03-07T09:00:00Z");
            assert_eq!(
                deadline(Some(&d), Some(&cal), day(2025, 3, 3)),
                DeadlineDto::NotAvailable,
                "{status}"
            );
        }
    }

    #[test]
    fn a_finished_dossier_says_what_the_city_said_about_time() {
        let cal = calendar();
        let mut d = dossier(DossierStatus::Ready, "2025-03-07T09:00:00Z");
        assert_eq!(
            deadline(Some(&d), Some(&cal), day(2025, 3, 20)),
            DeadlineDto::Finished { on_time: None }
        );
        d.on_time = Some(false);
        assert_eq!(
            deadline(Some(&d), Some(&cal), day(2025, 3, 20)),
            DeadlineDto::Finished {
                on_time: Some(false)
            }
        );
    }

    #[test]
    fn only_what_the_citizen_sees_is_news() {
        let old = dossier(DossierStatus::Processing, "2025-03-07T09:00:00Z");
        assert!(visible_change(None, &old), "a first answer is news");
        assert!(!visible_change(Some(&old), &old.clone()));
        // The same dossier asked in English: names and notes differ, nothing happened.
        let mut english = old.clone();
        english.procedure = "Birth registration".into();
        english.agency = "Ben Thanh ward".into();
        english.timeline[0].note = "Received".into();
        assert!(!visible_change(Some(&old), &english));

        let changes: [fn(&mut Dossier); 6] = [
            |d| d.status = DossierStatus::Ready,
            |d| {
                d.timeline.push(DossierEvent {
                    at: "2025-03-04T02:00:00Z".into(),
                    status: DossierStatus::Processing,
                    note: String::new(),
                })
            },
            |d| d.supplement = Some(supplement(None)),
            |d| d.expected_at = "2025-03-10T09:00:00Z".into(),
            |d| d.finished_at = Some("2025-03-05T09:00:00Z".into()),
            |d| d.on_time = Some(true),
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut new = old.clone();
            change(&mut new);
            assert!(visible_change(Some(&old), &new), "change {i}");
        }
    }

    #[test]
    fn news_carries_the_appointment_and_the_papers_last_day() {
        let mut d = dossier(DossierStatus::SupplementRequested, "2025-03-07T09:00:00Z");
        d.supplement = Some(supplement(Some(day(2025, 3, 12))));
        let n = news(4, &d);
        assert_eq!(n.id, 4);
        assert_eq!(n.code, CODE);
        assert_eq!(n.status, DossierStatus::SupplementRequested);
        assert_eq!(n.expected_at.as_deref(), Some("2025-03-07T09:00:00Z"));
        assert_eq!(n.papers_due, Some(day(2025, 3, 12)));
        let bare = dossier(DossierStatus::Ready, " ");
        assert_eq!(news(1, &bare).expected_at, None);
    }

    #[test]
    fn a_summary_shows_the_city_answer_or_only_what_was_typed() {
        let cal = calendar();
        let row = DossierRow {
            id: 3,
            code: CODE.into(),
            check: "K7M2QX".into(),
            lookup: Lookup::Waiting,
            dossier: None,
            checked_at: None,
            unseen: false,
            added_ms: 42,
            api_base: Some("https://a.example/".into()),
        };
        let s = summary(&row, Some(&cal), day(2025, 3, 3), "https://a.example/");
        assert_eq!((s.id, s.code.as_str(), s.added_ms), (3, CODE, 42));
        assert_eq!(s.other_address, None, "added with the address in use");
        let elsewhere = summary(&row, Some(&cal), day(2025, 3, 3), "https://b.example/");
        assert_eq!(
            elsewhere.other_address.as_deref(),
            Some("https://a.example/")
        );
        assert_eq!((s.procedure, s.status, s.expected_at), (None, None, None));
        assert_eq!(s.deadline, DeadlineDto::NotAvailable);
        let known = DossierRow {
            lookup: Lookup::Known,
            dossier: Some(dossier(DossierStatus::Processing, "2025-03-07T09:00:00Z")),
            unseen: true,
            ..row
        };
        let s = summary(&known, Some(&cal), day(2025, 3, 3), "https://a.example/");
        assert_eq!(s.procedure.as_deref(), Some("Đăng ký khai sinh"));
        assert_eq!(s.status, Some(DossierStatus::Processing));
        assert_eq!(s.deadline, DeadlineDto::DaysLeft { days: 4 });
        assert!(s.unseen);
    }

    #[test]
    fn the_receipt_wins_else_the_most_useful_problem() {
        let receipt = format!("HSQR1/MA:{CODE}/KT:K7M2QX");
        let no_check = format!("HSQR1/MA:{CODE}");
        let texts = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let found = ReceiptReading::Found {
            pair: TrackedPair {
                code: CODE.into(),
                check: "K7M2QX".into(),
            },
        };
        assert_eq!(
            choose_reading(&texts(&["WIFI:S:cafe;;", &no_check, &receipt])),
            found
        );
        let code = DossierCode::parse(CODE).expect("code");
        // A payment code beside a receipt without its check value: the code fills the form.
        assert_eq!(
            choose_reading(&texts(&["000201010212", &no_check, "hello"])),
            ReceiptReading::NotAReceipt {
                problem: QrProblem::NoCheckValue { code }
            }
        );
        assert_eq!(
            choose_reading(&texts(&["https://example.vn/", "hello"])),
            ReceiptReading::NotAReceipt {
                problem: QrProblem::WebLink
            }
        );
        assert_eq!(choose_reading(&[]), ReceiptReading::NoQrCode);
    }
}
