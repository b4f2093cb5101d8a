//! Where each assumption of a scenario comes from: a published default of the documents the
//! model follows (the IAPT Programme workforce guide for Pathfinder sites, Department of Health
//! 2007, with its Workforce Capacity Tool FAQ; the North Essex IAPT Services operational policy,
//! HPFT 2020), a cited source outside them, or an assumption. One table, per key and value, serves every
//! output that lists assumptions (the HTML report, the workbook's Assumptions sheet, markdown).
//!
//! A value is classified by key *and* value: `demand.presentation_rate = 0.5` is the FAQ's
//! figure wherever it is written, while 0.6 is a planner's own assumption. A value the table
//! does not list is an assumption.

use serde::Serialize;

use super::{Comorbidity, Scenario, StepSettings};

/// The three kinds of support a value can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A figure printed in, or derived by stated arithmetic from, the documents the model
    /// follows (the 2007 workforce guide and its FAQ, the North Essex operational policy).
    Published,
    /// A published source outside those documents, cited.
    Cited,
    /// Not in any source: a modelling choice, to be questioned.
    Assumption,
}

impl Basis {
    pub fn label(self) -> &'static str {
        match self {
            Basis::Published => "published default",
            Basis::Cited => "cited source",
            Basis::Assumption => "assumption",
        }
    }
}

/// A known value of a key (`*` stands for a disorder id or an area code), or any value when
/// `value` is None.
struct Known {
    key: &'static str,
    value: Option<f64>,
    basis: Basis,
    source: &'static str,
}

const fn published(key: &'static str, value: f64, source: &'static str) -> Known {
    Known {
        key,
        value: Some(value),
        basis: Basis::Published,
        source,
    }
}

const fn cited(key: &'static str, value: f64, source: &'static str) -> Known {
    Known {
        key,
        value: Some(value),
        basis: Basis::Cited,
        source,
    }
}

const fn assumed(key: &'static str, value: Option<f64>, source: &'static str) -> Known {
    Known {
        key,
        value,
        basis: Basis::Assumption,
        source,
    }
}

/// The documents the model follows, as a reader of the output can find them.
macro_rules! faq {
    () => {
        "IAPT Programme workforce guide for Pathfinder sites (Department of Health 2007), Appendix 1: Workforce Capacity Tool FAQ"
    };
}
macro_rules! guide {
    () => {
        "IAPT Programme workforce guide for Pathfinder sites (Department of Health 2007)"
    };
}
macro_rules! essex {
    () => {
        "North Essex IAPT Services operational policy (HPFT 2020)"
    };
}
macro_rules! census {
    () => {
        "2015 Adult IAPT Workforce Census Report (Health Education England 2016)"
    };
}

/// Every value the shipped presets and the defaults of docs/model.md use, with its support.
const KNOWN: &[Known] = &[
    published("population.age_min", 16.0, concat!(faq!(), ": age range \"default: 16 - 75 years\"")),
    published("population.age_min", 18.0, concat!(essex!(), ", section 6: \"Core IAPT for people aged 18 and over\"")),
    published("population.age_max", 75.0, concat!(faq!(), ": \"16 - 75 years\" (exclusive: ages 16 to 74)")),
    assumed("population.age_max", Some(121.0), concat!("no upper age stated (", essex!(), ", section 6); 121 takes in the last prevalence band")),
    published("demand.presentation_rate", 0.5, concat!(faq!(), ": presentation \"preset ... at 50%\"")),
    published("demand.detection_rate", 0.5, concat!(faq!(), ": detection \"preset ... at 50%\"")),
    assumed("demand.deprivation_factor", Some(1.0), concat!("national average, no local adjustment; the NPMSdep index of ", faq!(), " moves prevalence up to 40% either way")),
    assumed("demand.referral_weight", Some(1.0), concat!("default of docs/model.md: the service takes every detected case; ", faq!(), " gives no referral mix")),
    assumed("demand.medication_only", Some(0.0), concat!(faq!(), " names a medication-alone group but gives no share")),
    published("steps.low.entry", 1.0, concat!(faq!(), ": everyone starts at step 2, \"enter %100\"")),
    published("steps.low.entry", 0.8, concat!(faq!(), ": \"a lower percentage (eg 80%)\" after triage")),
    published("steps.low.entry", 0.7, concat!(essex!(), ", section 9.2: \"assessed and treated within Step 2 (Approx. 70%)\"")),
    published("steps.high.from.low", 0.1, concat!(faq!(), ": \"the current model assumes 10%\"")),
    published("steps.high.from.low", 0.3, concat!(faq!(), ": \"could be higher (around 30%)\"")),
    assumed("disorders.*.referral_weight", None, "per-disorder referral mix: in neither the 2007 guide nor the North Essex policy (docs/model.md section 3)"),
    assumed("disorders.*.medication_only", None, "per-disorder pathway: in neither the 2007 guide nor the North Essex policy (docs/model.md section 3)"),
    assumed("disorders.*.steps.low.entry", None, "per-disorder pathway: in neither the 2007 guide nor the North Essex policy (docs/model.md section 3)"),
    assumed("disorders.*.steps.high.from.low", None, "per-disorder pathway: in neither the 2007 guide nor the North Essex policy (docs/model.md section 3)"),
    published("steps.low.contacts_per_episode", 7.0, concat!(faq!(), ", Table 1 (Outline Business Case: 7); ", essex!(), ", section 11 (up to 7)")),
    published("steps.low.contacts_per_episode", 6.0, concat!(faq!(), ", Table 1 (Richards: 3-7); 6 reproduces his 132-352 episodes")),
    published("steps.low.contacts_per_day", 16.0, concat!(faq!(), ", Table 1 (Outline Business Case: 16 a day)")),
    published("steps.low.contacts_per_day", 6.0, concat!(faq!(), ", Table 1 (Richards: 6-16 a day, low end)")),
    published("steps.low.caseload", 0.7, concat!(faq!(), ", Table 1 (Outline Business Case: 70% case load)")),
    published("steps.low.caseload", 0.6, concat!("derived from ", faq!(), ", Table 1 (Richards): 18 contacts a week = 6 a day x 5 x 0.60")),
    published("steps.low.clinical_hours_per_week", 20.0, concat!(essex!(), ", section 11: twenty hours of completed clinical contact a week")),
    published("steps.low.contact_hours", 0.5476190476190477, concat!(essex!(), ", section 11: a 50-minute assessment then 6 sessions of 30 minutes")),
    published("steps.high.contacts_per_episode", 12.0, concat!(faq!(), ", Table 1 (Outline Business Case: 12)")),
    published("steps.high.contacts_per_episode", 15.0, concat!(faq!(), ", Table 1 (Clark: 15 sessions)")),
    published("steps.high.contacts_per_episode", 13.0, concat!(essex!(), ", section 11: up to 13 clinical contacts")),
    published("steps.high.contacts_per_day", 7.0, concat!(faq!(), ", Table 1 (Outline Business Case: 7 a day)")),
    published("steps.high.caseload", 0.55, concat!(faq!(), ", Table 1 (Outline Business Case: 55% case load)")),
    published("steps.high.clinical_hours_per_week", 22.0, concat!(faq!(), ", Table 1 (Clark: 22 hours a week)")),
    published("steps.high.clinical_hours_per_week", 20.0, concat!(essex!(), ", section 11: twenty hours of completed clinical contact a week")),
    published("steps.high.contact_hours", 1.1666666666666667, concat!(faq!(), ", Table 1 (Clark: 17.5 hours / 15 sessions = 70 minutes)")),
    published("steps.high.contact_hours", 1.0, concat!(essex!(), ", section 12.2: sessions of 45-60 minutes (upper end); Outline Business Case duration 1 hour")),
    assumed("capacity.working_days", Some(220.0), "not in the 2007 guide: 44 weeks of 5 days, the year behind Richards' 2,112 contacts a year"),
    assumed("steps.low.working_days", Some(220.0), "not in the 2007 guide: 44 weeks of 5 days, the year behind Richards' 2,112 contacts a year"),
    assumed("steps.high.working_days", Some(220.0), "not in the 2007 guide: 44 weeks of 5 days, the year behind Richards' 2,112 contacts a year"),
    assumed("steps.high.working_days", Some(240.0), "inferred, not stated: the 48 weeks that turn Clark's 22 hours a week into 60 episodes"),
    assumed("capacity.dna_rate", Some(0.0), concat!(faq!(), " (with Table 1) asks for spare capacity for DNAs but gives no rate")),
    assumed("capacity.headroom", Some(0.0), concat!(faq!(), " (with Table 1) asks for spare capacity for variation in referrals but gives no figure")),
    assumed("areas.*.deprivation_factor", None, "a local adjustment set in the scenario"),
    // Roles, costs, supervision, pipeline (docs/costs.md).
    assumed("steps.low.roles.*.share", Some(0.85), concat!("default skill mix, an assumption: 85% PWP at band 5 (", guide!(), ", section 4.8, puts step 2 at bands 4-6)")),
    assumed("steps.low.roles.*.share", Some(0.15), "default skill mix, an assumption: 15% senior PWP at band 6"),
    assumed("steps.high.roles.*.share", Some(0.85), concat!("default skill mix, an assumption: 85% HIT at band 7 (", guide!(), ", section 4.8, puts step 3 at bands 6-8)")),
    assumed("steps.high.roles.*.share", Some(0.15), "default skill mix, an assumption: 15% senior therapist at band 8a"),
    assumed("steps.low.roles.*.share", None, "a skill-mix share set in the scenario"),
    assumed("steps.high.roles.*.share", None, "a skill-mix share set in the scenario"),
    cited("costs.on_cost_rate", 0.344, "NHS Pension employer 23.7% + 0.08% levy from April 2024 (NHS Employers) + employer NI 13.8% above £9,100 in 2024/25 (gov.uk), 10.6% of a band 6 mid salary (docs/costs.md)"),
    assumed("costs.salary.*", None, "a local salary set in the scenario, instead of the Agenda for Change 2024/25 pay table"),
    assumed("costs.medication_course_cost", None, "the scenario's own cost of an SSRI course: no default, Drug Tariff prices move month to month"),
    cited("steps.low.supervision_hours", 1.5, "IAPT supervision guidance: 1 h case management a week + 1 h clinical skills a fortnight"),
    published("steps.low.supervision_hours", 1.4615384615384615, concat!(essex!(), ", section 14.2.2: 1 h a week + 2 h group supervision a month")),
    cited("steps.high.supervision_hours", 1.0, "IAPT supervision guidance: 1 h a week"),
    published("steps.high.supervision_hours", 1.3461538461538463, concat!(essex!(), ", section 14.2.2: weekly + 1.5 h group supervision a month")),
    assumed("supervision.hours_per_supervisor_wte", Some(15.0), "an assumption: two days of a 37.5-hour week, so that the default 15% senior share (2.25 h a week per WTE) covers the default supervision hours (1.5 h low, 1 h high)"),
    assumed("supervision.hours_per_supervisor_wte", Some(7.5), "an assumption: one day of a 37.5-hour week"),
    assumed("pipeline.years", Some(3.0), "a three-year plan; no source gives a horizon"),
    cited("steps.low.turnover", 0.22, concat!(census!(), " (low intensity)")),
    cited("steps.high.turnover", 0.09, concat!(census!(), " (high intensity)")),
    published("pipeline.training_years", 1.0, concat!(essex!(), ", section 11: one-year postgraduate certificates for HITs and PWPs")),
    assumed("pipeline.completion_rate", Some(0.9), "an assumption"),
    assumed("ratio_roles.*.ratio", None, "a ratio set in the scenario (employment advisers at 1 per 8 therapists, 0.125 per total_wte, is the 2017-18 Employment Advisers in IAPT pilot's ratio)"),
];

/// `disorders.ptsd.steps.low.entry` -> `disorders.*.steps.low.entry`, `costs.salary.5` ->
/// `costs.salary.*`, `steps.low.roles.1.share` -> `steps.low.roles.*.share`; other keys
/// unchanged.
fn pattern(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["disorders", _, rest @ ..] => format!("disorders.*.{}", rest.join(".")),
        [first @ ("areas" | "ratio_roles"), _, rest] => format!("{first}.*.{rest}"),
        ["costs", "salary", _] => "costs.salary.*".to_string(),
        ["steps", step, "roles", _, rest] => format!("steps.{step}.roles.*.{rest}"),
        _ => key.to_string(),
    }
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The working days a year of one step as printed, marked "(assumption)" unless a published
/// default or a cited source gives that value (the tool must say so).
pub fn working_days_text(_s: &Scenario, step: &StepSettings, days: f64) -> String {
    let key = if step.working_days.is_some() {
        format!("steps.{}.working_days", step.id)
    } else {
        "capacity.working_days".to_string()
    };
    match classify(&key, days).0 {
        Basis::Assumption => format!("{} (assumption)", short_number(days)),
        _ => short_number(days),
    }
}

/// The support of one value of a numeric key, and the source (or why it is an assumption).
pub fn classify(key: &str, value: f64) -> (Basis, &'static str) {
    let p = pattern(key);
    KNOWN
        .iter()
        .find(|k| k.key == p && k.value.is_none_or(|v| same(v, value)))
        .map(|k| (k.basis, k.source))
        .unwrap_or((
            Basis::Assumption,
            "a value the 2007 guide and the North Essex policy do not give: the scenario's own assumption",
        ))
}

/// One line of an assumptions table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumption {
    /// Dotted scenario key.
    pub key: String,
    /// The value as a number, when it is one.
    pub number: Option<f64>,
    /// The value as people read it.
    pub value: String,
    pub basis: Basis,
    pub source: String,
    /// `file:line` or `preset:NAME:line` that set it, or "default" when no file did.
    pub set_in: String,
}

/// `0.5` -> "0.5", `220.0` -> "220", `0.5476190476190477` -> "0.5476", `0.00001` ->
/// "0.00001" (small values keep four significant digits).
pub fn short_number(x: f64) -> String {
    let decimals = if x != 0.0 && x.abs() < 0.01 {
        (3.0 - x.abs().log10().floor()).min(15.0) as usize
    } else {
        4
    };
    let s = format!("{x:.decimals$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Every assumption of a resolved scenario, in the order of the scenario file, each with its
/// support: the ages, comorbidity, then every numeric key of [`Scenario::numbers`].
pub fn assumptions(s: &Scenario) -> Vec<Assumption> {
    let set_in = |key: &str| {
        s.origins
            .get(key)
            .cloned()
            .unwrap_or_else(|| "default".to_string())
    };
    let numeric = |key: &str, v: f64| {
        let (basis, source) = classify(key, v);
        Assumption {
            key: key.to_string(),
            number: Some(v),
            value: short_number(v),
            basis,
            source: source.to_string(),
            set_in: set_in(key),
        }
    };
    let mut out = vec![
        numeric("population.age_min", f64::from(s.population.age_min)),
        numeric("population.age_max", f64::from(s.population.age_max)),
    ];
    let (comorbidity, source) = match s.demand.comorbidity {
        Comorbidity::Primary => (
            "primary",
            "docs/model.md section 1: a person with several disorders is counted once; not in the 2007 guide",
        ),
        Comorbidity::Sum => (
            "sum",
            "docs/model.md section 1: a person is counted once per disorder; not in the 2007 guide",
        ),
    };
    out.push(Assumption {
        key: "demand.comorbidity".into(),
        number: None,
        value: comorbidity.into(),
        basis: Basis::Assumption,
        source: source.into(),
        set_in: set_in("demand.comorbidity"),
    });
    out.push(Assumption {
        key: "costs.pay_point".into(),
        number: None,
        value: s.costs.pay_point.as_str().into(),
        basis: Basis::Assumption,
        source:
            "which point of each band's pay scale a WTE costs (a workforce's spread of \
                 experience); the pay table is Agenda for Change 2024/25, cited in data/afc_pay.csv"
                .into(),
        set_in: set_in("costs.pay_point"),
    });
    out.extend(s.numbers().into_iter().map(|(k, v, _)| {
        let mut a = numeric(&k, v);
        if let Some(r) = ratio_role_of(s, &k) {
            // Say which role the ratio is of; only the employment advisers' 1 per 8
            // therapists has a published source.
            let published = r.per == super::RatioBasis::TotalWte
                && same(r.ratio, 0.125)
                && r.role.to_ascii_lowercase().contains("employment");
            a.basis = if published { Basis::Cited } else { Basis::Assumption };
            a.source = if published {
                format!(
                    "{} (band {}): 1 per 8 therapists, the ratio NHS England set for IAPT employment advisers (the 2017-18 Employment Advisers in IAPT pilot)",
                    r.role, r.band
                )
            } else {
                format!(
                    "{} (band {}): {} WTE per {}, a ratio set in the scenario",
                    r.role,
                    r.band,
                    short_number(r.ratio),
                    r.per.as_str()
                )
            };
        }
        a
    }));
    out
}

/// The ratio role a `ratio_roles.N.ratio` key belongs to.
fn ratio_role_of<'a>(s: &'a Scenario, key: &str) -> Option<&'a super::RatioRole> {
    let n: usize = key
        .strip_prefix("ratio_roles.")?
        .strip_suffix(".ratio")?
        .parse()
        .ok()?;
    s.ratio_roles.get(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load, ScenarioSource, PRESETS};

    #[test]
    fn obc_defaults_are_published_defaults_except_the_stated_assumptions() {
        let (s, _) = load(&ScenarioSource::Preset("obc".into())).unwrap();
        let a = assumptions(&s);
        let basis = |k: &str| a.iter().find(|x| x.key == k).unwrap().basis;
        assert_eq!(basis("demand.presentation_rate"), Basis::Published);
        assert_eq!(basis("steps.high.from.low"), Basis::Published);
        assert_eq!(basis("steps.low.caseload"), Basis::Published);
        assert_eq!(basis("capacity.working_days"), Basis::Assumption);
        assert_eq!(basis("capacity.dna_rate"), Basis::Assumption);
        assert_eq!(basis("demand.comorbidity"), Basis::Assumption);
        assert!(a
            .iter()
            .find(|x| x.key == "demand.presentation_rate")
            .unwrap()
            .set_in
            .starts_with("preset:obc:"));
    }

    #[test]
    fn every_preset_value_is_classified_and_unknown_values_are_assumptions() {
        for (name, _) in PRESETS {
            let (s, _) = load(&ScenarioSource::Preset(name.to_string())).unwrap();
            for a in assumptions(&s) {
                assert!(!a.source.is_empty(), "{name}: {}", a.key);
            }
        }
        assert_eq!(
            classify("demand.presentation_rate", 0.6).0,
            Basis::Assumption
        );
        assert_eq!(
            classify("disorders.ptsd.steps.low.entry", 0.0).0,
            Basis::Assumption
        );
        assert_eq!(
            classify("steps.high.contact_hours", 70.0 / 60.0).0,
            Basis::Published
        );
    }

    #[test]
    fn every_choice_is_listed_with_where_it_was_set_and_whose_ratio_it_is() {
        let (s, _) = crate::scenario::load_str(
            "mine.toml",
            "extends = \"obc\"\n[demand]\ncomorbidity = \"sum\"\n[costs]\npay_point = \"top\"\n\
             [[ratio_roles]]\nrole = \"Employment adviser\"\nband = \"5\"\nper = \"total_wte\"\nratio = 0.125\n\
             [[ratio_roles]]\nrole = \"Admin\"\nband = \"3\"\nper = \"population_in_scope\"\nratio = 0.00001\n",
        )
        .unwrap();
        let a = assumptions(&s);
        let find = |k: &str| a.iter().find(|x| x.key == k).unwrap();
        assert_eq!(find("demand.comorbidity").value, "sum");
        assert_eq!(find("demand.comorbidity").set_in, "mine.toml:3");
        assert_eq!(find("costs.pay_point").value, "top");
        assert_eq!(find("costs.pay_point").set_in, "mine.toml:5");
        let adviser = find("ratio_roles.0.ratio");
        assert_eq!(adviser.basis, Basis::Cited);
        assert!(adviser
            .source
            .starts_with("Employment adviser (band 5): 1 per 8"));
        let admin = find("ratio_roles.1.ratio");
        assert_eq!(admin.value, "0.00001");
        assert_eq!(admin.basis, Basis::Assumption);
        assert_eq!(
            admin.source,
            "Admin (band 3): 0.00001 WTE per population_in_scope, a ratio set in the scenario"
        );
        assert_eq!(short_number(0.5476190476190477), "0.5476");
        assert_eq!(short_number(0.001234567), "0.001235");
    }

    #[test]
    fn workforce_keys_are_classified() {
        assert_eq!(classify("costs.on_cost_rate", 0.344).0, Basis::Cited);
        assert_eq!(classify("steps.low.turnover", 0.22).0, Basis::Cited);
        assert_eq!(classify("pipeline.training_years", 1.0).0, Basis::Published);
        assert_eq!(classify("pipeline.years", 3.0).0, Basis::Assumption);
        assert_eq!(
            classify("steps.low.roles.1.share", 0.15).1,
            "default skill mix, an assumption: 15% senior PWP at band 6"
        );
        assert_eq!(classify("costs.salary.8a", 60000.0).0, Basis::Assumption);
        assert!(classify("ratio_roles.0.ratio", 0.125).1.contains("1 per 8"));
    }

    #[test]
    fn sources_cite_public_documents_not_internal_files() {
        // A reader of a report has the published documents and the shipped docs/, not the
        // project's working notes: no "seed 002 line 150", no MODEL.md.
        let mut texts: Vec<&str> = KNOWN.iter().map(|k| k.source).collect();
        texts.push(classify("demand.presentation_rate", 0.61).1);
        let (s, _) = load(&ScenarioSource::Preset("obc".into())).unwrap();
        let all = assumptions(&s);
        texts.extend(all.iter().map(|a| a.source.as_str()));
        for t in texts {
            let lower = t.to_lowercase().replace("docs/model.md", "");
            for bad in ["seed", "model.md", " line "] {
                assert!(!lower.contains(bad), "{bad:?} in {t:?}");
            }
        }
        assert_eq!(Basis::Published.label(), "published default");
        assert!(classify("demand.presentation_rate", 0.5)
            .1
            .starts_with("IAPT Programme workforce guide for Pathfinder sites (Department of Health 2007), Appendix 1: Workforce Capacity Tool FAQ"));
        assert!(classify("steps.low.turnover", 0.22).1.starts_with(
            "2015 Adult IAPT Workforce Census Report (Health Education England 2016)"
        ));
    }
}
