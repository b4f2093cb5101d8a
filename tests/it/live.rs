//! The what-if workbook (`capacity model --format xlsx --live`) recalculated by a real
//! spreadsheet engine, LibreOffice Calc in headless mode, and compared cell by cell with
//! `capacity model --format json`: as written, and after a planner changes three input cells
//! (a funnel rate, a step's contacts per episode, a step's capacity) against the model run on
//! the scenario edited the same way.
//!
//! The inputs are changed in the workbook's own XML by their defined names
//! (live/set_named_cells.py, Python's standard library only): the formulas stay exactly as
//! written from the unedited scenario, so a formula that copied a value instead of reading its
//! input cell would be caught. LibreOffice recalculates on load (the workbook asks for a full
//! calculation on load) and saves its results as an xlsx, which calamine reads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;
use tempfile::TempDir;

use crate::common::{capacity, write};

/// LibreOffice's command, when installed: on PATH, or where Debian puts it.
fn soffice() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("soffice"))
            .collect::<Vec<_>>()
    });
    on_path
        .chain([PathBuf::from("/usr/lib/libreoffice/program/soffice")])
        .find(|p| p.is_file())
}

fn python() -> Option<&'static str> {
    ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// LibreOffice's setting "Recalculation on file load: Excel 2007 and newer: Always recalculate".
const RECALCULATE_ON_LOAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#;

/// Recalculates `file` in LibreOffice and returns the recalculated copy.
fn recalculate(soffice: &Path, dir: &Path, file: &Path) -> PathBuf {
    let out_dir = dir.join("recalculated");
    // A profile of its own: tests run in parallel and a shared profile is locked. It tells
    // LibreOffice to recalculate xlsx files on load, which by default it does not (it shows
    // the values the file stores).
    let profile_dir = dir.join("lo-profile");
    std::fs::create_dir_all(profile_dir.join("user")).unwrap();
    std::fs::write(
        profile_dir.join("user/registrymodifications.xcu"),
        RECALCULATE_ON_LOAD,
    )
    .unwrap();
    let profile = format!("-env:UserInstallation=file://{}", profile_dir.display());
    let out = Command::new(soffice)
        .args([
            &profile,
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(&out_dir)
        .arg(file)
        .output()
        .expect("soffice runs");
    let result = out_dir.join(file.file_name().unwrap());
    assert!(
        out.status.success() && result.is_file(),
        "LibreOffice did not convert {}: {}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    result
}

/// The Areas sheet: the header, and each row's cells by area code.
fn areas_sheet(file: &Path) -> (Vec<String>, BTreeMap<String, Vec<Data>>) {
    let mut book: Xlsx<_> = calamine::open_workbook(file).unwrap();
    let range = book.worksheet_range("Areas").unwrap();
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    let mut by_code = BTreeMap::new();
    for r in rows {
        let code = r[0].to_string();
        if code.is_empty() {
            // The chart below the table.
            continue;
        }
        by_code.insert(code, r.to_vec());
    }
    (header, by_code)
}

fn json_of(dir: &Path, args: &[&str]) -> Value {
    let out = capacity()
        .current_dir(dir)
        .arg("model")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every output cell of the recalculated Areas sheet against the JSON rows and total: to 1e-9
/// relative, an empty cell where the JSON has null. Returns the number of cells compared.
fn compare(file: &Path, json: &Value, what: &str) -> usize {
    let (header, rows) = areas_sheet(file);
    let mut expected: Vec<&Value> = json["areas"].as_array().unwrap().iter().collect();
    expected.push(&json["total"]);
    assert_eq!(
        rows.len(),
        expected.len(),
        "{what}: rows of the Areas sheet"
    );
    let mut compared = 0;
    let mut fields_compared = std::collections::BTreeSet::new();
    for e in expected {
        let code = e["area_code"].as_str().unwrap();
        let row = rows
            .get(code)
            .unwrap_or_else(|| panic!("{what}: no row {code} in the Areas sheet"));
        for (c, name) in header.iter().enumerate() {
            if ["area_code", "area_name", "level"].contains(&name.as_str())
                || name.starts_with("prevalent_")
            {
                continue;
            }
            let want = e.get(name).unwrap_or_else(|| {
                panic!("{what}: the workbook's column {name} is no field of capacity model")
            });
            let got = row.get(c).cloned().unwrap_or(Data::Empty);
            match (want, &got) {
                (Value::Null, Data::Empty) => {}
                (Value::Null, Data::String(s)) if s.is_empty() => {}
                (Value::Bool(b), Data::Bool(g)) => {
                    assert_eq!(
                        b, g,
                        "{what}: {code} {name}: workbook {g}, capacity model {b}"
                    )
                }
                // LibreOffice saves a comparison as 1 or 0 with a TRUE/FALSE format.
                (Value::Bool(b), Data::Float(g)) if *g == 0.0 || *g == 1.0 => {
                    assert_eq!(
                        *b,
                        *g == 1.0,
                        "{what}: {code} {name}: workbook {g}, capacity model {b}"
                    )
                }
                (Value::Number(n), Data::Float(g)) => {
                    let n = n.as_f64().unwrap();
                    let scale = n.abs().max(g.abs());
                    assert!(
                        (n - g).abs() <= 1e-9 * scale || (n - g).abs() <= 1e-12,
                        "{what}: {code} {name}: workbook {g}, capacity model {n}"
                    );
                }
                (Value::Number(n), Data::Int(g)) => {
                    let n = n.as_f64().unwrap();
                    assert!(
                        (n - *g as f64).abs() <= 1e-9 * n.abs().max(1.0),
                        "{what}: {code} {name}: workbook {g}, capacity model {n}"
                    );
                }
                _ => panic!("{what}: {code} {name}: workbook {got:?}, capacity model {want}"),
            }
            fields_compared.insert(name.clone());
            compared += 1;
        }
    }
    // Every field of the model's flow is in the workbook (costs, roles, supervision and the
    // pipeline are not yet).
    for must in [
        "population_in_scope",
        "treated",
        "total_wte",
        "access_rate",
        "stepped_up",
    ] {
        assert!(fields_compared.contains(must), "{what}: no column {must}");
    }
    compared
}

/// Writes the workbook of `scenario` (with `data` options), recalculates it and compares it
/// with the JSON; then sets `edits` in the workbook, recalculates, and compares with the JSON
/// of `edited` (the scenario with the same values).
fn check(
    d: &Path,
    soffice: &Path,
    python: &str,
    (scenario, data): (&str, &[&str]),
    edited: &str,
    edits: &[(&str, f64)],
) {
    let out = capacity()
        .current_dir(d)
        .args([
            "model",
            scenario,
            "--format",
            "xlsx",
            "--live",
            "--output",
            "live.xlsx",
        ])
        .args(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recalculated = recalculate(soffice, d, &d.join("live.xlsx"));
    let args: Vec<&str> = [scenario].iter().chain(data).copied().collect();
    let n = compare(&recalculated, &json_of(d, &args), scenario);
    assert!(n > 100, "{scenario}: only {n} cells compared");

    let before = areas_sheet(&recalculated).1;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/live/set_named_cells.py");
    let status = Command::new(python)
        .arg(&script)
        .arg(d.join("live.xlsx"))
        .arg(d.join("edited.xlsx"))
        .args(
            edits
                .iter()
                .map(|(k, v)| format!("{}={v}", k.replace('.', "_"))),
        )
        .status()
        .unwrap();
    assert!(status.success(), "setting the input cells failed");
    let recalculated = recalculate(soffice, d, &d.join("edited.xlsx"));
    let args: Vec<&str> = [edited].iter().chain(data).copied().collect();
    let edited_json = json_of(d, &args);
    compare(&recalculated, &edited_json, &format!("{scenario} edited"));
    // The edits moved the answer: the comparison above is not of two unchanged workbooks.
    let after = areas_sheet(&recalculated).1;
    assert_ne!(
        before.get("total"),
        after.get("total"),
        "{scenario}: the edits changed nothing"
    );
}

fn engine() -> Option<(PathBuf, &'static str)> {
    match (soffice(), python()) {
        (Some(s), Some(p)) => Some((s, p)),
        (None, _) => {
            println!("SKIPPED: LibreOffice (soffice) is not installed, so the what-if workbook is not recalculated; .ci/run installs it (apt-get install libreoffice-calc-nogui)");
            None
        }
        // Where LibreOffice is, the test runs in full: a missing python3 is a failure.
        (_, None) => panic!(
            "python3 is needed to set the workbook's input cells (tests/it/live/set_named_cells.py); .ci/run installs it"
        ),
    }
}

#[test]
fn the_live_workbook_of_the_default_preset_recalculates_to_the_model() {
    let Some((soffice, python)) = engine() else {
        return;
    };
    let d = TempDir::new().unwrap();
    write(
        d.path(),
        "edited.toml",
        "extends = \"obc\"\n[demand]\npresentation_rate = 0.62\n\
         [steps.high]\ncontacts_per_episode = 14\n[costs.salary]\n\"8a\" = 61000\n",
    );
    check(
        d.path(),
        &soffice,
        python,
        ("obc", &[]),
        "edited.toml",
        &[
            ("demand.presentation_rate", 0.62),
            ("steps.high.contacts_per_episode", 14.0),
            ("pay_band_8a", 61000.0),
        ],
    );
}

/// A third step on another capacity basis with its own working year and a step-down edge,
/// and conditions with their own referral weight, entry and step-up shares.
const OVERRIDES: &str = r#"
name = "live-overrides"
description = "OBC with counselling as a third step and per-condition routing"
extends = "obc"

[capacity]
dna_rate = 0.1
headroom = 0.05

[steps.low]
entry = 0.8

[steps.counselling]
label = "Counselling for depression (step 3)"
contacts_per_episode = 20
clinical_hours_per_week = 22
contact_hours = 1.0
working_days = 210
entry = 0.1
supervision_hours = 1.0
turnover = 0.1

[steps.counselling.from]
low = 0.05

[[steps.counselling.roles]]
role = "Counsellor"
band = "6"
share = 1

[disorders.ptsd.steps.low]
entry = 0.0

[disorders.depression]
referral_weight = 0.9
medication_only = 0.1

[costs]
medication_course_cost = 35

[disorders.depression.steps.high.from]
low = 0.2

[disorders.gad.steps.counselling]
entry = 0.0

[[ratio_roles]]
role = "Employment adviser"
band = "5"
per = "total_wte"
ratio = 0.125

[[ratio_roles]]
role = "Counselling lead"
band = "8a"
per = "counselling_wte"
ratio = 0.05

[[ratio_roles]]
role = "Service manager"
band = "8b"
per = "population_in_scope"
ratio = 0.000002
"#;

/// Staff in post in two ICBs, and some named for no area (the total only).
const WORKFORCE: &str = "area_code,role,band,wte,li_share,hi_share,capacity_factor
E54000008,PWP,5,120,1,0,
E54000008,Trainee PWP,4,20,1,0,0.6
E54000008,HIT,7,90,0,1,
E54000010,HIT,7,40,0.2,0.8,
,Senior PWP,6,15,1,0,
";

#[test]
fn the_live_workbook_with_overrides_and_a_third_step_recalculates_to_the_model() {
    let Some((soffice, python)) = engine() else {
        return;
    };
    let d = TempDir::new().unwrap();
    write(d.path(), "overrides.toml", OVERRIDES);
    write(d.path(), "workforce.csv", WORKFORCE);
    write(
        d.path(),
        "edited.toml",
        "extends = \"overrides.toml\"\n[demand]\ndetection_rate = 0.4\n\
         [steps.counselling]\ncontacts_per_episode = 16\nclinical_hours_per_week = 20\n\
         [disorders.depression.steps.high.from]\nlow = 0.25\n[costs.salary]\n\"6\" = 44000\n",
    );
    check(
        d.path(),
        &soffice,
        python,
        ("overrides.toml", &["--workforce", "workforce.csv"]),
        "edited.toml",
        &[
            ("demand.detection_rate", 0.4),
            ("steps.counselling.contacts_per_episode", 16.0),
            ("steps.counselling.clinical_hours_per_week", 20.0),
            ("disorders.depression.steps.high.from.low", 0.25),
            ("pay_band_6", 44000.0),
        ],
    );
}

/// A second pathway with its own conditions, funnel rates and step, on data of its own.
#[test]
fn the_live_workbook_of_a_second_pathway_recalculates_to_the_model() {
    let Some((soffice, python)) = engine() else {
        return;
    };
    let d = TempDir::new().unwrap();
    write(
        d.path(),
        "population.csv",
        "area_code,area_name,age_from,age_to,sex,population\n\
         A,Area A,20,29,all,1000\nB,Area B,30,49,F,2500\nB,Area B,30,49,M,2400\n",
    );
    write(
        d.path(),
        "prevalence.csv",
        "disorder,age_from,age_to,sex,rate\ndepression,0,120,all,0.05\ngad,0,120,all,0.05\n\
         any,0,120,all,0.08\npsychosis,0,120,all,0.01\n",
    );
    write(
        d.path(),
        "two.toml",
        r#"
extends = "obc"

[pathways.psychosis]
label = "Psychosis"
conditions = ["psychosis"]
presentation_rate = 1.0
detection_rate = 0.8
referral_weight = 0.5

[steps.cbtp]
label = "CBT for psychosis"
pathway = "psychosis"
contacts_per_episode = 16
clinical_hours_per_week = 20
contact_hours = 1.0
entry = 1.0

[[steps.cbtp.roles]]
role = "Clinical psychologist"
band = "8a"
share = 1.0
"#,
    );
    write(
        d.path(),
        "edited.toml",
        "extends = \"two.toml\"\n[pathways.psychosis]\ndetection_rate = 0.6\n\
         [steps.cbtp]\ncontacts_per_episode = 20\n[costs.salary]\n\"8a\" = 60000\n",
    );
    check(
        d.path(),
        &soffice,
        python,
        (
            "two.toml",
            &[
                "--population",
                "population.csv",
                "--prevalence",
                "prevalence.csv",
            ],
        ),
        "edited.toml",
        &[
            ("pathways.psychosis.detection_rate", 0.6),
            ("steps.cbtp.contacts_per_episode", 20.0),
            ("pay_band_8a", 60000.0),
        ],
    );
}

/// A per-area deprivation factor cannot be written as the workbook's one factor: an error
/// naming the key (exit 2) and no file, never a workbook whose numbers differ from the model.
#[test]
fn an_assumption_the_formulas_cannot_express_is_an_error_naming_the_key() {
    let d = TempDir::new().unwrap();
    write(
        d.path(),
        "local.toml",
        "extends = \"obc\"\n[areas.E54000008]\ndeprivation_factor = 1.2\n",
    );
    let out = capacity()
        .current_dir(d.path())
        .args([
            "model",
            "local.toml",
            "--format",
            "xlsx",
            "--live",
            "-o",
            "w.xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("areas.E54000008.deprivation_factor") && err.contains("--live"),
        "{err}"
    );
    assert!(!d.path().join("w.xlsx").exists(), "a workbook was written");
    // The same scenario without --live is a values workbook, as before.
    let out = capacity()
        .current_dir(d.path())
        .args(["model", "local.toml", "--format", "xlsx", "-o", "w.xlsx"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn live_needs_the_xlsx_format() {
    let out = capacity()
        .args(["model", "--format", "csv", "--live"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format xlsx"));
}

/// Same inputs, same bytes (the workbook's creation time is fixed); and the formulas are
/// there to read: named inputs, not cell addresses.
#[test]
fn the_live_workbook_is_reproducible_and_its_formulas_read_named_inputs() {
    // Twice, in two folders: the Inputs sheet records the command, output name and all.
    let runs: Vec<TempDir> = (0..2).map(|_| TempDir::new().unwrap()).collect();
    for d in &runs {
        let out = capacity()
            .current_dir(d.path())
            .args([
                "model", "--level", "region", "--format", "xlsx", "--live", "-o", "w.xlsx",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let bytes: Vec<Vec<u8>> = runs
        .iter()
        .map(|d| std::fs::read(d.path().join("w.xlsx")).unwrap())
        .collect();
    assert!(bytes[0] == bytes[1], "two runs wrote different bytes");
    let d = &runs[0];
    let mut book: Xlsx<_> = calamine::open_workbook(d.path().join("w.xlsx")).unwrap();
    for sheet in [
        "Read me",
        "Assumptions",
        "Data",
        "Per case",
        "Areas",
        "Roles",
        "Funnel",
    ] {
        assert!(
            book.sheet_names().contains(&sheet.to_string()),
            "no sheet {sheet}"
        );
    }
    let formulas = book.worksheet_formula("Per case").unwrap();
    let all: Vec<&String> = formulas
        .rows()
        .flatten()
        .filter(|f| !f.is_empty())
        .collect();
    assert!(all.iter().any(|f| f.contains("demand_presentation_rate")));
    assert!(all
        .iter()
        .any(|f| f.contains("steps_high_contacts_per_episode")));
    assert!(
        !all.iter().any(|f| f.contains("Assumptions!")),
        "a formula reads a cell address"
    );
    let areas = book.worksheet_formula("Areas").unwrap();
    assert!(areas
        .rows()
        .flatten()
        .any(|f| f.contains("SUMPRODUCT") && f.contains("per_case_low_wte")));
}
