//! `capacity report`: the model of one scenario as a self-contained HTML report with charts.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use capacity::model;
use capacity::report::{html, Report};

use super::io::{load_inputs, load_scenario, made_by, print_warnings, AtomicOutput, DataArgs};

const AFTER_HELP: &str = "\
The report is one HTML file with everything inline (styles, SVG charts, a small sort script):
it makes no network request, opens offline in any browser and prints to A4. It holds the key
figures, the demand funnel, required versus current WTE by intensity, by role and band (with a
workforce file) and by area with the gap labelled, the staff by role and band with their costs,
the supervision they need and the trainees to start each year, the per-area table with each
area's cost, the disorders, what one WTE delivers, every assumption marked as from the seeds, a
cited source or an assumption, and a footer with the tool version, the SHA-256 of every input
and the command that reproduces it.

Examples:
  capacity report --output report.html                      England's 42 ICBs, default scenario
  capacity report triage80 --level region -o regions.html   a preset, by NHS region
  capacity report my.toml --workforce staff.csv -o gap.html the gap against your workforce
  capacity report --area E54000008 --area-funnels -o cm.html one ICB with the funnel per area";

/// Write a self-contained HTML report with charts (funnel, WTE and gap, assumptions)
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct ReportArgs {
    /// Scenario: a TOML file or a preset name (see `capacity scenarios`) [default: obc]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
    /// The HTML file to write (atomically: a failed run leaves no half-written report)
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Also draw the demand funnel of every area, not only the total's
    #[arg(long)]
    pub area_funnels: bool,
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let (scenario, mut warnings) = load_scenario(args.scenario.as_deref())?;
    let (inputs, options, provenance) = load_inputs(&args.data, &scenario)?;
    let made_by = made_by(&args.data, &scenario)?;
    let output = AtomicOutput::create(&args.output)?;
    let (result, more) = model::run(&inputs, &scenario, &options)?;
    warnings.extend(more);
    print_warnings(&warnings);
    let text = html::render(&Report {
        result: &result,
        scenario: &scenario,
        provenance: &provenance,
        made_by: &made_by,
        sweep: None,
        area_funnels: args.area_funnels,
    });
    output.commit(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
