//! Contacts and the WTE formula of MODEL.md section 4: how much therapist time the episodes
//! need, and how much one whole-time equivalent provides.

use serde::Serialize;

use crate::scenario::{CapacityBasis, Scenario, StepSettings};

use super::steps::PerStep;

/// What one WTE of a step delivers, resolved from the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WteCapacity {
    pub contacts_per_episode: f64,
    pub working_days: f64,
    /// K: attended contacts one WTE delivers a year.
    pub annual_contacts_per_wte: f64,
    /// K / contacts per episode: what planners compare with Richards' 132-352 and Clark's 60.
    pub episodes_per_wte: f64,
    pub dna_rate: f64,
    pub headroom: f64,
}

/// K = contacts_per_day x caseload x working_days, or
/// K = clinical_hours_per_week / contact_hours x working_days / 5.
pub fn annual_contacts_per_wte(basis: &CapacityBasis, working_days: f64) -> f64 {
    basis.annual_contacts_per_wte(working_days)
}

/// What one WTE of a step delivers, with the scenario's DNA rate and headroom.
pub fn step_capacity(
    step: &StepSettings,
    working_days: f64,
    dna_rate: f64,
    headroom: f64,
) -> WteCapacity {
    let k = annual_contacts_per_wte(&step.basis, working_days);
    WteCapacity {
        contacts_per_episode: step.contacts_per_episode,
        working_days,
        annual_contacts_per_wte: k,
        episodes_per_wte: k / step.contacts_per_episode,
        dna_rate,
        headroom,
    }
}

pub fn wte_capacity(scenario: &Scenario) -> PerStep<WteCapacity> {
    PerStep(
        scenario
            .steps
            .iter()
            .map(|s| {
                step_capacity(
                    s,
                    scenario.working_days_of(s),
                    scenario.capacity.dna_rate,
                    scenario.capacity.headroom,
                )
            })
            .collect(),
    )
}

/// Attended contacts, booked contacts and required WTE for some episodes of one step.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Workload {
    pub attended_contacts: f64,
    pub booked_contacts: f64,
    pub wte: f64,
}

/// attended = episodes x contacts per episode; booked = attended / (1 - dna_rate);
/// WTE = booked / K x (1 + headroom).
pub fn workload(episodes: f64, c: &WteCapacity) -> Workload {
    let attended_contacts = episodes * c.contacts_per_episode;
    let booked_contacts = attended_contacts / (1.0 - c.dna_rate);
    Workload {
        attended_contacts,
        booked_contacts,
        wte: booked_contacts / c.annual_contacts_per_wte * (1.0 + c.headroom),
    }
}
