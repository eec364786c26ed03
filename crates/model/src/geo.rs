//! Where a point is: which unit of the city it is nearest to, and whether it is in the city at
//! all. No official ward polygons are published, so "in the city" is approximated from each
//! unit's centroid and area (a generous circle per unit), which is enough to refuse a point in
//! Hà Nội or in the sea, and to suggest the ward a report belongs to.

use crate::ward::Ward;

const EARTH_RADIUS_KM: f64 = 6_371.0;

/// A WGS84 point; only finite, in-range coordinates can be built.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    lat: f64,
    lon: f64,
}

impl Point {
    pub fn new(lat: f64, lon: f64) -> Option<Self> {
        let ok = lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon);
        ok.then_some(Self { lat, lon })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: Point, b: Point) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

/// How far from its centroid a point may still belong to a unit: the radius of a circle of the
/// unit's area, stretched for odd shapes (coastlines, river islands), plus a margin.
fn reach_km(unit: &Ward) -> f64 {
    1.8 * (unit.area_km2.max(0.0) / std::f64::consts::PI).sqrt() + 2.0
}

/// The unit whose centroid is nearest, if the point is within that unit's reach; `None` means
/// the point is outside the city.
pub fn unit_at(units: &[Ward], p: Point) -> Option<&Ward> {
    units
        .iter()
        .filter_map(|u| Some((u, distance_km(p, Point::new(u.lat, u.lon)?))))
        .filter(|(u, d)| *d <= reach_km(u))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(u, _)| u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WardCatalog;

    fn units() -> Vec<Ward> {
        WardCatalog::from_json(include_str!("../../../assets/hcmc-units.json"))
            .expect("bundled units")
            .units
    }

    #[test]
    fn distance_is_right_on_a_known_pair() {
        // Bến Thành market to Thủ Dầu Một: about 27 km.
        let a = Point::new(10.7725, 106.698).expect("point");
        let b = Point::new(10.980, 106.652).expect("point");
        let d = distance_km(a, b);
        assert!((22.0..26.0).contains(&d), "{d}");
    }

    #[test]
    fn points_find_their_unit_or_none() {
        let units = units();
        let market = Point::new(10.7725, 106.698).expect("point");
        let name = unit_at(&units, market).map(|u| u.name.as_str());
        assert!(
            matches!(name, Some("Phường Bến Thành" | "Phường Sài Gòn")),
            "{name:?}"
        );
        let con_dao = Point::new(8.683, 106.605).expect("point");
        assert_eq!(
            unit_at(&units, con_dao).map(|u| u.code.as_str()),
            Some("26732")
        );
        let hanoi = Point::new(21.028, 105.854).expect("point");
        assert!(unit_at(&units, hanoi).is_none());
        let open_sea = Point::new(9.8, 107.5).expect("point");
        assert!(unit_at(&units, open_sea).is_none());
    }

    #[test]
    fn only_real_coordinates_make_points() {
        assert!(Point::new(f64::NAN, 1.0).is_none());
        assert!(Point::new(91.0, 1.0).is_none());
        assert!(Point::new(1.0, f64::INFINITY).is_none());
        assert!(Point::new(-90.0, 180.0).is_some());
    }
}
