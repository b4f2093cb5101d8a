//! The binary as a commissioner uses it.

use predicates::prelude::*;

use crate::common::{capacity, model_json, write};

#[test]
fn default_run_prints_englands_icbs() {
    let out = capacity().arg("model").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Scenario obc"));
    assert!(text.contains("Demand funnel"));
    assert!(text.contains("Cheshire and Merseyside"));
    assert!(text.contains("Total"));
    assert!(
        text.contains("(assumption)"),
        "working days are marked as an assumption"
    );
    // Readable at 100 columns.
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "line too wide: {line}");
    }
}

#[test]
fn json_has_every_icb_and_a_total_that_is_their_sum() {
    let v = model_json(&[]);
    let areas = v["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 42);
    assert!(areas.iter().all(|a| a["level"] == "icb"));
    let sum: f64 = areas.iter().map(|a| a["total_wte"].as_f64().unwrap()).sum();
    let total = v["total"]["total_wte"].as_f64().unwrap();
    assert!((sum - total).abs() < 1e-9 * total);
    assert_eq!(v["scenario"]["demand"]["presentation_rate"], 0.5);
    for field in [
        "low_high_ratio",
        "access_rate",
        "gap_low_wte",
        "low_episodes_per_wte",
    ] {
        assert!(v["total"].get(field).is_some(), "{field}");
    }
}

#[test]
fn levels_and_area_filters() {
    assert_eq!(
        model_json(&["--level", "region"])["areas"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    assert_eq!(
        model_json(&["--level", "sub-icb"])["areas"]
            .as_array()
            .unwrap()
            .len(),
        106
    );
    // One ICB, reported at sub-ICB level: only its sub-ICB locations.
    let one = model_json(&["--area", "E54000008", "--level", "sub-icb"]);
    let rows = one["areas"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.len() < 106);
    let icb = model_json(&["--area", "E54000008"]);
    assert_eq!(icb["areas"].as_array().unwrap().len(), 1);
    assert!(
        (icb["total"]["total_wte"].as_f64().unwrap() - one["total"]["total_wte"].as_f64().unwrap())
            .abs()
            < 1e-9
    );
}

#[test]
fn csv_has_a_row_per_area_and_a_total() {
    let out = capacity()
        .args(["model", "--format", "csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    assert_eq!(&headers[0], "area_code");
    assert!(headers.iter().any(|h| h == "low_high_ratio"));
    let rows: Vec<_> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 43);
    assert_eq!(&rows[42][0], "total");
}

#[test]
fn by_disorder_adds_the_funnel_per_disorder() {
    let v = model_json(&["--by-disorder"]);
    let d = v["total"]["disorders"].as_array().unwrap();
    let names: Vec<&str> = d.iter().map(|x| x["disorder"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "depression",
            "gad",
            "panic",
            "phobias",
            "ocd",
            "mixed",
            "ptsd"
        ]
    );
    let referred: f64 = d.iter().map(|x| x["referred"].as_f64().unwrap()).sum();
    assert!((referred - v["total"]["referred"].as_f64().unwrap()).abs() < 1e-6);
    let csv = capacity()
        .args(["model", "--format", "csv", "--by-disorder"])
        .output()
        .unwrap();
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(text.starts_with("disorder,area_code"));
    assert_eq!(text.lines().count(), 1 + 43 * 8);
}

#[test]
fn presets_run_by_name_and_differ() {
    let obc = model_json(&["obc"])["total"]["high_wte"].as_f64().unwrap();
    let triage = model_json(&["triage80"])["total"]["high_wte"]
        .as_f64()
        .unwrap();
    assert!(
        triage > obc,
        "sending 20% straight to step 3 needs more high intensity staff"
    );
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    capacity()
        .args(["model", "--format", "csv", "--output"])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 1 + 42 + 1, "header, 42 ICBs, total");
    // No temporary file is left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn custom_population_without_areas_reports_its_own_areas() {
    let dir = tempfile::tempdir().unwrap();
    let pop = write(
        dir.path(),
        "pcn.csv",
        "area_code,area_name,age_from,age_to,sex,population\nPCN1,North PCN,16,74,F,20000\nPCN1,North PCN,16,74,M,19000\nPCN2,South PCN,0,90,all,45000\n",
    );
    let v = model_json(&["--population", pop.to_str().unwrap()]);
    let rows = v["areas"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["area_name"], "North PCN");
    assert_eq!(rows[0]["population_in_scope"], 39000.0);
    // 45,000 over 91 years of age, 59 of them (16-74) in scope.
    let expected = 45000.0 / 91.0 * 59.0;
    assert!((rows[1]["population_in_scope"].as_f64().unwrap() - expected).abs() < 1e-6);
}

#[test]
fn scenario_data_paths_are_relative_to_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pop.csv",
        "area_code,age_from,age_to,sex,population\nX,16,74,all,1000\n",
    );
    write(
        dir.path(),
        "staff.csv",
        "role,band,wte,li_share,hi_share\nPWP,5,2,1,0\n",
    );
    let sc = write(
        dir.path(),
        "local.toml",
        "name = \"local\"\nextends = \"obc\"\n[data]\npopulation = \"pop.csv\"\nworkforce = \"staff.csv\"\n",
    );
    let v = model_json(&[sc.to_str().unwrap()]);
    assert_eq!(v["areas"].as_array().unwrap().len(), 1);
    assert_eq!(v["total"]["current_low_wte"], 2.0);
    let gap = v["total"]["gap_low_wte"].as_f64().unwrap();
    assert!((gap - (v["total"]["low_wte"].as_f64().unwrap() - 2.0)).abs() < 1e-12);
}

#[test]
fn workforce_gap_shows_in_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let staff = write(
        dir.path(),
        "staff.csv",
        "area_code,role,band,wte,li_share,hi_share,capacity_factor\nE54000008,PWP,5,120,1,0,\nE54000008,HIT,7,60,0,1,\nE54000008,Trainee PWP,4,10,1,0,0.6\n",
    );
    let out = capacity()
        .args(["model", "--area", "E54000008", "--workforce"])
        .arg(&staff)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Gap low") && text.contains("Met"));
    assert!(text.contains("Current workforce (effective WTE): low 126.0"));
}

#[test]
fn init_writes_a_commented_scenario_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    capacity()
        .args(["init"])
        .arg(&path)
        .args(["--from", "north-essex"])
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("name = \"mine\""));
    assert!(text.contains("clinical_hours_per_week = 20.0"));
    assert!(
        text.lines().filter(|l| l.starts_with('#')).count() > 20,
        "fully commented"
    );
    // Same numbers as the preset it came from.
    let a = model_json(&[path.to_str().unwrap()]);
    let b = model_json(&["north-essex"]);
    assert_eq!(a["total"]["total_wte"], b["total"]["total_wte"]);
    // It does not overwrite.
    capacity()
        .args(["init"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
}

#[test]
fn scenarios_lists_every_preset() {
    let out = capacity().arg("scenarios").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for p in [
        "obc",
        "triage80",
        "richards-li",
        "clark-hi",
        "north-essex",
        "doncaster",
        "newham",
    ] {
        assert!(text.lines().any(|l| l.starts_with(p)), "{p}");
    }
}

#[test]
fn help_documents_exit_codes() {
    capacity()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"));
}

#[test]
fn a_file_without_a_name_is_its_own_scenario() {
    // Changed values must not be reported under the preset's name.
    let dir = tempfile::tempdir().unwrap();
    let sc = write(
        dir.path(),
        "quieter.toml",
        "extends = \"clark-hi\"\n[demand]\npresentation_rate = 0.3\n",
    );
    let v = model_json(&[sc.to_str().unwrap()]);
    assert_eq!(v["scenario"]["name"], "quieter");
    assert!(v["scenario"]["description"]
        .as_str()
        .unwrap()
        .starts_with("based on clark-hi: "));
    capacity()
        .args(["model", sc.to_str().unwrap(), "--level", "country"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Scenario quieter: based on clark-hi",
        ));
}

#[test]
fn extends_a_preset_by_name_whatever_the_current_folder_holds() {
    let dir = tempfile::tempdir().unwrap();
    // A folder and a file named like presets, in the current folder.
    std::fs::create_dir(dir.path().join("obc")).unwrap();
    write(dir.path(), "triage80", "not a scenario");
    write(dir.path(), "mine.toml", "extends = \"triage80\"\n");
    let out = capacity()
        .current_dir(dir.path())
        .args(["model", "mine.toml", "--format", "json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["scenario"]["steps"]["low"]["entry"], 0.8);
    capacity()
        .current_dir(dir.path())
        .args(["model", "obc", "--level", "country"])
        .assert()
        .success();
    // A cycle through the same file written two ways is still a cycle.
    let a = write(dir.path(), "a.toml", "extends = \"./b.toml\"\n");
    write(dir.path(), "b.toml", "extends = \"a.toml\"\n");
    capacity()
        .args(["model", a.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("makes a cycle"));
}

#[test]
fn init_keeps_the_data_files_of_its_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sub/data")).unwrap();
    std::fs::create_dir_all(dir.path().join("other")).unwrap();
    write(
        &dir.path().join("sub/data"),
        "pop.csv",
        "area_code,age_from,age_to,sex,population\nA,16,74,all,1000\n",
    );
    write(
        &dir.path().join("sub"),
        "child.toml",
        "name = \"child\"\nextends = \"obc\"\n[data]\npopulation = \"data/pop.csv\"\n",
    );
    capacity()
        .current_dir(dir.path())
        .args(["init", "other/new.toml", "--from", "sub/child.toml"])
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("other/new.toml")).unwrap();
    assert!(text.contains("\n[data]\npopulation = \""), "{text}");
    assert!(text.contains("years = 3\n"), "whole years: {text}");
    let v = model_json(&[dir.path().join("other/new.toml").to_str().unwrap()]);
    assert_eq!(v["total"]["population_in_scope"], 1000.0);
}

#[test]
fn working_days_are_marked_as_assumptions_wherever_printed() {
    let out = capacity()
        .args(["model", "clark-hi", "--level", "country"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let line = text.lines().find(|l| l.contains("Working days")).unwrap();
    assert!(
        line.contains("220 (assumption)") && line.contains("240 (assumption)"),
        "{line}"
    );
}

#[test]
fn csv_carries_the_roles_and_the_gap_by_role_and_band() {
    let dir = tempfile::tempdir().unwrap();
    let staff = write(
        dir.path(),
        "staff.csv",
        "area_code,role,band,wte,li_share,hi_share\nE54000008,PWP,5,120,1,0\nE54000008,Counsellor,6,4,0,1\n",
    );
    let args = [
        "--area",
        "E54000008",
        "--workforce",
        staff.to_str().unwrap(),
    ];
    let out = capacity()
        .args(["model", "--format", "csv"])
        .args(args)
        .output()
        .unwrap();
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = r.headers().unwrap().clone();
    let rows: Vec<_> = r.records().map(|r| r.unwrap()).collect();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let total = &rows[1];
    assert_eq!(&total[0], "total");
    // Every role of the JSON list, each as four columns, with the same numbers.
    let v = model_json(&args);
    for role in v["total"]["roles"].as_array().unwrap() {
        let key = format!(
            "role:{}:{}:{}",
            role["intensity"].as_str().unwrap(),
            role["role"].as_str().unwrap(),
            role["band"].as_str().unwrap()
        );
        for field in ["wte", "cost", "current_wte", "gap_wte"] {
            let text = &total[col(&format!("{key}:{field}"))];
            let expected = role[field].as_f64().unwrap();
            assert!(
                (text.parse::<f64>().unwrap() - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                "{key}:{field}"
            );
        }
    }
    // The counsellors are a role only the workforce has: current 4, required 0.
    assert_eq!(&total[col("role:high:Counsellor:6:current_wte")], "4.0");
    assert_eq!(&total[col("role:high:Counsellor:6:gap_wte")], "-4.0");
    assert_eq!(&total[col("role:low:PWP:5:current_wte")], "120.0");
}

#[test]
fn the_funnel_says_when_deprivation_differs_by_area() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write(
        dir.path(),
        "dep.toml",
        "extends = \"obc\"\n[areas.E54000008]\ndeprivation_factor = 1.2\n",
    );
    let rule = |args: &[&str]| {
        let out = capacity().arg("model").args(args).assert().success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let at = text.find("Prevalent cases").unwrap();
        text[at..].lines().take(2).collect::<Vec<_>>().join(" ")
    };
    // The rule wraps in the table: its words, on two lines.
    let varied = rule(&[sc.to_str().unwrap()]);
    assert!(
        varied.contains("deprivation 1.00, by") && varied.contains("area where [areas]"),
        "{varied}"
    );
    assert!(!rule(&[]).contains("by area"));
}

/// A closed pipe on an output named /dev/stdout is a reader that stopped (exit 0); a full
/// device is a failure (exit 1) that names the output.
#[test]
fn writing_to_devices_closed_pipes_and_full_disks() {
    use std::io::Read;
    use std::process::Stdio;
    let bin = assert_cmd::cargo::cargo_bin("capacity");
    let mut child = std::process::Command::new(&bin)
        .args([
            "model",
            "--format",
            "csv",
            "--level",
            "sub-icb",
            "--by-disorder",
            "--output",
            "/dev/stdout",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if std::path::Path::new("/dev/full").exists() {
        capacity()
            .args(["model", "--format", "csv", "--output", "/dev/full"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "--output /dev/full: writing failed",
            ));
    }
}
