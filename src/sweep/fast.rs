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

pub use super::fields::RowConstants;

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
                has_workforce: prepared.has_workforce,
            });
        }
        let mut total_population = 0.0;
        for c in &constants {
            total_population += c.population_in_scope;
        }
        constants.push(RowConstants {
            population_in_scope: total_population,
            current: prepared.total_current,
            has_workforce: prepared.has_workforce,
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
