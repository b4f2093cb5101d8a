//! The fields of an output row, declared once and generated from the scenario's step ids:
//! `<step>_wte`, `gap_<step>_wte`, `cost_per_<step>_episode` ... for every step, in the
//! order people read them (each quantity for every step, then the next quantity). JSON, CSV,
//! the table, markdown, the report, the workbook and `capacity check` all take their fields
//! from here. For the 2007 steps `low` and `high` the names are those users' scripts rely on.

use serde::Serialize;

use crate::model::{AreaResult, ModelResult};

/// How a field is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Always a number: can be summarised.
    Number,
    /// A number or empty (a ratio whose denominator is 0, a share with no workforce file).
    Optional,
    /// true or false.
    Flag,
}

/// A field's value in one row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Number(f64),
    Optional(Option<f64>),
    Flag(bool),
}

impl Value {
    /// The number, if there is one (a flag is 1 or 0).
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(x),
            Value::Optional(x) => x,
            Value::Flag(b) => Some(f64::from(u8::from(b))),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Value::Number(x) => s.serialize_f64(x),
            Value::Optional(Some(x)) => s.serialize_f64(x),
            Value::Optional(None) => s.serialize_none(),
            Value::Flag(b) => s.serialize_bool(b),
        }
    }
}

/// How a field is worked out from a row's sums: the one declaration that `capacity model`'s
/// rows ([`Field::read`]) and the sweep's columns (`sweep::fields::field_column`) both
/// follow. Step arguments are step indices; quantities are `model::q` indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipe {
    /// The area's population in scope.
    Population,
    /// A quantity of the flow, as summed.
    Quantity(usize),
    /// The WTE of every step.
    TotalWte,
    /// One step's WTE over the next step's (the skill mix).
    WteRatio(usize, usize),
    /// A step's share of the WTE of every step.
    ShareOfWte(usize),
    /// A step's share of the attended contacts of every step.
    ShareOfContacts(usize),
    /// People treated psychologically over prevalent cases.
    AccessRate,
    /// Episodes one WTE of the step completes a year.
    EpisodesPerWte(usize),
    /// Effective current WTE of the step.
    Current(usize),
    /// Required minus current WTE.
    Gap(usize),
    /// Current over required WTE; empty without a workforce file.
    RequirementMet(usize),
    /// Staff cost of the step's roles.
    Cost(usize),
    CostRatioRoles,
    CostMedication,
    CostTotal,
    /// The step's staff cost over a quantity (its contacts or episodes).
    CostPer(usize, usize),
    RatioRolesWte,
    SupervisionHours,
    SupervisorWte,
    SeniorWte,
    SupervisionCovered,
    TraineeIntake(usize),
    SteadyIntake(usize),
    /// Activity the service published (`--observed`), beside the model's.
    Observed(ObservedField),
}

/// The observed activity of a row (NHS Talking Therapies annual report measures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservedField {
    Referrals,
    FinishedCourses,
    /// Finished courses over the model's prevalent cases.
    AccessRate,
    /// Finished courses by step, as shares of the finished courses.
    LowOnlyShare,
    HighOnlyShare,
    BothShare,
    /// Shares of finished courses that waited under 6 and 18 weeks for first treatment.
    Within6Weeks,
    Within18Weeks,
    RecoveryRate,
    /// Observed referrals over the model's referrals: how much of the modelled need the
    /// service sees.
    ObservedToModelledReferrals,
}

/// The observed fields, after the model's when a run has observed activity.
pub fn observed_fields() -> Vec<Field> {
    use ObservedField::*;
    [
        ("observed_referrals", Referrals),
        ("observed_finished_courses", FinishedCourses),
        ("observed_access_rate", AccessRate),
        ("observed_low_only_share", LowOnlyShare),
        ("observed_high_only_share", HighOnlyShare),
        ("observed_both_share", BothShare),
        ("observed_within_6_weeks", Within6Weeks),
        ("observed_within_18_weeks", Within18Weeks),
        ("observed_recovery_rate", RecoveryRate),
        (
            "observed_to_modelled_referrals",
            ObservedToModelledReferrals,
        ),
    ]
    .into_iter()
    .map(|(name, f)| Field {
        name: name.into(),
        kind: Kind::Optional,
        recipe: Recipe::Observed(f),
    })
    .collect()
}

/// The fields of a result's rows: the model's, and the observed ones when it has them.
pub fn result_fields(result: &ModelResult) -> Vec<Field> {
    let mut f = row_fields(&result.step_ids());
    if result.observed_period.is_some() {
        f.extend(observed_fields());
    }
    f
}

impl Recipe {
    /// Whether the field needs the workforce detail (costs, supervision, pipeline).
    pub fn needs_detail(self) -> bool {
        use Recipe::*;
        matches!(
            self,
            Cost(_)
                | CostRatioRoles
                | CostMedication
                | CostTotal
                | CostPer(..)
                | RatioRolesWte
                | SupervisionHours
                | SupervisorWte
                | SeniorWte
                | SupervisionCovered
                | TraineeIntake(_)
                | SteadyIntake(_)
        )
    }
}

/// One field: its name, kind and how it is worked out.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub kind: Kind,
    pub recipe: Recipe,
}

impl Field {
    /// The field's value in an area's result (`capacity model`).
    pub fn read(&self, r: &AreaResult, m: &ModelResult) -> Value {
        use Recipe::*;
        let f = &r.flow;
        let w = &r.workforce;
        let x = match self.recipe {
            Population => r.population_in_scope,
            Quantity(q) => f.q[q],
            TotalWte => f.total_wte(),
            WteRatio(a, b) => return Value::Optional(ratio(f.step_wte(a), f.step_wte(b))),
            ShareOfWte(s) => return Value::Optional(ratio(f.step_wte(s), f.total_wte())),
            ShareOfContacts(s) => return Value::Optional(ratio(f.contacts(s), f.total_contacts())),
            AccessRate => return Value::Optional(ratio(f.treated(), f.prevalent())),
            EpisodesPerWte(s) => m.capacity[s].episodes_per_wte,
            Current(s) => r.current[s],
            Gap(s) => f.step_wte(s) - r.current[s],
            // Without a workforce file nothing is known of the staff in post: no share, not 0.
            RequirementMet(s) => {
                return Value::Optional(
                    ratio(r.current[s], f.step_wte(s)).filter(|_| m.has_workforce),
                )
            }
            Cost(s) => w.costs.staff[s],
            CostRatioRoles => w.costs.ratio_roles,
            CostMedication => return Value::Optional(w.costs.medication),
            CostTotal => return Value::Optional(w.costs.total()),
            CostPer(s, q) => return Value::Optional(ratio(w.costs.staff[s], f.q[q])),
            RatioRolesWte => w.ratio_roles_wte(),
            SupervisionHours => w.supervision.hours_total(),
            SupervisorWte => w.supervision.supervisor_wte_total(),
            SeniorWte => w.supervision.senior_wte_total(),
            SupervisionCovered => return Value::Flag(w.supervision.covered()),
            TraineeIntake(s) => w.pipeline[s].intake,
            SteadyIntake(s) => w.pipeline[s].steady,
            Observed(o) => return Value::Optional(observed_value(o, r)),
        };
        Value::Number(x)
    }
}

fn observed_value(field: ObservedField, r: &AreaResult) -> Option<f64> {
    use ObservedField::*;
    let m = r.observed.as_ref()?;
    let of_finished = |x: Option<f64>| ratio(x?, m.finished_courses?);
    match field {
        Referrals => m.referrals,
        FinishedCourses => m.finished_courses,
        AccessRate => ratio(m.finished_courses?, r.flow.prevalent()),
        LowOnlyShare => of_finished(m.low_only),
        HighOnlyShare => of_finished(m.high_only),
        BothShare => of_finished(m.both),
        Within6Weeks => m.share_within_6_weeks(),
        Within18Weeks => m.share_within_18_weeks(),
        RecoveryRate => m.recovery_rate,
        ObservedToModelledReferrals => ratio(m.referrals?, r.flow.referred()),
    }
}

/// `a / b`, or None when b is zero.
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    if b == 0.0 {
        None
    } else {
        Some(a / b)
    }
}

/// The fields of a row after area_code, area_name and level, for these steps.
pub fn row_fields(steps: &[&str]) -> Vec<Field> {
    use crate::model::q;
    use Recipe::*;
    let n = steps.len();
    let mut f: Vec<Field> = Vec::new();
    let mut add = |name: String, recipe: Recipe| {
        let kind = match recipe {
            WteRatio(..) | ShareOfWte(_) | ShareOfContacts(_) | AccessRate | RequirementMet(_)
            | CostPer(..) | CostMedication | CostTotal => Kind::Optional,
            SupervisionCovered => Kind::Flag,
            _ => Kind::Number,
        };
        f.push(Field { name, kind, recipe });
    };
    // One field per step: "{id}" in `name` is the step's id.
    let each = |add: &mut dyn FnMut(String, Recipe), name: &str, r: &dyn Fn(usize) -> Recipe| {
        for (s, id) in steps.iter().enumerate() {
            add(name.replace("{id}", id), r(s));
        }
    };
    add("population_in_scope".into(), Population);
    for (name, quantity) in [
        ("prevalent", q::PREVALENT),
        ("presenting", q::PRESENTING),
        ("detected", q::DETECTED),
        ("referred", q::REFERRED),
        ("medication_only", q::MEDICATION_ONLY),
        ("treated", q::TREATED),
    ] {
        add(name.into(), Quantity(quantity));
    }
    each(&mut add, "{id}_episodes", &|s| Quantity(q::episodes(s)));
    add("stepped_up".into(), Quantity(q::STEPPED_UP));
    each(&mut add, "{id}_contacts", &|s| Quantity(q::contacts(s)));
    each(&mut add, "{id}_wte", &|s| Quantity(q::wte(s)));
    add("total_wte".into(), TotalWte);
    // Ratios are recomputed from sums, never averaged (MODEL.md section 6). The skill mix is
    // each step's WTE over the next step's; each step's share of the WTE and of the contacts
    // (the last step's share is what the others leave).
    for s in 0..n.saturating_sub(1) {
        add(
            format!("{}_{}_ratio", steps[s], steps[s + 1]),
            WteRatio(s, s + 1),
        );
    }
    let all_but_last = &steps[..n.saturating_sub(1)];
    for (s, id) in all_but_last.iter().enumerate() {
        add(format!("{id}_share_wte"), ShareOfWte(s));
    }
    for (s, id) in all_but_last.iter().enumerate() {
        add(format!("{id}_share_contacts"), ShareOfContacts(s));
    }
    add("access_rate".into(), AccessRate);
    each(&mut add, "{id}_episodes_per_wte", &EpisodesPerWte);
    each(&mut add, "current_{id}_wte", &Current);
    each(&mut add, "gap_{id}_wte", &Gap);
    each(&mut add, "requirement_met_{id}", &RequirementMet);
    each(&mut add, "cost_{id}", &Cost);
    add("cost_ratio_roles".into(), CostRatioRoles);
    add("cost_medication".into(), CostMedication);
    add("cost_total".into(), CostTotal);
    each(&mut add, "cost_per_{id}_contact", &|s| {
        CostPer(s, q::contacts(s))
    });
    each(&mut add, "cost_per_{id}_episode", &|s| {
        CostPer(s, q::episodes(s))
    });
    add("ratio_roles_wte".into(), RatioRolesWte);
    add("supervision_hours_per_week".into(), SupervisionHours);
    add("supervisor_wte".into(), SupervisorWte);
    add("senior_wte".into(), SeniorWte);
    add("supervision_covered".into(), SupervisionCovered);
    each(&mut add, "trainee_intake_{id}", &TraineeIntake);
    each(&mut add, "steady_intake_{id}", &SteadyIntake);
    f
}

/// The fields of the funnel of one disorder within a row (`--by-disorder`).
pub fn disorder_fields(steps: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = [
        "prevalent",
        "presenting",
        "detected",
        "referred",
        "medication_only",
        "treated",
    ]
    .map(String::from)
    .to_vec();
    names.extend(steps.iter().map(|s| format!("{s}_episodes")));
    names.push("stepped_up".into());
    names.extend(steps.iter().map(|s| format!("{s}_contacts")));
    names.extend(steps.iter().map(|s| format!("{s}_wte")));
    names.push("total_wte".into());
    names
}
