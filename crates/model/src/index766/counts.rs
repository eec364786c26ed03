//! What a ward's data gives for one period: counts only, made by the city API's SQL
//! aggregates. The formulas (`super::criterion`) read nothing else.

use std::ops::AddAssign;

use serde::{Deserialize, Serialize};

/// Dossiers of a period. "Handled" is every dossier received before the period ended and not
/// finished before it began (received or in process in the period, [METRICS] 2.1); each is
/// finished (on time or late) or still open (within its deadline or overdue) when the period
/// ends — or now, for the current period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierCounts {
    pub handled: u64,
    pub finished_on_time: u64,
    pub finished_late: u64,
    pub open_in_time: u64,
    pub open_overdue: u64,
    /// Received in the period.
    pub received: u64,
    /// Of those, how many have their channel recorded, and how many came online.
    pub received_channel_known: u64,
    pub received_online: u64,
    /// Finished in the period.
    pub finished: u64,
    /// Of those, how many have the kind of their result recorded, and how many got an
    /// electronic one.
    pub finished_result_known: u64,
    pub finished_result_electronic: u64,
}

/// Field reports first received in the period (the 1022 channel: our adaptation of the
/// decision's feedback, "phản ánh, kiến nghị").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportCounts {
    pub received: u64,
    /// Of those, the ones with an answer date (filed where the city's calendar reaches).
    pub with_due_date: u64,
    /// Of those with a date: resolved by it, or still open within it when the period ends.
    pub on_time: u64,
    /// Of those with a date: overdue, rated "không hài lòng" or re-opened as not fixed —
    /// each report once.
    pub not_satisfied: u64,
}

/// The citizens' ratings of the ward given in the period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingCounts {
    pub count: u64,
    /// Ratings with at least one "không hài lòng".
    pub disliking: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardCounts {
    pub dossiers: DossierCounts,
    pub reports: ReportCounts,
    pub ratings: RatingCounts,
}

impl AddAssign<&WardCounts> for WardCounts {
    /// The city as one unit: every ward's counts summed.
    fn add_assign(&mut self, o: &WardCounts) {
        let (d, e) = (&mut self.dossiers, &o.dossiers);
        d.handled += e.handled;
        d.finished_on_time += e.finished_on_time;
        d.finished_late += e.finished_late;
        d.open_in_time += e.open_in_time;
        d.open_overdue += e.open_overdue;
        d.received += e.received;
        d.received_channel_known += e.received_channel_known;
        d.received_online += e.received_online;
        d.finished += e.finished;
        d.finished_result_known += e.finished_result_known;
        d.finished_result_electronic += e.finished_result_electronic;
        let (r, s) = (&mut self.reports, &o.reports);
        r.received += s.received;
        r.with_due_date += s.with_due_date;
        r.on_time += s.on_time;
        r.not_satisfied += s.not_satisfied;
        self.ratings.count += o.ratings.count;
        self.ratings.disliking += o.ratings.disliking;
    }
}
