//! `capacity model`: one scenario, every area, the funnel and the workforce.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, ValueEnum};

use capacity::model;
use capacity::output::{render_csv, render_json, render_table};

use super::io::{emit, load_inputs, load_scenario, print_warnings, AtomicOutput, DataArgs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people, readable at 100 columns
    Table,
    /// One row per area and a total row, every field
    Csv,
    /// The resolved scenario, the inputs, every row and the total
    Json,
}

const AFTER_HELP: &str = "\
Examples:
  capacity model                          the default scenario (obc) for England's 42 ICBs
  capacity model triage80 --level region  a shipped preset, by NHS region
  capacity model my.toml --area E54000008 one ICB (or any area code) from a scenario file
  capacity model --format csv --output icbs.csv
  capacity model --population pcn.csv --workforce staff.csv   your own areas and staff";

/// Run the model for one scenario and print the funnel, WTE, skill mix and gap
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct ModelArgs {
    /// Scenario: a TOML file or a preset name (see `capacity scenarios`) [default: obc]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file (atomically) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Include the funnel of each disorder
    #[arg(long)]
    pub by_disorder: bool,
}

pub fn run(args: ModelArgs) -> Result<ExitCode> {
    let (scenario, mut warnings) = load_scenario(args.scenario.as_deref())?;
    let (inputs, options, provenance) = load_inputs(&args.data, &scenario)?;
    let output = args
        .output
        .as_deref()
        .map(AtomicOutput::create)
        .transpose()?;
    let (result, more) = model::run(&inputs, &scenario, &options)?;
    warnings.extend(more);
    print_warnings(&warnings);
    let text = match args.format {
        Format::Table => render_table(&result, &scenario, &provenance, args.by_disorder),
        Format::Csv => render_csv(&result, args.by_disorder),
        Format::Json => render_json(&result, &scenario, &provenance, args.by_disorder),
    };
    emit(output, &text)?;
    Ok(ExitCode::SUCCESS)
}
