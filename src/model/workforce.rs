//! Issue 5 put together for one reported area (or the total): roles and bands with their
//! costs and current staff, supervision, and the training pipeline. Every quantity is
//! computed from the area's own sums, as the gap is (MODEL.md sections 5 and 6).

use crate::inputs::PayTable;
use crate::scenario::Scenario;

use super::costs::{self, CostSummary};
use super::pipeline::{self, Intake};
use super::staffing::{self, CurrentRole, RoleKind, RoleLine, Supervision};
use super::steps::PerStep;
use super::Flow;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkforceDetail {
    /// Skill-mix roles (step by step), ratio roles, then current-only roles.
    pub roles: Vec<RoleLine>,
    pub costs: CostSummary,
    pub supervision: Supervision,
    pub pipeline: PerStep<Intake>,
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
    current: &PerStep<f64>,
    current_roles: &[CurrentRole],
    scenario: &Scenario,
    pay: &PayTable,
) -> WorkforceDetail {
    let c = &scenario.costs;
    let wte = flow.wte();
    let steps = scenario.steps.len();
    let mut roles = staffing::required_roles(&wte, population_in_scope, scenario);
    staffing::match_current(&mut roles, current_roles);
    let mut summary = CostSummary {
        staff: PerStep::zeros(steps),
        ..CostSummary::default()
    };
    for line in &mut roles {
        line.salary = costs::salary(&line.band, c, pay);
        line.cost = costs::staff_cost(line.wte, line.salary.unwrap_or(0.0), c.on_cost_rate);
        match line.kind {
            RoleKind::Step(s) => summary.staff[s] += line.cost,
            RoleKind::Ratio => summary.ratio_roles += line.cost,
        }
    }
    summary.medication = costs::medication_cost(flow.medication_only(), c.medication_course_cost);
    let hours = PerStep(scenario.steps.iter().map(|s| s.supervision_hours).collect());
    let turnover = PerStep(scenario.steps.iter().map(|s| s.turnover).collect());
    WorkforceDetail {
        supervision: staffing::supervision(&wte, &hours, &roles, &scenario.supervision),
        pipeline: pipeline::intakes(&wte, current, &turnover, &scenario.pipeline),
        roles,
        costs: summary,
    }
}
