//! Reading rows files back (`capacity summarize`): the columns a sweep would have kept,
//! rebuilt from the rows of one or more shards, so that their summary is the same bytes.

use std::io::Read;
use std::ops::Range;

use crate::problems::{InputError, Problems};
use crate::Warnings;

use super::run::{AreaLabel, Columns};

/// What the rows files held.
#[derive(Debug, Clone, PartialEq)]
pub struct RowsData {
    /// The varied parameters (the columns between area_code and area_name).
    pub params: Vec<String>,
    pub areas: Vec<AreaLabel>,
    pub columns: Columns,
    /// Each file's label and the runs it held (empty for a file with no rows), in the order
    /// given.
    pub files: Vec<(String, Range<u64>)>,
}

/// What a rows file's manifest (`ROWS.manifest.json`, written beside it by `capacity sweep
/// --rows`) says about the sweep and the runs in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct RowsManifest {
    /// The manifest file, for messages.
    pub label: String,
    /// The rows file it describes, for messages.
    pub rows: String,
    /// The hash of what decides every run's values: the tool, the inputs, the runs, the seed
    /// and the areas.
    pub sweep_id: String,
    /// Run 0 and the runs after it, of the whole sweep.
    pub total_runs: u64,
    /// K of N (1 of 1 when the sweep was not sharded).
    pub shard: (u64, u64),
    /// The runs in the rows file.
    pub runs: Range<u64>,
    /// What went into `sweep_id`, to say what differs between two sweeps.
    pub identity: serde_json::Value,
}

impl RowsManifest {
    pub fn parse(label: &str, rows: &str, text: &str) -> Result<RowsManifest, InputError> {
        let bad = |what: &str| {
            InputError::one(format!(
                "{label}: {what}; it is not the manifest `capacity sweep --rows` writes beside {rows} (run the sweep again to rewrite both)"
            ))
        };
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(&format!("not JSON ({e})")))?;
        let number = |key: &str| -> Result<u64, InputError> {
            v.get(key)
                .and_then(serde_json::Value::as_u64)
                .ok_or_else(|| bad(&format!("no {key}")))
        };
        let sweep_id = v
            .get("sweep_id")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| bad("no sweep_id"))?
            .to_string();
        let shard = match v.get("shard") {
            Some(serde_json::Value::Object(o)) => {
                let get = |k: &str| o.get(k).and_then(serde_json::Value::as_u64);
                match (get("k"), get("n")) {
                    (Some(k), Some(n)) if 1 <= k && k <= n => (k, n),
                    _ => return Err(bad("shard is not {k, n} with 1 <= k <= n")),
                }
            }
            _ => (1, 1),
        };
        let (first, last) = (number("first_run")?, number("last_run")?);
        Ok(RowsManifest {
            label: label.to_string(),
            rows: rows.to_string(),
            sweep_id,
            total_runs: number("total_runs")?,
            shard,
            // last_run = first_run - 1 for a shard with no runs.
            runs: first..last.wrapping_add(1).max(first),
            identity: v.get("identity").cloned().unwrap_or_default(),
        })
    }
}

/// The runs of shard K (1-based) of N equal slices of `0..total`.
pub fn shard_runs(total: u64, k: u64, n: u64) -> Range<u64> {
    let at = |i: u64| (u128::from(total) * u128::from(i) / u128::from(n)) as u64;
    at(k - 1)..at(k)
}

/// The rows files are the shards of one sweep, each once, none missing: the same sweep_id
/// and number of shards, every shard from 1 to N present exactly once.
pub fn check_shards(manifests: &[RowsManifest]) -> Result<(), InputError> {
    let mut problems = Problems::new();
    let Some(first) = manifests.first() else {
        return Ok(());
    };
    for m in &manifests[1..] {
        if m.sweep_id != first.sweep_id {
            let differ: Vec<String> = match (&first.identity, &m.identity) {
                (serde_json::Value::Object(a), serde_json::Value::Object(b)) => a
                    .iter()
                    .filter(|(k, v)| b.get(*k) != Some(*v))
                    .map(|(k, _)| k.clone())
                    .collect(),
                _ => Vec::new(),
            };
            problems.push(format!(
                "{} and {} are from different sweeps (their manifests {} and {} differ{}); summarise the shards of one sweep together",
                first.rows,
                m.rows,
                first.label,
                m.label,
                if differ.is_empty() {
                    String::new()
                } else {
                    format!(" in {}", differ.join(", "))
                }
            ));
        } else if m.shard.1 != first.shard.1 || m.total_runs != first.total_runs {
            problems.push(format!(
                "{} is shard {} of {} and {} is shard {} of {}: give the shards of one split",
                first.rows, first.shard.0, first.shard.1, m.rows, m.shard.0, m.shard.1
            ));
        }
    }
    if !problems.is_empty() {
        return problems.finish(());
    }
    let n = first.shard.1;
    // Name missing shards one by one only when a few are: a split into thousands (or a
    // damaged manifest) gets one line.
    if n > manifests.len() as u64 + 20 {
        return Err(InputError::one(format!(
            "{} files were given, but they are shards of a split into {n}: give the --rows file of every shard",
            manifests.len()
        )));
    }
    for k in 1..=n {
        let holders: Vec<&RowsManifest> = manifests.iter().filter(|m| m.shard.0 == k).collect();
        let runs = shard_runs(first.total_runs, k, n);
        match holders.as_slice() {
            [] => problems.push(format!(
                "shard {k} of {n} (runs {} to {}) is missing: give the --rows file of every shard (the files given are {})",
                runs.start,
                runs.end.saturating_sub(1),
                manifests
                    .iter()
                    .map(|m| format!("{} (shard {} of {n})", m.rows, m.shard.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            [_] => {}
            [a, more @ ..] => problems.push(format!(
                "shard {k} of {n} is given more than once: {} and {}; give each shard once",
                a.rows,
                more.iter().map(|m| m.rows.as_str()).collect::<Vec<_>>().join(" and ")
            )),
        }
    }
    for m in manifests {
        let want = shard_runs(m.total_runs, m.shard.0, m.shard.1);
        if m.runs != want {
            problems.push(format!(
                "{}: runs {} to {} do not make shard {} of {} of {} runs (runs {} to {}); the manifest is damaged",
                m.label,
                m.runs.start,
                m.runs.end.saturating_sub(1),
                m.shard.0,
                m.shard.1,
                m.total_runs,
                want.start,
                want.end.saturating_sub(1)
            ));
        }
    }
    problems.finish(())
}

/// One file's runs: a contiguous range, each run's rows in area order.
struct FileRuns {
    label: String,
    header: Vec<String>,
    first_run: u64,
    runs: u64,
    areas: Vec<AreaLabel>,
    /// The outputs read: those asked for, or the file's default outputs.
    outputs: Vec<String>,
    /// Row-major: run, then area, then output.
    values: Vec<f64>,
}

/// The largest size of a value summarised from a rows file: sums and squares of values over
/// any number of runs stay far inside the range of a float.
pub const MAX_VALUE: f64 = 1e100;

fn read_file(
    label: &str,
    reader: impl Read,
    outputs: &[String],
) -> Result<Option<FileRuns>, InputError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(reader);
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| InputError::one(format!("{label}: cannot read the header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    // run, area_code, the varied parameters, area_name, level, then the fields, whatever
    // steps the sweep's scenario had.
    let name_at = header.iter().position(|h| h == "area_name");
    let ok = header.len() >= 5
        && header[0] == "run"
        && header[1] == "area_code"
        && name_at.is_some_and(|i| header.get(i + 1).is_some_and(|h| h == "level"))
        && header.iter().any(|h| h == "total_wte");
    if !ok {
        return Err(InputError::one(format!(
            "{label}:1: not a rows file of `capacity sweep --rows`: expected the header run, area_code, the varied parameters, area_name, level, then the output fields (population_in_scope, ..., total_wte, ...)"
        )));
    }
    let name_at = name_at.expect("checked");
    let fields = &header[name_at + 2..];
    // Without a list, the default outputs of the file's steps (each step's current WTE field
    // names one).
    let outputs: Vec<String> = if outputs.is_empty() {
        let steps: Vec<&str> = fields
            .iter()
            .filter_map(|f| f.strip_prefix("current_")?.strip_suffix("_wte"))
            .collect();
        super::fields::default_outputs(&steps)
    } else {
        outputs.to_vec()
    };
    let mut output_at: Vec<usize> = Vec::new();
    for name in &outputs {
        match fields.iter().position(|f| f == name) {
            Some(i) => output_at.push(name_at + 2 + i),
            None => {
                return Err(InputError::one(format!(
                    "{label}:1: the rows file has no output {name}; its outputs are {}",
                    fields.join(", ")
                )))
            }
        }
    }

    let mut record = csv::ByteRecord::new();
    let mut first_run: Option<u64> = None;
    let mut run_now: u64 = 0;
    let mut areas: Vec<AreaLabel> = Vec::new();
    let mut areas_done = false;
    let mut position = 0usize;
    let mut runs = 0u64;
    let mut values: Vec<f64> = Vec::new();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(InputError::one(format!("{label}: {e}"))),
        }
        let line = record.position().map_or(0, |p| p.line());
        let at = |what: String| InputError::one(format!("{label}:{line}: {what}"));
        let run: u64 = std::str::from_utf8(&record[0])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| at(format!("run = '{}' is not a run number", text(&record[0]))))?;
        let code = &record[1];
        match first_run {
            None => {
                first_run = Some(run);
                run_now = run;
                runs = 1;
            }
            Some(_) if run == run_now => {}
            Some(_) if run == run_now + 1 => {
                if !areas_done {
                    areas_done = true;
                }
                if position != areas.len() {
                    return Err(at(format!(
                        "run {run} starts before run {run_now} has all its {} areas",
                        areas.len()
                    )));
                }
                run_now = run;
                runs += 1;
                position = 0;
            }
            Some(_) => {
                return Err(at(format!(
                    "run {run} follows run {run_now}; a rows file holds consecutive runs in order, as `capacity sweep --rows` writes them"
                )))
            }
        }
        if !areas_done {
            areas.push(AreaLabel {
                code: text(code),
                name: text(&record[name_at]),
                level: text(&record[name_at + 1]),
            });
        } else {
            match areas.get(position) {
                Some(a) if a.code.as_bytes() == code => {}
                Some(a) => {
                    return Err(at(format!(
                        "run {run} has area {} where {} was expected; every run holds the same areas in the same order",
                        text(code),
                        a.code
                    )))
                }
                None => {
                    return Err(at(format!(
                        "run {run} has more areas than the first run ({})",
                        areas.len()
                    )))
                }
            }
        }
        position += 1;
        for (&col, field) in output_at.iter().zip(&outputs) {
            let cell = &record[col];
            let v: f64 = std::str::from_utf8(cell)
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    at(format!(
                        "{} = '{}' is not a number; expected a plain number such as 1234.5 (no NaN or infinity), as `capacity sweep --rows` writes",
                        field,
                        text(cell)
                    ))
                })?;
            if v.abs() > MAX_VALUE {
                return Err(at(format!(
                    "{} = '{}' is out of range: a summary's mean and sd of values beyond {MAX_VALUE:e} in size cannot be represented; no sweep writes such a value",
                    field,
                    text(cell)
                )));
            }
            values.push(v);
        }
    }
    let Some(first_run) = first_run else {
        return Ok(None);
    };
    if position != areas.len() {
        return Err(InputError::one(format!(
            "{label}: the last run, {run_now}, has {position} of its {} areas: the file is cut short",
            areas.len()
        )));
    }
    Ok(Some(FileRuns {
        label: label.to_string(),
        header,
        first_run,
        runs,
        areas,
        outputs,
        values,
    }))
}

/// Reads rows files (any order, e.g. the shards of one sweep) into the columns of `outputs`.
pub fn read_rows<R: Read>(
    files: Vec<(String, R)>,
    outputs: &[String],
) -> Result<(RowsData, Warnings), InputError> {
    let mut problems = Problems::new();
    let mut warnings = Warnings::new();
    let mut parts: Vec<FileRuns> = Vec::new();
    let mut held: Vec<(String, Range<u64>)> = Vec::new();
    for (label, reader) in files {
        match read_file(&label, reader, outputs) {
            Ok(Some(p)) => {
                held.push((label, p.first_run..p.first_run + p.runs));
                parts.push(p);
            }
            Ok(None) => {
                warnings.push(format!("{label}: no rows (an empty shard?)"));
                held.push((label, 0..0));
            }
            Err(e) => problems.extend(e),
        }
    }
    let problems = problems.finish(());
    problems?;
    if parts.is_empty() {
        return Err(InputError::one(
            "the rows files hold no rows; give the --rows files of a sweep",
        ));
    }
    parts.sort_by_key(|p| p.first_run);
    let first = &parts[0];
    let mut problems = Problems::new();
    for p in &parts[1..] {
        if p.header != first.header {
            problems.push(format!(
                "{}:1: its columns differ from {}'s; the files are not from the same sweep",
                p.label, first.label
            ));
        } else if p.areas != first.areas {
            problems.push(format!(
                "{}: its areas differ from {}'s; the files are not from the same sweep (or --level, --area differ)",
                p.label, first.label
            ));
        }
    }
    for pair in parts.windows(2) {
        let end = pair[0].first_run + pair[0].runs;
        if pair[1].first_run < end {
            problems.push(format!(
                "{} and {} both hold run {}; give each shard once",
                pair[0].label, pair[1].label, pair[1].first_run
            ));
        } else if pair[1].first_run > end {
            problems.push(format!(
                "runs {} to {} are in none of the files (between {} and {}); was a shard left out?",
                end,
                pair[1].first_run - 1,
                pair[0].label,
                pair[1].label
            ));
        }
    }
    problems.finish(())?;
    if first.first_run != 0 {
        warnings.push(format!(
            "run 0 (the base) is not in these files: the summary has no base column and covers runs {} onwards only",
            first.first_run
        ));
    }
    let header = first.header.clone();
    let name_at = header
        .iter()
        .position(|h| h == "area_name")
        .expect("checked");
    let params = header[2..name_at].to_vec();
    let areas = first.areas.clone();
    let first_run = first.first_run;
    let total: u64 = parts.iter().map(|p| p.runs).sum();
    let outputs = first.outputs.clone();
    let (na, no) = (areas.len(), outputs.len());
    let mut data: Vec<Vec<f64>> = (0..na * no)
        .map(|_| Vec::with_capacity(total as usize))
        .collect();
    for p in &parts {
        for run in p.values.chunks(na * no) {
            for (a, area) in run.chunks(no).enumerate() {
                for (o, &v) in area.iter().enumerate() {
                    data[o * na + a].push(v);
                }
            }
        }
    }
    Ok((
        RowsData {
            params,
            areas,
            columns: Columns {
                first_run,
                outputs,
                areas: na,
                data,
            },
            files: held,
        },
        warnings,
    ))
}
