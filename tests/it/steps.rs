//! Steps of care are data: a third step added in TOML alone (no Rust change) runs through
//! every subcommand and shows in every output, and the routing rules are checked.

use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use tempfile::TempDir;

use crate::common::{capacity, model_json, write};

/// The 2007 stepped care plus counselling for depression: a tenth of the people treated
/// start at a 20-session step delivered by band 6 counsellors.
const THREE_STEPS: &str = r#"
name = "three-steps"
description = "OBC with counselling for depression as a third step"
extends = "obc"

[steps.low]
entry = 0.9

[steps.counselling]
label = "Counselling for depression (step 3)"
contacts_per_episode = 20
clinical_hours_per_week = 22
contact_hours = 1.0
entry = 0.1
supervision_hours = 1.0
turnover = 0.1

[[steps.counselling.roles]]
role = "Counsellor"
band = "6"
share = 0.9
[[steps.counselling.roles]]
role = "Senior counsellor"
band = "7"
share = 0.1
"#;

fn three_steps(dir: &Path) -> String {
    write(dir, "three.toml", THREE_STEPS)
        .to_string_lossy()
        .into_owned()
}

fn stdout_of(args: &[&str], dir: &Path) -> String {
    let out = capacity().current_dir(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "capacity {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_third_step_in_toml_alone_is_modelled_by_hand() {
    let d = TempDir::new().unwrap();
    let file = three_steps(d.path());
    let json = model_json(&[&file, "--level", "country"]);
    let t = &json["total"];
    let f = |k: &str| t[k].as_f64().unwrap_or_else(|| panic!("no field {k}"));
    // By hand: treated T; low = 0.9 T; counselling = 0.1 T; high = rest (0) + 0.1 x low.
    let treated = f("treated");
    assert!((f("low_episodes") - 0.9 * treated).abs() < 1e-6 * treated);
    assert!((f("counselling_episodes") - 0.1 * treated).abs() < 1e-6 * treated);
    assert!((f("high_episodes") - 0.09 * treated).abs() < 1e-6 * treated);
    assert!((f("stepped_up") - 0.09 * treated).abs() < 1e-6 * treated);
    // 20 contacts; 22 h / 1 h x 220 days / 5 = 968 contacts per WTE a year.
    assert!((f("counselling_contacts") - 20.0 * f("counselling_episodes")).abs() < 1e-6);
    assert!((f("counselling_wte") - f("counselling_contacts") / 968.0).abs() < 1e-9);
    assert!((f("counselling_episodes_per_wte") - 968.0 / 20.0).abs() < 1e-12);
    let sum = f("low_wte") + f("high_wte") + f("counselling_wte");
    assert!((f("total_wte") - sum).abs() < 1e-9 * sum);
    for name in [
        "gap_counselling_wte",
        "current_counselling_wte",
        "cost_counselling",
        "cost_per_counselling_episode",
        "trainee_intake_counselling",
        "steady_intake_counselling",
        "high_counselling_ratio",
        "high_share_wte",
    ] {
        assert!(t.get(name).is_some(), "{name} missing");
    }
    let roles: Vec<(&str, &str)> = t["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap(),
                r["intensity"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(roles.contains(&("Counsellor", "counselling")), "{roles:?}");
}

#[test]
fn a_third_step_shows_in_every_output_of_capacity_model_and_report() {
    let d = TempDir::new().unwrap();
    let file = three_steps(d.path());
    let table = stdout_of(&["model", &file, "--level", "region"], d.path());
    assert!(
        table.contains("Counselling for depression episodes"),
        "{table}"
    );
    assert!(table.contains("Counselling for depression WTE"), "{table}");
    assert!(table.contains("Counsellor"), "{table}");
    let csv = stdout_of(
        &["model", &file, "--level", "region", "--format", "csv"],
        d.path(),
    );
    let header = csv.lines().next().unwrap();
    for col in [
        "counselling_wte",
        "gap_counselling_wte",
        "role:counselling:Counsellor:6:wte",
    ] {
        assert!(header.split(',').any(|c| c == col), "{col} not in {header}");
    }
    let md = stdout_of(
        &["model", &file, "--level", "region", "--format", "markdown"],
        d.path(),
    );
    assert!(md.to_lowercase().contains("counselling"), "{md}");
    stdout_of(
        &[
            "report",
            &file,
            "--level",
            "region",
            "--output",
            "three.html",
        ],
        d.path(),
    );
    let html = std::fs::read_to_string(d.path().join("three.html")).unwrap();
    assert!(html.contains("Counselling"), "report lacks the step");
    assert!(html.contains("counselling"), "report lacks the step's id");
    let out = capacity()
        .current_dir(d.path())
        .args(["model", &file, "--level", "region", "--format", "xlsx"])
        .args(["--output", "three.xlsx"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut book: Xlsx<_> = calamine::open_workbook(d.path().join("three.xlsx")).unwrap();
    let mut found = false;
    for name in book.sheet_names().to_vec() {
        let range = book.worksheet_range(&name).unwrap();
        found |= range.rows().flatten().any(|c| match c {
            Data::String(s) => s.to_lowercase().contains("counselling"),
            _ => false,
        });
    }
    assert!(found, "no sheet of the workbook names the counselling step");
}

#[test]
fn a_third_step_runs_through_sweeps_rows_tornado_and_check() {
    let d = TempDir::new().unwrap();
    three_steps(d.path());
    write(
        d.path(),
        "sweep.toml",
        r#"
name = "counselling"
base = "three.toml"
design = "one-way"

[[vary]]
param = "steps.counselling.contacts_per_episode"
low = 12
high = 24

[[vary]]
param = "steps.counselling.entry"
low = 0.05
high = 0.1
"#,
    );
    let out = capacity()
        .current_dir(d.path())
        .args(["sweep", "sweep.toml", "--level", "region"])
        .args(["--summary", "summary.csv", "--rows", "rows.csv"])
        .args(["--tornado", "tornado.csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = std::fs::read_to_string(d.path().join("summary.csv")).unwrap();
    assert!(
        summary.contains(",counselling_wte,"),
        "the default outputs include each step's WTE: {summary}"
    );
    let rows = std::fs::read_to_string(d.path().join("rows.csv")).unwrap();
    let header = rows.lines().next().unwrap();
    assert!(header.contains("steps.counselling.contacts_per_episode"));
    assert!(header.split(',').any(|c| c == "counselling_wte"));
    let tornado = std::fs::read_to_string(d.path().join("tornado.csv")).unwrap();
    assert!(tornado.contains("steps.counselling.contacts_per_episode"));
    // The sweep's rows agree with `capacity model` for the base run (run 0).
    let mut r = csv::Reader::from_reader(rows.as_bytes());
    let head = r.headers().unwrap().clone();
    let col = head.iter().position(|h| h == "counselling_wte").unwrap();
    let code = head.iter().position(|h| h == "area_code").unwrap();
    let base_total: f64 = r
        .records()
        .map(|x| x.unwrap())
        .find(|x| &x[0] == "0" && &x[code] == "total")
        .map(|x| x[col].parse().unwrap())
        .unwrap();
    let json = model_json(&[
        d.path().join("three.toml").to_str().unwrap(),
        "--level",
        "region",
    ]);
    let want = json["total"]["counselling_wte"].as_f64().unwrap();
    assert!(
        (base_total - want).abs() <= 1e-12 * want,
        "{base_total} {want}"
    );
    // Summarised again from the rows file alone.
    let again = stdout_of(&["summarize", "rows.csv"], d.path());
    assert!(again.contains(",counselling_wte,"), "{again}");

    // check: bless, pass, then a changed step is drift naming its fields.
    let bless = capacity()
        .current_dir(d.path())
        .args(["check", "three.toml", "--bless"])
        .output()
        .unwrap();
    assert!(
        bless.status.success(),
        "{}",
        String::from_utf8_lossy(&bless.stderr)
    );
    capacity()
        .current_dir(d.path())
        .args(["check", "three.toml"])
        .assert()
        .success();
    let text = std::fs::read_to_string(d.path().join("three.toml")).unwrap();
    std::fs::write(
        d.path().join("three.toml"),
        text.replace("contacts_per_episode = 20", "contacts_per_episode = 16"),
    )
    .unwrap();
    let drift = capacity()
        .current_dir(d.path())
        .args(["check", "three.toml"])
        .output()
        .unwrap();
    assert_eq!(drift.status.code(), Some(1));
    let said = String::from_utf8_lossy(&drift.stdout);
    assert!(said.contains("counselling_wte"), "{said}");
}

#[test]
fn a_workforce_file_gives_each_step_its_share_of_time() {
    let d = TempDir::new().unwrap();
    let file = three_steps(d.path());
    let wf = write(
        d.path(),
        "workforce.csv",
        "role,band,wte,low_share,high_share,counselling_share\n\
         Counsellor,6,10,0,0,0.8\nPWP,5,20,1,0,0\n",
    );
    let json = model_json(&[
        &file,
        "--level",
        "country",
        "--workforce",
        wf.to_str().unwrap(),
    ]);
    let t = &json["total"];
    assert_eq!(t["current_counselling_wte"].as_f64(), Some(8.0));
    assert_eq!(t["current_low_wte"].as_f64(), Some(20.0));
    // A share column for a step the scenario lacks is an error naming it.
    let bad = write(
        d.path(),
        "bad.csv",
        "role,band,wte,li_share,hi_share,family_share\nHIT,7,1,0,0.5,0.5\n",
    );
    let out = capacity()
        .current_dir(d.path())
        .args(["model", &file, "--workforce", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("family_share") && err.contains("steps: low, high, counselling"),
        "{err}"
    );
}

/// Bad routing is an error naming the file, line and key, never a panic.
#[test]
fn bad_steps_are_errors_naming_the_key() {
    let d = TempDir::new().unwrap();
    let cases: [(&str, &str, &[&str]); 6] = [
        (
            "unknown step in an edge",
            "extends = \"obc\"\n[steps.high]\nfrom = { lwo = 0.1 }\n",
            &["steps.high.from.lwo", "no step 'lwo'", "low, high"],
        ),
        (
            "a cycle of step-up edges",
            "extends = \"obc\"\n[steps.low]\nfrom = { high = 0.2 }\n",
            &["cycle", "low", "high"],
        ),
        (
            "entry shares above 1",
            "extends = \"obc\"\n[steps.extra]\ncontacts_per_episode = 5\ncontacts_per_day = 5\ncaseload = 0.5\nentry = 0.3\n[[steps.extra.roles]]\nrole = \"X\"\nband = \"5\"\nshare = 1\n",
            &["entry shares", "more than 1"],
        ),
        (
            "a step with no staff group",
            "extends = \"obc\"\n[steps.extra]\ncontacts_per_episode = 5\ncontacts_per_day = 5\ncaseload = 0.5\n",
            &["steps.extra.roles is empty"],
        ),
        (
            "staff group shares above 1",
            "extends = \"obc\"\n[[steps.high.roles]]\nrole = \"HIT\"\nband = \"7\"\nshare = 0.8\n[[steps.high.roles]]\nrole = \"Senior\"\nband = \"8a\"\nshare = 0.4\n",
            &["steps.high.roles", "sum to 1.2"],
        ),
        (
            "a disorder routed to an unknown step",
            "extends = \"obc\"\n[disorders.ptsd.steps.trauma]\nentry = 1.0\n",
            &["disorders.ptsd.steps.trauma", "no step 'trauma'"],
        ),
    ];
    for (what, text, said) in cases {
        refused(d.path(), what, text, &[], &["bad.toml:"], said);
    }
}

/// `capacity model` on `text` (written to bad.toml) with `args` exits 2 saying `said`.
fn refused(dir: &Path, what: &str, text: &str, args: &[&str], where_: &[&str], said: &[&str]) {
    let file = write(dir, "bad.toml", text);
    let out = capacity()
        .args(["model", file.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    for s in where_.iter().chain(said) {
        assert!(err.contains(s), "{what}: '{s}' not in {err}");
    }
}

/// The 2007 section names are a shorthand for the general form: the same values written
/// either way give the same numbers.
#[test]
fn the_2007_sections_are_a_shorthand_for_steps() {
    let d = TempDir::new().unwrap();
    let legacy = write(
        d.path(),
        "legacy.toml",
        "extends = \"obc\"\n[stepped_care]\nstep2_entry = 0.8\nstep_up = 0.25\n\
         [low_intensity]\ncontacts_per_episode = 6\n[high_intensity]\ncaseload = 0.6\n\
         [supervision]\nlow_hours = 2.0\n[pipeline]\nturnover_high = 0.12\n\
         [disorders.ptsd]\nstep2_entry = 0.0\n",
    );
    let general = write(
        d.path(),
        "general.toml",
        "extends = \"obc\"\n[steps.low]\nentry = 0.8\ncontacts_per_episode = 6\n\
         supervision_hours = 2.0\n[steps.high]\nfrom = { low = 0.25 }\ncaseload = 0.6\n\
         turnover = 0.12\n[disorders.ptsd.steps.low]\nentry = 0.0\n",
    );
    let a = model_json(&[legacy.to_str().unwrap(), "--level", "region"]);
    let b = model_json(&[general.to_str().unwrap(), "--level", "region"]);
    assert_eq!(a["areas"], b["areas"]);
    assert_eq!(a["total"], b["total"]);
    assert_eq!(a["scenario"]["steps"], b["scenario"]["steps"]);
}

/// One area of 1,000 people aged 20-29; common mental disorders and psychosis.
const POPULATION: &str =
    "area_code,area_name,age_from,age_to,sex,population\nA,Area A,20,29,all,1000\n";
const PREVALENCE: &str = "disorder,age_from,age_to,sex,rate\n\
    depression,0,120,all,0.05\ngad,0,120,all,0.05\nany,0,120,all,0.08\npsychosis,0,120,all,0.01\n";

/// A second pathway, in TOML alone: psychosis with its own funnel and its own step, CBT for
/// psychosis (NICE CG178: at least 16 planned sessions).
const TWO_PATHWAYS: &str = r#"
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
"#;

/// By hand. `any` (0.08) is any common mental disorder, so psychosis, claimed by its own
/// pathway, is outside the comorbidity scaling: depression and gad are each 0.05 x 0.08 /
/// 0.10 = 0.04 (40 people each), psychosis 0.01 (10 people).
/// Common mental disorders: 80 -> presenting 40 -> detected 20 -> referred 20 -> low 20,
/// high 0 + 0.1 x 20 = 2. Psychosis: 10 -> presenting 10 -> detected 8 -> referred 4 -> CBTp
/// 4 episodes x 16 = 64 contacts / (20 h / 1 h x 220 / 5 = 880) = 0.0727 WTE.
#[test]
fn a_second_pathway_has_its_own_conditions_funnel_and_steps() {
    let d = TempDir::new().unwrap();
    let pop = write(d.path(), "population.csv", POPULATION);
    let prev = write(d.path(), "prevalence.csv", PREVALENCE);
    let file = write(d.path(), "two.toml", TWO_PATHWAYS);
    let json = model_json(&[
        file.to_str().unwrap(),
        "--population",
        pop.to_str().unwrap(),
        "--prevalence",
        prev.to_str().unwrap(),
        "--by-disorder",
    ]);
    let t = &json["total"];
    let f = |k: &str| t[k].as_f64().unwrap_or_else(|| panic!("no field {k}"));
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs().max(1.0);
    assert!(close(f("prevalent"), 90.0), "{}", f("prevalent"));
    assert!(close(f("referred"), 24.0));
    assert!(close(f("low_episodes"), 20.0));
    assert!(close(f("high_episodes"), 2.0));
    assert!(close(f("cbtp_episodes"), 4.0));
    assert!(close(f("cbtp_contacts"), 64.0));
    assert!(close(f("cbtp_wte"), 64.0 / 880.0));
    let by: Vec<(&str, f64, f64)> = t["disorders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["disorder"].as_str().unwrap(),
                x["prevalent"].as_f64().unwrap(),
                x["cbtp_episodes"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(by
        .iter()
        .any(|&(d, p, c)| d == "psychosis" && close(p, 10.0) && close(c, 4.0)));
    assert!(by
        .iter()
        .any(|&(d, p, c)| d == "depression" && close(p, 40.0) && c == 0.0));
    // The table says which pathway a step belongs to.
    let out = capacity()
        .args(["model", file.to_str().unwrap()])
        .args(["--population", pop.to_str().unwrap()])
        .args(["--prevalence", prev.to_str().unwrap()])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("Psychosis: x entry 1.00"), "{table}");
    // A sweep varies the pathway's own rate.
    write(
        d.path(),
        "sweep.toml",
        "base = \"two.toml\"\ndesign = \"grid\"\n[[vary]]\nparam = \"pathways.psychosis.referral_weight\"\nvalues = [0.25, 0.5]\n",
    );
    let out = capacity()
        .current_dir(d.path())
        .args(["sweep", "sweep.toml", "--population", "population.csv"])
        .args([
            "--prevalence",
            "prevalence.csv",
            "--outputs",
            "cbtp_episodes",
        ])
        .args(["--summary", "s.csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = std::fs::read_to_string(d.path().join("s.csv")).unwrap();
    let total = summary
        .lines()
        .find(|l| l.starts_with("total,"))
        .unwrap()
        .to_string();
    // Runs 1 and 2 are the grid's 0.25 and 0.5: 2 and 4 episodes; run 0 the base, 4.
    assert!(total.contains(",cbtp_episodes,3.0,"), "{total}");
}

#[test]
fn bad_pathways_are_errors_naming_the_key() {
    let d = TempDir::new().unwrap();
    let pop = write(d.path(), "population.csv", POPULATION);
    let prev = write(d.path(), "prevalence.csv", PREVALENCE);
    let cases: [(&str, String, &[&str]); 5] = [
        (
            "a step in an unknown pathway",
            TWO_PATHWAYS.replace("pathway = \"psychosis\"", "pathway = \"psychossis\""),
            &["steps.cbtp.pathway = \"psychossis\"", "pathways: psychosis"],
        ),
        (
            "a pathway with no steps",
            format!("{TWO_PATHWAYS}\n[pathways.bipolar]\nconditions = [\"gad\"]\n"),
            &["pathways.bipolar has no steps"],
        ),
        (
            "a condition in two pathways",
            format!(
                "{TWO_PATHWAYS}\n[pathways.other]\nconditions = [\"psychosis\"]\n[steps.x]\npathway = \"other\"\ncontacts_per_episode = 5\ncontacts_per_day = 5\ncaseload = 0.5\nentry = 1.0\n[[steps.x.roles]]\nrole = \"X\"\nband = \"7\"\nshare = 1\n"
            ),
            &["'psychosis' is already a condition of pathway psychosis"],
        ),
        (
            "an unknown condition",
            TWO_PATHWAYS.replace("[\"psychosis\"]", "[\"psychosys\"]"),
            &["'psychosys' is not a disorder of the prevalence table"],
        ),
        (
            "an edge from another pathway",
            TWO_PATHWAYS.replace("entry = 1.0\n", "entry = 1.0\nfrom = { low = 0.1 }\n"),
            &["steps.cbtp.from.low", "another pathway"],
        ),
    ];
    let data = [
        "--population",
        pop.to_str().unwrap(),
        "--prevalence",
        prev.to_str().unwrap(),
    ];
    for (what, text, said) in cases {
        refused(d.path(), what, &text, &data, &["bad.toml"], said);
    }
}

/// The long table holds every field of every row once, keyed by step (named without the
/// step's id) and pathway, and the roles' figures: the same numbers as the JSON.
#[test]
fn the_long_table_is_every_field_keyed_by_area_pathway_and_step() {
    let d = TempDir::new().unwrap();
    let pop = write(d.path(), "population.csv", POPULATION);
    let prev = write(d.path(), "prevalence.csv", PREVALENCE);
    let file = write(d.path(), "two.toml", TWO_PATHWAYS);
    let args = [
        file.to_str().unwrap(),
        "--population",
        pop.to_str().unwrap(),
        "--prevalence",
        prev.to_str().unwrap(),
    ];
    let json = model_json(&args);
    let out = capacity()
        .arg("model")
        .args(args)
        .args(["--format", "long", "--by-disorder"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let find = |area: &str, step: &str, condition: &str, role: &str, measure: &str| {
        let hits: Vec<&csv::StringRecord> = rows
            .iter()
            .filter(|x| {
                &x[0] == area
                    && &x[4] == step
                    && &x[5] == condition
                    && &x[6] == role
                    && &x[8] == measure
            })
            .collect();
        assert_eq!(hits.len(), 1, "{area} {step} {condition} {role} {measure}");
        hits[0].clone()
    };
    let total = json["total"].as_object().unwrap();
    // A step's fields, by the name pattern the JSON row uses, and their long-table measure.
    let patterns = [
        ("{}_episodes", "episodes"),
        ("{}_contacts", "contacts"),
        ("{}_wte", "wte"),
        ("{}_episodes_per_wte", "episodes_per_wte"),
        ("current_{}_wte", "current_wte"),
        ("gap_{}_wte", "gap_wte"),
        ("requirement_met_{}", "requirement_met"),
        ("cost_{}", "cost"),
        ("cost_per_{}_contact", "cost_per_contact"),
        ("cost_per_{}_episode", "cost_per_episode"),
        ("trainee_intake_{}", "trainee_intake"),
        ("steady_intake_{}", "steady_intake"),
    ];
    let mut checked = 0;
    for (name, v) in total {
        let Some(x) = v.as_f64() else { continue };
        let keyed = ["low", "high", "cbtp"].iter().find_map(|s| {
            patterns
                .iter()
                .find(|(p, _)| p.replace("{}", s) == *name)
                .map(|(_, m)| (*s, *m))
        });
        let row = match keyed {
            Some((step, m)) => find("total", step, "", "", m),
            None => find("total", "", "", "", name),
        };
        let got: f64 = row[9].parse().unwrap();
        assert!(
            (got - x).abs() <= 1e-12 * x.abs().max(1.0),
            "{name}: {got} vs {x}"
        );
        checked += 1;
    }
    assert!(checked > 50, "{checked} fields");
    assert_eq!(&find("total", "cbtp", "", "", "wte")[3], "psychosis");
    assert_eq!(&find("total", "low", "", "", "wte")[3], "main");
    let role = find("total", "cbtp", "", "Clinical psychologist", "wte");
    assert_eq!(&role[7], "8a");
    let psychosis = find("total", "", "psychosis", "", "prevalent");
    assert_eq!(&psychosis[3], "psychosis");
    assert!((psychosis[9].parse::<f64>().unwrap() - 10.0).abs() < 1e-9);
}

/// `capacity init` writes a third step and a pathway in the general form, and the file it
/// writes gives the same numbers as the scenario it came from.
#[test]
fn init_writes_steps_and_pathways_that_read_back_the_same() {
    let d = TempDir::new().unwrap();
    let pop = write(d.path(), "population.csv", POPULATION);
    let prev = write(d.path(), "prevalence.csv", PREVALENCE);
    let text = format!(
        "{TWO_PATHWAYS}\n[steps.counselling]\ncontacts_per_episode = 20\nclinical_hours_per_week = 22\n\
         contact_hours = 1.0\nentry = 0.1\n[steps.counselling.from]\nhigh = 0.05\n\
         [[steps.counselling.roles]]\nrole = \"Counsellor\"\nband = \"6\"\nshare = 1\n\
         [steps.low]\nentry = 0.9\n"
    );
    write(d.path(), "from.toml", &text);
    capacity()
        .current_dir(d.path())
        .args(["init", "written.toml", "--from", "from.toml"])
        .assert()
        .success();
    let written = std::fs::read_to_string(d.path().join("written.toml")).unwrap();
    for part in [
        "[steps.counselling]",
        "from = { high = 0.05 }",
        "[pathways.psychosis]",
        "pathway = \"psychosis\"",
    ] {
        assert!(written.contains(part), "{part} not in:\n{written}");
    }
    let run = |file: &str| {
        model_json(&[
            d.path().join(file).to_str().unwrap(),
            "--population",
            pop.to_str().unwrap(),
            "--prevalence",
            prev.to_str().unwrap(),
        ])
    };
    let (a, b) = (run("from.toml"), run("written.toml"));
    assert_eq!(a["total"], b["total"]);
    assert_eq!(a["scenario"]["steps"], b["scenario"]["steps"]);
    assert_eq!(a["scenario"]["pathways"], b["scenario"]["pathways"]);
}

/// `[pathways.<id>] min_band`: a skill-mix role of the pathway's steps below it is a warning
/// naming the role, its line and the key; a band that is not Agenda for Change is an error.
#[test]
fn a_pathway_role_below_its_min_band_is_a_warning_naming_the_line() {
    let d = tempfile::TempDir::new().unwrap();
    let scenario = "extends = \"obc\"\n[pathways.psychosis]\nlabel = \"Psychosis\"\nconditions = [\"psychosis\"]\nmin_band = 7\n[steps.cbtp]\npathway = \"psychosis\"\ncontacts_per_episode = 16\nclinical_hours_per_week = 20\ncontact_hours = 1.0\nentry = 1.0\n[[steps.cbtp.roles]]\nrole = \"Clinical psychologist\"\nband = \"8a\"\nshare = 0.6\n[[steps.cbtp.roles]]\nrole = \"CBT therapist\"\nband = 6\nshare = 0.4\n";
    crate::common::write(d.path(), "s.toml", scenario);
    crate::common::write(
        d.path(),
        "prevalence.csv",
        "disorder,age_from,age_to,sex,rate\ndepression,0,120,all,0.05\nany,0,120,all,0.05\npsychosis,0,120,all,0.01\n",
    );
    let run = |d: &std::path::Path| {
        crate::common::capacity()
            .current_dir(d)
            .args([
                "model",
                "s.toml",
                "--prevalence",
                "prevalence.csv",
                "--level",
                "country",
            ])
            .output()
            .unwrap()
    };
    let out = run(d.path());
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("s.toml:18: CBT therapist at band 6 delivers step cbtp of the Psychosis pathway, which asks for band 7 or above"),
        "{err}"
    );
    assert!(!err.contains("Clinical psychologist at band"), "{err}");
    // With --strict the warning stops the run, and no output is written.
    let out = crate::common::capacity()
        .current_dir(d.path())
        .args([
            "--strict",
            "model",
            "s.toml",
            "--prevalence",
            "prevalence.csv",
        ])
        .args(["--level", "country", "--format", "csv", "-o", "out.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--strict: 1 warning above"), "{err}");
    assert!(!d.path().join("out.csv").exists());
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        2,
        "only the inputs are left"
    );
    crate::common::write(
        d.path(),
        "s.toml",
        &scenario.replace("min_band = 7", "min_band = \"7c\""),
    );
    let out = run(d.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "s.toml:5: pathways.psychosis.min_band = \"7c\" is not an Agenda for Change band"
        ),
        "{err}"
    );
}
