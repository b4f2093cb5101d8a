//! The what-if workbook (`capacity model --format xlsx --live`): the model as Excel formulas,
//! so that a planner changes an assumption in a cell and every number recalculates.
//!
//! The chain, sheet by sheet:
//! - **Assumptions**: every numeric scenario key as a named cell (`demand.presentation_rate`
//!   is the name `demand_presentation_rate`), the cells the formulas read styled as inputs
//!   and left unlocked; then what one WTE of each step delivers, as formulas.
//! - **Data**: what does not depend on the scenario's rates: each leaf area's population in
//!   scope and prevalent cases per condition (before the scenario's deprivation factor).
//! - **Per case**: each condition's chain per prevalent case (MODEL.md sections 2-4): the
//!   funnel, the routing along the steps' edges, contacts and WTE. A column per condition.
//! - **Areas**: one row per reported area and the total: prevalent cases per condition, then
//!   every output field of `capacity model` that the model's flow gives, each column one
//!   formula (a quantity is `SUMPRODUCT(prevalent cases, per-case coefficients)`, the same
//!   linearity `model::evaluate` uses).
//! - **Roles**: each area's required roles (a step's skill-mix share x its WTE, a ratio role's
//!   ratio x what it scales with), salary and cost, staff in post and gap; the Areas sheet
//!   sums the costs by step.
//! - **Funnel**: the total's funnel and WTE, with charts that move with the inputs.
//!
//! The supervision and training-pipeline fields are formulas on the Areas sheet too. What
//! the formulas cannot express is refused by [`check_live`], naming the key.

use std::collections::{BTreeMap, BTreeSet};

use rust_xlsxwriter::{
    Chart, ChartType, Color, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};

use crate::model::{q, Prepared};
use crate::output::fields::{row_fields, Field, Recipe};
use crate::problems::InputError;
use crate::scenario::basis::assumptions;
use crate::scenario::{CapacityBasis, Entry, Scenario};

use super::xlsx::{inputs_sheet, new_workbook};
use super::MadeBy;

/// The defined name of a scenario key: `steps.low.contacts_per_episode` ->
/// `steps_low_contacts_per_episode` (Excel and LibreOffice names are letters, digits and
/// underscores, and none of ours can read as a cell reference: each starts with its section).
pub fn name_of(key: &str) -> String {
    key.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Column letters of a 0-based column: 0 -> A, 26 -> AA.
fn col_name(mut c: u16) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// `A1` reference of a 0-based cell, with `$` where asked.
fn cell(row: u32, col: u16, abs_row: bool, abs_col: bool) -> String {
    format!(
        "{}{}{}{}",
        if abs_col { "$" } else { "" },
        col_name(col),
        if abs_row { "$" } else { "" },
        row + 1
    )
}

/// The sheet name quoted for a formula.
fn sheet_ref(sheet: &str) -> String {
    format!("'{sheet}'")
}

/// Whether the formulas can express this scenario, run over these areas: an error naming the
/// first key they cannot, never a workbook whose numbers differ from `capacity model`.
pub fn check_live(prepared: &Prepared, scenario: &Scenario) -> Result<(), InputError> {
    let mut problems = Vec::new();
    // A per-area deprivation factor multiplies the prevalence of the leaves under that area
    // only: the Data sheet holds prevalence before the scenario's factor, which the formulas
    // apply to every area alike.
    for (code, a) in &scenario.areas {
        if a.deprivation_factor.is_some() {
            problems.push(format!(
                "areas.{code}.deprivation_factor: the what-if workbook (--live) applies one deprivation_factor to every area and cannot express a per-area override; remove it (or fold it into the areas file's prevalence_factor) or write the workbook without --live"
            ));
        }
    }
    if prepared.leaves.is_empty() {
        problems.push("the run has no areas: nothing for the workbook to compute".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError { problems })
    }
}

/// What the formula builders need to know about the Assumptions sheet: the name of every key
/// shown, and which of them the formulas read (those are the input cells).
struct Names {
    known: BTreeSet<String>,
    used: std::cell::RefCell<BTreeSet<String>>,
}

impl Names {
    /// The defined name of a key the formulas read. Every key read here comes from the
    /// scenario's own numbers, so a missing one is a bug, reported as one.
    fn of(&self, key: &str) -> String {
        assert!(
            self.known.contains(key),
            "the live workbook reads {key}, which the scenario does not list"
        );
        self.used.borrow_mut().insert(key.to_string());
        name_of(key)
    }
}

struct Styles {
    header: Format,
    input: Format,
    locked: Format,
    number: Format,
    wte: Format,
    share: Format,
    title: Format,
    wrap: Format,
}

fn styles() -> Styles {
    Styles {
        header: Format::new()
            .set_bold()
            .set_background_color("#E8EDEE")
            .set_border_bottom(FormatBorder::Thin),
        // The NHS input-cell convention of planning workbooks: pale yellow, a border, unlocked.
        input: Format::new()
            .set_background_color("#FFF2CC")
            .set_border(FormatBorder::Thin)
            .set_font_color(Color::RGB(0x1F4E79))
            .set_unlocked(),
        locked: Format::new().set_font_color(Color::RGB(0x768692)),
        number: Format::new().set_num_format("#,##0.00"),
        wte: Format::new().set_num_format("#,##0.0"),
        share: Format::new().set_num_format("0.0%"),
        title: Format::new().set_bold().set_font_size(14),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
    }
}

/// The workbook of `capacity model --format xlsx --live`. Call [`check_live`] first.
pub fn live_workbook(
    prepared: &Prepared,
    scenario: &Scenario,
    made_by: &MadeBy,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = new_workbook(&format!("What-if workforce capacity: {}", scenario.name));
    let st = styles();
    let listed = assumptions(scenario);
    let names = Names {
        known: listed
            .iter()
            .filter(|a| a.number.is_some())
            .map(|a| a.key.clone())
            .collect(),
        used: Default::default(),
    };
    let steps: Vec<&str> = scenario.steps.iter().map(|s| s.id.as_str()).collect();
    let fields: Vec<Field> = row_fields(&steps);

    // Build the formula sheets first, so that the Assumptions sheet knows which keys they read.
    let mut per_case = Worksheet::new();
    let per_case_rows = per_case_sheet(&mut per_case, prepared, scenario, &names, &st)?;
    // Formulas of the inputs alone, shown under them: what one WTE of each step delivers,
    // and the training pipeline's factors.
    let mut derived: Vec<(String, String, String)> = Vec::new();
    for (s, step) in scenario.steps.iter().enumerate() {
        let p = format!("steps.{}", step.id);
        let days = match step.working_days {
            Some(_) => names.of(&format!("{p}.working_days")),
            None => names.of("capacity.working_days"),
        };
        let annual = match step.basis {
            CapacityBasis::ContactsPerDay { .. } => format!(
                "{}*{}*{days}",
                names.of(&format!("{p}.contacts_per_day")),
                names.of(&format!("{p}.caseload"))
            ),
            CapacityBasis::ClinicalHours { .. } => format!(
                "{}/{}*{days}/5",
                names.of(&format!("{p}.clinical_hours_per_week")),
                names.of(&format!("{p}.contact_hours"))
            ),
        };
        let episodes = format!(
            "one_wte_{s}_annual_contacts*(1-{})/(1+{})/{}",
            names.of("capacity.dna_rate"),
            names.of("capacity.headroom"),
            names.of(&format!("{p}.contacts_per_episode"))
        );
        let label = &step.label;
        derived.push((
            format!("{label}: contacts one WTE can book a year"),
            format!("one_wte_{s}_annual_contacts"),
            annual,
        ));
        derived.push((
            format!("{label}: episodes one WTE completes a year"),
            format!("one_wte_{s}_episodes"),
            episodes,
        ));
    }
    // The pipeline (whole years, as capacity counts them): cohorts that finish training by
    // the horizon and are still in post, Σ (1 - turnover)^m for m = 0 .. years - training
    // years (a geometric series), and the share of today's staff still in post.
    let years = format!("INT({})", names.of("pipeline.years"));
    let training = format!("INT({})", names.of("pipeline.training_years"));
    for (s, step) in scenario.steps.iter().enumerate() {
        let t = names.of(&format!("steps.{}.turnover", step.id));
        let n = format!("({years}-{training}+1)");
        derived.push((
            format!("{}: trained cohorts in post at the horizon", step.label),
            format!("pipeline_{s}_retained"),
            format!("IF({years}<{training},0,IF({t}=0,{n},(1-(1-{t})^{n})/{t}))"),
        ));
        derived.push((
            format!(
                "{}: share of today's staff in post at the horizon",
                step.label
            ),
            format!("pipeline_{s}_in_post"),
            format!("(1-{t})^{years}"),
        ));
    }
    // A salary for every band the roles name: the scenario's `costs.salary.<band>`, else an
    // input cell of its own holding the pay table's figure at the pay point.
    let mut pay_inputs: Vec<(String, String, f64, String)> = Vec::new();
    let mut salary_name: BTreeMap<String, String> = BTreeMap::new();
    let bands = scenario
        .steps
        .iter()
        .flat_map(|s| s.roles.iter().map(|r| r.band.clone()))
        .chain(scenario.ratio_roles.iter().map(|r| r.band.clone()));
    for band in bands {
        if salary_name.contains_key(&band) {
            continue;
        }
        let key = format!("costs.salary.{band}");
        if names.known.contains(&key) {
            salary_name.insert(band, names.of(&key));
            continue;
        }
        let name = format!("pay_band_{}", name_of(&band));
        let point = scenario.costs.pay_point.as_str();
        // The shipped table is cited by its publisher; a run's own table by its file.
        let table = if prepared.pay.source == crate::embedded::AFC_PAY_SOURCE {
            format!(
                "Agenda for Change pay scales {} (NHS Employers)",
                prepared.pay.year()
            )
        } else {
            prepared.pay.source.clone()
        };
        let (value, source) = match prepared.pay.band(&band) {
            Some(row) => (
                row.at(scenario.costs.pay_point),
                format!(
                    "{table}, band {band}, {point} point (costs.pay_point); or set costs.salary.{band} in the scenario"
                ),
            ),
            None => (
                0.0,
                format!("band {band} is not in {table}: costed at 0, as capacity does"),
            ),
        };
        pay_inputs.push((
            format!("salary of band {band}"),
            name.clone(),
            value,
            source,
        ));
        salary_name.insert(band, name);
    }
    names.of("demand.deprivation_factor");

    // The sheets of formulas, before the Assumptions sheet: it styles as inputs the keys
    // they read.
    let mut areas = Worksheet::new();
    let layout = areas_sheet(
        &mut areas,
        prepared,
        scenario,
        &fields,
        &per_case_rows,
        &names,
        &st,
    )?;
    let mut roles = Worksheet::new();
    let role_rows = roles_sheet(&mut roles, prepared, scenario, &names, &salary_name, &st)?;
    let mut funnel = Worksheet::new();
    funnel_sheet(&mut funnel, scenario, &fields, prepared, layout.total, &st)?;

    let mut readme = Worksheet::new();
    readme_sheet(&mut readme, scenario, &st)?;
    wb.push_worksheet(readme);

    let mut a = Worksheet::new();
    assumptions_sheet(&mut a, &mut wb, &listed, &names, &derived, &pay_inputs, &st)?;
    wb.push_worksheet(a);

    let mut data = Worksheet::new();
    let data_rows = data_sheet(&mut data, prepared, &st)?;
    wb.push_worksheet(data);
    let column = |sheet: &str, c: u16, first: u32, last: u32| {
        let c = col_name(c);
        format!("={}!${c}${}:${c}${}", sheet_ref(sheet), first + 1, last + 1)
    };
    wb.define_name("data_area", &column("Data", 0, 1, data_rows))?;
    wb.define_name("data_population_in_scope", &column("Data", 3, 1, data_rows))?;
    for (d, disorder) in prepared.disorders.iter().enumerate() {
        wb.define_name(
            format!("data_prevalent_{}", name_of(disorder)),
            &column("Data", 4 + d as u16, 1, data_rows),
        )?;
    }

    let n = prepared.disorders.len() as u16;
    let last_condition = col_name(n);
    for (name, row) in &per_case_rows.named {
        wb.define_name(
            format!("per_case_{}", name_of(name)),
            &format!(
                "={}!$B${}:${last_condition}${}",
                sheet_ref("Per case"),
                row + 1,
                row + 1
            ),
        )?;
    }
    wb.push_worksheet(per_case);

    // The columns of the Areas sheet that the Roles sheet looks up: codes, population and
    // the steps' WTE, which do not depend on the roles (no circular reference).
    let flow_last = col_name(layout.flow_last_col);
    wb.define_name(
        "areas_flow",
        &format!(
            "={}!$A$2:${flow_last}${}",
            sheet_ref("Areas"),
            layout.total + 1
        ),
    )?;
    wb.define_name(
        "areas_flow_header",
        &format!("={}!$A$1:${flow_last}$1", sheet_ref("Areas")),
    )?;
    wb.define_name("areas_code", &column("Areas", 0, 1, layout.total))?;
    wb.push_worksheet(areas);
    for (name, c) in ROLE_COLUMNS {
        wb.define_name(
            format!("roles_{name}"),
            &column("Roles", c, 1, role_rows.max(1)),
        )?;
    }
    wb.push_worksheet(roles);
    wb.push_worksheet(funnel);
    let mut compare = Worksheet::new();
    scenarios_sheet(
        &mut compare,
        &listed,
        &names,
        &pay_inputs,
        &fields,
        prepared,
        layout.total,
        &st,
    )?;
    wb.push_worksheet(compare);

    inputs_sheet(
        &mut wb,
        made_by,
        &[(
            "workbook".into(),
            "live formulas: change the yellow cells of the Assumptions sheet".into(),
        )],
    )?;
    wb.save_to_buffer()
}

fn readme_sheet(ws: &mut Worksheet, scenario: &Scenario, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Read me")?;
    ws.set_column_width(0, 110)?;
    ws.write_string_with_format(
        0,
        0,
        format!("What-if workforce capacity: {}", scenario.name),
        &st.title,
    )?;
    let lines = [
        "Every number on the Per case, Areas, Roles and Funnel sheets is an Excel formula. Change a yellow cell on the Assumptions sheet (for example demand_presentation_rate, or a step's contacts per episode) and the workbook recalculates: people presenting, referred and treated, episodes and contacts at each step, the WTE each step needs, the skill mix, the gap against current staff, roles and costs, supervision, trainee intakes, and the charts. Change a salary, or a step's skill mix, and the costs follow.",
        "The chain (the 2007 IAPT Workforce Capacity Tool's, for any steps of care): prevalent cases x presentation rate = presenting; x detection rate = detected; x referral weight = referred; minus those who choose medication alone = treated psychologically. Treated people enter the steps by their entry shares; each step passes a share of its episodes on to the next (stepping up). Attended contacts = episodes x contacts per episode; booked contacts = attended / (1 - DNA rate); WTE = booked contacts / the contacts one WTE can book a year x (1 + headroom).",
        "Assumptions: every value of the scenario, its defined name, and where its default comes from. The yellow cells are the inputs the formulas read, with a salary for every Agenda for Change band the roles name; the sheets are protected (no password) so that a formula is not overwritten by accident. Grey values (the age range, comorbidity, the pay point) shape the Data sheet or the salaries and are fixed here: run capacity again to change them. Below the inputs are figures worked out from them: what one WTE of each step delivers, and the training pipeline's factors.",
        "Data: the population in scope and prevalent cases of each condition in each area, before the scenario's deprivation factor. They come from the population and prevalence files and the age range: to change those, run capacity again.",
        "Per case: each condition's chain per prevalent case, a column per condition, with its funnel rates and routing (a condition's own values where the scenario gives them, else the scenario's).",
        "Areas: one row per area and the total, with the columns (and names) of capacity's CSV output. Each quantity is the sum over conditions of prevalent cases x the per-case figure; ratios are recomputed from the sums, never averaged. Staff in post (current_*_wte) are data from the workforce file; the total also counts staff named for no single row.",
        "Roles: each area's required roles: a step's skill-mix share x the step's WTE, a ratio role's ratio x what it scales with; salary x (1 + on-cost rate) gives the cost, which the Areas sheet sums by step. Staff in post are data from the workforce file, matched to the roles as capacity matches them; the gap is required minus in post.",
        "Funnel: the total's funnel and WTE by step, with charts.",
        "Scenarios: the inputs and the total's headline results side by side: copy the live column, paste it as values into a scenario column, change an input, and compare.",
        "Inputs: the files and command that made this workbook, to reproduce it.",
    ];
    for (i, l) in lines.iter().enumerate() {
        ws.write_string_with_format(2 + i as u32, 0, *l, &st.wrap)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn assumptions_sheet(
    ws: &mut Worksheet,
    wb: &mut Workbook,
    listed: &[crate::scenario::basis::Assumption],
    names: &Names,
    derived: &[(String, String, String)],
    pay_inputs: &[(String, String, f64, String)],
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Assumptions")?;
    let used = names.used.borrow();
    for (c, h) in ["key", "name", "value", "basis", "source", "set in"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &st.header)?;
    }
    let mut r = 1;
    for a in listed {
        ws.write_string(r, 0, &a.key)?;
        match a.number {
            Some(v) => {
                let name = name_of(&a.key);
                ws.write_string(r, 1, &name)?;
                if used.contains(&a.key) {
                    ws.write_number_with_format(r, 2, v, &st.input)?;
                } else {
                    ws.write_number_with_format(r, 2, v, &st.locked)?;
                }
                wb.define_name(
                    &name,
                    &format!("={}!$C${}", sheet_ref("Assumptions"), r + 1),
                )?;
            }
            None => {
                ws.write_string_with_format(r, 2, &a.value, &st.locked)?;
            }
        }
        ws.write_string(r, 3, a.basis.label())?;
        let source = if a.number.is_some() && !used.contains(&a.key) {
            if a.key.starts_with("population.") {
                format!(
                    "{} (fixed in the Data sheet: run capacity to change the ages)",
                    a.source
                )
            } else {
                format!("{} (not computed by this workbook)", a.source)
            }
        } else {
            a.source.clone()
        };
        ws.write_string(r, 4, &source)?;
        ws.write_string(r, 5, &a.set_in)?;
        r += 1;
    }
    r += 1;
    for (label, name, value, source) in pay_inputs {
        ws.write_string(r, 0, label)?;
        ws.write_string(r, 1, name)?;
        ws.write_number_with_format(r, 2, *value, &st.input)?;
        ws.write_string(r, 3, crate::scenario::basis::Basis::Cited.label())?;
        ws.write_string(r, 4, source)?;
        ws.write_string(r, 5, "pay table")?;
        wb.define_name(name, &format!("={}!$C${}", sheet_ref("Assumptions"), r + 1))?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "Worked out from the inputs (formulas)", &st.header)?;
    ws.write_string_with_format(r, 1, "name", &st.header)?;
    ws.write_string_with_format(r, 2, "value", &st.header)?;
    r += 1;
    for (what, name, formula) in derived {
        ws.write_string(r, 0, what)?;
        ws.write_string(r, 1, name)?;
        ws.write_formula_with_format(r, 2, Formula::new(format!("={formula}")), &st.number)?;
        wb.define_name(name, &format!("={}!$C${}", sheet_ref("Assumptions"), r + 1))?;
        r += 1;
    }
    ws.set_column_width(0, 48)?;
    ws.set_column_width(1, 44)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(4, 90)?;
    ws.set_column_width(5, 24)?;
    ws.set_freeze_panes(1, 1)?;
    ws.protect();
    Ok(())
}

/// One row per (reported area, leaf): rows of the Areas sheet sum the leaves named for them.
fn data_sheet(ws: &mut Worksheet, prepared: &Prepared, st: &Styles) -> Result<u32, XlsxError> {
    ws.set_name("Data")?;
    let mut header = vec![
        "reported_area".to_string(),
        "leaf_code".into(),
        "leaf_name".into(),
        "population_in_scope".into(),
    ];
    header.extend(prepared.disorders.iter().map(|d| format!("prevalent_{d}")));
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &st.header)?;
    }
    let mut r = 1;
    for g in &prepared.groups {
        for &slot in &g.leaves {
            let leaf = &prepared.leaves[slot];
            let area = &prepared.geography.areas[leaf.area];
            ws.write_string(r, 0, &g.code)?;
            ws.write_string(r, 1, &area.code)?;
            ws.write_string(r, 2, &area.name)?;
            ws.write_number_with_format(r, 3, leaf.population_in_scope, &st.wte)?;
            for (d, base) in leaf.base_prevalent.iter().enumerate() {
                // The areas file's prevalence factor is data; the scenario's deprivation
                // factor is an assumption, applied on the Areas sheet.
                ws.write_number_with_format(
                    r,
                    4 + d as u16,
                    base * leaf.prevalence_factor,
                    &st.number,
                )?;
            }
            r += 1;
        }
    }
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 40)?;
    for c in 3..header.len() as u16 {
        ws.set_column_width(c, 18)?;
    }
    ws.set_freeze_panes(1, 3)?;
    ws.protect();
    Ok(r - 1)
}

/// Where the Per case sheet put each quantity: `named` rows get a defined name
/// `per_case_<name>`; `quantity` maps a `model::q` index to its name.
struct PerCaseRows {
    named: Vec<(String, u32)>,
    quantity: BTreeMap<usize, String>,
}

fn per_case_sheet(
    ws: &mut Worksheet,
    prepared: &Prepared,
    scenario: &Scenario,
    names: &Names,
    st: &Styles,
) -> Result<PerCaseRows, XlsxError> {
    ws.set_name("Per case")?;
    let conditions = &prepared.disorders;
    ws.write_string_with_format(0, 0, "per prevalent case", &st.header)?;
    for (d, c) in conditions.iter().enumerate() {
        ws.write_string_with_format(0, 1 + d as u16, c, &st.header)?;
    }
    let n_steps = scenario.steps.len();
    // Every edge any condition routes along, in the steps' order.
    let routings: Vec<_> = conditions.iter().map(|d| scenario.routing(d)).collect();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for r in &routings {
        for e in &r.edges {
            if !edges.contains(&(e.from, e.to)) {
                edges.push((e.from, e.to));
            }
        }
    }
    edges.sort_by_key(|&(from, to)| (to, from));

    // Rows: (label, name, formula per condition).
    let mut rows: Vec<(String, String, Vec<String>)> = Vec::new();
    let row_of = |rows: &Vec<(String, String, Vec<String>)>, name: &str| -> u32 {
        1 + rows
            .iter()
            .position(|(_, n, _)| n == name)
            .expect("row defined before use") as u32
    };
    // 1. The funnel rates of each condition: its own, else its pathway's, else [demand]'s.
    let rate = |d: &str, key: &str, own: Option<f64>| -> String {
        if own.is_some() {
            return names.of(&format!("disorders.{d}.{key}"));
        }
        if let Some(p) = scenario.pathway_of_condition(d) {
            let pk = format!("pathways.{}.{key}", scenario.pathways[p].id);
            if names.known.contains(&pk) {
                return names.of(&pk);
            }
        }
        names.of(&format!("demand.{key}"))
    };
    for key in [
        "presentation_rate",
        "detection_rate",
        "referral_weight",
        "medication_only",
    ] {
        let cells = conditions
            .iter()
            .map(|d| {
                let o = scenario.disorders.get(d);
                let own = match key {
                    "referral_weight" => o.and_then(|o| o.referral_weight),
                    "medication_only" => o.and_then(|o| o.medication_only),
                    _ => None,
                };
                format!("={}", rate(d, key, own))
            })
            .collect();
        rows.push((key.replace('_', " "), format!("rate_{key}"), cells));
    }
    // 2. Routing: the share of people treated who start at each step, and of each edge.
    for (s, step) in scenario.steps.iter().enumerate() {
        let cells = conditions
            .iter()
            .map(|d| {
                let pathway = scenario.pathway_of_condition(d);
                if scenario.pathway_of_step(step) != pathway {
                    return "=0".to_string();
                }
                let own = scenario
                    .disorders
                    .get(d)
                    .and_then(|o| o.steps.get(&step.id))
                    .and_then(|x| x.entry);
                match (own, step.entry) {
                    (Some(_), _) => format!(
                        "={}",
                        names.of(&format!("disorders.{d}.steps.{}.entry", step.id))
                    ),
                    (None, Entry::Share(_)) => {
                        format!("={}", names.of(&format!("steps.{}.entry", step.id)))
                    }
                    // What the pathway's other steps leave; their rows come first or after,
                    // Excel does not mind the order.
                    (None, Entry::Rest(_)) => {
                        let others: Vec<String> = (0..n_steps)
                            .filter(|&o| {
                                o != s && scenario.pathway_of_step(&scenario.steps[o]) == pathway
                            })
                            .map(|o| format!("entry_{}", scenario.steps[o].id))
                            .collect();
                        if others.is_empty() {
                            "=1".into()
                        } else {
                            // Placeholders resolved to cells once every row is placed.
                            format!(
                                "=1-({})",
                                others
                                    .iter()
                                    .map(|o| format!("{{{o}}}"))
                                    .collect::<Vec<_>>()
                                    .join("+")
                            )
                        }
                    }
                }
            })
            .collect();
        rows.push((
            format!("entry share: {}", step.label),
            format!("entry_{}", step.id),
            cells,
        ));
    }
    for &(from, to) in &edges {
        let (fid, tid) = (&scenario.steps[from].id, &scenario.steps[to].id);
        let cells = conditions
            .iter()
            .zip(&routings)
            .map(|(d, r)| {
                if !r.edges.iter().any(|e| e.from == from && e.to == to) {
                    return "=0".to_string();
                }
                let own = scenario
                    .disorders
                    .get(d)
                    .and_then(|o| o.steps.get(tid))
                    .is_some_and(|x| x.from.contains_key(fid));
                if own {
                    format!(
                        "={}",
                        names.of(&format!("disorders.{d}.steps.{tid}.from.{fid}"))
                    )
                } else {
                    format!("={}", names.of(&format!("steps.{tid}.from.{fid}")))
                }
            })
            .collect();
        rows.push((
            format!("share of {} episodes going on to {}", fid, tid),
            format!("edge_{fid}_to_{tid}"),
            cells,
        ));
    }
    // 3. The chain per prevalent case: one formula per row, the same for every condition.
    let same = |f: &str| vec![f.to_string(); conditions.len()];
    let mut quantity = BTreeMap::new();
    let mut chain = |rows: &mut Vec<(String, String, Vec<String>)>,
                     label: String,
                     name: String,
                     q: Option<usize>,
                     cells: Vec<String>| {
        if let Some(q) = q {
            quantity.insert(q, name.clone());
        }
        rows.push((label, name, cells));
    };
    chain(
        &mut rows,
        "prevalent".into(),
        "prevalent".into(),
        Some(q::PREVALENT),
        same("=1"),
    );
    chain(
        &mut rows,
        "presenting".into(),
        "presenting".into(),
        Some(q::PRESENTING),
        same("={prevalent}*{rate_presentation_rate}"),
    );
    chain(
        &mut rows,
        "detected".into(),
        "detected".into(),
        Some(q::DETECTED),
        same("={presenting}*{rate_detection_rate}"),
    );
    chain(
        &mut rows,
        "referred".into(),
        "referred".into(),
        Some(q::REFERRED),
        same("={detected}*{rate_referral_weight}"),
    );
    chain(
        &mut rows,
        "medication only".into(),
        "medication_only".into(),
        Some(q::MEDICATION_ONLY),
        same("={referred}*{rate_medication_only}"),
    );
    chain(
        &mut rows,
        "treated psychologically".into(),
        "treated".into(),
        Some(q::TREATED),
        same("={referred}-{medication_only}"),
    );
    for (s, step) in scenario.steps.iter().enumerate() {
        let mut f = format!("={{treated}}*{{entry_{}}}", step.id);
        for &(from, to) in edges.iter().filter(|e| e.1 == s) {
            let fid = &scenario.steps[from].id;
            f.push_str(&format!(
                "+{{{fid}_episodes}}*{{edge_{fid}_to_{}}}",
                scenario.steps[to].id
            ));
        }
        chain(
            &mut rows,
            format!("episodes: {}", step.label),
            format!("{}_episodes", step.id),
            Some(q::episodes(s)),
            same(&f),
        );
    }
    let moved = if edges.is_empty() {
        "=0".to_string()
    } else {
        let terms: Vec<String> = edges
            .iter()
            .map(|&(from, to)| {
                let (fid, tid) = (&scenario.steps[from].id, &scenario.steps[to].id);
                format!("{{{fid}_episodes}}*{{edge_{fid}_to_{tid}}}")
            })
            .collect();
        format!("={}", terms.join("+"))
    };
    chain(
        &mut rows,
        "stepped up (episodes after another step's)".into(),
        "stepped_up".into(),
        Some(q::STEPPED_UP),
        same(&moved),
    );
    let dna = names.of("capacity.dna_rate");
    let headroom = names.of("capacity.headroom");
    for (s, step) in scenario.steps.iter().enumerate() {
        let id = &step.id;
        let cpe = names.of(&format!("steps.{id}.contacts_per_episode"));
        chain(
            &mut rows,
            format!("attended contacts: {}", step.label),
            format!("{id}_contacts"),
            Some(q::contacts(s)),
            same(&format!("={{{id}_episodes}}*{cpe}")),
        );
        chain(
            &mut rows,
            format!("booked contacts: {}", step.label),
            format!("{id}_booked_contacts"),
            Some(q::booked_contacts(s)),
            same(&format!("={{{id}_contacts}}/(1-{dna})")),
        );
        chain(
            &mut rows,
            format!("WTE: {}", step.label),
            format!("{id}_wte"),
            Some(q::wte(s)),
            same(&format!(
                "={{{id}_booked_contacts}}/one_wte_{s}_annual_contacts*(1+{headroom})"
            )),
        );
    }
    // Resolve `{row}` placeholders to this column's cell in that row.
    let placed: Vec<(String, u32)> = rows
        .iter()
        .map(|(_, name, _)| (name.clone(), row_of(&rows, name)))
        .collect();
    for (r, (label, name, cells)) in rows.iter().enumerate() {
        let r = 1 + r as u32;
        ws.write_string(r, 0, label)?;
        for (d, f) in cells.iter().enumerate() {
            let col = 1 + d as u16;
            let mut f = f.clone();
            for (other, row) in &placed {
                f = f.replace(&format!("{{{other}}}"), &cell(*row, col, false, false));
            }
            debug_assert!(!f.contains('{'), "unresolved {f} in {name}");
            ws.write_formula_with_format(r, col, Formula::new(f), &st.number)?;
        }
    }
    ws.set_column_width(0, 52)?;
    for d in 0..conditions.len() as u16 {
        ws.set_column_width(1 + d, 14)?;
    }
    ws.set_freeze_panes(1, 1)?;
    ws.protect();
    Ok(PerCaseRows {
        named: placed,
        quantity,
    })
}

/// Where the Areas sheet put things (0-based).
struct AreasLayout {
    /// The row of the total.
    total: u32,
    /// The last column that depends on the flow alone (`total_wte`).
    flow_last_col: u16,
}

/// The columns of the Roles sheet, each a defined name `roles_<name>`.
const ROLE_COLUMNS: [(&str, u16); 13] = [
    ("area", 0),
    ("role", 1),
    ("band", 2),
    ("of", 3),
    ("supervises", 4),
    ("scales_with", 5),
    ("share_or_ratio", 6),
    ("basis", 7),
    ("wte", 8),
    ("salary", 9),
    ("cost", 10),
    ("current_wte", 11),
    ("gap_wte", 12),
];

/// What the Roles sheet writes in `of` for a ratio role (a step id cannot have brackets).
const RATIO_ROLE: &str = "(ratio role)";

/// One row per area (and the total) and required role: each step's skill mix (share x the
/// step's WTE), then the ratio roles (ratio x what they scale with), with salary and cost.
/// Returns the number of rows.
fn roles_sheet(
    ws: &mut Worksheet,
    prepared: &Prepared,
    scenario: &Scenario,
    names: &Names,
    salary_name: &BTreeMap<String, String>,
    st: &Styles,
) -> Result<u32, XlsxError> {
    ws.set_name("Roles")?;
    for (name, c) in ROLE_COLUMNS {
        ws.write_string_with_format(0, c, name, &st.header)?;
    }
    // (role, band, of, supervises, scales with, key of the share or ratio)
    let mut lines: Vec<(String, String, String, bool, String, String)> = Vec::new();
    for step in &scenario.steps {
        for (n, r) in step.roles.iter().enumerate() {
            lines.push((
                r.role.clone(),
                r.band.clone(),
                step.id.clone(),
                r.supervises,
                format!("{}_wte", step.id),
                format!("steps.{}.roles.{n}.share", step.id),
            ));
        }
    }
    for (n, r) in scenario.ratio_roles.iter().enumerate() {
        let with = match &r.per {
            crate::scenario::RatioBasis::StepWte(step) => format!("{step}_wte"),
            crate::scenario::RatioBasis::TotalWte => "total_wte".into(),
            crate::scenario::RatioBasis::PopulationInScope => "population_in_scope".into(),
        };
        lines.push((
            r.role.clone(),
            r.band.clone(),
            RATIO_ROLE.into(),
            false,
            with,
            format!("ratio_roles.{n}.ratio"),
        ));
    }
    // Staff in post by role are data (the workforce file, matched to the roles as capacity
    // matches them); so are the rows of staff the skill mix does not name (required 0).
    let evaluated = crate::model::evaluate(prepared, scenario);
    let areas = prepared
        .groups
        .iter()
        .map(|g| g.code.as_str())
        .zip(&evaluated.rows)
        .chain([("total", &evaluated.total)]);
    let on_cost = names.of("costs.on_cost_rate");
    let step_ids = evaluated.step_ids();
    let mut r = 1u32;
    for (code, result) in areas {
        let in_post = &result.workforce.roles;
        for (j, (role, band, of, supervises, with, key)) in lines.iter().enumerate() {
            ws.write_string(r, 0, code)?;
            ws.write_string(r, 1, role)?;
            ws.write_string(r, 2, band)?;
            ws.write_string(r, 3, of)?;
            ws.write_string(r, 4, if *supervises { "yes" } else { "no" })?;
            ws.write_string(r, 5, with)?;
            ws.write_formula(r, 6, Formula::new(format!("={}", names.of(key))))?;
            ws.write_formula_with_format(
                r,
                7,
                Formula::new(format!(
                    "=INDEX(areas_flow,MATCH({},areas_code,0),MATCH({},areas_flow_header,0))",
                    cell(r, 0, false, true),
                    cell(r, 5, false, true)
                )),
                &st.wte,
            )?;
            ws.write_formula_with_format(
                r,
                8,
                Formula::new(format!(
                    "={}*{}",
                    cell(r, 6, false, true),
                    cell(r, 7, false, true)
                )),
                &st.wte,
            )?;
            ws.write_formula_with_format(
                r,
                9,
                Formula::new(format!("={}", salary_name[band])),
                &st.number,
            )?;
            ws.write_formula_with_format(
                r,
                10,
                Formula::new(format!(
                    "={}*{}*(1+{on_cost})",
                    cell(r, 8, false, true),
                    cell(r, 9, false, true)
                )),
                &st.number,
            )?;
            let current = in_post.get(j).map_or(0.0, |l| l.current_wte);
            ws.write_number_with_format(r, 11, current, &st.wte)?;
            ws.write_formula_with_format(
                r,
                12,
                Formula::new(format!(
                    "={}-{}",
                    cell(r, 8, false, true),
                    cell(r, 11, false, true)
                )),
                &st.wte,
            )?;
            r += 1;
        }
        for other in in_post.iter().skip(lines.len()) {
            ws.write_string(r, 0, code)?;
            ws.write_string(
                r,
                1,
                format!("{} (other staff delivering this step)", other.role),
            )?;
            ws.write_string(r, 2, &other.band)?;
            ws.write_string(r, 3, other.kind.name(&step_ids))?;
            ws.write_string(r, 4, "no")?;
            for c in [8, 10] {
                ws.write_number_with_format(r, c, 0.0, &st.wte)?;
            }
            ws.write_number_with_format(r, 11, other.current_wte, &st.wte)?;
            ws.write_formula_with_format(
                r,
                12,
                Formula::new(format!(
                    "={}-{}",
                    cell(r, 8, false, true),
                    cell(r, 11, false, true)
                )),
                &st.wte,
            )?;
            r += 1;
        }
    }
    for (c, w) in [14, 24, 8, 14, 10, 20, 14, 14, 12, 12, 14, 12, 12]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(1, 2)?;
    ws.protect();
    Ok(r - 1)
}

/// The Areas sheet.
#[allow(clippy::too_many_arguments)]
fn areas_sheet(
    ws: &mut Worksheet,
    prepared: &Prepared,
    scenario: &Scenario,
    fields: &[Field],
    per_case: &PerCaseRows,
    names: &Names,
    st: &Styles,
) -> Result<AreasLayout, XlsxError> {
    ws.set_name("Areas")?;
    let n = prepared.disorders.len() as u16;
    // Columns: code, name, level, prevalent cases per condition, then the output fields.
    let first_prev = 3u16;
    let first_field = first_prev + n;
    let mut header: Vec<String> = vec!["area_code".into(), "area_name".into(), "level".into()];
    header.extend(prepared.disorders.iter().map(|d| format!("prevalent_{d}")));
    header.extend(fields.iter().map(|f| f.name.clone()));
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &st.header)?;
    }
    let col_of = |name: &str| -> u16 {
        first_field
            + fields
                .iter()
                .position(|f| f.name == name)
                .expect("a field of these steps") as u16
    };
    let first = 1u32;
    let total = first + prepared.groups.len() as u32;
    let steps = prepared.total_current.len();
    for (i, g) in prepared.groups.iter().enumerate() {
        let r = first + i as u32;
        ws.write_string(r, 0, &g.code)?;
        ws.write_string(r, 1, &g.name)?;
        ws.write_string(r, 2, &g.level)?;
    }
    ws.write_string_with_format(total, 0, "total", &st.header)?;
    ws.write_string_with_format(total, 1, "Total", &st.header)?;
    ws.write_string_with_format(total, 2, "total", &st.header)?;
    for (d, disorder) in prepared.disorders.iter().enumerate() {
        let c = first_prev + d as u16;
        for r in first..total {
            ws.write_formula_with_format(
                r,
                c,
                Formula::new(format!(
                    "=SUMIF(data_area,{},data_prevalent_{})*demand_deprivation_factor",
                    cell(r, 0, false, true),
                    name_of(disorder)
                )),
                &st.number,
            )?;
        }
        ws.write_formula_with_format(
            total,
            c,
            Formula::new(format!(
                "=SUM({}:{})",
                cell(first, c, false, false),
                cell(total - 1, c, false, false)
            )),
            &st.number,
        )?;
    }
    let prevalent_block = |r: u32| {
        format!(
            "{}:{}",
            cell(r, first_prev, false, true),
            cell(r, first_prev + n - 1, false, true)
        )
    };
    let at = |r: u32, name: &str| cell(r, col_of(name), false, false);
    let quantity_field: BTreeMap<usize, String> = fields
        .iter()
        .filter_map(|f| match f.recipe {
            Recipe::Quantity(qi) => Some((qi, f.name.clone())),
            _ => None,
        })
        .collect();
    let ratio = |num: String, den: String| format!("=IF({den}=0,\"\",{num}/{den})");
    // Fields name a step by its id (`low_wte`, `cost_low`).
    let step_id = |s: usize| scenario.steps[s].id.as_str();
    for (i, f) in fields.iter().enumerate() {
        let c = first_field + i as u16;
        let fmt = if f.name.ends_with("_wte") || f.name.starts_with("current_") {
            &st.wte
        } else if f.name.contains("share")
            || f.name == "access_rate"
            || f.name.starts_with("requirement_met_")
        {
            &st.share
        } else {
            &st.number
        };
        for r in first..=total {
            let formula: Option<String> = match f.recipe {
                Recipe::Population => Some(if r == total {
                    format!(
                        "=SUM({}:{})",
                        cell(first, c, false, false),
                        cell(total - 1, c, false, false)
                    )
                } else {
                    format!(
                        "=SUMIF(data_area,{},data_population_in_scope)",
                        cell(r, 0, false, true)
                    )
                }),
                Recipe::Quantity(qi) => Some(format!(
                    "=SUMPRODUCT({},per_case_{})",
                    prevalent_block(r),
                    name_of(&per_case.quantity[&qi])
                )),
                Recipe::TotalWte => Some(format!(
                    "={}",
                    (0..steps)
                        .map(|s| at(r, &format!("{}_wte", step_id(s))))
                        .collect::<Vec<_>>()
                        .join("+")
                )),
                Recipe::WteRatio(a, b) => Some(ratio(
                    at(r, &format!("{}_wte", step_id(a))),
                    at(r, &format!("{}_wte", step_id(b))),
                )),
                Recipe::ShareOfWte(s) => Some(ratio(
                    at(r, &format!("{}_wte", step_id(s))),
                    at(r, "total_wte"),
                )),
                Recipe::ShareOfContacts(s) => {
                    let all = (0..steps)
                        .map(|x| at(r, &format!("{}_contacts", step_id(x))))
                        .collect::<Vec<_>>()
                        .join("+");
                    Some(ratio(
                        at(r, &format!("{}_contacts", step_id(s))),
                        format!("({all})"),
                    ))
                }
                Recipe::AccessRate => Some(ratio(at(r, "treated"), at(r, "prevalent"))),
                Recipe::EpisodesPerWte(s) => Some(format!("=one_wte_{s}_episodes")),
                Recipe::Current(s) => {
                    // Staff in post are data (the workforce file), not a formula; the total
                    // counts staff that no row can be given (MODEL.md section 5).
                    let v = if r == total {
                        prepared.total_current[s]
                    } else {
                        prepared.groups[(r - first) as usize].current[s]
                    };
                    ws.write_number_with_format(r, c, v, fmt)?;
                    None
                }
                Recipe::Gap(s) => Some(format!(
                    "={}-{}",
                    at(r, &format!("{}_wte", step_id(s))),
                    at(r, &format!("current_{}_wte", step_id(s)))
                )),
                Recipe::RequirementMet(s) => prepared.has_workforce.then(|| {
                    ratio(
                        at(r, &format!("current_{}_wte", step_id(s))),
                        at(r, &format!("{}_wte", step_id(s))),
                    )
                }),
                Recipe::Cost(s) => Some(format!(
                    "=SUMIFS(roles_cost,roles_area,{},roles_of,\"{}\")",
                    cell(r, 0, false, true),
                    step_id(s)
                )),
                Recipe::CostRatioRoles => Some(format!(
                    "=SUMIFS(roles_cost,roles_area,{},roles_of,\"{RATIO_ROLE}\")",
                    cell(r, 0, false, true)
                )),
                Recipe::RatioRolesWte => Some(format!(
                    "=SUMIFS(roles_wte,roles_area,{},roles_of,\"{RATIO_ROLE}\")",
                    cell(r, 0, false, true)
                )),
                // People on medication alone at an unknown price: unknown, not free.
                Recipe::CostMedication => Some(match scenario.costs.medication_course_cost {
                    Some(_) => format!(
                        "={}*{}",
                        at(r, "medication_only"),
                        names.of("costs.medication_course_cost")
                    ),
                    None => format!("=IF({}>0,\"\",0)", at(r, "medication_only")),
                }),
                Recipe::CostTotal => {
                    let staff: Vec<String> = (0..steps)
                        .map(|s| at(r, &format!("cost_{}", step_id(s))))
                        .collect();
                    Some(format!(
                        "=IF({m}=\"\",\"\",{}+{}+{m})",
                        staff.join("+"),
                        at(r, "cost_ratio_roles"),
                        m = at(r, "cost_medication")
                    ))
                }
                Recipe::CostPer(s, qi) => Some(ratio(
                    at(r, &format!("cost_{}", step_id(s))),
                    at(r, &quantity_field[&qi]),
                )),
                Recipe::SupervisionHours => Some(format!(
                    "={}",
                    scenario
                        .steps
                        .iter()
                        .map(|x| format!(
                            "{}*{}",
                            at(r, &format!("{}_wte", x.id)),
                            names.of(&format!("steps.{}.supervision_hours", x.id))
                        ))
                        .collect::<Vec<_>>()
                        .join("+")
                )),
                Recipe::SupervisorWte => Some(format!(
                    "={}/{}",
                    at(r, "supervision_hours_per_week"),
                    names.of("supervision.hours_per_supervisor_wte")
                )),
                Recipe::SeniorWte => Some(format!(
                    "=SUMIFS(roles_wte,roles_area,{},roles_supervises,\"yes\")",
                    cell(r, 0, false, true)
                )),
                // The seniors cover supervision to within rounding, as capacity decides.
                Recipe::SupervisionCovered => Some(format!(
                    "={}+1E-9>={}",
                    at(r, "senior_wte"),
                    at(r, "supervisor_wte")
                )),
                Recipe::TraineeIntake(s) => {
                    let c = names.of("pipeline.completion_rate");
                    Some(format!(
                        "=IF(OR(pipeline_{s}_retained<=0,{c}<=0),0,MAX(0,({}-{}*pipeline_{s}_in_post)/({c}*pipeline_{s}_retained)))",
                        at(r, &format!("{}_wte", step_id(s))),
                        at(r, &format!("current_{}_wte", step_id(s)))
                    ))
                }
                Recipe::SteadyIntake(s) => {
                    let c = names.of("pipeline.completion_rate");
                    Some(format!(
                        "=IF({c}<=0,0,{}*{}/{c})",
                        at(r, &format!("{}_wte", step_id(s))),
                        names.of(&format!("steps.{}.turnover", step_id(s)))
                    ))
                }
                Recipe::Observed(_) => None,
            };
            if let Some(formula) = formula {
                ws.write_formula_with_format(r, c, Formula::new(formula), fmt)?;
            }
        }
    }
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 36)?;
    for c in 2..header.len() as u16 {
        ws.set_column_width(c, 16)?;
    }
    ws.set_freeze_panes(1, 2)?;
    // WTE by area and step, stacked: moves with every input.
    let mut chart = Chart::new(ChartType::ColumnStacked);
    for s in 0..steps {
        let c = col_of(&format!("{}_wte", step_id(s)));
        chart
            .add_series()
            .set_name(("Areas", 0, c))
            .set_categories(("Areas", first, 1, total - 1, 1))
            .set_values(("Areas", first, c, total - 1, c));
    }
    chart.title().set_name("WTE needed by area and step");
    chart.y_axis().set_name("WTE");
    chart.set_width(900).set_height(420);
    ws.insert_chart(total + 3, 1, &chart)?;
    ws.protect();
    Ok(AreasLayout {
        total,
        flow_last_col: col_of("total_wte"),
    })
}

/// Side by side: the inputs the formulas read and the total's headline results, live, beside
/// three columns where the planner pastes the values of the live column after each what-if
/// (the comparison table people build by hand), and each one's change from the live figures.
#[allow(clippy::too_many_arguments)]
fn scenarios_sheet(
    ws: &mut Worksheet,
    listed: &[crate::scenario::basis::Assumption],
    names: &Names,
    pay_inputs: &[(String, String, f64, String)],
    fields: &[Field],
    prepared: &Prepared,
    total: u32,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Scenarios")?;
    const SAVED: u16 = 3;
    let mut header = vec![
        "input or result (total of every area)".to_string(),
        "name".into(),
        "this workbook (live)".into(),
    ];
    header.extend((1..=SAVED).map(|i| format!("scenario {i} (paste values)")));
    header.extend((1..=SAVED).map(|i| format!("scenario {i} minus live")));
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &st.header)?;
    }
    ws.write_string_with_format(
        1,
        0,
        "To compare what-ifs: copy column C and paste it as values into a scenario column, change the yellow cells of the Assumptions sheet, and read the differences on the right.",
        &st.wrap,
    )?;
    let used = names.used.borrow();
    let mut rows: Vec<(String, String, String)> = listed
        .iter()
        .filter(|a| used.contains(&a.key))
        .map(|a| {
            (
                a.key.clone(),
                name_of(&a.key),
                format!("={}", name_of(&a.key)),
            )
        })
        .collect();
    rows.extend(
        pay_inputs
            .iter()
            .map(|(label, name, _, _)| (label.clone(), name.clone(), format!("={name}"))),
    );
    let first_field = 3 + prepared.disorders.len() as u16;
    let headline = |f: &Field| {
        matches!(
            f.recipe,
            Recipe::Quantity(_)
                | Recipe::TotalWte
                | Recipe::AccessRate
                | Recipe::Gap(_)
                | Recipe::Cost(_)
                | Recipe::CostTotal
        )
    };
    for (i, f) in fields.iter().enumerate() {
        if headline(f) {
            rows.push((
                f.name.clone(),
                String::new(),
                format!("=Areas!{}", cell(total, first_field + i as u16, true, true)),
            ));
        }
    }
    for (i, (what, name, formula)) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_string(r, 0, what)?;
        ws.write_string(r, 1, name)?;
        ws.write_formula_with_format(r, 2, Formula::new(formula.as_str()), &st.number)?;
        for k in 0..SAVED {
            let saved = 3 + k;
            ws.write_blank(r, saved, &st.input)?;
            ws.write_formula_with_format(
                r,
                3 + SAVED + k,
                Formula::new(format!(
                    "=IF({s}=\"\",\"\",{s}-{live})",
                    s = cell(r, saved, false, false),
                    live = cell(r, 2, false, false)
                )),
                &st.number,
            )?;
        }
    }
    ws.set_column_width(0, 44)?;
    ws.set_column_width(1, 36)?;
    for c in 2..header.len() as u16 {
        ws.set_column_width(c, 18)?;
    }
    ws.set_freeze_panes(1, 1)?;
    ws.protect();
    Ok(())
}

fn funnel_sheet(
    ws: &mut Worksheet,
    scenario: &Scenario,
    fields: &[Field],
    prepared: &Prepared,
    total: u32,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Funnel")?;
    let first_field = 3 + prepared.disorders.len() as u16;
    let col_of = |name: &str| -> Option<u16> {
        fields
            .iter()
            .position(|f| f.name == name)
            .map(|i| first_field + i as u16)
    };
    ws.write_string_with_format(0, 0, "stage (total of every area)", &st.header)?;
    ws.write_string_with_format(0, 1, "people, episodes or WTE", &st.header)?;
    let mut stages: Vec<(String, String)> = [
        ("prevalent cases", "prevalent"),
        ("presenting", "presenting"),
        ("detected", "detected"),
        ("referred", "referred"),
        ("medication only", "medication_only"),
        ("treated psychologically", "treated"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .to_vec();
    for step in &scenario.steps {
        stages.push((
            format!("episodes: {}", step.label),
            format!("{}_episodes", step.id),
        ));
    }
    let funnel_len = stages.len() as u32;
    for step in &scenario.steps {
        stages.push((format!("WTE: {}", step.label), format!("{}_wte", step.id)));
    }
    for (i, (label, field)) in stages.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, label)?;
        if let Some(c) = col_of(field) {
            ws.write_formula_with_format(
                r,
                1,
                Formula::new(format!("=Areas!{}", cell(total, c, true, true))),
                &st.number,
            )?;
        }
    }
    ws.set_column_width(0, 44)?;
    ws.set_column_width(1, 24)?;
    let mut chart = Chart::new(ChartType::Bar);
    chart
        .add_series()
        .set_name("people")
        .set_categories(("Funnel", 1, 0, funnel_len, 0))
        .set_values(("Funnel", 1, 1, funnel_len, 1));
    chart.title().set_name("The funnel, every area");
    chart.set_width(720).set_height(360);
    ws.insert_chart(1, 3, &chart)?;
    let mut wte = Chart::new(ChartType::Column);
    wte.add_series()
        .set_name("WTE")
        .set_categories(("Funnel", funnel_len + 1, 0, stages.len() as u32, 0))
        .set_values(("Funnel", funnel_len + 1, 1, stages.len() as u32, 1));
    wte.title().set_name("WTE needed by step, every area");
    wte.set_width(720).set_height(300);
    ws.insert_chart(20, 3, &wte)?;
    ws.protect();
    Ok(())
}
