//! The dossier code printed on a receipt, and what it says: which unit received the dossier,
//! on which day, as that day's how-manyth.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::typing::{TypedCode, check_as_typed};

/// [`DossierCode::parse`]'s rule as a regular expression, for what cannot call it (the city
/// API's OpenAPI document and the clients generated from it): the code without spaces, any
/// agency of the national format (its letter in either case), a real date (29 February of
/// leap years only; `YY` is 20YY, so `00` is a leap year), that day's number from 0001.
/// `tests/code_pattern.rs` holds the two to the same verdict on a corpus of codes.
pub const CODE_PATTERN: &str = concat!(
    r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Za-z][0-9]{2}-",
    // Days 1–28 of any month; 29 and 30 of any month but February; 31 of the long months;
    // 29 February when the year is a multiple of 4.
    r"([0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])|[0-9]{2}(0[13-9]|1[0-2])(29|30)",
    r"|[0-9]{2}(0[13578]|1[02])31|([02468][048]|[13579][26])0229)",
    r"-(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})$",
);

/// A dossier code as the one-stop shops print it: `<agency>-<yymmdd>-<seq>`, e.g.
/// `000.00.04.H29-240115-0001` (Circular 01/2018/TT-VPCP art. 19). Any agency code of the
/// national format is accepted, not only Ho Chi Minh City's `H29`: the units merged into the
/// city in 2025 kept printing their own codes. The shape says nothing about whether such a
/// dossier exists; the check value printed beside it is what guards a lookup.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode {
    /// Upper case, no spaces: `000.00.04.H29-240115-0001`.
    text: String,
    received: NaiveDate,
    sequence: u16,
}

impl DossierCode {
    /// Built by the typing check once every place is right.
    pub(super) fn new_checked(text: String, received: NaiveDate, sequence: u16) -> Self {
        Self {
            text,
            received,
            sequence,
        }
    }

    /// Accepts the code with spaces anywhere and in any letter case; `None` for anything that is
    /// not a complete, well-formed code. [`check_as_typed`] says what is wrong and where.
    pub fn parse(text: &str) -> Option<Self> {
        match check_as_typed(text) {
            TypedCode::Complete(code) => Some(code),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The receiving unit's code, `V1V2V3.Z1Z2.Y1Y2.MX1X2` (QCVN 102:2016/BTTTT).
    pub fn agency(&self) -> AgencyCode<'_> {
        AgencyCode(&self.text[..13])
    }

    /// The day the dossier was received.
    pub fn received_on(&self) -> NaiveDate {
        self.received
    }

    /// That day's number at the receiving unit, from 1.
    pub fn sequence(&self) -> u16 {
        self.sequence
    }
}

impl std::fmt::Display for DossierCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl TryFrom<String> for DossierCode {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or("not a dossier code")
    }
}

impl From<DossierCode> for String {
    fn from(code: DossierCode) -> Self {
        code.text
    }
}

/// The receiving unit's code inside a dossier code, e.g. `000.00.04.H29`: four levels, the
/// first (`H29`) naming the ministry or province.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AgencyCode<'a>(&'a str);

impl<'a> AgencyCode<'a> {
    pub fn as_str(self) -> &'a str {
        self.0
    }

    /// The level-1 unit: `H29` (a province's people's committee), `G01` (a ministry)…
    pub fn level1(self) -> &'a str {
        &self.0[10..]
    }

    /// Where the unit belongs in today's Ho Chi Minh City, when its level-1 code is the city's
    /// or one of the two provinces merged into it on 1 July 2025.
    pub fn hcmc_origin(self) -> Option<HcmcOrigin> {
        HcmcOrigin::ALL
            .into_iter()
            .find(|o| o.level1() == self.level1())
    }
}

/// The provincial people's committees whose units now serve Ho Chi Minh City's citizens
/// (Resolution 202/2025/QH15 merged Bình Dương and Bà Rịa–Vũng Tàu into the city).
///
/// Level-1 codes (`H` + two digits) come from the list of QCVN 102:2016/BTTTT, kept by
/// Decision 20/2020/QĐ-TTg; under Decision 09/2025/QĐ-TTg the merged city keeps the code of
/// the province whose name it keeps (`H29`) and the others are closed to new units — but
/// receipts already printed with them stay in citizens' hands. `H29` is the city's published
/// code; the list numbers provinces in the order of their unaccented names, which the
/// published codes H29, H49 (Quảng Ninh, Decision 3739/QĐ-UBND 2016), H54 (Thái Bình,
/// Decision 3982/QĐ-UBND 2016) and H57 (Huế, Decision 09/2025/QĐ-TTg) all fit, and which gives
/// H02 for Bà Rịa–Vũng Tàu and H09 for Bình Dương. Any other letter-and-two-digit code is
/// still a valid agency; this only names the three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HcmcOrigin {
    HoChiMinhCity,
    FormerBinhDuong,
    FormerBaRiaVungTau,
}

impl HcmcOrigin {
    pub const ALL: [Self; 3] = [
        Self::HoChiMinhCity,
        Self::FormerBinhDuong,
        Self::FormerBaRiaVungTau,
    ];

    pub fn level1(self) -> &'static str {
        match self {
            Self::HoChiMinhCity => "H29",
            Self::FormerBinhDuong => "H09",
            Self::FormerBaRiaVungTau => "H02",
        }
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Self::HoChiMinhCity => "dossier.origin.hcmc",
            Self::FormerBinhDuong => "dossier.origin.former_binh_duong",
            Self::FormerBaRiaVungTau => "dossier.origin.former_ba_ria_vung_tau",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_receipt_shape() {
        let c = DossierCode::parse(" 000.00.04.h29-240115-0001 ").expect("valid");
        assert_eq!(c.as_str(), "000.00.04.H29-240115-0001");
        for bad in [
            "",
            "000.00.04.H29-240115-001",
            "000-00-04.H29-240115-0001",
            "000.00.04.H29-24O115-0001",
            "000.00.04.H29-240115-0001x",
            "000.00.04.H2-240115-0001",
            "000.00.04.229-240115-0001",
            "000.00.04.HH9-240115-0001",
            "000.00.04.H29-241315-0001",
            "000.00.04.H29-240115-0000",
            "000.00.04.H29_240115_0001",
            "../../etc/passwd",
            "０００.00.04.H29-240115-0001",
        ] {
            assert!(DossierCode::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn every_agency_of_the_national_format_is_accepted() {
        for code in [
            "000.00.04.H29-240115-0001", // Ho Chi Minh City
            "000.20.10.H09-250620-0042", // a former Bình Dương unit
            "000.31.02.H02-250630-1234", // a former Bà Rịa–Vũng Tàu unit
            "000.00.00.H57-260105-0007", // Huế
            "000.00.12.G01-260105-0001", // a ministry
        ] {
            assert!(DossierCode::parse(code).is_some(), "{code}");
        }
    }

    #[test]
    fn a_code_tells_its_agency_day_and_number() {
        let c = DossierCode::parse("000.20.10.H09-250620-0042").expect("valid");
        assert_eq!(c.agency().as_str(), "000.20.10.H09");
        assert_eq!(c.agency().level1(), "H09");
        assert_eq!(
            c.received_on(),
            NaiveDate::from_ymd_opt(2025, 6, 20).expect("date")
        );
        assert_eq!(c.sequence(), 42);
        assert_eq!(c.agency().hcmc_origin(), Some(HcmcOrigin::FormerBinhDuong));
        let brvt = DossierCode::parse("000.31.02.H02-250630-1234").expect("valid");
        assert_eq!(
            brvt.agency().hcmc_origin(),
            Some(HcmcOrigin::FormerBaRiaVungTau)
        );
        let hcmc = DossierCode::parse("000.00.04.H29-240115-0001").expect("valid");
        assert_eq!(hcmc.agency().hcmc_origin(), Some(HcmcOrigin::HoChiMinhCity));
        let hue = DossierCode::parse("000.00.00.H57-260105-0007").expect("valid");
        assert_eq!(hue.agency().hcmc_origin(), None);
    }

    #[test]
    fn codes_cross_json_as_their_text_and_bad_text_is_refused() {
        let c = DossierCode::parse("000.00.04.H29-240115-0001").expect("valid");
        let json = serde_json::to_string(&c).expect("json");
        assert_eq!(json, "\"000.00.04.H29-240115-0001\"");
        assert_eq!(serde_json::from_str::<DossierCode>(&json).expect("back"), c);
        assert!(serde_json::from_str::<DossierCode>("\"000.00.04.H29-240230-0001\"").is_err());
    }
}
