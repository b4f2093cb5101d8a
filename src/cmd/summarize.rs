//! `capacity summarize`: the summary of a sweep from its rows files (e.g. the shards of a
//! job array), identical to the summary the whole sweep writes.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use capacity::problems::Problems;
use capacity::sweep::report::{render_summary_csv, render_table, summarize_columns};
use capacity::sweep::rows::{check_shards, read_rows, RowsManifest};
use capacity::InputError;

use super::io::{check_outputs, print_warnings, write_stdout, AtomicOutput, Kind, Planned};
use capacity::sweep::fields::parse_outputs;

use super::system::{available_memory, bytes_text};

const AFTER_HELP: &str = "\
Examples:
  capacity sweep big.toml --shard 1/2 --rows rows-1.csv
  capacity sweep big.toml --shard 2/2 --rows rows-2.csv
  capacity summarize rows-1.csv rows-2.csv --summary summary.csv

The files may be given in any order; together they must be every shard of one sweep, each
once. Each rows file's manifest (ROWS.manifest.json, written beside it by `capacity sweep
--rows`) says which sweep and shard it holds: keep it beside the rows file.";

/// Summarise the rows files of a sweep (or of its shards) as `capacity sweep --summary` does
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct SummarizeArgs {
    /// Rows files written by `capacity sweep --rows`
    #[arg(required = true, value_name = "ROWS.csv")]
    pub rows: Vec<PathBuf>,
    /// Write the summary CSV to this file and print the table; without it, the CSV goes to
    /// stdout
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// The outputs to summarise, comma-separated, as for `capacity sweep --outputs`
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub outputs: Vec<String>,
}

/// The manifest `capacity sweep --rows` writes beside a rows file.
fn manifest_path(rows: &Path) -> PathBuf {
    rows.with_extension("manifest.json")
}

/// The manifest `capacity sweep --rows` writes beside a rows file, read.
fn manifest_of(rows: &Path) -> Result<RowsManifest, InputError> {
    let path = manifest_path(rows);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        InputError::one(format!(
            "{}: cannot read its manifest {} ({e}); `capacity sweep --rows` writes it beside the rows file, and summarize reads it to check that the files are the shards of one sweep: keep the two together",
            rows.display(),
            path.display()
        ))
    })?;
    RowsManifest::parse(
        &path.display().to_string(),
        &rows.display().to_string(),
        &text,
    )
}

/// The areas of each run of a rows file: the rows of its first run (none for an empty file).
fn areas_per_run(path: &Path) -> Option<u64> {
    let file = File::open(path).ok()?;
    let mut csv = csv::Reader::from_reader(BufReader::new(file));
    let mut first: Option<Vec<u8>> = None;
    let mut areas = 0;
    for record in csv.byte_records() {
        let record = record.ok()?;
        let run = record.get(0)?.to_vec();
        match &first {
            None => first = Some(run),
            Some(f) if *f != run => break,
            Some(_) => {}
        }
        areas += 1;
    }
    Some(areas)
}

/// Fails before reading the rows, with the sizes and what to change, when every value of the
/// outputs over the runs the manifests say would not fit in memory.
fn check_memory(
    rows: &[PathBuf],
    manifests: &[RowsManifest],
    outputs: usize,
) -> Result<(), InputError> {
    let (Some(avail), Some(areas)) = (
        available_memory(),
        rows.first().and_then(|p| areas_per_run(p)),
    ) else {
        return Ok(());
    };
    let runs: f64 = manifests
        .iter()
        .map(|m| (m.runs.end - m.runs.start) as f64)
        .sum();
    let need = runs * areas as f64 * outputs as f64 * 8.0;
    if need > 0.9 * avail as f64 {
        return Err(InputError::one(format!(
            "{}: {runs} runs x {areas} areas x {outputs} outputs need {} of memory for exact percentiles, and {} is available; summarise fewer outputs (e.g. --outputs total_wte), or on a machine with more memory",
            rows.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            bytes_text(need),
            bytes_text(avail as f64)
        )));
    }
    Ok(())
}

pub fn run(args: SummarizeArgs) -> Result<ExitCode> {
    let outputs = parse_outputs(&args.outputs, None)?;
    if let Some(path) = &args.summary {
        // The rows files and the manifests beside them are read.
        let mut read: Vec<(&str, PathBuf)> = Vec::new();
        for r in &args.rows {
            read.push(("rows", r.clone()));
            read.push(("manifest", manifest_path(r)));
        }
        check_outputs(&[Planned::new("--summary", path, Kind::Csv)], &read)?;
    }
    let output = args
        .summary
        .as_deref()
        .map(|p| AtomicOutput::create_for("--summary", p))
        .transpose()?;
    // The files must be every shard of one sweep, each once: checked from their manifests
    // before the rows are read.
    let mut problems = Problems::new();
    let mut manifests = Vec::new();
    for path in &args.rows {
        match manifest_of(path) {
            Ok(m) => manifests.push(m),
            Err(e) => problems.extend(e),
        }
    }
    problems.finish(())?;
    check_shards(&manifests)?;
    // Without --outputs, the file's default outputs: each step's WTE and gap, total WTE and
    // referrals (six for the 2007 steps; the estimate is that).
    let counted = if outputs.is_empty() { 6 } else { outputs.len() };
    check_memory(&args.rows, &manifests, counted)?;
    let mut files = Vec::new();
    for path in &args.rows {
        let file = File::open(path).map_err(|e| {
            InputError::one(format!(
                "{}: cannot read the rows file: {e}",
                path.display()
            ))
        })?;
        files.push((
            path.display().to_string(),
            BufReader::with_capacity(1 << 20, file),
        ));
    }
    let (data, warnings) = read_rows(files, &outputs)?;
    // Each file holds the runs its manifest says (not cut short, not another file).
    let mut problems = Problems::new();
    for ((label, held), m) in data.files.iter().zip(&manifests) {
        if *held != m.runs && !(held.is_empty() && m.runs.is_empty()) {
            problems.push(format!(
                "{label}: holds runs {} to {} but its manifest {} says {} to {}; the rows file is not the one the manifest describes (cut short, or replaced?)",
                held.start,
                held.end as i128 - 1,
                m.label,
                m.runs.start,
                m.runs.end as i128 - 1
            ));
        }
    }
    problems.finish(())?;
    print_warnings(&warnings)?;
    let runs = data.columns.runs();
    let first = data.columns.first_run;
    let summaries = summarize_columns(&data.columns);
    let csv = render_summary_csv(&data.areas, &data.columns.outputs, &summaries);
    match output {
        Some(out) => {
            out.commit(csv.as_bytes())?;
            let text = format!(
                "{}: runs {} to {}, {} (level {}); varied: {}\n{}",
                capacity::words::count(args.rows.len(), "rows file"),
                first,
                first + runs as u64 - 1,
                capacity::words::count(data.areas.len() - 1, "area"),
                data.areas.first().map_or("-", |a| a.level.as_str()),
                data.params.join(", "),
                render_table(&data.areas, &data.columns.outputs, &summaries)
            );
            write_stdout(text.as_bytes())?;
        }
        None => write_stdout(csv.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
