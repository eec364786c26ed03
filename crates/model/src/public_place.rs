//! What the public sees of a report's place: the centre of a fixed grid cell, never the point.
//!
//! A report's point is often the citizen's home, shop or daily route: published as taken, a
//! list of reports is a map of who complains about whom. The city's staff need the exact point
//! to send a crew; everyone else — other citizens looking for "me too", journalists, stock
//! Open311 clients — needs only which stretch of street or block it is about. So public answers
//! carry [`coarsen`]'s point and the ward, and the staff route the exact one.
//!
//! **The grid.** Cells of [`CELL_DEG`] = 0.002° of latitude by 0.002° of longitude: at Ho Chi
//! Minh City's latitude (10.3°–11.2° N) that is about 222 m north–south by 218 m east–west,
//! in the 150–250 m public 311 maps commonly use (a city block; e.g. Chicago's public
//! 311/crime data is given by block). A published point is at most ~155 m (half the cell's
//! diagonal) from the true one: close enough that the app's "nearby reports" still finds a
//! report on the same block, too coarse to name a house in the dense inner wards, where a block
//! holds hundreds of homes. The ward code (`address_id`) stays exact: it is how a citizen
//! recognises a report, and it is public on the city's own boards.
//!
//! **Snapping, not noise.** Random noise added on each read averages out: ask for the same
//! report a hundred times and the mean is the point again. Snapping gives every read the same
//! answer, so repeating it teaches nothing; and the cell's edges are fixed in degrees, not
//! around the report, so two reports in one cell are indistinguishable. (What snapping cannot
//! hide: a report in a cell with one house. At ~220 m in HCMC that is rare, and the description
//! the citizen wrote is public anyway.)

use crate::geo::Point;

/// The side of a grid cell in degrees, for latitude and longitude alike.
pub const CELL_DEG: f64 = 0.002;

/// Cells per degree (exactly 500): indices are computed with this, so a cell's centre is one
/// division and the same point always lands in the same cell.
const CELLS_PER_DEG: f64 = 500.0;

/// The centre of the grid cell `p` is in. Pure and deterministic: the same point always gives
/// the same answer, and every point of a cell gives its centre.
pub fn coarsen(p: Point) -> Point {
    let snap = |deg: f64| ((deg * CELLS_PER_DEG).floor() + 0.5) / CELLS_PER_DEG;
    // A cell's centre is inside the cell, so still a valid coordinate, except in the cell that
    // starts at +90° / +180° exactly (a point on that edge); keep the point's cell edge there.
    Point::new(snap(p.lat()).min(90.0), snap(p.lon()).min(180.0)).unwrap_or(p)
}

/// [`coarsen`] for a stored pair of optional coordinates (both or neither are published).
pub fn coarsen_pair(lat: Option<f64>, lon: Option<f64>) -> (Option<f64>, Option<f64>) {
    match lat.zip(lon).and_then(|(a, b)| Point::new(a, b)) {
        Some(p) => {
            let c = coarsen(p);
            (Some(c.lat()), Some(c.lon()))
        }
        None => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::distance_km;

    fn pt(lat: f64, lon: f64) -> Point {
        Point::new(lat, lon).expect("point")
    }

    #[test]
    fn a_point_is_published_as_its_cells_centre() {
        // Bến Thành market.
        let c = coarsen(pt(10.772_46, 106.698_07));
        assert_eq!((c.lat(), c.lon()), (10.773, 106.699));
        // Every point of that cell gives the same centre; the next cell another.
        for (lat, lon) in [(10.772_000_1, 106.698_000_1), (10.773_999, 106.699_999)] {
            assert_eq!(coarsen(pt(lat, lon)), c);
        }
        assert_ne!(coarsen(pt(10.774_000_1, 106.698_5)), c);
        // Negative coordinates snap the same way (floor, not truncation toward zero).
        let s = coarsen(pt(-0.000_1, -0.000_1));
        assert_eq!((s.lat(), s.lon()), (-0.001, -0.001));
    }

    #[test]
    fn the_published_point_is_never_the_exact_one_and_never_far_from_it() {
        // A sweep across HCMC: no point comes back as itself (unless it is a centre), none is
        // more than half a cell's diagonal away (~155 m there).
        let mut worst: f64 = 0.0;
        for i in 0..300 {
            for j in 0..300 {
                let p = pt(
                    10.35 + f64::from(i) * 0.002_93,
                    106.35 + f64::from(j) * 0.003_17,
                );
                let c = coarsen(p);
                assert_ne!(c, p, "{p:?}");
                assert_eq!(coarsen(c), c, "a centre is its own cell's centre");
                worst = worst.max(distance_km(p, c) * 1000.0);
            }
        }
        assert!(worst < 157.0, "{worst} m");
        assert!(worst > 140.0, "{worst} m: the cell is ~220 m");
    }

    #[test]
    fn repeated_reads_teach_nothing() {
        let p = pt(10.801_234, 106.654_321);
        let first = coarsen(p);
        assert!((0..1000).all(|_| coarsen(p) == first));
    }

    #[test]
    fn pairs_are_coarsened_together_or_not_at_all() {
        assert_eq!(
            coarsen_pair(Some(10.772_46), Some(106.698_07)),
            (Some(10.773), Some(106.699))
        );
        assert_eq!(coarsen_pair(Some(10.77), None), (None, None));
        assert_eq!(coarsen_pair(None, None), (None, None));
        assert_eq!(coarsen_pair(Some(f64::NAN), Some(106.0)), (None, None));
        // The edges of the world stay valid coordinates.
        let top = coarsen(pt(90.0, 180.0));
        assert!(top.lat() <= 90.0 && top.lon() <= 180.0);
    }
}
