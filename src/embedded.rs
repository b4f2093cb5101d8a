//! The England data shipped in `data/`, compiled in so that `capacity model` runs anywhere.

use std::sync::OnceLock;

use crate::inputs::{
    parse_areas, parse_pay, parse_population, parse_prevalence, Areas, PayTable, Population,
    Prevalence,
};
use crate::problems::InputError;

pub const POPULATION_CSV: &str = include_str!("../data/population.csv");
pub const AREAS_CSV: &str = include_str!("../data/areas.csv");
pub const PREVALENCE_CSV: &str = include_str!("../data/prevalence.csv");
/// NHS Talking Therapies annual report measures, 2022-23 and 2023-24 (data/README.md).
pub const OBSERVED_CSV: &str = include_str!("../data/nhstt_annual.csv");
/// Agenda for Change pay points by band (data/README.md gives the source and year).
pub const AFC_PAY_CSV: &str = include_str!("../data/afc_pay.csv");

pub const POPULATION_SOURCE: &str = "embedded data/population.csv";
pub const AREAS_SOURCE: &str = "embedded data/areas.csv";
pub const PREVALENCE_SOURCE: &str = "embedded data/prevalence.csv";
pub const AFC_PAY_SOURCE: &str = "embedded data/afc_pay.csv";
pub const OBSERVED_SOURCE: &str = "embedded data/nhstt_annual.csv";

/// The default reporting level of the embedded areas.
pub const DEFAULT_LEVEL: &str = "icb";

pub fn population() -> Result<Population, InputError> {
    parse_population(POPULATION_SOURCE, POPULATION_CSV)
}

pub fn areas() -> Result<Areas, InputError> {
    parse_areas(AREAS_SOURCE, AREAS_CSV)
}

pub fn prevalence() -> Result<Prevalence, InputError> {
    parse_prevalence(PREVALENCE_SOURCE, PREVALENCE_CSV)
}

/// The NHS Talking Therapies annual report measures shipped with the tool.
pub fn observed() -> Result<crate::observed::Observed, InputError> {
    crate::observed::parse_observed(OBSERVED_SOURCE, OBSERVED_CSV)
}

/// The published tables behind the embedded data (data/README.md, "Sources").
pub const POPULATION_CITATION: &str = "Office for National Statistics, mid-2022 population estimates by single year of age and sex, sub-ICB locations in England (2023 boundaries); Open Government Licence v3.0";
pub const AREAS_CITATION: &str = "ONS geography: sub-ICB locations, Integrated Care Boards and NHS England regions (2023), with their ODS codes (regions as in NHS England, Annual report on the use of NHS Talking Therapies services, 2022-23 and 2023-24); regional prevalence factors from McManus S et al. (eds.) (2016) Adult Psychiatric Morbidity Survey 2014, NHS Digital: Table 2.11 (common mental disorder by region, age-standardised); Open Government Licence v3.0";
pub const PREVALENCE_CITATION: &str = "McManus S et al. (eds.) (2016) Adult Psychiatric Morbidity Survey 2014, NHS Digital: Table 2.3 (common mental disorders, past week) and Table 4.1 (PTSD screen, past month); Open Government Licence v3.0";
pub const OBSERVED_CITATION: &str = "NHS England, Psychological Therapies: Annual report on the use of NHS Talking Therapies services, 2022-23 and 2023-24 (England, commissioning regions and ICBs); Open Government Licence v3.0";
pub const AFC_PAY_CITATION: &str = "NHS Health Careers, Agenda for Change pay rates from April 2024 (England), after the NHS Employers 2024/25 pay scales; Open Government Licence v3.0";

/// The embedded Agenda for Change pay table, parsed once. It is compiled in and checked by
/// the tests, so a parse failure is a build defect, not an input error.
pub fn afc_pay() -> &'static PayTable {
    static PAY: OnceLock<PayTable> = OnceLock::new();
    PAY.get_or_init(|| {
        parse_pay(AFC_PAY_SOURCE, AFC_PAY_CSV).expect("the embedded data/afc_pay.csv is valid")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::{PayPoint, BANDS};

    #[test]
    fn pay_table_covers_every_band_in_order() {
        let pay = afc_pay();
        let bands: Vec<&str> = pay.rows.iter().map(|r| r.band.as_str()).collect();
        assert_eq!(bands, BANDS.to_vec());
        assert_eq!(pay.year(), "2024/25");
        for r in &pay.rows {
            assert!(r.entry <= r.at(PayPoint::Mid) && r.at(PayPoint::Mid) <= r.top);
        }
    }

    #[test]
    fn pay_table_has_the_issue_figures() {
        // Issue 5: from April 2024 band 5 runs 29,970 / 32,324 / 36,483 and band 6
        // 37,338 / 39,405 / 44,962.
        let pay = afc_pay();
        let five = pay.band("5").unwrap();
        assert_eq!(
            (five.entry, five.intermediate, five.top),
            (29970.0, Some(32324.0), 36483.0)
        );
        let six = pay.band("6").unwrap();
        assert_eq!(
            (six.entry, six.intermediate, six.top),
            (37338.0, Some(39405.0), 44962.0)
        );
        // Bands without an intermediate point use the mean of entry and top as "mid".
        let four = pay.band("4").unwrap();
        assert_eq!(four.at(PayPoint::Mid), (26530.0 + 29114.0) / 2.0);
    }
}
