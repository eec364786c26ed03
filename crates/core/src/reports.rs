//! What the citizen sees of their reports, assembled from the store's rows: where each is on its
//! way to the city, what the city said, what they may still do. Pure: rows in, DTOs out.

use std::collections::HashSet;

use base64::Engine as _;
use chrono::{DateTime, Duration};
use model::delivery::Refusal;
use model::feedback::{REOPEN_WINDOW_DAYS, RequestStatus};
use model::form::field;
use model::geo::{self, Point};
use model::open311::{Actor, RequestEvent, ServiceRequest};
use model::report_dto::{
    Delivery, NearbyReport, Origin, PhotoDto, ReportDetail, ReportSummary, TimelineEntry,
};

use crate::store::{ItemBrief, ItemState, OutboxKind, PhotoThumb, ReportRow};

/// A picture the webview can show under the app's CSP (`img-src 'self' data:`).
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

pub fn photo_dto(p: &PhotoThumb) -> PhotoDto {
    PhotoDto {
        id: p.id,
        thumb: data_url("image/jpeg", &p.thumb),
        bytes: p.bytes,
        has_place: p.place.is_some(),
    }
}

/// Where a report and everything queued with it stand. A refusal wins (the citizen must act),
/// then anything still on its way — waiting for the address it was filed with (`elsewhere`),
/// when that is not the one in use —, then "sent".
pub fn delivery(items: &[ItemBrief], elsewhere: Option<&str>) -> Delivery {
    if let Some(refused) = items.iter().find(|i| i.state == ItemState::NeedsAttention) {
        return Delivery::NeedsAttention {
            outbox_id: refused.id,
            // Written by this app; an older or damaged value reads as a refusal without a
            // reason (shown with the generic text).
            reason: refused
                .last_error
                .as_deref()
                .and_then(Refusal::parse)
                .unwrap_or(Refusal::CityUnlisted),
            field: refused.last_field.clone(),
            is_report: refused.kind == OutboxKind::Report,
        };
    }
    let total = u32::try_from(items.len()).unwrap_or(u32::MAX);
    let done = u32::try_from(items.iter().filter(|i| i.state == ItemState::Sent).count())
        .unwrap_or(u32::MAX);
    if done == total {
        Delivery::Sent
    } else if let Some(address) = elsewhere {
        Delivery::OtherAddress {
            done,
            total,
            address: address.to_owned(),
        }
    } else if items.iter().any(|i| i.state == ItemState::Sending) {
        Delivery::Sending { done, total }
    } else {
        Delivery::Queued { done, total }
    }
}

/// The city's record of the report, when it sent one the app can read.
pub fn city_record(row: &ReportRow) -> Option<ServiceRequest> {
    serde_json::from_str(row.server_json.as_deref()?).ok()
}

/// The address a report belongs to, when it is not `current` (the one in use).
pub fn elsewhere<'a>(row: &'a ReportRow, current: &str) -> Option<&'a str> {
    row.api_base.as_deref().filter(|base| *base != current)
}

/// A line of "My reports"; `current` is the city API address in use.
pub fn summary(row: &ReportRow, items: &[ItemBrief], current: &str) -> ReportSummary {
    let city = city_record(row);
    // The citizen's own words for their report; the city's record for one they follow.
    let (service_code, description) = match (field(&row.form, "service_code"), &city) {
        (Some(code), _) => (
            code.to_owned(),
            field(&row.form, "description")
                .unwrap_or_default()
                .to_owned(),
        ),
        (None, Some(c)) => (
            c.service_code.clone(),
            c.description.clone().unwrap_or_default(),
        ),
        (None, None) => (String::new(), String::new()),
    };
    ReportSummary {
        id: row.id,
        origin: if row.followed {
            Origin::Followed
        } else {
            Origin::Mine
        },
        service_code,
        description,
        created_ms: row.created_ms,
        server_id: row.server_id.clone(),
        status: row.status.as_deref().and_then(RequestStatus::parse),
        delivery: delivery(items, elsewhere(row, current)),
        unseen: row.unseen,
    }
}

/// Until when "not fixed" may be answered: within the window after the latest resolution.
pub fn reopen_until(status: Option<RequestStatus>, events: &[RequestEvent]) -> Option<String> {
    if status != Some(RequestStatus::Resolved) {
        return None;
    }
    let resolved = events
        .iter()
        .rev()
        .find(|e| e.status == RequestStatus::Resolved)?;
    let at = DateTime::parse_from_rfc3339(&resolved.at).ok()?;
    Some((at + Duration::days(REOPEN_WINDOW_DAYS)).to_rfc3339())
}

/// The timeline the city sent, as kept; an unreadable one reads as empty.
pub fn events(row: &ReportRow) -> Vec<RequestEvent> {
    row.events_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// Everything about one report. `city_photo` gives the kept copy of a city photo by URL;
/// `current` is the city API address in use.
pub fn detail(
    row: &ReportRow,
    items: &[ItemBrief],
    photos: &[PhotoThumb],
    city_photo: impl Fn(&str) -> Option<PhotoDto>,
    current: &str,
) -> ReportDetail {
    let summary = summary(row, items, current);
    let city = city_record(row);
    let events = events(row);
    let followup_pending = items.iter().any(|i| {
        matches!(i.kind, OutboxKind::Rating | OutboxKind::Reopen) && i.state != ItemState::Sent
    });
    let reopen_until = if row.followed || followup_pending {
        None
    } else {
        reopen_until(summary.status, &events)
    };
    let timeline = events
        .into_iter()
        .map(|event| TimelineEntry {
            photos: if event.actor == Actor::Staff {
                event
                    .media_urls
                    .iter()
                    .filter_map(|u| city_photo(u))
                    .collect()
            } else {
                Vec::new()
            },
            event,
        })
        .collect();
    let text = |name| field(&row.form, name).map(str::to_owned);
    ReportDetail {
        address: text("address_string").or_else(|| city.as_ref()?.address.clone()),
        ward_code: text("ward_code").or_else(|| city.as_ref()?.address_id.clone()),
        agency: city.as_ref().map(|c| c.agency_responsible.clone()),
        status_notes: city.as_ref().and_then(|c| c.status_notes.clone()),
        expected: city.as_ref().and_then(|c| c.expected_datetime.clone()),
        rating: city.as_ref().and_then(|c| c.rating),
        supporters: city.as_ref().map_or(0, |c| c.supporters),
        photos: photos.iter().map(photo_dto).collect(),
        timeline,
        followup_pending,
        reopen_until,
        summary,
    }
}

/// Open reports the city has nearby, nearest first (those without a position last, newest
/// first among them), at most `limit`.
pub fn rank_nearby(
    reports: Vec<ServiceRequest>,
    from: Option<Point>,
    known: &HashSet<String>,
    limit: usize,
) -> Vec<NearbyReport> {
    let mut out: Vec<NearbyReport> = reports
        .into_iter()
        .filter(|r| r.status == "open")
        .map(|report| {
            let there = report
                .lat
                .zip(report.long)
                .and_then(|(a, b)| Point::new(a, b));
            let distance_m = from
                .zip(there)
                .map(|(a, b)| (geo::distance_km(a, b) * 1000.0).round() as u32);
            NearbyReport {
                followed: known.contains(&report.service_request_id),
                distance_m,
                report,
            }
        })
        .collect();
    out.sort_by(|a, b| match (a.distance_m, b.distance_m) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => b
            .report
            .requested_datetime
            .cmp(&a.report.requested_datetime),
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: &str = "http://127.0.0.1:8722/";

    fn item(id: i64, kind: OutboxKind, state: ItemState) -> ItemBrief {
        ItemBrief {
            id,
            kind,
            state,
            last_error: (state == ItemState::NeedsAttention).then(|| "too_long".into()),
            last_field: (state == ItemState::NeedsAttention).then(|| "description".into()),
        }
    }

    #[test]
    fn delivery_states() {
        use ItemState::*;
        use OutboxKind::*;
        assert_eq!(delivery(&[], None), Delivery::Sent);
        assert_eq!(
            delivery(&[item(1, Report, Sent), item(2, Photo, Queued)], None),
            Delivery::Queued { done: 1, total: 2 }
        );
        assert_eq!(
            delivery(&[item(1, Report, Sending), item(2, Photo, Queued)], None),
            Delivery::Sending { done: 0, total: 2 }
        );
        assert_eq!(
            delivery(&[item(1, Report, Sent), item(2, Photo, Sent)], None),
            Delivery::Sent
        );
        // Filed with another address than the one in use: it waits for that one.
        let other = Some("https://other.example/");
        assert_eq!(
            delivery(&[item(1, Report, Sent), item(2, Photo, Queued)], other),
            Delivery::OtherAddress {
                done: 1,
                total: 2,
                address: "https://other.example/".into()
            }
        );
        assert_eq!(
            delivery(&[item(1, Report, Sent), item(2, Photo, Sent)], other),
            Delivery::Sent,
            "all with the city: nothing waits"
        );
        assert_eq!(
            delivery(
                &[item(1, Report, NeedsAttention), item(2, Photo, Queued)],
                None
            ),
            Delivery::NeedsAttention {
                outbox_id: 1,
                reason: Refusal::City(model::reason::Reason::TooLong),
                field: Some("description".into()),
                is_report: true
            }
        );
    }

    fn event(status: RequestStatus, at: &str) -> RequestEvent {
        RequestEvent {
            at: at.into(),
            status,
            note: None,
            actor: Actor::Staff,
            media_urls: vec![],
        }
    }

    #[test]
    fn not_fixed_is_offered_for_the_window_after_the_last_resolution() {
        let events = [
            event(RequestStatus::Received, "2026-11-01T08:00:00+07:00"),
            event(RequestStatus::Resolved, "2026-11-02T08:00:00+07:00"),
            event(RequestStatus::Reopened, "2026-11-03T08:00:00+07:00"),
            event(RequestStatus::Resolved, "2026-11-10T08:00:00+07:00"),
        ];
        assert_eq!(
            reopen_until(Some(RequestStatus::Resolved), &events).as_deref(),
            Some("2026-12-10T08:00:00+07:00")
        );
        assert_eq!(reopen_until(Some(RequestStatus::Closed), &events), None);
        assert_eq!(
            reopen_until(Some(RequestStatus::Resolved), &events[..1]),
            None
        );
    }

    fn request(id: &str, status: &str, at: Option<(f64, f64)>, when: &str) -> ServiceRequest {
        ServiceRequest {
            service_request_id: id.into(),
            status: status.into(),
            status_notes: None,
            service_name: "Thoát nước".into(),
            service_code: "thoat-nuoc".into(),
            description: Some("Ngập".into()),
            agency_responsible: "x".into(),
            service_notice: None,
            requested_datetime: when.into(),
            updated_datetime: when.into(),
            expected_datetime: None,
            address: None,
            address_id: Some("26743".into()),
            lat: at.map(|p| p.0),
            long: at.map(|p| p.1),
            media_url: None,
            detailed_status: RequestStatus::Received,
            media_urls: vec![],
            change_seq: 1,
            rating: None,
            supporters: 0,
        }
    }

    #[test]
    fn a_followed_report_shows_the_city_count_of_me_too() {
        let mut city = request("12", "open", None, "2026-11-01T08:00:00+07:00");
        city.supporters = 3;
        let row = ReportRow {
            id: 1,
            followed: true,
            form: Vec::new(),
            created_ms: 0,
            server_id: Some("12".into()),
            status: Some("received".into()),
            server_json: serde_json::to_string(&city).ok(),
            events_json: None,
            unseen: false,
            api_base: Some(HERE.into()),
        };
        assert_eq!(detail(&row, &[], &[], |_| None, HERE).supporters, 3);
        let unknown = ReportRow {
            server_json: Some("not json".into()),
            ..row
        };
        assert_eq!(detail(&unknown, &[], &[], |_| None, HERE).supporters, 0);
    }

    /// The city publishes a report's place coarse, with the ward's name for its address; the
    /// citizen's own report still shows the street address they gave, from this device.
    #[test]
    fn my_report_shows_my_address_not_the_citys_public_one() {
        let mut city = request(
            "12",
            "open",
            Some((10.771, 106.695)),
            "2026-11-01T08:00:00+07:00",
        );
        city.address = Some("Phường Bến Thành".into());
        let row = ReportRow {
            id: 1,
            followed: false,
            form: vec![
                ("service_code".into(), "thoat-nuoc".into()),
                ("address_string".into(), "12 Lê Lợi".into()),
                ("ward_code".into(), "26743".into()),
            ],
            created_ms: 0,
            server_id: Some("12".into()),
            status: Some("received".into()),
            server_json: serde_json::to_string(&city).ok(),
            events_json: None,
            unseen: false,
            api_base: Some(HERE.into()),
        };
        assert_eq!(
            detail(&row, &[], &[], |_| None, HERE).address.as_deref(),
            Some("12 Lê Lợi")
        );
        // Someone else's report, followed: only the city's public words exist.
        let followed = ReportRow {
            followed: true,
            form: Vec::new(),
            ..row
        };
        assert_eq!(
            detail(&followed, &[], &[], |_| None, HERE)
                .address
                .as_deref(),
            Some("Phường Bến Thành")
        );
    }

    #[test]
    fn nearby_reports_are_open_ones_nearest_first() {
        let here = Point::new(10.7725, 106.698);
        let reports = vec![
            request("1", "open", None, "2026-11-01T08:00:00+07:00"),
            request(
                "2",
                "open",
                Some((10.80, 106.70)),
                "2026-11-01T08:00:00+07:00",
            ),
            request(
                "3",
                "open",
                Some((10.7726, 106.698)),
                "2026-11-01T08:00:00+07:00",
            ),
            request(
                "4",
                "closed",
                Some((10.7725, 106.698)),
                "2026-11-01T08:00:00+07:00",
            ),
            request("5", "open", None, "2026-11-05T08:00:00+07:00"),
        ];
        let known = HashSet::from(["2".to_owned()]);
        let ranked = rank_nearby(reports, here, &known, 10);
        let ids: Vec<&str> = ranked
            .iter()
            .map(|n| n.report.service_request_id.as_str())
            .collect();
        assert_eq!(ids, ["3", "2", "5", "1"]);
        assert_eq!(ranked[0].distance_m, Some(11));
        assert!(ranked[1].followed && !ranked[0].followed);
    }
}
