//! Reading rows files back (`capacity summarize`): the columns a sweep would have kept,
//! rebuilt from the rows of one or more shards, so that their summary is the same bytes.

use std::io::Read;

use crate::problems::{InputError, Problems};
use crate::Warnings;

use super::fields::{name, FIELDS};
use super::run::{AreaLabel, Columns};

/// What the rows files held.
#[derive(Debug, Clone, PartialEq)]
pub struct RowsData {
    /// The varied parameters (the columns between area_code and area_name).
    pub params: Vec<String>,
    pub areas: Vec<AreaLabel>,
    pub columns: Columns,
}

/// One file's runs: a contiguous range, each run's rows in area order.
struct FileRuns {
    label: String,
    header: Vec<String>,
    first_run: u64,
    runs: u64,
    areas: Vec<AreaLabel>,
    /// Row-major: run, then area, then output.
    values: Vec<f64>,
}

fn read_file(
    label: &str,
    reader: impl Read,
    outputs: &[usize],
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
    let expected_tail: Vec<&str> = ["area_name", "level"]
        .into_iter()
        .chain(FIELDS.iter().map(|(f, _)| *f))
        .collect();
    let name_at = header.iter().position(|h| h == "area_name");
    let ok = header.len() >= 2 + expected_tail.len()
        && header[0] == "run"
        && header[1] == "area_code"
        && name_at.is_some_and(|i| {
            header[i..].iter().map(String::as_str).collect::<Vec<_>>() == expected_tail
        });
    if !ok {
        return Err(InputError::one(format!(
            "{label}:1: not a rows file of `capacity sweep --rows`: expected the header run, area_code, the varied parameters, area_name, level, {}",
            FIELDS.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ")
        )));
    }
    let name_at = name_at.expect("checked");
    let output_at: Vec<usize> = outputs.iter().map(|&f| name_at + 2 + f).collect();

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
        for (&col, &field) in output_at.iter().zip(outputs) {
            let cell = &record[col];
            let v: f64 = std::str::from_utf8(cell)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| {
                    at(format!(
                        "{} = '{}' is not a number",
                        name(field),
                        text(cell)
                    ))
                })?;
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
        values,
    }))
}

/// Reads rows files (any order, e.g. the shards of one sweep) into the columns of `outputs`.
pub fn read_rows<R: Read>(
    files: Vec<(String, R)>,
    outputs: &[usize],
) -> Result<(RowsData, Warnings), InputError> {
    let mut problems = Problems::new();
    let mut warnings = Warnings::new();
    let mut parts: Vec<FileRuns> = Vec::new();
    for (label, reader) in files {
        match read_file(&label, reader, outputs) {
            Ok(Some(p)) => parts.push(p),
            Ok(None) => warnings.push(format!("{label}: no rows (an empty shard?)")),
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
                outputs: outputs.to_vec(),
                areas: na,
                data,
            },
        },
        warnings,
    ))
}
