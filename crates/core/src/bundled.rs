//! The data shipped inside the app: the ward catalogue, so the finder works on first start
//! offline, the former units it also finds, and the procedures guide.

use std::sync::OnceLock;

use model::WardCatalog;
use model::former::{FormerError, FormerUnits};
use model::guide::{Guide, GuideError};
use model::ward::WardError;

const HCMC_UNITS: &str = include_str!("../../../assets/hcmc-units.json");
/// The units abolished on 1-7-2025 and where each went (`tools/ward-data/gen_former.py`).
const FORMER_UNITS: &str = include_str!("../../../assets/hcmc-former-units.json");
const PROCEDURES_GUIDE: &str = include_str!("../../../assets/procedures-guide.json");
/// The schematic ward cells (`tools/ward-cells`): what the map draws until the city serves
/// official boundaries.
pub const WARD_CELLS: &str = include_str!("../../../assets/ward-cells.geojson");
/// The ward offices as the reference city API ships them: the card's data on first start.
pub const WARD_OFFICES: &str = include_str!("../../../assets/ward-offices.json");

/// The procedures guide (`assets/procedures-guide.json`), checked.
pub fn procedures_guide() -> Result<Guide, GuideError> {
    Guide::from_json(PROCEDURES_GUIDE)
}

/// The 168 HCMC units generated into `assets/` by `tools/ward-data`.
pub fn hcmc_catalog() -> Result<WardCatalog, WardError> {
    WardCatalog::from_json(HCMC_UNITS)
}

/// The former districts and wards, read and checked once. Their current codes are checked against
/// the catalogue in use when they are searched (`model::search::place::PlaceIndex` leaves out
/// what went only into units the city's list lacks); a test holds them to the bundled 168.
pub fn former_units() -> Result<&'static FormerUnits, FormerError> {
    static FORMER: OnceLock<Result<FormerUnits, FormerError>> = OnceLock::new();
    FORMER
        .get_or_init(|| FormerUnits::from_json(FORMER_UNITS, |_| true))
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use model::UnitKind;

    #[test]
    fn bundled_catalogue_is_the_168_hcmc_units() {
        let catalog = super::hcmc_catalog().expect("bundled catalogue is valid");
        let count = |kind| catalog.units.iter().filter(|u| u.kind == kind).count();
        assert_eq!(catalog.units.len(), 168);
        assert_eq!(count(UnitKind::Phuong), 113);
        assert_eq!(count(UnitKind::Xa), 54);
        assert_eq!(count(UnitKind::DacKhu), 1);
        let con_dao = catalog.units.iter().find(|u| u.code.as_str() == "26732");
        assert_eq!(con_dao.map(|u| u.name.as_str()), Some("Đặc khu Côn Đảo"));
        assert!(catalog.units.iter().any(|u| u.name == "Phường Bến Thành"));
    }

    #[test]
    fn bundled_map_data_is_valid() {
        let catalog = super::hcmc_catalog().expect("units");
        let known = |c: &model::WardCode| catalog.units.iter().any(|u| &u.code == c);
        let cells = model::map::boundaries::check(super::WARD_CELLS, known).expect("cells");
        assert_eq!(cells.codes.len(), 168);
        model::map::WardOffices::from_json(super::WARD_OFFICES, known).expect("offices");
    }

    #[test]
    fn bundled_former_units_went_into_the_168() {
        let catalog = super::hcmc_catalog().expect("units");
        let known = |c: &model::WardCode| catalog.units.iter().any(|u| &u.code == c);
        let former = model::former::FormerUnits::from_json(super::FORMER_UNITS, known)
            .expect("every former unit went into one of the 168");
        assert_eq!((former.wards.len(), former.districts.len()), (441, 38));
        assert!(super::former_units().is_ok());
    }

    #[test]
    fn bundled_guide_is_valid() {
        let guide = super::procedures_guide().expect("bundled guide is valid");
        assert!(guide.procedures.len() >= 15);
    }
}
