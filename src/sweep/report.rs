//! What a sweep hands back: the summary CSV, the one-way tornado CSV and the table people
//! read on stdout.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};
use rayon::prelude::*;

use super::run::{AreaLabel, Columns};
use super::spec::{Param, Values};
use super::stats::{summarize, Stats};

/// The summary of one column: its base value (run 0, when present) and its statistics over
/// the runs after it (None when there are none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnSummary {
    pub base: Option<f64>,
    pub stats: Option<Stats>,
}

/// Summarises every column, in parallel.
pub fn summarize_columns(columns: &Columns) -> Vec<ColumnSummary> {
    let has_base = columns.first_run == 0;
    columns
        .data
        .par_iter()
        .map(|col| {
            let (base, drawn) = if has_base && !col.is_empty() {
                (Some(col[0]), &col[1..])
            } else {
                (None, &col[..])
            };
            ColumnSummary {
                base,
                stats: summarize(drawn),
            }
        })
        .collect()
}

fn num(x: f64) -> String {
    if x.is_finite() {
        zmij::Buffer::new().format_finite(x).to_string()
    } else {
        String::new()
    }
}

pub const SUMMARY_HEADER: &str =
    "area_code,area_name,level,output,mean,sd,min,p5,p10,p50,p90,p95,max,base";

/// One row per area x output, then the total's; `summaries` as from `summarize_columns`.
pub fn render_summary_csv(
    areas: &[AreaLabel],
    outputs: &[String],
    summaries: &[ColumnSummary],
) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(SUMMARY_HEADER.split(','))
        .expect("in-memory write");
    for (a, area) in areas.iter().enumerate() {
        for (o, field) in outputs.iter().enumerate() {
            let s = &summaries[o * areas.len() + a];
            let mut record = vec![
                area.code.clone(),
                area.name.clone(),
                area.level.clone(),
                field.clone(),
            ];
            match &s.stats {
                Some(st) => {
                    record.extend([st.mean, st.sd, st.min].map(num));
                    record.extend(st.percentiles.map(num));
                    record.push(num(st.max));
                }
                None => record.extend(vec![String::new(); 9]),
            }
            record.push(s.base.map(num).unwrap_or_default());
            w.write_record(&record).expect("in-memory write");
        }
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("UTF-8 fields")
}

/// One line of a tornado: one parameter's effect on one output of the total.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoRow {
    pub param: String,
    pub low_value: f64,
    pub high_value: f64,
    /// The output's field name.
    pub output: String,
    pub at_low: f64,
    pub at_high: f64,
    pub base: f64,
}

impl TornadoRow {
    pub fn swing(&self) -> f64 {
        (self.at_high - self.at_low).abs()
    }
}

/// The one-way tornado for the total row: runs 2j+1 and 2j+2 hold parameter j at its low and
/// high. Outputs in the order given (total_wte first if present), each sorted by swing,
/// largest first (ties in file order).
pub fn tornado(params: &[Param], columns: &Columns) -> Vec<TornadoRow> {
    assert_eq!(columns.first_run, 0, "a tornado needs every run");
    let total = columns.areas - 1;
    let mut order: Vec<usize> = (0..columns.outputs.len()).collect();
    order.sort_by_key(|&o| columns.outputs[o] != "total_wte");
    let mut rows = Vec::new();
    for o in order {
        let col = columns.column(o, total);
        let mut block: Vec<TornadoRow> = params
            .iter()
            .enumerate()
            .filter_map(|(j, p)| match p.values {
                Values::LowHigh { low, high } => Some(TornadoRow {
                    param: p.path.clone(),
                    low_value: low,
                    high_value: high,
                    output: columns.outputs[o].clone(),
                    at_low: col[2 * j + 1],
                    at_high: col[2 * j + 2],
                    base: col[0],
                }),
                _ => None,
            })
            .collect();
        block.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
        rows.extend(block);
    }
    rows
}

/// The tornado as CSV, fields escaped as CSV needs (a key may name an area code with a comma).
pub fn render_tornado_csv(rows: &[TornadoRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(TORNADO_HEADER.split(','))
        .expect("in-memory write");
    for r in rows {
        w.write_record([
            r.param.clone(),
            num(r.low_value),
            num(r.high_value),
            r.output.clone(),
            num(r.at_low),
            num(r.at_high),
            num(r.swing()),
            num(r.base),
        ])
        .expect("in-memory write");
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("UTF-8 fields")
}

pub const TORNADO_HEADER: &str = "param,low_value,high_value,output,at_low,at_high,swing,base";

fn short_name(name: &str) -> String {
    let n = name.strip_prefix("NHS ").unwrap_or(name);
    n.replace(" Integrated Care Board", "")
}

fn wte(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" {
        "0.0".into()
    } else {
        s
    }
}

fn new_table(header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(100)
        .set_header(header);
    t
}

fn range(st: &Stats) -> String {
    format!("{} - {}", wte(st.percentiles[0]), wte(st.percentiles[4]))
}

fn compact(st: &Stats) -> String {
    format!(
        "{:.0} ({:.0}-{:.0})",
        st.percentiles[2], st.percentiles[0], st.percentiles[4]
    )
}

/// The table on stdout, one row per area and the total: the first summarised output (total
/// WTE when present) as base, median and 5-95% range, then low and high WTE (when
/// summarised) as median (5-95%).
pub fn render_table(
    areas: &[AreaLabel],
    outputs: &[String],
    summaries: &[ColumnSummary],
) -> String {
    let find = |wanted: &str| outputs.iter().position(|f| f == wanted);
    let main = find("total_wte").unwrap_or(0);
    let main_name = outputs[main].as_str();
    // "low_wte" -> "Low WTE": a step's WTE is named by its id.
    let label = |name: &str| match name.strip_suffix("_wte") {
        Some(id) if !id.contains('_') || name == "total_wte" => {
            let mut c = id.chars();
            let first = c.next().map(|f| f.to_uppercase().collect::<String>());
            format!("{}{} WTE", first.unwrap_or_default(), c.as_str())
        }
        _ => name.to_string(),
    };
    // Each step's WTE beside the main output, when summarised.
    let extra: Vec<usize> = outputs
        .iter()
        .enumerate()
        .filter(|(o, name)| {
            *o != main
                && name.ends_with("_wte")
                && ![
                    "gap_",
                    "current_",
                    "total_",
                    "ratio_roles",
                    "supervisor",
                    "senior",
                ]
                .iter()
                .any(|p| name.starts_with(p))
        })
        .map(|(o, _)| o)
        .collect();
    let mut header = vec![
        "Area".to_string(),
        "Base".to_string(),
        "Median".to_string(),
        "5% - 95%".to_string(),
    ];
    for &o in &extra {
        header.push(format!("{} (5-95%)", label(&outputs[o])));
    }
    let mut caption = format!(
        "{}: the base run, the median and the 5-95% range of the runs after it",
        label(main_name)
    );
    if !extra.is_empty() {
        caption.push_str(&format!(
            "; {}: median (5-95%)",
            extra
                .iter()
                .map(|&o| label(&outputs[o]))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    }
    let mut t = new_table(header);
    for (a, area) in areas.iter().enumerate() {
        let s = &summaries[main * areas.len() + a];
        let mut row = vec![
            short_name(&area.name),
            s.base.map(wte).unwrap_or_else(|| "-".into()),
        ];
        match &s.stats {
            Some(st) => {
                row.push(wte(st.percentiles[2]));
                row.push(range(st));
            }
            None => row.extend(["-".to_string(), "-".to_string()]),
        }
        for &o in &extra {
            let s = &summaries[o * areas.len() + a];
            row.push(s.stats.as_ref().map(compact).unwrap_or_else(|| "-".into()));
        }
        t.add_row(row);
    }
    for i in 1..t.column_count() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!("{caption}\n{t}\n")
}

/// The tornado of total WTE (else of the first output summarised) as a table with its
/// caption: the parameters that move the answer most first.
pub fn render_tornado_table(rows: &[TornadoRow]) -> String {
    let Some(first) = rows.first() else {
        return "One-way sensitivity: no parameter has a low and a high\n".into();
    };
    let output = first.output.as_str();
    let name = if output == "total_wte" {
        "total WTE".to_string()
    } else {
        output.to_string()
    };
    let mut t = new_table(vec![
        "Parameter".into(),
        "Low".into(),
        "High".into(),
        format!(
            "{} at low",
            if output == "total_wte" {
                "Total WTE"
            } else {
                output
            }
        ),
        "at high".into(),
        "Swing".into(),
    ]);
    for r in rows.iter().filter(|r| r.output == output) {
        t.add_row(vec![
            r.param.clone(),
            num(r.low_value),
            num(r.high_value),
            wte(r.at_low),
            wte(r.at_high),
            wte(r.swing()),
        ]);
    }
    for i in 1..t.column_count() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!(
        "One-way sensitivity of {name} for all areas together (base {}; largest swing first):\n{t}\n",
        wte(first.base)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the tornado CSV was written with format!, so a key naming an area code with
    /// a comma or a quote split or broke the row.
    #[test]
    fn tornado_csv_is_escaped() {
        let param = "areas.A,\"1\".deprivation_factor".to_string();
        let rows = vec![TornadoRow {
            param: param.clone(),
            low_value: 0.8,
            high_value: 1.2,
            output: "total_wte".into(),
            at_low: 10.0,
            at_high: 12.5,
            base: 11.0,
        }];
        let text = render_tornado_csv(&rows);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            r.headers().unwrap().iter().collect::<Vec<_>>(),
            TORNADO_HEADER.split(',').collect::<Vec<_>>()
        );
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(rec.len(), 8);
        assert_eq!(&rec[0], param);
        assert_eq!(&rec[3], "total_wte");
        assert_eq!(&rec[6], "2.5");
    }
}
