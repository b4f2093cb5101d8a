//! Shared helpers: a scratch folder with fixture files, and the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use capacity::inputs::{parse_areas, parse_population, parse_prevalence, parse_workforce};
use capacity::model::{Level, ModelInputs, ModelResult, RunOptions};
use capacity::scenario::{self, Scenario};

pub fn capacity() -> Command {
    let mut c = Command::cargo_bin("capacity").expect("binary built");
    c.env_remove("RAYON_NUM_THREADS");
    c
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

/// Runs a command of the binary to success and returns its standard output; panics with its
/// standard error if it failed.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs the binary and parses its JSON output; panics with stderr if it failed.
pub fn model_json(args: &[&str]) -> serde_json::Value {
    let out = capacity()
        .arg("model")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "capacity model {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

pub fn scenario(text: &str) -> Scenario {
    scenario::load_str("test.toml", text)
        .expect("valid scenario")
        .0
}

/// A run on CSV text, through the library (no files).
pub fn run_model(
    population: &str,
    prevalence: &str,
    areas: Option<&str>,
    workforce: Option<&str>,
    scenario: &Scenario,
    level: Level,
) -> ModelResult {
    let inputs = ModelInputs {
        population: parse_population("population.csv", population).unwrap(),
        prevalence: parse_prevalence("prevalence.csv", prevalence).unwrap(),
        areas: areas.map(|a| parse_areas("areas.csv", a).unwrap()),
        workforce: workforce.map(|w| parse_workforce("workforce.csv", w).unwrap()),
        pay: capacity::embedded::afc_pay().clone(),
    };
    let options = RunOptions {
        level,
        areas: vec![],
    };
    capacity::model::run(&inputs, scenario, &options).unwrap().0
}

pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-12)
}

#[track_caller]
pub fn assert_close(actual: f64, expected: f64) {
    assert!(close(actual, expected, 1e-12), "{actual} != {expected}");
}
