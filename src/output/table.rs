//! The table a commissioner reads: the funnel with the rule behind each stage, what one WTE
//! delivers, and the rows per area. Assumptions not in the seeds are marked as such.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, Width};

use crate::model::{Intensity, ModelResult, PerIntensity};
use crate::scenario::{defaults, CapacityBasis, IntensitySettings, Scenario};

use super::{Provenance, Row};

/// Readable in a 100-column terminal.
const WIDTH: u16 = 100;

/// 1234567.8 -> "1,234,568".
pub fn thousands(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let rounded = x.round();
    let negative = rounded < 0.0;
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if negative && out != "0" {
        out.insert(0, '-');
    }
    out
}

/// WTE to one decimal with thousands separators: 5265.13 -> "5,265.1".
fn wte(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let tenths = (x * 10.0).round();
    let whole = thousands((tenths.abs() / 10.0).trunc());
    let sign = if tenths < 0.0 { "-" } else { "" };
    format!("{sign}{whole}.{}", (tenths.abs() % 10.0) as u8)
}

fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map(f).unwrap_or_else(|| "-".into())
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn new_table(header: Vec<&str>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_header(header);
    t
}

fn right_align(t: &mut Table, from: usize) {
    let n = t.column_count();
    for i in from..n {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// "NHS Cheshire and Merseyside Integrated Care Board" -> "Cheshire and Merseyside": the
/// level is in the heading, and long names would wrap every row.
pub fn short_name(name: &str) -> String {
    let n = name.strip_prefix("NHS ").unwrap_or(name);
    n.replace(" Integrated Care Board", "")
}

fn settings(s: &Scenario, i: Intensity) -> &IntensitySettings {
    match i {
        Intensity::Low => &s.low_intensity,
        Intensity::High => &s.high_intensity,
    }
}

/// A scenario-wide rate and whether any disorder overrides it.
fn rule(name: &str, value: f64, overridden: bool) -> String {
    if overridden {
        format!("x {name} {value:.2}, by disorder where set (--by-disorder)")
    } else {
        format!("x {name} {value:.2}")
    }
}

pub fn render_table(
    result: &ModelResult,
    scenario: &Scenario,
    provenance: &Provenance,
    by_disorder: bool,
) -> String {
    let mut out = String::new();
    let total = Row::new(&result.total, result);
    let ages = format!(
        "{}-{}",
        scenario.population.age_min,
        scenario.population.age_max - 1
    );
    out.push_str(&format!(
        "Scenario {}: {}\n",
        scenario.name, scenario.description
    ));
    out.push_str(&format!(
        "{} areas (level {}), people aged {ages}\nPopulation: {}; prevalence: {}\n\n",
        result.rows.len(),
        result.rows.first().map_or("-", |r| r.level.as_str()),
        provenance.population,
        provenance.prevalence
    ));

    // The funnel, with the rule behind each stage.
    let over =
        |f: &dyn Fn(&crate::scenario::DisorderOverride) -> bool| scenario.disorders.values().any(f);
    let cap = &result.capacity;
    let mut t = new_table(vec!["Demand funnel (total)", "People a year", "Rule"]);
    let d = &result.total.flow.demand;
    let rows: Vec<(String, f64, String)> = vec![
        (
            format!("Population aged {ages}"),
            total.population_in_scope,
            "population file, age window pro rata".into(),
        ),
        (
            "Prevalent cases".into(),
            d.prevalent,
            format!(
                "x prevalence ({}) x deprivation {:.2}",
                match scenario.demand.comorbidity {
                    crate::scenario::Comorbidity::Primary => "primary",
                    crate::scenario::Comorbidity::Sum => "sum",
                },
                scenario.demand.deprivation_factor
            ),
        ),
        (
            "Presenting".into(),
            d.presenting,
            rule(
                "presentation_rate",
                scenario.demand.presentation_rate,
                false,
            ),
        ),
        (
            "Detected".into(),
            d.detected,
            rule("detection_rate", scenario.demand.detection_rate, false),
        ),
        (
            "Referred (new episodes)".into(),
            d.referred,
            rule(
                "referral_weight",
                scenario.demand.referral_weight,
                over(&|o| o.referral_weight.is_some()),
            ),
        ),
        (
            "Medication only".into(),
            d.medication_only,
            rule(
                "medication_only",
                scenario.demand.medication_only,
                over(&|o| o.medication_only.is_some()),
            ),
        ),
        (
            "Treated psychologically".into(),
            d.treated,
            "referred - medication only".into(),
        ),
        (
            "Low intensity episodes (step 2)".into(),
            total.low_episodes,
            rule(
                "step2_entry",
                scenario.stepped_care.step2_entry,
                over(&|o| o.step2_entry.is_some()),
            ),
        ),
        (
            "  of which stepped up to step 3".into(),
            total.stepped_up,
            rule(
                "step_up",
                scenario.stepped_care.step_up,
                over(&|o| o.step_up.is_some()),
            ),
        ),
        (
            "High intensity episodes (step 3)".into(),
            total.high_episodes,
            "direct (1 - step2_entry) + stepped up".into(),
        ),
        (
            "Low intensity contacts".into(),
            total.low_contacts,
            format!("x {} contacts per episode", cap.low.contacts_per_episode),
        ),
        (
            "High intensity contacts".into(),
            total.high_contacts,
            format!("x {} contacts per episode", cap.high.contacts_per_episode),
        ),
    ];
    for (stage, value, why) in rows {
        t.add_row(vec![stage, thousands(value), why]);
    }
    for i in Intensity::ALL {
        t.add_row(vec![
            format!(
                "{} WTE",
                if i == Intensity::Low {
                    "Low intensity"
                } else {
                    "High intensity"
                }
            ),
            wte(result.total.flow.wte[i]),
            format!(
                "booked / {} per WTE (DNA {:.2}, headroom {:.2})",
                thousands(cap[i].annual_contacts_per_wte),
                cap[i].dna_rate,
                cap[i].headroom
            ),
        ]);
    }
    if let Some(c) = t.column_mut(1) {
        c.set_cell_alignment(CellAlignment::Right);
    }
    out.push_str(&t.to_string());
    out.push('\n');

    // What one WTE delivers.
    let mut t = new_table(vec!["One WTE a year", "Low intensity", "High intensity"]);
    let basis = |i: Intensity| match settings(scenario, i).basis {
        CapacityBasis::ContactsPerDay {
            contacts_per_day,
            caseload,
        } => {
            format!("{contacts_per_day} contacts/day x {caseload:.2} caseload")
        }
        CapacityBasis::ClinicalHours {
            clinical_hours_per_week,
            contact_hours,
        } => {
            format!(
                "{clinical_hours_per_week} h/week / {:.0} min per contact",
                contact_hours * 60.0
            )
        }
    };
    let days = |c: f64| {
        if c == defaults::WORKING_DAYS {
            format!("{c} (assumption)")
        } else {
            format!("{c}")
        }
    };
    let pair = |f: &dyn Fn(Intensity) -> String| -> Vec<String> {
        Intensity::ALL.iter().map(|&i| f(i)).collect()
    };
    let lines: Vec<(&str, Vec<String>)> = vec![
        ("Capacity basis", pair(&basis)),
        ("Working days", pair(&|i| days(cap[i].working_days))),
        (
            "Attended contacts",
            pair(&|i| thousands(cap[i].annual_contacts_per_wte)),
        ),
        (
            "Contacts per episode",
            pair(&|i| format!("{}", cap[i].contacts_per_episode)),
        ),
        (
            "Episodes completed",
            pair(&|i| format!("{:.1}", cap[i].episodes_per_wte)),
        ),
    ];
    for (label, values) in lines {
        let mut row = vec![label.to_string()];
        row.extend(values);
        t.add_row(row);
    }
    right_align(&mut t, 1);
    out.push_str(&t.to_string());
    out.push_str("\nPublished episodes per WTE a year: Richards 132-352 (low), job description 175-250, Clark 60 (high).\n\n");

    // Per-area rows: the CSV and JSON carry every field; here what fits in 100 columns.
    let has_gap = result.has_workforce;
    let header = if has_gap {
        vec![
            "Area", "Referred", "Low WTE", "High WTE", "Total", "Gap low", "Gap high", "L:H",
        ]
    } else {
        vec![
            "Area",
            "Population",
            "Referred",
            "Low WTE",
            "High WTE",
            "Total",
            "L:H",
            "Access",
        ]
    };
    let mut t = new_table(header);
    let all_rows: Vec<Row> = result.rows.iter().map(|r| Row::new(r, result)).collect();
    for r in all_rows.iter().chain(std::iter::once(&total)) {
        let name = if r.area_code == "total" {
            "Total".to_string()
        } else {
            short_name(&r.area_name)
        };
        let mix = opt(r.low_high_ratio, |x| format!("{x:.2}"));
        let cells = if has_gap {
            vec![
                name,
                thousands(r.referred),
                wte(r.low_wte),
                wte(r.high_wte),
                wte(r.total_wte),
                wte(r.gap_low_wte),
                wte(r.gap_high_wte),
                mix,
            ]
        } else {
            vec![
                name,
                thousands(r.population_in_scope),
                thousands(r.referred),
                wte(r.low_wte),
                wte(r.high_wte),
                wte(r.total_wte),
                mix,
                opt(r.access_rate, pct),
            ]
        };
        t.add_row(cells);
    }
    right_align(&mut t, 1);
    if let Some(c) = t.column_mut(0) {
        // Names wrap before numbers do.
        c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(26)));
    }
    out.push_str(&t.to_string());
    out.push('\n');
    if has_gap {
        let m: PerIntensity<Option<f64>> = PerIntensity::from_fn(|i| {
            let req = result.total.flow.wte[i];
            (req > 0.0).then(|| result.total.current[i] / req)
        });
        out.push_str(&format!(
            "Current workforce (effective WTE): low {} ({} of requirement met), high {} ({}).\n\
             Gap = required - current; positive is a shortfall.\n",
            wte(result.total.current.low),
            opt(m.low, pct),
            wte(result.total.current.high),
            opt(m.high, pct),
        ));
    }

    if by_disorder {
        out.push('\n');
        let mut t = new_table(vec![
            "Disorder (total)",
            "Prevalent",
            "Referred",
            "Treated",
            "Low ep.",
            "High ep.",
            "Low WTE",
            "High WTE",
        ]);
        for (name, f) in result.disorders.iter().zip(&result.total.by_disorder) {
            t.add_row(vec![
                name.clone(),
                thousands(f.demand.prevalent),
                thousands(f.demand.referred),
                thousands(f.demand.treated),
                thousands(f.episodes.low),
                thousands(f.episodes.high),
                wte(f.wte.low),
                wte(f.wte.high),
            ]);
        }
        right_align(&mut t, 1);
        out.push_str(&t.to_string());
        out.push('\n');
    }

    out.push_str(&format!(
        "\nSkill mix: low:high WTE {}; low intensity share of WTE {}, of contacts {}\n\
         (the Outline Business Case planned 65% of contacts at low intensity).\n",
        opt(total.low_high_ratio, |x| format!("{x:.2}")),
        opt(total.low_share_wte, pct),
        opt(total.low_share_contacts, pct),
    ));
    out.push_str(
        "Assumptions not from the seeds: working days a year; the per-disorder pathway (one\n\
         referral weight, medication-only share, step-2 entry and step-up for every disorder\n\
         unless [disorders.<id>] says otherwise).\n\
         PTSD prevalence is a past-month screen (PCL-C), not a past-week diagnosis.\n",
    );
    out
}
