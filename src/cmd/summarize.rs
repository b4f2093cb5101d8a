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
use super::sweep::parse_outputs;

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

pub fn run(args: SummarizeArgs) -> Result<ExitCode> {
    let outputs = parse_outputs(&args.outputs)?;
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
    print_warnings(&warnings);
    let runs = data.columns.runs();
    let first = data.columns.first_run;
    let summaries = summarize_columns(&data.columns);
    let csv = render_summary_csv(&data.areas, &outputs, &summaries);
    match output {
        Some(out) => {
            out.commit(csv.as_bytes())?;
            let text = format!(
                "{} rows files: runs {} to {}, {} areas (level {}); varied: {}\n{}",
                args.rows.len(),
                first,
                first + runs as u64 - 1,
                data.areas.len() - 1,
                data.areas.first().map_or("-", |a| a.level.as_str()),
                data.params.join(", "),
                render_table(&data.areas, &outputs, &summaries)
            );
            write_stdout(text.as_bytes())?;
        }
        None => write_stdout(csv.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
