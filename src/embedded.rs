//! The England data shipped in `data/`, compiled in so that `capacity model` runs anywhere.

use crate::inputs::{
    parse_areas, parse_population, parse_prevalence, Areas, Population, Prevalence,
};
use crate::problems::InputError;

pub const POPULATION_CSV: &str = include_str!("../data/population.csv");
pub const AREAS_CSV: &str = include_str!("../data/areas.csv");
pub const PREVALENCE_CSV: &str = include_str!("../data/prevalence.csv");

pub const POPULATION_SOURCE: &str = "embedded data/population.csv";
pub const AREAS_SOURCE: &str = "embedded data/areas.csv";
pub const PREVALENCE_SOURCE: &str = "embedded data/prevalence.csv";

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

/// The published tables behind the embedded data (data/README.md, "Sources").
pub const POPULATION_CITATION: &str = "Office for National Statistics, mid-2022 population estimates by single year of age and sex, sub-ICB locations in England (2023 boundaries); Open Government Licence v3.0";
pub const AREAS_CITATION: &str = "ONS geography: sub-ICB locations, Integrated Care Boards and NHS England regions (2023); Open Government Licence v3.0";
pub const PREVALENCE_CITATION: &str = "McManus S et al. (eds.) (2016) Adult Psychiatric Morbidity Survey 2014, NHS Digital: Table 2.3 (common mental disorders, past week) and Table 4.1 (PTSD screen, past month); Open Government Licence v3.0";
