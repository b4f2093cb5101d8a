//! `capacity model`: one scenario, every area, the funnel and the workforce.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, ValueEnum};

use capacity::model;
use capacity::output::{render_csv, render_json, render_long_csv, render_table, table_width};
use capacity::report::live::{check_live, live_workbook};
use capacity::report::{markdown::render_markdown, xlsx::model_workbook};

use super::io::{
    check_outputs, emit, emit_binary, input_files, load_inputs, load_scenario, made_by,
    print_warnings, AtomicOutput, DataArgs, Failure, Kind, Planned,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people, fitted to --width, COLUMNS or the terminal (else 100 columns)
    Table,
    /// One row per area and a total row, every field
    Csv,
    /// The long (tidy) table as CSV: one value a row, keyed by area, pathway, step,
    /// condition, role and band
    Long,
    /// The resolved scenario, the inputs, every row and the total
    Json,
    /// Pipe tables for pasting into documents, with the assumptions and their sources
    Markdown,
    /// An Excel workbook (needs --output): a sheet per table, real numbers, assumptions
    Xlsx,
}

const AFTER_HELP: &str = "\
Examples:
  capacity model                          the default scenario (obc) for England's 42 ICBs
  capacity model triage80 --level region  a shipped preset, by NHS region
  capacity model my.toml --area E54000008 one ICB (or any area code) from a scenario file
  capacity model --area \"Greater Manchester\"  an area by name or ODS code (QOP)
  capacity model --format csv --output icbs.csv
  capacity model --format long --by-disorder > long.csv   one value a row, keyed
  capacity model --format xlsx --output icbs.xlsx   a workbook: Areas, Funnel, Assumptions...
  capacity model --format xlsx --live -o what-if.xlsx   live formulas: change an assumption in Excel
  capacity model --format markdown > icbs.md        pipe tables for a document
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
    /// Put the activity the service published beside the model: NHS Talking Therapies annual
    /// report measures in NHS England's long format (reporting_period, org_type, org_code,
    /// org_name, variable_type, variable_a, variable_b, measure_name, measure_statistic,
    /// value), matched to areas by ODS code; without FILE the shipped 2022-23 and 2023-24
    /// report for England, its regions and ICBs
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    #[allow(clippy::option_option)]
    pub observed: Option<Option<std::path::PathBuf>>,
    /// The reporting period of --observed, e.g. 2023-24 [default: the latest in the file]
    #[arg(long, value_name = "YYYY-YY", requires = "observed")]
    pub observed_year: Option<String>,
    /// Draw the table this many columns wide [default: the COLUMNS environment variable, else
    /// the terminal's width, else 100]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(70..=1000))]
    pub width: Option<u16>,
    /// With --format xlsx: a what-if workbook whose numbers are live Excel formulas of the
    /// assumptions (change a yellow cell on its Assumptions sheet and everything recalculates)
    #[arg(long, conflicts_with_all = ["by_disorder", "observed"])]
    pub live: bool,
}

pub fn run(args: ModelArgs) -> Result<ExitCode> {
    if args.live && args.format != Format::Xlsx {
        return Err(capacity::InputError::one(
            "--live writes the what-if workbook: use it with --format xlsx --output FILE.xlsx",
        )
        .into());
    }
    if args.format == Format::Xlsx && args.output.is_none() {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            return Err(capacity::InputError::one(
                "--format xlsx writes a binary workbook: give --output FILE.xlsx (or redirect stdout to a file)",
            )
            .into());
        }
    }
    let (scenario, mut warnings) = load_scenario(args.scenario.as_deref())?;
    let (inputs, options, provenance) = load_inputs(&args.data, &scenario)?;
    if let Some(path) = &args.output {
        let kind = match args.format {
            Format::Table => Kind::Text,
            Format::Csv | Format::Long => Kind::Csv,
            Format::Json => Kind::Json,
            Format::Markdown => Kind::Markdown,
            Format::Xlsx => Kind::Xlsx,
        };
        let planned = Planned::new("--output", path, kind).or_formats(&[
            (Kind::Text, "--format table"),
            (Kind::Csv, "--format csv"),
            (Kind::Json, "--format json"),
            (Kind::Markdown, "--format markdown"),
            (Kind::Xlsx, "--format xlsx"),
        ]);
        let mut read = input_files(&args.data, &scenario);
        if let Some(Some(p)) = &args.observed {
            read.push(("--observed", p.clone()));
        }
        check_outputs(&[planned], &read)?;
    }
    let output = args
        .output
        .as_deref()
        .map(AtomicOutput::create)
        .transpose()?;
    if args.live {
        let (prepared, more) = model::prepare(&inputs, &scenario, &options)?;
        warnings.extend(more);
        check_live(&prepared, &scenario)?;
        print_warnings(&warnings)?;
        let made_by = made_by(&args.data, &scenario)?;
        let bytes = live_workbook(&prepared, &scenario, &made_by)
            .map_err(|e| Failure(format!("writing the workbook: {e}")))?;
        return emit_binary(output, &bytes, "--format xlsx").map(|_| ExitCode::SUCCESS);
    }
    let (mut result, more) = model::run(&inputs, &scenario, &options)?;
    warnings.extend(more);
    if let Some(file) = &args.observed {
        warnings.extend(attach_observed(
            &mut result,
            file.as_deref(),
            args.observed_year.as_deref(),
            inputs.areas.as_ref(),
        )?);
    }
    print_warnings(&warnings)?;
    let text = match args.format {
        Format::Table => {
            // A file gets the terminal's width only when asked (--width or COLUMNS).
            let terminal = args
                .output
                .is_none()
                .then(capacity::output::terminal_width)
                .flatten();
            let columns = std::env::var("COLUMNS").ok();
            let width = table_width(args.width, columns.as_deref(), terminal);
            render_table(&result, &scenario, &provenance, args.by_disorder, width)
        }
        Format::Csv => render_csv(&result, args.by_disorder),
        Format::Long => render_long_csv(&result, args.by_disorder),
        Format::Json => render_json(&result, &scenario, &provenance, args.by_disorder),
        Format::Markdown => render_markdown(&result, &scenario, &provenance, args.by_disorder),
        Format::Xlsx => {
            let made_by = made_by(&args.data, &scenario)?;
            let bytes = model_workbook(&result, &scenario, &provenance, &made_by, args.by_disorder)
                .map_err(|e| Failure(format!("writing the workbook: {e}")))?;
            return emit_binary(output, &bytes, "--format xlsx").map(|_| ExitCode::SUCCESS);
        }
    };
    emit(output, &text)?;
    Ok(ExitCode::SUCCESS)
}

/// Reads `--observed` (the shipped report without a FILE), picks `--observed-year` (the latest
/// by default) and puts each area's published activity beside it; the warnings of matching.
pub(super) fn attach_observed(
    result: &mut capacity::model::ModelResult,
    file: Option<&std::path::Path>,
    year: Option<&str>,
    areas: Option<&capacity::inputs::Areas>,
) -> Result<Vec<String>> {
    let observed = match file {
        None => capacity::embedded::observed()?,
        Some(path) => {
            let text = capacity::inputs::read_text_file(path, "observed activity")?;
            capacity::observed::parse_observed(&path.display().to_string(), &text)?
        }
    };
    let periods = observed.periods();
    let period = match year {
        Some(y) if periods.iter().any(|p| p == y) => y.to_string(),
        Some(y) => {
            return Err(capacity::InputError::one(format!(
                "--observed-year {y}: {} has no reporting period {y}; it has {}",
                observed.source,
                periods.join(", ")
            ))
            .into())
        }
        None => observed.latest().ok_or_else(|| {
            capacity::InputError::one(format!("{}: no rows of figures", observed.source))
        })?,
    };
    Ok(capacity::observed::attach(
        result, &observed, &period, areas,
    ))
}
