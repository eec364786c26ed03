//! Where a dossier is, in the vocabulary of the national and provincial public-service portals.

/// A dossier's state. The wire names of the first six never change: the reference city stores
/// them. A name this app does not know (a city with states of its own) reads as [`Self::Other`]
/// instead of failing the whole answer: the citizen still sees the dossier and its timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DossierStatus {
    /// Tiếp nhận.
    Received,
    /// Đang giải quyết.
    Processing,
    /// Yêu cầu bổ sung: the citizen must bring or send papers (see `SupplementRequest`).
    SupplementRequested,
    /// Có kết quả, chờ trả.
    Ready,
    /// Đã trả kết quả.
    Returned,
    /// Từ chối giải quyết (with the reason in the timeline).
    Rejected,
    /// Mới: filed online, not yet received by the one-stop desk.
    New,
    /// Không được tiếp nhận: the desk did not accept the filing (incomplete, wrong place).
    NotAccepted,
    /// Yêu cầu thực hiện nghĩa vụ tài chính: fees or taxes to pay before it goes on.
    PaymentRequested,
    /// Dừng xử lý: stopped by the agency (with the reason in the timeline).
    Paused,
    /// Rút hồ sơ: withdrawn at the citizen's request.
    Withdrawn,
    /// A state the city named that this app does not know.
    Other,
}

impl DossierStatus {
    /// Every state, [`Self::Other`] last.
    pub const ALL: [Self; 12] = [
        Self::Received,
        Self::Processing,
        Self::SupplementRequested,
        Self::Ready,
        Self::Returned,
        Self::Rejected,
        Self::New,
        Self::NotAccepted,
        Self::PaymentRequested,
        Self::Paused,
        Self::Withdrawn,
        Self::Other,
    ];

    /// The wire name; it never changes once shipped.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Processing => "processing",
            Self::SupplementRequested => "supplement_requested",
            Self::Ready => "ready",
            Self::Returned => "returned",
            Self::Rejected => "rejected",
            Self::New => "new",
            Self::NotAccepted => "not_accepted",
            Self::PaymentRequested => "payment_requested",
            Self::Paused => "paused",
            Self::Withdrawn => "withdrawn",
            Self::Other => "other",
        }
    }

    /// The state with this wire name; `None` for a name no state has (a server that must refuse
    /// unknown input uses this).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// What a city sent, read leniently: any unknown name is [`Self::Other`].
    pub fn from_wire(text: &str) -> Self {
        Self::parse(text).unwrap_or(Self::Other)
    }

    /// Whether the city's part is done (a result, a refusal, or the citizen withdrew).
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Ready | Self::Returned | Self::Rejected | Self::NotAccepted | Self::Withdrawn
        )
    }

    /// Whether an agency may move a dossier from this state to `next`, following the portals'
    /// life cycle: a filing is received or not accepted; while it is handled it may wait for
    /// papers or fees, be paused, refused or withdrawn, or get its result, which is then handed
    /// over. A finished dossier stays finished (a result handed over is not taken back). A state
    /// this app does not know may be left for any known one; nothing moves to [`Self::Other`],
    /// and no move stays in place.
    pub fn can_move_to(self, next: Self) -> bool {
        use DossierStatus::*;
        if next == self || next == Other {
            return false;
        }
        match self {
            New => matches!(next, Received | NotAccepted | Withdrawn),
            Received | Processing | SupplementRequested | PaymentRequested | Paused => matches!(
                next,
                Processing
                    | SupplementRequested
                    | PaymentRequested
                    | Paused
                    | Ready
                    | Rejected
                    | Withdrawn
            ),
            Ready => next == Returned,
            Returned | Rejected | NotAccepted | Withdrawn => false,
            Other => next != New,
        }
    }

    /// Whether the dossier waits for the citizen: that time does not count against the agency's
    /// deadline (Decision 766/QĐ-TTg's "on time").
    pub fn waits_for_citizen(self) -> bool {
        matches!(self, Self::SupplementRequested | Self::PaymentRequested)
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Received => "dossier.status.received",
            Self::Processing => "dossier.status.processing",
            Self::SupplementRequested => "dossier.status.supplement_requested",
            Self::Ready => "dossier.status.ready",
            Self::Returned => "dossier.status.returned",
            Self::Rejected => "dossier.status.rejected",
            Self::New => "dossier.status.new",
            Self::NotAccepted => "dossier.status.not_accepted",
            Self::PaymentRequested => "dossier.status.payment_requested",
            Self::Paused => "dossier.status.paused",
            Self::Withdrawn => "dossier.status.withdrawn",
            Self::Other => "dossier.status.other",
        }
    }
}

impl std::fmt::Display for DossierStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for DossierStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Lenient by design (see the type): only a value that is not a string is an error.
impl<'de> serde::Deserialize<'de> for DossierStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Self::from_wire(&text))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for DossierStatus {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Self::ALL.map(Self::as_str)))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for DossierStatus {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_by_wire_name() {
        for s in DossierStatus::ALL {
            assert_eq!(DossierStatus::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).expect("json");
            assert_eq!(
                serde_json::from_str::<DossierStatus>(&json).expect("back"),
                s
            );
        }
    }

    #[test]
    fn the_stored_wire_names_do_not_change() {
        // The reference city's database holds these: renaming one breaks every stored dossier.
        let stored = [
            (DossierStatus::Received, "\"received\""),
            (DossierStatus::Processing, "\"processing\""),
            (
                DossierStatus::SupplementRequested,
                "\"supplement_requested\"",
            ),
            (DossierStatus::Ready, "\"ready\""),
            (DossierStatus::Returned, "\"returned\""),
            (DossierStatus::Rejected, "\"rejected\""),
        ];
        for (s, json) in stored {
            assert_eq!(serde_json::to_string(&s).expect("json"), json);
        }
    }

    #[test]
    fn an_unknown_state_reads_as_other_and_never_fails() {
        for name in [
            "\"da_chuyen_lien_thong\"",
            "\"\"",
            "\"RECEIVED\"",
            "\"\\u0000\"",
        ] {
            assert_eq!(
                serde_json::from_str::<DossierStatus>(name).expect("lenient"),
                DossierStatus::Other,
                "{name}"
            );
        }
        assert_eq!(DossierStatus::parse("da_chuyen_lien_thong"), None);
        // Not a string at all is still an error: the answer is malformed, not a new state.
        assert!(serde_json::from_str::<DossierStatus>("3").is_err());
    }

    #[test]
    fn finished_and_waiting_states_are_told_apart() {
        assert!(DossierStatus::Returned.is_finished());
        assert!(DossierStatus::Withdrawn.is_finished());
        assert!(!DossierStatus::SupplementRequested.is_finished());
        assert!(!DossierStatus::Other.is_finished());
        assert!(DossierStatus::SupplementRequested.waits_for_citizen());
        assert!(DossierStatus::PaymentRequested.waits_for_citizen());
        assert!(!DossierStatus::Paused.waits_for_citizen());
    }

    #[test]
    fn moves_follow_the_portals_life_cycle() {
        use DossierStatus::*;
        let allowed = |from: DossierStatus| -> Vec<DossierStatus> {
            DossierStatus::ALL
                .into_iter()
                .filter(|&to| from.can_move_to(to))
                .collect()
        };
        assert_eq!(allowed(New), vec![Received, NotAccepted, Withdrawn]);
        let handling = [
            Processing,
            SupplementRequested,
            Ready,
            Rejected,
            PaymentRequested,
            Paused,
            Withdrawn,
        ];
        for from in [
            Received,
            Processing,
            SupplementRequested,
            PaymentRequested,
            Paused,
        ] {
            let want: Vec<_> = handling.iter().copied().filter(|&s| s != from).collect();
            assert_eq!(allowed(from), want, "{from}");
        }
        assert_eq!(allowed(Ready), vec![Returned]);
        for finished in [Returned, Rejected, NotAccepted, Withdrawn] {
            assert!(allowed(finished).is_empty(), "{finished}");
        }
        // A city's own state can be left for any known one but "new"; none goes to Other.
        assert_eq!(allowed(Other).len(), DossierStatus::ALL.len() - 2);
        assert!(DossierStatus::ALL.iter().all(|s| !s.can_move_to(Other)));
    }

    #[test]
    fn every_state_has_its_own_message_key() {
        let keys: std::collections::BTreeSet<_> =
            DossierStatus::ALL.iter().map(|s| s.message_key()).collect();
        assert_eq!(keys.len(), DossierStatus::ALL.len());
    }
}
