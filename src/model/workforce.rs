//! Issue 5 put together for one reported area (or the total): roles and bands with their
//! costs and current staff, supervision, and the training pipeline. Every quantity is
//! computed from the area's own sums, as the gap is (MODEL.md sections 5 and 6).

use crate::inputs::PayTable;
use crate::scenario::Scenario;

use super::costs::{self, CostSummary};
use super::intensity::PerIntensity;
use super::pipeline::{self, Intake};
use super::staffing::{self, CurrentRole, RoleKind, RoleLine, Supervision};
use super::Flow;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkforceDetail {
    /// Skill-mix roles (low, then high), ratio roles, then current-only roles.
    pub roles: Vec<RoleLine>,
    pub costs: CostSummary,
    pub supervision: Supervision,
    pub pipeline: PerIntensity<Intake>,
}

impl WorkforceDetail {
    /// Required WTE of the ratio roles.
    pub fn ratio_roles_wte(&self) -> f64 {
        self.roles
            .iter()
            .filter(|l| l.kind == RoleKind::Ratio)
            .fold(0.0, |sum, l| sum + l.wte)
    }
}

pub fn workforce_detail(
    flow: &Flow,
    population_in_scope: f64,
    current: PerIntensity<f64>,
    current_roles: &[CurrentRole],
    scenario: &Scenario,
    pay: &PayTable,
) -> WorkforceDetail {
    let c = &scenario.costs;
    let mut roles = staffing::required_roles(flow.wte, population_in_scope, scenario);
    staffing::match_current(&mut roles, current_roles);
    let mut summary = CostSummary::default();
    for line in &mut roles {
        line.salary = costs::salary(&line.band, c, pay);
        line.cost = costs::staff_cost(line.wte, line.salary.unwrap_or(0.0), c.on_cost_rate);
        match line.kind {
            RoleKind::Low => summary.staff.low += line.cost,
            RoleKind::High => summary.staff.high += line.cost,
            RoleKind::Ratio => summary.ratio_roles += line.cost,
        }
    }
    summary.medication =
        costs::medication_cost(flow.demand.medication_only, c.medication_course_cost);
    WorkforceDetail {
        supervision: staffing::supervision(flow.wte, &roles, &scenario.supervision),
        pipeline: pipeline::intakes(flow.wte, current, &scenario.pipeline),
        roles,
        costs: summary,
    }
}
