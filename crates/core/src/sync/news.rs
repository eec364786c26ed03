//! After the status pull: the timelines of reports whose state moved, and the city's photos of
//! the work done, kept on the device so "My reports" reads the same offline.

use model::open311::RequestEvent;

use super::transport::{self, LinkError, Target};
use super::worker::{PullError, StoreAccess};
use crate::store::Photo;

/// Largest timeline read (a report has a handful of events).
const MAX_EVENTS_ANSWER: usize = 1024 * 1024;
/// Largest city photo kept (the city API takes at most 2 MiB).
const MAX_MEDIA_ANSWER: usize = 2 * 1024 * 1024 + 64 * 1024;

/// Only the city API the app talks to is asked for photos: a URL in the city's answer pointing
/// elsewhere is not followed.
fn same_origin(url: &str, base: &str) -> bool {
    match (reqwest::Url::parse(url), reqwest::Url::parse(base)) {
        (Ok(u), Ok(b)) => {
            u.scheme() == b.scheme()
                && u.host_str() == b.host_str()
                && u.port_or_known_default() == b.port_or_known_default()
                && u.path().starts_with(b.path())
        }
        _ => false,
    }
}

fn is_photo(bytes: &[u8]) -> Option<&'static str> {
    match image::guess_format(bytes).ok()? {
        image::ImageFormat::Jpeg => Some("image/jpeg"),
        image::ImageFormat::Png => Some("image/png"),
        image::ImageFormat::WebP => Some("image/webp"),
        _ => None,
    }
}

/// Pulls the timeline of every report whose state is newer than its kept timeline, and the
/// staff's photos in it. Returns how many timelines were stored. A report whose answer cannot
/// be read is skipped (tried again next round); a dead link ends the pass.
pub async fn pull_timelines(
    http: &reqwest::Client,
    target: &Target,
    store: &impl StoreAccess,
) -> Result<usize, PullError> {
    let stale = store.with_store(|s| s.stale_timelines(&target.base))?;
    let mut stored = 0;
    for (server_id, id) in stale {
        if !transport::is_id(&server_id) {
            continue;
        }
        let url = target
            .base
            .join(&format!("open311/v2/requests/{server_id}/events.json"));
        let answer = transport::get(http, &url, &[], None, MAX_EVENTS_ANSWER).await?;
        if answer.status != 200 {
            continue;
        }
        let Ok(events) = serde_json::from_slice::<Vec<RequestEvent>>(&answer.body) else {
            continue;
        };
        for media in events
            .iter()
            .filter(|e| e.actor == model::open311::Actor::Staff)
            .flat_map(|e| &e.media_urls)
        {
            keep_photo(http, target, store, id, media).await?;
        }
        let json = serde_json::to_string(&events).unwrap_or_else(|_| "[]".into());
        store.with_store(|s| s.save_timeline(id, &json))?;
        stored += 1;
    }
    Ok(stored)
}

async fn keep_photo(
    http: &reqwest::Client,
    target: &Target,
    store: &impl StoreAccess,
    report_id: i64,
    url: &str,
) -> Result<(), LinkError> {
    if !same_origin(url, target.base.as_str()) {
        tracing::warn!("city photo from another origin not fetched");
        return Ok(());
    }
    if store.with_store(|s| s.has_city_media(url)).unwrap_or(false) {
        return Ok(());
    }
    let answer = match transport::get(http, url, &[], None, MAX_MEDIA_ANSWER).await {
        Ok(a) => a,
        Err(LinkError::TooLarge(_)) => return Ok(()),
        Err(err) => return Err(err),
    };
    let Some(mime) = is_photo(&answer.body).filter(|_| answer.status == 200) else {
        return Ok(());
    };
    let photo = Photo {
        mime: mime.to_owned(),
        bytes: answer.body,
    };
    if let Err(err) = store.with_store(|s| s.save_city_media(url, report_id, &photo)) {
        tracing::warn!(%err, "city photo not kept");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_come_only_from_the_city_api_in_use() {
        let base = "http://127.0.0.1:8722/";
        assert!(same_origin(
            "http://127.0.0.1:8722/open311/v2/media/m1",
            base
        ));
        assert!(!same_origin(
            "http://127.0.0.1:9999/open311/v2/media/m1",
            base
        ));
        assert!(!same_origin("https://evil.example/m1", base));
        assert!(!same_origin("file:///etc/passwd", base));
        assert!(same_origin(
            "https://api.city.vn/v2/open311/v2/media/m1",
            "https://api.city.vn/v2/"
        ));
        assert!(!same_origin(
            "https://api.city.vn/other/x",
            "https://api.city.vn/v2/"
        ));
        assert_eq!(is_photo(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        assert_eq!(is_photo(b"<html>"), None);
    }
}
