//! The national index of service to citizens (Decision 766/QĐ-TTg, 23/6/2022) as far as a
//! ward's own data (dossiers, field reports, citizens' ratings) can compute it: the formulas in
//! one place, pure, tested against worked examples written from the decision's text.
//!
//! Sources are named by the tags of the research notes (`NOTES.md` next to this file: where
//! each figure was read, how sure it is, what could not be verified): [SNV-ND] the group
//! maxima, [METRICS]/[DOCX] the national portal's formula sheet and description, [RE] the
//! portal's observed scores, [BCTC] sub-criterion points, [VNECONOMY]/[NLD]/[QNAM]/[LDONG] the
//! bands.
//!
//! What cannot be computed from our data is [`Outcome::NotComputable`] with a reason, never a
//! number: transparency (18 points) needs the national procedures database, most of online
//! services and digitisation need the procedure catalogue, payments and the national portal.
//! A total and a band exist only when every group is wholly computable; with the reference
//! server's data that never happens, and the answer says so.

mod counts;
mod criteria;

pub use counts::{DossierCounts, RatingCounts, ReportCounts, WardCounts};
pub use criteria::{CRITERIA, CriterionDef, Scoring};

use serde::{Deserialize, Serialize};

use crate::wire::wire_enum;

wire_enum! {
    /// The five groups of the index, in the decision's order of points ([SNV-ND]).
    pub enum Group {
        /// Công khai, minh bạch: 18 points.
        Transparency = "transparency",
        /// Tiến độ, kết quả giải quyết: 20 points.
        Progress = "progress",
        /// Cung cấp dịch vụ trực tuyến: 22 points (the portal shows it as online services 12
        /// + online payment 10; HCMC's notices merge them back to 22).
        Online = "online",
        /// Số hóa hồ sơ: 22 points.
        Digitisation = "digitisation",
        /// Mức độ hài lòng: 18 points.
        Satisfaction = "satisfaction",
    }
}

impl Group {
    /// The group's maximum points ([SNV-ND]: 18 / 20 / 22 / 22 / 18 = 100).
    pub const fn max(self) -> f64 {
        match self {
            Self::Transparency | Self::Satisfaction => 18.0,
            Self::Progress => 20.0,
            Self::Online | Self::Digitisation => 22.0,
        }
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Transparency => "index766.group.transparency",
            Self::Progress => "index766.group.progress",
            Self::Online => "index766.group.online",
            Self::Digitisation => "index766.group.digitisation",
            Self::Satisfaction => "index766.group.satisfaction",
        }
    }
}

wire_enum! {
    /// The scored criteria ([METRICS] rows with points; numbering of [DOCX]).
    pub enum Criterion {
        /// 1.1 Procedures announced on time.
        ProceduresAnnounced = "procedures_announced",
        /// 1.2 Procedures updated and published on time.
        ProceduresPublished = "procedures_published",
        /// 1.3 Procedures published with all their parts.
        ProceduresComplete = "procedures_complete",
        /// 1.4 Dossiers synced to the national portal.
        DossiersSynced = "dossiers_synced",
        /// 2.1 Dossiers handled early or on time.
        DossiersOnTime = "dossiers_on_time",
        /// 3.1 Procedures offered online.
        ProceduresOnline = "procedures_online",
        /// 3.2 Online services that received dossiers.
        OnlineServicesUsed = "online_services_used",
        /// 3.3 Dossiers filed online.
        DossiersFiledOnline = "dossiers_filed_online",
        /// 3.5 Procedures with fees payable online.
        FeesPayableOnline = "fees_payable_online",
        /// 3.6 Dossiers paid online.
        DossiersPaidOnline = "dossiers_paid_online",
        /// 4.1 Dossiers given an electronic result.
        ElectronicResults = "electronic_results",
        /// 4.2 Dossiers digitised.
        DossiersDigitised = "dossiers_digitised",
        /// 4.3 Dossiers reusing digitised data.
        DigitisedDataReused = "digitised_data_reused",
        /// 4.4 Digitised dossiers shared for reuse.
        DigitisedDataShared = "digitised_data_shared",
        /// 4.5a Procedures connected to the population database.
        PopulationDataProcedures = "population_data_procedures",
        /// 4.5b Dossiers using population data.
        PopulationDataDossiers = "population_data_dossiers",
        /// Electronic certified copies offered ([METRICS] row 14).
        ElectronicCopies = "electronic_copies",
        /// 5.2 Feedback handled on time (ours: field reports, an adaptation).
        ReportsOnTime = "reports_on_time",
        /// 5.3 Satisfaction with feedback handling (ours: field reports, an adaptation).
        ReportsSatisfied = "reports_satisfied",
        /// 5.4 Satisfaction with dossier handling.
        DossiersSatisfied = "dossiers_satisfied",
    }
}

impl Criterion {
    pub fn message_key(self) -> String {
        format!("index766.criterion.{}", self.as_str())
    }

    /// Its row of [`CRITERIA`].
    pub fn def(self) -> &'static CriterionDef {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        &CRITERIA[i]
    }
}

wire_enum! {
    /// Why a criterion, group or total has no figure.
    pub enum NotComputable {
        /// The data it needs is not kept by this city API (the national procedures database,
        /// the procedure catalogue, payments, the national portal's sync and population data).
        NotInCityData = "not_in_city_data",
        /// No dossier was received or in process in the period.
        NoDossiers = "no_dossiers",
        /// No dossier was received in the period.
        NoDossiersReceived = "no_dossiers_received",
        /// How a dossier of the period was filed (online or not) is not recorded.
        ChannelNotRecorded = "channel_not_recorded",
        /// No dossier was finished in the period.
        NoDossiersFinished = "no_dossiers_finished",
        /// Whether a finished dossier's result was electronic is not recorded.
        ResultKindNotRecorded = "result_kind_not_recorded",
        /// Reports were received in the period, but none has an answer date to be on time by.
        NoReportsWithDueDate = "no_reports_with_due_date",
        /// The total: some group is not wholly computable.
        GroupsIncomplete = "groups_incomplete",
    }
}

impl NotComputable {
    pub fn message_key(self) -> String {
        format!("index766.not_computable.{}", self.as_str())
    }
}

wire_enum! {
    /// Why points were given by a rule of the index rather than measured.
    pub enum ByRule {
        /// No report was received in the period: the portal gives full points when there is no
        /// feedback ([RE]; see [`NO_FEEDBACK_FULL_POINTS`]). Not measured.
        NoReports = "no_reports",
    }
}

impl ByRule {
    pub fn message_key(self) -> String {
        format!("index766.by_rule.{}", self.as_str())
    }
}

/// With no feedback in the period, 5.2 and 5.3 each give their full 6 points: what the portal
/// does ([RE]). The operator's sheet says instead that those points are shared between 5.2 and
/// 5.4 ([METRICS], note to 5.3); either way the unit is not penalised.
pub const NO_FEEDBACK_FULL_POINTS: bool = true;

/// 3.3: full points from this share of dossiers filed online ([DOCX] «đạt 50%»; [RE] fits
/// min(6, 6C/0.5)).
pub const ONLINE_SHARE_FULL_AT: f64 = 0.5;

/// 5.4: full points from this share of satisfactorily handled dossiers ([DOCX]; [RE] fits
/// min(6, 6r/0.9); [BCTC]: full points on reaching the Resolution 76/NQ-CP target).
pub const DOSSIER_SATISFACTION_FULL_AT: f64 = 0.9;

/// 5.4 subtracts the overdue dossiers and the disliked ones. [DOCX] adds the two rates (a
/// dossier both late and disliked counts twice); [METRICS] reads as their union. Our ratings
/// are of the ward, not of one dossier, so which dossier a dislike belongs to is unknown and
/// only the sum can be computed: overdue + disliking ratings, at most all the dossiers.
/// A rating is a dislike when any of its five elements is answered "không hài lòng"
/// (`WardRating::dislikes_anything`): the portal's dislike is one answer about the whole
/// service; "bình thường" is not a dislike.
pub const DOSSIER_SATISFACTION_RULE: &str = "sum";

/// One criterion's result.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Measured: the ratio of the formula and the points it gives.
    Computed {
        ratio: f64,
        points: f64,
    },
    /// Given by a rule of the index, not measured.
    ByRule {
        points: f64,
        why: ByRule,
    },
    NotComputable {
        why: NotComputable,
    },
}

impl Outcome {
    fn points(&self) -> Option<f64> {
        match self {
            Self::Computed { points, .. } | Self::ByRule { points, .. } => Some(*points),
            Self::NotComputable { .. } => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionScore {
    pub criterion: Criterion,
    /// Its maximum points.
    pub max: f64,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A group's result: the points of its computable criteria out of their maximum (`of_max`,
/// at most the group's), or why none of it is computable.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum GroupOutcome {
    Computed {
        points: f64,
        /// The maximum of the criteria computed: equal to the group's maximum only when the
        /// whole group was computed.
        of_max: f64,
        /// Some of the points were given by a rule, not measured.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        by_rule: bool,
    },
    NotComputable {
        why: NotComputable,
    },
}

impl GroupOutcome {
    /// Points and of_max when computed.
    pub fn figures(&self) -> Option<(f64, f64)> {
        match self {
            Self::Computed { points, of_max, .. } => Some((*points, *of_max)),
            Self::NotComputable { .. } => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupScore {
    pub group: Group,
    pub max: f64,
    #[serde(flatten)]
    pub outcome: GroupOutcome,
    pub criteria: Vec<CriterionScore>,
}

wire_enum! {
    /// The classification of a total ([VNECONOMY], [NLD], [QNAM], [LDONG]); see [`BANDS`].
    pub enum Band {
        /// Xuất sắc.
        Excellent = "excellent",
        /// Tốt.
        Good = "good",
        /// Khá.
        Fair = "fair",
        /// Trung bình.
        Average = "average",
        /// Yếu.
        Weak = "weak",
    }
}

impl Band {
    pub fn message_key(self) -> String {
        format!("index766.band.{}", self.as_str())
    }
}

/// A band's lower bound (inclusive, "từ … điểm trở lên") and whether a source shows it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BandFloor {
    pub band: Band,
    pub min: f64,
    /// False for a bound no source we could read states.
    pub verified: bool,
}

/// The bands, highest first, as data. 90: [VNECONOMY] ("90-100 … excellent"), [NLD] (90.71 and
/// 90.45 "xuất sắc"); 80: [QNAM] (80.1 "Tốt"), [LDONG]; 50: [VNECONOMY] ("<50 … weak"), [NLD]
/// (57.92 "trung bình"). 70 for Khá is NOT VERIFIED: only third-party code says it ([766A]);
/// [QNAM] calls 67.9 "trung bình khá", consistent with it. Check against the decision's own
/// text (Công báo 501–502, 1/7/2022) before relying on it.
pub const BANDS: [BandFloor; 5] = [
    BandFloor {
        band: Band::Excellent,
        min: 90.0,
        verified: true,
    },
    BandFloor {
        band: Band::Good,
        min: 80.0,
        verified: true,
    },
    BandFloor {
        band: Band::Fair,
        min: 70.0,
        verified: false,
    },
    BandFloor {
        band: Band::Average,
        min: 50.0,
        verified: true,
    },
    BandFloor {
        band: Band::Weak,
        min: 0.0,
        verified: true,
    },
];

/// The band of a total out of 100 (as shown: rounded to 0.01 first).
pub fn band(total: f64) -> Band {
    let shown = round2(total);
    BANDS
        .iter()
        .find(|b| shown >= b.min)
        .map_or(Band::Weak, |b| b.band)
}

/// A unit's total, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Total {
    Computed { points: f64, band: Band },
    NotComputable { why: NotComputable },
}

/// The sum of what could be computed: points out of the computed criteria's maximum. Not the
/// 766 total (no band applies to it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Computable {
    pub points: f64,
    pub of_max: f64,
}

/// Every group of one unit for one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scorecard {
    pub groups: Vec<GroupScore>,
    pub computable: Computable,
    pub total: Total,
}

impl Scorecard {
    pub fn group(&self, group: Group) -> Option<&GroupScore> {
        self.groups.iter().find(|g| g.group == group)
    }
}

/// Rounds to 0.01, as figures are served and shown.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// `part / whole`, at most 1; `None` when `whole` is 0.
fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part.min(whole)) as f64 / whole as f64)
}

fn computed(def: &CriterionDef, r: f64) -> Outcome {
    Outcome::Computed {
        ratio: round4(r),
        points: def.scoring.points(def.max, r),
    }
}

/// One criterion from the counts.
pub fn criterion(c: Criterion, n: &WardCounts) -> Outcome {
    use NotComputable as Why;
    let def = c.def();
    let d = &n.dossiers;
    let r = &n.reports;
    let not = |why| Outcome::NotComputable { why };
    match c {
        // 2.1 [METRICS]: (finished early/on time + in process within the deadline) / dossiers
        // received or in process in the period.
        Criterion::DossiersOnTime => ratio(d.finished_on_time + d.open_in_time, d.handled)
            .map_or(not(Why::NoDossiers), |x| computed(def, x)),
        // 3.3 [METRICS]: dossiers received online in the period / dossiers received in it;
        // the portal's sync rate is taken as 1 (every dossier here is the city's own record).
        Criterion::DossiersFiledOnline => {
            if d.received == 0 {
                not(Why::NoDossiersReceived)
            } else if d.received_channel_known < d.received {
                not(Why::ChannelNotRecorded)
            } else {
                ratio(d.received_online, d.received)
                    .map_or(not(Why::NoDossiersReceived), |x| computed(def, x))
            }
        }
        // 4.1 [METRICS]: dossiers finished with an electronic result / dossiers finished.
        // Which procedures require a paper result is not recorded: every finished dossier is
        // in the denominator.
        Criterion::ElectronicResults => {
            if d.finished == 0 {
                not(Why::NoDossiersFinished)
            } else if d.finished_result_known < d.finished {
                not(Why::ResultKindNotRecorded)
            } else {
                ratio(d.finished_result_electronic, d.finished)
                    .map_or(not(Why::NoDossiersFinished), |x| computed(def, x))
            }
        }
        // 5.2 [VIETJACK]/[METRICS]: reports handled on or before the deadline, and those still
        // open within it / reports first received in the period (those with an answer date).
        Criterion::ReportsOnTime => reports(def, r, r.on_time),
        // 5.3 [VIETJACK]/[DOCX]: (reports − those overdue, rated "không hài lòng" or re-opened,
        // each once) / reports.
        Criterion::ReportsSatisfied => {
            reports(def, r, r.with_due_date.saturating_sub(r.not_satisfied))
        }
        // 5.4 [DOCX]: 1 − (overdue rate + dislike rate), full at 90 %.
        Criterion::DossiersSatisfied => {
            let bad = (d.finished_late + d.open_overdue).saturating_add(n.ratings.disliking);
            ratio(d.handled.saturating_sub(bad), d.handled)
                .map_or(not(Why::NoDossiers), |x| computed(def, x))
        }
        _ => not(Why::NotInCityData),
    }
}

fn reports(def: &CriterionDef, r: &ReportCounts, good: u64) -> Outcome {
    if r.received == 0 && NO_FEEDBACK_FULL_POINTS {
        return Outcome::ByRule {
            points: def.max,
            why: ByRule::NoReports,
        };
    }
    ratio(good, r.with_due_date).map_or(
        Outcome::NotComputable {
            why: NotComputable::NoReportsWithDueDate,
        },
        |x| computed(def, x),
    )
}

/// Every group, the computable sum, and the total when there is one.
pub fn score(n: &WardCounts) -> Scorecard {
    let mut groups = Vec::with_capacity(Group::ALL.len());
    let mut computable = Computable::default();
    let mut incomplete = false;
    for &group in Group::ALL {
        let criteria: Vec<CriterionScore> = CRITERIA
            .iter()
            .filter(|d| d.group == group)
            .map(|d| CriterionScore {
                criterion: d.criterion,
                max: d.max,
                outcome: criterion(d.criterion, n),
            })
            .collect();
        let (mut points, mut of_max, mut by_rule) = (0.0, 0.0, false);
        for c in &criteria {
            if let Some(p) = c.outcome.points() {
                points += p;
                of_max += c.max;
                by_rule |= matches!(c.outcome, Outcome::ByRule { .. });
            }
        }
        let outcome = if of_max > 0.0 {
            computable.points += points;
            computable.of_max += of_max;
            GroupOutcome::Computed {
                points: round2(points),
                of_max,
                by_rule,
            }
        } else {
            // The reason of a criterion our data could give, else "not in the city's data".
            let why = criteria
                .iter()
                .find_map(|c| match c.outcome {
                    Outcome::NotComputable { why } if why != NotComputable::NotInCityData => {
                        Some(why)
                    }
                    _ => None,
                })
                .unwrap_or(NotComputable::NotInCityData);
            GroupOutcome::NotComputable { why }
        };
        incomplete |= of_max < group.max();
        groups.push(GroupScore {
            group,
            max: group.max(),
            outcome,
            criteria,
        });
    }
    let total = if incomplete {
        Total::NotComputable {
            why: NotComputable::GroupsIncomplete,
        }
    } else {
        Total::Computed {
            points: round2(computable.points),
            band: band(computable.points),
        }
    };
    computable.points = round2(computable.points);
    Scorecard {
        groups,
        computable,
        total,
    }
}

wire_enum! {
    /// How a figure moved since the previous period.
    pub enum Trend {
        Up = "up",
        Down = "down",
        Same = "same",
        /// One of the two is not computed, or they are out of different maxima.
        Unknown = "unknown",
    }
}

impl Trend {
    /// Said in words beside the arrow (nothing only in colour or shape).
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Up => "scoreboard.trend.up",
            Self::Down => "scoreboard.trend.down",
            Self::Same => "scoreboard.trend.same",
            Self::Unknown => "scoreboard.trend.unknown",
        }
    }
}

/// The trend of a group from `before` to `now`: compared only when both are computed out of
/// the same maximum; a change under 0.01 point (what is shown) is the same.
pub fn trend(now: &GroupOutcome, before: &GroupOutcome) -> Trend {
    match (now.figures(), before.figures()) {
        (Some((a, max_a)), Some((b, max_b))) if (max_a - max_b).abs() < 1e-9 => {
            let d = round2(a) - round2(b);
            if d > 0.005 {
                Trend::Up
            } else if d < -0.005 {
                Trend::Down
            } else {
                Trend::Same
            }
        }
        _ => Trend::Unknown,
    }
}

#[cfg(test)]
mod tests;
