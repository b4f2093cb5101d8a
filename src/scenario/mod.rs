//! Scenario files: the planner's assumptions, as TOML.
//!
//! Loading runs in two stages, as ripgrep does with its flags: the raw file (every key
//! optional, unknown keys rejected), merged over whatever it `extends`; then a resolved
//! [`Scenario`] with every default filled in and every value checked. Nothing is computed
//! until every problem in every layer has been reported.

pub mod basis;
pub mod defaults;
mod raw;
mod template;

pub use template::commented_toml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::problems::{percent_hint, InputError, Problems};
use crate::Warnings;
pub use raw::find_line;

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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SteppedCare {
    pub step2_entry: f64,
    pub step_up: f64,
}

/// Per-disorder overrides of the pathway; None takes the scenario-wide value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DisorderOverride {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral_weight: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medication_only: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step2_entry: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_up: Option<f64>,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntensitySettings {
    pub contacts_per_episode: f64,
    #[serde(flatten)]
    pub basis: CapacityBasis,
    /// Overrides `capacity.working_days` for this intensity only (e.g. Clark's 48 weeks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_days: Option<f64>,
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
    pub stepped_care: SteppedCare,
    pub disorders: BTreeMap<String, DisorderOverride>,
    pub low_intensity: IntensitySettings,
    pub high_intensity: IntensitySettings,
    pub capacity: CapacitySettings,
    pub areas: BTreeMap<String, AreaOverride>,
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
            _ => None,
        }
    }
}

const CONTACTS: Rule = Rule::Positive {
    max: 1000.0,
    unit: "contacts",
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

impl Scenario {
    /// The Outline Business Case defaults of MODEL.md section 7.
    pub fn defaults() -> Scenario {
        use defaults::*;
        Scenario {
            name: "defaults".into(),
            description: "MODEL.md defaults (Outline Business Case)".into(),
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
            stepped_care: SteppedCare {
                step2_entry: STEP2_ENTRY,
                step_up: STEP_UP,
            },
            disorders: BTreeMap::new(),
            low_intensity: IntensitySettings {
                contacts_per_episode: LOW_CONTACTS_PER_EPISODE,
                basis: CapacityBasis::ContactsPerDay {
                    contacts_per_day: LOW_CONTACTS_PER_DAY,
                    caseload: LOW_CASELOAD,
                },
                working_days: None,
            },
            high_intensity: IntensitySettings {
                contacts_per_episode: HIGH_CONTACTS_PER_EPISODE,
                basis: CapacityBasis::ContactsPerDay {
                    contacts_per_day: HIGH_CONTACTS_PER_DAY,
                    caseload: HIGH_CASELOAD,
                },
                working_days: None,
            },
            capacity: CapacitySettings {
                working_days: WORKING_DAYS,
                dna_rate: DNA_RATE,
                headroom: HEADROOM,
            },
            areas: BTreeMap::new(),
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
        f(
            "stepped_care.step2_entry",
            &mut self.stepped_care.step2_entry,
            Rule::Fraction,
        );
        f(
            "stepped_care.step_up",
            &mut self.stepped_care.step_up,
            Rule::Fraction,
        );
        for (id, d) in self.disorders.iter_mut() {
            let fields = [
                ("referral_weight", &mut d.referral_weight),
                ("medication_only", &mut d.medication_only),
                ("step2_entry", &mut d.step2_entry),
                ("step_up", &mut d.step_up),
            ];
            for (key, value) in fields {
                if let Some(v) = value {
                    f(&format!("disorders.{id}.{key}"), v, Rule::Fraction);
                }
            }
        }
        for (section, intensity) in [
            ("low_intensity", &mut self.low_intensity),
            ("high_intensity", &mut self.high_intensity),
        ] {
            f(
                &format!("{section}.contacts_per_episode"),
                &mut intensity.contacts_per_episode,
                CONTACTS,
            );
            match &mut intensity.basis {
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
            if let Some(days) = &mut intensity.working_days {
                f(&format!("{section}.working_days"), days, DAYS);
            }
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
    }

    /// Every numeric key with its value and rule, in a fixed order.
    pub fn numbers(&self) -> Vec<(String, f64, Rule)> {
        let mut copy = self.clone();
        let mut out = Vec::new();
        copy.visit_numbers(&mut |path, v, rule| out.push((path.to_string(), *v, rule)));
        out
    }

    pub fn get(&self, path: &str) -> Option<f64> {
        self.numbers()
            .into_iter()
            .find(|(p, _, _)| p == path)
            .map(|(_, v, _)| v)
    }

    /// The rule of a key the scenario holds, or could hold (a per-disorder or per-area key).
    pub fn rule_of(&self, path: &str) -> Option<Rule> {
        let mut probe = self.clone();
        probe.create_optional(path);
        probe
            .numbers()
            .into_iter()
            .find(|(p, _, _)| p == path)
            .map(|(_, _, r)| r)
    }

    /// Sets a numeric key by dotted path, creating a per-disorder or per-area override if
    /// needed. Returns false for a path that names no numeric key. Does not validate.
    pub fn set(&mut self, path: &str, value: f64) -> bool {
        self.create_optional(path);
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
    fn create_optional(&mut self, path: &str) {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["disorders", id, key] => {
                let inherited = match *key {
                    "referral_weight" => self.demand.referral_weight,
                    "medication_only" => self.demand.medication_only,
                    "step2_entry" => self.stepped_care.step2_entry,
                    "step_up" => self.stepped_care.step_up,
                    _ => return,
                };
                let d = self.disorders.entry(id.to_string()).or_default();
                let slot = match *key {
                    "referral_weight" => &mut d.referral_weight,
                    "medication_only" => &mut d.medication_only,
                    "step2_entry" => &mut d.step2_entry,
                    _ => &mut d.step_up,
                };
                slot.get_or_insert(inherited);
            }
            ["areas", code, "deprivation_factor"] => {
                let inherited = self.demand.deprivation_factor;
                self.areas
                    .entry(code.to_string())
                    .or_default()
                    .deprivation_factor
                    .get_or_insert(inherited);
            }
            [section @ ("low_intensity" | "high_intensity"), "working_days"] => {
                let inherited = self.capacity.working_days;
                let i = if *section == "low_intensity" {
                    &mut self.low_intensity
                } else {
                    &mut self.high_intensity
                };
                i.working_days.get_or_insert(inherited);
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
                problems.push(format!("{}: {path} = {value} {what}", locate(&path)));
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
        if path.exists() || arg.ends_with(".toml") || arg.contains('/') || arg.contains('\\') {
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
