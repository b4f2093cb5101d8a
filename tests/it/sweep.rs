//! `capacity sweep` and `capacity summarize` (issue 3), through the real binary.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::common::{capacity, write};

fn shipped(name: &str) -> String {
    format!("{}/scenarios/sweeps/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `capacity` with `args` in `dir`; panics with stderr unless it succeeded.
fn ok(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = capacity().current_dir(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "capacity {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A CSV file as its header and rows of text cells.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn csv_text(text: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Two cells of the same field agree: equal text, or numbers within 1e-13 relative.
fn same_cell(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= 1e-13 * x.abs().max(y.abs()).max(1.0),
        _ => false,
    }
}

#[test]
fn grid_points_and_the_base_run_equal_capacity_model() {
    let dir = tempfile::tempdir().unwrap();
    let rows_path = dir.path().join("rows.csv");
    ok(
        dir.path(),
        &[
            "sweep",
            &shipped("grid.toml"),
            "--level",
            "region",
            "--rows",
            rows_path.to_str().unwrap(),
        ],
    );
    let (header, rows) = read_csv(&rows_path);
    assert_eq!(
        &header[..4],
        &[
            "run",
            "area_code",
            "demand.presentation_rate",
            "stepped_care.step_up"
        ]
    );
    // 9 grid points and run 0, each with 7 regions and the total.
    assert_eq!(rows.len(), 10 * 8);
    for run in 0..10 {
        let mine: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == run.to_string()).collect();
        let (presentation, step_up) = (&mine[0][2], &mine[0][3]);
        if run == 0 {
            assert_eq!((presentation.as_str(), step_up.as_str()), ("0.5", "0.1"));
        }
        let scenario = write(
            dir.path(),
            &format!("point{run}.toml"),
            &format!(
                "extends = \"obc\"\n[demand]\npresentation_rate = {presentation}\n[stepped_care]\nstep_up = {step_up}\n"
            ),
        );
        let out = ok(
            dir.path(),
            &[
                "model",
                scenario.to_str().unwrap(),
                "--level",
                "region",
                "--format",
                "csv",
            ],
        );
        let (mut model_header, mut model_rows) = csv_text(&out.stdout);
        // The per-role columns (the JSON's roles list) are not in a sweep's rows.
        if let Some(first_role) = model_header.iter().position(|h| h.starts_with("role:")) {
            model_header.truncate(first_role);
            for row in &mut model_rows {
                row.truncate(first_role);
            }
        }
        // The rows file's columns after the parameters are the model's, in order.
        assert_eq!(&header[4..], &model_header[1..]);
        assert_eq!(&header[1], &model_header[0]);
        assert_eq!(mine.len(), model_rows.len());
        for (a, b) in mine.iter().zip(&model_rows) {
            assert_eq!(a[1], b[0]);
            for (k, name) in model_header.iter().enumerate().skip(1) {
                assert!(
                    same_cell(&a[k + 3], &b[k]),
                    "run {run} {} {name}: sweep {} vs model {}",
                    a[1],
                    a[k + 3],
                    b[k]
                );
            }
        }
    }
}

fn summary_of(path: &Path) -> HashMap<(String, String), HashMap<String, f64>> {
    let (header, rows) = read_csv(path);
    rows.into_iter()
        .map(|r| {
            let stats = header
                .iter()
                .zip(&r)
                .skip(4)
                .filter_map(|(h, v)| v.parse().ok().map(|x| (h.clone(), x)))
                .collect();
            ((r[0].clone(), r[3].clone()), stats)
        })
        .collect()
}

fn model_total_wte(dir: &Path, scenario: &str) -> f64 {
    let out = ok(
        dir,
        &["model", scenario, "--level", "region", "--format", "csv"],
    );
    let (header, rows) = csv_text(&out.stdout);
    let col = header.iter().position(|h| h == "total_wte").unwrap();
    let total = rows.iter().find(|r| r[0] == "total").unwrap();
    total[col].parse().unwrap()
}

/// Total WTE is linear in the presentation rate, so over a uniform draw its mean is the model
/// at the midpoint: within four standard errors for Monte Carlo, far closer for a Latin
/// hypercube (each stratum is drawn once).
#[test]
fn monte_carlo_mean_converges_to_the_model_at_the_midpoint() {
    let dir = tempfile::tempdir().unwrap();
    let at_midpoint = model_total_wte(dir.path(), "obc");
    for (design, runs) in [("monte-carlo", 20_000), ("latin-hypercube", 2_000)] {
        let file = write(
            dir.path(),
            &format!("{design}.toml"),
            &format!(
                "base = \"obc\"\ndesign = \"{design}\"\nruns = {runs}\nseed = 11\n\n[[vary]]\nparam = \"demand.presentation_rate\"\ndist = \"uniform\"\nlow = 0.3\nhigh = 0.7\n"
            ),
        );
        let summary = dir.path().join(format!("{design}-summary.csv"));
        ok(
            dir.path(),
            &[
                "sweep",
                file.to_str().unwrap(),
                "--level",
                "region",
                "--outputs",
                "total_wte",
                "--summary",
                summary.to_str().unwrap(),
            ],
        );
        let s = summary_of(&summary);
        let total = &s[&("total".to_string(), "total_wte".to_string())];
        let (mean, sd) = (total["mean"], total["sd"]);
        let n = f64::from(runs);
        let error = (mean - at_midpoint).abs();
        let bound = if design == "monte-carlo" {
            4.0 * sd / n.sqrt()
        } else {
            4.0 * sd / n
        };
        assert!(
            error <= bound,
            "{design}: mean {mean} vs model at 0.5 {at_midpoint} (error {error}, bound {bound})"
        );
        // The base column is run 0, the model itself.
        assert!((total["base"] - at_midpoint).abs() <= 1e-13 * at_midpoint);
        // A uniform on [0.3, 0.7] has sd 0.4 / sqrt(12); total WTE scales with it.
        let want_sd = at_midpoint / 0.5 * 0.4 / 12f64.sqrt();
        assert!(
            (sd - want_sd).abs() <= 0.03 * want_sd,
            "sd {sd} vs {want_sd}"
        );
    }
}

fn sweep_outputs(dir: &Path, threads: Option<&str>, tag: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let summary = dir.join(format!("summary-{tag}.csv"));
    let rows = dir.join(format!("rows-{tag}.csv"));
    let mut cmd = capacity();
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t);
    }
    let out = cmd
        .current_dir(dir)
        .args([
            "sweep",
            &shipped("monte-carlo.toml"),
            "--runs",
            "3000",
            "--level",
            "region",
            "--summary",
            summary.to_str().unwrap(),
            "--rows",
            rows.to_str().unwrap(),
            "--manifest",
            dir.join(format!("manifest-{tag}.json")).to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Silent on stderr: no progress bar when stderr is not a terminal.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        std::fs::read(summary).unwrap(),
        std::fs::read(rows).unwrap(),
        out.stdout,
    )
}

#[test]
fn outputs_are_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let one = sweep_outputs(dir.path(), Some("1"), "1");
    let default = sweep_outputs(dir.path(), None, "default");
    let three = sweep_outputs(dir.path(), Some("3"), "3");
    assert!(one.0 == default.0 && one.0 == three.0, "summary differs");
    assert!(one.1 == default.1 && one.1 == three.1, "rows differ");
    assert!(one.2 == default.2 && one.2 == three.2, "stdout differs");
    // 3,001 runs x (7 regions + total) rows and a header.
    let lines = one.1.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(lines, 3001 * 8 + 1);
}

#[test]
fn sharded_then_summarized_equals_unsharded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sweep = shipped("latin-hypercube.toml");
    let base_args = [
        "sweep",
        sweep.as_str(),
        "--level",
        "region",
        "--runs",
        "1001",
    ];
    let full = d.join("full.csv");
    let all_rows = d.join("all.csv");
    let mut args = base_args.to_vec();
    args.extend([
        "--summary",
        full.to_str().unwrap(),
        "--rows",
        all_rows.to_str().unwrap(),
    ]);
    ok(d, &args);
    let mut shards: Vec<PathBuf> = Vec::new();
    for k in 1..=3 {
        let rows = d.join(format!("rows-{k}.csv"));
        let shard = format!("{k}/3");
        let mut args = base_args.to_vec();
        args.extend(["--shard", shard.as_str(), "--rows", rows.to_str().unwrap()]);
        ok(d, &args);
        shards.push(rows);
    }
    // Any order of the files.
    let combined = d.join("combined.csv");
    ok(
        d,
        &[
            "summarize",
            shards[2].to_str().unwrap(),
            shards[0].to_str().unwrap(),
            shards[1].to_str().unwrap(),
            "--summary",
            combined.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read(&full).unwrap(),
        std::fs::read(&combined).unwrap(),
        "summary of the shards differs from the sweep's"
    );
    // Without --summary, the CSV goes to stdout; from the unsharded rows file too.
    let out = ok(d, &["summarize", all_rows.to_str().unwrap()]);
    assert_eq!(out.stdout, std::fs::read(&full).unwrap());
    // The shards' rows are the whole sweep's rows, split.
    let whole = std::fs::read_to_string(&all_rows).unwrap();
    let mut joined = String::new();
    for (i, s) in shards.iter().enumerate() {
        let text = std::fs::read_to_string(s).unwrap();
        let body = if i == 0 {
            &text[..]
        } else {
            text.split_once('\n').unwrap().1
        };
        joined.push_str(body);
    }
    assert_eq!(whole, joined);
    // A shard left out is named.
    let out = capacity()
        .current_dir(d)
        .args([
            "summarize",
            shards[0].to_str().unwrap(),
            shards[2].to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("shard 2 of 3 (runs 334 to 667) is missing"),
        "{err}"
    );
}

#[test]
fn one_way_tornado_is_sorted_by_swing_and_matches_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tornado = d.join("tornado.csv");
    let out = ok(
        d,
        &[
            "sweep",
            &shipped("one-way.toml"),
            "--level",
            "region",
            "--tornado",
            tornado.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("One-way sensitivity"), "{stdout}");
    let (header, rows) = read_csv(&tornado);
    assert_eq!(
        &header[..7],
        &[
            "param",
            "low_value",
            "high_value",
            "output",
            "at_low",
            "at_high",
            "swing"
        ]
    );
    // total_wte first, each output's block sorted by swing, largest first.
    assert_eq!(rows[0][3], "total_wte");
    let mut outputs: Vec<&str> = Vec::new();
    for r in &rows {
        if outputs.last() != Some(&r[3].as_str()) {
            assert!(!outputs.contains(&r[3].as_str()), "outputs interleaved");
            outputs.push(&r[3]);
        }
    }
    assert_eq!(outputs.len(), 6);
    for block in rows.chunk_by(|a, b| a[3] == b[3]) {
        assert_eq!(block.len(), 11);
        let swings: Vec<f64> = block.iter().map(|r| r[6].parse().unwrap()).collect();
        assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
    }
    // The presentation rate's low end is the model at that rate.
    let low = rows
        .iter()
        .find(|r| r[0] == "demand.presentation_rate" && r[3] == "total_wte")
        .unwrap();
    let scenario = write(
        d,
        "low.toml",
        &format!(
            "extends = \"obc\"\n[demand]\npresentation_rate = {}\n",
            low[1]
        ),
    );
    let want = model_total_wte(d, scenario.to_str().unwrap());
    let got: f64 = low[4].parse().unwrap();
    assert!((got - want).abs() <= 1e-13 * want, "{got} vs {want}");
    // The manifest is written beside the tornado.
    assert!(d.join("manifest.json").exists());
}

#[test]
fn manifest_records_what_made_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let summary = d.join("out.csv");
    ok(
        d,
        &[
            "sweep",
            &shipped("monte-carlo.toml"),
            "--runs",
            "50",
            "--level",
            "region",
            "--summary",
            summary.to_str().unwrap(),
        ],
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("manifest.json")).unwrap()).unwrap();
    assert!(m["tool"].as_str().unwrap().starts_with("capacity "));
    assert_eq!(m["seed"], 42);
    // Run 0 and the 50 runs after it.
    assert_eq!(m["total_runs"], 51);
    assert_eq!(m["sweep"]["runs"], 50);
    assert_eq!(
        (m["first_run"].as_u64(), m["last_run"].as_u64()),
        (Some(0), Some(50))
    );
    assert_eq!(m["sweep_id"].as_str().unwrap().len(), 64);
    assert_eq!(m["sweep"]["design"], "monte-carlo");
    assert_eq!(m["sweep"]["params"].as_array().unwrap().len(), 11);
    assert_eq!(m["base_scenario"]["name"], "obc");
    let inputs = m["inputs"].as_array().unwrap();
    let roles: Vec<&str> = inputs.iter().map(|i| i["role"].as_str().unwrap()).collect();
    for role in [
        "sweep",
        "scenario",
        "population",
        "prevalence",
        "areas",
        "pay",
    ] {
        assert!(roles.contains(&role), "{role} missing from {roles:?}");
    }
    for i in inputs {
        let h = i["sha256"].as_str().unwrap();
        assert_eq!(h.len(), 64);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
    }
}

/// Each class of mistake in a sweep file: exit 2, and a message naming the file, the key (or
/// line) and what would be valid.
#[test]
fn every_bad_sweep_file_class_gets_a_named_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mc = "base = \"obc\"\ndesign = \"monte-carlo\"\nruns = 10\nseed = 1\n";
    let vary = |body: &str| format!("{mc}\n[[vary]]\n{body}\n");
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        ("syntax", "base = \"obc\ndesign = 3".into(), vec!["syntax.toml:"]),
        ("unknown-key", format!("{mc}run = 5\n"), vec!["unknown field `run`", "expected"]),
        (
            "unknown-vary-key",
            vary("param = \"demand.detection_rate\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.6\ndistribution = 1"),
            vec!["unknown field `distribution`"],
        ),
        ("no-base", "design = \"grid\"\n".into(), vec!["base is missing"]),
        ("bad-base", mc.replace("obc", "nope"), vec!["base = \"nope\"", "presets"]),
        ("bad-design", mc.replace("monte-carlo", "random"), vec!["design = \"random\"", "\"latin-hypercube\""]),
        ("no-runs", "base = \"obc\"\ndesign = \"monte-carlo\"\nseed = 1\n[[vary]]\nparam = \"demand.detection_rate\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.6\n".into(), vec!["runs is missing"]),
        ("zero-runs", vary("param = \"demand.detection_rate\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.6").replace("runs = 10", "runs = 0"), vec!["runs = 0", ">= 1"]),
        ("no-seed", vary("param = \"demand.detection_rate\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.6").replace("seed = 1\n", ""), vec!["seed is missing"]),
        ("runs-in-grid", "base = \"obc\"\ndesign = \"grid\"\nruns = 5\n[[vary]]\nparam = \"demand.detection_rate\"\nvalues = [0.4]\n".into(), vec!["runs-in-grid.toml:3", "runs is for the random designs"]),
        ("no-vary", mc.into(), vec!["no [[vary]] tables"]),
        ("unknown-param", vary("param = \"demand.presentation\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.6"), vec!["unknown-param.toml:7", "param = \"demand.presentation\"", "demand.presentation_rate", "disorders.<id>", "costs.salary.<band>"]),
        ("repeated-param", format!("{}\n[[vary]]\nparam = \"demand.detection_rate\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.6\n", vary("param = \"demand.detection_rate\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.6")), vec!["already varied"]),
        ("bad-dist", vary("param = \"demand.detection_rate\"\ndist = \"gaussian\"\nlow = 0.4\nhigh = 0.6"), vec!["dist = \"gaussian\"", "\"normal80\""]),
        ("no-dist", vary("param = \"demand.detection_rate\"\nlow = 0.4\nhigh = 0.6"), vec!["dist is missing"]),
        ("low-above-high", vary("param = \"demand.detection_rate\"\ndist = \"uniform\"\nlow = 0.6\nhigh = 0.4"), vec!["low = 0.6 is not below high = 0.4"]),
        ("percent", vary("param = \"demand.detection_rate\"\ndist = \"uniform\"\nlow = 40\nhigh = 60"), vec!["did you mean 0.40"]),
        ("missing-high", vary("param = \"demand.detection_rate\"\ndist = \"normal80\"\nlow = 0.4"), vec!["high is missing", "10th and 90th percentiles"]),
        ("mode-outside", vary("param = \"stepped_care.step_up\"\ndist = \"triangular\"\nlow = 0.1\nmode = 0.5\nhigh = 0.3"), vec!["mode = 0.5 is outside"]),
        ("no-mode", vary("param = \"stepped_care.step_up\"\ndist = \"triangular\"\nlow = 0.1\nhigh = 0.3"), vec!["mode is missing"]),
        ("mode-for-uniform", vary("param = \"stepped_care.step_up\"\ndist = \"uniform\"\nlow = 0.1\nmode = 0.2\nhigh = 0.3"), vec!["mode does not apply to dist = \"uniform\""]),
        ("lognormal-zero", vary("param = \"demand.deprivation_factor\"\ndist = \"lognormal80\"\nlow = 0\nhigh = 1.2"), vec!["must be above 0 for a log-normal"]),
        ("beta-unbounded", vary("param = \"low_intensity.contacts_per_day\"\ndist = \"beta\"\nlow = 10\nhigh = 16"), vec!["give both min and max"]),
        ("grid-both", "base = \"obc\"\ndesign = \"grid\"\n[[vary]]\nparam = \"demand.detection_rate\"\nvalues = [0.4]\nfrom = 0.1\nto = 0.2\nsteps = 2\n".into(), vec!["both values and from/to/steps"]),
        ("grid-none", "base = \"obc\"\ndesign = \"grid\"\n[[vary]]\nparam = \"demand.detection_rate\"\n".into(), vec!["no values", "values = [0.4, 0.5, 0.6]"]),
        ("grid-steps", "base = \"obc\"\ndesign = \"grid\"\n[[vary]]\nparam = \"demand.detection_rate\"\nfrom = 0.1\nto = 0.2\nsteps = 1\n".into(), vec!["steps = 1 is too few"]),
        ("grid-value", "base = \"obc\"\ndesign = \"grid\"\n[[vary]]\nparam = \"demand.detection_rate\"\nvalues = [0.4, 1.5]\n".into(), vec!["values[1] = 1.5 is not a fraction"]),
        ("grid-dist", "base = \"obc\"\ndesign = \"grid\"\n[[vary]]\nparam = \"demand.detection_rate\"\ndist = \"uniform\"\nvalues = [0.4]\n".into(), vec!["dist does not apply to design = \"grid\""]),
        ("one-way-dist", "base = \"obc\"\ndesign = \"one-way\"\n[[vary]]\nparam = \"demand.detection_rate\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.6\n".into(), vec!["dist does not apply to design = \"one-way\""]),
        ("one-way-high", "base = \"obc\"\ndesign = \"one-way\"\n[[vary]]\nparam = \"demand.detection_rate\"\nlow = 0.4\n".into(), vec!["high is missing"]),
        ("no-disorder", vary("param = \"disorders.anxiety.step_up\"\ndist = \"uniform\"\nlow = 0.1\nhigh = 0.2"), vec!["'anxiety' is not a disorder of the prevalence table", "depression"]),
        ("no-area", vary("param = \"areas.E99999999.deprivation_factor\"\ndist = \"uniform\"\nlow = 0.9\nhigh = 1.1"), vec!["no area E99999999"]),
    ];
    for (name, text, wanted) in cases {
        let path = write(d, &format!("{name}.toml"), &text);
        let out = capacity()
            .current_dir(d)
            .arg("sweep")
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(&format!("{name}.toml")),
            "{name}: no file name in {err}"
        );
        for w in wanted {
            assert!(err.contains(w), "{name}: expected '{w}' in: {err}");
        }
    }
}

#[test]
fn every_problem_in_a_sweep_file_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "many.toml",
        "base = \"obc\"\ndesign = \"monte-carlo\"\nruns = 10\n\n[[vary]]\nparam = \"demand.nope\"\n\n[[vary]]\nparam = \"stepped_care.step_up\"\ndist = \"uniform\"\nlow = 0.5\nhigh = 0.2\n",
    );
    let out = capacity().arg("sweep").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for w in [
        "seed is missing",
        "demand.nope",
        "many.toml:11: [[vary]] stepped_care.step_up: low = 0.5",
    ] {
        assert!(err.contains(w), "expected '{w}' in: {err}");
    }
}

#[test]
fn command_line_mistakes_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                shipped("monte-carlo.toml"),
                "--tornado".into(),
                "t.csv".into(),
            ],
            "a tornado needs design = \"one-way\"",
        ),
        (
            vec![
                shipped("grid.toml"),
                "--outputs".into(),
                "total_wte,low_high_ratio".into(),
            ],
            "--outputs low_high_ratio",
        ),
        (
            vec![shipped("grid.toml"), "--shard".into(), "4/3".into()],
            "--shard 4/3",
        ),
        (
            vec![shipped("grid.toml"), "--runs".into(), "10".into()],
            "--runs sets the number of random runs",
        ),
        (
            vec![
                shipped("grid.toml"),
                "--rows".into(),
                d.to_str().unwrap().into(),
            ],
            "is a directory",
        ),
    ];
    for (args, wanted) in cases {
        let out = capacity()
            .current_dir(d)
            .arg("sweep")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(wanted),
            "{args:?}: expected '{wanted}' in {err}"
        );
    }
}

#[test]
fn shipped_examples_run_and_print_ranges() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "grid.toml",
        "monte-carlo.toml",
        "latin-hypercube.toml",
        "one-way.toml",
    ] {
        let path = shipped(name);
        let mut args = vec!["sweep", path.as_str(), "--level", "region"];
        if name == "monte-carlo.toml" {
            args.extend(["--runs", "200"]);
        }
        let out = ok(dir.path(), &args);
        let text = String::from_utf8_lossy(&out.stdout);
        if name == "one-way.toml" {
            // A handful of extreme runs: the tornado, not percentiles over them.
            assert!(!text.contains("5% - 95%"), "{name}: {text}");
            assert!(!text.contains("median"), "{name}: {text}");
            assert!(
                text.contains("One-way sensitivity of total WTE"),
                "{name}: {text}"
            );
        } else {
            assert!(text.contains("5% - 95%"), "{name}: {text}");
        }
        assert!(text.contains("Total"), "{name}: {text}");
    }
}

/// Regression: a one-way sweep of one area printed "1 areas" and a median and 5-95% range
/// over its three runs.
#[test]
fn one_way_sweep_of_one_area_prints_its_tornado_in_good_english() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sweep = d.join("one.toml");
    std::fs::write(
        &sweep,
        "name = \"one\"\nbase = \"obc\"\ndesign = \"one-way\"\n\n[[vary]]\nparam = \"demand.presentation_rate\"\nlow = 0.4\nhigh = 0.6\n",
    )
    .unwrap();
    let out = ok(d, &["sweep", sweep.to_str().unwrap(), "--level", "country"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1 parameter at low and high (2 runs)"),
        "{text}"
    );
    assert!(
        text.contains("1 area (level country); 3 of 3 runs evaluated"),
        "{text}"
    );
    assert!(!text.contains("areas (level"), "{text}");
    assert!(!text.contains("Median"), "{text}");
    let row = text
        .lines()
        .find(|l| l.contains("demand.presentation_rate"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("0.4") && row.contains("0.6"), "{row}");
}

/// Regression: a rows or summary path that is a device (here a link to /dev/null) is written
/// in place; renaming a finished temporary file over it would replace the device.
#[cfg(unix)]
#[test]
fn outputs_to_a_device_are_written_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows = d.join("rows-null");
    let summary = d.join("summary-null");
    std::os::unix::fs::symlink("/dev/null", &rows).unwrap();
    std::os::unix::fs::symlink("/dev/null", &summary).unwrap();
    ok(
        d,
        &[
            "sweep",
            &shipped("grid.toml"),
            "--level",
            "region",
            "--rows",
            rows.to_str().unwrap(),
            "--summary",
            summary.to_str().unwrap(),
        ],
    );
    for link in [&rows, &summary] {
        let meta = std::fs::symlink_metadata(link).unwrap();
        assert!(
            meta.file_type().is_symlink(),
            "{} was replaced",
            link.display()
        );
    }
    // No manifest beside a device.
    assert!(!d.join("manifest.json").exists());
}

#[test]
fn rows_only_gives_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (a, b, summary) = (d.join("a.csv"), d.join("b.csv"), d.join("s.csv"));
    let sweep = shipped("monte-carlo.toml");
    let common = [
        "sweep",
        sweep.as_str(),
        "--runs",
        "300",
        "--level",
        "region",
    ];
    let mut args = common.to_vec();
    args.extend([
        "--rows",
        a.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    ok(d, &args);
    let mut args = common.to_vec();
    args.extend(["--rows", b.to_str().unwrap(), "--no-summary"]);
    let out = ok(d, &args);
    assert!(String::from_utf8_lossy(&out.stdout).contains("2408 rows written"));
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

/// Regression: the sweep ran values `capacity model` rejects (2.5 years, a turnover of 1, one
/// skill-mix share on its own, years below training years, medication with no course cost).
/// Each is now an error naming the file, the line, the key, the value and what is valid.
#[test]
fn regression_sweep_accepts_only_what_capacity_model_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let grid = "base = \"obc\"\ndesign = \"grid\"\n";
    let one_way = "base = \"obc\"\ndesign = \"one-way\"\n";
    let mc = "base = \"obc\"\ndesign = \"monte-carlo\"\nruns = 10\nseed = 1\n";
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "fractional-years",
            format!("{grid}[[vary]]\nparam = \"pipeline.years\"\nvalues = [2.5, 0.5]\n"),
            vec![
                "fractional-years.toml:5: [[vary]] pipeline.years: values[0] = 2.5 is not a whole number of years",
                "values[1] = 0.5",
            ],
        ),
        (
            "fractional-range",
            format!("{grid}[[vary]]\nparam = \"pipeline.training_years\"\nfrom = 1\nto = 2\nsteps = 3\n"),
            vec!["fractional-range.toml:7", "value #2 = 1.5", "whole number"],
        ),
        (
            "years-below-training",
            format!("{grid}[[vary]]\nparam = \"pipeline.years\"\nvalues = [1, 2, 3]\n[[vary]]\nparam = \"pipeline.training_years\"\nvalues = [1, 2]\n"),
            vec![
                "pipeline.years = 1, pipeline.training_years = 2",
                "give years >= training_years",
            ],
        ),
        (
            "years-below-base-training",
            format!("{one_way}[[vary]]\nparam = \"pipeline.training_years\"\nlow = 1\nhigh = 4\n"),
            vec![
                "years-below-base-training.toml:3: [[vary]] pipeline.training_years: the run at high = 4",
                "pipeline.years = 3 is less than training_years = 4",
            ],
        ),
        (
            "turnover-one",
            format!("{one_way}[[vary]]\nparam = \"pipeline.turnover_low\"\nlow = 0.1\nhigh = 1.0\n"),
            vec!["turnover-one.toml:6", "high = 1 is not below 1"],
        ),
        (
            "turnover-uniform-one",
            format!("{mc}[[vary]]\nparam = \"pipeline.turnover_high\"\ndist = \"uniform\"\nlow = 0.1\nhigh = 1.0\n"),
            vec!["high = 1 is not below 1"],
        ),
        (
            "drawn-years",
            format!("{mc}[[vary]]\nparam = \"pipeline.years\"\ndist = \"uniform\"\nlow = 2\nhigh = 4\n"),
            vec!["drawn-years.toml:6", "random draws are not whole numbers", "values = [3, 4, 5]"],
        ),
        (
            "drawn-share",
            format!("{mc}[[vary]]\nparam = \"low_intensity.roles.0.share\"\ndist = \"uniform\"\nlow = 0.7\nhigh = 0.9\n"),
            vec!["drawn-share.toml:6", "must sum to 1", "vary another key"],
        ),
        (
            "one-way-share",
            format!("{one_way}[[vary]]\nparam = \"high_intensity.roles.1.share\"\nlow = 0.1\nhigh = 0.2\n"),
            vec!["one-way-share.toml:4", "high_intensity.roles must sum to 1"],
        ),
        (
            "grid-share",
            format!("{grid}[[vary]]\nparam = \"low_intensity.roles.0.share\"\nvalues = [0.85, 0.9]\n"),
            vec![
                "low_intensity.roles.0.share = 0.9 (every key at its highest value)",
                "the shares sum to",
            ],
        ),
        (
            "grid-medication",
            format!("{grid}[[vary]]\nparam = \"demand.medication_only\"\nvalues = [0, 0.1]\n"),
            vec!["grid-medication.toml:3", "so costs.medication_course_cost is required", "Drug Tariff"],
        ),
        (
            "drawn-medication",
            format!("{mc}[[vary]]\nparam = \"disorders.depression.medication_only\"\ndist = \"uniform\"\nlow = 0\nhigh = 0.2\n"),
            vec!["drawn-medication.toml:5", "so costs.medication_course_cost is required"],
        ),
        (
            "age",
            format!("{mc}[[vary]]\nparam = \"population.age_min\"\ndist = \"uniform\"\nlow = 16\nhigh = 18\n"),
            vec!["age.toml:6", "cannot be swept", "population"],
        ),
        (
            "clinical-hours",
            format!("{mc}[[vary]]\nparam = \"high_intensity.clinical_hours_per_week\"\ndist = \"uniform\"\nlow = 18\nhigh = 22\n"),
            vec!["clinical-hours.toml:6", "worked out from contacts_per_day and caseload", "clark-hi"],
        ),
        (
            "salary-band",
            format!("{mc}[[vary]]\nparam = \"costs.salary.11\"\ndist = \"uniform\"\nlow = 1000\nhigh = 2000\n"),
            vec!["salary-band.toml:6", "'11'", "8a"],
        ),
    ];
    for (name, text, wanted) in cases {
        let path = write(d, &format!("{name}.toml"), &text);
        let out = capacity()
            .current_dir(d)
            .args(["sweep", path.to_str().unwrap(), "--level", "region"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        for w in wanted {
            assert!(err.contains(w), "{name}: expected '{w}' in: {err}");
        }
    }
}

/// A clinical-hours key on a scenario that has them is fine, and the valid-keys message
/// lists the optional cost keys.
#[test]
fn valid_keys_include_the_optional_cost_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "nope.toml",
        "base = \"obc\"\ndesign = \"grid\"\n[[vary]]\nparam = \"costs.nope\"\nvalues = [1]\n",
    );
    let out = capacity().arg("sweep").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for w in [
        "costs.salary.<band>",
        "costs.medication_course_cost",
        "costs.on_cost_rate",
    ] {
        assert!(err.contains(w), "expected '{w}' in {err}");
    }
}

/// Regression: normal80 on a turnover clamped draws to exactly 1.0, which `capacity model`
/// rejects; now they stay below 1.
#[test]
fn regression_turnover_draws_stay_below_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = write(
        d,
        "turnover.toml",
        "base = \"obc\"\ndesign = \"monte-carlo\"\nruns = 400\nseed = 3\n[[vary]]\nparam = \"pipeline.turnover_low\"\ndist = \"normal80\"\nlow = 0.6\nhigh = 0.99\n",
    );
    let rows = d.join("rows.csv");
    ok(
        d,
        &[
            "sweep",
            path.to_str().unwrap(),
            "--level",
            "region",
            "--rows",
            rows.to_str().unwrap(),
        ],
    );
    let (header, rows) = read_csv(&rows);
    let col = header
        .iter()
        .position(|h| h == "pipeline.turnover_low")
        .unwrap();
    let values: Vec<f64> = rows.iter().map(|r| r[col].parse().unwrap()).collect();
    let max = values.iter().copied().fold(f64::MIN, f64::max);
    assert!(max < 1.0, "a draw reached {max}");
    // Some draws were clamped (about 10% of a normal with these 10th and 90th percentiles
    // lies above 1): the clamp was exercised.
    assert!(values.iter().filter(|&&v| v > 0.999).count() > 10);
}

/// Regression: `--outputs cost_total` was always refused; it works when the medication cost
/// is known, and names the missing course cost when it is not.
#[test]
fn regression_cost_total_can_be_summarised_when_known() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = write(
        d,
        "costed.toml",
        "base = \"obc\"\ndesign = \"grid\"\n[[vary]]\nparam = \"demand.medication_only\"\nvalues = [0, 0.1]\n[[vary]]\nparam = \"costs.medication_course_cost\"\nvalues = [10, 20]\n",
    );
    let summary = d.join("s.csv");
    ok(
        d,
        &[
            "sweep",
            path.to_str().unwrap(),
            "--level",
            "region",
            "--outputs",
            "cost_total,cost_medication",
            "--summary",
            summary.to_str().unwrap(),
        ],
    );
    let s = summary_of(&summary);
    let medication = &s[&("total".to_string(), "cost_medication".to_string())];
    assert_eq!(medication["min"], 0.0);
    assert!(medication["max"] > 0.0);
    assert!(s[&("total".to_string(), "cost_total".to_string())]["p50"] > 0.0);

    write(
        d,
        "medicated.toml",
        "extends = \"obc\"\n[demand]\nmedication_only = 0.1\n",
    );
    let path = write(
        d,
        "uncosted.toml",
        "base = \"medicated.toml\"\ndesign = \"grid\"\n[[vary]]\nparam = \"demand.presentation_rate\"\nvalues = [0.4, 0.6]\n",
    );
    // A base that sends people to medication alone without a course cost is refused, as by
    // capacity model, so the costs are never blank.
    let out = capacity()
        .current_dir(d)
        .args(["sweep", path.to_str().unwrap(), "--outputs", "cost_total"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("medicated.toml:3: demand.medication_only = 0.1 is above 0, so costs.medication_course_cost is required"),
        "{err}"
    );
}

/// Regression: a grid's from/to/steps were built in full before any size check, so
/// steps = 100000000000 aborted on a failed allocation (exit 134). Sizes are now checked
/// from the file first: exit 2 with what to change.
#[test]
fn regression_huge_grids_fail_before_anything_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let range = |steps: &str| {
        format!("[[vary]]\nparam = \"demand.presentation_rate\"\nfrom = 0.1\nto = 0.2\nsteps = {steps}\n")
    };
    let cases = [
        ("one-key", range("100000000000"), "steps = 100000000000 is more than 10000000 values"),
        ("one-key-300m", range("300000000"), "latin-hypercube"),
        (
            "product",
            format!(
                "{}[[vary]]\nparam = \"demand.detection_rate\"\nfrom = 0.1\nto = 0.2\nsteps = 2000000\n",
                range("2000000")
            ),
            "the grid has 4000000000000 points",
        ),
    ];
    for (name, vary, wanted) in cases {
        let path = write(
            d,
            &format!("{name}.toml"),
            &format!("base = \"obc\"\ndesign = \"grid\"\n{vary}"),
        );
        let out = capacity()
            .current_dir(d)
            .args(["sweep", path.to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(wanted), "{name}: expected '{wanted}' in {err}");
        assert!(err.contains(&format!("{name}.toml")), "{name}: {err}");
    }
}

/// Runs `capacity summarize` on `files`; its exit code and stderr.
fn summarize(dir: &Path, files: &[&Path]) -> (Option<i32>, String) {
    let out = capacity()
        .current_dir(dir)
        .arg("summarize")
        .args(files)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Regression: summarising shards 1 and 2 of 3 exited 0 without a word, a missing first
/// shard only warned, and shards of different sweeps (another seed, other runs) merged
/// silently. Each rows file's manifest now says which sweep and shard it holds.
#[test]
fn regression_summarize_refuses_gaps_repeats_and_other_sweeps() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sweep42 = shipped("monte-carlo.toml");
    let text43 = std::fs::read_to_string(&sweep42)
        .unwrap()
        .replace("seed = 42", "seed = 43");
    let sweep43 = write(d, "seed43.toml", &text43);
    let shard = |sweep: &str, runs: &str, k: u64, name: &str| -> PathBuf {
        let rows = d.join(name);
        let s = format!("{k}/3");
        ok(
            d,
            &[
                "sweep",
                sweep,
                "--runs",
                runs,
                "--level",
                "region",
                "--shard",
                &s,
                "--rows",
                rows.to_str().unwrap(),
            ],
        );
        assert!(rows.with_extension("manifest.json").exists());
        rows
    };
    let s = sweep42.as_str();
    let (a1, a2, a3) = (
        shard(s, "60", 1, "a1.csv"),
        shard(s, "60", 2, "a2.csv"),
        shard(s, "60", 3, "a3.csv"),
    );
    let b2 = shard(sweep43.to_str().unwrap(), "60", 2, "b2.csv");
    let c3 = shard(s, "61", 3, "c3.csv");

    let (code, err) = summarize(d, &[&a1, &a2]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("shard 3 of 3 (runs 40 to 60) is missing"),
        "{err}"
    );
    assert!(err.contains("a1.csv (shard 1 of 3)"), "{err}");

    let (code, err) = summarize(d, &[&a2, &a3]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("shard 1 of 3 (runs 0 to 19) is missing"),
        "{err}"
    );

    let (code, err) = summarize(d, &[&a1, &b2, &a3]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("b2.csv are from different sweeps"), "{err}");
    assert!(err.contains("seed") && err.contains("inputs"), "{err}");

    let (code, err) = summarize(d, &[&a1, &a2, &c3]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("c3.csv are from different sweeps"), "{err}");
    assert!(err.contains("runs"), "{err}");

    let (code, err) = summarize(d, &[&a1, &a2, &a2, &a3]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("shard 2 of 3 is given more than once"),
        "{err}"
    );

    // A rows file cut short no longer matches its manifest.
    let cut = d.join("cut.csv");
    let text = std::fs::read_to_string(&a3).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&cut, lines[..lines.len() - 8].join("\n") + "\n").unwrap();
    std::fs::copy(
        a3.with_extension("manifest.json"),
        cut.with_extension("manifest.json"),
    )
    .unwrap();
    let (code, err) = summarize(d, &[&a1, &a2, &cut]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("holds runs 40 to 59 but its manifest"),
        "{err}"
    );

    // A rows file without its manifest is named, with where the manifest should be.
    std::fs::remove_file(cut.with_extension("manifest.json")).unwrap();
    let (code, err) = summarize(d, &[&a1, &a2, &cut]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("cut.manifest.json"), "{err}");

    // All three, in any order: fine.
    let (code, err) = summarize(d, &[&a3, &a1, &a2]);
    assert_eq!(code, Some(0), "{err}");
}

/// The names in a folder, sorted (hidden temporary files included).
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Regression: two outputs that are one file (`--summary o/manifest.json`, where the manifest
/// goes; `--summary o/x.csv --rows o/x.csv`) failed mid-way with a rename error and left wrong
/// content. Now refused before any work, naming both.
#[test]
fn regression_outputs_that_are_one_file_are_refused_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = d.join("o");
    std::fs::create_dir(&o).unwrap();
    let grid = shipped("grid.toml");
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["--summary", "o/manifest.json"],
            vec![
                "--summary o/manifest.json and the manifest o/manifest.json are the same file",
                "--manifest FILE",
            ],
        ),
        (
            vec!["--summary", "o/x.csv", "--rows", "o/x.csv"],
            vec!["--summary o/x.csv and --rows o/x.csv are the same file"],
        ),
        (
            vec!["--summary", "o/x.csv", "--rows", "o/../o/x.csv"],
            vec!["are the same file"],
        ),
        (
            vec!["--rows", "o/r.csv", "--summary", "o/r.manifest.json"],
            vec!["the rows file's manifest o/r.manifest.json"],
        ),
        (
            vec!["--summary", "o/s.csv", "--manifest", "o/s.csv"],
            vec!["--summary o/s.csv and --manifest o/s.csv"],
        ),
    ];
    for (flags, wanted) in cases {
        let out = capacity()
            .current_dir(d)
            .args(["sweep", grid.as_str(), "--level", "region"])
            .args(&flags)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        for w in wanted {
            assert!(err.contains(w), "{flags:?}: expected '{w}' in {err}");
        }
        assert!(listing(&o).is_empty(), "{flags:?} left {:?}", listing(&o));
    }
    // /dev/null twice is fine: it is not a file.
    ok(
        d,
        &[
            "sweep",
            grid.as_str(),
            "--level",
            "region",
            "--summary",
            "/dev/null",
            "--rows",
            "/dev/null",
        ],
    );
}

/// Regression: an unwritable --summary (or --tornado, --manifest, summarize --summary) was
/// reported as "--output ...".
#[test]
fn regression_errors_name_the_output_flag() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (grid, one_way) = (shipped("grid.toml"), shipped("one-way.toml"));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["sweep", &grid, "--summary", "/nonexistent/s.csv"],
            "--summary /nonexistent/s.csv: cannot write there",
        ),
        (
            vec!["sweep", &grid, "--rows", "/nonexistent/r.csv"],
            "--rows /nonexistent/r.csv: cannot write there",
        ),
        (
            vec!["sweep", &one_way, "--tornado", "/nonexistent/t.csv"],
            "--tornado /nonexistent/t.csv: cannot write there",
        ),
        (
            vec![
                "sweep",
                &grid,
                "--summary",
                "s.csv",
                "--manifest",
                "/nonexistent/m.json",
            ],
            "--manifest /nonexistent/m.json: cannot write there",
        ),
        (
            vec!["summarize", "rows.csv", "--summary", "/nonexistent/s.csv"],
            "--summary /nonexistent/s.csv: cannot write there",
        ),
    ];
    for (args, wanted) in cases {
        let out = capacity().current_dir(d).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(wanted),
            "{args:?}: expected '{wanted}' in {err}"
        );
        assert!(!err.contains("--output"), "{args:?}: {err}");
    }
}

/// Regression: outputs were committed one at a time, so `--summary o/s.csv --manifest
/// /dev/full` left s.csv without its manifest. Now every file is written to a temporary and
/// renamed only when all writes succeeded.
#[cfg(target_os = "linux")]
#[test]
fn regression_a_failed_output_leaves_none_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = d.join("o");
    std::fs::create_dir(&o).unwrap();
    for flags in [
        vec!["--summary", "o/s.csv", "--manifest", "/dev/full"],
        vec![
            "--summary",
            "o/s.csv",
            "--rows",
            "o/r.csv",
            "--manifest",
            "/dev/full",
        ],
        vec!["--rows", "o/r.csv", "--summary", "/dev/full"],
    ] {
        let out = capacity()
            .current_dir(d)
            .args(["sweep", &shipped("grid.toml"), "--level", "region"])
            .args(&flags)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{flags:?}: {err}");
        assert!(err.contains("/dev/full: writing failed"), "{err}");
        assert!(listing(&o).is_empty(), "{flags:?} left {:?}", listing(&o));
    }
}

/// Regression: normal80 with low = 0.1, high = 0.9 on a caseload put 5% of runs at a caseload
/// of 1e-12 (mean total WTE 1e21) without a word. A key that must be above 0 now refuses such
/// a distribution; other clamping is announced with its share, which the draws then show.
#[test]
fn regression_clamped_draws_are_refused_or_announced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let head = "base = \"obc\"\ndesign = \"latin-hypercube\"\nruns = 2000\nseed = 1\n";
    let caseload = write(
        d,
        "caseload.toml",
        &format!("{head}[[vary]]\nparam = \"low_intensity.caseload\"\ndist = \"normal80\"\nlow = 0.1\nhigh = 0.9\n"),
    );
    let out = capacity()
        .current_dir(d)
        .args(["sweep", caseload.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for w in [
        "caseload.toml:5: [[vary]] low_intensity.caseload",
        "5.5% of its draws at or below 0",
        "lognormal80",
    ] {
        assert!(err.contains(w), "expected '{w}' in {err}");
    }

    let step_up = write(
        d,
        "step-up.toml",
        &format!("{head}[[vary]]\nparam = \"stepped_care.step_up\"\ndist = \"normal80\"\nlow = 0.02\nhigh = 0.2\n"),
    );
    let rows = d.join("rows.csv");
    let out = ok(
        d,
        &[
            "sweep",
            step_up.to_str().unwrap(),
            "--level",
            "region",
            "--rows",
            rows.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: ") && err.contains("step-up.toml:5") && err.contains("5.9% below 0"),
        "{err}"
    );
    // The share announced is the share drawn: Φ(-0.11 / 0.070227) = 0.0586.
    let (header, rows) = read_csv(&rows);
    let col = header
        .iter()
        .position(|h| h == "stepped_care.step_up")
        .unwrap();
    let drawn: Vec<f64> = rows
        .iter()
        .filter(|r| r[1] == "total" && r[0] != "0")
        .map(|r| r[col].parse().unwrap())
        .collect();
    let at_zero = drawn.iter().filter(|&&v| v == 0.0).count() as f64 / drawn.len() as f64;
    assert!((at_zero - 0.0586).abs() < 0.002, "{at_zero}");
}

/// Regression: the memory error suggested `--outputs total_wte` even when that was already the
/// only output.
#[cfg(target_os = "linux")]
#[test]
fn regression_memory_error_suggests_what_would_help() {
    let dir = tempfile::tempdir().unwrap();
    let mc = shipped("monte-carlo.toml");
    let run = |outputs: Option<&str>| {
        let mut args = vec!["sweep", mc.as_str(), "--runs", "1000000000000"];
        if let Some(o) = outputs {
            args.extend(["--outputs", o]);
        }
        let out = capacity()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let one = run(Some("total_wte"));
    assert!(one.contains("of memory for exact percentiles"), "{one}");
    assert!(!one.contains("--outputs"), "{one}");
    let all = run(None);
    assert!(
        all.contains("summarise fewer outputs (e.g. --outputs total_wte)"),
        "{all}"
    );
}

/// `capacity sweep --format xlsx --output FILE`: the summary (and a one-way design's tornado)
/// as sheets of real numbers, equal to the CSV files' numbers, with the varied keys, the
/// assumptions and the inputs.
#[test]
fn the_sweep_workbook_round_trips_names_and_numbers() {
    use calamine::{Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cell_f64 = |c: &Data| match c {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("{other:?} is not a number"),
    };
    for (sweep, extra, sheets) in [
        (
            "monte-carlo.toml",
            vec!["--runs", "200"],
            vec!["Summary", "Varied", "Assumptions", "Inputs"],
        ),
        (
            "one-way.toml",
            vec!["--tornado", "t.csv"],
            vec!["Summary", "Tornado", "Varied", "Assumptions", "Inputs"],
        ),
    ] {
        let path = shipped(sweep);
        let mut args = vec![
            "sweep",
            path.as_str(),
            "--level",
            "region",
            "--summary",
            "s.csv",
            "--format",
            "xlsx",
            "--output",
            "s.xlsx",
        ];
        args.extend(extra);
        let out = ok(d, &args);
        assert!(out.stdout.is_empty(), "the workbook went to --output");
        let mut book: Xlsx<_> = calamine::open_workbook(d.join("s.xlsx")).unwrap();
        assert_eq!(book.sheet_names(), sheets, "{sweep}");

        let (header, rows) = read_csv(&d.join("s.csv"));
        let summary = book.worksheet_range("Summary").unwrap();
        let sheet: Vec<Vec<Data>> = summary.rows().map(|r| r.to_vec()).collect();
        let names: Vec<String> = sheet[0].iter().map(|c| c.to_string()).collect();
        assert_eq!(names, header, "{sweep}");
        assert_eq!(sheet.len() - 1, rows.len(), "{sweep}");
        for (csv_row, xl_row) in rows.iter().zip(&sheet[1..]) {
            for k in 0..4 {
                assert_eq!(xl_row[k], Data::String(csv_row[k].clone()));
            }
            for k in 4..header.len() {
                let want: f64 = csv_row[k].parse().unwrap();
                assert_eq!(
                    cell_f64(&xl_row[k]),
                    want,
                    "{sweep} {} {}",
                    csv_row[0],
                    header[k]
                );
            }
        }
        let varied = book.worksheet_range("Varied").unwrap();
        assert_eq!(varied.rows().count(), 12, "{sweep}: 11 keys and the header");
        let inputs = book.worksheet_range("Inputs").unwrap();
        let what: Vec<String> = inputs.rows().map(|r| r[0].to_string()).collect();
        for w in ["sweep", "scenario", "population", "pay", "command"] {
            assert!(what.iter().any(|x| x == w), "{sweep}: no {w} in {what:?}");
        }
        if sweep == "one-way.toml" {
            let (_, trows) = read_csv(&d.join("t.csv"));
            let tornado = book.worksheet_range("Tornado").unwrap();
            let t: Vec<Vec<Data>> = tornado.rows().skip(1).map(|r| r.to_vec()).collect();
            assert_eq!(t.len(), trows.len());
            for (c, x) in trows.iter().zip(&t) {
                assert_eq!(x[0], Data::String(c[0].clone()));
                for k in [1, 2, 4, 5, 6] {
                    assert_eq!(cell_f64(&x[k]), c[k].parse::<f64>().unwrap());
                }
            }
        }
    }
}

/// A deprivation factor that puts prevalence above 1 somewhere is refused by capacity model;
/// a sweep that would run it is refused too, before any run.
#[test]
fn regression_deprivation_draws_that_put_prevalence_above_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let grid = write(
        d,
        "dg.toml",
        "base = \"obc\"\ndesign = \"grid\"\n[[vary]]\nparam = \"demand.deprivation_factor\"\nvalues = [1.0, 5.0]\n",
    );
    let out = capacity()
        .current_dir(d)
        .args(["sweep", grid.to_str().unwrap(), "--level", "region"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // The South West's local need (1.2298) makes its highest rate 0.346813: the bound is
    // 1 / 0.346813; with the factors off it is 1 / 0.282 as before.
    assert!(
        err.contains("dg.toml:3: [[vary]] demand.deprivation_factor: values above 2.8834 put prevalence above 1"),
        "{err}"
    );
    let out = capacity()
        .current_dir(d)
        .args([
            "sweep",
            grid.to_str().unwrap(),
            "--level",
            "region",
            "--no-local-need",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("values above 3.546 put prevalence above 1"),
        "{err}"
    );
    // Draws around the FAQ's range are fine.
    let mc = write(
        d,
        "dm.toml",
        "base = \"obc\"\ndesign = \"monte-carlo\"\nruns = 50\nseed = 1\n[[vary]]\nparam = \"demand.deprivation_factor\"\ndist = \"normal80\"\nlow = 0.8\nhigh = 1.2\n",
    );
    ok(d, &["sweep", mc.to_str().unwrap(), "--level", "region"]);
}

/// Regression: more shards than runs left a shard empty, whose rows manifest `summarize`
/// could not read; and a sweep's outputs may not replace its own sweep file.
#[test]
fn regression_more_shards_than_runs_and_outputs_over_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sweep = write(
        d,
        "two.toml",
        "base = \"obc\"\ndesign = \"monte-carlo\"\nruns = 2\nseed = 1\n[[vary]]\nparam = \"demand.presentation_rate\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.6\n",
    );
    let out = capacity()
        .current_dir(d)
        .args([
            "sweep",
            sweep.to_str().unwrap(),
            "--shard",
            "1/4",
            "--rows",
            "r.csv",
            "--no-summary",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--shard 1/4: 4 slices of 3 runs"), "{err}");
    let out = capacity()
        .current_dir(d)
        .args(["sweep", sweep.to_str().unwrap(), "--summary", "two.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--summary two.toml: is the sweep file this run reads"),
        "{err}"
    );
    assert!(std::fs::read_to_string(&sweep).unwrap().starts_with("base"));
    // A wrong type in the sweep file is named in plain words.
    let bad = write(
        d,
        "bad.toml",
        "base = \"obc\"\ndesign = \"monte-carlo\"\nruns = 1000.0\n",
    );
    let out = capacity()
        .current_dir(d)
        .args(["sweep", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:3: runs = 1000.0: expected a whole number"),
        "{err}"
    );
}
