//! Contacts and the WTE formula of MODEL.md section 4: how much therapist time the episodes
//! need, and how much one whole-time equivalent provides.

use serde::Serialize;

use crate::scenario::{CapacityBasis, Scenario};

use super::intensity::PerIntensity;

/// What one WTE of an intensity delivers, resolved from the scenario.
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
    match *basis {
        CapacityBasis::ContactsPerDay {
            contacts_per_day,
            caseload,
        } => contacts_per_day * caseload * working_days,
        CapacityBasis::ClinicalHours {
            clinical_hours_per_week,
            contact_hours,
        } => clinical_hours_per_week / contact_hours * working_days / 5.0,
    }
}

pub fn wte_capacity(scenario: &Scenario) -> PerIntensity<WteCapacity> {
    PerIntensity::from_fn(|i| {
        let s = scenario.intensity(i);
        let working_days = s.working_days.unwrap_or(scenario.capacity.working_days);
        let k = annual_contacts_per_wte(&s.basis, working_days);
        WteCapacity {
            contacts_per_episode: s.contacts_per_episode,
            working_days,
            annual_contacts_per_wte: k,
            episodes_per_wte: k / s.contacts_per_episode,
            dna_rate: scenario.capacity.dna_rate,
            headroom: scenario.capacity.headroom,
        }
    })
}

/// Attended contacts, booked contacts and required WTE for some episodes of one intensity.
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
