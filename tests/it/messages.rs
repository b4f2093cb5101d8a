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

#[test]
fn a_distribution_whose_draws_overflow_the_outputs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (high, says) in [
        ("1e300", "ln.toml:9: [[vary]] costs.salary.5: high = 1e300 is too large"),
        (
            "1e9",
            "ln.toml:5: [[vary]] costs.salary.5: the log-normal, mu 10.361633, sigma 8.085225 has draws as large as 2.122e33; the costs and WTE computed from such a value, or their mean and sd, would overflow: narrow low and high so that every draw stays within 1e15",
        ),
    ] {
        write(
            dir.path(),
            "ln.toml",
            &format!(
                "base = \"obc\"\ndesign = \"monte-carlo\"\nruns = 10\nseed = 1\n[[vary]]\nparam = \"costs.salary.5\"\ndist = \"lognormal80\"\nlow = 1\nhigh = {high}\n"
            ),
        );
        let (code, err) = run_in(dir.path(), &["sweep", "ln.toml"]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(says), "{err}");
    }
    // A wide but sane range runs.
    write(
        dir.path(),
        "ln.toml",
        "base = \"obc\"\ndesign = \"monte-carlo\"\nruns = 10\nseed = 1\n[[vary]]\nparam = \"costs.salary.5\"\ndist = \"lognormal80\"\nlow = 20000\nhigh = 60000\n",
    );
    let (code, err) = run_in(dir.path(), &["sweep", "ln.toml", "--level", "region"]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn counts_whose_results_overflow_are_refused_and_implausible_ones_warned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "huge.csv",
        "area_code,age_from,age_to,sex,population\nA,16,74,all,1e308\n",
    );
    let (code, err) = run_in(d, &["model", "--population", "huge.csv"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("huge.csv:2: population = 1e308 is too large: the results computed from it could not be represented; expected at most 1e15"),
        "{err}"
    );
    write(
        d,
        "staff.csv",
        "role,wte,li_share,hi_share\nPWP,1e308,1,0\nPWP,1e308,1,0\n",
    );
    let (code, err) = run_in(d, &["model", "--workforce", "staff.csv"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("staff.csv:2: wte = 1e308 is too large"),
        "{err}"
    );
    assert!(
        err.contains("staff.csv:3: wte = 1e308 is too large"),
        "{err}"
    );
    // Possible but implausible: warned, and the run goes on.
    write(
        d,
        "big.csv",
        "area_code,age_from,age_to,sex,population\nA,16,74,all,2e8\nB,16,74,all,1000\n",
    );
    write(
        d,
        "many.csv",
        "area_code,role,wte,li_share,hi_share\nA,PWP,600000,1,0\nA,PWP,600000,1,0\n",
    );
    let (code, err) = run_in(
        d,
        &[
            "model",
            "--population",
            "big.csv",
            "--workforce",
            "many.csv",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: big.csv:2: area A has a population of 200000000, more than 100 million for one area"),
        "{err}"
    );
    assert!(!err.contains("area B"), "{err}");
    assert!(
        err.contains("warning: many.csv:2: area A has 1200000 WTE, more than a million"),
        "{err}"
    );
    assert!(!err.contains(" inf"), "{err}");
}

#[test]
fn a_scenario_cost_whose_results_overflow_is_refused() {
    scenario_says(
        "[costs.salary]\n\"5\" = 1e308\n",
        2,
        "s.toml:2: costs.salary.5 = 1e308 is too large: the results computed from it could not be represented; expected at most 1e15",
    );
}

/// An areas-file prevalence factor that puts prevalence above 1, or outside the FAQ's range,
/// is named with the file and line that set it.
#[test]
fn area_factor_messages_name_the_file_and_line() {
    let d = tempfile::TempDir::new().unwrap();
    write(
        d.path(),
        "population.csv",
        "area_code,area_name,age_from,age_to,sex,population\nA,Area A,20,29,all,1000\nB,Area B,20,29,all,1000\n",
    );
    write(
        d.path(),
        "areas.csv",
        "area_code,area_name,level,parent_code,prevalence_factor\nA,Area A,area,R,1.0\nB,Area B,area,S,2.0\nR,Region R,region,,30\nS,Region S,region,,1\n",
    );
    let (code, err) = run_in(
        d.path(),
        &[
            "model",
            "--population",
            "population.csv",
            "--areas",
            "areas.csv",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("prevalence_factor 30 of the areas file (areas.csv:4)"),
        "{err}"
    );
    write(
        d.path(),
        "areas.csv",
        "area_code,area_name,level,parent_code,prevalence_factor\nA,Area A,area,R,1.0\nB,Area B,area,S,1.6\nR,Region R,region,,1\nS,Region S,region,,1\n",
    );
    let (code, err) = run_in(
        d.path(),
        &[
            "model",
            "--population",
            "population.csv",
            "--areas",
            "areas.csv",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("B (areas.csv:3)"), "{err}");
}
