//! Running a checked sweep over prepared data, from the plan of runs to the summaries: what
//! `capacity sweep` and `capacity report --sweep` share. No files, no printing: rows go to
//! the writer given, progress to the callback given.

use std::io::{self, Write};
use std::ops::Range;

use crate::model::Prepared;
use crate::report::{SweepStat, SweepSummary, TornadoEntry};
use crate::scenario::Scenario;
use crate::words::count;

use super::fast::FastModel;
use super::fields::{field_index, StaffingPlan};
use super::plan::{probe_scenario, Plan};
use super::report::{summarize_columns, tornado, ColumnSummary, TornadoRow};
use super::run::{AreaLabel, Columns, Engine, RowFormat};
use super::spec::{Design, Sweep, Values};

/// What a sweep's runs gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The reported areas, then the total.
    pub areas: Vec<AreaLabel>,
    pub columns: Columns,
    /// Per (output, area), as from `summarize_columns`.
    pub summaries: Vec<ColumnSummary>,
    /// A one-way design run whole: the tornado of the total.
    pub tornado: Option<Vec<TornadoRow>>,
}

/// The reported areas of a prepared run, then the total, as `capacity model` lists them.
pub fn area_labels(prepared: &Prepared) -> Vec<AreaLabel> {
    prepared
        .groups
        .iter()
        .map(|g| AreaLabel {
            code: g.code.clone(),
            name: g.name.clone(),
            level: g.level.clone(),
        })
        .chain(std::iter::once(AreaLabel {
            code: "total".into(),
            name: "Total".into(),
            level: "total".into(),
        }))
        .collect()
}

/// Evaluates `runs` of the sweep, keeping `outputs` (field names, checked by the caller) for the
/// summary and, given a writer, streaming the rows file (header first) to it. `progress` is
/// told how many runs each finished chunk held. Only the writer can fail.
pub fn execute(
    sweep: &Sweep,
    base: &Scenario,
    prepared: &Prepared,
    outputs: &[String],
    runs: Range<u64>,
    rows: Option<&mut (dyn Write + Send)>,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Outcome> {
    let areas = area_labels(prepared);
    let paths: Vec<String> = sweep.params.iter().map(|p| p.path.clone()).collect();
    let plan = Plan::new(sweep, base);
    let probe = probe_scenario(sweep, base);
    let fast = FastModel::compile(prepared, &probe, &paths);
    let staffing = StaffingPlan::new(&probe, &paths, &prepared.pay);
    let outputs: Vec<usize> = outputs
        .iter()
        .filter_map(|name| field_index(fast.fields(), name))
        .collect();
    let engine = Engine {
        model: &fast,
        plan: &plan,
        staffing: &staffing,
        outputs,
    };
    let format = RowFormat::new(&areas, paths.len(), fast.fields().len());
    let columns = match rows {
        Some(w) => {
            w.write_all(RowFormat::header(&paths, fast.fields()).as_bytes())?;
            engine.run(runs.clone(), Some((w, &format)), progress)?
        }
        None => engine.run(runs.clone(), None, progress)?,
    };
    let summaries = summarize_columns(&columns);
    let whole = runs.start == 0 && runs.end == sweep.total_runs();
    let tornado = (sweep.design == Design::OneWay && whole && !columns.outputs.is_empty())
        .then(|| tornado(&sweep.params, &columns));
    Ok(Outcome {
        areas,
        columns,
        summaries,
        tornado,
    })
}

/// The design, the runs and every varied key with its values or distribution: the first
/// lines of `capacity sweep`'s report.
pub fn describe(sweep: &Sweep, base: &Scenario) -> String {
    let mut s = format!(
        "Sweep {}: design {}, base scenario {}",
        sweep.label,
        sweep.design.name(),
        base.name
    );
    match sweep.design {
        Design::Grid => s.push_str(&format!(", {} grid points", sweep.runs)),
        Design::OneWay => s.push_str(&format!(
            ", {} at low and high ({})",
            count(sweep.params.len(), "parameter"),
            count(sweep.runs, "run")
        )),
        _ => s.push_str(&format!(
            ", {}, seed {}",
            count(sweep.runs, "run"),
            sweep.seed.unwrap_or(0)
        )),
    }
    s.push_str("; run 0 is the base\n");
    for line in varied(sweep) {
        s.push_str(&format!("  {line}\n"));
    }
    s
}

/// One line per varied key: `demand.presentation_rate: uniform on [0.4, 0.6]`.
pub fn varied(sweep: &Sweep) -> Vec<String> {
    sweep
        .params
        .iter()
        .map(|p| {
            let how = match &p.values {
                Values::Dist(d) => d.describe(),
                Values::List(v) if v.len() > 12 => {
                    format!("{} values from {} to {}", v.len(), v[0], v[v.len() - 1])
                }
                Values::List(v) => format!(
                    "values {}",
                    v.iter()
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Values::LowHigh { low, high } => format!("low {low}, high {high}"),
            };
            format!("{}: {how}", p.path)
        })
        .collect()
}

/// What a report or workbook shows of a sweep: its description, the varied keys, the
/// statistics of every output per area (the total last) and the tornado of a one-way design.
pub fn report_summary(sweep: &Sweep, base: &Scenario, outcome: &Outcome) -> SweepSummary {
    let description = describe(sweep, base)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    let areas = &outcome.areas;
    let outputs = &outcome.columns.outputs;
    let mut stats = Vec::new();
    for (a, area) in areas.iter().enumerate() {
        for (o, field) in outputs.iter().enumerate() {
            let s = &outcome.summaries[o * areas.len() + a];
            if let Some(st) = &s.stats {
                let p = st.percentiles;
                stats.push(SweepStat {
                    area_code: area.code.clone(),
                    area_name: area.name.clone(),
                    level: area.level.clone(),
                    output: field.clone(),
                    mean: st.mean,
                    sd: st.sd,
                    min: st.min,
                    p5: p[0],
                    p10: p[1],
                    p50: p[2],
                    p90: p[3],
                    p95: p[4],
                    max: st.max,
                    base: s.base,
                });
            }
        }
    }
    let tornado = outcome
        .tornado
        .iter()
        .flatten()
        .map(|t| TornadoEntry {
            param: t.param.clone(),
            low_value: t.low_value,
            high_value: t.high_value,
            output: t.output.clone(),
            at_low: t.at_low,
            at_high: t.at_high,
            swing: t.swing(),
        })
        .collect();
    SweepSummary {
        description,
        varied: varied(sweep),
        stats,
        tornado,
    }
}
