//! Every class of bad input gets exit 2 and a message naming the file, the line or key, the
//! bad value and what would be valid. Never a panic, never a partial output.

use std::path::Path;

use predicates::prelude::*;

use crate::common::{capacity, write};

/// Runs `capacity model <scenario text>` in a scratch dir and returns stderr (asserting exit 2).
fn scenario_error(toml: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bad.toml", toml);
    model_error(&[path.to_str().unwrap()], dir.path())
}

fn model_error(args: &[&str], dir: &Path) -> String {
    let out = capacity()
        .current_dir(dir)
        .arg("model")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty(), "no output on error");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn data_error(flag: &str, csv: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "input.csv", csv);
    model_error(&[flag, path.to_str().unwrap()], dir.path())
}

#[test]
fn rate_given_as_a_percentage() {
    let e = scenario_error("[demand]\n\npresentation_rate = 50\n");
    assert!(e.contains("bad.toml:3: demand.presentation_rate = 50 is not a fraction in [0, 1]; did you mean 0.50?"), "{e}");
}

#[test]
fn rates_outside_zero_one_are_all_reported() {
    let e = scenario_error("[demand]\ndetection_rate = -0.1\n[stepped_care]\nstep_up = 1.5\n[disorders.ptsd]\nstep2_entry = 2\n");
    assert!(
        e.contains("bad.toml:2: demand.detection_rate = -0.1"),
        "{e}"
    );
    assert!(e.contains("bad.toml:4: steps.high.from.low = 1.5"), "{e}");
    assert!(e.contains("disorders.ptsd.steps.low.entry = 2"), "{e}");
}

#[test]
fn zero_or_negative_contacts_caseload_hours_or_days() {
    let e = scenario_error(
        "[low_intensity]\ncontacts_per_episode = 0\ncontacts_per_day = -3\ncaseload = 0\n\
         [high_intensity]\nclinical_hours_per_week = 0\ncontact_hours = 50\n[capacity]\nworking_days = 0\n",
    );
    for needle in [
        "steps.low.contacts_per_episode = 0 must be above 0",
        "steps.low.contacts_per_day = -3 must be above 0",
        "steps.low.caseload = 0 is not a fraction in (0, 1]",
        "steps.high.clinical_hours_per_week = 0 must be above 0",
        "steps.high.contact_hours = 50 is more than 8 hours per contact",
        "capacity.working_days = 0 must be above 0",
    ] {
        assert!(e.contains(needle), "missing '{needle}' in {e}");
    }
}

#[test]
fn dna_rate_of_one() {
    let e = scenario_error("[capacity]\ndna_rate = 1.0\n");
    assert!(
        e.contains("bad.toml:2: capacity.dna_rate = 1 is not a fraction in [0, 1)"),
        "{e}"
    );
}

#[test]
fn both_capacity_forms_at_once() {
    let e = scenario_error("[high_intensity]\ncontacts_per_day = 7\nclinical_hours_per_week = 22\ncontact_hours = 1.0\n");
    assert!(e.contains("bad.toml:3: [high_intensity] gives both"), "{e}");
}

#[test]
fn unknown_keys_are_errors_not_defaults() {
    let e = scenario_error("[demand]\npresentation_rte = 0.4\n");
    assert!(e.contains("bad.toml:2"), "{e}");
    assert!(e.contains("presentation_rte"), "{e}");
    assert!(e.contains("presentation_rate"), "lists the valid keys: {e}");
}

#[test]
fn unknown_disorders() {
    let e = scenario_error("[disorders.depresion]\nstep_up = 0.2\n");
    assert!(e.contains("bad.toml:1: [disorders.depresion]"), "{e}");
    assert!(e.contains("expected one of depression, gad"), "{e}");
}

#[test]
fn toml_syntax() {
    let e = scenario_error("[demand\npresentation_rate = 0.5\n");
    assert!(e.contains("bad.toml:1"), "{e}");
}

#[test]
fn missing_and_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let e = model_error(&["nowhere.toml"], dir.path());
    assert!(
        e.contains("nowhere.toml: cannot read the scenario file"),
        "{e}"
    );
    let e = model_error(&["--population", "missing.csv"], dir.path());
    assert!(
        e.contains("missing.csv: cannot read the population file"),
        "{e}"
    );
    let e = scenario_error("   \n");
    assert!(e.contains("bad.toml: the scenario file is empty"), "{e}");
    let e = data_error("--population", "");
    assert!(e.contains("input.csv: the file is empty"), "{e}");
    let e = data_error("--population", "area_code,age_from,age_to,sex,population\n");
    assert!(
        e.contains("input.csv: the file has a header but no data rows"),
        "{e}"
    );
    let e = model_error(&["no-such-preset"], dir.path());
    assert!(e.contains("no preset of that name; presets: obc"), "{e}");
}

#[test]
fn missing_columns() {
    let e = data_error(
        "--population",
        "area,age_from,age_to,sex,people\nA,16,74,all,100\n",
    );
    assert!(
        e.contains("input.csv:1: missing columns area_code, population"),
        "{e}"
    );
    let e = data_error(
        "--prevalence",
        "disorder,age_from,age_to,sex\ngad,16,74,all\n",
    );
    assert!(e.contains("missing column rate"), "{e}");
}

#[test]
fn negative_population_and_other_bad_cells_all_listed() {
    let e = data_error(
        "--population",
        "area_code,age_from,age_to,sex,population\nA,16,74,all,-5\nA,20,10,F,10\nA,16,74,X,10\nA,16,74,M,many\n",
    );
    assert!(
        e.contains("input.csv:2: population = -5 is negative"),
        "{e}"
    );
    assert!(
        e.contains("input.csv:3: age_from = 20 is above age_to = 10"),
        "{e}"
    );
    assert!(
        e.contains("input.csv:4: sex = 'X' is not valid; expected F, M or all"),
        "{e}"
    );
    assert!(
        e.contains("input.csv:5: population = 'many' is not a number"),
        "{e}"
    );
}

#[test]
fn prevalence_with_no_row_for_an_age_and_sex_in_scope() {
    // Rates stop at 64: ages 65-74 of the default window have none.
    let e = data_error(
        "--prevalence",
        "disorder,age_from,age_to,sex,rate\ngad,16,64,all,0.05\nany,16,64,all,0.05\n",
    );
    assert!(e.contains("no gad row for age 65, sex F"), "{e}");
    assert!(
        e.contains("population.csv"),
        "names the population cell: {e}"
    );
    let e = data_error(
        "--prevalence",
        "disorder,age_from,age_to,sex,rate\ngad,0,120,all,5.0\n",
    );
    assert!(
        e.contains("input.csv:2: rate = 5 is not a fraction in [0, 1]; did you mean 0.05?"),
        "{e}"
    );
    let e = data_error(
        "--prevalence",
        "disorder,age_from,age_to,sex,rate\ngad,0,120,all,0.05\n",
    );
    assert!(
        e.contains("comorbidity = \"sum\""),
        "suggests the fix when `any` is missing: {e}"
    );
    let e = data_error(
        "--prevalence",
        "disorder,age_from,age_to,sex,rate\nanxiety,0,120,all,0.05\n",
    );
    assert!(
        e.contains("input.csv:2: disorder = 'anxiety' is not known"),
        "{e}"
    );
}

#[test]
fn workforce_shares_summing_above_one() {
    let e = data_error(
        "--workforce",
        "area_code,role,band,wte,li_share,hi_share\n,PWP,5,3,0.8,0.4\n,HIT,10,1,0,1\n",
    );
    assert!(
        e.contains("input.csv:2: li_share + hi_share = 0.8 + 0.4 = 1.2 is above 1"),
        "{e}"
    );
    assert!(
        e.contains("input.csv:3: band = '10' is not an Agenda for Change band"),
        "{e}"
    );
}

#[test]
fn unknown_area_codes_and_levels() {
    let dir = tempfile::tempdir().unwrap();
    let e = model_error(&["--area", "E99999999"], dir.path());
    assert!(e.contains("--area: no area E99999999"), "{e}");
    let e = model_error(&["--level", "county"], dir.path());
    assert!(e.contains("--level county: no areas at that level"), "{e}");
    assert!(
        e.contains("levels are country, region, icb, sub-icb"),
        "{e}"
    );
    let e = scenario_error("[areas.E00000000]\ndeprivation_factor = 1.1\n");
    assert!(
        e.contains("bad.toml:1: [areas.E00000000]: no area E00000000"),
        "{e}"
    );
    let e = scenario_error("[population]\nareas = [\"XYZ\"]\n");
    assert!(
        e.contains("bad.toml:2: population.areas: no area XYZ"),
        "{e}"
    );
}

#[test]
fn unwritable_output_path_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let e = model_error(
        &["--format", "csv", "--output", "no/such/dir/out.csv"],
        dir.path(),
    );
    assert!(
        e.contains("--output no/such/dir/out.csv: cannot write there"),
        "{e}"
    );
    // An input error after the output was opened leaves no file either.
    let e = model_error(
        &[
            "--format", "csv", "--output", "out.csv", "--level", "county",
        ],
        dir.path(),
    );
    assert!(e.contains("--level county"), "{e}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn extends_cycles_and_missing_bases() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.toml", "extends = \"b.toml\"\n");
    write(dir.path(), "b.toml", "extends = \"a.toml\"\n");
    let e = model_error(&["a.toml"], dir.path());
    assert!(e.contains("makes a cycle"), "{e}");
    let e = scenario_error("extends = \"nope\"\n");
    assert!(
        e.contains("bad.toml:1: extends = \"nope\" cannot be loaded"),
        "{e}"
    );
}

#[test]
fn deprivation_outside_the_npmsdep_range_warns_but_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "dep.toml",
        "[demand]\ndeprivation_factor = 1.8\n",
    );
    capacity()
        .arg("model")
        .arg(&path)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("warning:").and(predicate::str::contains(
                "dep.toml:2: demand.deprivation_factor = 1.8 is outside 0.6 to 1.4",
            )),
        );
}

#[test]
fn half_a_capacity_form_over_the_other_form() {
    // north-essex gives the hours form; one key of the contacts form cannot borrow from it.
    let e = scenario_error("extends = \"north-essex\"\n[low_intensity]\ncontacts_per_day = 12\n");
    assert!(
        e.contains("bad.toml:3: [low_intensity] gives contacts_per_day without caseload; the contacts form needs both"),
        "{e}"
    );
}

#[test]
fn overlapping_or_repeated_population_rows() {
    // The same people twice (a repeated row, overlapping bands, `all` beside F) would silently
    // double the requirement.
    let e = data_error(
        "--population",
        "area_code,age_from,age_to,sex,population\nA,20,29,F,100\nA,20,29,F,100\n\
         A,25,34,M,100\nA,30,39,M,100\nA,40,49,F,10\nA,40,49,all,10\nB,20,29,F,1\n",
    );
    assert!(
        e.contains("input.csv:3: area A ages 20-29 sex F overlaps the row on line 2 at age 20"),
        "{e}"
    );
    assert!(
        e.contains("input.csv:5: area A ages 30-39 sex M overlaps the row on line 4 at age 30"),
        "{e}"
    );
    assert!(
        e.contains("input.csv:7: area A ages 40-49 sex all overlaps the row on line 6"),
        "{e}"
    );
    assert!(!e.contains("area B"), "{e}");
}

#[test]
fn line_numbers_with_crlf_endings_and_blank_lines() {
    // Excel on Windows writes CRLF; spreadsheets leave blank lines. The line named is the
    // line an editor shows.
    let e = data_error(
        "--population",
        "area_code,age_from,age_to,sex,population\r\nA,20,29,F,100\r\n\r\nA,30,39,F,-1\r\n",
    );
    assert!(
        e.contains("input.csv:4: population = -1 is negative"),
        "{e}"
    );
    let e = data_error(
        "--population",
        "area_code,age_from,age_to,sex,population\nA,20,29,F,100\n\n\nA,30,39,F,-2\n",
    );
    assert!(
        e.contains("input.csv:5: population = -2 is negative"),
        "{e}"
    );
}

#[test]
fn repeated_columns_and_text_that_is_not_utf8() {
    let e = data_error(
        "--population",
        "area_code,age_from,age_to,sex,population,sex\nA,20,29,F,1,F\n",
    );
    assert!(
        e.contains("input.csv:1: column sex appears twice (columns 4 and 6)"),
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.csv");
    // "Ynys Môn" saved as Windows-1252 by Excel.
    std::fs::write(
        &path,
        b"area_code,area_name,age_from,age_to,sex,population\nA,Ynys M\xf4n,20,29,F,1\n",
    )
    .unwrap();
    let e = model_error(&["--population", path.to_str().unwrap()], dir.path());
    assert!(
        e.contains("latin1.csv:2: the population file is not UTF-8 text"),
        "{e}"
    );
    assert!(e.contains("CSV UTF-8"), "{e}");
}

#[test]
fn workforce_area_codes_outside_the_run_are_named_in_one_warning() {
    // MODEL.md section 5: ignored with a warning (a national export used for one ICB); the
    // warning names the lines so that a typo stands out.
    let dir = tempfile::tempdir().unwrap();
    let staff = write(
        dir.path(),
        "staff.csv",
        "area_code,role,band,wte,li_share,hi_share\nE54000099,PWP,5,3,1,0\nE54000008,PWP,5,3,1,0\n",
    );
    let out = capacity()
        .args(["model", "--area", "E54000008", "--format", "json", "--workforce"])
        .arg(&staff)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "staff.csv: 1 row names an area_code that is not an area of embedded data/areas.csv (E54000099 on line 2): their staff are ignored",
        ));
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["total"]["current_low_wte"], 3.0);
    let other = write(
        dir.path(),
        "other.csv",
        "area_code,role,band,wte,li_share,hi_share\nE54000027,PWP,5,3,1,0\n",
    );
    capacity()
        .args(["model", "--area", "E54000008", "--workforce"])
        .arg(&other)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "area E54000027 is outside the areas of this run",
        ));
}

#[test]
fn prevalence_times_factors_above_one() {
    let e = scenario_error("[demand]\ndeprivation_factor = 115\n");
    // The embedded regions' factors (local need) count too: one problem per region, naming
    // its line, that together cover the 106 areas.
    assert!(
        e.contains("demand.deprivation_factor = 115 (")
            && e.contains("bad.toml:2) x prevalence_factor 1.059185691 of the areas file (embedded data/areas.csv:3) puts prevalence above 1"),
        "{e}"
    );
    let areas: usize = e
        .lines()
        .filter_map(|l| {
            l.split(" in ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert_eq!(areas, 106, "{e}");
    // The areas file's factor counts too, per area.
    let dir = tempfile::tempdir().unwrap();
    let pop = write(
        dir.path(),
        "pop.csv",
        "area_code,age_from,age_to,sex,population\nA,16,74,all,100\nB,16,74,all,100\n",
    );
    let areas = write(
        dir.path(),
        "areas.csv",
        "area_code,area_name,level,parent_code,prevalence_factor\nA,A,leaf,,150\nB,B,leaf,,1.5\n",
    );
    let e = model_error(
        &[
            "--population",
            pop.to_str().unwrap(),
            "--areas",
            areas.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(
        e.contains("prevalence_factor 150 of the areas file (")
            && e.contains("areas.csv:2) puts prevalence above 1"),
        "{e}"
    );
    assert!(e.contains("in 1 area (A: "), "{e}");
}

#[test]
fn a_partial_parent_row_is_named_as_partial() {
    capacity()
        .args(["model", "--area", "E54000027", "--level", "region"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "the row London (E40000003) holds 1 of its 5 areas",
        ));
}

#[test]
fn wrong_types_in_the_scenario_name_the_key_in_plain_words() {
    let e = scenario_error("[demand]\npresentation_rate = \"0.5\"\n");
    assert!(
        e.contains("bad.toml:2: demand.presentation_rate = \"0.5\": expected a number (write it without quotes)"),
        "{e}"
    );
    let e = scenario_error("[population]\nage_min = 16.5\n");
    assert!(
        e.contains("bad.toml:2: population.age_min = 16.5: expected a whole number"),
        "{e}"
    );
    let e = scenario_error("[population]\nareas = \"E54000008\"\n");
    assert!(
        e.contains("population.areas = \"E54000008\": expected a list in brackets"),
        "{e}"
    );
    let e = scenario_error("[demand]\ncomorbidity = \"both\"\n");
    assert!(
        e.contains(
            "demand.comorbidity = \"both\": not a choice: `both`, expected `primary` or `sum`"
        ),
        "{e}"
    );
}

#[test]
fn an_unknown_key_is_found_in_its_own_table() {
    // step_up is a key of [stepped_care], so the one under [capacity] is the typo.
    let e = scenario_error("[stepped_care]\nstep_up = 0.1\n[capacity]\nstep_up = 0.2\n");
    assert!(e.contains("bad.toml:4: unknown field `step_up`"), "{e}");
}

/// Regression: only the first unknown key was reported; fixing it showed the next. Every
/// unknown key (in a table, at the top, a whole unknown table), every value of the wrong type
/// or form and every value out of range come in one run, in the order of the file.
#[test]
fn every_unknown_key_and_bad_value_in_one_run() {
    let e = scenario_error(
        "name = \"x\"\nnme = \"typo\"\n\n[demand]\npresentation_rate = 50\ndetection_rat = 0.5\n\n\
         [capacity]\ndna = 0.1\nheadroom = \"0.05\"\n\n[demnd]\nx = 1\n\n\
         [steps.low]\ncontacts_per_episod = 7\ncaseload = 70%\n",
    );
    let expected = [
        "bad.toml:2: unknown field `nme`",
        "bad.toml:6: unknown field `detection_rat`",
        "bad.toml:9: unknown field `dna`, expected one of `working_days`, `dna_rate`",
        "bad.toml:10: capacity.headroom = \"0.05\": expected a number",
        "bad.toml:12: unknown field `demnd`",
        "bad.toml:16: unknown field `contacts_per_episod`",
        "bad.toml:17: steps.low.caseload = 70%",
        "bad.toml:5: demand.presentation_rate = 50 is not a fraction",
    ];
    let mut at = 0;
    for want in expected {
        let found = e[at..]
            .find(want)
            .unwrap_or_else(|| panic!("no `{want}` (in order) in:\n{e}"));
        at += found + want.len();
    }
    // The keys of the unknown table are not reported again as keys of another table.
    assert!(!e.contains("`x`"), "{e}");
}

#[test]
fn capacity_values_that_leave_a_wte_no_contacts() {
    // Each in range, together an infinite requirement.
    let e = scenario_error("[low_intensity]\ncaseload = 1e-300\n");
    assert!(
        e.contains("bad.toml:2: [steps.low] gives one WTE 3.52e-297 attended contacts a year (from contacts_per_day 16.0 x caseload 1e-300 x working days 220.0); at least 1 is needed"),
        "{e}"
    );
}

#[test]
fn not_a_number_says_what_a_number_looks_like() {
    let e = data_error(
        "--population",
        "area_code,age_from,age_to,sex,population\nA,20,29,F,NaN\n",
    );
    assert!(
        e.contains(
            "input.csv:2: population = 'NaN' is not a number; write a plain number such as 1234.5"
        ),
        "{e}"
    );
}

#[test]
fn an_output_never_replaces_an_input_of_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let pop = write(
        dir.path(),
        "pop.csv",
        "area_code,age_from,age_to,sex,population\nA,16,74,all,1000\n",
    );
    let sc = write(dir.path(), "mine.toml", "extends = \"obc\"\n");
    for (args, what) in [
        (vec!["mine.toml", "--output", "mine.toml"], "scenario"),
        (
            vec![
                "--population",
                "pop.csv",
                "--format",
                "csv",
                "-o",
                "./pop.csv",
            ],
            "population",
        ),
    ] {
        let e = model_error(&args, dir.path());
        assert!(
            e.contains(&format!("is the {what} file this run reads")),
            "{e}"
        );
    }
    assert!(std::fs::read_to_string(&sc).unwrap().contains("extends"));
    assert!(std::fs::read_to_string(&pop)
        .unwrap()
        .starts_with("area_code"));
}

#[test]
fn a_repeated_column_the_tool_does_not_read_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let pop = write(
        dir.path(),
        "pop.csv",
        "area_code,notes,age_from,age_to,sex,population,notes\nA,x,16,74,all,1000,y\n",
    );
    capacity()
        .args(["model", "--population"])
        .arg(&pop)
        .assert()
        .success();
}

#[test]
fn an_extends_typo_lists_the_presets() {
    let e = scenario_error("extends = \"obcc\"\n");
    assert!(
        e.contains("extends = \"obcc\" cannot be loaded: no scenario file 'obcc' and no preset of that name; presets: obc,"),
        "{e}"
    );
}
