//! The OS notifications for news about the citizen's reports and dossiers, in their language.
//! Where the platform has no notification service (a kiosk without a desktop session), the
//! in-app badge still shows it: a failure here is logged, never fatal.

use core_engine::Engine;
use model::announcement::Announcement;
use model::dossier::DossierStatus;
use model::dossier_dto::DossierNews;
use model::report_dto::News;
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

/// The title and text of the notification for `news` (pure, for tests).
pub fn text(
    language: model::Language,
    news: &[News],
    service_name: impl Fn(&str) -> String,
) -> (String, String) {
    let title = i18n::t(language, "notify.title").to_owned();
    let body = match news {
        [one] => {
            let status = one
                .status
                .map(|s| i18n::t(language, &format!("status.{}", s.as_str())))
                .unwrap_or_default();
            i18n::t_with(
                language,
                "notify.one",
                &[
                    ("service", &service_name(&one.service_code)),
                    ("status", status),
                ],
            )
        }
        many => i18n::t_with(
            language,
            "notify.many",
            &[("count", &many.len().to_string())],
        ),
    };
    (title, body)
}

/// A day as written on Vietnamese papers, in both languages: 05/03/2025.
fn day(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// The title and text of the notification for one dossier's news (pure, for tests): what the
/// citizen must do or may expect, with the day when the city gave one.
pub fn dossier_text(language: model::Language, news: &DossierNews) -> (String, String) {
    let appointment = news
        .expected_at
        .as_deref()
        .and_then(core_engine::dossiers::hcmc_date);
    let (key, date) = match news.status {
        DossierStatus::Ready => match appointment {
            Some(d) => ("notify.dossier.ready", Some(d)),
            None => ("notify.dossier.ready_no_date", None),
        },
        DossierStatus::SupplementRequested => match news.papers_due {
            Some(d) => ("notify.dossier.supplement", Some(d)),
            None => ("notify.dossier.supplement_no_date", None),
        },
        DossierStatus::PaymentRequested => ("notify.dossier.payment", None),
        DossierStatus::Rejected | DossierStatus::NotAccepted => ("notify.dossier.rejected", None),
        DossierStatus::Returned => ("notify.dossier.returned", None),
        DossierStatus::Paused => ("notify.dossier.paused", None),
        DossierStatus::Received
        | DossierStatus::Processing
        | DossierStatus::New
        | DossierStatus::Withdrawn
        | DossierStatus::Other => ("notify.dossier.other", None),
    };
    let date = date.map(day).unwrap_or_default();
    let body = i18n::t_with(
        language,
        key,
        &[("code", news.code.as_str()), ("date", date.as_str())],
    );
    (i18n::t(language, "notify.dossier.title").to_owned(), body)
}

/// One notification per changed dossier: each says what to do about that one.
pub fn dossier_news<R: Runtime>(app: &AppHandle<R>, engine: &Engine, news: &[DossierNews]) {
    if news.is_empty() {
        return;
    }
    let language = engine.status().settings.language;
    for one in news {
        let (title, body) = dossier_text(language, one);
        if let Err(err) = app.notification().builder().title(title).body(body).show() {
            tracing::info!(%err, "no OS notification (the in-app badge shows the news)");
            return;
        }
    }
}

/// The title and text of an urgent announcement's notification (pure, for tests): the city's
/// own words in the citizen's language.
pub fn announcement_text(language: model::Language, a: &Announcement) -> (String, String) {
    let title = i18n::t_with(
        language,
        "notify.announcement.title",
        &[("title", a.title.get(language))],
    );
    (title, a.body.get(language).to_owned())
}

/// One notification per urgent announcement never notified (the engine hands each out once).
pub fn announcements<R: Runtime>(app: &AppHandle<R>, engine: &Engine, urgent: &[Announcement]) {
    if urgent.is_empty() {
        return;
    }
    let language = engine.status().settings.language;
    for a in urgent {
        let (title, body) = announcement_text(language, a);
        if let Err(err) = app.notification().builder().title(title).body(body).show() {
            tracing::info!(%err, "no OS notification (the announcements list shows it)");
            return;
        }
    }
}

pub fn news<R: Runtime>(app: &AppHandle<R>, engine: &Engine, news: &[News]) {
    let language = engine.status().settings.language;
    let catalog = engine.services().ok();
    let name = |code: &str| {
        catalog
            .as_ref()
            .and_then(|c| c.get(code))
            .map(|s| s.name.get(language).to_owned())
            .unwrap_or_else(|| code.to_owned())
    };
    let (title, body) = text(language, news, name);
    if let Err(err) = app.notification().builder().title(title).body(body).show() {
        tracing::info!(%err, "no OS notification (the in-app badge shows the news)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::feedback::RequestStatus;

    fn dossier(status: DossierStatus) -> DossierNews {
        DossierNews {
            id: 1,
            code: "000.00.04.H29-240115-0001".into(),
            status,
            expected_at: Some("2026-12-10T17:30:00Z".into()),
            papers_due: None,
        }
    }

    #[test]
    fn a_ready_dossier_gives_the_day_to_collect_it_in_vietnam_time() {
        let (title, body) = dossier_text(model::Language::Vi, &dossier(DossierStatus::Ready));
        assert_eq!(title, "Hồ sơ của bạn có cập nhật");
        // 17:30 UTC on the 10th is the 11th in Ho Chi Minh City.
        assert_eq!(
            body,
            "Hồ sơ 000.00.04.H29-240115-0001 đã có kết quả, hẹn trả ngày 11/12/2026."
        );
        let no_date = DossierNews {
            expected_at: None,
            ..dossier(DossierStatus::Ready)
        };
        let (_, body) = dossier_text(model::Language::En, &no_date);
        assert!(
            body.contains("000.00.04.H29-240115-0001") && !body.contains('{'),
            "{body}"
        );
    }

    #[test]
    fn papers_asked_for_say_by_when_and_every_state_has_a_sentence() {
        let due = DossierNews {
            papers_due: chrono::NaiveDate::from_ymd_opt(2026, 12, 17),
            ..dossier(DossierStatus::SupplementRequested)
        };
        let (_, body) = dossier_text(model::Language::Vi, &due);
        assert!(
            body.contains("17/12/2026") && body.contains("bổ sung"),
            "{body}"
        );
        let mut sentences = std::collections::BTreeSet::new();
        for language in model::Language::ALL {
            for status in DossierStatus::ALL {
                let (title, body) = dossier_text(language, &dossier(status));
                assert!(!title.is_empty());
                assert!(
                    body.contains("000.00.04.H29-240115-0001") && !body.contains('{'),
                    "{language:?} {status}: {body}"
                );
                sentences.insert(body);
            }
        }
        // Refused and not accepted share one; received, processing, new, withdrawn and other
        // share "has news": 12 states, 7 sentences per language.
        assert_eq!(sentences.len(), 14);
    }

    #[test]
    fn an_urgent_announcement_says_the_citys_words_in_the_citizens_language() {
        let a: Announcement = serde_json::from_value(serde_json::json!({
            "id": 3,
            "title": {"vi": "Cúp nước", "en": "Water cut"},
            "body": {"vi": "Từ 8 giờ đến 16 giờ", "en": "From 8:00 to 16:00"},
            "audience": {"kind": "city"}, "urgency": "urgent",
            "valid_from": "2026-12-07T01:00:00Z", "valid_until": "2026-12-08T01:00:00Z"
        }))
        .expect("announcement");
        let (title, body) = announcement_text(model::Language::Vi, &a);
        assert!(
            title.contains("Cúp nước") && !title.contains('{'),
            "{title}"
        );
        assert_eq!(body, "Từ 8 giờ đến 16 giờ");
        let (title, body) = announcement_text(model::Language::En, &a);
        assert!(title.contains("Water cut"), "{title}");
        assert_eq!(body, "From 8:00 to 16:00");
    }

    #[test]
    fn one_change_is_named_several_are_counted() {
        let one = News {
            report_id: 1,
            service_code: "thoat-nuoc".into(),
            status: Some(RequestStatus::Resolved),
        };
        let name = |_: &str| "Thoát nước – ngập".to_owned();
        let (title, body) = text(model::Language::Vi, std::slice::from_ref(&one), name);
        assert!(!title.is_empty());
        assert!(body.contains("Thoát nước – ngập"), "{body}");
        assert!(
            body.contains(i18n::t(model::Language::Vi, "status.resolved")),
            "{body}"
        );
        let (_, body) = text(model::Language::En, &[one.clone(), one], name);
        assert!(body.contains('2'), "{body}");
    }
}
