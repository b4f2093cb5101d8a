//! `capacity check` (issue 4): the published outcomes of every preset are pinned by
//! `scenarios/expected/`, and any change to a preset, the model or the data shows up as drift.
//!
//! The embedded data is compiled into the binary, so a test cannot edit it in place: an edited
//! data file is simulated by passing a changed copy with `--population` or `--prevalence`,
//! which is exactly the input the model would read after the edit and a rebuild.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

use capacity::scenario::{self, ScenarioSource, PRESETS};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `capacity` run from the root of the repository.
fn capacity() -> Command {
    let mut c = super::common::capacity();
    c.current_dir(repo());
    c
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn shipped_expected(preset: &str) -> PathBuf {
    repo()
        .join("scenarios/expected")
        .join(format!("{preset}.json"))
}

/// A scratch folder holding a verbatim copy of the obc preset and its shipped expected file,
/// laid out as a user's repository: `obc.toml` and `expected/obc.json`.
fn obc_copy() -> TempDir {
    let dir = TempDir::new().unwrap();
    fs::copy(
        repo().join("scenarios/obc.toml"),
        dir.path().join("obc.toml"),
    )
    .unwrap();
    fs::create_dir(dir.path().join("expected")).unwrap();
    fs::copy(
        shipped_expected("obc"),
        dir.path().join("expected/obc.json"),
    )
    .unwrap();
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The drift rows of `capacity check --format json` output.
fn drift_rows(o: &std::process::Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("--format json output parses: {e}\n{}", stdout(o)));
    v["drift"].as_array().expect("a drift array").clone()
}

fn paths(rows: &[Value]) -> Vec<&str> {
    rows.iter().map(|r| r["path"].as_str().unwrap()).collect()
}

#[test]
fn a_clean_checkout_passes_and_names_every_preset() {
    let o = capacity().arg("check").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    for (name, _) in PRESETS {
        assert!(
            out.lines()
                .any(|l| l.starts_with("ok") && l.split_whitespace().nth(1) == Some(name)),
            "no ok line for {name}:\n{out}"
        );
    }
    assert!(
        out.contains(&format!("checked {} scenarios", PRESETS.len())),
        "{out}"
    );
}

#[test]
fn a_verbatim_copy_of_a_preset_matches_the_shipped_expected_file() {
    let dir = obc_copy();
    let o = capacity()
        .arg("check")
        .arg(dir.path().join("obc.toml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("ok      obc.toml"), "{}", stdout(&o));
    // Regression: "checked 1 scenarios".
    assert!(stdout(&o).contains("checked 1 scenario:"), "{}", stdout(&o));
}

#[test]
fn editing_a_number_in_a_preset_is_drift_listing_the_fields_that_moved() {
    let dir = obc_copy();
    let file = dir.path().join("obc.toml");
    edit(&file, "contacts_per_day = 16 ", "contacts_per_day = 17 ");
    let o = capacity().arg("check").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("DRIFT   obc.toml"), "{out}");
    for field in [
        "steps.low.contacts_per_day",
        "low_episodes_per_wte",
        "low_wte",
    ] {
        assert!(out.contains(field), "{field} not listed:\n{out}");
    }
    assert!(stderr(&o).contains("drifted"), "{}", stderr(&o));

    // The same drift for machines: every row parses, with its path and relative change.
    let o = capacity()
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let rows = drift_rows(&o);
    let first = &rows[0];
    assert_eq!(first["scenario"], "obc.toml");
    assert_eq!(first["path"], "scenario.steps.low.contacts_per_day");
    assert_eq!(first["kind"], "changed");
    assert_eq!(
        (first["expected"].as_f64(), first["actual"].as_f64()),
        (Some(16.0), Some(17.0))
    );
    assert!((first["rel_change"].as_f64().unwrap() - 0.0625).abs() < 1e-12);
    let total = rows
        .iter()
        .find(|r| r["path"] == "total.low_wte")
        .expect("the England total of low intensity WTE moved");
    // K = 16 x 0.7 x 220 -> 17 x 0.7 x 220: the low WTE falls by 1/17.
    assert!((total["rel_change"].as_f64().unwrap() + 1.0 / 17.0).abs() < 1e-9);
    assert!(rows.iter().any(|r| r["path"] == "areas[E54000008].low_wte"));
    // Largest change first.
    let changes: Vec<f64> = rows
        .iter()
        .filter_map(|r| r["rel_change"].as_f64())
        .map(f64::abs)
        .collect();
    assert!(changes.windows(2).all(|w| w[0] >= w[1]), "{changes:?}");
}

/// Every number written in a scenario's TOML text: (dotted key, value).
fn numbers_in(text: &str) -> Vec<(String, toml::Value)> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut Vec<(String, toml::Value)>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, v, out);
                }
            }
            toml::Value::Integer(_) | toml::Value::Float(_) => {
                out.push((prefix.to_string(), v.clone()))
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", &text.parse::<toml::Value>().unwrap(), &mut out);
    out
}

/// The number nudged so that it stays valid: an integer (an age) up by 1 (down for the upper
/// age), 0 to 0.05, others by 1%, downwards when upwards would leave the key's range.
fn nudged(path: &str, v: &toml::Value, rule: Option<scenario::Rule>) -> String {
    match v {
        toml::Value::Integer(i) if path.ends_with("age_max") => (i - 1).to_string(),
        toml::Value::Integer(i) => (i + 1).to_string(),
        toml::Value::Float(f) => {
            let hi = rule.map_or(f64::MAX, |r| r.bounds().1);
            let x = if *f == 0.0 {
                0.05
            } else if f * 1.01 <= hi {
                f * 1.01
            } else {
                f * 0.99
            };
            format!("{x:?}")
        }
        _ => unreachable!(),
    }
}

/// `text` with the value of `path` (on its own `key = value` line) replaced.
fn edit_value(text: &str, path: &str, value: &str) -> String {
    let line = scenario::find_line(text, path).unwrap_or_else(|| panic!("no line for {path}"));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let l = &lines[line - 1];
    let eq = l.find('=').unwrap();
    let start = eq + 1 + (l[eq + 1..].len() - l[eq + 1..].trim_start().len());
    let end = start + l[start..].find([' ', '#']).unwrap_or(l.len() - start);
    lines[line - 1] = format!("{}{value}{}", &l[..start], &l[end..]);
    lines.join("\n") + "\n"
}

/// "Editing any number in a preset makes `capacity check` exit 1": every number written in
/// every shipped preset file, each edited in its own copy of the file, each copy compared with
/// the preset's shipped expected file. An unedited copy must match it.
#[test]
fn editing_any_number_in_any_preset_is_drift() {
    let dir = TempDir::new().unwrap();
    fs::create_dir(dir.path().join("expected")).unwrap();
    let mut edits: Vec<(String, String)> = Vec::new(); // (file name, parameter path)
    let mut unedited: Vec<String> = Vec::new();
    for (name, text) in PRESETS {
        let (s, _) = scenario::load(&ScenarioSource::Preset(name.to_string())).unwrap();
        let write = |stem: String, text: &str| {
            fs::write(dir.path().join(format!("{stem}.toml")), text).unwrap();
            fs::copy(
                shipped_expected(name),
                dir.path().join(format!("expected/{stem}.json")),
            )
            .unwrap();
            format!("{stem}.toml")
        };
        unedited.push(write(format!("{name}__copy"), text));
        for (i, (path, value)) in numbers_in(text).into_iter().enumerate() {
            let new = nudged(&path, &value, s.rule_of(&path));
            let mut edited = edit_value(text, &path, &new);
            if path.ends_with("medication_only") && s.costs.medication_course_cost.is_none() {
                // Medication alone above 0 needs its cost (else the scenario is refused).
                edited =
                    edited.replacen("[costs]\n", "[costs]\nmedication_course_cost = 25.0\n", 1);
            }
            let file = write(format!("{name}__{i}"), &edited);
            // A 2007 key (`stepped_care.step2_entry`) is reported by its general name.
            edits.push((file, format!("scenario.{}", scenario::canonical_key(&path))));
        }
    }
    assert!(edits.len() >= 40, "{} edits", edits.len());

    let o = capacity()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let status = |file: &str| {
        v["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["scenario"] == file)
            .unwrap_or_else(|| panic!("{file} not checked"))["status"]
            .clone()
    };
    for file in &unedited {
        assert_eq!(status(file), "ok", "{file}");
    }
    let rows = drift_rows(&o);
    for (file, path) in &edits {
        assert_eq!(status(file), "drift", "{file} ({path})");
        assert!(
            rows.iter()
                .any(|r| r["scenario"] == file.as_str() && r["path"] == path.as_str()),
            "{file}: no drift row for {path}"
        );
    }
}

#[test]
fn a_change_below_the_tolerance_passes_and_one_above_it_fails() {
    let dir = obc_copy();
    let file = dir.path().join("obc.toml");
    edit(
        &file,
        "presentation_rate = 0.50 ",
        "presentation_rate = 0.5000000000001 ",
    );
    let o = capacity().arg("check").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    edit(
        &file,
        "presentation_rate = 0.5000000000001 ",
        "presentation_rate = 0.5001 ",
    );
    let o = capacity().arg("check").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("demand.presentation_rate"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("+0.02%"), "{}", stdout(&o));

    // A looser tolerance lets the same change through.
    let o = capacity()
        .args(["check", "--rtol", "1e-3"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

/// The changed copy of a data file, in a scratch folder.
fn data_copy(dir: &TempDir, file: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let text = fs::read_to_string(repo().join("data").join(file)).unwrap();
    let path = dir.path().join(file);
    fs::write(&path, edit(&text)).unwrap();
    path
}

#[test]
fn editing_the_prevalence_data_is_drift_in_every_preset() {
    let dir = TempDir::new().unwrap();
    // An unchanged copy passes: the file's path is provenance, not an outcome.
    let same = data_copy(&dir, "prevalence.csv", |t| t.to_string());
    let o = capacity()
        .arg("check")
        .arg("--prevalence")
        .arg(&same)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    let line = "depression,25,34,M,0.041,";
    let changed = data_copy(&dir, "prevalence.csv", |t| {
        assert!(t.contains(line));
        t.replacen(line, "depression,25,34,M,0.045,", 1)
    });
    let o = capacity()
        .args(["check", "--format", "json", "--prevalence"])
        .arg(&changed)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rows = drift_rows(&o);
    for (name, _) in PRESETS {
        // Under "primary" comorbidity the `any` rate caps the total, so one disorder's rate
        // moves the disorders' shares: the expected files hold each disorder's funnel.
        assert!(
            rows.iter()
                .any(|r| r["scenario"] == *name
                    && r["path"] == "total.disorders[depression].prevalent"),
            "{name}: the England prevalence of depression did not move"
        );
    }
    // Where the pathway depends on the disorder, the totals move too.
    assert!(rows
        .iter()
        .any(|r| r["scenario"] == "doncaster" && r["path"] == "total.referred"));
}

#[test]
fn editing_the_population_data_is_drift_in_the_areas_it_feeds() {
    let dir = TempDir::new().unwrap();
    // A population file of one's own rolls up only with an areas file and a level.
    let run = |population: &Path| {
        capacity()
            .args([
                "check",
                "obc",
                "--format",
                "json",
                "--areas",
                "data/areas.csv",
            ])
            .args(["--level", "icb", "--population"])
            .arg(population)
            .output()
            .unwrap()
    };
    let same = data_copy(&dir, "population.csv", |t| t.to_string());
    let o = run(&same);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    let line = "E38000006,30,30,F,";
    let changed = data_copy(&dir, "population.csv", |t| {
        let at = t.find(line).expect("a row to edit");
        let end = at + t[at..].find('\n').unwrap();
        format!("{}{line}99999{}", &t[..at], &t[end..])
    });
    let o = run(&changed);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rows = drift_rows(&o);
    // E38000006 (Barnsley) is in South Yorkshire ICB, E54000061.
    let areas = fs::read_to_string(repo().join("data/areas.csv")).unwrap();
    assert!(areas.contains("E38000006,") && areas.contains("E54000061,"));
    let moved = paths(&rows);
    assert!(
        moved.contains(&"areas[E54000061].population_in_scope"),
        "{moved:?}"
    );
    assert!(moved.contains(&"total.population_in_scope"), "{moved:?}");
    assert!(
        !moved.iter().any(|p| p.starts_with("areas[E54000008]")),
        "an ICB the edit does not feed moved: {moved:?}"
    );
}

fn copy_shipped_expected(to: &Path) {
    for (name, _) in PRESETS {
        fs::copy(shipped_expected(name), to.join(format!("{name}.json"))).unwrap();
    }
}

#[test]
fn a_missing_expected_file_or_folder_is_a_named_error() {
    let dir = TempDir::new().unwrap();
    copy_shipped_expected(dir.path());
    fs::remove_file(dir.path().join("newham.json")).unwrap();
    let o = capacity()
        .args(["check", "--expected"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("newham.json: no expected outcomes for scenario preset:newham"),
        "{err}"
    );
    assert!(err.contains("--bless"), "{err}");

    let o = capacity()
        .args(["check", "--expected", "no/such/folder"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/folder: no such folder of expected outcomes"));

    // Run outside the repository, the presets' default folder is not there.
    let o = capacity()
        .current_dir(dir.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("scenarios/expected: no such folder"), "{err}");
    assert!(err.contains("--expected DIR"), "{err}");
}

#[test]
fn a_malformed_expected_file_is_a_named_error() {
    let dir = TempDir::new().unwrap();
    copy_shipped_expected(dir.path());
    fs::write(dir.path().join("obc.json"), "{\"scenario\": ").unwrap();
    fs::write(
        dir.path().join("triage80.json"),
        "{\"scenario\": {}, \"areas\": []}",
    )
    .unwrap();
    let o = capacity()
        .args(["check", "--expected"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    // Every problem at once.
    assert!(
        err.contains("obc.json: malformed expected file: is not valid JSON"),
        "{err}"
    );
    assert!(
        err.contains("triage80.json: malformed expected file: has no \"total\" object"),
        "{err}"
    );
}

#[test]
fn an_expected_file_for_a_preset_that_no_longer_exists_is_a_named_error() {
    let dir = TempDir::new().unwrap();
    copy_shipped_expected(dir.path());
    fs::copy(shipped_expected("obc"), dir.path().join("retired.json")).unwrap();
    let o = capacity()
        .args(["check", "--expected"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "retired.json: expected outcomes for 'retired', which is not a shipped preset"
        ),
        "{err}"
    );

    // --bless removes it and says so.
    let o = capacity()
        .args(["check", "--bless", "--expected"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("removed"), "{}", stdout(&o));
    assert!(!dir.path().join("retired.json").exists());
}

#[test]
fn bless_writes_the_expected_files_and_shows_what_moved() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("mine.toml");
    fs::write(
        &file,
        "extends = \"obc\"\n\n[stepped_care]\nstep_up = 0.2\n",
    )
    .unwrap();
    // No expected folder yet.
    let o = capacity().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected: no such folder"),
        "{}",
        stderr(&o)
    );

    let o = capacity()
        .args(["check", "--bless"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("new     mine.toml"), "{}", stdout(&o));
    // The expected file is exactly what `capacity model --format json --by-disorder` prints,
    // with the SHA-256 of each data file in its inputs.
    let model = capacity()
        .args(["model", "--format", "json", "--by-disorder"])
        .arg(&file)
        .output()
        .unwrap();
    let mut written: Value =
        serde_json::from_slice(&fs::read(dir.path().join("expected/mine.json")).unwrap()).unwrap();
    let hashes = written["inputs"]
        .as_object_mut()
        .unwrap()
        .shift_remove("sha256")
        .unwrap();
    assert_eq!(hashes["population"].as_str().map(str::len), Some(64));
    let model: Value = serde_json::from_slice(&model.stdout).unwrap();
    assert_eq!(written, model);
    let o = capacity().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // An intended change: --bless prints the drift table and rewrites the file; then it passes.
    edit(&file, "step_up = 0.2", "step_up = 0.3");
    let o = capacity()
        .args(["check", "--bless"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("written mine.toml"), "{out}");
    assert!(
        out.contains("steps.high.from.low") && out.contains("+50.00%"),
        "{out}"
    );
    assert!(out.contains("high_wte"), "{out}");
    let o = capacity().arg("check").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn two_scenarios_cannot_share_an_expected_file() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("obc.toml"), "extends = \"obc\"\n").unwrap();
    let o = capacity()
        .args(["check", "obc"])
        .arg(dir.path().join("obc.toml"))
        .arg("--expected")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("would both be compared with"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_exit_codes_are_in_the_help() {
    let o = capacity().args(["check", "--help"]).output().unwrap();
    let help = stdout(&o);
    assert!(help.contains("Exit codes:"), "{help}");
    for code in [
        "0  every scenario matches",
        "1  drift",
        "2  usage or input error",
    ] {
        assert!(help.contains(code), "{code}:\n{help}");
    }
}

#[test]
fn docs_outcomes_md_is_up_to_date() {
    let o = capacity()
        .args(["check", "--report", "markdown"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let committed = fs::read_to_string(repo().join("docs/outcomes.md")).unwrap_or_default();
    assert!(
        committed == stdout(&o),
        "docs/outcomes.md is stale; regenerate it with\n  cargo run -- check --report markdown --output docs/outcomes.md"
    );
    for (name, _) in PRESETS {
        assert!(committed.contains(&format!("| {name} |")), "{name} missing");
    }
}

#[test]
fn the_readme_and_the_ci_example_document_check() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split("## Use it in CI")
        .nth(1)
        .expect("a \"Use it in CI\" section in README.md");
    for needed in ["`0`", "`1`", "`2`", "docs/ci-example.yml", "--bless"] {
        assert!(
            section.contains(needed),
            "README's CI section lacks {needed}"
        );
    }
    let ci = fs::read_to_string(repo().join("docs/ci-example.yml")).unwrap();
    assert!(ci.contains("cargo install --locked"), "{ci}");
    assert!(ci.contains("capacity check \"$SCENARIOS\""), "{ci}");
    let run = fs::read_to_string(repo().join(".ci/run")).unwrap();
    assert!(
        run.contains("/debug/capacity\" check"),
        ".ci/run does not run capacity check"
    );
}

/// A reader that stops early (`capacity check --format json | head`) or a closed stderr
/// (`2>&1 | head`) must not turn drift into success, nor into a panic.
#[test]
fn drift_exits_1_even_when_the_reader_stops_early() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = obc_copy();
    let file = dir.path().join("obc.toml");
    edit(&file, "contacts_per_day = 16 ", "contacts_per_day = 17 ");
    let bin = assert_cmd::cargo::cargo_bin("capacity");
    // The JSON of every drifted number is far more than a pipe holds: the writer meets a
    // closed pipe.
    let mut child = std::process::Command::new(&bin)
        .args(["check", "--format", "json"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(1));
    // stderr closed before the drift message is written.
    let mut child = std::process::Command::new(&bin)
        .args(["check"])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

/// In a CI log (not a terminal) the drift table is never wrapped: field names stay whole.
#[test]
fn the_drift_table_keeps_field_names_whole_in_a_log() {
    let dir = obc_copy();
    let file = dir.path().join("obc.toml");
    edit(&file, "low = 0.10", "low = 0.30");
    let o = capacity()
        .args(["check", "--max-rows", "0"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("disorders[depression].high_episodes"), "{out}");
    let table: Vec<&str> = out.lines().filter(|l| l.starts_with('│')).collect();
    assert!(table.len() > 100);
    // One line a row: every row names its scenario.
    assert!(table.iter().skip(1).all(|l| l.contains("obc.toml")));
}

#[test]
fn an_orphan_in_a_folder_names_the_command_that_removes_it() {
    let dir = obc_copy();
    fs::copy(
        shipped_expected("obc"),
        dir.path().join("expected/gone.json"),
    )
    .unwrap();
    let o = capacity().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "(`capacity check --bless {}` removes it)",
            dir.path().display()
        )),
        "{err}"
    );
}

/// Regression: the drift table led with effects (`roles[2].cost +25%`); it leads with the
/// inputs that changed (scenario keys, then data files by their SHA-256) and names a role by
/// its step, role and band.
#[test]
fn the_drift_table_leads_with_the_inputs_that_changed_and_names_roles() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("mine.toml");
    fs::write(
        &file,
        "extends = \"obc\"\n\n[[steps.low.roles]]\nrole = \"PWP\"\nband = \"5\"\nshare = 0.85\n\n[[steps.low.roles]]\nrole = \"Senior PWP\"\nband = \"6\"\nshare = 0.15\n",
    )
    .unwrap();
    let o = capacity()
        .args(["check", "--bless"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("expected/mine.json")).unwrap())
            .unwrap();
    assert!(
        expected["inputs"]["sha256"]["prevalence"].is_string(),
        "{}",
        expected["inputs"]
    );

    // A share moves a little (an input); the roles' costs move more (effects).
    edit(&file, "share = 0.15", "share = 0.2");
    edit(&file, "share = 0.85", "share = 0.8");
    let prevalence = data_copy(&dir, "prevalence.csv", |t| {
        t.replacen("depression,25,34,M,0.041,", "depression,25,34,M,0.045,", 1)
    });
    let o = capacity()
        .args(["check", "--max-rows", "0", "--prevalence"])
        .arg(&prevalence)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with('│') && l.contains("mine.toml"))
        .collect();
    assert!(rows.len() > 4, "{out}");
    // The inputs first: the data file that changed and the two scenario keys.
    let first: String = rows[..3].concat();
    assert!(first.contains("prevalence file (SHA-256)"), "{out}");
    assert!(
        first.contains("steps.low.roles[PWP, band 5].share"),
        "{out}"
    );
    assert!(
        first.contains("steps.low.roles[Senior PWP, band 6].share"),
        "{out}"
    );
    assert!(
        rows[3..]
            .iter()
            .all(|r| !r.contains(" scenario ") && !r.contains(" inputs ")),
        "{out}"
    );
    assert!(out.contains("roles[low: Senior PWP, band 6].cost"), "{out}");
    let indexed = out.lines().any(|l| {
        l.contains("roles[")
            && l.split("roles[")
                .nth(1)
                .is_some_and(|r| r.starts_with(char::is_numeric))
    });
    assert!(!indexed, "{out}");
}
