//! The capacity model of MODEL.md as pure functions over plain data: no files, no printing.
//!
//! - `prepare`: population in scope and prevalent cases (section 2, steps 1-2), current staff
//! - `demand::funnel`: presenting, detected, referred, treated (section 2, steps 3-7)
//! - `stepped_care::split`: low, high and stepped-up episodes (section 3)
//! - `capacity::workload`: contacts and the WTE formula (section 4)
//! - `evaluate`: all of it per leaf area and disorder, summed to the reported areas (section 6)
//! - `workforce::workforce_detail` (issue 5): roles and bands (`staffing`), costs (`costs`),
//!   supervision (`staffing`) and the training pipeline (`pipeline`) of each reported area

pub mod capacity;
pub mod costs;
pub mod demand;
pub mod geography;
pub mod intensity;
pub mod pipeline;
pub mod prepare;
pub mod staffing;
pub mod stepped_care;
pub mod workforce;

use std::ops::AddAssign;

use crate::inputs::{Areas, Population, Prevalence, Workforce};
use crate::problems::InputError;
use crate::scenario::Scenario;
use crate::Warnings;

pub use capacity::WteCapacity;
pub use demand::{Demand, FunnelRates};
pub use intensity::{Intensity, PerIntensity};
pub use prepare::{prepare, Level, Prepared};
pub use staffing::{CurrentRole, RoleKind, RoleLine};
pub use workforce::WorkforceDetail;

/// The data a run reads.
#[derive(Debug, Clone)]
pub struct ModelInputs {
    pub population: Population,
    pub prevalence: Prevalence,
    pub areas: Option<Areas>,
    pub workforce: Option<Workforce>,
}

/// Which rows a run reports.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub level: Level,
    /// Keep only the leaves under these codes; empty uses the scenario's `population.areas`.
    pub areas: Vec<String>,
}

/// The additive quantities of the model: summed over disorders, leaves and areas.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Flow {
    pub demand: Demand,
    pub stepped_up: f64,
    pub episodes: PerIntensity<f64>,
    /// Attended contacts.
    pub contacts: PerIntensity<f64>,
    pub booked_contacts: PerIntensity<f64>,
    pub wte: PerIntensity<f64>,
}

impl AddAssign for Flow {
    fn add_assign(&mut self, o: Flow) {
        let d = &mut self.demand;
        d.prevalent += o.demand.prevalent;
        d.presenting += o.demand.presenting;
        d.detected += o.demand.detected;
        d.referred += o.demand.referred;
        d.medication_only += o.demand.medication_only;
        d.treated += o.demand.treated;
        self.stepped_up += o.stepped_up;
        self.episodes += o.episodes;
        self.contacts += o.contacts;
        self.booked_contacts += o.booked_contacts;
        self.wte += o.wte;
    }
}

/// The pathway of one disorder, with per-disorder overrides resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pathway {
    pub rates: FunnelRates,
    pub step2_entry: f64,
    pub step_up: f64,
}

pub fn pathways(scenario: &Scenario, disorders: &[String]) -> Vec<Pathway> {
    disorders
        .iter()
        .map(|id| {
            let o = scenario.disorders.get(id).cloned().unwrap_or_default();
            Pathway {
                rates: FunnelRates {
                    presentation_rate: scenario.demand.presentation_rate,
                    detection_rate: scenario.demand.detection_rate,
                    referral_weight: o.referral_weight.unwrap_or(scenario.demand.referral_weight),
                    medication_only: o.medication_only.unwrap_or(scenario.demand.medication_only),
                },
                step2_entry: o.step2_entry.unwrap_or(scenario.stepped_care.step2_entry),
                step_up: o.step_up.unwrap_or(scenario.stepped_care.step_up),
            }
        })
        .collect()
}

/// One disorder's whole chain, from prevalent cases to WTE.
pub fn disorder_flow(
    prevalent: f64,
    pathway: &Pathway,
    capacity: &PerIntensity<WteCapacity>,
) -> Flow {
    let demand = demand::funnel(prevalent, &pathway.rates);
    let split = stepped_care::split(demand.treated, pathway.step2_entry, pathway.step_up);
    let load = PerIntensity::from_fn(|i| capacity::workload(split.episodes[i], &capacity[i]));
    Flow {
        demand,
        stepped_up: split.stepped_up,
        episodes: split.episodes,
        contacts: load.map(|w| w.attended_contacts),
        booked_contacts: load.map(|w| w.booked_contacts),
        wte: load.map(|w| w.wte),
    }
}

/// A reported row (or the total), before formatting.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaResult {
    pub code: String,
    pub name: String,
    pub level: String,
    pub population_in_scope: f64,
    pub flow: Flow,
    /// The flow of each disorder, in `ModelResult::disorders` order.
    pub by_disorder: Vec<Flow>,
    pub current: PerIntensity<f64>,
    /// Current staff by role and band (issue 5), empty without a workforce file.
    pub current_roles: Vec<CurrentRole>,
    /// Roles and bands, costs, supervision and pipeline (issue 5); empty for leaf results
    /// that are not reported.
    pub workforce: WorkforceDetail,
}

impl AreaResult {
    fn empty(code: &str, name: &str, level: &str, n_disorders: usize) -> AreaResult {
        AreaResult {
            code: code.into(),
            name: name.into(),
            level: level.into(),
            population_in_scope: 0.0,
            flow: Flow::default(),
            by_disorder: vec![Flow::default(); n_disorders],
            current: PerIntensity::default(),
            current_roles: Vec::new(),
            workforce: WorkforceDetail::default(),
        }
    }

    /// Fills in `workforce` from the area's sums and current staff.
    fn detail(&mut self, scenario: &Scenario, pay: &crate::inputs::PayTable) {
        self.workforce = workforce::workforce_detail(
            &self.flow,
            self.population_in_scope,
            self.current,
            &self.current_roles,
            scenario,
            pay,
        );
    }

    fn add(&mut self, other: &AreaResult) {
        self.population_in_scope += other.population_in_scope;
        self.flow += other.flow;
        for (a, b) in self.by_disorder.iter_mut().zip(&other.by_disorder) {
            *a += *b;
        }
    }

    /// Required minus effective current WTE; positive is a shortfall.
    pub fn gap(&self) -> PerIntensity<f64> {
        PerIntensity::from_fn(|i| self.flow.wte[i] - self.current[i])
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelResult {
    pub disorders: Vec<String>,
    pub capacity: PerIntensity<WteCapacity>,
    pub rows: Vec<AreaResult>,
    pub total: AreaResult,
    pub has_workforce: bool,
    /// Whether some leaf's deprivation factor differs from the scenario's (an `[areas.<code>]`
    /// override or an areas-file prevalence_factor), so the funnel can say so.
    pub deprivation_varies: bool,
}

/// The deprivation factor of a leaf: the nearest per-area override in the scenario (the leaf
/// or an ancestor), else the scenario's, times the areas file's prevalence factors.
pub fn leaf_deprivation(leaf: &prepare::PreparedLeaf, scenario: &Scenario) -> f64 {
    let scenario_factor = leaf
        .lineage
        .iter()
        .find_map(|code| scenario.areas.get(code).and_then(|a| a.deprivation_factor))
        .unwrap_or(scenario.demand.deprivation_factor);
    scenario_factor * leaf.prevalence_factor
}

/// Runs the model for one scenario over prepared data. Pure and deterministic: leaves are
/// summed in a fixed order.
pub fn evaluate(prepared: &Prepared, scenario: &Scenario) -> ModelResult {
    let n = prepared.disorders.len();
    let paths = pathways(scenario, &prepared.disorders);
    let capacity = capacity::wte_capacity(scenario);
    let pay = crate::embedded::afc_pay();
    let leaf_results: Vec<AreaResult> = prepared
        .leaves
        .iter()
        .map(|leaf| {
            let area = &prepared.geography.areas[leaf.area];
            let mut r = AreaResult::empty(&area.code, &area.name, &area.level, n);
            r.population_in_scope = leaf.population_in_scope;
            let deprivation = leaf_deprivation(leaf, scenario);
            for (d, path) in paths.iter().enumerate() {
                let f = disorder_flow(leaf.base_prevalent[d] * deprivation, path, &capacity);
                r.by_disorder[d] = f;
                r.flow += f;
            }
            r
        })
        .collect();
    let rows: Vec<AreaResult> = prepared
        .groups
        .iter()
        .map(|g| {
            let mut r = AreaResult::empty(&g.code, &g.name, &g.level, n);
            for &slot in &g.leaves {
                r.add(&leaf_results[slot]);
            }
            r.current = g.current;
            r.current_roles = g.current_roles.clone();
            r.detail(scenario, pay);
            r
        })
        .collect();
    let mut total = AreaResult::empty("total", "Total", "total", n);
    for r in &rows {
        total.add(r);
    }
    total.current = prepared.total_current;
    total.current_roles = prepared.total_current_roles.clone();
    total.detail(scenario, pay);
    let deprivation_varies = prepared
        .leaves
        .iter()
        .any(|l| leaf_deprivation(l, scenario) != scenario.demand.deprivation_factor);
    ModelResult {
        disorders: prepared.disorders.clone(),
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
