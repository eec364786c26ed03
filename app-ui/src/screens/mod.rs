//! One module per screen.

pub mod coming;
pub mod db_error;
pub mod feedback;
pub mod home;
pub mod lazy;
pub mod settings;
pub mod wards;

use model::UnitKind;

/// The i18n key of a unit kind's name.
pub fn kind_key(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Phuong => "kind.phuong",
        UnitKind::Xa => "kind.xa",
        UnitKind::DacKhu => "kind.dac_khu",
    }
}
