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
