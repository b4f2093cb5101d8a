//! `capacity sweep`: many runs of the model with assumptions varied, summarised as ranges.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use sha2::{Digest, Sha256};

use capacity::model::{self, Prepared};
use capacity::scenario::{self, Scenario};
use capacity::sweep::fast::FastModel;
use capacity::sweep::fields::{self, field_index, StaffingPlan, DEFAULT_OUTPUTS};
use capacity::sweep::plan::{probe_scenario, MAX_LHS_RUNS};
use capacity::sweep::report::{
    render_summary_csv, render_table, render_tornado_csv, render_tornado_table, summarize_columns,
    tornado,
};
use capacity::sweep::run::bytes_per_row_estimate;
use capacity::sweep::spec::{self, Design};
use capacity::sweep::{AreaLabel, Engine, Plan, RowFormat, Sweep};
use capacity::{embedded, InputError};

use super::io::{is_special_file, load_inputs, print_warnings, AtomicOutput, DataArgs, Failure};

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
                            the key's valid range
  # grid: values = [0.4, 0.5, 0.6], or from = 0.4, to = 0.6, steps = 3
  # one-way: low and high only

Worked examples of each design are in scenarios/sweeps/.

Examples:
  capacity sweep scenarios/sweeps/monte-carlo.toml --summary summary.csv
  capacity sweep scenarios/sweeps/grid.toml --rows rows.csv --summary summary.csv
  capacity sweep scenarios/sweeps/one-way.toml --tornado tornado.csv
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
    /// swing) to this file; design = "one-way" only
    #[arg(long, value_name = "FILE")]
    pub tornado: Option<PathBuf>,
    /// Write the manifest (tool version, resolved sweep and scenario, seed, input hashes)
    /// here [default: manifest.json beside the first output file]
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// The outputs to summarise, comma-separated: any field of `capacity model` that is always a
    /// number (not the ratios, unit costs or flags), and cost_medication and cost_total when
    /// the medication cost is known [default:
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
    #[arg(long, requires = "rows", conflicts_with_all = ["summary", "tornado", "outputs"])]
    pub no_summary: bool,
}

/// The costs a summary can take besides the fields that are always numbers: blank only when
/// people choose medication alone and no course cost is known.
const COST_OUTPUTS: [&str; 2] = ["cost_medication", "cost_total"];

/// The fields to summarise, checked. `cost_blank` says why the costs would be blank in every
/// run (then they cannot be summarised); None when they are known.
pub fn parse_outputs(list: &[String], cost_blank: Option<&str>) -> Result<Vec<usize>, InputError> {
    let names: Vec<&str> = if list.is_empty() {
        DEFAULT_OUTPUTS.to_vec()
    } else {
        list.iter().map(|s| s.trim()).collect()
    };
    let mut valid = fields::summarisable();
    valid.extend(COST_OUTPUTS);
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut problems = capacity::problems::Problems::new();
    for n in names {
        match (field_index(n), cost_blank) {
            (Some(_), Some(why)) if COST_OUTPUTS.contains(&n) => {
                problems.push(format!("--outputs {n}: {why}"))
            }
            (Some(i), _) if valid.contains(&n) => {
                if !out.contains(&i) {
                    out.push(i)
                }
            }
            _ => bad.push(n.to_string()),
        }
    }
    if !bad.is_empty() {
        problems.push(format!(
            "--outputs {}: not an output that can be summarised; expected any of {}",
            bad.join(","),
            valid.join(", ")
        ));
    }
    problems.finish(out)
}

/// Why the base scenario's costs are blank in every run, if they are.
fn cost_blank(sweep: &Sweep, base: &Scenario) -> Option<String> {
    let course_known = base.costs.medication_course_cost.is_some()
        || sweep
            .params
            .iter()
            .any(|p| p.path == "costs.medication_course_cost");
    (base.any_medication_only() && !course_known).then(|| {
        format!(
            "the base scenario {} sends people to medication alone (medication_only > 0) but sets no costs.medication_course_cost, so cost_medication and cost_total are blank in every run; set the cost of one course in the base scenario",
            base.name
        )
    })
}

/// `--shard K/N`: the runs of slice K (1-based) of N equal slices of 0..total.
fn parse_shard(arg: &str, total: u64) -> Result<(u64, u64, std::ops::Range<u64>), InputError> {
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
    let at = |i: u64| (u128::from(total) * u128::from(i) / u128::from(n)) as u64;
    Ok((k, n, at(k - 1)..at(k)))
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn hash_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("hashing {}", path.display()))?;
    Ok(sha256_hex(&bytes))
}

/// Memory the system can give without swapping, when it says.
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Free space for an unprivileged user in the folder that will hold `path`.
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)]
fn free_disk(path: &Path) -> Option<u64> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let c = CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the zeroed struct and reads a valid NUL-terminated path.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    Some(s.f_bavail as u64 * s.f_frsize as u64)
}

#[cfg(not(unix))]
fn free_disk(_: &Path) -> Option<u64> {
    None
}

fn gib(bytes: f64) -> String {
    format!("{:.1} GiB", bytes / (1u64 << 30) as f64)
}

/// A rows file streamed to a temporary file beside it and renamed when complete (or, for a
/// device or pipe such as /dev/null, written in place).
struct RowsOutput {
    path: PathBuf,
    /// None when written in place.
    tmp: Option<PathBuf>,
    writer: Option<BufWriter<File>>,
}

impl RowsOutput {
    fn create(path: &Path) -> Result<RowsOutput> {
        if path.is_dir() {
            return Err(InputError::one(format!(
                "--rows {}: is a directory; give a file path",
                path.display()
            ))
            .into());
        }
        if is_special_file(path) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| {
                    InputError::one(format!(
                        "--rows {}: cannot write there: {e}",
                        path.display()
                    ))
                })?;
            return Ok(RowsOutput {
                path: path.to_path_buf(),
                tmp: None,
                writer: Some(BufWriter::with_capacity(1 << 20, file)),
            });
        }
        let name = path
            .file_name()
            .with_context(|| format!("--rows {}: not a file name", path.display()))?;
        let tmp = path.with_file_name(format!(
            ".{}.tmp{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = File::create(&tmp).map_err(|e| {
            InputError::one(format!(
                "--rows {}: cannot write there: {e}; give a path in an existing, writable folder",
                path.display()
            ))
        })?;
        Ok(RowsOutput {
            path: path.to_path_buf(),
            tmp: Some(tmp),
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("open until committed")
    }

    fn commit(mut self) -> Result<()> {
        let mut w = self.writer.take().expect("committed once");
        w.flush()
            .with_context(|| format!("writing {}", self.path.display()))
            .map_err(|e| Failure(format!("{e:#}")))?;
        drop(w);
        if let Some(tmp) = &self.tmp {
            std::fs::rename(tmp, &self.path).map_err(|e| {
                Failure(format!(
                    "renaming {} to {}: {e}",
                    tmp.display(),
                    self.path.display()
                ))
            })?;
        }
        Ok(())
    }
}

impl Drop for RowsOutput {
    fn drop(&mut self) {
        if let (Some(_), Some(tmp)) = (&self.writer, &self.tmp) {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Reads and checks the sweep file and its base scenario.
pub fn load_sweep(path: &Path) -> Result<(Sweep, Scenario, String, capacity::Warnings)> {
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
    Ok((sweep, base, text, warnings))
}

fn area_labels(prepared: &Prepared) -> Vec<AreaLabel> {
    prepared
        .groups
        .iter()
        .map(|g| AreaLabel {
            code: g.code.clone(),
            name: g.name.clone(),
            level: g.level.clone(),
        })
        .chain(std::iter::once(AreaLabel {
            code: "total".into(),
            name: "Total".into(),
            level: "total".into(),
        }))
        .collect()
}

/// The hashes of every input: the sweep file, each scenario file of the base's chain and
/// the data files (or the embedded text when no file was given).
fn input_hashes(
    args: &SweepArgs,
    sweep_text: &str,
    base: &Scenario,
) -> Result<Vec<serde_json::Value>> {
    let mut out = vec![json!({
        "role": "sweep",
        "source": args.sweep.display().to_string(),
        "sha256": sha256_hex(sweep_text.as_bytes()),
    })];
    for source in &base.sources {
        let hash = match source.strip_prefix("preset:") {
            Some(name) => sha256_hex(scenario::preset_text(name).unwrap_or("").as_bytes()),
            None => hash_file(Path::new(source))?,
        };
        out.push(json!({"role": "scenario", "source": source, "sha256": hash}));
    }
    let pick = |flag: &Option<PathBuf>, key: &Option<PathBuf>| flag.clone().or_else(|| key.clone());
    let population = pick(&args.data.population, &base.data.population);
    let embedded_population = population.is_none();
    // (role, the file given, else the embedded data's label and text)
    type Input<'a> = (&'a str, Option<PathBuf>, Option<(&'a str, &'a str)>);
    let files: [Input; 4] = [
        (
            "population",
            population,
            Some((embedded::POPULATION_SOURCE, embedded::POPULATION_CSV)),
        ),
        (
            "prevalence",
            pick(&args.data.prevalence, &base.data.prevalence),
            Some((embedded::PREVALENCE_SOURCE, embedded::PREVALENCE_CSV)),
        ),
        (
            "areas",
            pick(&args.data.areas, &base.data.areas),
            embedded_population.then_some((embedded::AREAS_SOURCE, embedded::AREAS_CSV)),
        ),
        (
            "workforce",
            pick(&args.data.workforce, &base.data.workforce),
            None,
        ),
    ];
    for (role, path, fallback) in files {
        match (path, fallback) {
            (Some(p), _) => out.push(json!({
                "role": role,
                "source": p.display().to_string(),
                "sha256": hash_file(&p)?,
            })),
            (None, Some((label, text))) => out.push(json!({
                "role": role,
                "source": label,
                "sha256": sha256_hex(text.as_bytes()),
            })),
            (None, None) => {}
        }
    }
    Ok(out)
}

/// The first line of the stdout report.
fn describe(sweep: &Sweep, base: &Scenario) -> String {
    let mut s = format!(
        "Sweep {}: design {}, base scenario {}",
        sweep.label,
        sweep.design.name(),
        base.name
    );
    match sweep.design {
        Design::Grid => s.push_str(&format!(", {} grid points", sweep.runs)),
        Design::OneWay => s.push_str(&format!(
            ", {} parameters at low and high ({} runs)",
            sweep.params.len(),
            sweep.runs
        )),
        _ => s.push_str(&format!(
            ", {} runs, seed {}",
            sweep.runs,
            sweep.seed.unwrap_or(0)
        )),
    }
    s.push_str("; run 0 is the base\n");
    for p in &sweep.params {
        let how = match &p.values {
            spec::Values::Dist(d) => d.describe(),
            spec::Values::List(v) => format!(
                "values {}",
                v.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            spec::Values::LowHigh { low, high } => format!("low {low}, high {high}"),
        };
        s.push_str(&format!("  {}: {how}\n", p.path));
    }
    s
}

pub fn run(args: SweepArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let (mut sweep, base, sweep_text, mut warnings) = load_sweep(&args.sweep)?;
    if let Some(runs) = args.runs {
        if !sweep.design.is_random() || runs == 0 || runs > spec::MAX_RUNS {
            return Err(InputError::one(format!(
                "--runs {runs}: {}; --runs sets the number of random runs (>= 1) of a monte-carlo or latin-hypercube sweep",
                if runs == 0 || runs > spec::MAX_RUNS { format!("not between 1 and {}", spec::MAX_RUNS) } else { format!("{} has design = \"{}\", whose runs follow from its [[vary]] tables", sweep.label, sweep.design.name()) }
            ))
            .into());
        }
        sweep.runs = runs;
    }
    let outputs = if args.no_summary {
        Vec::new()
    } else {
        parse_outputs(&args.outputs, cost_blank(&sweep, &base).as_deref())?
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
    if sweep.design == Design::LatinHypercube && sweep.runs > MAX_LHS_RUNS {
        return Err(InputError::one(format!(
            "{}: runs = {} is more than a Latin hypercube can stratify here ({MAX_LHS_RUNS}); use fewer runs or design = \"monte-carlo\"",
            sweep.label, sweep.runs
        ))
        .into());
    }

    let (inputs, options, _provenance) = load_inputs(&args.data, &base)?;
    let (prepared, more) = model::prepare(&inputs, &base, &options)?;
    warnings.extend(more);
    sweep.check_data(&prepared)?;
    let areas = area_labels(&prepared);

    // Fail early on what cannot fit.
    let n = runs.end - runs.start;
    let column_bytes = n as f64 * areas.len() as f64 * outputs.len() as f64 * 8.0;
    let strata_bytes = if sweep.design == Design::LatinHypercube {
        sweep.runs as f64 * sweep.params.len() as f64 * 4.0
    } else {
        0.0
    };
    let need = column_bytes + strata_bytes;
    if let Some(avail) = available_memory() {
        if need > 0.9 * avail as f64 {
            return Err(InputError::one(format!(
                "{}: {n} runs x {} areas x {} outputs need {} of memory for exact percentiles, and {} is available; summarise fewer outputs (--outputs total_wte), use fewer runs or --level region, or split the sweep with --shard K/N --rows and combine the rows files on a larger machine with `capacity summarize`",
                sweep.label,
                areas.len(),
                outputs.len(),
                gib(need),
                gib(avail as f64)
            ))
            .into());
        }
    }
    let paths: Vec<String> = sweep.params.iter().map(|p| p.path.clone()).collect();
    let format = RowFormat::new(&areas, paths.len());
    if let Some(rows) = args.rows.as_ref().filter(|p| !is_special_file(p)) {
        let bytes = n as f64 * areas.len() as f64 * bytes_per_row_estimate(&format) as f64;
        if let Some(free) = free_disk(rows) {
            if bytes > free as f64 {
                return Err(InputError::one(format!(
                    "--rows {}: {n} runs x {} areas would write about {} and the disk has {} free; write fewer runs (--shard K/N), summarise without --rows, or choose another disk",
                    rows.display(),
                    areas.len(),
                    gib(bytes),
                    gib(free as f64)
                ))
                .into());
            }
        }
    }

    // Open every output before the work, so a bad path fails now.
    let summary_out = args
        .summary
        .as_deref()
        .map(AtomicOutput::create)
        .transpose()?;
    let tornado_out = args
        .tornado
        .as_deref()
        .map(AtomicOutput::create)
        .transpose()?;
    let manifest_path = args.manifest.clone().or_else(|| {
        // Beside the first output that is a file (not /dev/null or a pipe).
        let first = [&args.summary, &args.rows, &args.tornado]
            .into_iter()
            .flatten()
            .find(|p| !is_special_file(p))?;
        let name = match shard {
            Some((k, n)) => format!("manifest.shard-{k}-of-{n}.json"),
            None => "manifest.json".to_string(),
        };
        Some(first.with_file_name(name))
    });
    let manifest_out = manifest_path
        .as_deref()
        .map(AtomicOutput::create)
        .transpose()?;
    let mut rows_out = args.rows.as_deref().map(RowsOutput::create).transpose()?;
    print_warnings(&warnings);

    let plan = Plan::new(&sweep, &base);
    let probe = probe_scenario(&sweep, &base);
    let fast = FastModel::compile(&prepared, &probe, &paths);
    let staffing = StaffingPlan::new(&probe, &paths);
    let engine = Engine {
        model: &fast,
        plan: &plan,
        staffing: &staffing,
        outputs: outputs.clone(),
    };

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

    let columns = match rows_out.as_mut() {
        Some(out) => {
            let w = out.writer();
            let io_err = |e: std::io::Error| Failure(format!("writing --rows: {e}"));
            w.write_all(RowFormat::header(&paths).as_bytes())
                .map_err(io_err)?;
            engine
                .run(runs.clone(), Some((w, &format)), &progress)
                .map_err(io_err)?
        }
        None => engine
            .run(runs.clone(), None, &progress)
            .expect("no writer, no I/O"),
    };
    bar.finish_and_clear();
    if let Some(out) = rows_out {
        out.commit()?;
    }

    let tornado_rows = (sweep.design == Design::OneWay && runs.start == 0 && !outputs.is_empty())
        .then(|| tornado(&sweep.params, &columns));
    let summaries = summarize_columns(&columns);
    if let Some(out) = summary_out {
        out.commit(render_summary_csv(&areas, &outputs, &summaries).as_bytes())?;
    }
    if let (Some(out), Some(rows)) = (tornado_out, &tornado_rows) {
        out.commit(render_tornado_csv(rows).as_bytes())?;
    }

    let mut text = describe(&sweep, &base);
    text.push_str(&format!(
        "{} areas (level {}); {} of {} runs evaluated{}; median and 5-95% range over the runs after run 0\n",
        areas.len() - 1,
        areas.first().map_or("-", |a| a.level.as_str()),
        n,
        total_runs,
        match shard {
            Some((k, s)) => format!(" (shard {k}/{s}: runs {} to {})", runs.start, runs.end.saturating_sub(1)),
            None => String::new(),
        }
    ));
    if outputs.is_empty() {
        text.push_str(&format!(
            "{} rows written to {} (no summary: `capacity summarize` reads them)\n",
            n * areas.len() as u64,
            args.rows
                .as_ref()
                .map_or("-".into(), |p| p.display().to_string())
        ));
    } else {
        text.push_str(&render_table(&areas, &outputs, &summaries));
    }
    if let Some(rows) = &tornado_rows {
        text.push_str("One-way sensitivity of total WTE (largest swing first):\n");
        text.push_str(&render_tornado_table(rows));
    }

    if let Some(out) = manifest_out {
        let manifest = json!({
            "tool": format!("capacity {}", env!("CARGO_PKG_VERSION")),
            "command": std::env::args().collect::<Vec<_>>(),
            "sweep": &sweep,
            "base_scenario": &base,
            "seed": sweep.seed,
            "runs": total_runs,
            "shard": shard.map(|(k, s)| json!({"k": k, "n": s, "first_run": runs.start, "last_run": runs.end.saturating_sub(1)})),
            "level": areas.first().map(|a| a.level.clone()),
            "area_filter": &args.data.areas_filter,
            "outputs": outputs.iter().map(|&f| fields::name(f)).collect::<Vec<_>>(),
            "random_stream": "ChaCha8 (rand_chacha 0.9.0), seeded with seed_from_u64(seed); run r reads stream r",
            "inputs": input_hashes(&args, &sweep_text, &base)?,
            "files": {
                "summary": args.summary.as_ref().map(|p| p.display().to_string()),
                "rows": args.rows.as_ref().map(|p| p.display().to_string()),
                "tornado": args.tornado.as_ref().map(|p| p.display().to_string()),
            },
        });
        let mut s = serde_json::to_string_pretty(&manifest).expect("plain data serialises");
        s.push('\n');
        out.commit(s.as_bytes())?;
    }

    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    if terminal {
        eprintln!(
            "{n} runs x {} areas in {:.2} s",
            areas.len() - 1,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
