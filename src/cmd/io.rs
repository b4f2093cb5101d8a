//! Shared set-up of the subcommands: data options, loading inputs, atomic output, warnings.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use capacity::inputs::{parse_areas, parse_population, parse_prevalence, parse_workforce};
use capacity::model::{Level, ModelInputs, RunOptions};
use capacity::output::Provenance;
use capacity::report::{sha256_hex, shell_words, InputHash, MadeBy};
use capacity::scenario::{self, Scenario, ScenarioSource, DEFAULT_PRESET};
use capacity::{embedded, InputError, Warnings};

/// A run failure that is not the user's input (exit 1 rather than 2).
#[derive(Debug)]
pub struct Failure(pub String);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

pub fn exit_code(err: &anyhow::Error) -> u8 {
    // A Failure given as context (a write error) is found by the error itself, not its chain.
    if err.downcast_ref::<Failure>().is_some()
        || err.chain().any(|e| e.downcast_ref::<Failure>().is_some())
    {
        1
    } else {
        2
    }
}

/// Data and area options shared by every command that runs the model.
#[derive(Args, Debug, Clone, Default)]
pub struct DataArgs {
    /// Population CSV (area_code, age_from, age_to, sex, population) instead of the embedded
    /// ONS mid-2022 England data
    #[arg(long, value_name = "FILE")]
    pub population: Option<PathBuf>,
    /// Prevalence CSV (disorder, age_from, age_to, sex, rate) instead of the embedded APMS 2014
    #[arg(long, value_name = "FILE")]
    pub prevalence: Option<PathBuf>,
    /// Areas CSV (area_code, area_name, level, parent_code[, prevalence_factor, ods_code]) for
    /// roll-up
    #[arg(long, value_name = "FILE")]
    pub areas: Option<PathBuf>,
    /// Current workforce CSV (area_code, role, band, wte, <step>_share for each step, e.g. low_share and high_share (or li_share, hi_share)[, capacity_factor])
    #[arg(long, value_name = "FILE")]
    pub workforce: Option<PathBuf>,
    /// Report one row per area at this level of the areas file [default: icb on the embedded
    /// data, else the population file's own areas]
    #[arg(long, value_name = "NAME")]
    pub level: Option<String>,
    /// Keep only the areas under this area, at any level: an ONS code, ODS code or name, in
    /// any case (repeatable; `capacity areas` lists them); overrides the scenario's
    /// population.areas
    #[arg(long = "area", value_name = "AREA")]
    pub areas_filter: Vec<String>,
    /// Treat every area as having England's need: set every prevalence_factor to 1, those of
    /// the embedded areas (regional rates of common mental disorder, Adult Psychiatric
    /// Morbidity Survey 2014, NHS Digital 2016, Table 2.11) and those of an --areas file alike.
    /// The scenario's deprivation_factor, global or per area, still applies
    #[arg(long)]
    pub no_local_need: bool,
}

fn from_file<T>(
    path: &Path,
    what: &str,
    parse: fn(&str, &str) -> Result<T, InputError>,
) -> Result<T, InputError> {
    let text = capacity::inputs::read_text_file(path, what)?;
    parse(&path.display().to_string(), &text)
}

/// The scenario named on the command line, or the default preset.
pub fn load_scenario(arg: Option<&str>) -> Result<(Scenario, Warnings)> {
    let source = match arg {
        Some(a) => ScenarioSource::from_arg(a),
        None => ScenarioSource::Preset(DEFAULT_PRESET.to_string()),
    };
    let (scenario, mut warnings) = scenario::load(&source)?;
    // A file in the current folder named like a preset wins; say so, as the preset was meant
    // more often than not.
    if let (Some(a), ScenarioSource::File(_)) = (arg, &source) {
        if scenario::preset_text(a).is_some() {
            warnings.push(format!(
                "{a}: read the file of that name in the current folder, not the preset {a}; rename the file (e.g. {a}.toml) to use the preset"
            ));
        }
    }
    Ok((scenario, warnings))
}

/// Reads every input the run needs: flags first, then the scenario's `[data]`, then the
/// embedded England data.
pub fn load_inputs(
    args: &DataArgs,
    scenario: &Scenario,
) -> Result<(ModelInputs, RunOptions, Provenance)> {
    let pick = |flag: &Option<PathBuf>, key: &Option<PathBuf>| flag.clone().or_else(|| key.clone());
    let population_path = pick(&args.population, &scenario.data.population);
    let prevalence_path = pick(&args.prevalence, &scenario.data.prevalence);
    let areas_path = pick(&args.areas, &scenario.data.areas);
    let workforce_path = pick(&args.workforce, &scenario.data.workforce);

    let mut problems = capacity::problems::Problems::new();
    // Every file is read and checked before stopping, so all their problems show at once.
    fn keep<T>(problems: &mut capacity::problems::Problems, r: Result<T, InputError>) -> Option<T> {
        r.map_err(|e| problems.extend(e)).ok()
    }
    let embedded_population = population_path.is_none();
    let population = keep(
        &mut problems,
        match &population_path {
            Some(p) => from_file(p, "population", parse_population),
            None => embedded::population(),
        },
    );
    let prevalence = keep(
        &mut problems,
        match &prevalence_path {
            Some(p) => from_file(p, "prevalence", parse_prevalence),
            None => embedded::prevalence(),
        },
    );
    // The embedded areas describe the embedded population only.
    let mut areas = match (&areas_path, embedded_population) {
        (Some(p), _) => keep(&mut problems, from_file(p, "areas", parse_areas)).map(Some),
        (None, true) => keep(&mut problems, embedded::areas()).map(Some),
        (None, false) => Some(None),
    };
    if args.no_local_need {
        if let Some(Some(a)) = areas.as_mut() {
            for row in &mut a.rows {
                row.prevalence_factor = 1.0;
            }
        }
    }
    let workforce = match &workforce_path {
        Some(p) => keep(&mut problems, from_file(p, "workforce", parse_workforce)).map(Some),
        None => Some(None),
    };
    if let (Some(population), Some(prevalence), Some(areas), Some(workforce)) =
        (population, prevalence, areas, workforce)
    {
        if problems.is_empty() {
            // Possible but implausible sizes: said once, however often the inputs are read.
            let implausible = capacity::inputs::implausible(&population, workforce.as_ref());
            for w in &implausible {
                warn_once(w);
            }
            strict_after(implausible.len())?;
            let level = match (&args.level, embedded_population && areas_path.is_none()) {
                (Some(l), _) => Level::Named(l.clone()),
                (None, true) => Level::Named(embedded::DEFAULT_LEVEL.to_string()),
                (None, false) => Level::Leaves,
            };
            let provenance = Provenance {
                tool: format!("capacity {}", env!("CARGO_PKG_VERSION")),
                population: population_path
                    .as_ref()
                    .map_or(embedded::POPULATION_SOURCE.to_string(), |p| {
                        p.display().to_string()
                    }),
                prevalence: prevalence_path
                    .as_ref()
                    .map_or(embedded::PREVALENCE_SOURCE.to_string(), |p| {
                        p.display().to_string()
                    }),
                areas: areas.as_ref().map(|a| a.source.clone()),
                workforce: workforce_path.as_ref().map(|p| p.display().to_string()),
            };
            let options = RunOptions {
                level,
                areas: args.areas_filter.clone(),
            };
            return Ok((
                ModelInputs {
                    population,
                    prevalence,
                    areas,
                    workforce,
                    pay: capacity::embedded::afc_pay().clone(),
                },
                options,
                provenance,
            ));
        }
    }
    Err(problems
        .finish(())
        .expect_err("a missing input recorded a problem")
        .into())
}

/// `--strict`: every warning about the inputs is an error (exit 2), said before any output
/// is written.
static STRICT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_strict(strict: bool) {
    STRICT.store(strict, std::sync::atomic::Ordering::Relaxed);
}

/// Prints the warnings; with `--strict`, any warning is then an error.
pub fn print_warnings(warnings: &Warnings) -> Result<(), InputError> {
    for w in warnings {
        warn(w);
    }
    strict_after(warnings.len())
}

/// With `--strict`, an error saying that `n` warnings (already printed) stop the run.
fn strict_after(n: usize) -> Result<(), InputError> {
    if n > 0 && STRICT.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(InputError::one(format!(
            "--strict: {n} warning{} above; fix the input{}, or run without --strict",
            if n == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// A warning on stderr; a closed stderr is not worth a panic.
pub fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "warning: {message}");
}

/// A warning on stderr, unless this run has given it already.
pub fn warn_once(message: &str) {
    static GIVEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    if !given.iter().any(|g| g == message) {
        given.push(message.to_string());
        warn(message);
    }
}

/// Whether an error is a closed pipe on the way out (`capacity ... | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// An output file written all at once: to a temporary file beside it, then renamed, so a
/// failed run never leaves half a file. Opened before the work so a bad path fails early.
/// Several outputs of one command are committed together ([`commit_all`]), so that a failure
/// leaves none of them behind.
pub struct AtomicOutput {
    /// The flag or role that named the path ("--summary"), for messages.
    what: String,
    path: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
    /// Written in place: a device or pipe such as /dev/null or /dev/stdout.
    direct: bool,
    /// Where the temporary file is registered for removal on a signal.
    signal_slot: Option<usize>,
}

/// Whether `path` is something other than a file (a device, a pipe): it is written in place,
/// since renaming a file over it would replace it.
pub fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// `path` made absolute, through any symbolic links of the folders that exist, so that two
/// spellings of one file compare equal.
pub fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let absolute = std::env::current_dir().map_or(path.to_path_buf(), |d| d.join(path));
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => {
            std::fs::canonicalize(dir).map_or(absolute.clone(), |d| d.join(name))
        }
        _ => absolute,
    }
}

/// Refuses two outputs that are one file (`--summary o/x.csv --rows o/x.csv`, or a summary
/// where the manifest goes), before any work: written one after the other, the second would
/// replace the first. Devices such as /dev/null may be named more than once.
fn check_distinct(outputs: &[(String, PathBuf)]) -> Result<(), InputError> {
    let mut problems = capacity::problems::Problems::new();
    let keys: Vec<Option<PathBuf>> = outputs
        .iter()
        .map(|(_, p)| (!is_special_file(p)).then(|| resolved(p)))
        .collect();
    for (i, key) in keys.iter().enumerate() {
        let Some(key) = key else { continue };
        if let Some(j) = keys[..i].iter().position(|k| k.as_ref() == Some(key)) {
            let ((a, pa), (b, pb)) = (&outputs[j], &outputs[i]);
            let why = |flag: &str| {
                match flag {
                "the manifest" => {
                    " (the manifest goes beside the first output file unless --manifest FILE says where)"
                }
                "the rows file's manifest" => {
                    " (a rows file's manifest goes beside it: ROWS.manifest.json)"
                }
                _ => "",
            }
            };
            problems.push(format!(
                "{a} {} and {b} {} are the same file{}{}; give each output its own path",
                pa.display(),
                pb.display(),
                why(a),
                why(b)
            ));
        }
    }
    problems.finish(())
}

/// Temporary files to remove if the run is stopped by a signal (Ctrl-C, SIGTERM, SIGHUP),
/// which would otherwise strand them: the handler unlinks every registered path and exits
/// 128 + the signal, as a shell reports a process killed by it. Only async-signal-safe calls
/// are made in the handler (atomic loads, unlink, _exit); the paths are never freed, so the
/// handler never reads freed memory (a run registers a handful).
#[cfg(unix)]
mod on_signal {
    use std::ffi::{c_char, CString};
    use std::path::Path;
    use std::sync::atomic::{AtomicPtr, Ordering};
    use std::sync::Once;

    const SLOTS: usize = 64;
    static PATHS: [AtomicPtr<c_char>; SLOTS] =
        [const { AtomicPtr::new(std::ptr::null_mut()) }; SLOTS];
    static INSTALL: Once = Once::new();

    extern "C" fn handler(signal: libc::c_int) {
        for slot in &PATHS {
            let p = slot.load(Ordering::SeqCst);
            if !p.is_null() {
                // SAFETY: a non-null slot holds a leaked, NUL-terminated CString.
                unsafe { libc::unlink(p) };
            }
        }
        // SAFETY: _exit is async-signal-safe and ends the process at once.
        unsafe { libc::_exit(128 + signal) };
    }

    fn install() {
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: a zeroed sigaction with a plain handler and an empty mask is valid.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    }

    /// Registers a temporary file; the slot to release once it is renamed or removed.
    pub fn register(path: &Path) -> Option<usize> {
        use std::os::unix::ffi::OsStrExt;
        INSTALL.call_once(install);
        let c = CString::new(path.as_os_str().as_bytes()).ok()?;
        let p = c.into_raw();
        for (i, slot) in PATHS.iter().enumerate() {
            if slot
                .compare_exchange(std::ptr::null_mut(), p, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                return Some(i);
            }
        }
        // Every slot taken: the file is still removed on any other way out.
        // SAFETY: `p` came from into_raw above and was not shared.
        drop(unsafe { CString::from_raw(p) });
        None
    }

    pub fn release(slot: usize) {
        // Leaked, not freed: the handler may be reading it at this moment.
        PATHS[slot].store(std::ptr::null_mut(), Ordering::SeqCst);
    }
}

#[cfg(not(unix))]
mod on_signal {
    pub fn register(_: &std::path::Path) -> Option<usize> {
        None
    }
    pub fn release(_: usize) {}
}

/// Removes the temporary files of this output (`prefix` then a process id) left by runs that
/// no longer exist (killed with SIGKILL, or a power cut). A run still going keeps its own.
fn remove_stale_temporaries(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_exists(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process of this id exists (when in doubt, yes: its file is then kept).
#[cfg(unix)]
fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    alive || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_exists(_: u32) -> bool {
    true
}

impl AtomicOutput {
    pub fn create(path: &Path) -> Result<AtomicOutput> {
        AtomicOutput::create_for("--output", path)
    }

    /// As `create`, with `what` (e.g. "--summary" or "expected file") naming the path in
    /// errors.
    pub fn create_for(what: &str, path: &Path) -> Result<AtomicOutput> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .with_context(|| format!("{what} {}: not a file name", path.display()))?;
        if path.is_dir() {
            return Err(InputError::one(format!(
                "{what} {}: is a directory; give a file path",
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
                        "{what} {}: cannot write there: {e}",
                        path.display()
                    ))
                })?;
            return Ok(AtomicOutput {
                what: what.to_string(),
                path: path.to_path_buf(),
                tmp: path.to_path_buf(),
                file: Some(BufWriter::with_capacity(1 << 20, file)),
                direct: true,
                signal_slot: None,
            });
        }
        let prefix = format!(".{}.tmp", name.to_string_lossy());
        remove_stale_temporaries(&dir, &prefix);
        let tmp = dir.join(format!("{prefix}{}", std::process::id()));
        // Registered before it exists, so that no moment leaves it unremoved.
        let signal_slot = on_signal::register(&tmp);
        let file = File::create(&tmp).map_err(|e| {
            if let Some(slot) = signal_slot {
                on_signal::release(slot);
            }
            InputError::one(format!(
                "{what} {}: cannot write there: {e}; give a path in an existing, writable folder",
                path.display()
            ))
        })?;
        Ok(AtomicOutput {
            what: what.to_string(),
            path: path.to_path_buf(),
            tmp,
            file: Some(BufWriter::with_capacity(1 << 20, file)),
            direct: false,
            signal_slot,
        })
    }

    /// The file being written, for streaming (a device or pipe is written as it goes).
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("open until committed")
    }

    /// Writes this output alone: `commit_all` of one.
    pub fn commit(self, bytes: &[u8]) -> Result<()> {
        commit_all(vec![(self, bytes.to_vec())])
    }

    /// The write error with the output named; the `io::Error` stays the source, so that a
    /// closed pipe (`--output /dev/stdout | head`) is still seen as one.
    fn failed(&self, e: std::io::Error) -> anyhow::Error {
        let what = format!("{} {}: writing failed", self.what, self.path.display());
        anyhow::Error::new(e).context(Failure(what))
    }
}

/// Writes several outputs all or nothing (as far as a file system allows): every file's
/// bytes go to its temporary file and are synced first, then the devices and pipes are
/// written, and only when all of that succeeded are the temporary files renamed into place.
/// A failure before the renames leaves no output behind. Bytes may be empty for an output
/// streamed through `writer`.
pub fn commit_all(outputs: Vec<(AtomicOutput, Vec<u8>)>) -> Result<()> {
    let mut outputs = outputs;
    for direct in [false, true] {
        for (out, bytes) in outputs.iter_mut().filter(|(o, _)| o.direct == direct) {
            let w = out.file.as_mut().expect("committed once");
            let done = w.write_all(bytes).and_then(|_| w.flush()).and_then(|_| {
                if direct {
                    Ok(())
                } else {
                    w.get_ref().sync_all()
                }
            });
            if let Err(e) = done {
                return Err(out.failed(e));
            }
        }
    }
    for (out, _) in outputs.iter_mut() {
        // Closed first: the file is complete once renamed.
        drop(out.file.take());
        if !out.direct {
            let renamed = std::fs::rename(&out.tmp, &out.path);
            if renamed.is_ok() {
                if let Some(slot) = out.signal_slot.take() {
                    on_signal::release(slot);
                }
            }
            renamed.map_err(|e| {
                Failure(format!(
                    "{} {}: renaming {} into place: {e}",
                    out.what,
                    out.path.display(),
                    out.tmp.display()
                ))
            })?;
        }
    }
    Ok(())
}

impl Drop for AtomicOutput {
    fn drop(&mut self) {
        if self.file.is_some() && !self.direct {
            let _ = std::fs::remove_file(&self.tmp);
        }
        if let Some(slot) = self.signal_slot.take() {
            on_signal::release(slot);
        }
    }
}

/// Writes to the output file if one was given, else to stdout.
pub fn emit(output: Option<AtomicOutput>, text: &str) -> Result<()> {
    match output {
        Some(o) => o.commit(text.as_bytes()),
        None => write_stdout(text.as_bytes()),
    }
}

/// Writes `bytes` to standard output and flushes it. A failure (a full disk) is a run
/// failure (exit 1) that says what was being written; the `io::Error` stays the source, so
/// that a closed pipe is still seen as a reader that stopped.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(|e| anyhow::Error::new(e).context(Failure("writing standard output".into())))
}

/// The SHA-256 of every input a run reads, in the order population, prevalence, areas,
/// workforce, then each scenario layer: the same choice of file as [`load_inputs`].
/// The files a run reads: the data files (a flag first, else the scenario's `[data]`), then
/// each scenario file of the `extends` chain. Embedded data and presets are not files.
pub fn input_files(args: &DataArgs, scenario: &Scenario) -> Vec<(&'static str, PathBuf)> {
    let pick = |flag: &Option<PathBuf>, key: &Option<PathBuf>| flag.clone().or_else(|| key.clone());
    let d = &scenario.data;
    let mut out: Vec<(&'static str, PathBuf)> = [
        ("population", pick(&args.population, &d.population)),
        ("prevalence", pick(&args.prevalence, &d.prevalence)),
        ("areas", pick(&args.areas, &d.areas)),
        ("workforce", pick(&args.workforce, &d.workforce)),
    ]
    .into_iter()
    .filter_map(|(what, p)| p.map(|p| (what, p)))
    .collect();
    out.extend(
        scenario
            .sources
            .iter()
            .filter(|l| !l.starts_with("preset:"))
            .map(|l| ("scenario", PathBuf::from(l))),
    );
    out
}

/// What an output holds, for checking that its file name does not say otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text for people (a table): any extension but another format's.
    Text,
    Csv,
    Json,
    Markdown,
    Html,
    Xlsx,
    Toml,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Text => "a text table",
            Kind::Csv => "CSV",
            Kind::Json => "JSON",
            Kind::Markdown => "Markdown",
            Kind::Html => "HTML",
            Kind::Xlsx => "an Excel workbook",
            Kind::Toml => "TOML",
        }
    }

    /// The extension a file of this kind is given.
    fn extension(self) -> &'static str {
        match self {
            Kind::Text => "txt",
            Kind::Csv => "csv",
            Kind::Json => "json",
            Kind::Markdown => "md",
            Kind::Html => "html",
            Kind::Xlsx => "xlsx",
            Kind::Toml => "toml",
        }
    }

    /// The kind a file name's extension announces, when it announces one.
    fn of_extension(ext: &str) -> Option<Kind> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "csv" => Kind::Csv,
            "json" => Kind::Json,
            "md" | "markdown" => Kind::Markdown,
            "html" | "htm" => Kind::Html,
            "xlsx" | "xlsm" | "xls" => Kind::Xlsx,
            "toml" => Kind::Toml,
            _ => return None,
        })
    }
}

/// One file a command is about to write.
pub struct Planned {
    /// The flag or role that names it ("--output", "the manifest").
    pub flag: String,
    pub path: PathBuf,
    pub kind: Kind,
    /// The command's flags that write other kinds here (e.g. `--format json`), for the
    /// message about a file name that contradicts its format.
    pub formats: Vec<(Kind, &'static str)>,
}

impl Planned {
    pub fn new(flag: &str, path: &Path, kind: Kind) -> Planned {
        Planned {
            flag: flag.to_string(),
            path: path.to_path_buf(),
            kind,
            formats: Vec::new(),
        }
    }

    /// With the flags that choose another format (`(Kind::Json, "--format json")`).
    pub fn or_formats(mut self, formats: &[(Kind, &'static str)]) -> Planned {
        self.formats = formats.to_vec();
        self
    }
}

/// Whether two paths are one file: through symbolic links (both resolved) and, on unix,
/// hard links (the same device and inode).
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ca), Ok(cb)) = (std::fs::canonicalize(a), std::fs::canonicalize(b)) else {
        return false;
    };
    if ca == cb {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(ma), Ok(mb)) = (std::fs::metadata(&ca), std::fs::metadata(&cb)) {
            return ma.is_file() && ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
    }
    false
}

/// The one check every command makes of its outputs before any work, all problems at once:
/// no output is a file the command reads (its scenario and `extends` chain, data files,
/// rows, manifests, expected files; followed through symbolic links), no two outputs are
/// one file, and no file name's extension contradicts what is written there (`-o out.xlsx`
/// for HTML). Devices and pipes (/dev/stdout) are exempt from the last two.
pub fn check_outputs(outputs: &[Planned], inputs: &[(&str, PathBuf)]) -> Result<(), InputError> {
    let mut problems = capacity::problems::Problems::new();
    for out in outputs {
        if let Some((what, _)) = inputs.iter().find(|(_, i)| same_file(&out.path, i)) {
            problems.push(format!(
                "{} {}: is the {what} file this run reads; writing there would replace it, so choose another output path",
                out.flag,
                out.path.display()
            ));
        }
        if is_special_file(&out.path) {
            continue;
        }
        let ext = out
            .path
            .extension()
            .map(|e| e.to_string_lossy().into_owned());
        let Some(named) = ext.as_deref().and_then(Kind::of_extension) else {
            continue;
        };
        if named == out.kind {
            continue;
        }
        let writes = match out.formats.iter().find(|(k, _)| *k == out.kind) {
            Some((_, flag)) => format!("{flag} writes {}", out.kind.describe()),
            None => format!("it holds {}", out.kind.describe()),
        };
        let other = out
            .formats
            .iter()
            .find(|(k, _)| *k == named)
            .map(|(_, flag)| format!("give {flag}, or "))
            .unwrap_or_default();
        problems.push(format!(
            "{} {}: {writes}, but .{} is the extension of {}; {other}name the file {}",
            out.flag,
            out.path.display(),
            ext.unwrap_or_default(),
            named.describe(),
            out.path.with_extension(out.kind.extension()).display()
        ));
    }
    let named: Vec<(String, PathBuf)> = outputs
        .iter()
        .map(|o| (o.flag.clone(), o.path.clone()))
        .collect();
    if let Err(e) = check_distinct(&named) {
        problems.extend(e);
    }
    problems.finish(())
}

pub fn input_hashes(args: &DataArgs, scenario: &Scenario) -> Result<Vec<InputHash>> {
    let pick = |flag: &Option<PathBuf>, key: &Option<PathBuf>| flag.clone().or_else(|| key.clone());
    let population = pick(&args.population, &scenario.data.population);
    let embedded_population = population.is_none();
    let mut out = Vec::new();
    let mut add = |what: &str, source: String, bytes: &[u8]| {
        out.push(InputHash {
            what: what.to_string(),
            source,
            sha256: sha256_hex(bytes),
        });
    };
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| {
            Failure(format!(
                "{}: cannot read it again to hash it: {e}",
                p.display()
            ))
        })
    };
    for (what, path, embedded) in [
        (
            "population",
            population,
            Some((embedded::POPULATION_SOURCE, embedded::POPULATION_CSV)),
        ),
        (
            "prevalence",
            pick(&args.prevalence, &scenario.data.prevalence),
            Some((embedded::PREVALENCE_SOURCE, embedded::PREVALENCE_CSV)),
        ),
        (
            "areas",
            pick(&args.areas, &scenario.data.areas),
            embedded_population.then_some((embedded::AREAS_SOURCE, embedded::AREAS_CSV)),
        ),
        (
            "workforce",
            pick(&args.workforce, &scenario.data.workforce),
            None,
        ),
    ] {
        // The same areas file with its factors off decides other numbers: say so where the
        // inputs are recorded (a sweep's hash, a report's footer).
        let label = |source: String| {
            if what == "areas" && args.no_local_need {
                format!("{source} (prevalence_factor off: --no-local-need)")
            } else {
                source
            }
        };
        match (path, embedded) {
            (Some(p), _) => add(what, label(p.display().to_string()), &read(&p)?),
            (None, Some((source, text))) => add(what, label(source.to_string()), text.as_bytes()),
            (None, None) => {}
        }
    }
    for layer in &scenario.sources {
        match layer.strip_prefix("preset:") {
            Some(name) => {
                let text = scenario::preset_text(name).unwrap_or_default();
                add("scenario", layer.clone(), text.as_bytes());
            }
            None => add("scenario", layer.clone(), &read(Path::new(layer))?),
        }
    }
    Ok(out)
}

/// What made an output: the tool, its inputs' hashes and the command line that reproduces it.
pub fn made_by(args: &DataArgs, scenario: &Scenario) -> Result<MadeBy> {
    let mut words: Vec<String> = vec!["capacity".into()];
    words.extend(std::env::args().skip(1));
    Ok(MadeBy {
        tool: format!("capacity {}", env!("CARGO_PKG_VERSION")),
        command: shell_words(&words),
        inputs: input_hashes(args, scenario)?,
    })
}

/// Writes bytes to the output file if one was given, else to stdout unless it is a terminal
/// (a binary workbook would garble it).
pub fn emit_binary(output: Option<AtomicOutput>, bytes: &[u8], what: &str) -> Result<()> {
    use std::io::IsTerminal;
    match output {
        Some(o) => o.commit(bytes),
        None if std::io::stdout().is_terminal() => Err(InputError::one(format!(
            "{what} is a binary file: give --output FILE, e.g. --output capacity.xlsx (or redirect stdout to a file)"
        ))
        .into()),
        None => write_stdout(bytes),
    }
}
