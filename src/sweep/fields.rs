//! The sweep's fields: the row fields of `capacity model` (`output::fields::row_fields`, one
//! declaration for both), computed by column over a block of runs from the fast path's sums.
//!
//! Every field follows its [`Recipe`] the way `Field::read` follows it for one area's result:
//! the funnel and WTE fields are the sums themselves, ratios are recomputed from them, and
//! the workforce detail (costs, supervision, training pipeline) calls the model's own
//! functions (`costs::staff_cost`, `pipeline::intakes`, ...) on the area's WTE. The tests
//! compare every field with `capacity model`'s rows.

use std::borrow::Cow;

use crate::inputs::PayTable;
use crate::model::pipeline::{self, Intake, PipelineParams};
use crate::model::staffing::{ratio_basis, Supervision};
use crate::model::{costs, q, PerStep};
pub use crate::output::fields::{row_fields, Field, Kind, Recipe};
use crate::problems::InputError;
use crate::scenario::{PipelineSettings, RatioBasis, Scenario};

/// The fields a summary can take (always numbers). The medication and total costs are empty
/// in `capacity model` only without a course cost, which a sweep refuses (`spec.rs`).
pub fn summarisable(fields: &[Field]) -> Vec<&str> {
    fields
        .iter()
        .filter(|f| {
            f.kind == Kind::Number || matches!(f.recipe, Recipe::CostMedication | Recipe::CostTotal)
        })
        .map(|f| f.name.as_str())
        .collect()
}

/// The summary's outputs unless the user picks others: each step's WTE, the total, referrals
/// and each step's gap.
pub fn default_outputs(steps: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = steps.iter().map(|s| format!("{s}_wte")).collect();
    out.push("total_wte".into());
    out.push("referred".into());
    out.extend(steps.iter().map(|s| format!("gap_{s}_wte")));
    out
}

/// The index of a field name in `fields`.
pub fn field_index(fields: &[Field], name: &str) -> Option<usize> {
    fields.iter().position(|f| f.name == name)
}

/// Which quantities a field is computed from (`model::q` indices), for `steps` steps.
pub fn quantities_of(recipe: Recipe, steps: usize) -> Vec<usize> {
    use Recipe::*;
    let wte = (0..steps).map(q::wte);
    match recipe {
        Quantity(x) => vec![x],
        TotalWte | WteRatio(..) | ShareOfWte(_) => wte.collect(),
        ShareOfContacts(_) => (0..steps).map(q::contacts).collect(),
        AccessRate => vec![q::TREATED, q::PREVALENT],
        Gap(s) | RequirementMet(s) => vec![q::wte(s)],
        Population | EpisodesPerWte(_) | Current(_) | Observed(_) => vec![],
        // The workforce detail reads WTE and people on medication alone; the unit costs
        // read contacts and episodes too.
        _ => wte
            .chain([q::MEDICATION_ONLY])
            .chain((0..steps).flat_map(|s| [q::contacts(s), q::episodes(s)]))
            .collect(),
    }
}

/// What a row's fields are made of, besides its quantities.
#[derive(Debug, Clone)]
pub struct RowConstants {
    pub population_in_scope: f64,
    /// Effective current WTE of each step.
    pub current: Vec<f64>,
    /// A workforce file was given (else the requirement met is unknown, not 0).
    pub has_workforce: bool,
}

#[derive(Debug, Clone, Copy)]
struct RoleCoef {
    share: f64,
    salary: f64,
    supervises: bool,
}

#[derive(Debug, Clone)]
struct RatioCoef {
    per: RatioBasis,
    ratio: f64,
    salary: f64,
}

/// A step's pipeline settings with the parts that depend on them alone worked out once
/// (`pipeline::IntakeFactors`); the intake is then the model's own `pipeline::intake_with`.
#[derive(Debug, Clone, Copy)]
struct PipelineRun {
    p: PipelineParams,
    factors: pipeline::IntakeFactors,
}

impl PipelineRun {
    fn new(settings: &PipelineSettings, turnover: f64) -> PipelineRun {
        let p = PipelineParams::of(settings, turnover);
        PipelineRun {
            p,
            factors: pipeline::IntakeFactors::of(&p),
        }
    }

    #[inline]
    fn intake(&self, required: f64, current: f64) -> Intake {
        Intake {
            intake: pipeline::intake_with(required, current, &self.p, &self.factors),
            steady: pipeline::steady_intake(required, &self.p),
        }
    }
}

/// The workforce settings of one run (issue 5), resolved: each step's roles with their
/// share, salary and whether they supervise, the ratio roles, on-costs, supervision and
/// pipeline settings.
#[derive(Debug, Clone)]
pub struct Staffing {
    step_ids: Vec<String>,
    roles: Vec<Vec<RoleCoef>>,
    ratio_roles: Vec<RatioCoef>,
    on_cost_rate: f64,
    course_cost: Option<f64>,
    supervision_hours: Vec<f64>,
    hours_per_supervisor_wte: f64,
    pipeline: Vec<PipelineRun>,
}

/// The workforce detail of one run in one row, as a slice of `Detail::len(steps)` numbers:
/// the cost of each step, then the ratio roles' cost, medication, ratio roles' WTE,
/// supervision hours, supervisor WTE, senior WTE, covered (1 or 0), then each step's intake
/// and each step's steady intake.
pub struct Detail;

impl Detail {
    pub const fn len(steps: usize) -> usize {
        3 * steps + 7
    }
    const fn cost(s: usize) -> usize {
        s
    }
    const fn after_costs(steps: usize, k: usize) -> usize {
        steps + k
    }
    const fn intake(steps: usize, s: usize) -> usize {
        steps + 7 + s
    }
    const fn steady(steps: usize, s: usize) -> usize {
        2 * steps + 7 + s
    }
}

const COST_RATIO_ROLES: usize = 0;
const MEDICATION: usize = 1;
const RATIO_ROLES_WTE: usize = 2;
const SUPERVISION_HOURS: usize = 3;
const SUPERVISOR_WTE: usize = 4;
const SENIOR_WTE: usize = 5;
const COVERED: usize = 6;

impl Staffing {
    pub fn new(scenario: &Scenario, pay: &PayTable) -> Staffing {
        let c = &scenario.costs;
        let salary = |band: &str| costs::salary(band, c, pay).unwrap_or(0.0);
        Staffing {
            step_ids: scenario.steps.iter().map(|s| s.id.clone()).collect(),
            roles: scenario
                .steps
                .iter()
                .map(|s| {
                    s.roles
                        .iter()
                        .map(|r| RoleCoef {
                            share: r.share,
                            salary: salary(&r.band),
                            supervises: r.supervises,
                        })
                        .collect()
                })
                .collect(),
            ratio_roles: scenario
                .ratio_roles
                .iter()
                .map(|r| RatioCoef {
                    per: r.per.clone(),
                    ratio: r.ratio,
                    salary: salary(&r.band),
                })
                .collect(),
            on_cost_rate: c.on_cost_rate,
            course_cost: c.medication_course_cost,
            supervision_hours: scenario.steps.iter().map(|s| s.supervision_hours).collect(),
            hours_per_supervisor_wte: scenario.supervision.hours_per_supervisor_wte,
            pipeline: scenario
                .steps
                .iter()
                .map(|s| PipelineRun::new(&scenario.pipeline, s.turnover))
                .collect(),
        }
    }

    /// As `model::workforce::workforce_detail` works it out from an area's sums: the same
    /// functions, the same order of additions. Writes `Detail::len(steps)` numbers to `out`.
    pub fn detail(
        &self,
        wte: &[f64],
        population_in_scope: f64,
        current: &[f64],
        medication_only: f64,
        out: &mut [f64],
    ) {
        let n = self.roles.len();
        let mut senior = vec![0.0; n];
        for (i, roles) in self.roles.iter().enumerate() {
            let mut cost = 0.0;
            for r in roles {
                let line = r.share * wte[i];
                cost += costs::staff_cost(line, r.salary, self.on_cost_rate);
                if r.supervises {
                    senior[i] += line;
                }
            }
            out[Detail::cost(i)] = cost;
        }
        let per_step = PerStep(wte.to_vec());
        let (mut ratio_cost, mut ratio_wte) = (0.0, 0.0);
        for r in &self.ratio_roles {
            let index = |id: &str| self.step_ids.iter().position(|s| s == id);
            let line = r.ratio * ratio_basis(&r.per, &per_step, index, population_in_scope);
            ratio_cost += costs::staff_cost(line, r.salary, self.on_cost_rate);
            ratio_wte += line;
        }
        // As `staffing::supervision` adds them: hours per step, then totals in step order.
        let hours = PerStep::from_fn(n, |i| wte[i] * self.supervision_hours[i]);
        let s = Supervision {
            supervisor_wte: hours.map(|h| h / self.hours_per_supervisor_wte),
            senior_wte: PerStep(senior),
            hours,
        };
        let at = |k| Detail::after_costs(n, k);
        out[at(COST_RATIO_ROLES)] = ratio_cost;
        // A sweep requires the course cost wherever medication alone can be above 0
        // (`spec.rs`), so this is known; NaN (an empty cell) otherwise.
        out[at(MEDICATION)] =
            costs::medication_cost(medication_only, self.course_cost).unwrap_or(f64::NAN);
        out[at(RATIO_ROLES_WTE)] = ratio_wte;
        out[at(SUPERVISION_HOURS)] = s.hours_total();
        out[at(SUPERVISOR_WTE)] = s.supervisor_wte_total();
        out[at(SENIOR_WTE)] = s.senior_wte_total();
        out[at(COVERED)] = f64::from(u8::from(s.covered()));
        for (i, p) in self.pipeline.iter().enumerate() {
            let intake = p.intake(wte[i], current[i]);
            out[Detail::intake(n, i)] = intake.intake;
            out[Detail::steady(n, i)] = intake.steady;
        }
    }
}

/// Whether a varied key changes the workforce settings rather than the WTE.
pub fn is_staffing_key(path: &str) -> bool {
    ["costs.", "supervision.", "pipeline.", "ratio_roles."]
        .iter()
        .any(|p| path.starts_with(p))
        || path.contains(".roles.")
        || path.ends_with(".supervision_hours")
        || path.ends_with(".turnover")
}

/// Where each run's `Staffing` comes from: the base scenario's when no workforce key is
/// varied, else the base with the run's values written in.
#[derive(Debug, Clone)]
pub enum StaffingPlan {
    Fixed(Staffing),
    PerRun {
        probe: Box<Scenario>,
        /// (position in `Scenario::visit_numbers` order, varied parameter).
        sets: Vec<(usize, usize)>,
        pay: Box<PayTable>,
    },
}

impl StaffingPlan {
    /// `probe` as from `plan::probe_scenario`; `paths` the varied keys in order.
    pub fn new(probe: &Scenario, paths: &[String], pay: &PayTable) -> StaffingPlan {
        let keys: Vec<String> = probe.numbers().into_iter().map(|(p, _, _)| p).collect();
        let mut sets: Vec<(usize, usize)> = paths
            .iter()
            .enumerate()
            .filter(|(_, p)| is_staffing_key(p))
            .filter_map(|(j, p)| {
                let p = crate::scenario::canonical_key(p);
                keys.iter().position(|k| *k == p).map(|at| (at, j))
            })
            .collect();
        // In visiting order, as `for_run` walks them.
        sets.sort_unstable();
        if sets.is_empty() {
            StaffingPlan::Fixed(Staffing::new(probe, pay))
        } else {
            StaffingPlan::PerRun {
                probe: Box::new(probe.clone()),
                sets,
                pay: Box::new(pay.clone()),
            }
        }
    }

    /// The staffing of a run whose varied parameters take `x`.
    pub fn for_run(&self, x: &[f64]) -> Cow<'_, Staffing> {
        match self {
            StaffingPlan::Fixed(s) => Cow::Borrowed(s),
            StaffingPlan::PerRun { probe, sets, pay } => {
                let mut scenario = (**probe).clone();
                let mut at = 0;
                let mut next = 0;
                scenario.visit_numbers(&mut |_, v, _| {
                    if let Some(&(slot, j)) = sets.get(next) {
                        if slot == at {
                            *v = x[j];
                            next += 1;
                        }
                    }
                    at += 1;
                });
                Cow::Owned(Staffing::new(&scenario, pay))
            }
        }
    }
}

/// A field's values over a block of runs, one loop per field (no match per row): `v(quantity)`
/// gives that quantity's values (`model::q` index), `per_wte[s * m + i]` run i's episodes per
/// WTE of step s, and `details[i * Detail::len(steps) ..]` run i's workforce detail (read
/// only by the workforce fields; may be empty otherwise). The arithmetic is `Field::read`'s;
/// a missing value is NaN, a flag 1 or 0.
pub fn field_column<'a>(
    field: &Field,
    steps: usize,
    v: impl Fn(usize) -> &'a [f64],
    k: &RowConstants,
    per_wte: &[f64],
    details: &[f64],
    out: &mut [f64],
) {
    use Recipe::*;
    let m = out.len();
    let ratio_of = |out: &mut [f64], a: &[f64], b: &[f64]| {
        for (i, o) in out.iter_mut().enumerate() {
            *o = if b[i] == 0.0 { f64::NAN } else { a[i] / b[i] };
        }
    };
    // The sum over steps of one quantity, added in step order as `PerStep::total` adds.
    // (The first step copied, not added to 0: the same number, one pass fewer.)
    let sum_of = |out: &mut [f64], quantity: fn(usize) -> usize| {
        match steps {
            0 => out.fill(0.0),
            _ => out.copy_from_slice(&v(quantity(0))[..m]),
        }
        for s in 1..steps {
            for (o, x) in out.iter_mut().zip(v(quantity(s))) {
                *o += x;
            }
        }
    };
    let dl = Detail::len(steps);
    let each = |out: &mut [f64], f: &dyn Fn(&[f64], usize) -> f64| {
        assert_eq!(
            details.len(),
            m * dl,
            "a workforce field needs every run's detail"
        );
        for (i, (o, d)) in out.iter_mut().zip(details.chunks_exact(dl)).enumerate() {
            *o = f(d, i);
        }
    };
    match field.recipe {
        Population => out.fill(k.population_in_scope),
        Quantity(x) => out.copy_from_slice(&v(x)[..m]),
        TotalWte => sum_of(out, q::wte),
        WteRatio(a, b) => ratio_of(out, v(q::wte(a)), v(q::wte(b))),
        ShareOfWte(s) => {
            sum_of(out, q::wte);
            let w = v(q::wte(s));
            for (i, o) in out.iter_mut().enumerate() {
                *o = if *o == 0.0 { f64::NAN } else { w[i] / *o };
            }
        }
        ShareOfContacts(s) => {
            sum_of(out, q::contacts);
            let c = v(q::contacts(s));
            for (i, o) in out.iter_mut().enumerate() {
                *o = if *o == 0.0 { f64::NAN } else { c[i] / *o };
            }
        }
        AccessRate => ratio_of(out, v(q::TREATED), v(q::PREVALENT)),
        EpisodesPerWte(s) => out.copy_from_slice(&per_wte[s * m..(s + 1) * m]),
        Current(s) => out.fill(k.current[s]),
        Gap(s) => {
            let w = v(q::wte(s));
            for (i, o) in out.iter_mut().enumerate() {
                *o = w[i] - k.current[s];
            }
        }
        RequirementMet(s) => {
            let w = v(q::wte(s));
            for (i, o) in out.iter_mut().enumerate() {
                *o = if w[i] == 0.0 || !k.has_workforce {
                    f64::NAN
                } else {
                    k.current[s] / w[i]
                };
            }
        }
        Cost(s) => each(out, &|d, _| d[Detail::cost(s)]),
        CostRatioRoles => each(out, &|d, _| d[Detail::after_costs(steps, COST_RATIO_ROLES)]),
        CostMedication => each(out, &|d, _| d[Detail::after_costs(steps, MEDICATION)]),
        // As `CostSummary::total` adds: the steps' staff in step order, then ratio roles,
        // then medication.
        CostTotal => each(out, &|d, _| {
            let staff = (0..steps).fold(0.0, |sum, s| sum + d[Detail::cost(s)]);
            staff
                + d[Detail::after_costs(steps, COST_RATIO_ROLES)]
                + d[Detail::after_costs(steps, MEDICATION)]
        }),
        CostPer(s, quantity) => {
            let units = v(quantity);
            each(out, &|d, i| {
                if units[i] == 0.0 {
                    f64::NAN
                } else {
                    d[Detail::cost(s)] / units[i]
                }
            });
        }
        RatioRolesWte => each(out, &|d, _| d[Detail::after_costs(steps, RATIO_ROLES_WTE)]),
        SupervisionHours => each(out, &|d, _| {
            d[Detail::after_costs(steps, SUPERVISION_HOURS)]
        }),
        SupervisorWte => each(out, &|d, _| d[Detail::after_costs(steps, SUPERVISOR_WTE)]),
        SeniorWte => each(out, &|d, _| d[Detail::after_costs(steps, SENIOR_WTE)]),
        SupervisionCovered => each(out, &|d, _| d[Detail::after_costs(steps, COVERED)]),
        TraineeIntake(s) => each(out, &|d, _| d[Detail::intake(steps, s)]),
        SteadyIntake(s) => each(out, &|d, _| d[Detail::steady(steps, s)]),
        // A sweep's fields are the model's (observed activity is not swept).
        Observed(_) => out.fill(f64::NAN),
    }
}

/// The fields to summarise, checked against the fields of a scenario with these steps; with
/// no steps (rows files read back), as given: the rows file's header checks them. An empty
/// list is the default outputs (with no steps, the rows file's).
pub fn parse_outputs(list: &[String], steps: Option<&[&str]>) -> Result<Vec<String>, InputError> {
    let names: Vec<String> = if list.is_empty() {
        steps.map(default_outputs).unwrap_or_default()
    } else {
        list.iter().map(|s| s.trim().to_string()).collect()
    };
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    let Some(steps) = steps else {
        return Ok(out);
    };
    let all = row_fields(steps);
    let valid = summarisable(&all);
    let bad: Vec<&str> = out
        .iter()
        .map(String::as_str)
        .filter(|n| !valid.contains(n))
        .collect();
    if !bad.is_empty() {
        return Err(InputError::one(format!(
            "--outputs {}: not an output that can be summarised; expected any of {}",
            bad.join(","),
            valid.join(", ")
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{evaluate, prepare, Level, ModelInputs, Prepared, RunOptions};
    use crate::output::Row;
    use crate::scenario::{self, ScenarioSource};
    use crate::sweep::fast::FastModel;

    fn england() -> ModelInputs {
        ModelInputs {
            population: crate::embedded::population().unwrap(),
            prevalence: crate::embedded::prevalence().unwrap(),
            areas: Some(crate::embedded::areas().unwrap()),
            workforce: None,
            pay: crate::embedded::afc_pay().clone(),
        }
    }

    fn preset(name: &str) -> Scenario {
        scenario::load(&ScenarioSource::Preset(name.into()))
            .unwrap()
            .0
    }

    fn prepared_for(scenario: &Scenario, level: Level) -> Prepared {
        let options = RunOptions {
            level,
            areas: vec![],
        };
        prepare(&england(), scenario, &options).unwrap().0
    }

    /// The 2007 steps keep the 45 field names, in the order, that users' scripts rely on.
    #[test]
    fn the_2007_steps_keep_their_field_names() {
        let names: Vec<String> = row_fields(&["low", "high"])
            .into_iter()
            .map(|f| f.name)
            .collect();
        let want = "population_in_scope prevalent presenting detected referred medication_only \
             treated low_episodes high_episodes stepped_up low_contacts high_contacts low_wte \
             high_wte total_wte low_high_ratio low_share_wte low_share_contacts access_rate \
             low_episodes_per_wte high_episodes_per_wte current_low_wte current_high_wte \
             gap_low_wte gap_high_wte requirement_met_low requirement_met_high cost_low \
             cost_high cost_ratio_roles cost_medication cost_total cost_per_low_contact \
             cost_per_high_contact cost_per_low_episode cost_per_high_episode ratio_roles_wte \
             supervision_hours_per_week supervisor_wte senior_wte supervision_covered \
             trainee_intake_low trainee_intake_high steady_intake_low steady_intake_high";
        assert_eq!(names, want.split_whitespace().collect::<Vec<_>>());
    }

    /// The cached pipeline gives `pipeline::intakes`' numbers to the bit.
    #[test]
    fn cached_pipeline_equals_the_model_to_the_bit() {
        for (years, training, t_low, t_high, c) in [
            (3.0, 1.0, 0.22, 0.09, 0.9),
            (5.0, 2.0, 0.0, 0.5, 1.0),
            (1.0, 2.0, 0.1, 0.1, 0.8),
            (4.0, 4.0, 0.3, 0.05, 0.7),
        ] {
            let settings = PipelineSettings {
                years,
                training_years: training,
                completion_rate: c,
            };
            let cached = [t_low, t_high].map(|t| PipelineRun::new(&settings, t));
            for (required, current) in [(100.0, 50.0), (3.7, 12.25), (0.0, 0.0), (812.3, 0.0)] {
                let want = pipeline::intakes(
                    &PerStep(vec![required, required * 0.7]),
                    &PerStep(vec![current, current * 1.3]),
                    &PerStep(vec![t_low, t_high]),
                    &settings,
                );
                let low = cached[0].intake(required, current);
                let high = cached[1].intake(required * 0.7, current * 1.3);
                for (a, b) in [
                    (low.intake, want[0].intake),
                    (low.steady, want[0].steady),
                    (high.intake, want[1].intake),
                    (high.steady, want[1].steady),
                ] {
                    assert_eq!(a.to_bits(), b.to_bits(), "{years} {training} {required}");
                }
            }
        }
    }

    /// The fast path and `evaluate` agree on every field of every row, within `tol`
    /// relative: the sweep's columns (`field_column`) against `capacity model`'s rows
    /// (`Field::read`), both following the one declaration of `row_fields`.
    pub(crate) fn assert_same_within(
        base: &Scenario,
        level: Level,
        paths: &[&str],
        x: &[f64],
        tol: f64,
    ) {
        let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        let mut probe = base.clone();
        for p in &paths {
            probe.create_optional(p);
        }
        let prepared = prepared_for(&probe, level);
        let model = FastModel::compile(&prepared, &probe, &paths);
        let mut ctx = model.new_context();
        model.prepare_run(x, &mut ctx);
        let plan = StaffingPlan::new(&probe, &paths, &prepared.pay);
        let staffing = plan.for_run(x);

        let mut scenario = probe.clone();
        for (p, v) in paths.iter().zip(x) {
            assert!(scenario.set(p, *v), "{p}");
        }
        let result = evaluate(&prepared, &scenario);
        let rows: Vec<&crate::model::AreaResult> =
            result.rows.iter().chain(Some(&result.total)).collect();
        assert_eq!(rows.len(), model.areas() + 1);
        let steps = model.steps();
        let nq = model.quantities();
        let mut total = vec![0.0; nq];
        for (a, r) in rows.iter().enumerate() {
            let want = Row::new(r, &result);
            let mut v = vec![0.0; nq];
            if a < model.areas() {
                for (quantity, slot) in v.iter_mut().enumerate() {
                    *slot = model.quantity(&ctx, a, quantity);
                    total[quantity] += *slot;
                }
            } else {
                v.clone_from(&total);
            }
            let k = model.constants(a);
            let mut detail = vec![0.0; Detail::len(steps)];
            let wte: Vec<f64> = (0..steps).map(|s| v[q::wte(s)]).collect();
            staffing.detail(
                &wte,
                k.population_in_scope,
                &k.current,
                v[q::MEDICATION_ONLY],
                &mut detail,
            );
            let columns: Vec<Vec<f64>> = v.iter().map(|&x| vec![x]).collect();
            for field in model.fields() {
                let mut out = [0.0];
                field_column(
                    field,
                    steps,
                    |quantity| &columns[quantity],
                    k,
                    &ctx.per_wte,
                    &detail,
                    &mut out,
                );
                let got = Some(out[0]).filter(|g| !g.is_nan());
                let want = want.get(&field.name).and_then(|v| v.as_f64());
                match (got, want) {
                    (Some(g), Some(w)) => assert!(
                        (g - w).abs() <= tol * g.abs().max(w.abs()).max(1.0),
                        "{} {}: fast {g} vs evaluate {w} at {x:?}",
                        r.code,
                        field.name
                    ),
                    (g, w) => assert_eq!(g, w, "{} {}", r.code, field.name),
                }
            }
        }
    }

    fn assert_same(base: &Scenario, level: Level, paths: &[&str], x: &[f64]) {
        assert_same_within(base, level, paths, x, 1e-13);
    }

    #[test]
    fn fast_path_equals_evaluate_for_global_keys() {
        assert_same(
            &preset("obc"),
            Level::Named("icb".into()),
            &[
                "demand.presentation_rate",
                "demand.detection_rate",
                "demand.deprivation_factor",
                "stepped_care.step2_entry",
                "stepped_care.step_up",
                "low_intensity.contacts_per_episode",
                "low_intensity.contacts_per_day",
                "low_intensity.caseload",
                "high_intensity.contacts_per_episode",
                "high_intensity.contacts_per_day",
                "high_intensity.caseload",
                "capacity.dna_rate",
                "capacity.headroom",
                "demand.medication_only",
                "costs.medication_course_cost",
            ],
            &[
                0.41, 0.63, 1.2, 0.8, 0.27, 5.5, 12.0, 0.66, 14.0, 6.0, 0.6, 0.1, 0.05, 0.2, 9.5,
            ],
        );
    }

    #[test]
    fn fast_path_equals_evaluate_with_disorder_and_area_overrides() {
        assert_same(
            &preset("newham"),
            Level::Named("region".into()),
            &[
                "disorders.ptsd.steps.low.entry",
                "disorders.depression.step_up",
                "areas.E54000008.deprivation_factor",
                "areas.E40000003.deprivation_factor",
                "steps.high.working_days",
                "demand.deprivation_factor",
            ],
            &[0.3, 0.25, 1.3, 0.7, 200.0, 0.9],
        );
    }

    #[test]
    fn fast_path_equals_evaluate_with_clinical_hours() {
        assert_same(
            &preset("clark-hi"),
            Level::Leaves,
            &[
                "high_intensity.clinical_hours_per_week",
                "high_intensity.contact_hours",
                "high_intensity.working_days",
                "low_intensity.working_days",
                "capacity.working_days",
            ],
            &[20.0, 0.9, 230.0, 210.0, 200.0],
        );
    }

    #[test]
    fn fast_path_equals_evaluate_with_workforce_keys_varied() {
        let base = preset("north-essex");
        let mut paths = vec![
            "costs.on_cost_rate",
            "supervision.low_hours",
            "supervision.hours_per_supervisor_wte",
            "pipeline.turnover_low",
            "pipeline.completion_rate",
            "low_intensity.roles.0.share",
            "costs.salary.5",
        ];
        let mut x = vec![0.3, 2.0, 6.0, 0.2, 0.8, 0.7, 31000.0];
        if !base.ratio_roles.is_empty() {
            paths.push("ratio_roles.0.ratio");
            x.push(0.2);
        }
        assert_same(&base, Level::Named("icb".into()), &paths, &x);
        assert!(matches!(
            StaffingPlan::new(
                &base,
                &["demand.presentation_rate".to_string()],
                crate::embedded::afc_pay()
            ),
            StaffingPlan::Fixed(_)
        ));
    }

    /// A second pathway (OCD with its own funnel and step) and a third step in the main one:
    /// the pathway's keys, a disorder's own key (which wins over its pathway's) and the new
    /// steps' keys, varied together.
    const PATHWAYS: &str = "extends = \"newham\"\n\
        [pathways.ocd]\nconditions = [\"ocd\"]\npresentation_rate = 0.7\n\
        [steps.erp]\npathway = \"ocd\"\ncontacts_per_episode = 14\ncontacts_per_day = 6\n\
        caseload = 0.6\nentry = \"rest\"\n\
        [[steps.erp.roles]]\nrole = \"HIT\"\nband = \"7\"\nshare = 1\n\
        [steps.counselling]\ncontacts_per_episode = 20\nclinical_hours_per_week = 22\n\
        contact_hours = 1.0\nentry = 0.1\nsupervision_hours = 1.0\nturnover = 0.1\n\
        [steps.counselling.from]\nhigh = 0.05\n\
        [[steps.counselling.roles]]\nrole = \"Counsellor\"\nband = \"6\"\nshare = 1\n\
        [steps.low]\nentry = 0.85\n";

    #[test]
    fn fast_path_equals_evaluate_with_pathways_and_a_third_step() {
        let (base, _) = scenario::load_str("p.toml", PATHWAYS).unwrap();
        assert_same(
            &base,
            Level::Named("region".into()),
            &[
                "pathways.ocd.presentation_rate",
                "pathways.ocd.referral_weight",
                "disorders.ocd.referral_weight",
                "steps.erp.contacts_per_episode",
                "steps.counselling.entry",
                "steps.counselling.from.high",
                "steps.counselling.clinical_hours_per_week",
                "demand.presentation_rate",
            ],
            &[0.6, 0.8, 0.9, 12.0, 0.05, 0.2, 20.0, 0.45],
        );
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Random values of keys of every kind (funnel, pathway, per disorder, entry and
        /// edge shares, both capacity forms, workforce) on a scenario with two pathways and
        /// four steps: the fast path and `evaluate` agree on every field to 1e-12.
        #[test]
        fn fast_path_equals_evaluate_for_random_values(
            rates in prop::collection::vec(0.05f64..0.95, 6),
            contacts in 2.0f64..30.0,
            hours in 10.0f64..30.0,
            caseload in 0.3f64..0.9,
            turnover in 0.0f64..0.5,
        ) {
            let (base, _) = scenario::load_str("p.toml", PATHWAYS).unwrap();
            assert_same_within(
                &base,
                Level::Named("region".into()),
                &[
                    "demand.detection_rate",
                    "pathways.ocd.detection_rate",
                    "disorders.ptsd.steps.low.entry",
                    "disorders.depression.step_up",
                    "steps.counselling.entry",
                    "steps.counselling.from.high",
                    "steps.erp.contacts_per_episode",
                    "steps.counselling.clinical_hours_per_week",
                    "steps.low.caseload",
                    "steps.high.turnover",
                ],
                &[
                    rates[0], rates[1], rates[2], rates[3], rates[4] * 0.15, rates[5],
                    contacts, hours, caseload, turnover,
                ],
                1e-12,
            );
        }
    }
}
