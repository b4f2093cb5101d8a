//! The demand funnel as people read it: each stage with the rule that produced it, and what
//! one WTE delivers. One description serves the table, markdown, the HTML report and the
//! workbook, so that every output traces a number back to its input the same way.

use crate::model::{AreaResult, Intensity, ModelResult};
use crate::scenario::{Comorbidity, DisorderOverride, Scenario};

/// 1234567.891 with 1 decimal -> "1,234,567.9"; never "-0".
pub fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let zero = out.chars().all(|c| c == '0' || c == '.' || c == ',');
    if x < 0.0 && !zero {
        out.insert(0, '-');
    }
    out
}

/// One stage of the demand funnel with the rule that produces it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub label: String,
    pub value: f64,
    /// Decimals to show: 0 for people and contacts, 1 for WTE.
    pub decimals: usize,
    pub rule: String,
    /// Drawn as a bar of the funnel chart (population, contacts and WTE are table-only).
    pub in_chart: bool,
    /// The stage whose share this one is, for "50% of presenting".
    pub share_of: Option<usize>,
}

fn rule(name: &str, value: f64, overridden: bool) -> String {
    if overridden {
        format!("x {name} {value:.2}, by disorder where set")
    } else {
        format!("x {name} {value:.2}")
    }
}

/// The funnel of one area (or the total), from population to WTE, with the rule of each stage:
/// the chain every figure traces back to (MODEL.md sections 2 to 4).
pub fn funnel_stages(area: &AreaResult, result: &ModelResult, scenario: &Scenario) -> Vec<Stage> {
    let over = |f: &dyn Fn(&DisorderOverride) -> bool| scenario.disorders.values().any(f);
    let d = &area.flow.demand;
    let f = &area.flow;
    let cap = &result.capacity;
    let ages = format!(
        "{}-{}",
        scenario.population.age_min,
        scenario.population.age_max - 1
    );
    let stage =
        |label: &str, value: f64, rule: String, in_chart: bool, share_of: Option<usize>| Stage {
            label: label.to_string(),
            value,
            decimals: 0,
            rule,
            in_chart,
            share_of,
        };
    let medication = d.medication_only > 0.0 || scenario.demand.medication_only > 0.0;
    let mut v = vec![
        stage(
            &format!("Population aged {ages}"),
            area.population_in_scope,
            "population file, age window pro rata".into(),
            false,
            None,
        ),
        stage(
            "Prevalent cases",
            d.prevalent,
            format!(
                "x prevalence ({}) x deprivation {:.2}{}",
                match scenario.demand.comorbidity {
                    Comorbidity::Primary => "primary",
                    Comorbidity::Sum => "sum",
                },
                scenario.demand.deprivation_factor,
                if result.deprivation_varies {
                    ", by area where [areas] or the areas file set it"
                } else {
                    ""
                }
            ),
            true,
            None,
        ),
        stage(
            "Presenting",
            d.presenting,
            rule(
                "presentation_rate",
                scenario.demand.presentation_rate,
                false,
            ),
            true,
            Some(1),
        ),
        stage(
            "Detected",
            d.detected,
            rule("detection_rate", scenario.demand.detection_rate, false),
            true,
            Some(2),
        ),
        stage(
            "Referred (new episodes)",
            d.referred,
            rule(
                "referral_weight",
                scenario.demand.referral_weight,
                over(&|o| o.referral_weight.is_some()),
            ),
            true,
            Some(3),
        ),
        stage(
            "Medication only",
            d.medication_only,
            rule(
                "medication_only",
                scenario.demand.medication_only,
                over(&|o| o.medication_only.is_some()),
            ),
            false,
            Some(4),
        ),
        stage(
            "Treated psychologically",
            d.treated,
            "referred - medication only".into(),
            medication,
            Some(4),
        ),
        stage(
            "Low intensity episodes (step 2)",
            f.episodes.low,
            rule(
                "step2_entry",
                scenario.stepped_care.step2_entry,
                over(&|o| o.step2_entry.is_some()),
            ),
            true,
            Some(6),
        ),
        stage(
            "  of which stepped up to step 3",
            f.stepped_up,
            rule(
                "step_up",
                scenario.stepped_care.step_up,
                over(&|o| o.step_up.is_some()),
            ),
            false,
            Some(7),
        ),
        stage(
            "High intensity episodes (step 3)",
            f.episodes.high,
            "direct (1 - step2_entry) + stepped up".into(),
            true,
            Some(6),
        ),
        stage(
            "Low intensity contacts",
            f.contacts.low,
            format!("x {} contacts per episode", cap.low.contacts_per_episode),
            false,
            None,
        ),
        stage(
            "High intensity contacts",
            f.contacts.high,
            format!("x {} contacts per episode", cap.high.contacts_per_episode),
            false,
            None,
        ),
    ];
    for (label, wte, c) in [
        ("Low intensity WTE", f.wte.low, &cap.low),
        ("High intensity WTE", f.wte.high, &cap.high),
    ] {
        v.push(Stage {
            label: label.into(),
            value: wte,
            decimals: 1,
            rule: format!(
                "booked / {} contacts per WTE (DNA {:.2}, headroom {:.2})",
                grouped(c.annual_contacts_per_wte, 0),
                c.dna_rate,
                c.headroom
            ),
            in_chart: false,
            share_of: None,
        });
    }
    v
}

/// What one WTE delivers a year, per intensity: (label, low, high).
pub fn one_wte_lines(result: &ModelResult, scenario: &Scenario) -> Vec<(String, String, String)> {
    use crate::scenario::{basis, CapacityBasis, IntensitySettings};
    let cap = &result.capacity;
    let basis_of = |s: &IntensitySettings| match s.basis {
        CapacityBasis::ContactsPerDay {
            contacts_per_day,
            caseload,
        } => format!("{contacts_per_day} contacts/day x {caseload:.2} caseload"),
        CapacityBasis::ClinicalHours {
            clinical_hours_per_week,
            contact_hours,
        } => format!(
            "{clinical_hours_per_week} h/week / {:.0} min per contact",
            contact_hours * 60.0
        ),
    };
    vec![
        (
            "Capacity basis".into(),
            basis_of(&scenario.low_intensity),
            basis_of(&scenario.high_intensity),
        ),
        (
            "Working days".into(),
            basis::working_days_text(scenario, Intensity::Low, cap.low.working_days),
            basis::working_days_text(scenario, Intensity::High, cap.high.working_days),
        ),
        (
            "Attended contacts".into(),
            grouped(cap.low.annual_contacts_per_wte, 0),
            grouped(cap.high.annual_contacts_per_wte, 0),
        ),
        (
            "Contacts per episode".into(),
            format!("{}", cap.low.contacts_per_episode),
            format!("{}", cap.high.contacts_per_episode),
        ),
        (
            "Episodes completed".into(),
            grouped(cap.low.episodes_per_wte, 1),
            grouped(cap.high.episodes_per_wte, 1),
        ),
    ]
}
