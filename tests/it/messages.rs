//! What messages say about values that are out of range, too large or implausible: numbers
//! in their shortest form, the range that is allowed, and no result that cannot be shown.

use std::path::Path;

use crate::common::{capacity, write};

/// `capacity args` in `dir`: (exit code, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = capacity().current_dir(dir).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    (out.status.code(), err)
}

#[track_caller]
fn scenario_says(toml: &str, code: i32, message: &str) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.toml", toml);
    let (got, err) = run_in(dir.path(), &["model", "s.toml"]);
    assert_eq!(got, Some(code), "{err}");
    assert!(err.contains(message), "wanted {message:?} in {err}");
}

#[test]
fn numbers_in_messages_are_in_their_shortest_form() {
    scenario_says(
        "[demand]\npresentation_rate = 1e308\n",
        2,
        "s.toml:2: demand.presentation_rate = 1e308 is not a fraction in [0, 1]",
    );
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pop.csv",
        "area_code,age_from,age_to,sex,population\nA,16,74,all,-1e300\n",
    );
    let (code, err) = run_in(dir.path(), &["model", "--population", "pop.csv"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("pop.csv:2: population = -1e300 is negative"),
        "{err}"
    );
}

#[test]
fn a_whole_number_out_of_range_says_the_range() {
    scenario_says(
        "[population]\nage_max = 4294967296\n",
        2,
        "s.toml:2: population.age_max = 4294967296: out of range: expected a whole number from 0 to 151",
    );
}
