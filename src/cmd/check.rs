//! `capacity check`: recompute scenarios and compare them with their expected outcomes, so
//! that a change to the model, a preset or the data never moves a published number silently.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use capacity::check::{
    check_shape, compare, outcomes_markdown, render_drift_table, render_moved_fields,
    sort_largest_first, Drift, Outcome, Tolerance,
};
use capacity::model::{self, ModelInputs, RunOptions};
use capacity::output::{render_json, thousands, Provenance, Row};
use capacity::problems::Problems;
use capacity::scenario::{self, preset_names, DataPaths, Scenario, ScenarioSource};
use capacity::words::count;
use capacity::{embedded, InputError, Warnings};

use super::io::{
    check_outputs, emit, input_files, input_hashes, is_broken_pipe, load_inputs, warn,
    AtomicOutput, DataArgs, Failure, Kind, Planned,
};

/// Where the expected files of the shipped presets live, relative to the current folder.
pub const PRESET_EXPECTED_DIR: &str = "scenarios/expected";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table of what moved, for people and CI logs
    Table,
    /// Every drift row and the status of each scenario, for scripts
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Report {
    /// The headline totals of each scenario as a Markdown table (docs/outcomes.md)
    Markdown,
}

const LONG_ABOUT: &str = "\
Recompute scenarios and compare every number of their output with an expected file.

Each scenario is run as `capacity model SCENARIO --format json --by-disorder` would run it,
and compared with its expected file (that command's output, written by `capacity check
--bless`): every numeric field of every row, matched by area_code, of each disorder's funnel
in the row, and every resolved scenario parameter, as numbers within
|actual - expected| <= atol + rtol x |expected|, never as bytes. A missing or
extra area, a field the expected file lacks (a new output column after an upgrade) or one it
has that the output lacks, and a changed text (an area name, comorbidity) are drift too. Not
compared: `inputs` (the tool version and file paths as typed) and the scenario's name,
description and sources.

Expected files:
  a preset NAME            scenarios/expected/NAME.json (relative to the current folder)
  a file path/to/foo.toml  path/to/expected/foo.json
  a folder path/to         every path/to/*.toml against path/to/expected/, and every .json
                           there must belong to one of them
--expected DIR puts every expected file in DIR instead.

Data flags (--population, --prevalence, --areas, --level, ...) apply to every scenario: give
the same ones when you bless and when you check, or better name the files in each scenario's
[data] table. The embedded data is compiled in, so checking a change to a data file means
passing the changed copy, e.g. --prevalence my-prevalence.csv.";

const AFTER_HELP: &str = "\
Exit codes:
  0  every scenario matches its expected file (or --bless wrote them)
  1  drift: at least one value moved beyond the tolerance (the table says which)
  2  usage or input error: a missing or malformed expected file, an expected file whose
     scenario no longer exists, a scenario or data file that does not load

Examples:
  capacity check                        every shipped preset against scenarios/expected/
  capacity check --bless                rewrite them after an intended change; commit the diff
  capacity check scenarios/             every scenario file in a folder of your own
  capacity check my.toml --expected ci/ one scenario, expected file ci/my.json
  capacity check --format json          drift rows for a script
  capacity check --report markdown --output docs/outcomes.md";

/// Compare scenarios' outcomes with their expected files (exit 1 on drift); --bless rewrites them
#[derive(Args, Debug)]
#[command(long_about = LONG_ABOUT, after_help = AFTER_HELP)]
pub struct CheckArgs {
    /// Scenarios: preset names, TOML files or folders of TOML files [default: every shipped
    /// preset]
    pub scenarios: Vec<String>,
    /// Folder of the expected files [default: scenarios/expected for presets, expected/ beside
    /// each scenario file]
    #[arg(long, value_name = "DIR")]
    pub expected: Option<PathBuf>,
    /// Relative tolerance: a number may move by atol + rtol x |expected|
    #[arg(long, value_name = "X", default_value = "1e-9")]
    pub rtol: f64,
    /// Absolute tolerance (see --rtol)
    #[arg(long, value_name = "X", default_value = "1e-9")]
    pub atol: f64,
    /// Rewrite the expected files from the current model (and remove those of scenarios that
    /// no longer exist); prints what moved, exits 0
    #[arg(long)]
    pub bless: bool,
    /// Output format of the result
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Lines of the drift table to show, largest change first (0: all)
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_rows: usize,
    /// Instead of checking, print the headline outcomes of the scenarios (no expected files
    /// needed)
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "bless")]
    pub report: Option<Report>,
    /// With --report: write to this file (atomically) instead of stdout
    #[arg(long, short, value_name = "FILE", requires = "report")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

/// One scenario to check and the file it is compared with.
struct Target {
    /// A preset name, or a scenario file's name (`foo.toml`), as the tables show it.
    label: String,
    /// `preset:NAME` or the path as given.
    origin: String,
    source: ScenarioSource,
    expected: PathBuf,
}

/// A folder in which every expected file must belong to a checked scenario.
struct Complete {
    dir: PathBuf,
    /// What the scenarios are, for the message about a file without one.
    of: String,
    /// The command that blesses this folder (and so removes such a file).
    bless: String,
}

struct Plan {
    targets: Vec<Target>,
    complete: Vec<Complete>,
}

fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| InputError::one(format!("{}: cannot list the folder: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The scenarios to run and where their expected files are; nothing is read yet.
fn plan(args: &CheckArgs) -> Result<Plan, InputError> {
    let mut problems = Problems::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut complete = Vec::new();
    let preset_dir = args
        .expected
        .clone()
        .unwrap_or_else(|| PathBuf::from(PRESET_EXPECTED_DIR));
    // The `--expected DIR` of this run, for the commands messages suggest.
    let expected_flag = args
        .expected
        .as_ref()
        .map(|d| format!(" --expected {}", d.display()))
        .unwrap_or_default();
    let preset = |name: &str| Target {
        label: name.to_string(),
        origin: format!("preset:{name}"),
        source: ScenarioSource::Preset(name.to_string()),
        expected: preset_dir.join(format!("{name}.json")),
    };
    let file = |path: &Path, dir: Option<PathBuf>| {
        let dir = dir.unwrap_or_else(|| {
            path.parent()
                .map(|p| p.join("expected"))
                .unwrap_or_else(|| PathBuf::from("expected"))
        });
        Target {
            label: path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            origin: path.display().to_string(),
            source: ScenarioSource::File(path.to_path_buf()),
            expected: dir.join(format!("{}.json", stem(path))),
        }
    };
    if args.scenarios.is_empty() {
        targets.extend(preset_names().into_iter().map(preset));
        complete.push(Complete {
            dir: preset_dir.clone(),
            of: format!("a shipped preset (presets: {})", preset_names().join(", ")),
            bless: format!("capacity check --bless{expected_flag}"),
        });
    }
    for arg in &args.scenarios {
        let path = Path::new(arg);
        if path.is_dir() {
            let files = match toml_files(path) {
                Ok(f) => f,
                Err(e) => {
                    problems.extend(e);
                    continue;
                }
            };
            if files.is_empty() {
                problems.push(format!(
                    "{arg}: a folder with no .toml scenario files; give scenario files, preset names or a folder that holds .toml files"
                ));
                continue;
            }
            let dir = args
                .expected
                .clone()
                .unwrap_or_else(|| path.join("expected"));
            complete.push(Complete {
                dir: dir.clone(),
                of: format!("a .toml scenario file in {arg}"),
                bless: format!("capacity check --bless {arg}{expected_flag}"),
            });
            targets.extend(files.iter().map(|f| file(f, Some(dir.clone()))));
        } else {
            targets.push(match ScenarioSource::from_arg(arg) {
                ScenarioSource::Preset(name) => preset(&name),
                ScenarioSource::File(p) => file(&p, args.expected.clone()),
            });
        }
    }
    // The same scenario twice is checked once; two scenarios cannot share an expected file.
    let mut unique: Vec<Target> = Vec::new();
    for t in targets {
        match unique.iter().find(|u| u.expected == t.expected) {
            Some(u) if u.origin == t.origin => {}
            Some(u) => problems.push(format!(
                "{} and {} would both be compared with {}; give them different file names, or check them with separate --expected folders",
                u.origin,
                t.origin,
                t.expected.display()
            )),
            None => unique.push(t),
        }
    }
    problems.finish(Plan {
        targets: unique,
        complete,
    })
}

/// The scenario as it would be named on the command line.
fn arg_of(t: &Target) -> &str {
    t.origin.strip_prefix("preset:").unwrap_or(&t.origin)
}

/// What reading an expected file found.
enum Expected {
    Found(Value),
    Missing,
    Malformed(String),
}

fn read_expected(path: &Path) -> Result<Expected, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Expected::Missing),
        Err(e) => {
            return Err(format!(
                "{}: cannot read the expected file: {e}",
                path.display()
            ))
        }
    };
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return Ok(Expected::Malformed(format!("is not valid JSON ({e})"))),
    };
    Ok(match check_shape(&value) {
        Ok(()) => Expected::Found(value),
        Err(e) => Expected::Malformed(e),
    })
}

/// Expected files in `complete` folders that no checked scenario writes to.
fn orphans(plan: &Plan) -> Vec<(PathBuf, &Complete)> {
    let wanted: BTreeSet<&Path> = plan.targets.iter().map(|t| t.expected.as_path()).collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for c in &plan.complete {
        if !seen.insert(c.dir.clone()) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&c.dir) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .filter(|p| !wanted.contains(p.as_path()))
            .collect();
        found.sort();
        out.extend(found.into_iter().map(|p| (p, c)));
    }
    out
}

/// Every scenario loaded, what each expected file holds, and expected files to remove.
struct Prepared {
    scenarios: Vec<(Scenario, Warnings)>,
    expected: Vec<Expected>,
    stale: Vec<PathBuf>,
}

/// Reads and checks everything before any model runs: every scenario loads, every expected
/// file is there and well formed (unless blessing), no expected file is left without its
/// scenario (blessing removes those). Every problem is reported at once (exit 2).
fn prepare(plan: &Plan, bless: bool) -> Result<Prepared, InputError> {
    let mut problems = Problems::new();
    let mut scenarios = Vec::new();
    let mut loads = Vec::new();
    for t in &plan.targets {
        match scenario::load(&t.source) {
            Ok(s) => {
                scenarios.push(s);
                loads.push(true);
            }
            Err(e) => {
                problems.extend(e);
                loads.push(false);
            }
        }
    }
    // Parsing the expected files is a good part of a check's time: in parallel, in order.
    let mut reads: Vec<Result<Expected, String>> = plan
        .targets
        .par_iter()
        .map(|t| read_expected(&t.expected))
        .collect();
    let mut missing_dirs: Vec<&Path> = Vec::new();
    let mut expected = Vec::new();
    for (i, t) in plan.targets.iter().enumerate() {
        // A scenario that does not load has said so; its expected file is beside the point.
        if !loads[i] {
            expected.push(Expected::Missing);
            continue;
        }
        let dir = t.expected.parent().unwrap_or(Path::new("."));
        let dir_missing = !dir.as_os_str().is_empty() && !dir.is_dir();
        if dir_missing && !bless {
            if !missing_dirs.contains(&dir) {
                missing_dirs.push(dir);
                let hint = if matches!(t.source, ScenarioSource::Preset(_))
                    && dir == Path::new(PRESET_EXPECTED_DIR)
                {
                    "the default for presets, relative to the current folder: run `capacity check` from the root of the capacity repository, give the folder with --expected DIR, or write the files with `capacity check --bless`"
                } else {
                    "give the folder with --expected DIR, or write the expected files with `capacity check --bless` and commit them"
                };
                problems.push(format!(
                    "{}: no such folder of expected outcomes ({hint})",
                    dir.display()
                ));
            }
            expected.push(Expected::Missing);
            continue;
        }
        let read = std::mem::replace(&mut reads[i], Ok(Expected::Missing));
        let e = match read {
            Ok(e) => e,
            Err(msg) => {
                problems.push(msg);
                Expected::Missing
            }
        };
        if !bless {
            match &e {
                Expected::Missing => problems.push(format!(
                    "{}: no expected outcomes for scenario {}; write them with `capacity check --bless {}` and commit the file",
                    t.expected.display(),
                    t.origin,
                    arg_of(t)
                )),
                Expected::Malformed(why) => problems.push(format!(
                    "{}: malformed expected file: {why}; it should hold `capacity model {} --format json` output, as `capacity check --bless {}` writes it",
                    t.expected.display(),
                    arg_of(t),
                    arg_of(t)
                )),
                Expected::Found(_) => {}
            }
        }
        expected.push(e);
    }
    let mut stale = Vec::new();
    for (path, folder) in orphans(plan) {
        if bless {
            stale.push(path);
        } else {
            problems.push(format!(
                "{}: expected outcomes for '{}', which is not {}; if the scenario was removed or renamed, delete the file (`{}` removes it)",
                path.display(),
                stem(&path),
                folder.of,
                folder.bless
            ));
        }
    }
    problems.finish(Prepared {
        scenarios,
        expected,
        stale,
    })
}

/// Every file the scenarios' runs read: their data files and `extends` chains.
fn files_read(data: &DataArgs, scenarios: &[(Scenario, Warnings)]) -> Vec<(&'static str, PathBuf)> {
    let mut out = Vec::new();
    for (s, _) in scenarios {
        for f in input_files(data, s) {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// Inputs read once per distinct set of data files (the presets share the embedded data,
/// and reading it is most of a run's time).
#[derive(Default)]
struct InputsCache(Vec<(DataPaths, Loaded)>);

/// A set of data files read and checked, with the SHA-256 of each (`inputs.sha256` of the
/// expected file: which data file changed, beside the numbers it moved).
struct Loaded {
    inputs: ModelInputs,
    options: RunOptions,
    provenance: Provenance,
    sha256: serde_json::Map<String, Value>,
}

impl InputsCache {
    fn load(&mut self, data: &DataArgs, scenario: &Scenario) -> Result<()> {
        if !self.0.iter().any(|(k, _)| *k == scenario.data) {
            let (inputs, options, provenance) = load_inputs(data, scenario)?;
            let sha256 = input_hashes(data, scenario)?
                .into_iter()
                .filter(|h| h.what != "scenario")
                .map(|h| (h.what, Value::String(h.sha256)))
                .collect();
            let loaded = Loaded {
                inputs,
                options,
                provenance,
                sha256,
            };
            self.0.push((scenario.data.clone(), loaded));
        }
        Ok(())
    }

    fn get(&self, scenario: &Scenario) -> &Loaded {
        &self
            .0
            .iter()
            .find(|(k, _)| *k == scenario.data)
            .expect("inputs loaded before the runs")
            .1
    }
}

/// One scenario's run, and its comparison with the expected file when there is one.
struct Run {
    /// What `capacity model SCENARIO --format json --by-disorder` prints.
    text: String,
    total: Row,
    provenance: Provenance,
    warnings: Warnings,
    numbers: usize,
    drift: Vec<Drift>,
}

/// Runs every scenario, in parallel: each run is sequential inside, so results do not depend
/// on the number of threads, and they come back in the order of `scenarios`.
fn run_all(
    data: &DataArgs,
    targets: &[Target],
    scenarios: &[(Scenario, Warnings)],
    expected: Option<&[Expected]>,
    tol: Tolerance,
) -> Result<Vec<Run>> {
    let mut cache = InputsCache::default();
    for (s, _) in scenarios {
        cache.load(data, s)?;
    }
    let cache = &cache;
    let runs: Vec<Result<Run>> = targets
        .par_iter()
        .zip(scenarios)
        .enumerate()
        .map(|(i, (t, (scenario, warnings)))| {
            let loaded = cache.get(scenario);
            let (result, more) = model::run(&loaded.inputs, scenario, &loaded.options)?;
            // With the funnel of each disorder: under `comorbidity = "primary"` a change to
            // one disorder's prevalence moves the disorders' shares, not a row's totals.
            let mut actual: Value =
                serde_json::from_str(&render_json(&result, scenario, &loaded.provenance, true))
                    .expect("the model's own JSON parses");
            actual["inputs"]["sha256"] = Value::Object(loaded.sha256.clone());
            let mut text = serde_json::to_string_pretty(&actual).expect("JSON serialises");
            text.push('\n');
            let provenance = &loaded.provenance;
            let (numbers, drift) = match expected.map(|e| &e[i]) {
                Some(Expected::Found(e)) => {
                    let c = compare(&t.label, e, &actual, tol);
                    (c.numbers, c.drift)
                }
                _ => (0, Vec::new()),
            };
            Ok(Run {
                total: Row::new(&result.total, &result),
                text,
                provenance: provenance.clone(),
                warnings: warnings.iter().chain(&more).cloned().collect(),
                numbers,
                drift,
            })
        })
        .collect();
    let runs = runs.into_iter().collect::<Result<Vec<Run>>>()?;
    for (t, r) in targets.iter().zip(&runs) {
        for w in &r.warnings {
            warn(&format!("{}: {w}", t.label));
        }
    }
    Ok(runs)
}

/// What happened to one scenario (or to a stale expected file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum State {
    /// Matches its expected file (with --bless: the file was already up to date).
    Ok,
    /// Moved beyond the tolerance.
    Drift,
    /// --bless rewrote the expected file.
    Written,
    /// --bless wrote an expected file where there was none.
    New,
    /// --bless wrote over a malformed expected file.
    Replaced,
    /// --bless removed an expected file whose scenario no longer exists.
    Removed,
}

#[derive(Serialize)]
struct Status {
    scenario: String,
    /// `preset:NAME` or the scenario file's path.
    source: String,
    expected: String,
    status: State,
    numbers: usize,
    drifted: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    rtol: f64,
    atol: f64,
    bless: bool,
    scenarios: &'a [Status],
    drift: &'a [Drift],
}

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let tol = Tolerance {
        rtol: args.rtol,
        atol: args.atol,
    };
    if let Some(problem) = tol.check() {
        return Err(InputError::one(problem).into());
    }
    let plan = plan(&args)?;
    if let Some(Report::Markdown) = args.report {
        return report(&args, &plan);
    }
    let Prepared {
        scenarios,
        expected,
        stale,
    } = prepare(&plan, args.bless)?;
    if args.bless {
        // Blessing writes the expected files: none may be a scenario or data file read here.
        let planned: Vec<Planned> = plan
            .targets
            .iter()
            .map(|t| Planned::new("expected file", &t.expected, Kind::Json))
            .collect();
        check_outputs(&planned, &files_read(&args.data, &scenarios))?;
    }

    let runs = run_all(&args.data, &plan.targets, &scenarios, Some(&expected), tol)?;
    let mut statuses = Vec::new();
    let mut drift: Vec<Drift> = Vec::new();
    for ((t, run), exp) in plan.targets.iter().zip(runs).zip(&expected) {
        let Run {
            text,
            numbers,
            drift: found,
            ..
        } = run;
        let mut status = if found.is_empty() {
            State::Ok
        } else {
            State::Drift
        };
        if args.bless {
            let same = std::fs::read(&t.expected).is_ok_and(|old| old == text.as_bytes());
            if !same {
                if let Some(dir) = t.expected.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        InputError::one(format!("{}: cannot create the folder: {e}", dir.display()))
                    })?;
                }
                AtomicOutput::create_for("expected file", &t.expected)?.commit(text.as_bytes())?;
                status = match exp {
                    Expected::Found(_) => State::Written,
                    Expected::Malformed(_) => State::Replaced,
                    Expected::Missing => State::New,
                };
            }
        }
        statuses.push(Status {
            scenario: t.label.clone(),
            source: t.origin.clone(),
            expected: t.expected.display().to_string(),
            status,
            numbers,
            drifted: found.len(),
        });
        drift.extend(found);
    }
    for path in &stale {
        std::fs::remove_file(path)
            .map_err(|e| Failure(format!("{}: cannot remove: {e}", path.display())))?;
        statuses.push(Status {
            scenario: stem(path),
            source: String::new(),
            expected: path.display().to_string(),
            status: State::Removed,
            numbers: 0,
            drifted: 0,
        });
    }
    sort_largest_first(&mut drift);

    let text = match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&JsonReport {
                rtol: tol.rtol,
                atol: tol.atol,
                bless: args.bless,
                scenarios: &statuses,
                drift: &drift,
            })
            .expect("plain data serialises");
            s.push('\n');
            s
        }
        Format::Table => render_text(&statuses, &drift, tol, args.max_rows, args.bless),
    };
    // A reader that stops early (`| head`) must not turn drift into success: the exit code
    // still says what was found.
    if let Err(e) = emit(None, &text) {
        if !is_broken_pipe(&e) {
            return Err(e);
        }
    }
    let drifted = statuses.iter().filter(|s| s.status == State::Drift).count();
    if drifted > 0 && !args.bless {
        return Err(Failure(format!(
            "{drifted} of {} drifted from their expected outcomes; if the change is intended, run the same command with --bless and commit the rewritten files",
            count(statuses.len(), "scenario")
        ))
        .into());
    }
    Ok(ExitCode::SUCCESS)
}

/// "1 value moved", "1,234 values moved".
fn moved(n: usize) -> String {
    let s = if n == 1 { "value" } else { "values" };
    format!("{} {s} moved", thousands(n as f64))
}

fn render_text(
    statuses: &[Status],
    drift: &[Drift],
    tol: Tolerance,
    max_rows: usize,
    bless: bool,
) -> String {
    let width = statuses.iter().map(|s| s.scenario.len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in statuses {
        let detail = match s.status {
            State::Ok if bless => "unchanged".to_string(),
            State::Ok => format!("{} numbers match", thousands(s.numbers as f64)),
            State::Drift => moved(s.drifted),
            State::Written => format!("rewritten; {}", moved(s.drifted)),
            State::New => "written; there was no expected file".to_string(),
            State::Replaced => "written over a malformed expected file".to_string(),
            State::Removed => "removed: its scenario no longer exists".to_string(),
        };
        let word = match s.status {
            State::Ok => "ok",
            State::Drift => "DRIFT",
            State::Written => "written",
            State::New => "new",
            State::Replaced => "replaced",
            State::Removed => "removed",
        };
        out.push_str(&format!(
            "{word:<7} {:<width$}  {}  ({detail})\n",
            s.scenario, s.expected
        ));
    }
    let tolerance = format!("rtol {:e}, atol {:e}", tol.rtol, tol.atol);
    if drift.is_empty() {
        if !bless {
            out.push_str(&format!(
                "\nchecked {}: every outcome matches its expected file ({tolerance})\n",
                count(statuses.len(), "scenario")
            ));
        }
    } else {
        out.push_str(&format!(
            "\n{} ({tolerance}), the inputs that changed first, then the outputs, largest change first:\n",
            moved(drift.len())
        ));
        // Wrapped to a terminal's 100 columns; whole lines in a log or a pipe.
        let width = std::io::IsTerminal::is_terminal(&std::io::stdout()).then_some(100);
        out.push_str(&render_drift_table(drift, max_rows, width));
        out.push_str("\nFields that moved:\n");
        out.push_str(&render_moved_fields(drift));
    }
    out
}

/// `--report markdown`: the headline totals of every scenario, recomputed now.
fn report(args: &CheckArgs, plan: &Plan) -> Result<ExitCode> {
    let mut problems = Problems::new();
    let mut loaded = Vec::new();
    for t in &plan.targets {
        match scenario::load(&t.source) {
            Ok(s) => loaded.push(s),
            Err(e) => problems.extend(e),
        }
    }
    let loaded = problems.finish(loaded)?;
    if let Some(path) = &args.output {
        check_outputs(
            &[Planned::new("--output", path, Kind::Markdown)],
            &files_read(&args.data, &loaded),
        )?;
    }
    let output = args
        .output
        .as_deref()
        .map(AtomicOutput::create)
        .transpose()?;
    let runs = run_all(
        &args.data,
        &plan.targets,
        &loaded,
        None,
        Tolerance::default(),
    )?;
    let mut outcomes = Vec::new();
    let mut all_embedded = true;
    let mut data: Vec<String> = Vec::new();
    for ((t, (scenario, _)), run) in plan.targets.iter().zip(&loaded).zip(runs) {
        let provenance = &run.provenance;
        all_embedded &= provenance.population == embedded::POPULATION_SOURCE
            && provenance.prevalence == embedded::PREVALENCE_SOURCE;
        let line = format!(
            "population {}, prevalence {}",
            provenance.population, provenance.prevalence
        );
        if !data.contains(&line) {
            data.push(line);
        }
        outcomes.push(Outcome {
            name: t.label.clone(),
            description: scenario.description.clone(),
            total: run.total,
        });
    }
    let data = if all_embedded {
        "the embedded data (ONS mid-2022 population of England, APMS 2014 prevalence; see \
         data/README.md)"
            .to_string()
    } else {
        data.join("; ")
    };
    let text = if args.scenarios.is_empty() {
        outcomes_markdown(
            "Headline outcomes of the shipped scenarios",
            &format!(
                "<!-- Generated by `capacity check --report markdown`; do not edit by hand. -->\n\n\
                 The England totals of every shipped preset on {data}, at the default level (ICB) and summed: \
                 what `capacity model PRESET` prints in its total row, and what \
                 `scenarios/expected/PRESET.json` records for `capacity check` to compare with. \
                 A test fails when this page is stale. After a change that moves an outcome, run\n\n\
                 ```\n\
                 cargo run -- check --bless\n\
                 cargo run -- check --report markdown --output docs/outcomes.md\n\
                 ```\n\n\
                 and commit both, so that the diff shows which published outcome moved."
            ),
            &outcomes,
        )
    } else {
        outcomes_markdown(
            "Headline outcomes",
            &format!(
                "<!-- Generated by `capacity check --report markdown`; do not edit by hand. -->\n\n\
                 The total row of each scenario on {data}."
            ),
            &outcomes,
        )
    };
    emit(output, &text)?;
    Ok(ExitCode::SUCCESS)
}
