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

use crate::model::{self, q, FunnelRates, Pathway, Prepared, WteCapacity};
use crate::scenario::{CapacityBasis, Edge, Routing, Scenario};

pub use super::fields::RowConstants;

/// Indices into the run's value vector of the keys one pathway reads.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ClassKeys {
    presentation_rate: usize,
    detection_rate: usize,
    referral_weight: usize,
    medication_only: usize,
    /// Per step: where its entry share comes from.
    entry: Vec<EntryKey>,
    /// Per edge (from, to): the key of its share.
    edges: Vec<(usize, usize, usize)>,
}

/// Where a step's entry share comes from, for one class of disorders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKey {
    /// A step of another pathway: nobody.
    Out,
    /// This key's value.
    Key(usize),
    /// What the pathway's other steps leave.
    Rest,
}

#[derive(Debug, Clone, Copy)]
enum BasisKeys {
    ContactsPerDay { per_day: usize, caseload: usize },
    ClinicalHours { hours: usize, contact_hours: usize },
}

#[derive(Debug, Clone, Copy)]
struct StepKeys {
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
    classes: Vec<ClassKeys>,
    steps: Vec<StepKeys>,
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
    /// The fields of a row, for the scenario's steps.
    fields: Vec<super::fields::Field>,
}

/// What one run's parameters make of the model: a factor per (quantity, term).
#[derive(Debug, Clone)]
pub struct RunContext {
    factors: Vec<f64>,
    /// Episodes one WTE completes a year, per step.
    pub per_wte: Vec<f64>,
    values: Vec<f64>,
    capacity: Vec<WteCapacity>,
    per_case: Vec<f64>,
    class_pathways: Vec<Pathway>,
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
        let slots = paths
            .iter()
            .map(|p| must(&crate::scenario::canonical_key(p)))
            .collect();

        // Classes: disorders with the same pathway keys share coefficients.
        let mut classes: Vec<ClassKeys> = Vec::new();
        let class_of: Vec<usize> = prepared
            .disorders
            .iter()
            .map(|d| {
                // The disorder's own key, else its pathway's, else the scenario's.
                let pathway = probe
                    .pathway_of_condition(d)
                    .map(|i| probe.pathways[i].id.clone());
                let of_pathway = |key: &str| {
                    pathway
                        .as_ref()
                        .and_then(|p| at(&format!("pathways.{p}.{key}")))
                };
                let pick = |key: &str, global: &str| {
                    at(&format!("disorders.{d}.{key}"))
                        .or_else(|| of_pathway(key))
                        .unwrap_or_else(|| must(global))
                };
                let routing = probe.routing(d);
                let own_pathway = probe.pathway_of_condition(d);
                let entry = probe
                    .steps
                    .iter()
                    .map(|s| {
                        if probe.pathway_of_step(s) != own_pathway {
                            return EntryKey::Out;
                        }
                        at(&format!("disorders.{d}.steps.{}.entry", s.id))
                            .or_else(|| at(&format!("steps.{}.entry", s.id)))
                            .map_or(EntryKey::Rest, EntryKey::Key)
                    })
                    .collect();
                let edges = routing
                    .edges
                    .iter()
                    .map(|e| {
                        let (to, from) = (&probe.steps[e.to].id, &probe.steps[e.from].id);
                        let key = at(&format!("disorders.{d}.steps.{to}.from.{from}"))
                            .unwrap_or_else(|| must(&format!("steps.{to}.from.{from}")));
                        (e.from, e.to, key)
                    })
                    .collect();
                let keys = ClassKeys {
                    presentation_rate: of_pathway("presentation_rate")
                        .unwrap_or_else(|| must("demand.presentation_rate")),
                    detection_rate: of_pathway("detection_rate")
                        .unwrap_or_else(|| must("demand.detection_rate")),
                    referral_weight: pick("referral_weight", "demand.referral_weight"),
                    medication_only: pick("medication_only", "demand.medication_only"),
                    entry,
                    edges,
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

        let steps = probe
            .steps
            .iter()
            .map(|st| {
                let section = format!("steps.{}", st.id);
                let basis = match st.basis {
                    CapacityBasis::ContactsPerDay { .. } => BasisKeys::ContactsPerDay {
                        per_day: must(&format!("{section}.contacts_per_day")),
                        caseload: must(&format!("{section}.caseload")),
                    },
                    CapacityBasis::ClinicalHours { .. } => BasisKeys::ClinicalHours {
                        hours: must(&format!("{section}.clinical_hours_per_week")),
                        contact_hours: must(&format!("{section}.contact_hours")),
                    },
                };
                StepKeys {
                    contacts_per_episode: must(&format!("{section}.contacts_per_episode")),
                    basis,
                    working_days: at(&format!("{section}.working_days"))
                        .unwrap_or_else(|| must("capacity.working_days")),
                }
            })
            .collect();

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
                current: g.current.0.clone(),
                has_workforce: prepared.has_workforce,
            });
        }
        let mut total_population = 0.0;
        for c in &constants {
            total_population += c.population_in_scope;
        }
        constants.push(RowConstants {
            population_in_scope: total_population,
            current: prepared.total_current.0.clone(),
            has_workforce: prepared.has_workforce,
        });

        let dna_rate = must("capacity.dna_rate");
        let headroom = must("capacity.headroom");
        FastModel {
            keys,
            base_values,
            slots,
            classes,
            steps,
            dna_rate,
            headroom,
            sources,
            pairs,
            spans,
            terms,
            constants,
            fields: super::fields::row_fields(&probe.step_ids()),
        }
    }

    /// The steps of care.
    pub fn steps(&self) -> usize {
        self.steps.len()
    }

    /// How many quantities a row sums (`model::q::count`).
    pub fn quantities(&self) -> usize {
        q::count(self.steps.len())
    }

    /// The fields of a row.
    pub fn fields(&self) -> &[super::fields::Field] {
        &self.fields
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
        let n = self.steps.len();
        RunContext {
            factors: vec![0.0; self.quantities() * self.pairs.len()],
            per_wte: vec![0.0; n],
            values: self.base_values.clone(),
            capacity: Vec::with_capacity(n),
            per_case: vec![0.0; model::q::count(n)],
            class_pathways: self
                .classes
                .iter()
                .map(|c| Pathway {
                    rates: FunnelRates {
                        presentation_rate: 0.0,
                        detection_rate: 0.0,
                        referral_weight: 0.0,
                        medication_only: 0.0,
                    },
                    routing: Routing {
                        entry: vec![0.0; n],
                        edges: c
                            .edges
                            .iter()
                            .map(|&(from, to, _)| Edge {
                                from,
                                to,
                                share: 0.0,
                            })
                            .collect(),
                        order: crate::scenario::steps::topological_order(
                            n,
                            &c.edges
                                .iter()
                                .map(|&(from, to, _)| Edge {
                                    from,
                                    to,
                                    share: 0.0,
                                })
                                .collect::<Vec<_>>(),
                        )
                        .unwrap_or_else(|_| (0..n).collect()),
                    },
                })
                .collect(),
        }
    }

    /// Sets up `ctx` for a run whose varied parameters take `params`: the run's values go
    /// into the model's own types, and the model's own `per_case` gives the coefficients.
    pub fn prepare_run(&self, params: &[f64], ctx: &mut RunContext) {
        let v = &mut ctx.values;
        v.copy_from_slice(&self.base_values);
        for (&slot, &x) in self.slots.iter().zip(params) {
            v[slot] = x;
        }
        let v = &ctx.values;
        let dna = v[self.dna_rate];
        let headroom = v[self.headroom];
        ctx.capacity.clear();
        for k in &self.steps {
            let basis = match k.basis {
                BasisKeys::ContactsPerDay { per_day, caseload } => CapacityBasis::ContactsPerDay {
                    contacts_per_day: v[per_day],
                    caseload: v[caseload],
                },
                BasisKeys::ClinicalHours {
                    hours,
                    contact_hours,
                } => CapacityBasis::ClinicalHours {
                    clinical_hours_per_week: v[hours],
                    contact_hours: v[contact_hours],
                },
            };
            let days = v[k.working_days];
            let annual = basis.annual_contacts_per_wte(days);
            let cpe = v[k.contacts_per_episode];
            ctx.capacity
                .push(WteCapacity::new(cpe, days, annual, dna, headroom));
        }
        for (slot, c) in ctx.per_wte.iter_mut().zip(&ctx.capacity) {
            *slot = c.episodes_per_wte;
        }
        for (c, p) in self.classes.iter().zip(ctx.class_pathways.iter_mut()) {
            p.rates = FunnelRates {
                presentation_rate: v[c.presentation_rate],
                detection_rate: v[c.detection_rate],
                referral_weight: v[c.referral_weight],
                medication_only: v[c.medication_only],
            };
            let mut taken = 0.0;
            let mut rest = None;
            for (s, key) in c.entry.iter().enumerate() {
                match *key {
                    EntryKey::Key(k) => {
                        p.routing.entry[s] = v[k];
                        taken += v[k];
                    }
                    EntryKey::Rest => rest = Some(s),
                    EntryKey::Out => p.routing.entry[s] = 0.0,
                }
            }
            if let Some(s) = rest {
                p.routing.entry[s] = 1.0 - taken;
            }
            for (edge, &(_, _, key)) in p.routing.edges.iter_mut().zip(&c.edges) {
                edge.share = v[key];
            }
        }
        let n = self.pairs.len();
        for (t, &(class, source)) in self.pairs.iter().enumerate() {
            model::per_case(&ctx.class_pathways[class], &ctx.capacity, &mut ctx.per_case);
            let deprivation = v[self.sources[source]];
            for (quantity, x) in ctx.per_case.iter().enumerate() {
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
