//! Places a citizen may type: the current units, and the former districts and wards abolished on
//! 1-7-2025 (`crate::former`), each saying which current unit(s) it is now part of. One search
//! for the map's box and the ward finder, with the same folding and tiers as the finder
//! (`SearchIndex`): exact, then folded-equal, prefix, word prefix, contained. Within a tier a
//! current unit comes first, then a former district, then a former ward.

use serde::{Deserialize, Serialize};

use super::{Hit, SearchIndex};
use crate::fold::fold;
use crate::former::{FormerDistrict, FormerUnits};
use crate::ward::{Ward, WardCode};

/// One place found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Place {
    /// A current unit.
    Ward(Ward),
    FormerWard(FormerWardPlace),
    FormerDistrict(FormerDistrictPlace),
}

/// A former ward and what it is now part of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormerWardPlace {
    /// Its former code (not a current unit's).
    pub code: String,
    /// "Phường Đa Kao".
    pub name: String,
    /// Its former district: "Quận 1".
    pub district: String,
    /// Its former province, when not HCMC: "Tỉnh Bình Dương".
    pub province: Option<String>,
    /// Its own position, where the data has one.
    pub position: Option<(f64, f64)>,
    /// The current unit(s) it went into; divided: the default first.
    pub now: Vec<Ward>,
}

/// A former district and the current units that cover it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormerDistrictPlace {
    pub code: String,
    /// "Thành phố Thủ Đức".
    pub name: String,
    /// Its former province, when not HCMC.
    pub province: Option<String>,
    /// Every current unit one of its wards went into.
    pub now: Vec<Ward>,
}

impl Place {
    /// Where the map goes: a unit's centroid, a former ward's own position (else its default
    /// current unit's centroid). A former district has none: the map fits `now` instead.
    pub fn position(&self) -> Option<(f64, f64)> {
        match self {
            Self::Ward(w) => Some((w.lat, w.lon)),
            Self::FormerWard(f) => f.position.or_else(|| f.now.first().map(|w| (w.lat, w.lon))),
            Self::FormerDistrict(_) => None,
        }
    }

    /// The current units this place is (part of).
    pub fn now(&self) -> &[Ward] {
        match self {
            Self::Ward(w) => std::slice::from_ref(w),
            Self::FormerWard(f) => &f.now,
            Self::FormerDistrict(d) => &d.now,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Ward(w) => &w.name,
            Self::FormerWard(f) => &f.name,
            Self::FormerDistrict(d) => &d.name,
        }
    }

    /// A key unique among every place: current and former codes may be equal.
    pub fn key(&self) -> String {
        match self {
            Self::Ward(w) => format!("w{}", w.code),
            Self::FormerWard(f) => format!("fw{}", f.code),
            Self::FormerDistrict(d) => format!("fd{}", d.code),
        }
    }
}

/// What a former place is now, as the citizen is told it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NowPart {
    /// A former ward wholly in one current unit: "now part of X".
    PartOf,
    /// A former ward split between several: "now divided between X, Y".
    Divided,
    /// A former district: "now lies within X, Y, …".
    Within,
}

impl NowPart {
    pub const ALL: [Self; 3] = [Self::PartOf, Self::Divided, Self::Within];

    /// The sentence, with `{wards}`: said when the map goes there.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::PartOf => "place.now_part_of",
            Self::Divided => "place.now_divided",
            Self::Within => "place.now_within",
        }
    }

    /// The same as a heading before the current units' buttons (the finder's list).
    pub fn list_key(self) -> &'static str {
        match self {
            Self::PartOf => "place.list_part_of",
            Self::Divided => "place.list_divided",
            Self::Within => "place.list_within",
        }
    }
}

/// How a former place is named: with its district, and its province when not HCMC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormerLabel {
    /// `{name} (former, {district})`.
    Ward,
    /// `{name} (former, {district}, {province})`.
    WardInProvince,
    /// `{name} (former)`.
    District,
    /// `{name} (former, {province})`.
    DistrictInProvince,
}

impl FormerLabel {
    pub const ALL: [Self; 4] = [
        Self::Ward,
        Self::WardInProvince,
        Self::District,
        Self::DistrictInProvince,
    ];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Ward => "place.former_ward",
            Self::WardInProvince => "place.former_ward_province",
            Self::District => "place.former_district",
            Self::DistrictInProvince => "place.former_district_province",
        }
    }
}

impl Place {
    /// What a former place is now; `None` for a current unit.
    pub fn now_part(&self) -> Option<NowPart> {
        match self {
            Self::Ward(_) => None,
            Self::FormerWard(f) if f.now.len() > 1 => Some(NowPart::Divided),
            Self::FormerWard(_) => Some(NowPart::PartOf),
            Self::FormerDistrict(_) => Some(NowPart::Within),
        }
    }

    /// How a former place is named, with the values of its placeholders (`name`, `district`,
    /// `province`); `None` for a current unit (its own name).
    pub fn former_label(&self) -> Option<(FormerLabel, Vec<(&'static str, &str)>)> {
        match self {
            Self::Ward(_) => None,
            Self::FormerWard(f) => {
                let mut args = vec![("name", f.name.as_str()), ("district", f.district.as_str())];
                let label = match &f.province {
                    Some(p) => {
                        args.push(("province", p.as_str()));
                        FormerLabel::WardInProvince
                    }
                    None => FormerLabel::Ward,
                };
                Some((label, args))
            }
            Self::FormerDistrict(d) => {
                let mut args = vec![("name", d.name.as_str())];
                let label = match &d.province {
                    Some(p) => {
                        args.push(("province", p.as_str()));
                        FormerLabel::DistrictInProvince
                    }
                    None => FormerLabel::District,
                };
                Some((label, args))
            }
        }
    }

    /// The box the map fits for a former district: its current units' centroids, each widened
    /// by the radius of a disc of the unit's area (the UI has centroids, not shapes), as
    /// `(west, south, east, north)`. `None` for a place the map flies to instead.
    pub fn bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let Self::FormerDistrict(d) = self else {
            return None;
        };
        d.now.iter().fold(None, |acc, w| {
            let r_km = (w.area_km2.max(0.0) / std::f64::consts::PI).sqrt();
            let dlat = r_km / 111.32;
            let dlon = dlat / w.lat.to_radians().cos().max(0.1);
            let b = (w.lon - dlon, w.lat - dlat, w.lon + dlon, w.lat + dlat);
            Some(match acc {
                None => b,
                Some((w0, s0, e0, n0)) => (w0.min(b.0), s0.min(b.1), e0.max(b.2), n0.max(b.3)),
            })
        })
    }
}

/// The centre and zoom that fit `(west, south, east, north)` into a `width` × `height` pixel
/// view with `padding` pixels on each side, as MapLibre's `fitBounds` computes it (Web
/// Mercator, 512-pixel tiles), capped at `max_zoom`.
pub fn fit(
    bounds: (f64, f64, f64, f64),
    (width, height): (f64, f64),
    padding: f64,
    max_zoom: f64,
) -> (f64, f64, f64) {
    let (west, south, east, north) = bounds;
    let merc = |lat: f64| {
        let phi = lat.clamp(-85.0, 85.0).to_radians();
        (std::f64::consts::FRAC_PI_4 + phi / 2.0).tan().ln()
    };
    let unmerc = |y: f64| (2.0 * y.exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees();
    let (y_s, y_n) = (merc(south), merc(north));
    let centre_lat = unmerc((y_s + y_n) / 2.0);
    let centre_lon = (west + east) / 2.0;
    let w = (width - 2.0 * padding).max(1.0);
    let h = (height - 2.0 * padding).max(1.0);
    let span_x = (east - west).abs().max(1e-9) / 360.0;
    let span_y = (y_n - y_s).abs().max(1e-9) / (2.0 * std::f64::consts::PI);
    let zoom = (w / (512.0 * span_x))
        .log2()
        .min((h / (512.0 * span_y)).log2());
    (centre_lat, centre_lon, zoom.clamp(0.0, max_zoom))
}

/// The best places for a query, and how many matched in all.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaceSearchResult {
    pub places: Vec<Place>,
    pub total: usize,
}

/// Within a tier: current units, then former districts, then former wards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Ward,
    District,
    FormerWard,
}

/// The index over the current units (in display order) and the former ones whose current
/// units the catalogue has.
pub struct PlaceIndex {
    wards: Vec<Ward>,
    ward_index: SearchIndex,
    districts: Vec<FormerDistrictPlace>,
    district_index: SearchIndex,
    former_wards: Vec<FormerWardPlace>,
    former_index: SearchIndex,
}

impl PlaceIndex {
    /// `wards` in display order (the finder's Vietnamese order). A former unit none of whose
    /// current units is in `wards` is left out; one some of whose are keeps those.
    pub fn new(wards: Vec<Ward>, former: &FormerUnits) -> Self {
        let resolve = |codes: &[WardCode]| -> Vec<Ward> {
            codes
                .iter()
                .filter_map(|c| wards.iter().find(|w| &w.code == c).cloned())
                .collect()
        };
        let province = |code: &str| former.other_province(code).map(str::to_owned);
        let mut district_texts: Vec<(String, Vec<String>)> = Vec::new();
        let mut districts = Vec::new();
        for d in &former.districts {
            let now = resolve(&d.now);
            if now.is_empty() {
                continue;
            }
            district_texts.push((d.code.clone(), district_names(d)));
            districts.push(FormerDistrictPlace {
                code: d.code.clone(),
                name: d.name.clone(),
                province: province(&d.province),
                now,
            });
        }
        let mut former_wards = Vec::new();
        let mut former_names: Vec<(String, String, String)> = Vec::new();
        for w in &former.wards {
            let (now, Some(district)) = (resolve(&w.now), former.district(&w.district)) else {
                continue;
            };
            if now.is_empty() {
                continue;
            }
            former_names.push((w.code.clone(), w.name.clone(), former_short_name(&w.name)));
            former_wards.push(FormerWardPlace {
                code: w.code.clone(),
                name: w.name.clone(),
                district: district.name.clone(),
                province: province(&district.province),
                position: w.position(),
                now,
            });
        }
        let ward_index = SearchIndex::new(
            wards
                .iter()
                .map(|w| (w.code.as_str(), w.name.as_str(), w.short_name())),
        );
        let district_index = SearchIndex::from_texts(
            district_texts
                .iter()
                .map(|(code, texts)| (code.as_str(), texts.iter().map(String::as_str))),
        );
        let former_index = SearchIndex::new(
            former_names
                .iter()
                .map(|(c, full, short)| (c.as_str(), full.as_str(), short.as_str())),
        );
        Self {
            wards,
            ward_index,
            districts,
            district_index,
            former_wards,
            former_index,
        }
    }

    /// The best `limit` places, best first, and the number that matched. An empty query lists
    /// the current units in display order.
    pub fn search(&self, query: &str, limit: usize) -> PlaceSearchResult {
        if fold(query).is_empty() {
            return PlaceSearchResult {
                places: self
                    .wards
                    .iter()
                    .take(limit)
                    .cloned()
                    .map(Place::Ward)
                    .collect(),
                total: self.wards.len(),
            };
        }
        let tagged = |group: Group, hits: Vec<Hit>| {
            hits.into_iter()
                .map(move |h| ((h.tier, h.marks_differ, group, h.position), group))
        };
        let mut hits: Vec<_> = tagged(Group::Ward, self.ward_index.search(query, usize::MAX))
            .chain(tagged(
                Group::District,
                self.district_index.search(query, usize::MAX),
            ))
            .chain(tagged(
                Group::FormerWard,
                self.former_index.search(query, usize::MAX),
            ))
            .collect();
        hits.sort_unstable_by_key(|(rank, _)| *rank);
        let total = hits.len();
        let places = hits
            .into_iter()
            .take(limit)
            .filter_map(|((_, _, _, position), group)| match group {
                Group::Ward => self.wards.get(position).cloned().map(Place::Ward),
                Group::District => self
                    .districts
                    .get(position)
                    .cloned()
                    .map(Place::FormerDistrict),
                Group::FormerWard => self
                    .former_wards
                    .get(position)
                    .cloned()
                    .map(Place::FormerWard),
            })
            .collect();
        PlaceSearchResult { places, total }
    }
}

/// A former district is found by its name, its short name and the dataset's aliases.
fn district_names(d: &FormerDistrict) -> Vec<String> {
    let mut names = vec![d.name.clone(), d.short_name().to_owned()];
    names.extend(d.aliases.iter().cloned());
    names
}

/// What `SearchIndex::new` reads a former ward's kind from: "Đa Kao" for "Phường Đa Kao", the
/// whole name when only a number would be left ("Phường 1") or the kind is not a current one
/// ("Thị trấn Cần Thạnh": matched by its full name and by "Cần Thạnh").
fn former_short_name(name: &str) -> String {
    use crate::ward::{UnitKind, short_name};
    for kind in UnitKind::ALL {
        let short = short_name(name, kind);
        if short != name {
            return if short.starts_with(|c: char| c.is_ascii_digit()) {
                name.to_owned()
            } else {
                short.to_owned()
            };
        }
    }
    name.strip_prefix("Thị trấn ")
        .filter(|rest| !rest.is_empty())
        .unwrap_or(name)
        .to_owned()
}
