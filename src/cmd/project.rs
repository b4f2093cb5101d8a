//! `capacity project`: each area's waiting list at each step, month by month.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, ValueEnum};

use capacity::output::projection::{
    render_projection_csv, render_projection_json, render_projection_table,
};
use capacity::projection::{project, ProjectionSettings};
use capacity::InputError;

use super::io::{
    check_outputs, emit, input_files, load_inputs, load_scenario, print_warnings, AtomicOutput,
    DataArgs, Kind, Planned,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Per area and step, a row a quarter (or a month with --monthly), then the steady-state
    /// checks
    Table,
    /// One row per area, step and month
    Csv,
    /// Every month and the steady-state checks
    Json,
}

const AFTER_HELP: &str = "\
Examples:
  capacity project --start 2027-04                       three years from April 2027
  capacity project my.toml --workforce staff.csv --backlog low=900 --backlog high=1500
  capacity project --months 120 --growth 0.03 --format csv -o projection.csv
  capacity project --workforce staff.csv --backlog high=1500 --meet-by 2027-03
                                                         the WTE that meets the standards

Demand is the model's episodes a year, spread over weeks (times --seasonality and --growth).
Capacity is the staff in post (the workforce file's effective WTE per step, else the required
WTE) times the episodes one WTE starts a year after DNAs and headroom. The list is first come,
first served in weekly cohorts; the share of starts within 6 and 18 weeks is counted from the
waits of the people who started. Staff in post stay as they are: recruitment, trainees and
turnover over time are not yet modelled.

With --referrals, the months a service counted replace the modelled demand: a step's row is
its new episodes; a pathway's row (main for the stepped care) is spread over the pathway's steps
by the model's episodes of each per referral; other months keep the modelled demand.

With --meet-by, the smallest constant WTE in post per area and step that meets both standards
in every month from then to the horizon is found by bisection on the projection itself (to a
hundredth of a WTE); in the table after each area's steady-state line, and in the JSON as
\"solved\".";

/// Project each area's waiting list at each step of care month by month, against the 6- and
/// 18-week standards
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct ProjectArgs {
    /// Scenario: a TOML file or a preset name [default: obc]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Months to project, 1 to 600
    #[arg(long, default_value_t = 36)]
    pub months: u32,
    /// The first month, YYYY-MM [default: the month after today]
    #[arg(long, value_name = "YYYY-MM")]
    pub start: Option<String>,
    /// The waiting list at the start of a step, STEP=PEOPLE (repeatable), e.g. low=900
    #[arg(long, value_name = "STEP=PEOPLE")]
    pub backlog: Vec<String>,
    /// The starting list's people have waited 0 to this many weeks, evenly
    #[arg(long, default_value_t = 6, value_name = "WEEKS")]
    pub backlog_weeks: usize,
    /// Share of the list leaving untreated each month, a fraction
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub leave_rate: f64,
    /// Annual growth of referrals, a fraction (0.03 is 3% a year)
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub growth: f64,
    /// Referrals of each calendar month, January first, relative to the average month: 12
    /// comma-separated values averaging 1
    #[arg(long, value_name = "12 VALUES")]
    pub seasonality: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Every month in the table (default: a row a quarter)
    #[arg(long)]
    pub monthly: bool,
    /// Referrals the service counted, a CSV of area_code, month (YYYY-MM), step (a step id, or a
    /// pathway id such as main) and referrals: they replace the modelled demand of those months
    #[arg(long, value_name = "FILE")]
    pub referrals: Option<std::path::PathBuf>,
    /// Solve mode: also find, per area and step, the smallest constant WTE in post that meets
    /// 75% within 6 weeks and 95% within 18 weeks from this month to the horizon
    #[arg(long, value_name = "YYYY-MM")]
    pub meet_by: Option<String>,
    /// Write to this file (atomically) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// Today's (year, month) from the system clock, in UTC.
fn this_month() -> (i32, u32) {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month)
}

fn parse_start(arg: &str) -> Result<(i32, u32), InputError> {
    capacity::projection::parse_month(arg).ok_or_else(|| {
        InputError::one(format!(
            "--start {arg}: not a month; expected YYYY-MM, e.g. 2027-04"
        ))
    })
}

fn settings(args: &ProjectArgs, steps: &[&str]) -> Result<ProjectionSettings, InputError> {
    let mut problems = capacity::problems::Problems::new();
    if !(1..=600).contains(&args.months) {
        problems.push(format!(
            "--months {}: a projection is 1 to 600 months (50 years)",
            args.months
        ));
    }
    if !(args.leave_rate.is_finite() && (0.0..=1.0).contains(&args.leave_rate)) {
        problems.push(format!(
            "--leave-rate {}: not a fraction in [0, 1] (the share of the list leaving untreated each month)",
            args.leave_rate
        ));
    }
    if !(args.growth.is_finite() && (-0.5..=1.0).contains(&args.growth)) {
        problems.push(format!(
            "--growth {}: an annual growth is a fraction from -0.5 to 1 (0.03 is 3% a year)",
            args.growth
        ));
    }
    let mut backlog = vec![0.0; steps.len()];
    for b in &args.backlog {
        let parsed = b.split_once('=').and_then(|(s, n)| {
            let n: f64 = n.trim().parse().ok()?;
            Some((s.trim().to_string(), n))
        });
        match parsed {
            Some((step, n)) if n.is_finite() && n >= 0.0 => {
                match steps.iter().position(|s| *s == step) {
                    Some(i) => backlog[i] += n,
                    None => problems.push(format!(
                        "--backlog {b}: there is no step '{step}'; steps: {}",
                        steps.join(", ")
                    )),
                }
            }
            _ => problems.push(format!(
                "--backlog {b}: expected STEP=PEOPLE with a number of people 0 or more, e.g. low=900"
            )),
        }
    }
    let mut seasonality = [1.0; 12];
    if let Some(text) = &args.seasonality {
        let values: Vec<Option<f64>> = text.split(',').map(|v| v.trim().parse().ok()).collect();
        let ok = values.len() == 12
            && values
                .iter()
                .all(|v| v.is_some_and(|x: f64| x.is_finite() && x >= 0.0));
        let mean = values.iter().flatten().sum::<f64>() / 12.0;
        if !ok || (mean - 1.0).abs() > 1e-6 {
            problems.push(format!(
                "--seasonality {text}: expected 12 comma-separated values of 0 or more averaging 1 (January first), e.g. 0.9,1.1,..."
            ));
        } else {
            for (s, v) in seasonality.iter_mut().zip(values) {
                *s = v.unwrap_or(1.0);
            }
        }
    }
    if args.backlog_weeks == 0 || args.backlog_weeks > 520 {
        problems.push(format!(
            "--backlog-weeks {}: expected 1 to 520 weeks",
            args.backlog_weeks
        ));
    }
    let start = match &args.start {
        Some(s) => parse_start(s).map_err(|e| {
            problems.extend(e);
        }),
        None => {
            let (y, m) = this_month();
            Ok(if m == 12 { (y + 1, 1) } else { (y, m + 1) })
        }
    };
    let start = start.unwrap_or((2000, 1));
    let solve_from_month = match &args.meet_by {
        Some(text) => match parse_start(text) {
            Ok((y, m)) => {
                let from =
                    (i64::from(y) - i64::from(start.0)) * 12 + i64::from(m) - i64::from(start.1);
                if from < 0 || from >= i64::from(args.months) {
                    problems.push(format!(
                        "--meet-by {text}: not within the projection ({} months from {:04}-{:02}); give a month of it, or more --months",
                        args.months, start.0, start.1
                    ));
                    None
                } else {
                    Some(from as usize)
                }
            }
            Err(_) => {
                problems.push(format!(
                    "--meet-by {text}: not a month; expected YYYY-MM, e.g. 2027-03"
                ));
                None
            }
        },
        None => None,
    };
    problems.finish(())?;
    Ok(ProjectionSettings {
        start,
        months: args.months,
        seasonality,
        growth_rate: args.growth,
        leave_rate_per_month: args.leave_rate,
        backlog,
        backlog_weeks: args.backlog_weeks,
        standards_weeks: vec![6, 18],
        solve_from_month,
        referrals: Vec::new(),
    })
}

pub fn run(args: ProjectArgs) -> Result<ExitCode> {
    let (scenario, mut warnings) = load_scenario(args.scenario.as_deref())?;
    let settings = settings(&args, &scenario.step_ids())?;
    let (inputs, options, _provenance) = load_inputs(&args.data, &scenario)?;
    if let Some(path) = &args.output {
        let kind = match args.format {
            Format::Table => Kind::Text,
            Format::Csv => Kind::Csv,
            Format::Json => Kind::Json,
        };
        let mut read = input_files(&args.data, &scenario);
        if let Some(r) = &args.referrals {
            read.push(("--referrals", r.clone()));
        }
        check_outputs(&[Planned::new("--output", path, kind)], &read)?;
    }
    let output = args
        .output
        .as_deref()
        .map(AtomicOutput::create)
        .transpose()?;
    let (result, more) = capacity::model::run(&inputs, &scenario, &options)?;
    warnings.extend(more);
    let mut settings = settings;
    if let Some(path) = &args.referrals {
        let text = capacity::inputs::read_text_file(path, "referrals")?;
        settings.referrals = capacity::projection::parse_referrals(
            &path.display().to_string(),
            &text,
            &result,
            settings.start,
            settings.months,
        )?;
    }
    print_warnings(&warnings)?;
    let p = project(&result, &settings);
    let text = match args.format {
        Format::Table => render_projection_table(&p, args.monthly),
        Format::Csv => render_projection_csv(&p),
        Format::Json => render_projection_json(&p),
    };
    emit(output, &text)?;
    Ok(ExitCode::SUCCESS)
}
