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
    /// K: the contacts one WTE can book a year (its diary, before DNAs and headroom).
    pub annual_contacts_per_wte: f64,
    /// Attended contacts one WTE delivers a year as the model staffs it:
    /// K x (1 - dna_rate) / (1 + headroom), since the same WTE also serve the DNAs.
    pub attended_contacts_per_wte: f64,
    /// Episodes / WTE as delivered (after DNAs and headroom): what planners compare with
    /// Richards' 132-352 and Clark's 60.
    pub episodes_per_wte: f64,
    /// K / contacts per episode: the episodes if every booked contact were attended and there
    /// were no headroom. Not what a WTE delivers when either is above 0.
    pub episodes_per_wte_before_dna_and_headroom: f64,
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
    WteCapacity::new(
        step.contacts_per_episode,
        working_days,
        k,
        dna_rate,
        headroom,
    )
}

impl WteCapacity {
    /// From K and the step's contacts per episode; the delivered figures are the inverse of
    /// [`workload`]'s WTE, so that episodes per WTE is episodes / WTE of the output.
    pub fn new(
        contacts_per_episode: f64,
        working_days: f64,
        annual_contacts_per_wte: f64,
        dna_rate: f64,
        headroom: f64,
    ) -> Self {
        let attended = annual_contacts_per_wte * (1.0 - dna_rate) / (1.0 + headroom);
        WteCapacity {
            contacts_per_episode,
            working_days,
            annual_contacts_per_wte,
            attended_contacts_per_wte: attended,
            episodes_per_wte: attended / contacts_per_episode,
            episodes_per_wte_before_dna_and_headroom: annual_contacts_per_wte
                / contacts_per_episode,
            dna_rate,
            headroom,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn episodes_per_wte_is_episodes_over_the_wte_that_deliver_them() {
        // 2,464 bookable contacts, 6 a episode, 12% DNA, 5% headroom: 410.7 episodes if every
        // contact were attended, but the WTE also serve the DNAs and the headroom:
        // 2,464 x 0.88 / 1.05 / 6 = 344.2.
        let c = WteCapacity::new(6.0, 220.0, 2464.0, 0.12, 0.05);
        let w = workload(1000.0, &c);
        assert!((c.episodes_per_wte - 1000.0 / w.wte).abs() < 1e-9);
        assert!((c.episodes_per_wte - 2464.0 * 0.88 / 1.05 / 6.0).abs() < 1e-9);
        assert!((c.attended_contacts_per_wte - w.attended_contacts / w.wte).abs() < 1e-9);
        assert!((c.episodes_per_wte_before_dna_and_headroom - 2464.0 / 6.0).abs() < 1e-9);
        // Without DNAs or headroom the two agree (the published 352 at the OBC defaults).
        let obc = WteCapacity::new(7.0, 220.0, 2464.0, 0.0, 0.0);
        assert_eq!(obc.episodes_per_wte, 352.0);
        assert_eq!(
            obc.episodes_per_wte,
            obc.episodes_per_wte_before_dna_and_headroom
        );
    }
}
