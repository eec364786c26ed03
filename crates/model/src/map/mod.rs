//! The city map (issue 14): what the city API serves for it and what the map commands answer.
//! Pure types and rules, no I/O: the city API, the engine and the wasm UI share them.
//!
//! - `bbox`: the `west,south,east,north` box map routes take;
//! - `office`: ward offices as a city edits them, each fact with its source;
//! - `points`: public open reports as GeoJSON points (coarse places, nothing personal), paged;
//! - `boundaries`: the ward shapes' GeoJSON checked before drawing, and `BoundaryKind`;
//! - `dto`: the commands' arguments and answers.

pub mod bbox;
pub mod boundaries;
pub mod dto;
pub mod office;
pub mod points;

pub use bbox::{Bbox, BboxError};
pub use boundaries::{BoundaryError, BoundaryKind};
pub use office::{
    HhMm, HoursFrom, LatLon, OfficeError, OfficeHours, OfficeSource, Sourced, WardOffice,
    WardOffices,
};
pub use points::{PageCursor, ReportFeature, ReportPage, ReportProperties};

use serde::{Deserialize, Serialize};

use crate::ward_rating::WardStats;
use crate::wire::wire_enum;

/// A file the city API serves for the map (`GET /api/v1/map`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServedFile {
    /// Its size in bytes.
    pub bytes: u64,
    /// Its ETag (quoted), the same its route answers with.
    pub etag: String,
}

/// `GET /api/v1/map`: which map files this city serves; absent ones are not configured.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapInfo {
    /// Official ward boundaries (`GET /api/v1/map/boundaries.geojson`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundaries: Option<ServedFile>,
    /// A `.pmtiles` basemap (`GET /api/v1/map/basemap.pmtiles`, byte ranges answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basemap: Option<ServedFile>,
}

/// `GET /api/v1/wards/stats`: every ward's statistics, the same numbers as
/// `GET /api/v1/wards/{code}/stats`, sorted by code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AllWardStats {
    pub wards: Vec<WardStats>,
}

wire_enum! {
    /// The score the choropleth colours wards by.
    pub enum ScoreKind {
        /// Of the resolved reports that had an expected date, the share resolved by it.
        ResolvedOnTime = "resolved_on_time",
        /// Of the resolutions citizens rated, the share they were satisfied with.
        Satisfaction = "satisfaction",
    }
}

impl ScoreKind {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::ResolvedOnTime => "map.score.resolved_on_time",
            Self::Satisfaction => "map.score.satisfaction",
        }
    }

    /// The ward's score, 0–1; `None` when there is nothing to count yet (shown "not
    /// available", never as zero).
    pub fn score(self, stats: &WardStats) -> Option<f64> {
        let r = &stats.reports;
        let share = match self {
            Self::ResolvedOnTime => (r.resolved_with_due_date > 0)
                .then(|| r.resolved_on_time as f64 / r.resolved_with_due_date as f64),
            Self::Satisfaction => r.satisfied_share,
        };
        share.filter(|s| s.is_finite()).map(|s| s.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ward_rating::{DossierStats, RatingStats, ReportStats};

    #[test]
    fn scores_are_shares_or_absent() {
        let mut stats = WardStats {
            ward_code: "26734".into(),
            reports: ReportStats::default(),
            dossiers: DossierStats::default(),
            ratings: RatingStats::default(),
        };
        assert_eq!(ScoreKind::ResolvedOnTime.score(&stats), None);
        assert_eq!(ScoreKind::Satisfaction.score(&stats), None);
        stats.reports.resolved_with_due_date = 4;
        stats.reports.resolved_on_time = 3;
        stats.reports.satisfied_share = Some(0.5);
        assert_eq!(ScoreKind::ResolvedOnTime.score(&stats), Some(0.75));
        assert_eq!(ScoreKind::Satisfaction.score(&stats), Some(0.5));
        stats.reports.satisfied_share = Some(f64::NAN);
        assert_eq!(ScoreKind::Satisfaction.score(&stats), None);
    }

    #[test]
    fn map_info_omits_what_is_not_configured() {
        assert_eq!(
            serde_json::to_string(&MapInfo::default()).expect("json"),
            "{}"
        );
    }
}
