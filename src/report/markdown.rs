//! `capacity model --format markdown`: the table output as pipe tables, for pasting into
//! documents, with the assumptions and where each comes from.

use std::fmt::Write;

use crate::model::ModelResult;
use crate::output::funnel::label_parts;
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

/// A step id with its first letter in capitals: "low" -> "Low", for headers.
fn title(id: &str) -> String {
    let mut c = id.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Consecutive pairs of steps, for the skill-mix ratios `<a>_<b>_ratio`.
fn pairs<'a>(steps: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    steps.windows(2).map(|w| (w[0], w[1])).collect()
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
    let steps = result.step_ids();
    let rows: Vec<Vec<String>> = one_wte_lines(result, scenario)
        .into_iter()
        .map(|(label, values)| std::iter::once(label).chain(values).collect())
        .collect();
    // Each step by its label without the bracket: "Low intensity (step 2)" -> "Low intensity".
    let mut header: Vec<String> = vec![String::new()];
    header.extend(
        result
            .steps
            .iter()
            .map(|(_, label)| label_parts(label).0.to_string()),
    );
    let mut numeric = vec![false];
    numeric.extend(std::iter::repeat_n(true, steps.len()));
    table(
        &mut out,
        &header.iter().map(String::as_str).collect::<Vec<_>>(),
        &numeric,
        &rows,
    );
    out.push_str("Published episodes per WTE a year: Richards 132-352 (low), job description 175-250, Clark 60 (high).\n\n");

    out.push_str("## Areas\n\n");
    let has_gap = result.has_workforce;
    let mut header: Vec<String> = ["Area", "Code", "Population", "Referred"]
        .map(String::from)
        .to_vec();
    header.extend(steps.iter().map(|s| format!("{} WTE", title(s))));
    header.push("Total WTE".into());
    header.extend(
        pairs(&steps)
            .iter()
            .map(|(a, b)| format!("{}:{}", title(a), title(b))),
    );
    header.push("Access".into());
    if has_gap {
        header.extend(steps.iter().map(|s| format!("Current {s}")));
        header.extend(steps.iter().map(|s| format!("Gap {s}")));
        header.push("Met".into());
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
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
                grouped(r.num("population_in_scope"), 0),
                grouped(r.num("referred"), 0),
            ];
            cells.extend(steps.iter().map(|s| grouped(r.num(&format!("{s}_wte")), 1)));
            cells.push(grouped(r.num("total_wte"), 1));
            cells.extend(
                pairs(&steps)
                    .iter()
                    .map(|(a, b)| opt(r.opt(&format!("{a}_{b}_ratio")), |x| format!("{x:.2}"))),
            );
            cells.push(opt(r.opt("access_rate"), percent));
            if has_gap {
                cells.extend(
                    steps
                        .iter()
                        .map(|s| grouped(r.num(&format!("current_{s}_wte")), 1)),
                );
                cells.extend(
                    steps
                        .iter()
                        .map(|s| grouped(r.num(&format!("gap_{s}_wte")), 1)),
                );
                cells.push(opt(r.requirement_met_total(&steps), percent));
            }
            cells
        })
        .collect();
    table(&mut out, &header, &numeric, &rows);
    out.push_str(&crate::output::funnel::access_note(scenario));
    out.push_str("\n\n");
    if has_gap {
        out.push_str("Gap = required - current effective WTE; positive is a shortfall. Met: current / required WTE.\n\n");
    }

    if let Some(period) = &result.observed_period {
        let _ = write!(
            out,
            "## Published activity, {period}\n\nNHS England, Annual report on the use of NHS Talking Therapies services, beside the modelled referrals. Finished courses: two or more treatment contacts; access: finished courses over modelled prevalent cases; waits from referral to first treatment; \"-\": not published.\n\n"
        );
        let header = [
            "Area",
            "Modelled referrals",
            "Published referrals",
            "Published / modelled",
            "Finished courses",
            "Access",
            "Low intensity only",
            "High intensity only",
            "Both",
            "Under 6 weeks",
            "Under 18 weeks",
            "Recovery",
        ];
        let numeric: Vec<bool> = (0..header.len()).map(|i| i > 0).collect();
        let rows: Vec<Vec<String>> = result
            .rows
            .iter()
            .chain(std::iter::once(&result.total))
            .map(|a| {
                let row = Row::new(a, result);
                let share = |name: &str| opt(row.opt(name), percent);
                let count = |name: &str| opt(row.opt(name), |x| grouped(x, 0));
                vec![
                    area_label(a),
                    grouped(row.num("referred"), 0),
                    count("observed_referrals"),
                    share("observed_to_modelled_referrals"),
                    count("observed_finished_courses"),
                    share("observed_access_rate"),
                    share("observed_low_only_share"),
                    share("observed_high_only_share"),
                    share("observed_both_share"),
                    share("observed_within_6_weeks"),
                    share("observed_within_18_weeks"),
                    share("observed_recovery_rate"),
                ]
            })
            .collect();
        table(&mut out, &header, &numeric, &rows);
    }

    if by_disorder {
        out.push_str("## By disorder (total)\n\n");
        let rows: Vec<Vec<String>> = result
            .disorders
            .iter()
            .zip(&result.total.by_disorder)
            .map(|(d, f)| {
                let mut cells = vec![
                    d.clone(),
                    grouped(f.prevalent(), 0),
                    grouped(f.referred(), 0),
                    grouped(f.treated(), 0),
                ];
                cells.extend((0..steps.len()).map(|s| grouped(f.episodes(s), 0)));
                cells.extend((0..steps.len()).map(|s| grouped(f.step_wte(s), 1)));
                cells
            })
            .collect();
        let mut header: Vec<String> = ["Disorder", "Prevalent", "Referred", "Treated"]
            .map(String::from)
            .to_vec();
        header.extend(steps.iter().map(|s| format!("{} ep.", title(s))));
        header.extend(steps.iter().map(|s| format!("{} WTE", title(s))));
        let mut numeric = vec![false];
        numeric.extend(std::iter::repeat_n(true, header.len() - 1));
        table(
            &mut out,
            &header.iter().map(String::as_str).collect::<Vec<_>>(),
            &numeric,
            &rows,
        );
    }

    workforce(&mut out, result, scenario);

    // The skill mix: each step's WTE to the next step's, and each step's share of the WTE and
    // of the contacts (the last step's share is what the others leave). One step has none.
    if steps.len() >= 2 {
        let t = Row::new(&result.total, result);
        let mut parts: Vec<String> = pairs(&steps)
            .iter()
            .map(|(a, b)| {
                format!(
                    "{a}:{b} WTE {}",
                    opt(t.opt(&format!("{a}_{b}_ratio")), |x| format!("{x:.2}"))
                )
            })
            .collect();
        parts.extend(steps[..steps.len() - 1].iter().map(|s| {
            format!(
                "{s} share of WTE {}, of contacts {}",
                opt(t.opt(&format!("{s}_share_wte")), percent),
                opt(t.opt(&format!("{s}_share_contacts")), percent),
            )
        }));
        let _ = writeln!(
            out,
            "Skill mix: {} (Outline Business Case planned 65%).\n",
            parts.join(", ")
        );
    }

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
    let steps = result.step_ids();
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
                l.kind.name(&steps).to_string(),
                grouped(l.wte, 1),
                opt(l.salary, money),
                money(l.cost),
            ];
            if has_gap {
                let gap = if l.other_staff {
                    "-".into()
                } else {
                    grouped(l.gap(), 1)
                };
                cells.extend([grouped(l.current_wte, 1), gap]);
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
            let mut cells = vec![
                area_label(a),
                r.opt("cost_total").map_or("not known".into(), money),
                grouped(r.num("supervisor_wte"), 1),
                (if r.flag("supervision_covered") {
                    "yes"
                } else {
                    "no"
                })
                .to_string(),
            ];
            cells.extend(steps.iter().map(|s| {
                format!(
                    "{} then {}",
                    trainees(r.num(&format!("trainee_intake_{s}"))),
                    trainees(r.num(&format!("steady_intake_{s}")))
                )
            }));
            cells
        })
        .collect();
    let mut header: Vec<String> = ["Area", "Cost a year", "Supervisor WTE", "Covered"]
        .map(String::from)
        .to_vec();
    header.extend(steps.iter().map(|s| format!("Trainees {s}")));
    let mut numeric = vec![false, true, true, false];
    numeric.extend(std::iter::repeat_n(true, steps.len()));
    table(
        out,
        &header.iter().map(String::as_str).collect::<Vec<_>>(),
        &numeric,
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
                    l.role_label(),
                    l.band_label().to_string(),
                    l.kind.name(&steps).to_string(),
                    grouped(l.wte, 1),
                    grouped(l.current_wte, 1),
                    if l.other_staff {
                        "-".into()
                    } else {
                        grouped(l.gap(), 1)
                    },
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
