//! `capacity init`: write a fully commented scenario for a commissioner to edit.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use capacity::scenario::{self, commented_toml, ScenarioSource, DEFAULT_PRESET};
use capacity::InputError;

use super::io::{check_outputs, input_files, AtomicOutput, DataArgs, Failure, Kind, Planned};

/// Write a fully commented scenario file to edit
#[derive(Args, Debug)]
pub struct InitArgs {
    /// The scenario file to write
    pub file: PathBuf,
    /// Start from this preset (see `capacity scenarios`) or scenario file
    #[arg(long, value_name = "PRESET", default_value = DEFAULT_PRESET)]
    pub from: String,
    /// Overwrite FILE if it exists
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: InitArgs) -> Result<ExitCode> {
    if args.file.exists() && !args.force {
        return Err(InputError::one(format!(
            "{}: already exists; choose another name or pass --force to overwrite it",
            args.file.display()
        ))
        .into());
    }
    let (mut base, _) = scenario::load(&ScenarioSource::from_arg(&args.from))?;
    // Even with --force, never over the file started from (or one it extends).
    check_outputs(
        &[Planned::new("FILE", &args.file, Kind::Toml)],
        &input_files(&DataArgs::default(), &base),
    )?;
    // Data files the source reads, named relative to the file written.
    let folder = args.file.parent().unwrap_or(Path::new(""));
    for path in [
        &mut base.data.population,
        &mut base.data.prevalence,
        &mut base.data.areas,
        &mut base.data.workforce,
    ]
    .into_iter()
    .flatten()
    {
        *path = relative_to(folder, path);
    }
    let name = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "my-scenario".into());
    let output = AtomicOutput::create_for("FILE", &args.file)?;
    // A source file is named as `extends` would reach it from the written file's folder.
    let from = match ScenarioSource::from_arg(&args.from) {
        ScenarioSource::File(p) => relative_to(folder, &p).display().to_string(),
        ScenarioSource::Preset(name) => name,
    };
    let text = commented_toml(&base, &name, &from);
    // What we write must load back to the same assumptions. Nothing is written yet, so a
    // failure names the file started from, not the one that does not exist.
    let (written, _) = scenario::load_str(&args.file.display().to_string(), &text).map_err(|e| {
        Failure(format!(
            "{} was not written: the scenario made from {} does not read back ({e}); this is a fault in capacity, please report it with the file {}",
            args.file.display(),
            args.from,
            args.from
        ))
    })?;
    debug_assert_eq!(written.demand, base.demand);
    debug_assert_eq!(written.costs, base.costs);
    debug_assert_eq!(written.steps, base.steps);
    debug_assert_eq!(written.ratio_roles, base.ratio_roles);
    debug_assert_eq!(
        written.data.population.is_some(),
        base.data.population.is_some()
    );
    output.commit(text.as_bytes())?;
    let _ = writeln!(
        std::io::stderr(),
        "wrote {} (from {}); edit it, then run: capacity model {}",
        args.file.display(),
        args.from,
        args.file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `path` as seen from `folder`: relative when it lies below it, else absolute.
fn relative_to(folder: &Path, path: &Path) -> PathBuf {
    let (Ok(folder), Ok(file)) = (
        std::fs::canonicalize(if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        }),
        std::fs::canonicalize(path),
    ) else {
        return path.to_path_buf();
    };
    file.strip_prefix(&folder)
        .map(Path::to_path_buf)
        .unwrap_or(file)
}
