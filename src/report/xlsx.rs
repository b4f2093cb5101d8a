//! Excel workbooks (rust_xlsxwriter): one sheet per table, real numbers with number formats
//! (never numbers as text), the header row frozen, an autofilter, columns wide enough for
//! their contents, and an Assumptions sheet saying where each value comes from.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;

use crate::model::ModelResult;
use crate::output::funnel::label_parts;
use crate::output::{DisorderRow, Provenance, RoleRow, Row};
use crate::scenario::basis::assumptions;
use crate::scenario::Scenario;

use super::{funnel_stages, grouped, MadeBy, SweepSummary};

/// A cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    /// A number and its Excel number format.
    Number(f64, &'static str),
    Empty,
}

const COUNT: &str = "#,##0";
const WTE: &str = "#,##0.0";
const RATIO: &str = "0.00";
const SHARE: &str = "0.0%";
const PLAIN: &str = "General";

/// The number format of a row field (and of a sweep output of that name). Step fields are
/// named from the scenario's step ids (`<step>_wte`, `<a>_<b>_ratio`, `<step>_share_wte`), so
/// they are told apart by their endings.
fn format_of(field: &str) -> &'static str {
    match field {
        f if f.ends_with("_share_wte") || f.ends_with("_share_contacts") => SHARE,
        "access_rate" => SHARE,
        f if f.starts_with("requirement_met_") => SHARE,
        f if f.ends_with("_wte") => WTE,
        f if f.ends_with("_ratio") => RATIO,
        f if f.ends_with("_per_wte") => "#,##0.0",
        // Pounds per contact or episode (issue 5): pence matter at £18.21 a contact.
        f if f.starts_with("cost_per_") => "#,##0.00",
        _ => COUNT,
    }
}

/// The characters a cell shows, for column widths.
fn shown_len(c: &Cell) -> usize {
    match c {
        Cell::Text(s) => s.chars().count(),
        Cell::Number(v, f) => {
            let decimals = match *f {
                COUNT => 0,
                WTE => 1,
                RATIO => 2,
                SHARE => return grouped(v * 100.0, 1).len() + 1,
                _ => 4,
            };
            grouped(*v, decimals).len()
        }
        Cell::Empty => 0,
    }
}

/// Writes a table from A1: bold header row frozen, an autofilter, widths that fit (capped so
/// that long text wraps the sheet, not the screen).
fn write_table(
    ws: &mut Worksheet,
    name: &str,
    header: &[String],
    rows: &[Vec<Cell>],
    frozen_cols: u16,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let bold = Format::new().set_bold().set_background_color("#E8EDEE");
    let text_fmt = Format::new();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    let mut formats: Vec<(&'static str, Format)> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => {
                    ws.write_string_with_format(r, c, s, &text_fmt)?;
                }
                Cell::Number(v, PLAIN) if v.is_finite() => {
                    ws.write_number(r, c, *v)?;
                }
                Cell::Number(v, f) if v.is_finite() => {
                    let fmt = match formats.iter().find(|(k, _)| k == f) {
                        Some((_, fmt)) => fmt.clone(),
                        None => {
                            let fmt = Format::new().set_num_format(*f);
                            formats.push((f, fmt.clone()));
                            fmt
                        }
                    };
                    ws.write_number_with_format(r, c, *v, &fmt)?;
                }
                Cell::Number(..) | Cell::Empty => {}
            }
        }
    }
    for (c, h) in header.iter().enumerate() {
        let widest = rows
            .iter()
            .filter_map(|row| row.get(c))
            .map(shown_len)
            .max()
            .unwrap_or(0)
            .max(h.chars().count());
        ws.set_column_width(c as u16, (widest as f64 + 2.0).min(80.0))?;
    }
    ws.set_freeze_panes(1, frozen_cols)?;
    if !rows.is_empty() && !header.is_empty() {
        ws.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)?;
    }
    Ok(())
}

/// The fields of a serialisable row, in order, as cells.
fn record<T: Serialize>(value: &T) -> (Vec<String>, Vec<Cell>) {
    let v = serde_json::to_value(value).expect("plain data serialises");
    let obj = v.as_object().expect("a row is an object");
    let names = obj.keys().cloned().collect();
    let cells = obj
        .iter()
        .map(|(k, v)| match v {
            serde_json::Value::Number(n) => {
                Cell::Number(n.as_f64().unwrap_or(f64::NAN), format_of(k))
            }
            serde_json::Value::String(s) => Cell::Text(s.clone()),
            serde_json::Value::Null => Cell::Empty,
            other => Cell::Text(other.to_string()),
        })
        .collect();
    (names, cells)
}

/// A column name for each step: its label without the bracket in snake case ("Low intensity
/// (step 2)" -> `low_intensity`, the 2007 columns), or its id where that is empty or two
/// steps would share a name.
fn step_columns(result: &ModelResult) -> Vec<String> {
    let from_label: Vec<String> = result
        .steps
        .iter()
        .map(|(_, label)| {
            label_parts(label)
                .0
                .trim()
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join("_")
        })
        .collect();
    result
        .steps
        .iter()
        .zip(&from_label)
        .map(|((id, _), name)| {
            let shared = from_label.iter().filter(|n| *n == name).count() > 1;
            if name.is_empty() || shared {
                id.clone()
            } else {
                name.clone()
            }
        })
        .collect()
}

fn assumptions_sheet(wb: &mut Workbook, scenario: &Scenario) -> Result<(), XlsxError> {
    let header: Vec<String> = ["key", "value", "basis", "source", "set_in"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<Cell>> = assumptions(scenario)
        .into_iter()
        .map(|a| {
            vec![
                Cell::Text(a.key),
                match a.number {
                    Some(n) => Cell::Number(n, PLAIN),
                    None => Cell::Text(a.value),
                },
                Cell::Text(a.basis.label().into()),
                Cell::Text(a.source),
                Cell::Text(a.set_in),
            ]
        })
        .collect();
    write_table(wb.add_worksheet(), "Assumptions", &header, &rows, 1)
}

pub(super) fn inputs_sheet(
    wb: &mut Workbook,
    made_by: &MadeBy,
    notes: &[(String, String)],
) -> Result<(), XlsxError> {
    let header: Vec<String> = ["input", "source", "sha256"].map(String::from).to_vec();
    let mut rows: Vec<Vec<Cell>> = made_by
        .inputs
        .iter()
        .map(|h| {
            vec![
                Cell::Text(h.what.clone()),
                Cell::Text(h.source.clone()),
                Cell::Text(h.sha256.clone()),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::Text("tool".into()),
        Cell::Text(made_by.tool.clone()),
        Cell::Empty,
    ]);
    rows.push(vec![
        Cell::Text("command".into()),
        Cell::Text(made_by.command.clone()),
        Cell::Empty,
    ]);
    for (k, v) in notes {
        rows.push(vec![
            Cell::Text(k.clone()),
            Cell::Text(v.clone()),
            Cell::Empty,
        ]);
    }
    write_table(wb.add_worksheet(), "Inputs", &header, &rows, 1)
}

pub(super) fn new_workbook(title: &str) -> Workbook {
    let mut wb = Workbook::new();
    let mut properties = DocProperties::new()
        .set_title(title)
        .set_comment("Made by capacity; see the Inputs sheet to reproduce it");
    // A fixed creation time, not the clock's: the same inputs give the same bytes, as every
    // other output does (the Inputs sheet says what made the workbook).
    if let Ok(fixed) = ExcelDateTime::from_ymd(2000, 1, 1) {
        properties = properties.set_creation_datetime(&fixed);
    }
    wb.set_properties(&properties);
    wb
}

/// The workbook of `capacity model --format xlsx`: Areas (one row per area and the total,
/// the fields and names of the CSV), Roles (each area's roles and bands: WTE, cost, current
/// staff and gap), Funnel, Disorders (with `by_disorder`), One WTE, Assumptions and Inputs.
pub fn model_workbook(
    result: &ModelResult,
    scenario: &Scenario,
    provenance: &Provenance,
    made_by: &MadeBy,
    by_disorder: bool,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = new_workbook(&format!("Workforce capacity: {}", scenario.name));

    let steps = result.step_ids();
    let mut header = Vec::new();
    let mut rows = Vec::new();
    for a in result.rows.iter().chain(std::iter::once(&result.total)) {
        let (names, cells) = record(&Row::new(a, result));
        header = names;
        rows.push(cells);
    }
    write_table(wb.add_worksheet(), "Areas", &header, &rows, 2)?;

    let header: Vec<String> = [
        "area_code",
        "area_name",
        "role",
        "band",
        "intensity",
        "wte",
        "cost",
        "current_wte",
        "gap_wte",
        "salary",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    for a in result.rows.iter().chain(std::iter::once(&result.total)) {
        for l in &a.workforce.roles {
            let (names, cells) = record(&RoleRow::new(l, result));
            debug_assert_eq!(
                names[..],
                header[2..9],
                "RoleRow changed: update the Roles sheet"
            );
            let mut row = vec![Cell::Text(a.code.clone()), Cell::Text(a.name.clone())];
            row.extend(cells);
            row.push(l.salary.map_or(Cell::Empty, |s| Cell::Number(s, COUNT)));
            rows.push(row);
        }
    }
    write_table(wb.add_worksheet(), "Roles", &header, &rows, 2)?;

    let stages = funnel_stages(&result.total, result, scenario);
    let rows: Vec<Vec<Cell>> = stages
        .iter()
        .map(|s| {
            vec![
                Cell::Text(s.label.trim().to_string()),
                Cell::Number(s.value, if s.decimals == 0 { COUNT } else { WTE }),
                Cell::Text(s.rule.clone()),
            ]
        })
        .collect();
    let header: Vec<String> = ["stage", "total", "rule"].map(String::from).to_vec();
    write_table(wb.add_worksheet(), "Funnel", &header, &rows, 1)?;

    if by_disorder {
        let mut header = Vec::new();
        let mut rows = Vec::new();
        for a in result.rows.iter().chain(std::iter::once(&result.total)) {
            for (d, flow) in result.disorders.iter().zip(&a.by_disorder) {
                let (names, cells) = record(&DisorderRow::new(d, flow, &steps));
                header = vec!["area_code".to_string(), "area_name".to_string()];
                header.extend(names);
                let mut row = vec![Cell::Text(a.code.clone()), Cell::Text(a.name.clone())];
                row.extend(cells);
                rows.push(row);
            }
        }
        write_table(wb.add_worksheet(), "Disorders", &header, &rows, 3)?;
    }

    // One column per step: what one WTE of it delivers a year.
    let per_step: Vec<serde_json::Value> = result
        .capacity
        .iter()
        .map(|c| serde_json::to_value(c).expect("serialises"))
        .collect();
    let keys: Vec<String> = per_step
        .first()
        .and_then(|v| v.as_object())
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let rows: Vec<Vec<Cell>> = keys
        .iter()
        .map(|k| {
            let mut row = vec![Cell::Text(k.clone())];
            row.extend(
                per_step
                    .iter()
                    .map(|v| Cell::Number(v[k].as_f64().unwrap_or(f64::NAN), PLAIN)),
            );
            row
        })
        .collect();
    let mut header = vec!["per WTE a year".to_string()];
    header.extend(step_columns(result));
    write_table(wb.add_worksheet(), "One WTE", &header, &rows, 1)?;

    assumptions_sheet(&mut wb, scenario)?;
    let mut notes = vec![
        ("scenario".to_string(), scenario.sources.join(" extends ")),
        ("population".to_string(), provenance.population.clone()),
        ("prevalence".to_string(), provenance.prevalence.clone()),
    ];
    if let Some(a) = &provenance.areas {
        notes.push(("areas".into(), a.clone()));
    }
    if let Some(w) = &provenance.workforce {
        notes.push(("workforce".into(), w.clone()));
    }
    inputs_sheet(&mut wb, made_by, &notes)?;
    wb.save_to_buffer()
}

/// The workbook of a sweep: Summary (one row per area x output, the columns of `sweep
/// --summary`), Tornado (one-way designs), Varied (each varied key and how), the base
/// scenario's Assumptions, Inputs.
pub fn sweep_workbook(
    sweep: &SweepSummary,
    base: &Scenario,
    made_by: &MadeBy,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = new_workbook(&format!("Workforce capacity sweep: {}", base.name));
    let header: Vec<String> = [
        "area_code",
        "area_name",
        "level",
        "output",
        "mean",
        "sd",
        "min",
        "p5",
        "p10",
        "p50",
        "p90",
        "p95",
        "max",
        "base",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<Cell>> = sweep
        .stats
        .iter()
        .map(|s| {
            let f = format_of(&s.output);
            let mut row = vec![
                Cell::Text(s.area_code.clone()),
                Cell::Text(s.area_name.clone()),
                Cell::Text(s.level.clone()),
                Cell::Text(s.output.clone()),
            ];
            row.extend(
                [s.mean, s.sd, s.min, s.p5, s.p10, s.p50, s.p90, s.p95, s.max]
                    .map(|v| Cell::Number(v, f)),
            );
            row.push(s.base.map_or(Cell::Empty, |v| Cell::Number(v, f)));
            row
        })
        .collect();
    write_table(wb.add_worksheet(), "Summary", &header, &rows, 4)?;
    if !sweep.tornado.is_empty() {
        let header: Vec<String> = [
            "param",
            "low_value",
            "high_value",
            "output",
            "at_low",
            "at_high",
            "swing",
        ]
        .map(String::from)
        .to_vec();
        let rows: Vec<Vec<Cell>> = sweep
            .tornado
            .iter()
            .map(|t| {
                let f = format_of(&t.output);
                vec![
                    Cell::Text(t.param.clone()),
                    Cell::Number(t.low_value, PLAIN),
                    Cell::Number(t.high_value, PLAIN),
                    Cell::Text(t.output.clone()),
                    Cell::Number(t.at_low, f),
                    Cell::Number(t.at_high, f),
                    Cell::Number(t.swing, f),
                ]
            })
            .collect();
        write_table(wb.add_worksheet(), "Tornado", &header, &rows, 1)?;
    }
    if !sweep.varied.is_empty() {
        let header: Vec<String> = ["param", "varied as"].map(String::from).to_vec();
        let rows: Vec<Vec<Cell>> = sweep
            .varied
            .iter()
            .map(|v| {
                let (param, how) = v.split_once(": ").unwrap_or((v.as_str(), ""));
                vec![Cell::Text(param.to_string()), Cell::Text(how.to_string())]
            })
            .collect();
        write_table(wb.add_worksheet(), "Varied", &header, &rows, 1)?;
    }
    assumptions_sheet(&mut wb, base)?;
    let notes = vec![("sweep".to_string(), sweep.description.clone())];
    inputs_sheet(&mut wb, made_by, &notes)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};

    use super::super::{SweepStat, TornadoEntry};
    use super::*;

    fn made_by() -> MadeBy {
        MadeBy {
            tool: "capacity test".into(),
            command: "capacity sweep s.toml".into(),
            inputs: vec![],
        }
    }

    #[test]
    fn formats_follow_the_field() {
        assert_eq!(format_of("low_wte"), WTE);
        assert_eq!(format_of("gap_high_wte"), WTE);
        assert_eq!(format_of("access_rate"), SHARE);
        assert_eq!(format_of("referred"), COUNT);
        assert_eq!(format_of("low_episodes_per_wte"), "#,##0.0");
        assert_eq!(format_of("low_high_ratio"), RATIO);
        assert_eq!(format_of("low_share_wte"), SHARE);
        assert_eq!(format_of("low_share_contacts"), SHARE);
        assert_eq!(format_of("requirement_met_high"), SHARE);
        assert_eq!(format_of("cost_per_high_contact"), "#,##0.00");
        // Fields of steps other than the 2007 two.
        assert_eq!(format_of("triage_wte"), WTE);
        assert_eq!(format_of("gap_triage_wte"), WTE);
        assert_eq!(format_of("triage_low_ratio"), RATIO);
        assert_eq!(format_of("triage_share_wte"), SHARE);
        assert_eq!(format_of("cost_ratio_roles"), COUNT);
    }

    #[test]
    fn a_sweep_workbook_round_trips() {
        let stat = |code: &str, output: &str, p50: f64| SweepStat {
            area_code: code.into(),
            area_name: format!("Area {code}"),
            level: "icb".into(),
            output: output.into(),
            mean: p50 + 0.25,
            sd: 1.5,
            min: p50 - 9.0,
            p5: p50 - 5.0,
            p10: p50 - 4.0,
            p50,
            p90: p50 + 4.0,
            p95: p50 + 5.0,
            max: p50 + 9.0,
            base: Some(p50 - 1.0),
        };
        let sweep = SweepSummary {
            description: "one-way, 5 runs".into(),
            varied: vec!["demand.presentation_rate: 0.3 to 0.7".into()],
            stats: vec![
                stat("E1", "total_wte", 100.5),
                stat("total", "total_wte", 100.5),
            ],
            tornado: vec![TornadoEntry {
                param: "demand.presentation_rate".into(),
                low_value: 0.3,
                high_value: 0.7,
                output: "total_wte".into(),
                at_low: 60.3,
                at_high: 140.7,
                swing: 80.4,
            }],
        };
        let base = Scenario::defaults();
        let bytes = sweep_workbook(&sweep, &base, &made_by()).unwrap();
        let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            vec!["Summary", "Tornado", "Varied", "Assumptions", "Inputs"]
        );
        let summary = book.worksheet_range("Summary").unwrap();
        assert_eq!(summary.get((0, 9)), Some(&Data::String("p50".into())));
        assert_eq!(summary.get((1, 9)), Some(&Data::Float(100.5)));
        assert_eq!(summary.get((1, 4)), Some(&Data::Float(100.75)));
        assert_eq!(summary.get((1, 13)), Some(&Data::Float(99.5)));
        let varied = book.worksheet_range("Varied").unwrap();
        assert_eq!(
            varied.get((1, 0)),
            Some(&Data::String("demand.presentation_rate".into()))
        );
        let tornado = book.worksheet_range("Tornado").unwrap();
        assert_eq!(tornado.get((1, 6)), Some(&Data::Float(80.4)));
        let a = book.worksheet_range("Assumptions").unwrap();
        let presentation = a
            .rows()
            .find(|r| r[0] == Data::String("demand.presentation_rate".into()))
            .unwrap();
        assert_eq!(presentation[1], Data::Float(0.5));
        assert_eq!(presentation[2], Data::String("published default".into()));
    }
}
