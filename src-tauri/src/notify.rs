//! The OS notification for news about the citizen's reports, in their language. Where the
//! platform has no notification service (a kiosk without a desktop session), the in-app badge
//! still shows it: a failure here is logged, never fatal.

use core_engine::Engine;
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
