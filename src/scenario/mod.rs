//! Scenario files: the planner's assumptions, as TOML.
//!
//! Loading runs in two stages, as ripgrep does with its flags: the raw file (every key
//! optional, unknown keys rejected), merged over whatever it `extends`; then a resolved
//! [`Scenario`] with every default filled in and every value checked. Nothing is computed
//! until every problem in every layer has been reported.

pub mod basis;
pub mod defaults;
mod raw;
pub mod steps;
mod template;

pub use template::{commented_toml, quoted};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use crate::inputs::PayPoint;
use crate::inputs::{normalize_band, BANDS};
use crate::problems::{percent_hint, InputError, Problems};
use crate::Warnings;
pub use raw::{find_line, plain_type_error_at};
pub use steps::{canonical_key, legacy_key, Edge, Routing};

/// How people with several disorders are counted (MODEL.md section 2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Comorbidity {
    /// Counted once: each disorder's share of the `any` total.
    Primary,
    /// Counted once per disorder.
    Sum,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationSettings {
    pub age_min: u32,
    /// Exclusive upper age.
    pub age_max: u32,
    /// Keep only the leaf areas under these codes (any level); empty keeps all.
    pub areas: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Demand {
    pub presentation_rate: f64,
    pub detection_rate: f64,
    pub deprivation_factor: f64,
    pub comorbidity: Comorbidity,
    pub referral_weight: f64,
    pub medication_only: f64,
}

/// Per-disorder overrides of the pathway; None takes the scenario-wide value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DisorderOverride {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral_weight: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medication_only: Option<f64>,
    /// `[disorders.<d>.steps.<step>]`: the disorder's own entry share and edges into a step
    /// (PTSD straight to step 3 is `steps.low.entry = 0`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<String, StepOverride>,
}

/// A disorder's own routing into one step.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StepOverride {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<f64>,
    /// Share of another step's episodes that go on to this one, by that step's id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub from: BTreeMap<String, f64>,
}

/// Where people treated psychologically start: a share of them, or whatever share the other
/// steps leave (`entry = "rest"`, the 2007 high intensity step: 1 - step 2 entry).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Entry {
    Share(f64),
    Rest(RestMarker),
}

/// Serialises as the string "rest".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RestMarker {
    Rest,
}

impl Entry {
    pub const REST: Entry = Entry::Rest(RestMarker::Rest);
}

/// One step of care (an intervention): how many contacts an episode takes, what one WTE
/// delivers, who delivers it, and how people reach it. Declared in the scenario as
/// `[steps.<id>]`; the 2007 stepped care is the steps `low` and `high`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepSettings {
    /// Names the step's output fields (`<id>_wte`, `gap_<id>_wte`) and keys (`steps.<id>.*`).
    #[serde(skip)]
    pub id: String,
    pub label: String,
    pub contacts_per_episode: f64,
    #[serde(flatten)]
    pub basis: CapacityBasis,
    /// Overrides `capacity.working_days` for this step only (e.g. Clark's 48 weeks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_days: Option<f64>,
    /// The skill mix: who delivers this step's WTE, at what band.
    pub roles: Vec<RoleShare>,
    /// Supervision hours a week each WTE of this step needs.
    pub supervision_hours: f64,
    /// Annual turnover of this step's qualified staff.
    pub turnover: f64,
    /// Days a week a trained member of staff is released to deliver this step's therapy
    /// (NHS England's PT-SMHP guidance asks for at least 2): a WTE of the step is then
    /// 5 / days trained staff. None: the step is delivered by dedicated posts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protected_days_per_week: Option<f64>,
    /// Share of people treated psychologically who start at this step.
    pub entry: Entry,
    /// The `[pathways.<id>]` the step belongs to; None: the main pathway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pathway: Option<String>,
    /// Share of another step's episodes that go on to this one (step-up or step-down), by
    /// that step's id, in the order written.
    #[serde(serialize_with = "pairs_by_key")]
    pub from: Vec<(String, f64)>,
}

/// `[pathways.<id>]`: a care pathway of its own beside the stepped care of common mental
/// health problems: the conditions that feed it (rows of the prevalence file), its own funnel
/// rates (each optional: [demand]'s otherwise) and, through `steps.<id>.pathway`, its steps.
/// Conditions no pathway claims, and steps that name no pathway, make the main pathway.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathwaySettings {
    #[serde(skip)]
    pub id: String,
    pub label: String,
    pub conditions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presentation_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral_weight: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medication_only: Option<f64>,
    /// The least Agenda for Change band the pathway's therapy is delivered at (NHS England's
    /// PT-SMHP guidance asks for Band 7 or above): a skill-mix role below it is a warning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_band: Option<String>,
}

fn pathways_by_id<S: serde::Serializer>(
    pathways: &[PathwaySettings],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(pathways.len()))?;
    for p in pathways {
        map.serialize_entry(&p.id, p)?;
    }
    map.end()
}

fn steps_by_id<S: serde::Serializer>(steps: &[StepSettings], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(steps.len()))?;
    for step in steps {
        map.serialize_entry(&step.id, step)?;
    }
    map.end()
}

fn pairs_by_key<S: serde::Serializer>(pairs: &[(String, f64)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// How the annual contacts one WTE delivers are worked out (MODEL.md section 4).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CapacityBasis {
    /// K = contacts_per_day x caseload x working_days.
    ContactsPerDay {
        contacts_per_day: f64,
        caseload: f64,
    },
    /// K = clinical_hours_per_week / contact_hours x working_days / 5.
    ClinicalHours {
        clinical_hours_per_week: f64,
        contact_hours: f64,
    },
}

impl CapacityBasis {
    /// K, the attended contacts one WTE delivers a year: contacts_per_day x caseload x
    /// working_days, or clinical_hours_per_week / contact_hours x working_days / 5.
    pub fn annual_contacts_per_wte(&self, working_days: f64) -> f64 {
        match *self {
            CapacityBasis::ContactsPerDay {
                contacts_per_day,
                caseload,
            } => contacts_per_day * caseload * working_days,
            CapacityBasis::ClinicalHours {
                clinical_hours_per_week,
                contact_hours,
            } => clinical_hours_per_week / contact_hours * working_days / 5.0,
        }
    }
}

/// One role of an intensity's skill mix (issue 5, part 1): `[[low_intensity.roles]]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleShare {
    pub role: String,
    /// Agenda for Change band, normalised ("5", "8a").
    pub band: String,
    /// Fraction of the intensity's WTE; the shares of an intensity sum to 1.
    pub share: f64,
    /// Whether the role supervises (counts towards covering supervision). Default: true for a
    /// band above the lowest band of the intensity's roles.
    pub supervises: bool,
}

/// `[costs]` (issue 5, part 2): what staff and medication cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostSettings {
    /// Which point of each band's pay scale a WTE costs.
    pub pay_point: PayPoint,
    /// Employer National Insurance and pension, as a fraction of salary.
    pub on_cost_rate: f64,
    /// Cost of one course of an SSRI for a person who chooses medication alone. No default
    /// (generic prices move month to month): required when any medication_only share is above 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medication_course_cost: Option<f64>,
    /// `[costs.salary]`: annual salary (before on-costs) per band, overriding the pay table.
    pub salary: BTreeMap<String, f64>,
}

/// `[supervision]` (issue 5, part 3); the hours each step needs are the step's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupervisionSettings {
    /// Supervision hours a week one supervisor WTE provides.
    pub hours_per_supervisor_wte: f64,
}

/// `[pipeline]` (issue 5, part 4): training the workforce that closes the gap; each step's
/// turnover is the step's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineSettings {
    /// Y: whole years to close the gap.
    pub years: f64,
    /// T: whole years from starting training to joining the qualified stock.
    pub training_years: f64,
    /// c: share of trainees who complete and join.
    pub completion_rate: f64,
}

/// What a ratio role's WTE is proportional to: one step's WTE (`"<step>_wte"`), the WTE of
/// every step (`"total_wte"`) or the population in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RatioBasis {
    StepWte(String),
    TotalWte,
    PopulationInScope,
}

impl RatioBasis {
    pub fn parse(text: &str) -> RatioBasis {
        match text {
            "total_wte" => RatioBasis::TotalWte,
            "population_in_scope" => RatioBasis::PopulationInScope,
            other => RatioBasis::StepWte(other.strip_suffix("_wte").unwrap_or(other).to_string()),
        }
    }

    pub fn as_str(&self) -> String {
        match self {
            RatioBasis::StepWte(step) => format!("{step}_wte"),
            RatioBasis::TotalWte => "total_wte".into(),
            RatioBasis::PopulationInScope => "population_in_scope".into(),
        }
    }
}

impl Serialize for RatioBasis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

/// `[[ratio_roles]]` (issue 5, part 5): staff in proportion to something else, e.g.
/// employment advisers at 1 per 8 therapists (ratio 0.125 per total_wte).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatioRole {
    pub role: String,
    pub band: String,
    pub per: RatioBasis,
    /// WTE per unit of `per`.
    pub ratio: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacitySettings {
    pub working_days: f64,
    pub dna_rate: f64,
    pub headroom: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AreaOverride {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprivation_factor: Option<f64>,
}

/// Input files named by a scenario's `[data]` table, resolved against the scenario's folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DataPaths {
    pub population: Option<PathBuf>,
    pub prevalence: Option<PathBuf>,
    pub areas: Option<PathBuf>,
    pub workforce: Option<PathBuf>,
}

/// A fully resolved scenario: every assumption of the model, defaults filled in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// Where it came from: a file path or `preset:NAME`, then what it extends.
    pub sources: Vec<String>,
    pub population: PopulationSettings,
    pub demand: Demand,
    pub disorders: BTreeMap<String, DisorderOverride>,
    /// The steps of care, in output order (in JSON, an object keyed by id, as the keys are
    /// written: `steps.low.caseload`).
    #[serde(serialize_with = "steps_by_id")]
    pub steps: Vec<StepSettings>,
    /// Pathways of their own (none: one pathway holds every condition and step).
    #[serde(
        serialize_with = "pathways_by_id",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub pathways: Vec<PathwaySettings>,
    pub capacity: CapacitySettings,
    pub areas: BTreeMap<String, AreaOverride>,
    pub costs: CostSettings,
    pub supervision: SupervisionSettings,
    pub pipeline: PipelineSettings,
    pub ratio_roles: Vec<RatioRole>,
    #[serde(skip)]
    pub data: DataPaths,
    /// "file:line" of each key a file set, for messages found after loading.
    #[serde(skip)]
    pub origins: BTreeMap<String, String>,
}

/// What a numeric key may hold; used to validate files and to keep sweep draws valid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// In [0, 1].
    Fraction,
    /// In [0, 1): a rate that divides by (1 - rate).
    FractionBelowOne,
    /// In (0, 1].
    PositiveFraction,
    /// > 0 and at most the bound (a sanity bound with a unit, e.g. hours in a week).
    Positive { max: f64, unit: &'static str },
    /// >= 0.
    NonNegative,
}

impl Rule {
    /// The closed or half-open range of valid values, for clamping random draws.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Rule::Fraction => (0.0, 1.0),
            Rule::FractionBelowOne => (0.0, 1.0 - 1e-9),
            Rule::PositiveFraction => (1e-12, 1.0),
            Rule::Positive { max, .. } => (1e-12, max),
            Rule::NonNegative => (0.0, f64::MAX),
        }
    }

    /// None when valid; else what is wrong and what would be valid.
    pub fn check(self, value: f64) -> Option<String> {
        if !value.is_finite() {
            return Some("is not a finite number".into());
        }
        match self {
            Rule::Fraction if !(0.0..=1.0).contains(&value) => Some(format!(
                "is not a fraction in [0, 1]{}",
                percent_hint(value)
            )),
            Rule::FractionBelowOne if !(0.0..1.0).contains(&value) => Some(format!(
                "is not a fraction in [0, 1) (1 would mean no contact is ever attended){}",
                percent_hint(value)
            )),
            Rule::PositiveFraction if !(value > 0.0 && value <= 1.0) => Some(format!(
                "is not a fraction in (0, 1]{}",
                percent_hint(value)
            )),
            Rule::Positive { max, unit } if !(value > 0.0 && value <= max) => {
                if value <= 0.0 {
                    Some(format!("must be above 0 ({unit})"))
                } else {
                    Some(format!("is more than {max} {unit}; check the unit"))
                }
            }
            Rule::NonNegative if value < 0.0 => Some("is negative; expected a number >= 0".into()),
            // Costs and factors beyond it give results (and sums of them) that overflow.
            Rule::NonNegative if value > crate::inputs::MAX_COUNT => Some(format!(
                "is too large: the results computed from it could not be represented; expected at most {:e}",
                crate::inputs::MAX_COUNT
            )),
            _ => None,
        }
    }
}

const CONTACTS: Rule = Rule::Positive {
    max: 1000.0,
    unit: "contacts",
};
/// Released to deliver therapy on at least part of one day, at most the whole week.
const PROTECTED_DAYS: Rule = Rule::Positive {
    max: 5.0,
    unit: "days a week",
};
const DAYS: Rule = Rule::Positive {
    max: 366.0,
    unit: "working days a year",
};
const HOURS_PER_WEEK: Rule = Rule::Positive {
    max: 168.0,
    unit: "hours a week",
};
const CONTACT_HOURS: Rule = Rule::Positive {
    max: 8.0,
    unit: "hours per contact: 50 minutes is 0.8333",
};
const YEARS: Rule = Rule::Positive {
    max: 50.0,
    unit: "years",
};
const SALARY_PLAUSIBLE_MIN: f64 = 1000.0;

/// The default skill mix of an intensity from `defaults`, supervisors by band.
fn default_roles(list: &[(&str, &str, f64)]) -> Vec<RoleShare> {
    let mut roles: Vec<RoleShare> = list
        .iter()
        .map(|&(role, band, share)| RoleShare {
            role: role.into(),
            band: band.into(),
            share,
            supervises: false,
        })
        .collect();
    let given = vec![None; roles.len()];
    mark_supervisors(&mut roles, &given);
    roles
}

/// Sets `supervises` where a file did not: true for a band above the lowest in the list.
pub(crate) fn mark_supervisors(roles: &mut [RoleShare], given: &[Option<bool>]) {
    let lowest = roles
        .iter()
        .filter_map(|r| crate::inputs::band_rank(&r.band))
        .min();
    for (r, g) in roles.iter_mut().zip(given) {
        r.supervises = g.unwrap_or_else(|| {
            crate::inputs::band_rank(&r.band)
                .zip(lowest)
                .is_some_and(|(b, l)| b > l)
        });
    }
}

impl Scenario {
    /// The Outline Business Case defaults of MODEL.md section 7.
    pub fn defaults() -> Scenario {
        use defaults::*;
        Scenario {
            name: "defaults".into(),
            description: "the defaults of docs/model.md (Outline Business Case)".into(),
            sources: vec![],
            population: PopulationSettings {
                age_min: AGE_MIN,
                age_max: AGE_MAX,
                areas: vec![],
            },
            demand: Demand {
                presentation_rate: PRESENTATION_RATE,
                detection_rate: DETECTION_RATE,
                deprivation_factor: DEPRIVATION_FACTOR,
                comorbidity: Comorbidity::Primary,
                referral_weight: REFERRAL_WEIGHT,
                medication_only: MEDICATION_ONLY,
            },
            disorders: BTreeMap::new(),
            steps: vec![
                StepSettings {
                    id: "low".into(),
                    label: "Low intensity (step 2)".into(),
                    contacts_per_episode: LOW_CONTACTS_PER_EPISODE,
                    basis: CapacityBasis::ContactsPerDay {
                        contacts_per_day: LOW_CONTACTS_PER_DAY,
                        caseload: LOW_CASELOAD,
                    },
                    working_days: None,
                    roles: default_roles(&LOW_ROLES),
                    supervision_hours: SUPERVISION_LOW_HOURS,
                    turnover: TURNOVER_LOW,
                    protected_days_per_week: None,
                    entry: Entry::Share(STEP2_ENTRY),
                    pathway: None,
                    from: vec![],
                },
                StepSettings {
                    id: "high".into(),
                    label: "High intensity (step 3)".into(),
                    contacts_per_episode: HIGH_CONTACTS_PER_EPISODE,
                    basis: CapacityBasis::ContactsPerDay {
                        contacts_per_day: HIGH_CONTACTS_PER_DAY,
                        caseload: HIGH_CASELOAD,
                    },
                    working_days: None,
                    roles: default_roles(&HIGH_ROLES),
                    supervision_hours: SUPERVISION_HIGH_HOURS,
                    turnover: TURNOVER_HIGH,
                    protected_days_per_week: None,
                    entry: Entry::REST,
                    pathway: None,
                    from: vec![("low".into(), STEP_UP)],
                },
            ],
            pathways: Vec::new(),
            capacity: CapacitySettings {
                working_days: WORKING_DAYS,
                dna_rate: DNA_RATE,
                headroom: HEADROOM,
            },
            areas: BTreeMap::new(),
            costs: CostSettings {
                pay_point: PayPoint::Mid,
                on_cost_rate: ON_COST_RATE,
                medication_course_cost: None,
                salary: BTreeMap::new(),
            },
            supervision: SupervisionSettings {
                hours_per_supervisor_wte: HOURS_PER_SUPERVISOR_WTE,
            },
            pipeline: PipelineSettings {
                years: PIPELINE_YEARS,
                training_years: TRAINING_YEARS,
                completion_rate: COMPLETION_RATE,
            },
            ratio_roles: Vec::new(),
            data: DataPaths::default(),
            origins: BTreeMap::new(),
        }
    }

    /// Where a key was set ("file:line"), or the scenario's own name when it was not.
    pub fn locate(&self, path: &str) -> String {
        self.origins
            .get(path)
            .cloned()
            .or_else(|| self.sources.first().cloned())
            .unwrap_or_else(|| "scenario".to_string())
    }

    /// The key that sets the deprivation factor of an area with this lineage (the area and
    /// its ancestors, nearest first): the nearest `[areas.<code>]` override, else the demand's.
    pub fn deprivation_key(&self, lineage: &[String]) -> String {
        lineage
            .iter()
            .find(|code| {
                self.areas
                    .get(*code)
                    .is_some_and(|a| a.deprivation_factor.is_some())
            })
            .map_or("demand.deprivation_factor".to_string(), |code| {
                format!("areas.{code}.deprivation_factor")
            })
    }

    /// The key that sets the deprivation factor of an area with this lineage, with its value
    /// and where it was set.
    pub fn deprivation_origin(&self, lineage: &[String]) -> String {
        let path = self.deprivation_key(lineage);
        let value = self.get(&path).unwrap_or(self.demand.deprivation_factor);
        format!("{path} = {value} ({})", self.locate(&path))
    }

    /// Calls `f` with the dotted path, a mutable reference and the rule of every numeric key
    /// the scenario holds. One list serves validation, `get`, `set` and sweeps.
    pub fn visit_numbers(&mut self, f: &mut dyn FnMut(&str, &mut f64, Rule)) {
        f(
            "demand.presentation_rate",
            &mut self.demand.presentation_rate,
            Rule::Fraction,
        );
        f(
            "demand.detection_rate",
            &mut self.demand.detection_rate,
            Rule::Fraction,
        );
        f(
            "demand.deprivation_factor",
            &mut self.demand.deprivation_factor,
            Rule::NonNegative,
        );
        f(
            "demand.referral_weight",
            &mut self.demand.referral_weight,
            Rule::Fraction,
        );
        f(
            "demand.medication_only",
            &mut self.demand.medication_only,
            Rule::Fraction,
        );
        for (id, d) in self.disorders.iter_mut() {
            for (key, value) in [
                ("referral_weight", &mut d.referral_weight),
                ("medication_only", &mut d.medication_only),
            ] {
                if let Some(v) = value {
                    f(&format!("disorders.{id}.{key}"), v, Rule::Fraction);
                }
            }
            for (step, o) in d.steps.iter_mut() {
                if let Some(v) = &mut o.entry {
                    f(
                        &format!("disorders.{id}.steps.{step}.entry"),
                        v,
                        Rule::Fraction,
                    );
                }
                for (from, v) in o.from.iter_mut() {
                    f(
                        &format!("disorders.{id}.steps.{step}.from.{from}"),
                        v,
                        Rule::Fraction,
                    );
                }
            }
        }
        for p in self.pathways.iter_mut() {
            for (key, value) in [
                ("presentation_rate", &mut p.presentation_rate),
                ("detection_rate", &mut p.detection_rate),
                ("referral_weight", &mut p.referral_weight),
                ("medication_only", &mut p.medication_only),
            ] {
                if let Some(v) = value {
                    f(&format!("pathways.{}.{key}", p.id), v, Rule::Fraction);
                }
            }
        }
        for step in self.steps.iter_mut() {
            let section = format!("steps.{}", step.id);
            f(
                &format!("{section}.contacts_per_episode"),
                &mut step.contacts_per_episode,
                CONTACTS,
            );
            match &mut step.basis {
                CapacityBasis::ContactsPerDay {
                    contacts_per_day,
                    caseload,
                } => {
                    f(
                        &format!("{section}.contacts_per_day"),
                        contacts_per_day,
                        CONTACTS,
                    );
                    f(
                        &format!("{section}.caseload"),
                        caseload,
                        Rule::PositiveFraction,
                    );
                }
                CapacityBasis::ClinicalHours {
                    clinical_hours_per_week,
                    contact_hours,
                } => {
                    f(
                        &format!("{section}.clinical_hours_per_week"),
                        clinical_hours_per_week,
                        HOURS_PER_WEEK,
                    );
                    f(
                        &format!("{section}.contact_hours"),
                        contact_hours,
                        CONTACT_HOURS,
                    );
                }
            }
            if let Some(days) = &mut step.working_days {
                f(&format!("{section}.working_days"), days, DAYS);
            }
            if let Some(days) = &mut step.protected_days_per_week {
                f(
                    &format!("{section}.protected_days_per_week"),
                    days,
                    PROTECTED_DAYS,
                );
            }
            if let Entry::Share(v) = &mut step.entry {
                f(&format!("{section}.entry"), v, Rule::Fraction);
            }
            for (from, v) in step.from.iter_mut() {
                f(&format!("{section}.from.{from}"), v, Rule::Fraction);
            }
            for (n, role) in step.roles.iter_mut().enumerate() {
                f(
                    &format!("{section}.roles.{n}.share"),
                    &mut role.share,
                    Rule::Fraction,
                );
            }
            f(
                &format!("{section}.supervision_hours"),
                &mut step.supervision_hours,
                Rule::NonNegative,
            );
            // Turnover must also be below 1: `validate` says so with the reason.
            f(
                &format!("{section}.turnover"),
                &mut step.turnover,
                Rule::Fraction,
            );
        }
        f(
            "capacity.working_days",
            &mut self.capacity.working_days,
            DAYS,
        );
        f(
            "capacity.dna_rate",
            &mut self.capacity.dna_rate,
            Rule::FractionBelowOne,
        );
        f(
            "capacity.headroom",
            &mut self.capacity.headroom,
            Rule::Fraction,
        );
        for (code, a) in self.areas.iter_mut() {
            if let Some(v) = &mut a.deprivation_factor {
                f(
                    &format!("areas.{code}.deprivation_factor"),
                    v,
                    Rule::NonNegative,
                );
            }
        }
        let c = &mut self.costs;
        f("costs.on_cost_rate", &mut c.on_cost_rate, Rule::Fraction);
        if let Some(v) = &mut c.medication_course_cost {
            f("costs.medication_course_cost", v, Rule::NonNegative);
        }
        for (band, v) in c.salary.iter_mut() {
            f(&format!("costs.salary.{band}"), v, Rule::NonNegative);
        }
        f(
            "supervision.hours_per_supervisor_wte",
            &mut self.supervision.hours_per_supervisor_wte,
            HOURS_PER_WEEK,
        );
        let p = &mut self.pipeline;
        f("pipeline.years", &mut p.years, YEARS);
        f("pipeline.training_years", &mut p.training_years, YEARS);
        f(
            "pipeline.completion_rate",
            &mut p.completion_rate,
            Rule::PositiveFraction,
        );
        for (n, r) in self.ratio_roles.iter_mut().enumerate() {
            f(
                &format!("ratio_roles.{n}.ratio"),
                &mut r.ratio,
                Rule::NonNegative,
            );
        }
    }

    /// Every numeric key with its value and rule, in a fixed order.
    pub fn numbers(&self) -> Vec<(String, f64, Rule)> {
        let mut copy = self.clone();
        let mut out = Vec::new();
        copy.visit_numbers(&mut |path, v, rule| out.push((path.to_string(), *v, rule)));
        out
    }

    /// The value of a numeric key (the 2007 spelling of a key is accepted too).
    pub fn get(&self, path: &str) -> Option<f64> {
        let path = canonical_key(path);
        self.numbers()
            .into_iter()
            .find(|(p, _, _)| *p == path)
            .map(|(_, v, _)| v)
    }

    /// The rule of a key the scenario holds, or could hold (a per-disorder or per-area key).
    pub fn rule_of(&self, path: &str) -> Option<Rule> {
        let path = canonical_key(path);
        let mut probe = self.clone();
        probe.create_optional(&path);
        probe
            .numbers()
            .into_iter()
            .find(|(p, _, _)| *p == path)
            .map(|(_, _, r)| r)
    }

    /// Sets a numeric key by dotted path, creating a per-disorder or per-area override if
    /// needed. Returns false for a path that names no numeric key. Does not validate.
    pub fn set(&mut self, path: &str, value: f64) -> bool {
        let path = canonical_key(path);
        self.create_optional(&path);
        let mut found = false;
        self.visit_numbers(&mut |p, v, _| {
            if p == path {
                *v = value;
                found = true;
            }
        });
        found
    }

    /// Makes an optional key exist (at its inherited value) so that it can be set.
    pub fn create_optional(&mut self, path: &str) {
        let path = canonical_key(path);
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["disorders", id, key @ ("referral_weight" | "medication_only")] => {
                let d = self.disorders.entry(id.to_string()).or_default();
                let (slot, inherited) = if *key == "referral_weight" {
                    (&mut d.referral_weight, self.demand.referral_weight)
                } else {
                    (&mut d.medication_only, self.demand.medication_only)
                };
                slot.get_or_insert(inherited);
            }
            ["disorders", id, "steps", step, "entry"] => {
                let Some(inherited) = self.entry_shares().get(*step).copied() else {
                    return;
                };
                let d = self.disorders.entry(id.to_string()).or_default();
                let o = d.steps.entry(step.to_string()).or_default();
                o.entry.get_or_insert(inherited);
            }
            ["disorders", id, "steps", step, "from", from] => {
                let Some(target) = self.step(step) else {
                    return;
                };
                if self.step(from).is_none() {
                    return;
                }
                let inherited = target
                    .from
                    .iter()
                    .find(|(f, _)| f == from)
                    .map_or(0.0, |(_, v)| *v);
                let d = self.disorders.entry(id.to_string()).or_default();
                let o = d.steps.entry(step.to_string()).or_default();
                o.from.entry(from.to_string()).or_insert(inherited);
            }
            ["steps", step, "entry"] => {
                let Some(inherited) = self.entry_shares().get(*step).copied() else {
                    return;
                };
                if let Some(s) = self.step_mut(step) {
                    s.entry = Entry::Share(inherited);
                }
            }
            ["steps", step, "from", from] => {
                if self.step(from).is_none() {
                    return;
                }
                if let Some(s) = self.step_mut(step) {
                    if !s.from.iter().any(|(f, _)| f == from) {
                        s.from.push((from.to_string(), 0.0));
                    }
                }
            }
            ["areas", code, "deprivation_factor"] => {
                let inherited = self.demand.deprivation_factor;
                self.areas
                    .entry(code.to_string())
                    .or_default()
                    .deprivation_factor
                    .get_or_insert(inherited);
            }
            ["costs", "medication_course_cost"] => {
                self.costs.medication_course_cost.get_or_insert(0.0);
            }
            ["costs", "salary", band] => {
                // A band's override starts at the pay table's figure for the pay point.
                if let Some(b) = normalize_band(band) {
                    let inherited = crate::embedded::afc_pay()
                        .band(&b)
                        .map_or(0.0, |row| row.at(self.costs.pay_point));
                    self.costs.salary.entry(b).or_insert(inherited);
                }
            }
            ["pathways", id, key] => {
                let d = &self.demand;
                let inherited = match *key {
                    "presentation_rate" => d.presentation_rate,
                    "detection_rate" => d.detection_rate,
                    "referral_weight" => d.referral_weight,
                    "medication_only" => d.medication_only,
                    _ => return,
                };
                if let Some(p) = self.pathways.iter_mut().find(|p| p.id == *id) {
                    let slot = match *key {
                        "presentation_rate" => &mut p.presentation_rate,
                        "detection_rate" => &mut p.detection_rate,
                        "referral_weight" => &mut p.referral_weight,
                        _ => &mut p.medication_only,
                    };
                    slot.get_or_insert(inherited);
                }
            }
            ["steps", step, "working_days"] => {
                let inherited = self.capacity.working_days;
                if let Some(s) = self.step_mut(step) {
                    s.working_days.get_or_insert(inherited);
                }
            }
            _ => {}
        }
    }

    /// Checks every value against its rule; `locate` gives "file:line" for a key.
    pub fn validate(&self, locate: &dyn Fn(&str) -> String) -> (Problems, Warnings) {
        let mut problems = Problems::new();
        let mut warnings = Warnings::new();
        for (path, value, rule) in self.numbers() {
            if let Some(what) = rule.check(value) {
                problems.push(format!(
                    "{}: {path} = {} {what}",
                    locate(&path),
                    crate::problems::short(value)
                ));
            }
        }
        let (lo, hi) = defaults::DEPRIVATION_PLAUSIBLE;
        let mut factors = vec![(
            "demand.deprivation_factor".to_string(),
            self.demand.deprivation_factor,
        )];
        for (code, a) in &self.areas {
            if let Some(v) = a.deprivation_factor {
                factors.push((format!("areas.{code}.deprivation_factor"), v));
            }
        }
        for (path, v) in factors {
            if v.is_finite() && v >= 0.0 && !(lo..=hi).contains(&v) {
                warnings.push(format!(
                    "{}: {path} = {v} is outside {lo} to {hi}, the range of the FAQ's NPMSdep index (prevalence moves by up to 40% either way)",
                    locate(&path)
                ));
            }
        }
        self.validate_steps(locate, &mut problems);
        self.warn_below_min_band(locate, &mut warnings);
        self.validate_workforce(locate, &mut problems, &mut warnings);
        // Each value can be in range while together they leave a WTE almost nothing to do
        // (a caseload of 1e-300): the requirement would be infinite, not a number to plan by.
        if problems.is_empty() {
            for s in &self.steps {
                let section = format!("steps.{}", s.id);
                let days = s.working_days.unwrap_or(self.capacity.working_days);
                let k = s.basis.annual_contacts_per_wte(days);
                if !(k >= 1.0 && k.is_finite()) {
                    problems.push(format!(
                        "{}: [{section}] gives one WTE {k:e} attended contacts a year (from {}); at least 1 is needed: check its capacity keys and the working days",
                        locate(&format!(
                            "{section}.{}",
                            match s.basis {
                                CapacityBasis::ContactsPerDay { .. } => "caseload",
                                CapacityBasis::ClinicalHours { .. } => "contact_hours",
                            }
                        )),
                        match s.basis {
                            CapacityBasis::ContactsPerDay { contacts_per_day, caseload } => format!(
                                "contacts_per_day {contacts_per_day:?} x caseload {caseload:?} x working days {days:?}"
                            ),
                            CapacityBasis::ClinicalHours { clinical_hours_per_week, contact_hours } => format!(
                                "clinical_hours_per_week {clinical_hours_per_week:?} / contact_hours {contact_hours:?} x working days {days:?} / 5"
                            ),
                        }
                    ));
                }
            }
        }
        let p = &self.population;
        if p.age_min >= p.age_max {
            problems.push(format!(
                "{}: population.age_min = {} is not below age_max = {}; the window is age_min <= age < age_max",
                locate("population.age_min"),
                p.age_min,
                p.age_max
            ));
        }
        if p.age_max > crate::inputs::MAX_AGE + 1 {
            problems.push(format!(
                "{}: population.age_max = {} is above {}; ages run from 0 to {}",
                locate("population.age_max"),
                p.age_max,
                crate::inputs::MAX_AGE + 1,
                crate::inputs::MAX_AGE
            ));
        }
        (problems, warnings)
    }
}

impl Scenario {
    /// What one WTE of a step delivers: its capacity basis over its working days.
    pub fn working_days_of(&self, step: &StepSettings) -> f64 {
        step.working_days.unwrap_or(self.capacity.working_days)
    }

    /// The first key that sends people to medication alone when no course cost is given:
    /// the medication cost (and the total cost) cannot be known.
    pub fn uncosted_medication(&self) -> Option<String> {
        if self.costs.medication_course_cost.is_some() || !self.any_medication_only() {
            return None;
        }
        if self.demand.medication_only > 0.0 {
            return Some("demand.medication_only".to_string());
        }
        self.disorders
            .iter()
            .find(|(_, d)| d.medication_only.is_some_and(|m| m > 0.0))
            .map(|(id, _)| format!("disorders.{id}.medication_only"))
            .or_else(|| {
                self.pathways
                    .iter()
                    .find(|p| p.medication_only.is_some_and(|m| m > 0.0))
                    .map(|p| format!("pathways.{}.medication_only", p.id))
            })
    }

    /// Whether any disorder, or the scenario as a whole, sends people to medication alone.
    pub fn any_medication_only(&self) -> bool {
        self.demand.medication_only > 0.0
            || self
                .disorders
                .values()
                .any(|d| d.medication_only.is_some_and(|m| m > 0.0))
            || self
                .pathways
                .iter()
                .any(|p| p.medication_only.is_some_and(|m| m > 0.0))
    }

    /// The checks of issue 5 that are not one key's rule: skill-mix shares summing to 1,
    /// bands, the medication cost, and the pipeline's whole years.
    fn validate_workforce(
        &self,
        locate: &dyn Fn(&str) -> String,
        problems: &mut Problems,
        warnings: &mut Warnings,
    ) {
        let band_problem = |path: &str, band: &str| {
            format!(
                "{}: {path} = '{band}' is not an Agenda for Change band; expected one of {}",
                locate(path),
                BANDS.join(", ")
            )
        };
        for i in &self.steps {
            let section = format!("steps.{}", i.id);
            let path = format!("{section}.roles");
            if i.roles.is_empty() {
                problems.push(format!(
                    "{}: {path} is empty; give at least one [[{path}]] with role, band and share (shares sum to 1)",
                    locate(&path)
                ));
                continue;
            }
            let sum: f64 = i.roles.iter().map(|r| r.share).sum();
            if sum.is_nan() || (sum - 1.0).abs() > 1e-9 {
                let parts: Vec<String> = i
                    .roles
                    .iter()
                    .map(|r| format!("{} {}", r.role, r.share))
                    .collect();
                problems.push(format!(
                    "{}: {path}: the shares sum to {} ({}), not 1; each share is a fraction of {section} WTE, so they must add up to 1",
                    locate(&path),
                    // As a person would add them, without binary floating-point noise.
                    (sum * 1e9).round() / 1e9,
                    parts.join(" + ")
                ));
            }
            for (n, r) in i.roles.iter().enumerate() {
                if normalize_band(&r.band).as_deref() != Some(r.band.as_str()) {
                    problems.push(band_problem(&format!("{path}.{n}.band"), &r.band));
                }
                if r.role.trim().is_empty() {
                    problems.push(format!(
                        "{}: {path}.{n}.role is empty; name the role, e.g. \"PWP\"",
                        locate(&format!("{path}.{n}"))
                    ));
                }
                if let Some(first) = i.roles[..n]
                    .iter()
                    .position(|o| same_role(&o.role, &r.role) && o.band == r.band)
                {
                    problems.push(format!(
                        "{}: {path}.{n}: role '{}' at band {} is already {path}.{first}; give each role and band once",
                        locate(&format!("{path}.{n}")),
                        r.role,
                        r.band
                    ));
                }
            }
        }
        for (n, r) in self.ratio_roles.iter().enumerate() {
            let path = format!("ratio_roles.{n}");
            if normalize_band(&r.band).as_deref() != Some(r.band.as_str()) {
                problems.push(band_problem(&format!("{path}.band"), &r.band));
            }
            if r.role.trim().is_empty() {
                problems.push(format!(
                    "{}: {path}.role is empty; name the role, e.g. \"Employment adviser\"",
                    locate(&path)
                ));
            }
            if let Some(first) = self.ratio_roles[..n]
                .iter()
                .position(|o| same_role(&o.role, &r.role) && o.band == r.band)
            {
                problems.push(format!(
                    "{}: {path}: role '{}' at band {} is already ratio_roles.{first}; give each role and band once",
                    locate(&path),
                    r.role,
                    r.band
                ));
            }
        }
        for (band, v) in &self.costs.salary {
            let path = format!("costs.salary.{band}");
            if normalize_band(band).as_deref() != Some(band.as_str()) {
                problems.push(format!(
                    "{}: [costs.salary] band '{band}' is not an Agenda for Change band; expected one of {}",
                    locate(&path),
                    BANDS.join(", ")
                ));
            } else if *v > 0.0 && *v < SALARY_PLAUSIBLE_MIN {
                warnings.push(format!(
                    "{}: {path} = {v} is less than {SALARY_PLAUSIBLE_MIN}: salaries are annual pounds (did you mean {}?)",
                    locate(&path),
                    v * 1000.0
                ));
            }
        }
        if let Some(path) = self.uncosted_medication() {
            // No WTE depends on the drug cost: the workforce answer is given, and the costs
            // that need the course cost are left empty rather than guessed.
            warnings.push(format!(
                "{}: {path} = {} is above 0 and costs.medication_course_cost is not set: the WTE are given, but cost_medication and cost_total are left empty; set costs.medication_course_cost (the cost in pounds of one course of an SSRI for a person who chooses medication alone; take it from the current Drug Tariff, as no default is shipped: generic prices move month to month) to fill them",
                locate(&path),
                self.get(&path).unwrap_or(0.0)
            ));
        }
        let p = &self.pipeline;
        for (key, v) in [("years", p.years), ("training_years", p.training_years)] {
            if v.is_finite() && v > 0.0 && v.fract() != 0.0 {
                let path = format!("pipeline.{key}");
                problems.push(format!(
                    "{}: {path} = {v} is not a whole number of years; cohorts start once a year",
                    locate(&path)
                ));
            }
        }
        if p.years.is_finite() && p.training_years.is_finite() && p.years < p.training_years {
            problems.push(format!(
                "{}: pipeline.years = {} is less than training_years = {}: no trainee started now qualifies in time; give years >= training_years",
                locate("pipeline.years"),
                p.years,
                p.training_years
            ));
        }
        for step in &self.steps {
            let v = step.turnover;
            // Above 1 is already "not a fraction" (Rule::Fraction); exactly 1 is caught here.
            if v == 1.0 {
                let path = format!("steps.{}.turnover", step.id);
                problems.push(format!(
                    "{}: {path} = {v} is not below 1; a turnover of 1 would mean every member of staff leaves every year",
                    locate(&path)
                ));
            }
        }
    }
}

/// Role names match whatever their case and surrounding spaces.
pub fn same_role(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Where a scenario comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioSource {
    Preset(String),
    File(PathBuf),
}

impl ScenarioSource {
    /// A path if the file exists or the argument looks like a path; else a preset name.
    pub fn from_arg(arg: &str) -> ScenarioSource {
        let path = Path::new(arg);
        if path.is_file() || arg.ends_with(".toml") || arg.contains('/') || arg.contains('\\') {
            ScenarioSource::File(path.to_path_buf())
        } else {
            ScenarioSource::Preset(arg.to_string())
        }
    }
}

/// The shipped presets, compiled in so that they work from any directory.
pub const PRESETS: &[(&str, &str)] = &[
    ("obc", include_str!("../../scenarios/obc.toml")),
    ("triage80", include_str!("../../scenarios/triage80.toml")),
    (
        "richards-li",
        include_str!("../../scenarios/richards-li.toml"),
    ),
    ("clark-hi", include_str!("../../scenarios/clark-hi.toml")),
    (
        "north-essex",
        include_str!("../../scenarios/north-essex.toml"),
    ),
    ("doncaster", include_str!("../../scenarios/doncaster.toml")),
    ("newham", include_str!("../../scenarios/newham.toml")),
];

pub const DEFAULT_PRESET: &str = "obc";

pub fn preset_text(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|(n, _)| *n).collect()
}

/// Loads, merges and validates a scenario and everything it extends.
pub fn load(source: &ScenarioSource) -> Result<(Scenario, Warnings), InputError> {
    let layers = raw::load_chain(source)?;
    raw::resolve(layers)
}

/// Loads a scenario from text (tests, and `init` checking what it wrote).
pub fn load_str(name: &str, text: &str) -> Result<(Scenario, Warnings), InputError> {
    let layers = raw::load_chain_from_text(name, text, None)?;
    raw::resolve(layers)
}
