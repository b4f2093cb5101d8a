//! `capacity report`: the model of one scenario as a self-contained HTML report with charts.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use capacity::assess::{framework, parse_assessment, review, Assessment, Framework};
use capacity::model;
use capacity::report::{html, sha256_hex, InputHash, Report};
use capacity::scenario::Scenario;
use capacity::sweep::execute::{execute, report_summary};
use capacity::sweep::fields::default_outputs;
use capacity::InputError;

use super::io::{
    check_outputs, input_files, load_inputs, load_scenario, made_by, print_warnings, AtomicOutput,
    DataArgs, Kind, Planned,
};
use super::sweep::{check_memory, load_sweep, prepare_data};

const AFTER_HELP: &str = "\
The report is one HTML file with everything inline (styles, SVG charts, a small sort script):
it makes no network request, opens offline in any browser and prints to A4. It holds the key
figures, the demand funnel, required versus current WTE by intensity, by role and band (with a
workforce file) and by area with the gap labelled, the staff by role and band with their costs,
the supervision they need and the trainees to start each year, the per-area table with each
area's cost, with --assessment a local self-assessment scored by section (its trend, actions
and what the model says of the workforce items), the disorders, what one WTE delivers, every assumption marked as a published default, a
cited source or an assumption, and a footer with the tool version, the SHA-256 of every input
and the command that reproduces it.

Examples:
  capacity report --output report.html                      England's 42 ICBs, default scenario
  capacity report triage80 --level region -o regions.html   a preset, by NHS region
  capacity report my.toml --workforce staff.csv -o gap.html the gap against your workforce
  capacity report --area E54000008 --area-funnels -o cm.html one ICB with the funnel per area
  capacity report my.toml --workforce staff.csv --assessment ours.toml -o board.html
                                                            with the self-assessment
  capacity report --observed -o need.html                   need beside published activity
  capacity report --sweep scenarios/sweeps/monte-carlo.toml -o uncertainty.html
                                                            the sweep's base scenario, with
                                                            its range over the runs per area

With --sweep the report adds an Uncertainty section: the range of total, low and high intensity
WTE over the sweep's runs per area (5-95% and 10-90% bands with the median) and, for a one-way
design, a tornado chart of which assumption moves total WTE most. The report's scenario is the
sweep's base; a SCENARIO that differs from it is an error (the ranges would not be about the
scenario shown).";

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
    /// Add the uncertainty of this sweep (see `capacity sweep`): range charts per area, and a
    /// tornado chart for a one-way design. The report shows the sweep's base scenario
    #[arg(long, value_name = "SWEEP.toml")]
    pub sweep: Option<PathBuf>,
    /// Add a filled-in self-assessment (see `capacity assess`), checked against this model
    /// run; give it again with earlier dated assessments for the trend
    #[arg(long, value_name = "FILE")]
    pub assessment: Vec<PathBuf>,
    /// With --assessment: report items with no score as not assessed instead of refusing
    #[arg(long, requires = "assessment")]
    pub allow_missing: bool,
    /// Add the activity the service published beside the modelled need (NHS Talking
    /// Therapies annual report measures, long format, matched by ODS code); without FILE the
    /// shipped 2022-23 and 2023-24 report for England, its regions and ICBs
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    #[allow(clippy::option_option)]
    pub observed: Option<Option<PathBuf>>,
    /// The reporting period of --observed, e.g. 2023-24 [default: the latest in the file]
    #[arg(long, value_name = "YYYY-YY", requires = "observed")]
    pub observed_year: Option<String>,
}

/// A scenario as what it assumes, without where it was read from (data files by the file
/// they are, however the path was written).
fn assumptions_of(s: &Scenario) -> Scenario {
    let mut s = s.clone();
    s.sources.clear();
    s.origins.clear();
    let d = &mut s.data;
    for path in [
        &mut d.population,
        &mut d.prevalence,
        &mut d.areas,
        &mut d.workforce,
    ]
    .into_iter()
    .flatten()
    {
        if let Ok(full) = std::fs::canonicalize(&*path) {
            *path = full;
        }
    }
    s
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    // With --sweep, the report's scenario is the sweep's base.
    let loaded = args.sweep.as_deref().map(load_sweep).transpose()?;
    let (scenario, mut warnings) = match (&args.scenario, &loaded) {
        (None, Some((_, base, _, w))) => (base.clone(), w.clone()),
        (arg, _) => {
            let (scenario, mut w) = load_scenario(arg.as_deref())?;
            if let Some((sweep, base, _, sweep_warnings)) = &loaded {
                if assumptions_of(&scenario) != assumptions_of(base) {
                    return Err(InputError::one(format!(
                        "{}: the sweep's base = \"{}\" is not the scenario {} the report shows, so its ranges would not be about it; omit the scenario (the report then shows the sweep's base), or give the sweep base = \"{}\"",
                        sweep.label,
                        sweep.base,
                        arg.as_deref().unwrap_or("obc"),
                        arg.as_deref().unwrap_or("obc")
                    ))
                    .into());
                }
                w.extend(sweep_warnings.iter().cloned());
            }
            (scenario, w)
        }
    };
    let (inputs, options, provenance) = load_inputs(&args.data, &scenario)?;
    let mut made_by = made_by(&args.data, &scenario)?;
    if let (Some(path), Some((_, _, text, _))) = (&args.sweep, &loaded) {
        made_by.inputs.insert(
            0,
            InputHash {
                what: "sweep".into(),
                source: path.display().to_string(),
                sha256: sha256_hex(text.as_bytes()),
            },
        );
    }
    let assessments = read_assessments(&args.assessment, args.allow_missing)?;
    for (path, text) in args.assessment.iter().zip(&assessments.1) {
        made_by.inputs.push(InputHash {
            what: "assessment".into(),
            source: path.display().to_string(),
            sha256: sha256_hex(text.as_bytes()),
        });
    }
    let mut read = input_files(&args.data, &scenario);
    if let Some(path) = &args.sweep {
        read.push(("sweep", path.clone()));
    }
    read.extend(args.assessment.iter().map(|p| ("assessment", p.clone())));
    match &args.observed {
        Some(Some(p)) => {
            read.push(("--observed", p.clone()));
            let text = capacity::inputs::read_text_file(p, "observed activity")?;
            made_by.inputs.push(InputHash {
                what: "observed".into(),
                source: p.display().to_string(),
                sha256: sha256_hex(text.as_bytes()),
            });
        }
        Some(None) => made_by.inputs.push(InputHash {
            what: "observed".into(),
            source: capacity::embedded::OBSERVED_SOURCE.into(),
            sha256: sha256_hex(capacity::embedded::OBSERVED_CSV.as_bytes()),
        }),
        None => {}
    }
    check_outputs(&[Planned::new("--output", &args.output, Kind::Html)], &read)?;
    let output = AtomicOutput::create_for("--output", &args.output)?;
    let (mut result, more) = model::run(&inputs, &scenario, &options)?;
    warnings.extend(more);
    if let Some(file) = &args.observed {
        warnings.extend(super::model::attach_observed(
            &mut result,
            file.as_deref(),
            args.observed_year.as_deref(),
            inputs.areas.as_ref(),
        )?);
    }
    let summary = match loaded {
        Some((sweep, base, text, _)) => {
            let loaded = prepare_data(sweep, base, text, &mut Vec::new(), &args.data)?;
            let (sweep, base, prepared) = (&loaded.sweep, &loaded.base, &loaded.prepared);
            let outputs = default_outputs(&base.step_ids());
            check_memory(sweep, prepared, outputs.len(), sweep.total_runs(), None)?;
            let outcome = execute(
                sweep,
                base,
                prepared,
                &outputs,
                0..sweep.total_runs(),
                None,
                &|_| {},
            )?;
            Some(report_summary(sweep, base, &outcome))
        }
        None => None,
    };
    print_warnings(&warnings)?;
    let review = if assessments.0.is_empty() {
        None
    } else {
        Some(review(assessments.0, Some((&scenario, &result)))?)
    };
    let text = html::render(&Report {
        result: &result,
        scenario: &scenario,
        provenance: &provenance,
        made_by: &made_by,
        sweep: summary.as_ref(),
        area_funnels: args.area_funnels,
        assessment: review.as_ref(),
    });
    output.commit(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Assessments read, each with its framework, and the files' texts.
type ReadAssessments = (Vec<(Assessment, Framework)>, Vec<String>);

/// The assessments of `--assessment` (all problems of all files at once), with their texts
/// for the footer's hashes.
fn read_assessments(paths: &[PathBuf], allow_missing: bool) -> Result<ReadAssessments> {
    let mut read = Vec::new();
    let mut texts = Vec::new();
    let mut problems = capacity::problems::Problems::new();
    for path in paths {
        let text = capacity::inputs::read_text_file(path, "assessment")?;
        match parse_assessment(
            &path.display().to_string(),
            &text,
            &framework,
            allow_missing,
        ) {
            Ok(a) => read.push(a),
            Err(e) => problems.extend(e),
        }
        texts.push(text);
    }
    problems.finish(())?;
    Ok((read, texts))
}
