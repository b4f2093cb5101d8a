//! `capacity model --format markdown`: the table output as pipe tables, for pasting into
//! documents, with the assumptions and where each comes from.

use std::fmt::Write;

use crate::model::ModelResult;
use crate::output::{money, trainees, workforce_notes, Provenance, Row};
use crate::scenario::basis::assumptions;
use crate::scenario::Scenario;

use super::{area_label, funnel_stages, grouped, one_wte_lines, percent};

/// A cell: pipes escaped, line breaks flattened.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// A pipe table; `numeric[i]` right-aligns column i.
fn table(out: &mut String, header: &[&str], numeric: &[bool], rows: &[Vec<String>]) {
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    out.push_str(&line(header.iter().map(|h| cell(h)).collect()));
    out.push_str(&line(
        (0..header.len())
            .map(|i| {
                if numeric.get(i).copied().unwrap_or(false) {
                    "---:".to_string()
                } else {
                    "---".to_string()
                }
            })
            .collect(),
    ));
    for r in rows {
        out.push_str(&line(r.iter().map(|c| cell(c)).collect()));
    }
    out.push('\n');
}

fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map(f).unwrap_or_else(|| "-".into())
}

pub fn render_markdown(
    result: &ModelResult,
    scenario: &Scenario,
    provenance: &Provenance,
    by_disorder: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Scenario {}: {}\n",
        cell(&scenario.name),
        cell(&scenario.description)
    );
    let _ = writeln!(
        out,
        "{} areas (level {}), people aged {}-{}; population {}, prevalence {}.\n",
        result.rows.len(),
        result.rows.first().map_or("-", |r| r.level.as_str()),
        scenario.population.age_min,
        scenario.population.age_max.saturating_sub(1),
        provenance.population,
        provenance.prevalence
    );

    out.push_str("## Demand funnel (total)\n\n");
    let rows: Vec<Vec<String>> = funnel_stages(&result.total, result, scenario)
        .into_iter()
        .map(|s| {
            vec![
                s.label.trim().to_string(),
                grouped(s.value, s.decimals),
                s.rule,
            ]
        })
        .collect();
    table(
        &mut out,
        &["Stage", "Total", "Rule"],
        &[false, true, false],
        &rows,
    );

    out.push_str("## One WTE a year\n\n");
    let rows: Vec<Vec<String>> = one_wte_lines(result, scenario)
        .into_iter()
        .map(|(a, b, c)| vec![a, b, c])
        .collect();
    table(
        &mut out,
        &["", "Low intensity", "High intensity"],
        &[false, true, true],
        &rows,
    );
    out.push_str("Published episodes per WTE a year: Richards 132-352 (low), job description 175-250, Clark 60 (high).\n\n");

    out.push_str("## Areas\n\n");
    let has_gap = result.has_workforce;
    let mut header = vec![
        "Area",
        "Code",
        "Population",
        "Referred",
        "Low WTE",
        "High WTE",
        "Total WTE",
        "Low:High",
        "Access",
    ];
    if has_gap {
        header.extend(["Current low", "Current high", "Gap low", "Gap high", "Met"]);
    }
    let mut numeric = vec![false, false];
    numeric.extend(std::iter::repeat_n(true, header.len() - 2));
    let rows: Vec<Vec<String>> = result
        .rows
        .iter()
        .chain(std::iter::once(&result.total))
        .map(|a| {
            let r = Row::new(a, result);
            let mut cells = vec![
                area_label(a),
                if a.code == "total" {
                    String::new()
                } else {
                    a.code.clone()
                },
                grouped(r.population_in_scope, 0),
                grouped(r.referred, 0),
                grouped(r.low_wte, 1),
                grouped(r.high_wte, 1),
                grouped(r.total_wte, 1),
                opt(r.low_high_ratio, |x| format!("{x:.2}")),
                opt(r.access_rate, percent),
            ];
            if has_gap {
                let met = r.requirement_met_total();
                cells.extend([
                    grouped(r.current_low_wte, 1),
                    grouped(r.current_high_wte, 1),
                    grouped(r.gap_low_wte, 1),
                    grouped(r.gap_high_wte, 1),
                    opt(met, percent),
                ]);
            }
            cells
        })
        .collect();
    table(&mut out, &header, &numeric, &rows);
    if has_gap {
        out.push_str("Gap = required - current effective WTE; positive is a shortfall. Met: current / required WTE.\n\n");
    }

    if by_disorder {
        out.push_str("## By disorder (total)\n\n");
        let rows: Vec<Vec<String>> = result
            .disorders
            .iter()
            .zip(&result.total.by_disorder)
            .map(|(d, f)| {
                vec![
                    d.clone(),
                    grouped(f.demand.prevalent, 0),
                    grouped(f.demand.referred, 0),
                    grouped(f.demand.treated, 0),
                    grouped(f.episodes.low, 0),
                    grouped(f.episodes.high, 0),
                    grouped(f.wte.low, 1),
                    grouped(f.wte.high, 1),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                "Disorder",
                "Prevalent",
                "Referred",
                "Treated",
                "Low ep.",
                "High ep.",
                "Low WTE",
                "High WTE",
            ],
            &[false, true, true, true, true, true, true, true],
            &rows,
        );
    }

    workforce(&mut out, result, scenario);

    let t = Row::new(&result.total, result);
    let _ = writeln!(
        out,
        "Skill mix: low:high WTE {}, low share of WTE {}, of contacts {} (Outline Business Case planned 65%).\n",
        opt(t.low_high_ratio, |x| format!("{x:.2}")),
        opt(t.low_share_wte, percent),
        opt(t.low_share_contacts, percent),
    );

    out.push_str("## Assumptions\n\n");
    let rows: Vec<Vec<String>> = assumptions(scenario)
        .into_iter()
        .map(|a| {
            vec![
                format!("`{}`", a.key),
                a.value,
                a.basis.label().to_string(),
                a.source,
            ]
        })
        .collect();
    table(
        &mut out,
        &["Key", "Value", "Basis", "Source or reason"],
        &[false, true, false, false],
        &rows,
    );
    out
}

/// Staff by role and band, costs, supervision and trainees; the gap by role with a workforce.
fn workforce(out: &mut String, result: &ModelResult, scenario: &Scenario) {
    let has_gap = result.has_workforce;
    out.push_str("## Staff, costs and training (total)\n\n");
    let mut header = vec!["Role", "Band", "Step", "WTE", "Salary", "Cost a year"];
    if has_gap {
        header.extend(["Current", "Gap"]);
    }
    let mut numeric = vec![false, false, false, true, true, true];
    numeric.extend([has_gap, has_gap]);
    let rows: Vec<Vec<String>> = result
        .total
        .workforce
        .roles
        .iter()
        .map(|l| {
            let mut cells = vec![
                l.role_label(),
                l.band_label().to_string(),
                l.kind.as_str().to_string(),
                grouped(l.wte, 1),
                opt(l.salary, money),
                money(l.cost),
            ];
            if has_gap {
                cells.extend([grouped(l.current_wte, 1), grouped(l.gap(), 1)]);
            }
            cells
        })
        .collect();
    table(out, &header, &numeric, &rows);
    for note in workforce_notes(result, scenario) {
        let _ = writeln!(out, "{}\n", note.replace('\n', " "));
    }

    let rows: Vec<Vec<String>> = result
        .rows
        .iter()
        .chain(std::iter::once(&result.total))
        .map(|a| {
            let r = Row::new(a, result);
            vec![
                area_label(a),
                money(r.cost_total),
                grouped(r.supervisor_wte, 1),
                (if r.supervision_covered { "yes" } else { "no" }).to_string(),
                format!(
                    "{} then {}",
                    trainees(r.trainee_intake_low),
                    trainees(r.steady_intake_low)
                ),
                format!(
                    "{} then {}",
                    trainees(r.trainee_intake_high),
                    trainees(r.steady_intake_high)
                ),
            ]
        })
        .collect();
    table(
        out,
        &[
            "Area",
            "Cost a year",
            "Supervisor WTE",
            "Covered",
            "Trainees low",
            "Trainees high",
        ],
        &[false, true, true, false, true, true],
        &rows,
    );
    let _ = writeln!(
        out,
        "Trainees to start a year: \"X then Y\": X a year for {} years closes the gap, then Y a year replaces turnover.\n",
        scenario.pipeline.years
    );

    if has_gap {
        out.push_str("## Gap by role and band\n\n");
        let mut rows = Vec::new();
        for a in result.rows.iter().chain(std::iter::once(&result.total)) {
            for l in &a.workforce.roles {
                if l.wte == 0.0 && l.current_wte == 0.0 {
                    continue;
                }
                rows.push(vec![
                    area_label(a),
                    l.role.clone(),
                    l.band_label().to_string(),
                    l.kind.as_str().to_string(),
                    grouped(l.wte, 1),
                    grouped(l.current_wte, 1),
                    grouped(l.gap(), 1),
                ]);
            }
        }
        table(
            out,
            &["Area", "Role", "Band", "Step", "Required", "Current", "Gap"],
            &[false, false, false, false, true, true, true],
            &rows,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        let mut out = String::new();
        table(
            &mut out,
            &["A", "B"],
            &[false, true],
            &[vec!["x".into(), "1".into()]],
        );
        assert_eq!(out, "| A | B |\n| --- | ---: |\n| x | 1 |\n\n");
    }
}
