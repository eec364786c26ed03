//! A bounding box in WGS 84 degrees, as map routes take it: `west,south,east,north`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::geo::Point;

/// A validated box: finite, in range, `west ≤ east` and `south ≤ north` (a box across the
/// antimeridian is refused: Ho Chi Minh City is far from it). Edges belong to the box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bbox {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
}

/// Why a bbox is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BboxError {
    /// Not four comma-separated numbers.
    #[error("a bbox is four numbers: west,south,east,north")]
    Shape,
    /// A longitude outside −180…180 or a latitude outside −90…90 (or not finite).
    #[error("a bbox's longitudes are −180…180 and its latitudes −90…90")]
    OutOfRange,
    /// `west > east` or `south > north`.
    #[error("a bbox's west is not east of its east, nor its south north of its north")]
    Reversed,
}

impl BboxError {
    /// A stable name, e.g. for logs and tests.
    pub fn code(self) -> &'static str {
        match self {
            Self::Shape => "bbox_shape",
            Self::OutOfRange => "bbox_out_of_range",
            Self::Reversed => "bbox_reversed",
        }
    }
}

impl Bbox {
    /// The whole of Ho Chi Minh City after 2025 (`ward::HCMC_LAT`/`HCMC_LON`).
    pub const HCMC: Self = Self {
        west: crate::ward::HCMC_LON.0,
        south: crate::ward::HCMC_LAT.0,
        east: crate::ward::HCMC_LON.1,
        north: crate::ward::HCMC_LAT.1,
    };

    pub fn new(west: f64, south: f64, east: f64, north: f64) -> Result<Self, BboxError> {
        let lon = |v: f64| v.is_finite() && (-180.0..=180.0).contains(&v);
        let lat = |v: f64| v.is_finite() && (-90.0..=90.0).contains(&v);
        if !(lon(west) && lon(east) && lat(south) && lat(north)) {
            return Err(BboxError::OutOfRange);
        }
        if west > east || south > north {
            return Err(BboxError::Reversed);
        }
        Ok(Self {
            west,
            south,
            east,
            north,
        })
    }

    /// Reads `west,south,east,north` (spaces around numbers allowed).
    pub fn parse(text: &str) -> Result<Self, BboxError> {
        let mut parts = text.split(',').map(|p| p.trim().parse::<f64>());
        let mut next = || match parts.next() {
            Some(Ok(v)) => Ok(v),
            _ => Err(BboxError::Shape),
        };
        let (w, s, e, n) = (next()?, next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(BboxError::Shape);
        }
        Self::new(w, s, e, n)
    }

    pub fn west(self) -> f64 {
        self.west
    }
    pub fn south(self) -> f64 {
        self.south
    }
    pub fn east(self) -> f64 {
        self.east
    }
    pub fn north(self) -> f64 {
        self.north
    }

    /// Whether `p` is inside or on an edge.
    pub fn contains(self, p: Point) -> bool {
        (self.south..=self.north).contains(&p.lat()) && (self.west..=self.east).contains(&p.lon())
    }

    /// The box grown by `deg` on every side (clamped to the world): a superset to read with an
    /// index before the exact check.
    pub fn grown(self, deg: f64) -> Self {
        Self {
            west: (self.west - deg).max(-180.0),
            south: (self.south - deg).max(-90.0),
            east: (self.east + deg).min(180.0),
            north: (self.north + deg).min(90.0),
        }
    }
}

/// `west,south,east,north`, read back by [`Bbox::parse`] to the same box.
impl fmt::Display for Bbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},{},{},{}",
            self.west, self.south, self.east, self.north
        )
    }
}

impl Serialize for Bbox {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Bbox {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(lat: f64, lon: f64) -> Point {
        Point::new(lat, lon).expect("point")
    }

    #[test]
    fn parses_formats_and_round_trips() {
        let b = Bbox::parse("106.6, 10.7 ,106.8,10.9").expect("bbox");
        assert_eq!(
            (b.west(), b.south(), b.east(), b.north()),
            (106.6, 10.7, 106.8, 10.9)
        );
        assert_eq!(Bbox::parse(&b.to_string()), Ok(b));
        let json = serde_json::to_string(&b).expect("json");
        assert_eq!(json, "\"106.6,10.7,106.8,10.9\"");
        assert_eq!(serde_json::from_str::<Bbox>(&json).expect("back"), b);
        assert_eq!(Bbox::parse(&Bbox::HCMC.to_string()), Ok(Bbox::HCMC));
    }

    #[test]
    fn refuses_bad_boxes_with_their_reason() {
        for (text, why) in [
            ("", BboxError::Shape),
            ("1,2,3", BboxError::Shape),
            ("1,2,3,4,5", BboxError::Shape),
            ("a,2,3,4", BboxError::Shape),
            ("1,,3,4", BboxError::Shape),
            ("NaN,2,3,4", BboxError::OutOfRange),
            ("inf,2,3,4", BboxError::OutOfRange),
            ("-181,2,3,4", BboxError::OutOfRange),
            ("1,-91,3,4", BboxError::OutOfRange),
            ("1,2,3,90.5", BboxError::OutOfRange),
            ("106.8,10.7,106.6,10.9", BboxError::Reversed),
            ("106.6,10.9,106.8,10.7", BboxError::Reversed),
        ] {
            assert_eq!(Bbox::parse(text), Err(why), "{text:?}");
        }
        assert!(serde_json::from_str::<Bbox>("\"1,2\"").is_err());
    }

    #[test]
    fn contains_its_inside_and_edges_not_outside() {
        let b = Bbox::new(106.6, 10.7, 106.8, 10.9).expect("bbox");
        assert!(b.contains(pt(10.8, 106.7)));
        for edge in [
            pt(10.7, 106.6),
            pt(10.9, 106.8),
            pt(10.7, 106.7),
            pt(10.8, 106.8),
        ] {
            assert!(b.contains(edge), "{edge:?}");
        }
        for out in [
            pt(10.699_999, 106.7),
            pt(10.8, 106.800_001),
            pt(-10.8, 106.7),
        ] {
            assert!(!b.contains(out), "{out:?}");
        }
        // A point box holds its one point.
        let p = Bbox::new(106.7, 10.8, 106.7, 10.8).expect("point box");
        assert!(p.contains(pt(10.8, 106.7)));
        assert!(b.grown(0.1).contains(pt(10.95, 106.85)));
        assert_eq!(
            Bbox::new(-180.0, -90.0, 180.0, 90.0)
                .expect("world")
                .grown(1.0)
                .west(),
            -180.0
        );
    }
}
