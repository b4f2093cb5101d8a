//! The demand funnel as people read it: each stage with the rule that produced it, and what
//! one WTE delivers. One description serves the table, markdown, the HTML report and the
//! workbook, so that every output traces a number back to its input the same way.

use crate::model::{AreaResult, ModelResult};
use crate::scenario::{Comorbidity, DisorderOverride, Entry, Scenario, StepSettings};

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
        format!("x {name} {value:.2}, by disorder or pathway where set")
    } else {
        format!("x {name} {value:.2}")
    }
}

/// A step's label split at its bracket: "Low intensity (step 2)" -> ("Low intensity",
/// " (step 2)"), so that stages read "Low intensity episodes (step 2)".
pub fn label_parts(label: &str) -> (&str, &str) {
    match label.find(" (") {
        Some(i) => (&label[..i], &label[i..]),
        None => (label, ""),
    }
}

/// How people reach a step, as a rule: its entry share and the edges into it.
fn routing_rule(scenario: &Scenario, step: &StepSettings) -> String {
    let by_disorder = scenario.disorders.values().any(|o| {
        o.steps
            .get(&step.id)
            .is_some_and(|x| x.entry.is_some() || !x.from.is_empty())
    });
    let mut parts = vec![match step.entry {
        Entry::Share(v) => format!("x entry {v:.2}"),
        Entry::Rest(_) => "x entry: the rest (1 - the other steps' entry)".to_string(),
    }];
    for (from, v) in &step.from {
        parts.push(format!("+ {v:.2} of {from} episodes"));
    }
    let mut rule = parts.join(" ");
    if by_disorder {
        rule.push_str(", by disorder where set");
    }
    if let Some(p) = scenario.pathway_of_step(step) {
        // Entry shares are of the people treated in the step's own pathway.
        rule = format!("{}: {rule}", scenario.pathways[p].label);
    }
    rule
}

/// Whether some area of the run has a prevalence factor from the areas file other than 1.
pub fn local_need(result: &ModelResult) -> bool {
    result
        .rows
        .iter()
        .any(|r| (r.prevalence_factor() - 1.0).abs() > 1e-9)
}

/// The funnel of one area (or the total), from population to WTE, with the rule of each stage:
/// the chain every figure traces back to (MODEL.md sections 2 to 4).
pub fn funnel_stages(area: &AreaResult, result: &ModelResult, scenario: &Scenario) -> Vec<Stage> {
    let over = |f: &dyn Fn(&DisorderOverride) -> bool| scenario.disorders.values().any(f);
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
    let medication = f.medication_only() > 0.0 || scenario.demand.medication_only > 0.0;
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
            f.prevalent(),
            format!(
                "x prevalence ({}) x deprivation {:.2}{}{}",
                match scenario.demand.comorbidity {
                    Comorbidity::Primary => "primary",
                    Comorbidity::Sum => "sum",
                },
                scenario.demand.deprivation_factor,
                if result.deprivation_varies {
                    ", by area where [areas] set it"
                } else {
                    ""
                },
                if local_need(result) {
                    format!(
                        " x local need {:.2} (the areas' prevalence_factor)",
                        area.prevalence_factor()
                    )
                } else {
                    String::new()
                }
            ),
            true,
            None,
        ),
        stage(
            "Presenting",
            f.presenting(),
            rule(
                "presentation_rate",
                scenario.demand.presentation_rate,
                scenario
                    .pathways
                    .iter()
                    .any(|p| p.presentation_rate.is_some()),
            ),
            true,
            Some(1),
        ),
        stage(
            "Detected",
            f.detected(),
            rule(
                "detection_rate",
                scenario.demand.detection_rate,
                scenario.pathways.iter().any(|p| p.detection_rate.is_some()),
            ),
            true,
            Some(2),
        ),
        stage(
            "Referred (new episodes)",
            f.referred(),
            rule(
                "referral_weight",
                scenario.demand.referral_weight,
                over(&|o| o.referral_weight.is_some())
                    || scenario
                        .pathways
                        .iter()
                        .any(|p| p.referral_weight.is_some()),
            ),
            true,
            Some(3),
        ),
        stage(
            "Medication only",
            f.medication_only(),
            rule(
                "medication_only",
                scenario.demand.medication_only,
                over(&|o| o.medication_only.is_some())
                    || scenario
                        .pathways
                        .iter()
                        .any(|p| p.medication_only.is_some()),
            ),
            false,
            Some(4),
        ),
        stage(
            "Treated psychologically",
            f.treated(),
            "referred - medication only".into(),
            medication,
            Some(4),
        ),
    ];
    // Episodes passed on along edges: with one edge (the 2007 step-up) the stage follows the
    // step it leaves, as the FAQ's chain reads; with several, after every step.
    let edges: Vec<(usize, &str, f64)> = scenario
        .steps
        .iter()
        .flat_map(|to| to.from.iter().map(move |(from, v)| (from, to, *v)))
        .filter_map(|(from, to, v)| scenario.step_index(from).map(|f| (f, to.label.as_str(), v)))
        .collect();
    let first_episodes = v.len();
    let moved = |at: usize| -> Stage {
        match edges.as_slice() {
            [(_, to, share)] => {
                let (_, bracket) = label_parts(to);
                let to = bracket.trim().trim_start_matches('(').trim_end_matches(')');
                Stage {
                    label: format!("  of which stepped up to {to}"),
                    value: f.stepped_up(),
                    decimals: 0,
                    rule: rule(
                        "step_up",
                        *share,
                        over(&|o| o.steps.values().any(|x| !x.from.is_empty())),
                    ),
                    in_chart: false,
                    share_of: Some(at),
                }
            }
            _ => Stage {
                label: "  of which after another step (stepped up)".into(),
                value: f.stepped_up(),
                decimals: 0,
                rule: "the episodes passed on along the steps' `from` edges".into(),
                in_chart: false,
                share_of: Some(6),
            },
        }
    };
    for (s, step) in scenario.steps.iter().enumerate() {
        let (name, bracket) = label_parts(&step.label);
        v.push(stage(
            &format!("{name} episodes{bracket}"),
            f.episodes(s),
            routing_rule(scenario, step),
            true,
            Some(6),
        ));
        if let [(from, _, _)] = edges.as_slice() {
            if *from == s {
                v.push(moved(v.len() - 1));
            }
        }
    }
    if edges.len() > 1 {
        v.push(moved(first_episodes));
    }
    for (s, step) in scenario.steps.iter().enumerate() {
        let (name, _) = label_parts(&step.label);
        v.push(stage(
            &format!("{name} contacts"),
            f.contacts(s),
            format!("x {} contacts per episode", cap[s].contacts_per_episode),
            false,
            None,
        ));
    }
    for (s, step) in scenario.steps.iter().enumerate() {
        let (name, _) = label_parts(&step.label);
        let c = &cap[s];
        v.push(Stage {
            label: format!("{name} WTE"),
            value: f.step_wte(s),
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

/// What one WTE delivers a year, per step: (label, one value per step).
pub fn one_wte_lines(result: &ModelResult, scenario: &Scenario) -> Vec<(String, Vec<String>)> {
    use crate::scenario::{basis, CapacityBasis};
    let cap = &result.capacity;
    let basis_of = |s: &StepSettings| match s.basis {
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
    let each = |f: &dyn Fn(usize, &StepSettings) -> String| -> Vec<String> {
        scenario
            .steps
            .iter()
            .enumerate()
            .map(|(s, step)| f(s, step))
            .collect()
    };
    // With DNAs or headroom a WTE books more contacts than it delivers: show both, so that
    // the episodes compared with the published ranges are the delivered ones.
    let diminished = cap.0.iter().any(|c| c.dna_rate > 0.0 || c.headroom > 0.0);
    let mut lines = vec![
        ("Capacity basis".into(), each(&|_, step| basis_of(step))),
        (
            "Working days".into(),
            each(&|s, step| basis::working_days_text(scenario, step, cap[s].working_days)),
        ),
    ];
    if diminished {
        lines.push((
            "Contacts booked".into(),
            each(&|s, _| grouped(cap[s].annual_contacts_per_wte, 0)),
        ));
        lines.push((
            "Attended contacts (after DNAs and headroom)".into(),
            each(&|s, _| grouped(cap[s].attended_contacts_per_wte, 0)),
        ));
    } else {
        lines.push((
            "Attended contacts".into(),
            each(&|s, _| grouped(cap[s].attended_contacts_per_wte, 0)),
        ));
    }
    lines.push((
        "Contacts per episode".into(),
        each(&|s, _| format!("{}", cap[s].contacts_per_episode)),
    ));
    if diminished {
        lines.push((
            "Episodes completed (after DNAs and headroom)".into(),
            each(&|s, _| grouped(cap[s].episodes_per_wte, 1)),
        ));
        lines.push((
            "Episodes if every booked contact were attended, no headroom".into(),
            each(&|s, _| grouped(cap[s].episodes_per_wte_before_dna_and_headroom, 1)),
        ));
    } else {
        lines.push((
            "Episodes completed".into(),
            each(&|s, _| grouped(cap[s].episodes_per_wte, 1)),
        ));
    }
    lines
}

/// What the access rate is on a planning scenario: treated / prevalent is the product of the
/// scenario's own funnel rates, so a board must not read it as access achieved (the national
/// ambitions of 15%, then 25%, are of access measured in services).
pub fn access_note(scenario: &Scenario) -> String {
    let d = &scenario.demand;
    let varies = scenario
        .disorders
        .values()
        .any(|o| o.referral_weight.is_some() || o.medication_only.is_some())
        || scenario.pathways.iter().any(|p| {
            p.presentation_rate.is_some()
                || p.detection_rate.is_some()
                || p.referral_weight.is_some()
                || p.medication_only.is_some()
        });
    format!(
        "Access (treated psychologically / prevalent) is an assumption of the scenario, not a \
         measured access rate: it is presentation_rate {:.2} x detection_rate {:.2} x \
         referral_weight {:.2} x (1 - medication_only {:.2}) = {:.1}%{}.",
        d.presentation_rate,
        d.detection_rate,
        d.referral_weight,
        d.medication_only,
        d.presentation_rate
            * d.detection_rate
            * d.referral_weight
            * (1.0 - d.medication_only)
            * 100.0,
        if varies {
            " where no disorder or pathway sets its own rates"
        } else {
            ""
        }
    )
}
