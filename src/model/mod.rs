//! The capacity model of MODEL.md as pure functions over plain data: no files, no printing.
//!
//! - `prepare`: population in scope and prevalent cases (section 2, steps 1-2), current staff
//! - `demand::funnel`: presenting, detected, referred, treated (section 2, steps 3-7)
//! - `per_case`: the funnel, the routing through the scenario's steps of care (section 3,
//!   for any steps and edges) and the contacts and WTE of each step (section 4), per
//!   prevalent case: every additive quantity is this coefficient x prevalent cases
//! - `evaluate`: coefficients x prevalent cases per leaf area and disorder, summed to the
//!   reported areas (section 6); the sweep's fast path uses the same coefficients
//! - `workforce::workforce_detail` (issue 5): roles and bands (`staffing`), costs (`costs`),
//!   supervision (`staffing`) and the training pipeline (`pipeline`) of each reported area

pub mod capacity;
pub mod costs;
pub mod demand;
pub mod geography;
pub mod pipeline;
pub mod prepare;
pub mod staffing;
pub mod steps;
pub mod workforce;

use std::ops::AddAssign;

use crate::inputs::{Areas, PayTable, Population, Prevalence, Workforce};
use crate::problems::InputError;
use crate::scenario::{Routing, Scenario};
use crate::Warnings;

pub use capacity::WteCapacity;
pub use demand::{Demand, FunnelRates};
pub use prepare::{prepare, Level, Prepared};
pub use staffing::{CurrentRole, RoleKind, RoleLine};
pub use steps::PerStep;
pub use workforce::WorkforceDetail;

/// The data a run reads.
#[derive(Debug, Clone)]
pub struct ModelInputs {
    pub population: Population,
    pub prevalence: Prevalence,
    pub areas: Option<Areas>,
    pub workforce: Option<Workforce>,
    /// The pay scales staff are costed at (Agenda for Change; the embedded table unless a
    /// run gives its own).
    pub pay: PayTable,
}

/// Which rows a run reports.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub level: Level,
    /// Keep only the leaves under these codes; empty uses the scenario's `population.areas`.
    pub areas: Vec<String>,
}

/// Where each additive quantity sits in a [`Flow`]: the funnel, then four per step.
pub mod q {
    pub const PREVALENT: usize = 0;
    pub const PRESENTING: usize = 1;
    pub const DETECTED: usize = 2;
    pub const REFERRED: usize = 3;
    pub const MEDICATION_ONLY: usize = 4;
    pub const TREATED: usize = 5;
    /// Episodes that followed an episode at another step (step-up or step-down).
    pub const STEPPED_UP: usize = 6;
    pub const FUNNEL: usize = 7;
    pub const PER_STEP: usize = 4;
    pub const fn episodes(step: usize) -> usize {
        FUNNEL + PER_STEP * step
    }
    /// Attended contacts.
    pub const fn contacts(step: usize) -> usize {
        FUNNEL + PER_STEP * step + 1
    }
    pub const fn booked_contacts(step: usize) -> usize {
        FUNNEL + PER_STEP * step + 2
    }
    pub const fn wte(step: usize) -> usize {
        FUNNEL + PER_STEP * step + 3
    }
    pub const fn count(steps: usize) -> usize {
        FUNNEL + PER_STEP * steps
    }
}

/// The additive quantities of the model, laid out as [`q`] says: summed over disorders,
/// leaves and areas, and each linear in prevalent cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flow {
    pub q: Vec<f64>,
}

impl AddAssign<&Flow> for Flow {
    fn add_assign(&mut self, o: &Flow) {
        if self.q.len() < o.q.len() {
            self.q.resize(o.q.len(), 0.0);
        }
        for (a, b) in self.q.iter_mut().zip(&o.q) {
            *a += *b;
        }
    }
}

impl Flow {
    pub fn zeros(steps: usize) -> Flow {
        Flow {
            q: vec![0.0; q::count(steps)],
        }
    }

    pub fn steps(&self) -> usize {
        (self.q.len().saturating_sub(q::FUNNEL)) / q::PER_STEP
    }

    /// Every quantity times `k`: the coefficients of [`per_case`] times prevalent cases.
    pub fn scaled(&self, k: f64) -> Flow {
        Flow {
            q: self.q.iter().map(|c| c * k).collect(),
        }
    }

    pub fn prevalent(&self) -> f64 {
        self.q[q::PREVALENT]
    }
    pub fn presenting(&self) -> f64 {
        self.q[q::PRESENTING]
    }
    pub fn detected(&self) -> f64 {
        self.q[q::DETECTED]
    }
    pub fn referred(&self) -> f64 {
        self.q[q::REFERRED]
    }
    pub fn medication_only(&self) -> f64 {
        self.q[q::MEDICATION_ONLY]
    }
    pub fn treated(&self) -> f64 {
        self.q[q::TREATED]
    }
    pub fn stepped_up(&self) -> f64 {
        self.q[q::STEPPED_UP]
    }
    pub fn episodes(&self, step: usize) -> f64 {
        self.q[q::episodes(step)]
    }
    pub fn contacts(&self, step: usize) -> f64 {
        self.q[q::contacts(step)]
    }
    pub fn booked_contacts(&self, step: usize) -> f64 {
        self.q[q::booked_contacts(step)]
    }
    pub fn step_wte(&self, step: usize) -> f64 {
        self.q[q::wte(step)]
    }
    pub fn wte(&self) -> PerStep<f64> {
        PerStep::from_fn(self.steps(), |s| self.step_wte(s))
    }
    pub fn total_wte(&self) -> f64 {
        self.wte().total()
    }
    /// Attended contacts of every step.
    pub fn total_contacts(&self) -> f64 {
        (0..self.steps()).fold(0.0, |sum, s| sum + self.contacts(s))
    }
}

/// The pathway of one disorder: its funnel rates and its routing through the steps, with
/// per-disorder overrides resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Pathway {
    pub rates: FunnelRates,
    pub routing: Routing,
}

pub fn pathways(scenario: &Scenario, disorders: &[String]) -> Vec<Pathway> {
    disorders
        .iter()
        .map(|id| {
            let o = scenario.disorders.get(id).cloned().unwrap_or_default();
            // The disorder's own value, else its pathway's, else the scenario's.
            let p = scenario
                .pathway_of_condition(id)
                .map(|i| &scenario.pathways[i]);
            let d = &scenario.demand;
            let of_pathway =
                |f: fn(&crate::scenario::PathwaySettings) -> Option<f64>| p.and_then(f);
            Pathway {
                rates: FunnelRates {
                    presentation_rate: of_pathway(|p| p.presentation_rate)
                        .unwrap_or(d.presentation_rate),
                    detection_rate: of_pathway(|p| p.detection_rate).unwrap_or(d.detection_rate),
                    referral_weight: o
                        .referral_weight
                        .or(of_pathway(|p| p.referral_weight))
                        .unwrap_or(d.referral_weight),
                    medication_only: o
                        .medication_only
                        .or(of_pathway(|p| p.medication_only))
                        .unwrap_or(d.medication_only),
                },
                routing: scenario.routing(id),
            }
        })
        .collect()
}

/// The episodes of each step from `treated` people (MODEL.md section 3, for any steps):
/// each step gets its entry share of them, then, in an order where every edge goes forward,
/// each edge passes its share of the step's episodes on. Returns the episodes moved along
/// edges (the 2007 model's stepped up: T x s x u).
pub fn route(treated: f64, routing: &Routing, episodes: &mut [f64]) -> f64 {
    for (e, share) in episodes.iter_mut().zip(&routing.entry) {
        *e = treated * share;
    }
    let mut moved = 0.0;
    for &from in &routing.order {
        for edge in routing.edges.iter().filter(|e| e.from == from) {
            let m = episodes[from] * edge.share;
            episodes[edge.to] += m;
            moved += m;
        }
    }
    moved
}

/// One disorder's whole chain per prevalent case, from the funnel to the WTE of each step,
/// written into `out` in the layout of [`q`]. Every additive quantity of the model is this
/// coefficient times prevalent cases; `evaluate` and the sweep's fast path both use it.
pub fn per_case(pathway: &Pathway, capacity: &[WteCapacity], out: &mut [f64]) {
    let d = demand::funnel(1.0, &pathway.rates);
    out[q::PREVALENT] = d.prevalent;
    out[q::PRESENTING] = d.presenting;
    out[q::DETECTED] = d.detected;
    out[q::REFERRED] = d.referred;
    out[q::MEDICATION_ONLY] = d.medication_only;
    out[q::TREATED] = d.treated;
    let n = capacity.len();
    let mut episodes = [0.0; 16];
    let mut many = Vec::new();
    let episodes: &mut [f64] = if n <= episodes.len() {
        &mut episodes[..n]
    } else {
        many.resize(n, 0.0);
        &mut many
    };
    out[q::STEPPED_UP] = route(d.treated, &pathway.routing, episodes);
    for (s, c) in capacity.iter().enumerate() {
        let w = capacity::workload(episodes[s], c);
        out[q::episodes(s)] = episodes[s];
        out[q::contacts(s)] = w.attended_contacts;
        out[q::booked_contacts(s)] = w.booked_contacts;
        out[q::wte(s)] = w.wte;
    }
}

/// The coefficients of each disorder's pathway.
pub fn coefficients(pathways: &[Pathway], capacity: &[WteCapacity]) -> Vec<Flow> {
    pathways
        .iter()
        .map(|p| {
            let mut f = Flow::zeros(capacity.len());
            per_case(p, capacity, &mut f.q);
            f
        })
        .collect()
}

/// A reported row (or the total), before formatting.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaResult {
    pub code: String,
    pub name: String,
    pub level: String,
    pub population_in_scope: f64,
    /// Prevalent cases without the areas file's prevalence factors (with the scenario's
    /// deprivation factor): the area's need factor is `flow.prevalent()` over this.
    pub prevalent_before_area_factor: f64,
    pub flow: Flow,
    /// The flow of each disorder, in `ModelResult::disorders` order.
    pub by_disorder: Vec<Flow>,
    pub current: PerStep<f64>,
    /// Current staff by role and band (issue 5), empty without a workforce file.
    pub current_roles: Vec<CurrentRole>,
    /// Roles and bands, costs, supervision and pipeline (issue 5); empty for leaf results
    /// that are not reported.
    pub workforce: WorkforceDetail,
    /// Activity the service published for the area (`--observed`), when given and found.
    pub observed: Option<crate::observed::ObservedMeasures>,
}

impl AreaResult {
    /// The areas file's prevalence factor of the area: its leaves' factors (each the product
    /// over the leaf and its parents), weighted by their prevalent cases; 1 with no cases.
    pub fn prevalence_factor(&self) -> f64 {
        if self.prevalent_before_area_factor > 0.0 {
            self.flow.prevalent() / self.prevalent_before_area_factor
        } else {
            1.0
        }
    }

    fn empty(code: &str, name: &str, level: &str, n_disorders: usize, steps: usize) -> AreaResult {
        AreaResult {
            code: code.into(),
            name: name.into(),
            level: level.into(),
            population_in_scope: 0.0,
            prevalent_before_area_factor: 0.0,
            flow: Flow::zeros(steps),
            by_disorder: vec![Flow::zeros(steps); n_disorders],
            current: PerStep::zeros(steps),
            current_roles: Vec::new(),
            workforce: WorkforceDetail::default(),
            observed: None,
        }
    }

    /// Fills in `workforce` from the area's sums and current staff.
    fn detail(&mut self, scenario: &Scenario, pay: &crate::inputs::PayTable) {
        self.workforce = workforce::workforce_detail(
            &self.flow,
            self.population_in_scope,
            &self.current,
            &self.current_roles,
            scenario,
            pay,
        );
    }

    fn add(&mut self, other: &AreaResult) {
        self.population_in_scope += other.population_in_scope;
        self.prevalent_before_area_factor += other.prevalent_before_area_factor;
        self.flow += &other.flow;
        for (a, b) in self.by_disorder.iter_mut().zip(&other.by_disorder) {
            *a += b;
        }
    }

    /// Required minus effective current WTE; positive is a shortfall.
    pub fn gap(&self) -> PerStep<f64> {
        PerStep::from_fn(self.current.len(), |i| {
            self.flow.step_wte(i) - self.current[i]
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelResult {
    pub disorders: Vec<String>,
    /// The steps of care, in the scenario's order: (id, label).
    pub steps: Vec<(String, String)>,
    /// The pathway of each step, and of each disorder: its id, or "main".
    pub step_pathways: Vec<String>,
    pub disorder_pathways: Vec<String>,
    /// The reporting period of the observed activity beside the rows, when given.
    pub observed_period: Option<String>,
    pub capacity: PerStep<WteCapacity>,
    pub rows: Vec<AreaResult>,
    pub total: AreaResult,
    pub has_workforce: bool,
    /// Whether some leaf's deprivation factor differs from the scenario's (an `[areas.<code>]`
    /// override), so the funnel can say so. The areas file's prevalence factors (local need)
    /// are told apart: `AreaResult::prevalence_factor`.
    pub deprivation_varies: bool,
}

/// A pathway's id, or "main" for the pathway of the conditions and steps no pathway claims.
fn pathway_name(scenario: &Scenario, p: Option<usize>) -> String {
    p.map_or_else(
        || MAIN_PATHWAY.to_string(),
        |i| scenario.pathways[i].id.clone(),
    )
}

/// The name of the pathway of the conditions and steps no `[pathways.<id>]` claims.
pub const MAIN_PATHWAY: &str = "main";

impl ModelResult {
    /// The step ids, in order: what names the steps' output fields.
    pub fn step_ids(&self) -> Vec<&str> {
        self.steps.iter().map(|(id, _)| id.as_str()).collect()
    }

    /// Effective current WTE that counts in the total but in no row: workforce rows naming an
    /// area above the rows shown (an ICB's staff when the rows are its sub-ICB locations), or
    /// a blank area over several rows. Their staff cannot be split between the rows.
    pub fn current_in_total_only(&self) -> f64 {
        let in_rows: f64 = self.rows.iter().map(|r| r.current.total()).sum();
        let only = self.total.current.total() - in_rows;
        // What rounding in the two sums leaves is not staff.
        if only > 1e-9 * self.total.current.total().max(1.0) {
            only
        } else {
            0.0
        }
    }

    /// A note for the tables that show current staff by row, when some of them count in the
    /// total only; None otherwise.
    pub fn total_only_note(&self) -> Option<String> {
        let only = self.current_in_total_only();
        (only > 0.0).then(|| {
            format!(
                "{only:.1} effective WTE of current staff count in the total only, not in any row shown: their workforce rows name an area above these rows (an ICB's or region's staff when the rows are the areas within it), or no area, and their staff cannot be split between the rows. Give those staff by the areas shown, or report at their level (--level)."
            )
        })
    }
}

/// The deprivation factor of a leaf: the nearest per-area override in the scenario (the leaf
/// or an ancestor), else the scenario's, times the areas file's prevalence factors.
pub fn leaf_deprivation(leaf: &prepare::PreparedLeaf, scenario: &Scenario) -> f64 {
    scenario_deprivation(leaf, scenario) * leaf.prevalence_factor
}

/// The scenario's part of a leaf's deprivation factor: the nearest per-area override, else
/// `demand.deprivation_factor`.
fn scenario_deprivation(leaf: &prepare::PreparedLeaf, scenario: &Scenario) -> f64 {
    leaf.lineage
        .iter()
        .find_map(|code| scenario.areas.get(code).and_then(|a| a.deprivation_factor))
        .unwrap_or(scenario.demand.deprivation_factor)
}

/// Runs the model for one scenario over prepared data. Pure and deterministic: leaves are
/// summed in a fixed order.
pub fn evaluate(prepared: &Prepared, scenario: &Scenario) -> ModelResult {
    let pay = &prepared.pay;
    let n = prepared.disorders.len();
    let steps = scenario.steps.len();
    let paths = pathways(scenario, &prepared.disorders);
    let capacity = capacity::wte_capacity(scenario);
    let coef = coefficients(&paths, &capacity.0);
    let leaf_results: Vec<AreaResult> = prepared
        .leaves
        .iter()
        .map(|leaf| {
            let area = &prepared.geography.areas[leaf.area];
            let mut r = AreaResult::empty(&area.code, &area.name, &area.level, n, steps);
            r.population_in_scope = leaf.population_in_scope;
            let deprivation = leaf_deprivation(leaf, scenario);
            let scenario_only = scenario_deprivation(leaf, scenario);
            for (d, c) in coef.iter().enumerate() {
                r.prevalent_before_area_factor +=
                    c.q[q::PREVALENT] * leaf.base_prevalent[d] * scenario_only;
                let f = c.scaled(leaf.base_prevalent[d] * deprivation);
                r.flow += &f;
                r.by_disorder[d] = f;
            }
            r
        })
        .collect();
    let rows: Vec<AreaResult> = prepared
        .groups
        .iter()
        .map(|g| {
            let mut r = AreaResult::empty(&g.code, &g.name, &g.level, n, steps);
            for &slot in &g.leaves {
                r.add(&leaf_results[slot]);
            }
            r.current = g.current.clone();
            r.current_roles = g.current_roles.clone();
            r.detail(scenario, pay);
            r
        })
        .collect();
    let mut total = AreaResult::empty("total", "Total", "total", n, steps);
    for r in &rows {
        total.add(r);
    }
    total.current = prepared.total_current.clone();
    total.current_roles = prepared.total_current_roles.clone();
    total.detail(scenario, pay);
    let deprivation_varies = prepared
        .leaves
        .iter()
        .any(|l| scenario_deprivation(l, scenario) != scenario.demand.deprivation_factor);
    ModelResult {
        disorders: prepared.disorders.clone(),
        steps: scenario
            .steps
            .iter()
            .map(|s| (s.id.clone(), s.label.clone()))
            .collect(),
        step_pathways: scenario
            .steps
            .iter()
            .map(|s| pathway_name(scenario, scenario.pathway_of_step(s)))
            .collect(),
        disorder_pathways: prepared
            .disorders
            .iter()
            .map(|d| pathway_name(scenario, scenario.pathway_of_condition(d)))
            .collect(),
        observed_period: None,
        capacity,
        rows,
        total,
        has_workforce: prepared.has_workforce,
        deprivation_varies,
    }
}

/// Prepare and evaluate in one call.
pub fn run(
    inputs: &ModelInputs,
    scenario: &Scenario,
    options: &RunOptions,
) -> Result<(ModelResult, Warnings), InputError> {
    let (prepared, warnings) = prepare(inputs, scenario, options)?;
    Ok((evaluate(&prepared, scenario), warnings))
}
