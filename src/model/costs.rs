//! Issue 5, part 2: what the workforce and medication cost. Each formula is written once here.
//!
//! - salary of a band = `[costs.salary]` override, else the Agenda for Change pay table
//!   (data/afc_pay.csv) at `costs.pay_point`
//! - staff cost of a role = WTE x salary x (1 + on_cost_rate)
//! - medication cost = people choosing medication alone x cost of one course
//! - cost per attended contact (or per episode) = staff cost of the intensity / contacts
//!   (or episodes)

use serde::Serialize;

use crate::inputs::PayTable;
use crate::scenario::CostSettings;

use super::steps::PerStep;

/// Annual salary (before on-costs) of a band: the scenario's override, else the pay table at
/// the scenario's pay point. None for a band the table does not have.
pub fn salary(band: &str, costs: &CostSettings, pay: &PayTable) -> Option<f64> {
    costs
        .salary
        .get(band)
        .copied()
        .or_else(|| pay.band(band).map(|row| row.at(costs.pay_point)))
}

/// Staff cost of a role (issue 5): WTE x the band's salary at the pay point x
/// (1 + on_cost_rate).
pub fn staff_cost(wte: f64, salary: f64, on_cost_rate: f64) -> f64 {
    wte * salary * (1.0 + on_cost_rate)
}

/// Medication cost (issue 5, after the 2007 tool's "Costs of SSRIs" box, seed 002 line 254):
/// people who choose antidepressants alone x the cost of one course. Unknown (None) when
/// people are on medication alone and the scenario gives no course cost: no WTE depends on
/// it, so the run goes on with a warning and the cost left empty, never guessed as 0.
pub fn medication_cost(medication_only_people: f64, course_cost: Option<f64>) -> Option<f64> {
    match course_cost {
        Some(c) => Some(medication_only_people * c),
        None if medication_only_people > 0.0 => None,
        None => Some(0.0),
    }
}

/// Cost per unit (attended contact, episode), or None when there are no units.
pub fn per_unit(cost: f64, units: f64) -> Option<f64> {
    (units > 0.0).then(|| cost / units)
}

/// The costs of one area (or the total), in pounds a year.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CostSummary {
    /// Staff cost of each step's roles.
    pub staff: PerStep<f64>,
    /// Staff cost of the ratio roles.
    pub ratio_roles: f64,
    /// People on medication alone x the cost of a course; None when the course cost is not
    /// given and someone is on medication alone.
    pub medication: Option<f64>,
}

impl CostSummary {
    /// Staff and medication; None when the medication cost is not known.
    pub fn total(&self) -> Option<f64> {
        self.medication
            .map(|m| self.staff.total() + self.ratio_roles + m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::{parse_pay, PayPoint};
    use std::collections::BTreeMap;

    fn pay() -> PayTable {
        parse_pay(
            "test pay",
            "band,entry,intermediate,top\n5,30000,32000,36000\n6,37000,39000,45000\n",
        )
        .unwrap()
    }

    fn settings(point: PayPoint) -> CostSettings {
        CostSettings {
            pay_point: point,
            on_cost_rate: 0.25,
            medication_course_cost: None,
            salary: BTreeMap::new(),
        }
    }

    #[test]
    fn salary_follows_pay_point_and_override() {
        let pay = pay();
        assert_eq!(salary("5", &settings(PayPoint::Entry), &pay), Some(30000.0));
        assert_eq!(salary("5", &settings(PayPoint::Mid), &pay), Some(32000.0));
        assert_eq!(salary("5", &settings(PayPoint::Top), &pay), Some(36000.0));
        let mut s = settings(PayPoint::Mid);
        s.salary.insert("6".into(), 40000.0);
        assert_eq!(salary("6", &s, &pay), Some(40000.0));
        assert_eq!(salary("7", &s, &pay), None);
    }

    /// A costed two-role example, by hand. 10 WTE of low intensity, 80% PWP at band 5 and
    /// 20% senior PWP at band 6, mid points, on-costs 25%:
    ///   PWP:        8 WTE x 32,000 x 1.25 = 320,000
    ///   senior PWP: 2 WTE x 39,000 x 1.25 =  97,500
    ///   total                              = 417,500
    /// 20,000 attended contacts: 417,500 / 20,000 = 20.875 a contact.
    #[test]
    fn costed_two_role_example() {
        let pay = pay();
        let s = settings(PayPoint::Mid);
        let pwp = staff_cost(8.0, salary("5", &s, &pay).unwrap(), s.on_cost_rate);
        let senior = staff_cost(2.0, salary("6", &s, &pay).unwrap(), s.on_cost_rate);
        assert_eq!(pwp, 320_000.0);
        assert_eq!(senior, 97_500.0);
        assert_eq!(per_unit(pwp + senior, 20_000.0), Some(20.875));
        assert_eq!(per_unit(1.0, 0.0), None);
        assert_eq!(medication_cost(100.0, Some(25.0)), Some(2500.0));
        assert_eq!(medication_cost(0.0, None), Some(0.0));
        // People on medication alone at an unknown price: unknown, not free.
        assert_eq!(medication_cost(100.0, None), None);
    }
}
