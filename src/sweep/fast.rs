//! A fast evaluator for sweeps: the same model as `model::evaluate`, rearranged.
//!
//! Everything downstream of prevalent cases is linear in prevalent cases, with a coefficient
//! that depends on the disorder's pathway and the intensity's capacity, and prevalent cases
//! are the prepared base prevalence times the leaf's deprivation factor. So a reported area's
//! figure for a quantity q is
//!
//! ```text
//!   q_area = Σ_terms coef_q[class] x deprivation[source] x B[area, term]
//! ```
//!
//! where a *class* is a set of disorders sharing one pathway (all disorders, unless some have
//! per-disorder overrides), a *source* is the scenario key that sets a leaf's deprivation
//! factor (`demand.deprivation_factor`, or an `areas.<code>` override), and B sums the base
//! prevalence of the area's leaves (times their prevalence factors) by class and source, once
//! per sweep. A run then costs a few dozen flops for the coefficients and, for a typical area,
//! one multiply per quantity. `evaluate` stays the reference: the tests prove the two agree.

use crate::model::{Intensity, PerIntensity, Prepared};
use crate::scenario::{CapacityBasis, Scenario};

/// The additive quantities of a row, each linear in prevalent cases.
pub mod q {
    pub const PREVALENT: usize = 0;
    pub const PRESENTING: usize = 1;
    pub const DETECTED: usize = 2;
    pub const REFERRED: usize = 3;
    pub const MEDICATION_ONLY: usize = 4;
    pub const TREATED: usize = 5;
    pub const LOW_EPISODES: usize = 6;
    pub const HIGH_EPISODES: usize = 7;
    pub const STEPPED_UP: usize = 8;
    pub const LOW_CONTACTS: usize = 9;
    pub const HIGH_CONTACTS: usize = 10;
    pub const LOW_WTE: usize = 11;
    pub const HIGH_WTE: usize = 12;
    pub const COUNT: usize = 13;
}

/// The numeric fields of `output::Row` after area_code, area_name and level, in its order.
pub const FIELDS: [&str; 25] = [
    "population_in_scope",
    "prevalent",
    "presenting",
    "detected",
    "referred",
    "medication_only",
    "treated",
    "low_episodes",
    "high_episodes",
    "stepped_up",
    "low_contacts",
    "high_contacts",
    "low_wte",
    "high_wte",
    "total_wte",
    "low_high_ratio",
    "low_share_wte",
    "low_share_contacts",
    "access_rate",
    "low_episodes_per_wte",
    "high_episodes_per_wte",
    "current_low_wte",
    "current_high_wte",
    "gap_low_wte",
    "gap_high_wte",
];

/// Fields that can be empty (a ratio whose denominator is 0): not summarised.
pub const RATIO_FIELDS: [&str; 4] = [
    "low_high_ratio",
    "low_share_wte",
    "low_share_contacts",
    "access_rate",
];

/// The summary's outputs unless the user picks others.
pub const DEFAULT_OUTPUTS: [&str; 6] = [
    "low_wte",
    "high_wte",
    "total_wte",
    "referred",
    "gap_low_wte",
    "gap_high_wte",
];

/// The index in FIELDS of a field name.
pub fn field_index(name: &str) -> Option<usize> {
    FIELDS.iter().position(|f| *f == name)
}

/// Which quantities a field is computed from.
pub fn quantities_of(field: usize) -> &'static [usize] {
    match FIELDS[field] {
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
        "low_wte" | "gap_low_wte" => &[q::LOW_WTE],
        "high_wte" | "gap_high_wte" => &[q::HIGH_WTE],
        "total_wte" | "low_high_ratio" | "low_share_wte" => &[q::LOW_WTE, q::HIGH_WTE],
        "low_share_contacts" => &[q::LOW_CONTACTS, q::HIGH_CONTACTS],
        "access_rate" => &[q::TREATED, q::PREVALENT],
        _ => &[],
    }
}

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
}

/// The value of a field (an index into FIELDS), as `output::Row` computes it from the sums.
#[inline]
pub fn field_value(
    field: usize,
    v: &[f64; q::COUNT],
    k: &RowConstants,
    per_wte: &PerIntensity<f64>,
) -> Option<f64> {
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
        _ => unreachable!("FIELDS has 25 entries"),
    })
}

/// `field_value` over a block of runs: `v(quantity)` gives that quantity's values, `per_wte`
/// the runs' episodes per WTE. Each branch is the same arithmetic as `field_value`, so the
/// two agree to the bit (a test checks); ratios with a zero denominator give NaN.
pub fn field_column<'a>(
    field: usize,
    v: impl Fn(usize) -> &'a [f64],
    k: &RowConstants,
    per_wte: (&[f64], &[f64]),
    out: &mut [f64],
) {
    let copy = |out: &mut [f64], src: &[f64]| out.copy_from_slice(&src[..out.len()]);
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
        _ => {
            for (i, o) in out.iter_mut().enumerate() {
                let mut values = [0.0; q::COUNT];
                for (quantity, slot) in values.iter_mut().enumerate() {
                    *slot = v(quantity).get(i).copied().unwrap_or(0.0);
                }
                let w = PerIntensity {
                    low: per_wte.0[i],
                    high: per_wte.1[i],
                };
                *o = field_value(field, &values, k, &w).unwrap_or(f64::NAN);
            }
        }
    }
}

/// Indices into the run's value vector of the keys one pathway reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ClassKeys {
    referral_weight: usize,
    medication_only: usize,
    step2_entry: usize,
    step_up: usize,
}

#[derive(Debug, Clone, Copy)]
enum BasisKeys {
    ContactsPerDay { per_day: usize, caseload: usize },
    ClinicalHours { hours: usize, contact_hours: usize },
}

#[derive(Debug, Clone, Copy)]
struct IntensityKeys {
    contacts_per_episode: usize,
    basis: BasisKeys,
    working_days: usize,
}

/// One term of an area's sum: a (class, source) pair and its summed base prevalence.
#[derive(Debug, Clone, Copy)]
struct Term {
    index: usize,
    weight: f64,
}

/// The model compiled for one sweep: which keys each coefficient reads, and the areas' sums.
#[derive(Debug, Clone)]
pub struct FastModel {
    /// Every numeric key of the probe scenario, in `Scenario::numbers` order.
    keys: Vec<String>,
    base_values: Vec<f64>,
    /// For each varied parameter, its index in `keys`.
    slots: Vec<usize>,
    presentation_rate: usize,
    detection_rate: usize,
    classes: Vec<ClassKeys>,
    intensity: [IntensityKeys; 2],
    dna_rate: usize,
    headroom: usize,
    /// The key that sets each deprivation source.
    sources: Vec<usize>,
    /// (class, source) of each term index.
    pairs: Vec<(usize, usize)>,
    /// Terms of each reported area: `terms[spans[g]..spans[g + 1]]`.
    spans: Vec<usize>,
    terms: Vec<Term>,
    /// Per reported area, then the total.
    constants: Vec<RowConstants>,
}

/// What one run's parameters make of the model: a factor per (quantity, term).
#[derive(Debug, Clone)]
pub struct RunContext {
    factors: Vec<f64>,
    pub per_wte: PerIntensity<f64>,
    values: Vec<f64>,
}

impl FastModel {
    /// Compiles the model for a sweep whose varied keys are `paths`, over `probe` (the base
    /// scenario with those keys made explicit, see `plan::probe_scenario`).
    pub fn compile(prepared: &Prepared, probe: &Scenario, paths: &[String]) -> FastModel {
        let numbers = probe.numbers();
        let keys: Vec<String> = numbers.iter().map(|(p, _, _)| p.clone()).collect();
        let base_values: Vec<f64> = numbers.iter().map(|(_, v, _)| *v).collect();
        let at = |path: &str| keys.iter().position(|k| k == path);
        let must = |path: &str| at(path).unwrap_or_else(|| panic!("scenario has no key {path}"));
        let slots = paths.iter().map(|p| must(p)).collect();

        // Classes: disorders with the same pathway keys share coefficients.
        let mut classes: Vec<ClassKeys> = Vec::new();
        let class_of: Vec<usize> = prepared
            .disorders
            .iter()
            .map(|d| {
                let pick = |key: &str, global: &str| {
                    at(&format!("disorders.{d}.{key}")).unwrap_or_else(|| must(global))
                };
                let keys = ClassKeys {
                    referral_weight: pick("referral_weight", "demand.referral_weight"),
                    medication_only: pick("medication_only", "demand.medication_only"),
                    step2_entry: pick("step2_entry", "stepped_care.step2_entry"),
                    step_up: pick("step_up", "stepped_care.step_up"),
                };
                match classes.iter().position(|c| *c == keys) {
                    Some(i) => i,
                    None => {
                        classes.push(keys);
                        classes.len() - 1
                    }
                }
            })
            .collect();

        let intensity = [Intensity::Low, Intensity::High].map(|i| {
            let section = i.section();
            let settings = match i {
                Intensity::Low => &probe.low_intensity,
                Intensity::High => &probe.high_intensity,
            };
            let basis = match settings.basis {
                CapacityBasis::ContactsPerDay { .. } => BasisKeys::ContactsPerDay {
                    per_day: must(&format!("{section}.contacts_per_day")),
                    caseload: must(&format!("{section}.caseload")),
                },
                CapacityBasis::ClinicalHours { .. } => BasisKeys::ClinicalHours {
                    hours: must(&format!("{section}.clinical_hours_per_week")),
                    contact_hours: must(&format!("{section}.contact_hours")),
                },
            };
            IntensityKeys {
                contacts_per_episode: must(&format!("{section}.contacts_per_episode")),
                basis,
                working_days: at(&format!("{section}.working_days"))
                    .unwrap_or_else(|| must("capacity.working_days")),
            }
        });

        // Sources: the nearest per-area override in a leaf's lineage, else the scenario's.
        let mut sources: Vec<usize> = Vec::new();
        let source_of: Vec<usize> = prepared
            .leaves
            .iter()
            .map(|leaf| {
                let key = leaf
                    .lineage
                    .iter()
                    .find_map(|code| at(&format!("areas.{code}.deprivation_factor")))
                    .unwrap_or_else(|| must("demand.deprivation_factor"));
                match sources.iter().position(|&s| s == key) {
                    Some(i) => i,
                    None => {
                        sources.push(key);
                        sources.len() - 1
                    }
                }
            })
            .collect();

        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut spans = vec![0];
        let mut terms: Vec<Term> = Vec::new();
        let mut constants = Vec::new();
        for g in &prepared.groups {
            let mut local: Vec<Term> = Vec::new();
            let mut population = 0.0;
            for &slot in &g.leaves {
                let leaf = &prepared.leaves[slot];
                population += leaf.population_in_scope;
                for (d, &base) in leaf.base_prevalent.iter().enumerate() {
                    let pair = (class_of[d], source_of[slot]);
                    let index = match pairs.iter().position(|p| *p == pair) {
                        Some(i) => i,
                        None => {
                            pairs.push(pair);
                            pairs.len() - 1
                        }
                    };
                    let weight = base * leaf.prevalence_factor;
                    match local.iter_mut().find(|t| t.index == index) {
                        Some(t) => t.weight += weight,
                        None => local.push(Term { index, weight }),
                    }
                }
            }
            terms.extend(local);
            spans.push(terms.len());
            constants.push(RowConstants {
                population_in_scope: population,
                current: g.current,
            });
        }
        let mut total_population = 0.0;
        for c in &constants {
            total_population += c.population_in_scope;
        }
        constants.push(RowConstants {
            population_in_scope: total_population,
            current: prepared.total_current,
        });

        let presentation_rate = must("demand.presentation_rate");
        let detection_rate = must("demand.detection_rate");
        let dna_rate = must("capacity.dna_rate");
        let headroom = must("capacity.headroom");
        FastModel {
            keys,
            base_values,
            slots,
            presentation_rate,
            detection_rate,
            classes,
            intensity,
            dna_rate,
            headroom,
            sources,
            pairs,
            spans,
            terms,
            constants,
        }
    }

    /// Reported areas (the total comes after them).
    pub fn areas(&self) -> usize {
        self.spans.len() - 1
    }

    pub fn constants(&self, area: usize) -> &RowConstants {
        &self.constants[area]
    }

    /// How many (class, source) terms there are; 1 when no disorder or area is overridden.
    pub fn term_count(&self) -> usize {
        self.pairs.len()
    }

    pub fn new_context(&self) -> RunContext {
        RunContext {
            factors: vec![0.0; q::COUNT * self.pairs.len()],
            per_wte: PerIntensity::default(),
            values: self.base_values.clone(),
        }
    }

    /// Sets up `ctx` for a run whose varied parameters take `params`.
    pub fn prepare_run(&self, params: &[f64], ctx: &mut RunContext) {
        let v = &mut ctx.values;
        v.copy_from_slice(&self.base_values);
        for (&slot, &x) in self.slots.iter().zip(params) {
            v[slot] = x;
        }
        let v = &ctx.values;
        // WTE per attended contact and episodes per WTE, per intensity (MODEL.md section 4).
        let dna = v[self.dna_rate];
        let headroom = v[self.headroom];
        let mut wte_per_contact = [0.0; 2];
        let mut contacts_per_episode = [0.0; 2];
        let mut per_wte = [0.0; 2];
        for (i, k) in self.intensity.iter().enumerate() {
            let days = v[k.working_days];
            let annual = match k.basis {
                BasisKeys::ContactsPerDay { per_day, caseload } => v[per_day] * v[caseload] * days,
                BasisKeys::ClinicalHours {
                    hours,
                    contact_hours,
                } => v[hours] / v[contact_hours] * days / 5.0,
            };
            let cpe = v[k.contacts_per_episode];
            contacts_per_episode[i] = cpe;
            wte_per_contact[i] = 1.0 / (1.0 - dna) / annual * (1.0 + headroom);
            per_wte[i] = annual / cpe;
        }
        ctx.per_wte = PerIntensity {
            low: per_wte[0],
            high: per_wte[1],
        };
        // Per class, each quantity per prevalent case (MODEL.md sections 2 and 3).
        let presentation = v[self.presentation_rate];
        let detection = v[self.detection_rate];
        let n = self.pairs.len();
        for (t, &(class, source)) in self.pairs.iter().enumerate() {
            let c = &self.classes[class];
            let presenting = presentation;
            let detected = presenting * detection;
            let referred = detected * v[c.referral_weight];
            let medication_only = referred * v[c.medication_only];
            let treated = referred - medication_only;
            let s = v[c.step2_entry];
            let low = treated * s;
            let stepped_up = low * v[c.step_up];
            let high = treated * (1.0 - s) + stepped_up;
            let low_contacts = low * contacts_per_episode[0];
            let high_contacts = high * contacts_per_episode[1];
            let per_case = [
                1.0,
                presenting,
                detected,
                referred,
                medication_only,
                treated,
                low,
                high,
                stepped_up,
                low_contacts,
                high_contacts,
                low_contacts * wte_per_contact[0],
                high_contacts * wte_per_contact[1],
            ];
            let deprivation = v[self.sources[source]];
            for (quantity, x) in per_case.iter().enumerate() {
                ctx.factors[quantity * n + t] = x * deprivation;
            }
        }
    }

    /// Quantity `quantity` of reported area `area` in the run set up in `ctx`.
    #[inline]
    pub fn quantity(&self, ctx: &RunContext, area: usize, quantity: usize) -> f64 {
        let n = self.pairs.len();
        let factors = &ctx.factors[quantity * n..(quantity + 1) * n];
        let mut sum = 0.0;
        for t in &self.terms[self.spans[area]..self.spans[area + 1]] {
            sum += factors[t.index] * t.weight;
        }
        sum
    }

    /// The factor of (quantity, term) in the run set up in `ctx`: quantity per base
    /// prevalent case of the term's class, times its deprivation factor.
    #[inline]
    pub fn factor(&self, ctx: &RunContext, quantity: usize, term: usize) -> f64 {
        ctx.factors[quantity * self.pairs.len() + term]
    }

    /// The (term, weight) pairs whose sum makes reported area `area`.
    pub fn terms_of(&self, area: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.terms[self.spans[area]..self.spans[area + 1]]
            .iter()
            .map(|t| (t.index, t.weight))
    }

    /// The numeric keys of the scenario the model reads, for tests and messages.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{evaluate, Level, ModelInputs, RunOptions};
    use crate::output::Row;
    use crate::scenario::{self, ScenarioSource};

    fn england() -> ModelInputs {
        ModelInputs {
            population: crate::embedded::population().unwrap(),
            prevalence: crate::embedded::prevalence().unwrap(),
            areas: Some(crate::embedded::areas().unwrap()),
            workforce: None,
        }
    }

    #[test]
    fn field_column_equals_field_value_to_the_bit() {
        let m = 5;
        let values: Vec<Vec<f64>> = (0..q::COUNT)
            .map(|qq| (0..m).map(|i| (qq * 7 + i) as f64 * 1.37 + 0.1).collect())
            .collect();
        let k = RowConstants {
            population_in_scope: 123.5,
            current: PerIntensity {
                low: 3.3,
                high: 1.7,
            },
        };
        let per_low: Vec<f64> = (0..m).map(|i| 350.0 + i as f64).collect();
        let per_high: Vec<f64> = (0..m).map(|i| 70.0 + i as f64).collect();
        for (field, name) in FIELDS.iter().enumerate() {
            let mut out = vec![0.0; m];
            field_column(field, |qq| &values[qq], &k, (&per_low, &per_high), &mut out);
            for (i, got) in out.iter().enumerate() {
                let v: [f64; q::COUNT] = std::array::from_fn(|qq| values[qq][i]);
                let w = PerIntensity {
                    low: per_low[i],
                    high: per_high[i],
                };
                let want = field_value(field, &v, &k, &w).unwrap_or(f64::NAN);
                assert_eq!(got.to_bits(), want.to_bits(), "{name}");
            }
        }
    }

    #[test]
    fn fields_are_the_row_fields() {
        let row = serde_json::to_value(Row {
            area_code: String::new(),
            area_name: String::new(),
            level: String::new(),
            population_in_scope: 0.0,
            prevalent: 0.0,
            presenting: 0.0,
            detected: 0.0,
            referred: 0.0,
            medication_only: 0.0,
            treated: 0.0,
            low_episodes: 0.0,
            high_episodes: 0.0,
            stepped_up: 0.0,
            low_contacts: 0.0,
            high_contacts: 0.0,
            low_wte: 0.0,
            high_wte: 0.0,
            total_wte: 0.0,
            low_high_ratio: None,
            low_share_wte: None,
            low_share_contacts: None,
            access_rate: None,
            low_episodes_per_wte: 0.0,
            high_episodes_per_wte: 0.0,
            current_low_wte: 0.0,
            current_high_wte: 0.0,
            gap_low_wte: 0.0,
            gap_high_wte: 0.0,
        })
        .unwrap();
        let names: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(&names[..3], &["area_code", "area_name", "level"]);
        assert_eq!(&names[3..], &FIELDS[..]);
    }

    /// The fast path and `evaluate` agree on every field of every row, within 1e-9 relative.
    pub(crate) fn assert_same(prepared: &Prepared, probe: &Scenario, paths: &[String], x: &[f64]) {
        let model = FastModel::compile(prepared, probe, paths);
        let mut ctx = model.new_context();
        model.prepare_run(x, &mut ctx);
        let mut scenario = probe.clone();
        for (p, v) in paths.iter().zip(x) {
            assert!(scenario.set(p, *v));
        }
        let result = evaluate(prepared, &scenario);
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
            for (f, name) in FIELDS.iter().enumerate() {
                let got = field_value(f, &v, model.constants(a), &ctx.per_wte);
                let want = want[name].as_f64();
                match (got, want) {
                    (Some(g), Some(w)) => assert!(
                        (g - w).abs() <= 1e-9 * g.abs().max(w.abs()).max(1.0),
                        "{} {name}: fast {g} vs evaluate {w} at {x:?}",
                        r.code
                    ),
                    (g, w) => assert_eq!(g, w, "{} {name}", r.code),
                }
            }
        }
    }

    fn prepared_for(scenario: &Scenario, level: Level) -> Prepared {
        let options = RunOptions {
            level,
            areas: vec![],
        };
        crate::model::prepare(&england(), scenario, &options)
            .unwrap()
            .0
    }

    #[test]
    fn fast_path_equals_evaluate_for_global_keys() {
        let (base, _) = scenario::load(&ScenarioSource::Preset("obc".into())).unwrap();
        let prepared = prepared_for(&base, Level::Named("icb".into()));
        let paths: Vec<String> = [
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
        ]
        .map(String::from)
        .to_vec();
        let x = [
            0.41, 0.63, 1.2, 0.8, 0.27, 5.5, 12.0, 0.66, 14.0, 6.0, 0.6, 0.1, 0.05, 0.2,
        ];
        assert_same(&prepared, &base, &paths, &x);
    }

    #[test]
    fn fast_path_equals_evaluate_with_disorder_and_area_overrides() {
        let (base, _) = scenario::load(&ScenarioSource::Preset("newham".into())).unwrap();
        let prepared = prepared_for(&base, Level::Named("region".into()));
        let paths: Vec<String> = [
            "disorders.ptsd.step2_entry",
            "disorders.depression.step_up",
            "areas.E54000008.deprivation_factor",
            "areas.E40000003.deprivation_factor",
            "high_intensity.working_days",
            "demand.deprivation_factor",
        ]
        .map(String::from)
        .to_vec();
        let mut probe = base.clone();
        for p in &paths {
            probe.create_optional(p);
        }
        let prepared2 = prepared_for(&probe, Level::Named("region".into()));
        let model = FastModel::compile(&prepared2, &probe, &paths);
        assert!(model.term_count() > 1);
        let x = [0.3, 0.25, 1.3, 0.7, 200.0, 0.9];
        assert_same(&prepared, &probe, &paths, &x);
    }

    #[test]
    fn fast_path_equals_evaluate_with_clinical_hours() {
        let (base, _) = scenario::load(&ScenarioSource::Preset("clark-hi".into())).unwrap();
        let prepared = prepared_for(&base, Level::Leaves);
        let paths: Vec<String> = [
            "high_intensity.clinical_hours_per_week",
            "high_intensity.contact_hours",
            "high_intensity.working_days",
            "low_intensity.working_days",
            "capacity.working_days",
        ]
        .map(String::from)
        .to_vec();
        let mut probe = base.clone();
        for p in &paths {
            probe.create_optional(p);
        }
        assert_same(&prepared, &probe, &paths, &[20.0, 0.9, 230.0, 210.0, 200.0]);
    }
}
