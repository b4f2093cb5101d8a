//! Where each assumption of a scenario comes from: the seeds (the 2007 workforce planning
//! guide and its capacity tool FAQ, seed 002; the North Essex operational policy, seed 004), a
//! cited source outside them, or an assumption. One table, per key and value, serves every
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
    /// A figure printed in, or derived by stated arithmetic from, the seeds.
    Seeds,
    /// A published source outside the seeds, cited.
    Cited,
    /// Not in any source: a modelling choice, to be questioned.
    Assumption,
}

impl Basis {
    pub fn label(self) -> &'static str {
        match self {
            Basis::Seeds => "from the seeds",
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

const fn seeds(key: &'static str, value: f64, source: &'static str) -> Known {
    Known {
        key,
        value: Some(value),
        basis: Basis::Seeds,
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

/// Every value the shipped presets and the MODEL.md defaults use, with its support.
const KNOWN: &[Known] = &[
    seeds("population.age_min", 16.0, "seed 002 FAQ line 146: age range \"default: 16 - 75 years\""),
    seeds("population.age_min", 18.0, "seed 004 line 168: \"Core IAPT for people aged 18 and over\""),
    seeds("population.age_max", 75.0, "seed 002 FAQ line 146: \"16 - 75 years\" (exclusive: ages 16 to 74)"),
    assumed("population.age_max", Some(121.0), "no upper age stated (seed 004 line 168); 121 takes in the last prevalence band"),
    seeds("demand.presentation_rate", 0.5, "seed 002 FAQ line 150: presentation \"preset ... at 50%\""),
    seeds("demand.detection_rate", 0.5, "seed 002 FAQ line 150: detection \"preset ... at 50%\""),
    assumed("demand.deprivation_factor", Some(1.0), "national average, no local adjustment; the FAQ's NPMSdep index moves prevalence up to 40% either way (seed 002 line 148)"),
    assumed("demand.referral_weight", Some(1.0), "MODEL.md default: the service takes every detected case; the seeds give no referral mix"),
    assumed("demand.medication_only", Some(0.0), "seed 002 line 165 names a medication-alone group but gives no share"),
    seeds("steps.low.entry", 1.0, "seed 002 FAQ line 160: everyone starts at step 2, \"enter %100\""),
    seeds("steps.low.entry", 0.8, "seed 002 FAQ line 160: \"a lower percentage (eg 80%)\" after triage"),
    seeds("steps.low.entry", 0.7, "seed 004 line 270: \"assessed and treated within Step 2 (Approx. 70%)\""),
    seeds("steps.high.from.low", 0.1, "seed 002 FAQ line 160: \"the current model assumes 10%\""),
    seeds("steps.high.from.low", 0.3, "seed 002 FAQ line 160: \"could be higher (around 30%)\""),
    assumed("disorders.*.referral_weight", None, "per-disorder referral mix: not in the seeds (MODEL.md section 7)"),
    assumed("disorders.*.medication_only", None, "per-disorder pathway: not in the seeds (MODEL.md section 7)"),
    assumed("disorders.*.steps.low.entry", None, "per-disorder pathway: not in the seeds (MODEL.md section 7)"),
    assumed("disorders.*.steps.high.from.low", None, "per-disorder pathway: not in the seeds (MODEL.md section 7)"),
    seeds("steps.low.contacts_per_episode", 7.0, "seed 002 Table 1 line 183 (OBC: 7); seed 004 line 375 (up to 7)"),
    seeds("steps.low.contacts_per_episode", 6.0, "seed 002 Table 1 line 205 (Richards: 3-7); 6 reproduces his 132-352 episodes"),
    seeds("steps.low.contacts_per_day", 16.0, "seed 002 Table 1 line 191 (OBC: 16 a day)"),
    seeds("steps.low.contacts_per_day", 6.0, "seed 002 Table 1 line 213 (Richards: 6-16 a day, low end)"),
    seeds("steps.low.caseload", 0.7, "seed 002 Table 1 line 195 (OBC: 70% case load)"),
    seeds("steps.low.caseload", 0.6, "derived from seed 002 Table 1 line 217: 18 contacts a week = 6 a day x 5 x 0.60"),
    seeds("steps.low.clinical_hours_per_week", 20.0, "seed 004 line 377: twenty hours of completed clinical contact a week"),
    seeds("steps.low.contact_hours", 0.5476190476190477, "seed 004 lines 375, 381: a 50-minute assessment then 6 sessions of 30 minutes"),
    seeds("steps.high.contacts_per_episode", 12.0, "seed 002 Table 1 line 184 (OBC: 12)"),
    seeds("steps.high.contacts_per_episode", 15.0, "seed 002 Table 1 line 236 (Clark: 15 sessions)"),
    seeds("steps.high.contacts_per_episode", 13.0, "seed 004 line 355: up to 13 clinical contacts"),
    seeds("steps.high.contacts_per_day", 7.0, "seed 002 Table 1 line 192 (OBC: 7 a day)"),
    seeds("steps.high.caseload", 0.55, "seed 002 Table 1 line 196 (OBC: 55% case load)"),
    seeds("steps.high.clinical_hours_per_week", 22.0, "seed 002 Table 1 line 240 (Clark: 22 hours a week)"),
    seeds("steps.high.clinical_hours_per_week", 20.0, "seed 004 line 357: twenty hours of completed clinical contact a week"),
    seeds("steps.high.contact_hours", 1.1666666666666667, "seed 002 Table 1 line 236 (Clark: 17.5 hours / 15 sessions = 70 minutes)"),
    seeds("steps.high.contact_hours", 1.0, "seed 004 line 477: sessions of 45-60 minutes (upper end); OBC duration 1 hour"),
    assumed("capacity.working_days", Some(220.0), "not in the seeds: 44 weeks of 5 days, the year behind Richards' 2,112 contacts a year"),
    assumed("steps.low.working_days", Some(220.0), "not in the seeds: 44 weeks of 5 days, the year behind Richards' 2,112 contacts a year"),
    assumed("steps.high.working_days", Some(220.0), "not in the seeds: 44 weeks of 5 days, the year behind Richards' 2,112 contacts a year"),
    assumed("steps.high.working_days", Some(240.0), "inferred, not stated: the 48 weeks that turn Clark's 22 hours a week into 60 episodes"),
    assumed("capacity.dna_rate", Some(0.0), "seed 002 line 166 asks for spare capacity for DNAs but gives no rate"),
    assumed("capacity.headroom", Some(0.0), "seed 002 line 166 asks for spare capacity for variation in referrals but gives no figure"),
    assumed("areas.*.deprivation_factor", None, "a local adjustment set in the scenario"),
    // Issue 5: roles, costs, supervision, pipeline (docs/costs.md).
    assumed("steps.low.roles.*.share", Some(0.85), "default skill mix, an assumption: 85% PWP at band 5 (seed 002 line 59 puts step 2 at bands 4-6)"),
    assumed("steps.low.roles.*.share", Some(0.15), "default skill mix, an assumption: 15% senior PWP at band 6"),
    assumed("steps.high.roles.*.share", Some(0.85), "default skill mix, an assumption: 85% HIT at band 7 (seed 002 line 59 puts step 3 at bands 6-8)"),
    assumed("steps.high.roles.*.share", Some(0.15), "default skill mix, an assumption: 15% senior therapist at band 8a"),
    assumed("steps.low.roles.*.share", None, "a skill-mix share set in the scenario"),
    assumed("steps.high.roles.*.share", None, "a skill-mix share set in the scenario"),
    cited("costs.on_cost_rate", 0.344, "NHS Pension employer 23.7% + 0.08% levy from April 2024 (NHS Employers) + employer NI 13.8% above £9,100 in 2024/25 (gov.uk), 10.6% of a band 6 mid salary (docs/costs.md)"),
    assumed("costs.salary.*", None, "a local salary set in the scenario, instead of the Agenda for Change 2024/25 pay table"),
    assumed("costs.medication_course_cost", None, "the scenario's own cost of an SSRI course: no default, Drug Tariff prices move month to month"),
    cited("steps.low.supervision_hours", 1.5, "IAPT supervision guidance: 1 h case management a week + 1 h clinical skills a fortnight"),
    seeds("steps.low.supervision_hours", 1.4615384615384615, "seed 004 lines 573, 575: 1 h a week + 2 h group supervision a month"),
    cited("steps.high.supervision_hours", 1.0, "IAPT supervision guidance: 1 h a week"),
    seeds("steps.high.supervision_hours", 1.3461538461538463, "seed 004 lines 579, 587: weekly + 1.5 h group supervision a month"),
    assumed("supervision.hours_per_supervisor_wte", Some(7.5), "an assumption: one day of a 37.5-hour week"),
    assumed("pipeline.years", Some(3.0), "a three-year plan; no source gives a horizon"),
    cited("steps.low.turnover", 0.22, "2015 IAPT workforce census (low intensity)"),
    cited("steps.high.turnover", 0.09, "2015 IAPT workforce census (high intensity)"),
    seeds("pipeline.training_years", 1.0, "seed 004 lines 361, 385: one-year postgraduate certificates for HITs and PWPs"),
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

/// The working days a year of one step as printed, marked "(assumption)" unless the seeds or
/// a cited source give that value (MODEL.md section 7: the tool must say so).
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
            "a value the seeds do not give: the scenario's own assumption",
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
            "MODEL.md section 2.2: a person with several disorders is counted once; not in the seeds",
        ),
        Comorbidity::Sum => (
            "sum",
            "MODEL.md section 2.2: a person is counted once per disorder; not in the seeds",
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
    fn obc_defaults_are_from_the_seeds_except_the_stated_assumptions() {
        let (s, _) = load(&ScenarioSource::Preset("obc".into())).unwrap();
        let a = assumptions(&s);
        let basis = |k: &str| a.iter().find(|x| x.key == k).unwrap().basis;
        assert_eq!(basis("demand.presentation_rate"), Basis::Seeds);
        assert_eq!(basis("steps.high.from.low"), Basis::Seeds);
        assert_eq!(basis("steps.low.caseload"), Basis::Seeds);
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
            Basis::Seeds
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
        assert_eq!(classify("pipeline.training_years", 1.0).0, Basis::Seeds);
        assert_eq!(classify("pipeline.years", 3.0).0, Basis::Assumption);
        assert_eq!(
            classify("steps.low.roles.1.share", 0.15).1,
            "default skill mix, an assumption: 15% senior PWP at band 6"
        );
        assert_eq!(classify("costs.salary.8a", 60000.0).0, Basis::Assumption);
        assert!(classify("ratio_roles.0.ratio", 0.125).1.contains("1 per 8"));
    }
}
