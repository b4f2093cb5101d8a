//! `capacity assess`: the self-assessment frameworks, scored, with the model's evidence.

use tempfile::TempDir;

use crate::common::{capacity, write};

/// A PT-SMHP scenario: psychosis with CBT for psychosis delivered at band 8a.
const SCENARIO: &str = r#"
extends = "obc"
[pathways.psychosis]
conditions = ["psychosis"]
[steps.cbtp]
pathway = "psychosis"
contacts_per_episode = 16
clinical_hours_per_week = 20
contact_hours = 1.0
entry = 1.0
[[steps.cbtp.roles]]
role = "Clinical psychologist"
band = "8a"
share = 1.0
"#;

#[test]
fn init_then_full_marks_then_a_band_six_therapist_disagrees_with_a_score_of_two() {
    let d = TempDir::new().unwrap();
    capacity()
        .current_dir(d.path())
        .args(["assess", "--init", "ours.toml"])
        .assert()
        .success();
    let template = std::fs::read_to_string(d.path().join("ours.toml")).unwrap();
    assert!(template.contains("[items.workforce_8]"), "{template}");
    // Unscored, the file is refused; scored 2 throughout, every section is at 100%.
    let out = capacity()
        .current_dir(d.path())
        .args(["assess", "ours.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-missing"));
    let filled = template
        .replace("score = \"\"", "score = 2")
        .replace("date = \"\"", "date = \"2026-11\"");
    write(d.path(), "ours.toml", &filled);
    let out = capacity()
        .current_dir(d.path())
        .args(["assess", "ours.toml", "--format", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let total = text.lines().find(|l| l.contains(",total,")).unwrap();
    assert!(total.contains(",96,96,1,48,48"), "{total}");

    // The model's evidence: a band 6 psychologist delivers CBT for psychosis.
    let pop = write(
        d.path(),
        "population.csv",
        "area_code,area_name,age_from,age_to,sex,population\nA,Area A,16,74,all,10000\n",
    );
    let prev = write(
        d.path(),
        "prevalence.csv",
        "disorder,age_from,age_to,sex,rate\ndepression,0,120,all,0.05\nany,0,120,all,0.05\npsychosis,0,120,all,0.01\n",
    );
    let staff = write(
        d.path(),
        "staff.csv",
        "role,band,wte,low_share,high_share,cbtp_share\nPsychologist,6,2,0,0,1\n",
    );
    write(d.path(), "smhp.toml", SCENARIO);
    let out = capacity()
        .current_dir(d.path())
        .args(["assess", "ours.toml", "--scenario", "smhp.toml"])
        .arg("--population")
        .arg(&pop)
        .arg("--prevalence")
        .arg(&prev)
        .arg("--workforce")
        .arg(&staff)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("workforce_8 is scored 2 (met), but the model says not met")
            && text.contains("Psychologist at band 6 delivering cbtp"),
        "{text}"
    );
}

#[test]
fn the_trend_over_two_dated_assessments_and_the_roadmap_actions_in_order() {
    let d = TempDir::new().unwrap();
    capacity()
        .current_dir(d.path())
        .args(["assess", "--init", "r.toml", "--framework", "cmh-roadmap"])
        .assert()
        .success();
    let t = std::fs::read_to_string(d.path().join("r.toml")).unwrap();
    write(
        d.path(),
        "spring.toml",
        &t.replace("score = \"\"", "score = 0")
            .replace("date = \"\"", "date = \"2026-03\""),
    );
    write(
        d.path(),
        "autumn.toml",
        &t.replace("score = \"\"", "score = 1")
            .replace("date = \"\"", "date = \"2026-10\""),
    );
    let out = capacity()
        .current_dir(d.path())
        .args(["assess", "autumn.toml", "spring.toml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // The columns are in date order whatever the order given.
    let (a, b) = (text.find("2026-03").unwrap(), text.find("2026-10").unwrap());
    assert!(a < b, "{text}");
    assert!(text.contains("Actions: the items at 0 and 1, prerequisites first"));
}

/// Protected time and trainee intake, by hand from the model's own totals (checked first):
/// 1,000,000 people at 1% psychosis need 45.45 WTE of CBT for psychosis (JSON cbtp_wte). At
/// 1.5 protected days a week a WTE of therapy is
/// 5 / 1.5 trained staff: 45.45 x 5 / 1.5 = 151.5, so 152 staff. The workforce file has 1 WTE
/// of trainee clinical psychologists, a one-year training, so an intake of 1.0 a year against
/// the 16.3 a year the pipeline needs (JSON trainee_intake_cbtp).
#[test]
fn protected_days_below_two_and_too_few_trainees_disagree_with_scores_of_two() {
    let d = TempDir::new().unwrap();
    capacity()
        .current_dir(d.path())
        .args(["assess", "--init", "ours.toml"])
        .assert()
        .success();
    let template = std::fs::read_to_string(d.path().join("ours.toml")).unwrap();
    write(
        d.path(),
        "ours.toml",
        &template
            .replace("score = \"\"", "score = 2")
            .replace("date = \"\"", "date = \"2026-11\""),
    );
    write(
        d.path(),
        "population.csv",
        "area_code,area_name,age_from,age_to,sex,population\nA,Area A,16,74,all,1000000\n",
    );
    write(
        d.path(),
        "prevalence.csv",
        "disorder,age_from,age_to,sex,rate\ndepression,0,120,all,0.05\nany,0,120,all,0.05\npsychosis,0,120,all,0.01\n",
    );
    write(
        d.path(),
        "staff.csv",
        "role,band,wte,low_share,high_share,cbtp_share\nClinical psychologist,8a,0.5,0,0,1\nTrainee Clinical psychologist,7,1,0,0,1\n",
    );
    let released = SCENARIO.replace(
        "entry = 1.0\n",
        "entry = 1.0\nprotected_days_per_week = 1.5\n",
    );
    write(d.path(), "smhp.toml", &released);
    let data = [
        "--population",
        "population.csv",
        "--prevalence",
        "prevalence.csv",
        "--workforce",
        "staff.csv",
    ];
    let out = capacity()
        .current_dir(d.path())
        .args(["model", "smhp.toml", "--format", "json"])
        .args(data)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let wte = json["total"]["cbtp_wte"].as_f64().unwrap();
    let intake = json["total"]["trainee_intake_cbtp"].as_f64().unwrap();
    assert!(
        (wte - 45.4545).abs() < 1e-3 && (intake - 16.28).abs() < 1e-2,
        "{wte} {intake}"
    );

    let text = crate::common::stdout_of(
        capacity()
            .current_dir(d.path())
            .args(["assess", "ours.toml", "--scenario", "smhp.toml"])
            .args(data),
    );
    assert!(
        text.contains("training_4 is scored 2 (met), but the model says not met: cbtp: 1.5 protected days a week, so its 45.5 WTE of therapy needs 152 trained staff"),
        "{text}"
    );
    for item in ["workforce_4", "sustainable_pipeline_2"] {
        assert!(
            text.contains(&format!("{item} is scored 2 (met), but the model says not met: cbtp: 1.0 trainee WTE in post, an intake of 1.0 a year against 16.3 a year needed")),
            "{text}"
        );
    }
    // Every item at 2: no action table, a sentence instead.
    assert!(
        text.contains("No actions: every assessed item is scored 2."),
        "{text}"
    );

    // Two protected days and enough trainees: the model agrees with the scores.
    write(d.path(), "smhp.toml", &released.replace("= 1.5", "= 2"));
    write(
        d.path(),
        "staff.csv",
        "role,band,wte,low_share,high_share,cbtp_share\nClinical psychologist,8a,0.5,0,0,1\nTrainee Clinical psychologist,7,17,0,0,1\n",
    );
    let out = capacity()
        .current_dir(d.path())
        .args([
            "assess",
            "ours.toml",
            "--scenario",
            "smhp.toml",
            "--format",
            "json",
        ])
        .args(data)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["disagreements"], serde_json::json!([]), "{json}");
}

/// `capacity report --assessment`: the self-assessment in the board paper, beside the
/// figures it is checked against: the bar per section, the trend, the actions in order and
/// the items scored as met that the model says are not; a bad assessment writes no report.
#[test]
fn the_report_carries_the_assessment_its_trend_actions_and_disagreements() {
    let d = TempDir::new().unwrap();
    capacity()
        .current_dir(d.path())
        .args(["assess", "--init", "t.toml"])
        .assert()
        .success();
    let t = std::fs::read_to_string(d.path().join("t.toml")).unwrap();
    write(
        d.path(),
        "spring.toml",
        &t.replace("score = \"\"", "score = 1")
            .replace("date = \"\"", "date = \"2026-03\""),
    );
    // Autumn: everything met but two items, one not in place and one partly.
    let autumn = t
        .replace("score = \"\"", "score = 2")
        .replace("date = \"\"", "date = \"2026-11\"")
        .replace("organisation = \"\"", "organisation = \"NHS Example ICB\"")
        .replace(
            "[items.workforce_1]\nscore = 2",
            "[items.workforce_1]\nscore = 0",
        )
        .replace(
            "[items.training_3]\nscore = 2",
            "[items.training_3]\nscore = 1",
        );
    write(d.path(), "autumn.toml", &autumn);
    write(
        d.path(),
        "population.csv",
        "area_code,area_name,age_from,age_to,sex,population\nA,Area A,16,74,all,1000000\n",
    );
    write(
        d.path(),
        "prevalence.csv",
        "disorder,age_from,age_to,sex,rate\ndepression,0,120,all,0.05\nany,0,120,all,0.05\npsychosis,0,120,all,0.01\n",
    );
    write(
        d.path(),
        "smhp.toml",
        &SCENARIO.replace(
            "entry = 1.0\n",
            "entry = 1.0\nprotected_days_per_week = 1.5\n",
        ),
    );
    let out = capacity()
        .current_dir(d.path())
        .args(["report", "smhp.toml", "-o", "board.html"])
        .args([
            "--population",
            "population.csv",
            "--prevalence",
            "prevalence.csv",
        ])
        .args(["--assessment", "autumn.toml", "--assessment", "spring.toml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(d.path().join("board.html")).unwrap();
    let start = html
        .find("<section id=\"assessment\"")
        .expect("an assessment section");
    let s = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(s.contains("<h2>Self-assessment: Local strategy for psychological therapies for severe mental health problems</h2>"), "{s}");
    assert!(s.contains("NHS Example ICB, assessed 2026-11"), "{s}");
    // The chart: this autumn's bars, spring's marks.
    assert!(
        s.contains("Score by section, 2026-11") && s.contains("Score at 2026-03"),
        "{s}"
    );
    // The trend, by hand: spring 48 items at 1 = 48 of 96; autumn 46 at 2 + 0 + 1 = 93 of 96.
    let all = &s[s.find("<tr><td data-v=\"All sections\">").unwrap()..];
    let all = &all[..all.find("</tr>").unwrap()];
    assert!(
        all.contains("48 of 96 (50.0%)") && all.contains("93 of 96 (96.9%)"),
        "{all}"
    );
    // The actions: workforce_1 (0) comes before training_3 (1) in the framework's order.
    let (w, tr) = (
        s.find("<td data-v=\"workforce_1\">").unwrap(),
        s.find("<td data-v=\"training_3\">").unwrap(),
    );
    assert!(w < tr, "{s}");
    // Scored 2, not met in the model: 1.5 protected days.
    assert!(
        s.contains("<li><b>training_4</b>") && s.contains("1.5 protected days a week"),
        "{s}"
    );
    // The footer names the assessments with their SHA-256.
    let footer = &html[html.find("<footer").unwrap()..];
    assert!(
        footer.contains("autumn.toml") && footer.contains("spring.toml"),
        "{footer}"
    );

    // A score of 3: exit 2 naming the file and line, and no report written.
    write(
        d.path(),
        "bad.toml",
        &autumn.replace(
            "[items.workforce_1]\nscore = 0",
            "[items.workforce_1]\nscore = 3",
        ),
    );
    let out = capacity()
        .current_dir(d.path())
        .args(["report", "smhp.toml", "-o", "bad.html"])
        .args([
            "--population",
            "population.csv",
            "--prevalence",
            "prevalence.csv",
        ])
        .args(["--assessment", "bad.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:") && err.contains("items.workforce_1.score = 3"),
        "{err}"
    );
    assert!(!d.path().join("bad.html").exists());
}
