//! `capacity sweep`: many runs of the model with assumptions varied, summarised as ranges.
//! The runs themselves are `capacity::sweep::execute`; this file reads the inputs, checks the
//! request fits, and writes the outputs (all or nothing).

use std::io::{IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use capacity::model::{self, Prepared};
use capacity::report::xlsx::sweep_workbook;
use capacity::report::{sha256_hex, shell_words, InputHash, MadeBy};
use capacity::scenario::{self, Scenario};
use capacity::sweep::execute::{area_labels, describe, execute, report_summary};
use capacity::sweep::fields::{parse_outputs, row_fields};
use capacity::sweep::plan::MAX_LHS_RUNS;
use capacity::sweep::report::{
    render_summary_csv, render_table, render_tornado_csv, render_tornado_table,
};
use capacity::sweep::rows::shard_runs;
use capacity::sweep::run::{bytes_per_row_estimate, rows_memory_estimate};
use capacity::sweep::spec::{self, Design};
use capacity::sweep::{RowFormat, Sweep};
use capacity::words::count;
use capacity::{embedded, InputError, Warnings};

use super::io::{
    check_outputs, commit_all, input_files, input_hashes, is_special_file, load_inputs,
    print_warnings, resolved, write_stdout, AtomicOutput, DataArgs, Failure, Kind, Planned,
};
use super::system::{available_memory, bytes_text, free_disk};

const AFTER_HELP: &str = "\
The sweep file (TOML; unknown keys are errors):
  base = \"obc\"              a preset name or a scenario file (relative to the sweep file)
  design = \"monte-carlo\"    grid | monte-carlo | latin-hypercube | one-way
  runs = 100000             monte-carlo and latin-hypercube; run 0 is always the base
  seed = 42                 monte-carlo and latin-hypercube

  [[vary]]                  one table per varied scenario key
  param = \"demand.presentation_rate\"
  dist = \"uniform\"          uniform | triangular (mode = ...) | normal80 | lognormal80 | beta
  low = 0.3                 normal80, lognormal80, beta: the 10th and 90th percentiles (a beta
  high = 0.7                lies on min to max, default 0 to 1); random draws are clamped to
                            the key's valid range (with a warning giving the share clamped)
  # grid: values = [0.4, 0.5, 0.6], or from = 0.4, to = 0.6, steps = 3
  # one-way: low and high only

Worked examples of each design are in scenarios/sweeps/.

Examples:
  capacity sweep scenarios/sweeps/monte-carlo.toml --summary summary.csv
  capacity sweep scenarios/sweeps/grid.toml --rows rows.csv --summary summary.csv
  capacity sweep scenarios/sweeps/one-way.toml --tornado tornado.csv
  capacity sweep scenarios/sweeps/one-way.toml --format xlsx --output sweep.xlsx
  capacity sweep big.toml --shard 3/10 --rows rows-3.csv     then: capacity summarize rows-*.csv";

/// Run many scenarios at once: grids, Monte Carlo uncertainty and one-way sensitivity
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct SweepArgs {
    /// The sweep file (TOML): base scenario, design and the [[vary]] tables
    pub sweep: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Write the summary (CSV: per area and output, mean, sd, min, p5, p10, p50, p90, p95,
    /// max and the base run's value) to this file
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Write every run's rows (CSV: run, area_code, the varied parameters, then the fields of
    /// `capacity model --format csv`) to this file, streamed
    #[arg(long, value_name = "FILE")]
    pub rows: Option<PathBuf>,
    /// Write the one-way tornado (CSV: param, low_value, high_value, output, at_low, at_high,
    /// swing, base) to this file; design = "one-way" only
    #[arg(long, value_name = "FILE")]
    pub tornado: Option<PathBuf>,
    /// Write the manifest (tool version, resolved sweep and scenario, seed, runs, input hashes)
    /// here [default: ROWS.manifest.json beside the --rows file, which `capacity summarize`
    /// reads; else manifest.json beside the first output file]
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// The outputs to summarise, comma-separated: any field of `capacity model` that is always a
    /// number (not the ratios, unit costs, shares met or flags) [default:
    /// low_wte,high_wte,total_wte,referred,gap_low_wte,gap_high_wte]
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub outputs: Vec<String>,
    /// Override the sweep file's runs (monte-carlo and latin-hypercube)
    #[arg(long, value_name = "N")]
    pub runs: Option<u64>,
    /// Evaluate only the K-th of N equal slices of the runs (e.g. 3/10), for job arrays;
    /// combine the shards' --rows files with `capacity summarize`
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Write the rows only, with no summary or table: memory then does not grow with the
    /// runs (summarise the rows files later with `capacity summarize`)
    #[arg(long, requires = "rows", conflicts_with_all = ["summary", "tornado", "outputs", "format", "output"])]
    pub no_summary: bool,
    /// What goes to stdout (or --output): the table for people, or an Excel workbook (sheets
    /// Summary, Tornado for a one-way design, Varied, Assumptions, Inputs)
    #[arg(long, value_enum, default_value_t = SweepFormat::Table)]
    pub format: SweepFormat,
    /// Write the table or workbook to this file (atomically) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SweepFormat {
    /// The sweep described, and a table of each area's median and 5-95% range
    Table,
    /// An Excel workbook (give --output FILE.xlsx): real numbers, one sheet per table
    Xlsx,
}

/// `--shard K/N`: the runs of slice K (1-based) of N equal slices of 0..total.
fn parse_shard(arg: &str, total: u64) -> Result<(u64, u64, Range<u64>), InputError> {
    let err = || {
        InputError::one(format!(
            "--shard {arg}: expected K/N with 1 <= K <= N, e.g. --shard 3/10 for the third of ten slices"
        ))
    };
    let (k, n) = arg.split_once('/').ok_or_else(err)?;
    let k: u64 = k.trim().parse().map_err(|_| err())?;
    let n: u64 = n.trim().parse().map_err(|_| err())?;
    if n == 0 || k == 0 || k > n {
        return Err(err());
    }
    // Every shard must hold a run, so that every rows file says which runs it holds.
    if n > total {
        return Err(InputError::one(format!(
            "--shard {arg}: {n} slices of {total} runs (run 0 and the sweep's runs) would leave some empty; use at most {total} slices"
        )));
    }
    Ok((k, n, shard_runs(total, k, n)))
}

/// A sweep file read and checked, its base scenario, and the data prepared for its runs:
/// what `capacity sweep` and `capacity report --sweep` start from.
pub struct LoadedSweep {
    pub sweep: Sweep,
    pub base: Scenario,
    /// The sweep file's text, for its hash.
    pub text: String,
    pub warnings: Warnings,
    pub prepared: Prepared,
}

/// Reads and checks the sweep file and its base scenario (no data yet).
pub fn load_sweep(path: &Path) -> Result<(Sweep, Scenario, String, Warnings)> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::one(format!("{label}: cannot read the sweep file: {e}")))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let file = spec::parse(&label, &text, &dir)?;
    let (base, warnings) = scenario::load(&file.base_source()).map_err(|e| {
        InputError::one(format!(
            "{}: base = \"{}\" cannot be loaded: {e}",
            file.base_at(),
            file.base()
        ))
    })?;
    let sweep = file.resolve(&base)?;
    let mut warnings = warnings;
    warnings.extend(sweep.warnings.iter().cloned());
    Ok((sweep, base, text, warnings))
}

/// `--runs N` in place of the sweep file's runs (random designs only).
pub fn override_runs(sweep: &mut Sweep, runs: Option<u64>) -> Result<(), InputError> {
    let Some(runs) = runs else { return Ok(()) };
    if !sweep.design.is_random() || runs == 0 || runs > spec::MAX_RUNS {
        return Err(InputError::one(format!(
            "--runs {runs}: {}; --runs sets the number of random runs (>= 1) of a monte-carlo or latin-hypercube sweep",
            if runs == 0 || runs > spec::MAX_RUNS {
                format!("not between 1 and {}", spec::MAX_RUNS)
            } else {
                format!(
                    "{} has design = \"{}\", whose runs follow from its [[vary]] tables",
                    sweep.label,
                    sweep.design.name()
                )
            }
        )));
    }
    if sweep.design == Design::LatinHypercube && runs > MAX_LHS_RUNS {
        return Err(InputError::one(format!(
            "--runs {runs}: more than a Latin hypercube can stratify here ({MAX_LHS_RUNS}); use fewer runs or design = \"monte-carlo\""
        )));
    }
    sweep.runs = runs;
    Ok(())
}

/// Reads the data the sweep's base scenario names (or the flags override) and prepares it;
/// `warnings` so far are moved into the result.
pub fn prepare_data(
    sweep: Sweep,
    base: Scenario,
    text: String,
    warnings: &mut Warnings,
    data: &DataArgs,
) -> Result<LoadedSweep> {
    if sweep.design == Design::LatinHypercube && sweep.runs > MAX_LHS_RUNS {
        return Err(InputError::one(format!(
            "{}: runs = {} is more than a Latin hypercube can stratify here ({MAX_LHS_RUNS}); use fewer runs or design = \"monte-carlo\"",
            sweep.label, sweep.runs
        ))
        .into());
    }
    let (inputs, options, _) = load_inputs(data, &base)?;
    let (prepared, more) = model::prepare(&inputs, &base, &options)?;
    sweep.check_data(&prepared, &base)?;
    Ok(LoadedSweep {
        sweep,
        base,
        text,
        warnings: std::mem::take(warnings).into_iter().chain(more).collect(),
        prepared,
    })
}

/// Fails early, with the sizes and what to change, when exact percentiles of `outputs`
/// outputs over `n` runs would not fit in memory.
pub fn check_memory(
    sweep: &Sweep,
    prepared: &Prepared,
    outputs: usize,
    n: u64,
    rows: Option<&RowFormat>,
) -> Result<(), InputError> {
    let areas = prepared.groups.len() + 1;
    let column_bytes = n as f64 * areas as f64 * outputs as f64 * 8.0;
    let strata_bytes = if sweep.design == Design::LatinHypercube {
        sweep.runs as f64 * sweep.params.len() as f64 * 4.0
    } else {
        0.0
    };
    let rows_bytes = rows.map_or(0.0, |f| rows_memory_estimate(f, areas, outputs));
    let need = column_bytes + strata_bytes + rows_bytes;
    let Some(avail) = available_memory() else {
        return Ok(());
    };
    if outputs == 0 && need > 0.9 * avail as f64 {
        // Streaming rows alone: what is held depends on the areas only.
        return Err(InputError::one(format!(
            "{}: writing the rows of {areas} areas holds about {} of memory at once, and {} is available; use fewer areas (--level region, --area CODE) or a machine with more memory",
            sweep.label,
            bytes_text(need),
            bytes_text(avail as f64)
        )));
    }
    if need > 0.9 * avail as f64 {
        let fewer = if outputs > 1 {
            "summarise fewer outputs (e.g. --outputs total_wte), "
        } else {
            ""
        };
        return Err(InputError::one(format!(
            "{}: {n} runs x {areas} areas x {outputs} outputs need {} of memory for exact percentiles, and {} is available; {fewer}use fewer runs or --level region, or split the sweep with --shard K/N --rows and combine the rows files on a larger machine with `capacity summarize`",
            sweep.label,
            bytes_text(need),
            bytes_text(avail as f64)
        )));
    }
    Ok(())
}

/// The SHA-256 of every input: the sweep file, the data and scenario files of
/// `input_hashes` (or the embedded data), and the embedded pay table the costs use.
pub fn sweep_input_hashes(
    sweep_path: &Path,
    sweep_text: &str,
    data: &DataArgs,
    base: &Scenario,
) -> Result<Vec<InputHash>> {
    let mut out = vec![InputHash {
        what: "sweep".into(),
        source: sweep_path.display().to_string(),
        sha256: sha256_hex(sweep_text.as_bytes()),
    }];
    out.extend(input_hashes(data, base)?);
    out.push(InputHash {
        what: "pay".into(),
        source: embedded::AFC_PAY_SOURCE.into(),
        sha256: sha256_hex(embedded::AFC_PAY_CSV.as_bytes()),
    });
    Ok(out)
}

/// Where the outputs go, each named by its flag: the files asked for, the manifest (given,
/// or by default beside the rows file as ROWS.manifest.json, else manifest.json beside the
/// first output file) and the rows file's own manifest, which `capacity summarize` reads.
struct OutputPaths {
    output: Option<PathBuf>,
    summary: Option<PathBuf>,
    rows: Option<PathBuf>,
    tornado: Option<PathBuf>,
    manifest: Option<PathBuf>,
    rows_manifest: Option<PathBuf>,
}

impl OutputPaths {
    fn new(args: &SweepArgs, shard: Option<(u64, u64)>) -> OutputPaths {
        let rows_manifest = args
            .rows
            .as_ref()
            .filter(|p| !is_special_file(p))
            .map(|p| p.with_extension("manifest.json"));
        let manifest = args.manifest.clone().or_else(|| {
            if rows_manifest.is_some() {
                return None;
            }
            let first = [&args.summary, &args.tornado, &args.output]
                .into_iter()
                .flatten()
                .find(|p| !is_special_file(p))?;
            let name = match shard {
                Some((k, n)) => format!("manifest.shard-{k}-of-{n}.json"),
                None => "manifest.json".to_string(),
            };
            Some(first.with_file_name(name))
        });
        // A --manifest that is the rows file's own manifest is written once.
        let rows_manifest =
            rows_manifest.filter(|r| manifest.as_ref().is_none_or(|m| resolved(m) != resolved(r)));
        OutputPaths {
            output: args.output.clone(),
            summary: args.summary.clone(),
            rows: args.rows.clone(),
            tornado: args.tornado.clone(),
            manifest,
            rows_manifest,
        }
    }

    /// (flag, path) of every output.
    fn named(&self, explicit_manifest: bool) -> Vec<(String, PathBuf)> {
        let manifest = if explicit_manifest {
            "--manifest"
        } else {
            "the manifest"
        };
        [
            ("--output", &self.output),
            ("--summary", &self.summary),
            ("--rows", &self.rows),
            ("--tornado", &self.tornado),
            (manifest, &self.manifest),
            ("the rows file's manifest", &self.rows_manifest),
        ]
        .into_iter()
        .filter_map(|(flag, p)| p.clone().map(|p| (flag.to_string(), p)))
        .collect()
    }
}

pub fn run(args: SweepArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let (mut sweep, base, sweep_text, mut warnings) = load_sweep(&args.sweep)?;
    override_runs(&mut sweep, args.runs)?;
    let outputs = if args.no_summary {
        Vec::new()
    } else {
        parse_outputs(&args.outputs, Some(&base.step_ids()))?
    };
    let total_runs = sweep.total_runs();
    let (shard, runs) = match &args.shard {
        Some(s) => {
            let (k, n, r) = parse_shard(s, total_runs)?;
            (Some((k, n)), r)
        }
        None => (None, 0..total_runs),
    };
    if args.tornado.is_some() && sweep.design != Design::OneWay {
        return Err(InputError::one(format!(
            "--tornado: {} has design = \"{}\"; a tornado needs design = \"one-way\" (each parameter at its low and high)",
            sweep.label,
            sweep.design.name()
        ))
        .into());
    }
    if args.tornado.is_some() && shard.is_some() {
        return Err(InputError::one(
            "--tornado with --shard: a tornado needs every run; run the one-way sweep whole (it has only 2 runs per parameter)",
        )
        .into());
    }
    if args.format == SweepFormat::Xlsx && args.output.is_none() && std::io::stdout().is_terminal()
    {
        return Err(InputError::one(
            "--format xlsx writes a binary workbook: give --output FILE.xlsx (or redirect stdout to a file)",
        )
        .into());
    }
    let paths = OutputPaths::new(&args, shard);
    let named = paths.named(args.manifest.is_some());
    let planned: Vec<Planned> = named
        .iter()
        .map(|(flag, path)| match flag.as_str() {
            "--output" => Planned::new(
                flag,
                path,
                match args.format {
                    SweepFormat::Table => Kind::Text,
                    SweepFormat::Xlsx => Kind::Xlsx,
                },
            )
            .or_formats(&[
                (Kind::Text, "--format table"),
                (Kind::Xlsx, "--format xlsx"),
            ]),
            "--summary" | "--rows" | "--tornado" => Planned::new(flag, path, Kind::Csv),
            _ => Planned::new(flag, path, Kind::Json),
        })
        .collect();
    let mut read = input_files(&args.data, &base);
    read.push(("sweep", args.sweep.clone()));
    check_outputs(&planned, &read)?;

    let loaded = prepare_data(sweep, base, sweep_text, &mut warnings, &args.data)?;
    let LoadedSweep {
        sweep,
        base,
        text: sweep_text,
        warnings,
        prepared,
        ..
    } = loaded;
    let areas = area_labels(&prepared);

    // Fail early on what cannot fit.
    let n = runs.end - runs.start;
    let param_paths: Vec<String> = sweep.params.iter().map(|p| p.path.clone()).collect();
    let format = RowFormat::new(
        &areas,
        param_paths.len(),
        row_fields(&base.step_ids()).len(),
    );
    check_memory(
        &sweep,
        &prepared,
        outputs.len(),
        n,
        args.rows.as_ref().map(|_| &format),
    )?;
    if let Some(rows) = args.rows.as_ref().filter(|p| !is_special_file(p)) {
        let bytes = n as f64 * areas.len() as f64 * bytes_per_row_estimate(&format) as f64;
        if let Some(free) = free_disk(rows) {
            if bytes > free as f64 {
                return Err(InputError::one(format!(
                    "--rows {}: {n} runs x {} areas would write about {} and the disk has {} free; write fewer runs (--shard K/N), summarise without --rows, or choose another disk",
                    rows.display(),
                    areas.len(),
                    bytes_text(bytes),
                    bytes_text(free as f64)
                ))
                .into());
            }
        }
    }
    let inputs = sweep_input_hashes(&args.sweep, &sweep_text, &args.data, &base)?;

    // Open every output before the work, so a bad path fails now.
    let mut open = Vec::new();
    for (flag, path) in &named {
        open.push((flag.as_str(), AtomicOutput::create_for(flag, path)?));
    }
    let mut take = |flag: &str| {
        open.iter()
            .position(|(f, _)| *f == flag)
            .map(|i| open.remove(i).1)
    };
    let mut rows_out = take("--rows");
    let main_out = take("--output");
    let summary_out = take("--summary");
    let tornado_out = take("--tornado");
    let manifest_outs: Vec<AtomicOutput> = open.into_iter().map(|(_, o)| o).collect();
    print_warnings(&warnings)?;

    // A progress bar on a terminal, once the sweep has taken more than a moment.
    let bar = ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} runs {wide_bar} {eta}")
            .expect("valid template"),
    );
    let terminal = std::io::stderr().is_terminal();
    let shown = AtomicBool::new(false);
    let progress = |done: u64| {
        bar.inc(done);
        if terminal
            && !shown.load(Ordering::Relaxed)
            && started.elapsed().as_millis() > 500
            && !shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    };

    let outcome = {
        let writer = rows_out
            .as_mut()
            .map(|o| o.writer() as &mut (dyn Write + Send));
        execute(
            &sweep,
            &base,
            &prepared,
            &outputs,
            runs.clone(),
            writer,
            &progress,
        )
        .map_err(|e| {
            // The io::Error stays the source: a closed pipe (`--rows /dev/stdout | head`) is
            // a reader that stopped, not a failure.
            anyhow::Error::new(e).context(Failure(format!(
                "--rows {}: writing failed",
                args.rows
                    .as_ref()
                    .map_or("-".into(), |p| p.display().to_string())
            )))
        })?
    };
    bar.finish_and_clear();

    let mut text = describe(&sweep, &base);
    // A one-way design has a handful of extreme runs, not a distribution: percentiles over
    // them mean nothing, the swing of each parameter does.
    let one_way = sweep.design == Design::OneWay;
    text.push_str(&format!(
        "{} (level {}); {n} of {} evaluated{}{}\n",
        count(areas.len() - 1, "area"),
        areas.first().map_or("-", |a| a.level.as_str()),
        count(total_runs, "run"),
        match shard {
            Some((k, s)) => format!(
                " (shard {k}/{s}: runs {} to {})",
                runs.start,
                runs.end.saturating_sub(1)
            ),
            None => String::new(),
        },
        if one_way {
            "; each parameter at its low and at its high, the others at base"
        } else {
            "; median and 5-95% range over the runs after run 0"
        }
    ));
    if outputs.is_empty() {
        text.push_str(&format!(
            "{} written to {} (no summary: `capacity summarize` reads them)\n",
            count(n * areas.len() as u64, "row"),
            args.rows
                .as_ref()
                .map_or("-".into(), |p| p.display().to_string())
        ));
    } else if !one_way {
        text.push_str(&render_table(&areas, &outputs, &outcome.summaries));
    } else if let Some(rows) = &outcome.tornado {
        text.push_str(&render_tornado_table(rows));
    } else {
        text.push_str(
            "A tornado needs every run: run this one-way sweep whole (without --shard) to see it\n",
        );
    }

    // The table, or the workbook, for stdout or --output.
    let main = match args.format {
        SweepFormat::Table => text.into_bytes(),
        SweepFormat::Xlsx => {
            let mut words: Vec<String> = vec!["capacity".into()];
            words.extend(std::env::args().skip(1));
            let made_by = MadeBy {
                tool: format!("capacity {}", env!("CARGO_PKG_VERSION")),
                command: shell_words(&words),
                inputs: inputs.clone(),
            };
            sweep_workbook(&report_summary(&sweep, &base, &outcome), &base, &made_by)
                .map_err(|e| Failure(format!("writing the workbook: {e}")))?
        }
    };

    // Everything is written to temporary files first and renamed only when all succeeded.
    let mut commits: Vec<(AtomicOutput, Vec<u8>)> = Vec::new();
    let to_stdout = match main_out {
        Some(out) => {
            commits.push((out, main));
            None
        }
        None => Some(main),
    };
    if let Some(out) = rows_out {
        commits.push((out, Vec::new()));
    }
    if let Some(out) = summary_out {
        let csv = render_summary_csv(&areas, &outputs, &outcome.summaries);
        commits.push((out, csv.into_bytes()));
    }
    if let (Some(out), Some(rows)) = (tornado_out, &outcome.tornado) {
        commits.push((out, render_tornado_csv(rows).into_bytes()));
    }
    if !manifest_outs.is_empty() {
        let tool = format!("capacity {}", env!("CARGO_PKG_VERSION"));
        // What decides every run's values and rows: shards of one sweep share it.
        let identity = json!({
            "tool": tool,
            "inputs": inputs.iter().map(|h| json!({"role": h.what, "sha256": h.sha256})).collect::<Vec<_>>(),
            "runs": sweep.runs,
            "seed": sweep.seed,
            "areas_sha256": sha256_hex(areas.iter().map(|a| format!("{}\t{}\n", a.code, a.level)).collect::<String>().as_bytes()),
        });
        let manifest = json!({
            "tool": tool,
            "command": std::env::args().collect::<Vec<_>>(),
            "sweep_id": sha256_hex(identity.to_string().as_bytes()),
            "identity": identity,
            "sweep": &sweep,
            "base_scenario": &base,
            "seed": sweep.seed,
            "total_runs": total_runs,
            "total_runs_counts": "run 0 (the base) and the sweep.runs runs after it",
            "first_run": runs.start,
            "last_run": runs.end as i128 - 1,
            "shard": shard.map(|(k, s)| json!({"k": k, "n": s})),
            "level": areas.first().map(|a| a.level.clone()),
            "area_filter": &args.data.areas_filter,
            "outputs": outputs,
            "random_stream": "ChaCha8 (rand_chacha 0.9.0), seeded with seed_from_u64(seed); run r reads stream r",
            "inputs": inputs.iter().map(|h| json!({"role": h.what, "source": h.source, "sha256": h.sha256})).collect::<Vec<_>>(),
            "files": {
                "output": paths.output.as_ref().map(|p| p.display().to_string()),
                "summary": paths.summary.as_ref().map(|p| p.display().to_string()),
                "rows": paths.rows.as_ref().map(|p| p.display().to_string()),
                "tornado": paths.tornado.as_ref().map(|p| p.display().to_string()),
            },
        });
        let mut s = serde_json::to_string_pretty(&manifest).expect("plain data serialises");
        s.push('\n');
        for out in manifest_outs {
            commits.push((out, s.clone().into_bytes()));
        }
    }
    commit_all(commits)?;

    if let Some(bytes) = to_stdout {
        write_stdout(&bytes)?;
    }
    if terminal {
        // Not eprintln!: a closed stderr is no reason to panic.
        let _ = writeln!(
            std::io::stderr(),
            "{n} runs x {} areas in {:.2} s",
            areas.len() - 1,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
