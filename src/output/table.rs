//! The table a commissioner reads: the funnel with the rule behind each stage, what one WTE
//! delivers, and the rows per area. Assumptions are marked as such.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table};

use crate::model::{AreaResult, ModelResult};
use crate::scenario::Scenario;

use super::funnel::{access_note, funnel_stages, grouped, one_wte_lines};
use super::{Provenance, Row};

/// The width when neither `--width`, `COLUMNS` nor a terminal gives one (a file, a pipe).
pub const DEFAULT_WIDTH: u16 = 100;
/// Narrower than this no table of the model fits, whatever is dropped or shortened.
pub const MIN_WIDTH: u16 = 70;
/// An area's name is shortened (with "…") to no fewer characters than this; below it, the
/// least needed columns go first.
const MIN_NAME: usize = 12;

/// The width the table is drawn at: `--width`, else the `COLUMNS` environment variable (a
/// whole number), else the terminal's width when printing to one, else 100; never below
/// [`MIN_WIDTH`].
pub fn table_width(flag: Option<u16>, columns: Option<&str>, terminal: Option<u16>) -> u16 {
    flag.or_else(|| {
        columns
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|&c| c > 0)
    })
    .or(terminal)
    .unwrap_or(DEFAULT_WIDTH)
    .max(MIN_WIDTH)
}

/// The width of stdout's terminal, when stdout is one.
pub fn terminal_width() -> Option<u16> {
    // comfy-table asks the terminal only when stdout is a tty and no width was set.
    Table::new().width()
}

/// A table whose first column holds names and the others numbers (or short text): numbers
/// are never wrapped or cut, so the names get what is left of `width`. When that is under
/// [`MIN_NAME`], the `wrappable` columns wrap at their spaces, then the columns in
/// `droppable` go, in that order; names still too long are cut with "…" rather than wrapped
/// (one line per area reads down the page). Headings wrap at their spaces.
fn fitted(
    mut header: Vec<String>,
    mut rows: Vec<Vec<String>>,
    width: u16,
    droppable: &[usize],
    wrappable: &[usize],
) -> Table {
    let chars = |s: &str| s.chars().count();
    let longest_word = |s: &str| s.split(' ').map(chars).max().unwrap_or(0);
    let n = header.len();
    // Per column: its width on one line, and the narrowest it may wrap to.
    let cells = |i: usize| rows.iter().map(|r| chars(&r[i])).max().unwrap_or(0);
    let mut full: Vec<usize> = (0..n).map(|i| cells(i).max(chars(&header[i]))).collect();
    // First the headings wrap, then the wrappable cells.
    let heading_wrapped: Vec<usize> = (0..n)
        .map(|i| cells(i).max(longest_word(&header[i])))
        .collect();
    let least: Vec<usize> = (0..n)
        .map(|i| {
            if wrappable.contains(&i) {
                rows.iter()
                    .map(|r| longest_word(&r[i]))
                    .chain([longest_word(&header[i])])
                    .max()
                    .unwrap_or(0)
            } else {
                heading_wrapped[i]
            }
        })
        .collect();
    let mut keep: Vec<bool> = vec![true; n];
    // Each column takes its content, 2 of padding and 1 of border; 1 more closes the row.
    let left = |full: &[usize], keep: &[bool]| -> isize {
        let others: usize = (1..n).filter(|&i| keep[i]).map(|i| full[i] + 3).sum();
        width as isize - (others + 4) as isize
    };
    for (i, floor) in (1..n)
        .map(|i| (i, heading_wrapped[i]))
        .chain(wrappable.iter().map(|&i| (i, least[i])))
    {
        let short = MIN_NAME as isize - left(&full, &keep);
        if short > 0 {
            full[i] = full[i].saturating_sub(short as usize).max(floor);
        }
    }
    for &d in droppable {
        if left(&full, &keep) >= MIN_NAME as isize {
            break;
        }
        keep[d] = false;
    }
    // Still short with every column dropped: names shorter still, but never unreadable.
    let name = usize::try_from(left(&full, &keep))
        .unwrap_or(0)
        .max(8)
        .min(full[0].max(chars(&header[0])));
    for r in &mut rows {
        if chars(&r[0]) > name {
            r[0] = r[0]
                .chars()
                .take(name - 1)
                .collect::<String>()
                .trim_end()
                .to_string()
                + "…";
        }
    }
    full[0] = name;
    let pick = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .enumerate()
            .filter(|(i, _)| keep[*i])
            .map(|(_, x)| x)
            .collect()
    };
    header = pick(header);
    let widths: Vec<usize> = pick(full.iter().map(|w| w.to_string()).collect())
        .iter()
        .map(|w| w.parse().unwrap_or(0))
        .collect();
    let mut t = new_table(header.iter().map(String::as_str).collect(), width);
    for r in rows {
        t.add_row(pick(r));
    }
    right_align(&mut t, 1);
    for (i, w) in widths.iter().enumerate() {
        if let Some(c) = t.column_mut(i) {
            let w = u16::try_from(w + 2).unwrap_or(u16::MAX);
            c.set_constraint(ColumnConstraint::Absolute(comfy_table::Width::Fixed(w)));
        }
    }
    t
}

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

/// 236251421.3 -> "£236.3m"; 32324 -> "£32,324"; 18.21 -> "£18.21".
pub fn money(x: f64) -> String {
    if !x.is_finite() {
        "-".into()
    } else if x == 0.0 {
        "£0".into()
    } else if x.abs() >= 1e6 {
        format!("£{:.1}m", x / 1e6)
    } else if x.abs() >= 1000.0 {
        format!("£{}", thousands(x))
    } else {
        format!("£{x:.2}")
    }
}

/// A step's label without its bracket: "Low intensity (step 2)" -> "Low intensity".
fn step_name(label: &str) -> String {
    super::funnel::label_parts(label).0.to_string()
}

/// "low 1.0, high 2.0": one value per step, named by the step's id.
fn per_step(steps: &[&str], value: impl Fn(usize, &str) -> String) -> String {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{s} {}", value(i, s)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn area_label(r: &AreaResult) -> String {
    if r.code == "total" {
        "Total".to_string()
    } else {
        short_name(&r.name)
    }
}

fn new_table(header: Vec<&str>, width: u16) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
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

pub fn render_table(
    result: &ModelResult,
    scenario: &Scenario,
    provenance: &Provenance,
    by_disorder: bool,
    width: u16,
) -> String {
    let mut out = String::new();
    let total = Row::new(&result.total, result);
    let ages = format!(
        "{}-{}",
        scenario.population.age_min,
        scenario.population.age_max - 1
    );
    out.push_str(&wrap(
        &format!("Scenario {}: {}", scenario.name, scenario.description),
        width as usize,
    ));
    out.push_str(&wrap(
        &format!(
            "{} (level {}), people aged {ages}\nPopulation: {}; prevalence: {}\n",
            crate::words::count(result.rows.len(), "area"),
            result.rows.first().map_or("-", |r| r.level.as_str()),
            provenance.population,
            provenance.prevalence
        ),
        width as usize,
    ));
    out.push('\n');

    // The funnel, with the rule behind each stage (one description for every output).
    let mut t = new_table(
        vec!["Demand funnel (total)", "People a year", "Rule"],
        width,
    );
    for stage in funnel_stages(&result.total, result, scenario) {
        t.add_row(vec![
            stage.label,
            grouped(stage.value, stage.decimals),
            stage.rule,
        ]);
    }
    if let Some(c) = t.column_mut(1) {
        c.set_cell_alignment(CellAlignment::Right);
    }
    out.push_str(&t.to_string());
    out.push('\n');

    // What one WTE delivers.
    let mut header = vec!["One WTE a year".to_string()];
    header.extend(result.steps.iter().map(|(_, label)| step_name(label)));
    let mut t = new_table(header.iter().map(String::as_str).collect(), width);
    for (label, values) in one_wte_lines(result, scenario) {
        let mut cells = vec![label];
        cells.extend(values);
        t.add_row(cells);
    }
    right_align(&mut t, 1);
    out.push_str(&t.to_string());
    out.push('\n');
    out.push_str(&wrap(
        "Published episodes per WTE a year: Richards 132-352 (low), job description 175-250, Clark 60 (high).",
        width as usize,
    ));
    out.push('\n');

    // Per-area rows: the CSV and JSON carry every field; here what fits in 100 columns.
    let has_gap = result.has_workforce;
    let steps = result.step_ids();
    let title = |id: &str| {
        let mut c = id.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    // The skill mix of the first two steps (L:H for the 2007 model).
    let mix_field = (steps.len() >= 2).then(|| format!("{}_{}_ratio", steps[0], steps[1]));
    let mix_header = match steps.as_slice() {
        [a, b, ..] => format!(
            "{}:{}",
            a.chars().next().unwrap_or('?').to_ascii_uppercase(),
            b.chars().next().unwrap_or('?').to_ascii_uppercase()
        ),
        _ => "Mix".into(),
    };
    let mut header: Vec<String> = vec!["Area".into()];
    if !has_gap {
        header.extend(["Population".into(), "Referred".into()]);
    }
    // Each area's prevalence factor (local need), when the areas file gives some.
    let need: Vec<f64> = result
        .rows
        .iter()
        .chain(std::iter::once(&result.total))
        .map(AreaResult::prevalence_factor)
        .collect();
    let show_need = need.iter().any(|&f| format!("{f:.2}") != "1.00");
    if show_need {
        header.push("Need".into());
    }
    header.extend(steps.iter().map(|s| format!("{} WTE", title(s))));
    header.push("Total".into());
    if has_gap {
        header.extend(steps.iter().map(|s| format!("Gap {s}")));
        header.push("Met".into());
    }
    header.push(mix_header);
    if !has_gap {
        header.push("Access".into());
    }
    let mut rows = Vec::new();
    let all_rows: Vec<Row> = result.rows.iter().map(|r| Row::new(r, result)).collect();
    for (r, need) in all_rows.iter().chain(std::iter::once(&total)).zip(&need) {
        let name = if r.area_code == "total" {
            "Total".to_string()
        } else {
            short_name(&r.area_name)
        };
        let mix = opt(mix_field.as_deref().and_then(|f| r.opt(f)), |x| {
            format!("{x:.2}")
        });
        let mut cells = vec![name];
        if !has_gap {
            cells.push(thousands(r.num("population_in_scope")));
            cells.push(thousands(r.num("referred")));
        }
        if show_need {
            cells.push(format!("{need:.2}"));
        }
        cells.extend(steps.iter().map(|s| wte(r.num(&format!("{s}_wte")))));
        cells.push(wte(r.num("total_wte")));
        if has_gap {
            cells.extend(steps.iter().map(|s| wte(r.num(&format!("gap_{s}_wte")))));
            cells.push(opt(r.requirement_met_total(&steps), pct));
        }
        cells.push(mix);
        if !has_gap {
            cells.push(opt(r.opt("access_rate"), pct));
        }
        rows.push(cells);
    }
    // Narrow terminals lose the population, then the referrals (both in CSV and JSON).
    let droppable: &[usize] = if has_gap { &[] } else { &[1, 2] };
    out.push_str(&fitted(header, rows, width, droppable, &[]).to_string());
    out.push('\n');
    if !has_gap {
        out.push_str(&wrap(&access_note(scenario), width as usize));
    }
    if has_gap {
        let parts: Vec<String> = steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                format!(
                    "{s} {} ({}{})",
                    wte(result.total.current[i]),
                    opt(total.opt(&format!("requirement_met_{s}")), pct),
                    if i == 0 { " of requirement met" } else { "" }
                )
            })
            .collect();
        out.push_str(&format!(
            "Current workforce (effective WTE): {}.\n\
             Gap = required - current; positive is a shortfall. Met: current / required WTE.\n",
            parts.join(", ")
        ));
        if let Some(note) = result.total_only_note() {
            out.push_str(&wrap(&note, width as usize));
        }
    }

    if by_disorder {
        out.push('\n');
        let mut header: Vec<String> = ["Disorder (total)", "Prevalent", "Referred", "Treated"]
            .map(String::from)
            .to_vec();
        header.extend(steps.iter().map(|s| format!("{} ep.", title(s))));
        header.extend(steps.iter().map(|s| format!("{} WTE", title(s))));
        let mut t = new_table(header.iter().map(String::as_str).collect(), width);
        for (name, f) in result.disorders.iter().zip(&result.total.by_disorder) {
            let mut cells = vec![
                name.clone(),
                thousands(f.prevalent()),
                thousands(f.referred()),
                thousands(f.treated()),
            ];
            cells.extend((0..steps.len()).map(|s| thousands(f.episodes(s))));
            cells.extend((0..steps.len()).map(|s| wte(f.step_wte(s))));
            t.add_row(cells);
        }
        right_align(&mut t, 1);
        out.push_str(&t.to_string());
        out.push('\n');
    }

    out.push('\n');
    out.push_str(&workforce_sections(result, scenario, width));
    if result.observed_period.is_some() {
        out.push_str(&observed_table(result, width));
    }

    let mut notes = String::new();
    if let [a, b, ..] = steps.as_slice() {
        notes.push_str(&format!(
            "\nSkill mix: {a}:{b} WTE {}; {} share of WTE {}, of contacts {}\n\
             (the Outline Business Case planned 65% of contacts at low intensity).\n",
            opt(total.opt(&format!("{a}_{b}_ratio")), |x| format!("{x:.2}")),
            step_name(&result.steps[0].1).to_lowercase(),
            opt(total.opt(&format!("{a}_share_wte")), pct),
            opt(total.opt(&format!("{a}_share_contacts")), pct),
        ));
    }
    notes.push_str(&format!(
        "Assumptions, not published defaults: working days a year; the per-disorder pathway\n\
         (one referral weight, medication-only share, step-2 entry and step-up for every disorder\n\
         unless [disorders.<id>] says otherwise).\n\
         PTSD prevalence is a past-month screen (PCL-C), not a past-week diagnosis.\n\
         Also assumptions: the skill-mix shares and bands, {} supervision hours per supervisor WTE,\n\
         the years to close the gap and the completion rate; on-costs and pay are cited in docs/costs.md.\n",
        scenario.supervision.hours_per_supervisor_wte,
    ));
    out.push_str(&wrap(&notes, width as usize));
    out
}

/// Need beside the activity each area published (`--observed`): referrals modelled and
/// published, finished courses, access, the step mix, waits and recovery.
fn observed_table(result: &ModelResult, width: u16) -> String {
    let period = result.observed_period.as_deref().unwrap_or("");
    let header: Vec<String> = [
        "Area",
        "Referred",
        "Published",
        "Ratio",
        "Finished",
        "Access",
        "LI",
        "HI",
        "Both",
        "<6 wk",
        "<18 wk",
        "Recov.",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    for r in result.rows.iter().chain(std::iter::once(&result.total)) {
        let row = Row::new(r, result);
        let share = |name: &str| opt(row.opt(name), |x| format!("{:.0}%", x * 100.0));
        rows.push(vec![
            area_label(r),
            thousands(row.num("referred")),
            opt(row.opt("observed_referrals"), thousands),
            share("observed_to_modelled_referrals"),
            opt(row.opt("observed_finished_courses"), thousands),
            opt(row.opt("observed_access_rate"), pct),
            share("observed_low_only_share"),
            share("observed_high_only_share"),
            share("observed_both_share"),
            share("observed_within_6_weeks"),
            share("observed_within_18_weeks"),
            share("observed_recovery_rate"),
        ]);
    }
    // Narrow terminals lose recovery first, then the step mix.
    let t = fitted(header, rows, width, &[11, 8, 7, 6], &[]);
    format!(
        "\nPublished activity {period} beside modelled referrals (NHS England, Annual report on the use of\n\
         NHS Talking Therapies services). Finished: courses of two or more treatment contacts; access:\n\
         finished over modelled prevalent cases; LI, HI, Both: finished courses with low intensity\n\
         only, high only, both; waits from referral to first treatment; \"-\": not published.\n{t}\n"
    )
}

/// Trainees a year: whole numbers where they are many, decimals where a small area needs a
/// fraction (0.5 a year is one every other year, not none; 0.03 is not 0).
pub fn trainees(x: f64) -> String {
    if x.abs() < 1.0 {
        format!("{x:.2}")
    } else if x.abs() < 10.0 {
        wte(x)
    } else {
        thousands(x)
    }
}

/// Words wrapped at `width` columns, each line ending in a newline; a newline in `text`
/// starts a new line.
fn wrap(text: &str, width: usize) -> String {
    text.lines().map(|l| wrap_line(l, width)).collect()
}

fn wrap_line(text: &str, width: usize) -> String {
    if text.is_empty() {
        // A blank line stays: it parts paragraphs.
        return "\n".into();
    }
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The total's costs, supervision and training pipeline in three sentences of plain text
/// (the table wraps them; markdown prints them as paragraphs).
pub fn workforce_notes(result: &ModelResult, scenario: &Scenario) -> [String; 3] {
    let total = &result.total;
    let w = &total.workforce;
    let c = &scenario.costs;
    let pay = crate::embedded::afc_pay();
    let row = Row::new(total, result);
    let salaries = if c.salary.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = c
            .salary
            .iter()
            .map(|(b, v)| format!("band {b} {}", money(*v)))
            .collect();
        format!(", overridden: {}", list.join(", "))
    };
    let steps = result.step_ids();
    let costs = format!(
        "Costs: Agenda for Change {} pay at the {} point{salaries}, on-costs {} (employer NI and pension).\n\
         Staff: {} + ratio roles {}; medication {}; total {} a year.\n\
         Per attended contact: {}; per episode: {}. Compare \
         Radhakrishnan et al. 2013: £99 low and £177 high a session, 2011/12 whole-service costs \
         (docs/costs.md explains the difference).",
        pay.year(),
        c.pay_point.as_str(),
        pct(c.on_cost_rate),
        per_step(&steps, |_, s| money(row.num(&format!("cost_{s}")))),
        money(row.num("cost_ratio_roles")),
        opt(row.opt("cost_medication"), money),
        opt(row.opt("cost_total"), money),
        per_step(&steps, |_, s| opt(row.opt(&format!("cost_per_{s}_contact")), money)),
        per_step(&steps, |_, s| opt(row.opt(&format!("cost_per_{s}_episode")), money)),
    );
    let sv = &w.supervision;
    let sp = &scenario.supervision;
    let short = sv.supervisor_wte_total() - sv.senior_wte_total();
    let supervision = format!(
        "Supervision: {} hours a week ({} h per WTE) = {} supervisor WTE at {} h \
         each ({}); the supervising roles have {} WTE ({}): {}.",
        thousands(sv.hours_total()),
        per_step(&steps, |i, _| scenario.steps[i]
            .supervision_hours
            .to_string()),
        wte(sv.supervisor_wte_total()),
        sp.hours_per_supervisor_wte,
        per_step(&steps, |i, _| wte(sv.supervisor_wte[i])),
        wte(sv.senior_wte_total()),
        per_step(&steps, |i, _| wte(sv.senior_wte[i])),
        if sv.covered() {
            "covered".to_string()
        } else {
            format!(
                "NOT covered: {} WTE short (more senior staff, or more hours each)",
                wte(short)
            )
        },
    );
    let p = &scenario.pipeline;
    let training = format!(
        "Training: to reach the requirement in {} (training {}, completion {}), start \
         trainees a year: {}; then a year to replace turnover: {} (turnover {}).",
        crate::words::count(p.years, "year"),
        crate::words::count(p.training_years, "year"),
        pct(p.completion_rate),
        per_step(&steps, |_, s| trainees(
            row.num(&format!("trainee_intake_{s}"))
        )),
        per_step(&steps, |_, s| trainees(
            row.num(&format!("steady_intake_{s}"))
        )),
        per_step(&steps, |i, _| pct(scenario.steps[i].turnover)),
    );
    [costs, supervision, training]
}

/// Issue 5: roles and bands with their costs, then costs, supervision and the training
/// pipeline in a few lines, then the same by area, then (with a workforce file) the gap by
/// role and band in each area.
fn workforce_sections(result: &ModelResult, scenario: &Scenario, width: u16) -> String {
    let mut out = String::new();
    let total = &result.total;
    let w = &total.workforce;
    let has_gap = result.has_workforce;

    let mut header = vec![
        "Role (total)",
        "Band",
        "Step",
        "WTE",
        "Salary",
        "Cost a year",
    ];
    if has_gap {
        header.extend(["Current", "Gap"]);
    }
    let mut t = new_table(header, width);
    for l in &w.roles {
        let mut cells = vec![
            l.role_label(),
            l.band_label().into(),
            l.kind.name(&result.step_ids()).into(),
            wte(l.wte),
            opt(l.salary, money),
            money(l.cost),
        ];
        if has_gap {
            cells.push(wte(l.current_wte));
            cells.push(if l.other_staff {
                "-".into()
            } else {
                wte(l.gap())
            });
        }
        t.add_row(cells);
    }
    right_align(&mut t, 3);
    out.push_str(&t.to_string());
    out.push('\n');

    for note in workforce_notes(result, scenario) {
        out.push_str(&wrap(&note, width as usize));
    }
    out.push('\n');

    // By area.
    let steps = result.step_ids();
    let mut header: Vec<String> = ["Area", "Cost", "Supervisors", "Covered"]
        .map(String::from)
        .to_vec();
    header.extend(steps.iter().map(|s| format!("Trainees {s}")));
    let mut rows = Vec::new();
    for r in result.rows.iter().chain(std::iter::once(total)) {
        let row = Row::new(r, result);
        let mut cells = vec![
            area_label(r),
            opt(row.opt("cost_total"), money),
            wte(row.num("supervisor_wte")),
            (if row.flag("supervision_covered") {
                "yes"
            } else {
                "no"
            })
            .into(),
        ];
        cells.extend(steps.iter().map(|s| {
            format!(
                "{} then {}",
                trainees(row.num(&format!("trainee_intake_{s}"))),
                trainees(row.num(&format!("steady_intake_{s}")))
            )
        }));
        rows.push(cells);
    }
    // "X then Y" may wrap before an area's name is cut short.
    let wrappable: Vec<usize> = (4..4 + steps.len()).collect();
    out.push_str(&fitted(header, rows, width, &[], &wrappable).to_string());
    out.push_str(&wrap(&format!(
        "\nCost a year; supervisor WTE needed and whether the supervising roles cover it.\n\
         Trainees to start a year: \"X then Y\": X a year for {} years closes the gap, then Y a year\n\
         replaces turnover.\n",
        scenario.pipeline.years
    ), width as usize));

    // Gap by role and band, per area.
    if has_gap {
        out.push('\n');
        let mut t = new_table(
            vec!["Area", "Role", "Band", "Step", "Required", "Current", "Gap"],
            width,
        );
        for r in result.rows.iter().chain(std::iter::once(total)) {
            let mut first = true;
            for l in &r.workforce.roles {
                if l.wte == 0.0 && l.current_wte == 0.0 {
                    continue;
                }
                // The area's name on its first line only, so that the areas stand apart.
                let name = if first { area_label(r) } else { String::new() };
                first = false;
                t.add_row(vec![
                    name,
                    l.role_label(),
                    l.band_label().into(),
                    l.kind.name(&result.step_ids()).into(),
                    wte(l.wte),
                    wte(l.current_wte),
                    if l.other_staff {
                        "-".into()
                    } else {
                        wte(l.gap())
                    },
                ]);
            }
        }
        right_align(&mut t, 4);
        out.push_str(&t.to_string());
        out.push('\n');
        out.push_str(&wrap(
            "Gap by role and band: current staff count against the step's role of the same name \
             and band, else of the same name, else (a trainee) the role it trains for; staff of a \
             role the skill mix does not name are other staff delivering the step: their time is \
             in the step's gap, not a surplus (gap -).",
            width as usize,
        ));
        if let Some(note) = result.total_only_note() {
            out.push_str(&wrap(&note, width as usize));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_width_comes_from_the_flag_then_columns_then_the_terminal() {
        assert_eq!(table_width(Some(90), Some("132"), Some(200)), 90);
        assert_eq!(table_width(None, Some("132"), Some(200)), 132);
        assert_eq!(table_width(None, Some(" 81\n"), None), 81);
        // An unusable COLUMNS is ignored, not an error.
        assert_eq!(table_width(None, Some("wide"), Some(200)), 200);
        assert_eq!(table_width(None, Some("0"), None), DEFAULT_WIDTH);
        assert_eq!(table_width(None, None, None), DEFAULT_WIDTH);
        assert_eq!(table_width(None, Some("20"), None), MIN_WIDTH);
    }

    #[test]
    fn long_names_are_cut_and_columns_dropped_to_fit() {
        let header: Vec<String> = ["Area", "Population", "Referred", "Total"]
            .map(String::from)
            .to_vec();
        let rows = vec![
            vec![
                "Bath and North East Somerset, Swindon and Wiltshire".to_string(),
                "1,234,567".into(),
                "12,345".into(),
                "1,234.5".into(),
            ],
            vec![
                "Total".into(),
                "1,234,567".into(),
                "12,345".into(),
                "1,234.5".into(),
            ],
        ];
        let wide = fitted(header.clone(), rows.clone(), 100, &[1], &[]).to_string();
        assert!(
            wide.contains("Bath and North East Somerset, Swindon and Wiltshire"),
            "{wide}"
        );
        assert!(wide.contains("Population"), "{wide}");
        let narrow = fitted(header, rows, 40, &[1], &[]).to_string();
        for line in narrow.lines() {
            assert!(line.chars().count() <= 40, "{narrow}");
        }
        assert!(!narrow.contains("Population"), "{narrow}");
        assert!(narrow.contains("Bath and North…"), "{narrow}");
        assert!(
            narrow.contains("12,345") && narrow.contains("1,234.5"),
            "{narrow}"
        );
    }
}
