//! The map's answers from the kept copies, pure: reports in a box, a ward's open reports, its
//! office on the card with each fact's source, the offices layer. The engine (`engine/map.rs`)
//! reads the copies and pulls them; this decides what they say.

use model::map::dto::{CitedSource, HoursCard, OfficeCard};
use model::map::{Bbox, ReportFeature, ReportPage, WardOffices};
use model::ward_rating::WardStats;
use model::{Ward, WardCode};
use serde_json::json;

/// The reports (of the whole kept set) whose point is in `bbox`, as a FeatureCollection.
pub fn reports_in(set: &ReportPage, bbox: Option<Bbox>) -> ReportPage {
    let features: Vec<ReportFeature> = set
        .features
        .iter()
        .filter(|f| match (bbox, f.geometry.point()) {
            (None, Some(_)) => true,
            (Some(b), Some(p)) => b.contains(p),
            (_, None) => false,
        })
        .cloned()
        .collect();
    ReportPage::new(features, None)
}

/// Open reports of the kept set filed in `ward`.
pub fn open_in_ward(set: &ReportPage, ward: &WardCode) -> u32 {
    let n = set
        .features
        .iter()
        .filter(|f| f.properties.ward_code.as_ref() == Some(ward))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn cited(file: &WardOffices, id: &str) -> Option<CitedSource> {
    file.source(id).map(|s| CitedSource {
        title: s.title.clone(),
        url: s.url.clone(),
        read_on: s.read_on.clone(),
    })
}

/// What the card says about `ward`'s office: each fact with its source; `None` when the file
/// knows nothing about it (no office entry and no common hours).
pub fn office_card(file: &WardOffices, ward: &WardCode) -> Option<OfficeCard> {
    let office = file.office(ward);
    let hours = file.hours_of(ward).and_then(|(h, from)| {
        Some(HoursCard {
            spans: h.value.clone(),
            from,
            source: cited(file, &h.source)?,
        })
    });
    if office.is_none() && hours.is_none() {
        return None;
    }
    let address = office.and_then(|o| o.address.as_ref());
    let position = office.and_then(|o| o.position.as_ref());
    Some(OfficeCard {
        address: address.map(|a| a.value.clone()),
        address_source: address.and_then(|a| cited(file, &a.source)),
        hours,
        position: position.map(|p| p.value),
        position_source: position.and_then(|p| cited(file, &p.source)),
        as_of: file.as_of.clone(),
    })
}

/// The offices layer: a point per office with a known position (properties `wardCode`, and
/// `address` where known), and how many.
pub fn offices_geojson(file: &WardOffices) -> (String, usize) {
    let features: Vec<serde_json::Value> = file
        .offices
        .iter()
        .filter_map(|o| {
            let p = o.position.as_ref()?.value;
            Some(json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {
                    "wardCode": o.ward_code.as_str(),
                    "address": o.address.as_ref().map(|a| a.value.as_str()),
                },
            }))
        })
        .collect();
    let count = features.len();
    (
        json!({"type": "FeatureCollection", "features": features}).to_string(),
        count,
    )
}

/// The statistics of `ward` in an all-wards answer.
pub fn stats_of<'a>(all: &'a [WardStats], ward: &Ward) -> Option<&'a WardStats> {
    all.iter().find(|s| s.ward_code == ward.code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::feedback::RequestStatus;
    use model::geo::Point;
    use model::map::HoursFrom;
    use model::map::points::{FeatureType, PointGeometry, ReportProperties};

    fn code(c: &str) -> WardCode {
        WardCode::parse(c).expect("code")
    }

    fn feature(id: &str, lat: f64, lon: f64, ward: &str) -> ReportFeature {
        ReportFeature {
            kind: FeatureType::Feature,
            geometry: PointGeometry::new(Point::new(lat, lon).expect("point")),
            properties: ReportProperties {
                id: id.into(),
                service_code: "giao-thong".into(),
                status: RequestStatus::Received,
                ward_code: Some(code(ward)),
                requested_at: "2026-12-07T10:00:00+07:00".into(),
                supporters: 0,
            },
        }
    }

    #[test]
    fn reports_are_filtered_by_box_and_counted_by_ward() {
        let set = ReportPage::new(
            vec![
                feature("1", 10.773, 106.699, "26734"),
                feature("2", 10.851, 106.771, "26824"),
                feature("3", 10.775, 106.701, "26734"),
            ],
            None,
        );
        let b = Bbox::new(106.6, 10.7, 106.72, 10.8).expect("bbox");
        let ids: Vec<_> = reports_in(&set, Some(b))
            .features
            .iter()
            .map(|f| f.properties.id.clone())
            .collect();
        assert_eq!(ids, ["1", "3"]);
        assert_eq!(reports_in(&set, None).features.len(), 3);
        assert_eq!(open_in_ward(&set, &code("26734")), 2);
        assert_eq!(open_in_ward(&set, &code("26740")), 0);
    }

    #[test]
    fn the_card_cites_each_fact_and_says_whose_hours() {
        let file: WardOffices = serde_json::from_value(json!({
            "as_of": "2026-12-07",
            "sources": [
                {"id": "a", "title": "Báo A", "url": "https://a.vn/x", "read_on": "2026-12-01"},
                {"id": "rule", "title": "Quy định", "url": "https://b.vn/y", "read_on": "2026-12-02"}
            ],
            "common_hours": {"value": [{"from_day": 1, "to_day": 5, "opens": "07:30", "closes": "17:00"}], "source": "rule"},
            "offices": [{"ward_code": "26809", "address": {"value": "2 đường số 5", "source": "a"},
                         "position": {"value": {"lat": 10.84, "lon": 106.72}, "source": "a"}}]
        }))
        .expect("file");
        let card = office_card(&file, &code("26809")).expect("card");
        assert_eq!(card.address.as_deref(), Some("2 đường số 5"));
        assert_eq!(card.address_source.map(|s| s.title), Some("Báo A".into()));
        let hours = card.hours.expect("hours");
        assert_eq!(hours.from, HoursFrom::CommonRule);
        assert_eq!(hours.source.title, "Quy định");
        // Another ward: only the common hours, no address ("not available" on the card).
        let other = office_card(&file, &code("26734")).expect("card");
        assert_eq!(other.address, None);
        assert!(other.hours.is_some());
        let (geojson, n) = offices_geojson(&file);
        assert_eq!(n, 1);
        let v: serde_json::Value = serde_json::from_str(&geojson).expect("json");
        assert_eq!(
            v["features"][0]["geometry"]["coordinates"],
            json!([106.72, 10.84])
        );
        assert_eq!(v["features"][0]["properties"]["wardCode"], "26809");
        // Without common hours a ward the file does not name has no card.
        let mut bare = file.clone();
        bare.common_hours = None;
        assert_eq!(office_card(&bare, &code("26734")), None);
    }
}
