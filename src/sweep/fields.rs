//! The fields of a row, as `output::Row` has them, computed from the fast path's sums.
//!
//! Every field is worked out the way `Row::new` works it out from an area's sums: the funnel
//! and WTE fields are the sums themselves, ratios are recomputed from them, and the workforce
//! detail (costs, supervision, training pipeline) calls the model's own functions
//! (`costs::staff_cost`, `pipeline::intakes`, ...) on the area's WTE. The tests compare every
//! field with `Row::new` over `evaluate`.

use std::borrow::Cow;

use crate::inputs::PayTable;
use crate::model::pipeline::{self, Intake, PipelineParams};
use crate::model::staffing::{ratio_basis, Supervision};
use crate::model::{costs, Intensity, PerIntensity};
use crate::scenario::{PipelineSettings, RatioBasis, Scenario, SupervisionSettings};

use super::fast::q;

/// How a field is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Always a number: can be summarised.
    Number,
    /// A number or empty (a ratio whose denominator is 0, a cost that cannot be known).
    Optional,
    /// true or false.
    Flag,
}

use Kind::{Flag, Number, Optional};

/// The fields of `output::Row` after area_code, area_name and level, in its order.
pub const FIELDS: [(&str, Kind); 45] = [
    ("population_in_scope", Number),
    ("prevalent", Number),
    ("presenting", Number),
    ("detected", Number),
    ("referred", Number),
    ("medication_only", Number),
    ("treated", Number),
    ("low_episodes", Number),
    ("high_episodes", Number),
    ("stepped_up", Number),
    ("low_contacts", Number),
    ("high_contacts", Number),
    ("low_wte", Number),
    ("high_wte", Number),
    ("total_wte", Number),
    ("low_high_ratio", Optional),
    ("low_share_wte", Optional),
    ("low_share_contacts", Optional),
    ("access_rate", Optional),
    ("low_episodes_per_wte", Number),
    ("high_episodes_per_wte", Number),
    ("current_low_wte", Number),
    ("current_high_wte", Number),
    ("gap_low_wte", Number),
    ("gap_high_wte", Number),
    ("requirement_met_low", Optional),
    ("requirement_met_high", Optional),
    ("cost_low", Number),
    ("cost_high", Number),
    ("cost_ratio_roles", Number),
    ("cost_medication", Number),
    ("cost_total", Number),
    ("cost_per_low_contact", Optional),
    ("cost_per_high_contact", Optional),
    ("cost_per_low_episode", Optional),
    ("cost_per_high_episode", Optional),
    ("ratio_roles_wte", Number),
    ("supervision_hours_per_week", Number),
    ("supervisor_wte", Number),
    ("senior_wte", Number),
    ("supervision_covered", Flag),
    ("trainee_intake_low", Number),
    ("trainee_intake_high", Number),
    ("steady_intake_low", Number),
    ("steady_intake_high", Number),
];

/// The first field of the workforce detail (issue 5): from here on a field needs `Detail`.
const FIRST_DETAIL: usize = 27;

/// The summary's outputs unless the user picks others.
pub const DEFAULT_OUTPUTS: [&str; 6] = [
    "low_wte",
    "high_wte",
    "total_wte",
    "referred",
    "gap_low_wte",
    "gap_high_wte",
];

pub fn name(field: usize) -> &'static str {
    FIELDS[field].0
}

pub fn kind(field: usize) -> Kind {
    FIELDS[field].1
}

/// The index in FIELDS of a field name.
pub fn field_index(name: &str) -> Option<usize> {
    FIELDS.iter().position(|(f, _)| *f == name)
}

/// The names of the fields a summary can take (always numbers).
pub fn summarisable() -> Vec<&'static str> {
    FIELDS
        .iter()
        .filter(|(_, k)| *k == Number)
        .map(|(n, _)| *n)
        .collect()
}

/// Whether a field needs the workforce detail.
pub fn needs_detail(field: usize) -> bool {
    field >= FIRST_DETAIL
}

/// Which quantities a field is computed from.
pub fn quantities_of(field: usize) -> &'static [usize] {
    const WTE: &[usize] = &[q::LOW_WTE, q::HIGH_WTE];
    match name(field) {
        "prevalent" => &[q::PREVALENT],
        "presenting" => &[q::PRESENTING],
        "detected" => &[q::DETECTED],
        "referred" => &[q::REFERRED],
        "medication_only" => &[q::MEDICATION_ONLY],
        "treated" => &[q::TREATED],
        "low_episodes" => &[q::LOW_EPISODES],
        "high_episodes" => &[q::HIGH_EPISODES],
        "stepped_up" => &[q::STEPPED_UP],
        "low_contacts" => &[q::LOW_CONTACTS],
        "high_contacts" => &[q::HIGH_CONTACTS],
        "low_wte" | "gap_low_wte" | "requirement_met_low" => &[q::LOW_WTE],
        "high_wte" | "gap_high_wte" | "requirement_met_high" => &[q::HIGH_WTE],
        "total_wte" | "low_high_ratio" | "low_share_wte" => WTE,
        "low_share_contacts" => &[q::LOW_CONTACTS, q::HIGH_CONTACTS],
        "access_rate" => &[q::TREATED, q::PREVALENT],
        "population_in_scope"
        | "low_episodes_per_wte"
        | "high_episodes_per_wte"
        | "current_low_wte"
        | "current_high_wte" => &[],
        // The workforce detail reads WTE and people on medication alone; the unit costs
        // read contacts and episodes too.
        _ => &[
            q::LOW_WTE,
            q::HIGH_WTE,
            q::MEDICATION_ONLY,
            q::LOW_CONTACTS,
            q::HIGH_CONTACTS,
            q::LOW_EPISODES,
            q::HIGH_EPISODES,
        ],
    }
}

#[cfg(test)]
fn ratio(a: f64, b: f64) -> Option<f64> {
    if b == 0.0 {
        None
    } else {
        Some(a / b)
    }
}

/// What a row's fields are made of, besides its quantities.
#[derive(Debug, Clone, Copy)]
pub struct RowConstants {
    pub population_in_scope: f64,
    pub current: PerIntensity<f64>,
    /// A workforce file was given (else the requirement met is unknown, not 0).
    pub has_workforce: bool,
}

#[derive(Debug, Clone, Copy)]
struct RoleCoef {
    share: f64,
    salary: f64,
    supervises: bool,
}

#[derive(Debug, Clone, Copy)]
struct RatioCoef {
    per: RatioBasis,
    ratio: f64,
    salary: f64,
}

/// The parts of `pipeline::intakes` that depend on the run's settings alone, worked out once
/// by the model's own functions: the retained cohorts S and the decay (1 - t)^Y. `intake`
/// then does the rest of `pipeline::intake`'s arithmetic, in its order (a test compares the
/// two to the bit).
#[derive(Debug, Clone, Copy)]
struct PipelineRun {
    p: PipelineParams,
    retained: f64,
    decay: f64,
}

impl PipelineRun {
    fn new(settings: &PipelineSettings, i: Intensity) -> PipelineRun {
        let p = PipelineParams::of(settings, i);
        PipelineRun {
            p,
            retained: pipeline::retained_cohorts(&p),
            decay: (1.0 - p.turnover).powi(p.years as i32),
        }
    }

    #[inline]
    fn intake(&self, required: f64, current: f64) -> Intake {
        let p = &self.p;
        let intake = if self.retained <= 0.0 || p.completion_rate <= 0.0 {
            0.0
        } else {
            let short = required - current * self.decay;
            (short / (p.completion_rate * self.retained)).max(0.0)
        };
        Intake {
            intake,
            steady: pipeline::steady_intake(required, p),
        }
    }
}

/// The workforce settings of one run (issue 5), resolved: each role's share, salary and
/// whether it supervises, the ratio roles, on-costs, supervision and pipeline settings.
#[derive(Debug, Clone)]
pub struct Staffing {
    roles: [Vec<RoleCoef>; 2],
    ratio_roles: Vec<RatioCoef>,
    on_cost_rate: f64,
    course_cost: Option<f64>,
    supervision: SupervisionSettings,
    pipeline: [PipelineRun; 2],
}

/// The workforce detail of one row.
#[derive(Debug, Clone, Copy, Default)]
pub struct Detail {
    cost: PerIntensity<f64>,
    cost_ratio_roles: f64,
    medication: f64,
    ratio_roles_wte: f64,
    supervision: Supervision,
    intake: PerIntensity<Intake>,
}

impl Staffing {
    pub fn new(scenario: &Scenario, pay: &PayTable) -> Staffing {
        let c = &scenario.costs;
        let salary = |band: &str| costs::salary(band, c, pay).unwrap_or(0.0);
        let roles = [&scenario.low_intensity, &scenario.high_intensity].map(|s| {
            s.roles
                .iter()
                .map(|r| RoleCoef {
                    share: r.share,
                    salary: salary(&r.band),
                    supervises: r.supervises,
                })
                .collect()
        });
        Staffing {
            roles,
            ratio_roles: scenario
                .ratio_roles
                .iter()
                .map(|r| RatioCoef {
                    per: r.per,
                    ratio: r.ratio,
                    salary: salary(&r.band),
                })
                .collect(),
            on_cost_rate: c.on_cost_rate,
            course_cost: c.medication_course_cost,
            supervision: scenario.supervision.clone(),
            pipeline: [Intensity::Low, Intensity::High]
                .map(|i| PipelineRun::new(&scenario.pipeline, i)),
        }
    }

    /// As `model::workforce::workforce_detail` works it out from an area's sums: the same
    /// functions, the same order of additions.
    pub fn detail(
        &self,
        wte: PerIntensity<f64>,
        population_in_scope: f64,
        current: PerIntensity<f64>,
        medication_only: f64,
    ) -> Detail {
        let mut d = Detail::default();
        let mut senior = [0.0, 0.0];
        for (i, roles) in self.roles.iter().enumerate() {
            let w = if i == 0 { wte.low } else { wte.high };
            let mut cost = 0.0;
            for r in roles {
                let line = r.share * w;
                cost += costs::staff_cost(line, r.salary, self.on_cost_rate);
                if r.supervises {
                    senior[i] += line;
                }
            }
            if i == 0 {
                d.cost.low = cost;
            } else {
                d.cost.high = cost;
            }
        }
        for r in &self.ratio_roles {
            let line = r.ratio * ratio_basis(r.per, wte, population_in_scope);
            d.cost_ratio_roles += costs::staff_cost(line, r.salary, self.on_cost_rate);
            d.ratio_roles_wte += line;
        }
        d.medication = costs::medication_cost(medication_only, self.course_cost);
        let s = &self.supervision;
        let hours = PerIntensity {
            low: wte.low * s.low_hours,
            high: wte.high * s.high_hours,
        };
        d.supervision = Supervision {
            hours,
            supervisor_wte: hours.map(|h| h / s.hours_per_supervisor_wte),
            senior_wte: PerIntensity {
                low: senior[0],
                high: senior[1],
            },
        };
        d.intake = PerIntensity {
            low: self.pipeline[0].intake(wte.low, current.low),
            high: self.pipeline[1].intake(wte.high, current.high),
        };
        d
    }
}

/// Whether a varied key changes the workforce settings rather than the WTE.
pub fn is_staffing_key(path: &str) -> bool {
    ["costs.", "supervision.", "pipeline.", "ratio_roles."]
        .iter()
        .any(|p| path.starts_with(p))
        || path.contains(".roles.")
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
    },
}

impl StaffingPlan {
    /// `probe` as from `plan::probe_scenario`; `paths` the varied keys in order.
    pub fn new(probe: &Scenario, paths: &[String]) -> StaffingPlan {
        let keys: Vec<String> = probe.numbers().into_iter().map(|(p, _, _)| p).collect();
        let mut sets: Vec<(usize, usize)> = paths
            .iter()
            .enumerate()
            .filter(|(_, p)| is_staffing_key(p))
            .filter_map(|(j, p)| keys.iter().position(|k| k == p).map(|at| (at, j)))
            .collect();
        // In visiting order, as `for_run` walks them.
        sets.sort_unstable();
        if sets.is_empty() {
            StaffingPlan::Fixed(Staffing::new(probe, crate::embedded::afc_pay()))
        } else {
            StaffingPlan::PerRun {
                probe: Box::new(probe.clone()),
                sets,
            }
        }
    }

    /// The staffing of a run whose varied parameters take `x`.
    pub fn for_run(&self, x: &[f64]) -> Cow<'_, Staffing> {
        match self {
            StaffingPlan::Fixed(s) => Cow::Borrowed(s),
            StaffingPlan::PerRun { probe, sets } => {
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
                Cow::Owned(Staffing::new(&scenario, crate::embedded::afc_pay()))
            }
        }
    }
}

/// The value of a field (an index into FIELDS), as `output::Row` computes it from the sums;
/// a flag is 1 or 0. `d` is only read by the workforce fields. The field-by-field reference
/// that the tests hold `field_column`, the runs' path, to.
#[cfg(test)]
pub fn field_value(
    field: usize,
    v: &[f64; q::COUNT],
    k: &RowConstants,
    per_wte: &PerIntensity<f64>,
    d: &Detail,
) -> Option<f64> {
    let staff = || d.cost.low + d.cost.high;
    Some(match field {
        0 => k.population_in_scope,
        1 => v[q::PREVALENT],
        2 => v[q::PRESENTING],
        3 => v[q::DETECTED],
        4 => v[q::REFERRED],
        5 => v[q::MEDICATION_ONLY],
        6 => v[q::TREATED],
        7 => v[q::LOW_EPISODES],
        8 => v[q::HIGH_EPISODES],
        9 => v[q::STEPPED_UP],
        10 => v[q::LOW_CONTACTS],
        11 => v[q::HIGH_CONTACTS],
        12 => v[q::LOW_WTE],
        13 => v[q::HIGH_WTE],
        14 => v[q::LOW_WTE] + v[q::HIGH_WTE],
        15 => return ratio(v[q::LOW_WTE], v[q::HIGH_WTE]),
        16 => return ratio(v[q::LOW_WTE], v[q::LOW_WTE] + v[q::HIGH_WTE]),
        17 => return ratio(v[q::LOW_CONTACTS], v[q::LOW_CONTACTS] + v[q::HIGH_CONTACTS]),
        18 => return ratio(v[q::TREATED], v[q::PREVALENT]),
        19 => per_wte.low,
        20 => per_wte.high,
        21 => k.current.low,
        22 => k.current.high,
        23 => v[q::LOW_WTE] - k.current.low,
        24 => v[q::HIGH_WTE] - k.current.high,
        25 => return ratio(k.current.low, v[q::LOW_WTE]).filter(|_| k.has_workforce),
        26 => return ratio(k.current.high, v[q::HIGH_WTE]).filter(|_| k.has_workforce),
        27 => d.cost.low,
        28 => d.cost.high,
        29 => d.cost_ratio_roles,
        30 => d.medication,
        31 => staff() + d.cost_ratio_roles + d.medication,
        32 => return ratio(d.cost.low, v[q::LOW_CONTACTS]),
        33 => return ratio(d.cost.high, v[q::HIGH_CONTACTS]),
        34 => return ratio(d.cost.low, v[q::LOW_EPISODES]),
        35 => return ratio(d.cost.high, v[q::HIGH_EPISODES]),
        36 => d.ratio_roles_wte,
        37 => d.supervision.hours_total(),
        38 => d.supervision.supervisor_wte_total(),
        39 => d.supervision.senior_wte_total(),
        40 => f64::from(u8::from(d.supervision.covered())),
        41 => d.intake.low.intake,
        42 => d.intake.high.intake,
        43 => d.intake.low.steady,
        44 => d.intake.high.steady,
        _ => unreachable!("FIELDS has 45 entries"),
    })
}

/// `field_value` over a block of runs, one loop per field (no match per row): `v(quantity)`
/// gives that quantity's values, `per_wte` the runs' episodes per WTE and `details` the
/// workforce detail of each run (read only by the workforce fields; may be empty otherwise).
/// The arithmetic is `field_value`'s, in its order, so the two agree to the bit (a test
/// checks); a missing value is NaN, a flag 1 or 0.
pub fn field_column<'a>(
    field: usize,
    v: impl Fn(usize) -> &'a [f64],
    k: &RowConstants,
    per_wte: (&[f64], &[f64]),
    details: &[Detail],
    out: &mut [f64],
) {
    let m = out.len();
    let copy = |out: &mut [f64], src: &[f64]| out.copy_from_slice(&src[..m]);
    let ratio_of = |out: &mut [f64], a: &[f64], b: &[f64]| {
        for (i, o) in out.iter_mut().enumerate() {
            *o = if b[i] == 0.0 { f64::NAN } else { a[i] / b[i] };
        }
    };
    fn each(out: &mut [f64], details: &[Detail], f: impl Fn(&Detail, usize) -> f64) {
        assert_eq!(
            details.len(),
            out.len(),
            "a workforce field needs every run's detail"
        );
        for (i, (o, d)) in out.iter_mut().zip(details).enumerate() {
            *o = f(d, i);
        }
    }
    match field {
        0 => out.fill(k.population_in_scope),
        1..=13 => {
            let quantity = [
                q::PREVALENT,
                q::PRESENTING,
                q::DETECTED,
                q::REFERRED,
                q::MEDICATION_ONLY,
                q::TREATED,
                q::LOW_EPISODES,
                q::HIGH_EPISODES,
                q::STEPPED_UP,
                q::LOW_CONTACTS,
                q::HIGH_CONTACTS,
                q::LOW_WTE,
                q::HIGH_WTE,
            ][field - 1];
            copy(out, v(quantity));
        }
        14 => {
            let (low, high) = (v(q::LOW_WTE), v(q::HIGH_WTE));
            for (i, o) in out.iter_mut().enumerate() {
                *o = low[i] + high[i];
            }
        }
        15 => ratio_of(out, v(q::LOW_WTE), v(q::HIGH_WTE)),
        16 => {
            let (low, high) = (v(q::LOW_WTE), v(q::HIGH_WTE));
            for (i, o) in out.iter_mut().enumerate() {
                let total = low[i] + high[i];
                *o = if total == 0.0 {
                    f64::NAN
                } else {
                    low[i] / total
                };
            }
        }
        17 => {
            let (low, high) = (v(q::LOW_CONTACTS), v(q::HIGH_CONTACTS));
            for (i, o) in out.iter_mut().enumerate() {
                let total = low[i] + high[i];
                *o = if total == 0.0 {
                    f64::NAN
                } else {
                    low[i] / total
                };
            }
        }
        18 => ratio_of(out, v(q::TREATED), v(q::PREVALENT)),
        19 => copy(out, per_wte.0),
        20 => copy(out, per_wte.1),
        21 => out.fill(k.current.low),
        22 => out.fill(k.current.high),
        23 => {
            let low = v(q::LOW_WTE);
            for (i, o) in out.iter_mut().enumerate() {
                *o = low[i] - k.current.low;
            }
        }
        24 => {
            let high = v(q::HIGH_WTE);
            for (i, o) in out.iter_mut().enumerate() {
                *o = high[i] - k.current.high;
            }
        }
        25 | 26 => {
            let (current, wte) = if field == 25 {
                (k.current.low, v(q::LOW_WTE))
            } else {
                (k.current.high, v(q::HIGH_WTE))
            };
            for (i, o) in out.iter_mut().enumerate() {
                *o = if wte[i] == 0.0 || !k.has_workforce {
                    f64::NAN
                } else {
                    current / wte[i]
                };
            }
        }
        27 => each(out, details, |d, _| d.cost.low),
        28 => each(out, details, |d, _| d.cost.high),
        29 => each(out, details, |d, _| d.cost_ratio_roles),
        30 => each(out, details, |d, _| d.medication),
        31 => each(out, details, |d, _| {
            d.cost.low + d.cost.high + d.cost_ratio_roles + d.medication
        }),
        32..=35 => {
            let units = v([
                q::LOW_CONTACTS,
                q::HIGH_CONTACTS,
                q::LOW_EPISODES,
                q::HIGH_EPISODES,
            ][field - 32]);
            let low = field.is_multiple_of(2);
            each(out, details, |d, i| {
                let cost = if low { d.cost.low } else { d.cost.high };
                if units[i] == 0.0 {
                    f64::NAN
                } else {
                    cost / units[i]
                }
            });
        }
        36 => each(out, details, |d, _| d.ratio_roles_wte),
        37 => each(out, details, |d, _| d.supervision.hours_total()),
        38 => each(out, details, |d, _| d.supervision.supervisor_wte_total()),
        39 => each(out, details, |d, _| d.supervision.senior_wte_total()),
        40 => each(out, details, |d, _| {
            f64::from(u8::from(d.supervision.covered()))
        }),
        41 => each(out, details, |d, _| d.intake.low.intake),
        42 => each(out, details, |d, _| d.intake.high.intake),
        43 => each(out, details, |d, _| d.intake.low.steady),
        44 => each(out, details, |d, _| d.intake.high.steady),
        _ => unreachable!("FIELDS has 45 entries"),
    }
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

    #[test]
    fn fields_are_the_row_fields_in_order() {
        let base = preset("obc");
        let prepared = prepared_for(&base, Level::Named("region".into()));
        let result = evaluate(&prepared, &base);
        let row = serde_json::to_value(Row::new(&result.total, &result)).unwrap();
        let row = row.as_object().unwrap();
        let names: Vec<&str> = row.keys().map(String::as_str).collect();
        assert_eq!(&names[..3], &["area_code", "area_name", "level"]);
        let ours: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            &names[3..],
            &ours[..],
            "output::Row changed: update sweep::fields"
        );
        for (name, kind) in FIELDS {
            match kind {
                Flag => assert!(row[name].is_boolean(), "{name}"),
                Number => assert!(row[name].is_number(), "{name}"),
                Optional => {}
            }
        }
    }

    /// Every field, by column and by row, to the bit: over runs with nothing (every ratio
    /// missing), with nobody on medication alone and with a course cost.
    #[test]
    fn field_column_equals_field_value_to_the_bit() {
        let m = 6;
        let values: Vec<Vec<f64>> = (0..q::COUNT)
            .map(|qq| {
                (0..m)
                    .map(|i| {
                        if i == 0 {
                            0.0
                        } else {
                            (qq * 7 + i) as f64 * 1.37 + 0.1
                        }
                    })
                    .collect()
            })
            .collect();
        let k = RowConstants {
            population_in_scope: 123.5,
            current: PerIntensity {
                low: 3.3,
                high: 1.7,
            },
            has_workforce: true,
        };
        let mut costed = preset("north-essex");
        costed.costs.medication_course_cost = Some(12.5);
        for scenario in [preset("obc"), costed] {
            let staffing = Staffing::new(&scenario, crate::embedded::afc_pay());
            let detail = |i: usize| {
                staffing.detail(
                    PerIntensity {
                        low: values[q::LOW_WTE][i],
                        high: values[q::HIGH_WTE][i],
                    },
                    k.population_in_scope,
                    k.current,
                    values[q::MEDICATION_ONLY][i],
                )
            };
            let per_low: Vec<f64> = (0..m).map(|i| 350.0 + i as f64).collect();
            let per_high: Vec<f64> = (0..m).map(|i| 70.0 + i as f64).collect();
            let details: Vec<Detail> = (0..m).map(detail).collect();
            for (field, (name, _)) in FIELDS.iter().enumerate() {
                let mut out = vec![0.0; m];
                field_column(
                    field,
                    |qq| &values[qq],
                    &k,
                    (&per_low, &per_high),
                    &details,
                    &mut out,
                );
                for (i, got) in out.iter().enumerate() {
                    let v: [f64; q::COUNT] = std::array::from_fn(|qq| values[qq][i]);
                    let w = PerIntensity {
                        low: per_low[i],
                        high: per_high[i],
                    };
                    let want = field_value(field, &v, &k, &w, &detail(i)).unwrap_or(f64::NAN);
                    assert_eq!(
                        got.to_bits(),
                        want.to_bits(),
                        "{} {name} run {i}",
                        scenario.name
                    );
                }
            }
        }
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
                turnover_low: t_low,
                turnover_high: t_high,
                training_years: training,
                completion_rate: c,
            };
            let cached = [Intensity::Low, Intensity::High].map(|i| PipelineRun::new(&settings, i));
            for (required, current) in [(100.0, 50.0), (3.7, 12.25), (0.0, 0.0), (812.3, 0.0)] {
                let want = pipeline::intakes(
                    PerIntensity {
                        low: required,
                        high: required * 0.7,
                    },
                    PerIntensity {
                        low: current,
                        high: current * 1.3,
                    },
                    &settings,
                );
                let low = cached[0].intake(required, current);
                let high = cached[1].intake(required * 0.7, current * 1.3);
                for (a, b) in [
                    (low.intake, want.low.intake),
                    (low.steady, want.low.steady),
                    (high.intake, want.high.intake),
                    (high.steady, want.high.steady),
                ] {
                    assert_eq!(a.to_bits(), b.to_bits(), "{years} {training} {required}");
                }
            }
        }
    }

    /// The fast path and `evaluate` agree on every field of every row, within 1e-13 relative.
    fn assert_same(base: &Scenario, level: Level, paths: &[&str], x: &[f64]) {
        let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        let mut probe = base.clone();
        for p in &paths {
            probe.create_optional(p);
        }
        let prepared = prepared_for(&probe, level);
        let model = FastModel::compile(&prepared, &probe, &paths);
        let mut ctx = model.new_context();
        model.prepare_run(x, &mut ctx);
        let plan = StaffingPlan::new(&probe, &paths);
        let staffing = plan.for_run(x);

        let mut scenario = probe.clone();
        for (p, v) in paths.iter().zip(x) {
            assert!(scenario.set(p, *v), "{p}");
        }
        let result = evaluate(&prepared, &scenario);
        let rows: Vec<&crate::model::AreaResult> =
            result.rows.iter().chain(Some(&result.total)).collect();
        assert_eq!(rows.len(), model.areas() + 1);
        let mut total = [0.0; q::COUNT];
        for (a, r) in rows.iter().enumerate() {
            let want = serde_json::to_value(Row::new(r, &result)).unwrap();
            let mut v = [0.0; q::COUNT];
            if a < model.areas() {
                for (quantity, slot) in v.iter_mut().enumerate() {
                    *slot = model.quantity(&ctx, a, quantity);
                    total[quantity] += *slot;
                }
            } else {
                v = total;
            }
            let k = model.constants(a);
            let d = staffing.detail(
                PerIntensity {
                    low: v[q::LOW_WTE],
                    high: v[q::HIGH_WTE],
                },
                k.population_in_scope,
                k.current,
                v[q::MEDICATION_ONLY],
            );
            for (f, (name, kind)) in FIELDS.iter().enumerate() {
                let got = field_value(f, &v, k, &ctx.per_wte, &d);
                let want = match kind {
                    Flag => want[name].as_bool().map(|b| f64::from(u8::from(b))),
                    _ => want[name].as_f64(),
                };
                match (got, want) {
                    (Some(g), Some(w)) => assert!(
                        (g - w).abs() <= 1e-13 * g.abs().max(w.abs()).max(1.0),
                        "{} {name}: fast {g} vs evaluate {w} at {x:?}",
                        r.code
                    ),
                    (g, w) => assert_eq!(g, w, "{} {name}", r.code),
                }
            }
        }
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
                "disorders.ptsd.step2_entry",
                "disorders.depression.step_up",
                "areas.E54000008.deprivation_factor",
                "areas.E40000003.deprivation_factor",
                "high_intensity.working_days",
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
            StaffingPlan::new(&base, &["demand.presentation_rate".to_string()]),
            StaffingPlan::Fixed(_)
        ));
    }
}
