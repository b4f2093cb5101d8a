//! `capacity summarize`: the summary of a sweep from its rows files (e.g. the shards of a
//! job array), identical to the summary the whole sweep writes.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use capacity::sweep::report::{render_summary_csv, render_table, summarize_columns};
use capacity::sweep::rows::read_rows;
use capacity::InputError;

use super::io::{print_warnings, AtomicOutput};
use super::sweep::parse_outputs;

const AFTER_HELP: &str = "\
Examples:
  capacity sweep big.toml --shard 1/2 --rows rows-1.csv
  capacity sweep big.toml --shard 2/2 --rows rows-2.csv
  capacity summarize rows-1.csv rows-2.csv --summary summary.csv

The files may be given in any order; together they must hold consecutive runs, each once.";

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

pub fn run(args: SummarizeArgs) -> Result<ExitCode> {
    // A blank cost in the rows files is named where it is read.
    let outputs = parse_outputs(&args.outputs, None)?;
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
    let output = args
        .summary
        .as_deref()
        .map(AtomicOutput::create)
        .transpose()?;
    let (data, warnings) = read_rows(files, &outputs)?;
    print_warnings(&warnings);
    let runs = data.columns.runs();
    let first = data.columns.first_run;
    let summaries = summarize_columns(&data.columns);
    let csv = render_summary_csv(&data.areas, &outputs, &summaries);
    let mut stdout = std::io::stdout().lock();
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
            stdout.write_all(text.as_bytes())?;
        }
        None => stdout.write_all(csv.as_bytes())?,
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
