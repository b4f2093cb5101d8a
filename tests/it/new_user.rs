//! What a new user hit: finding an area, age windows the data does not cover, spreadsheet
//! habits in CSV and TOML, and getting the tool (completions, man page).

use crate::common::{capacity, model_json, write};

fn stdout_of(args: &[&str]) -> String {
    let out = capacity().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "capacity {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn stderr_of_failure(args: &[&str], code: i32) -> String {
    let out = capacity().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "capacity {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// The area codes of a JSON run's rows.
fn row_codes(v: &serde_json::Value) -> Vec<String> {
    v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["area_code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn areas_lists_codes_ods_codes_names_and_population() {
    let out = stdout_of(&["areas", "manchester"]);
    let icb = out
        .lines()
        .find(|l| l.starts_with("E54000057"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(icb.contains("QOP"), "{icb}");
    assert!(
        icb.contains("NHS Greater Manchester Integrated Care Board"),
        "{icb}"
    );
    assert!(icb.contains("E40000010"), "{icb}");
    // The ICB and its ten sub-ICB locations, each with its ODS code.
    assert!(out.contains("E38000016  00T"), "{out}");
    assert!(out.contains("11 areas."), "{out}");

    let csv = stdout_of(&["areas", "--level", "ICB", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("area_code,ods_code,area_name,level,parent_code,population_in_scope")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 42, "{csv}");
    // Every ICB has its ODS code.
    for r in &rows {
        let ods = r.split(',').nth(1).unwrap();
        assert!(ods.starts_with('Q') && ods.len() == 3, "{r}");
    }
}

#[test]
fn areas_population_in_scope_is_the_models() {
    // The population an area lists is the one `capacity model` works from.
    let csv = stdout_of(&["areas", "QOP", "--level", "icb", "--format", "csv"]);
    let row = csv.lines().nth(1).unwrap();
    let listed: f64 = row.rsplit(',').next().unwrap().parse().unwrap();
    let v = model_json(&["--area", "E54000057"]);
    let modelled = v["areas"][0]["population_in_scope"].as_f64().unwrap();
    assert_eq!(listed, modelled);
}

#[test]
fn areas_are_named_by_ons_code_ods_code_or_name_in_any_case() {
    let by_code = model_json(&["--area", "E54000057"]);
    assert_eq!(row_codes(&by_code), vec!["E54000057"]);
    for q in [
        "e54000057",
        "QOP",
        "qop",
        "Greater Manchester",
        "NHS Greater Manchester ICB",
    ] {
        let v = model_json(&["--area", q]);
        assert_eq!(row_codes(&v), vec!["E54000057"], "--area {q}");
        assert_eq!(v["total"], by_code["total"], "--area {q}");
    }
    // A sub-ICB location by its ODS code, reported at its own level named in capitals.
    let v = model_json(&["--area", "00t", "--level", "SUB-ICB"]);
    assert_eq!(row_codes(&v), vec!["E38000016"]);
    let v = model_json(&["--level", "ICB"]);
    assert_eq!(v["areas"].as_array().unwrap().len(), 42);
}

#[test]
fn an_unknown_area_suggests_the_closest_by_name_and_code() {
    let e = stderr_of_failure(&["model", "--area", "Greater Manchestr"], 2);
    assert!(e.contains("--area: no area Greater Manchestr"), "{e}");
    assert!(
        e.contains("closest: E54000057 QOP NHS Greater Manchester Integrated Care Board"),
        "{e}"
    );
    // Not the first codes of the file.
    assert!(!e.contains("E92000001"), "{e}");
    // A zero for the letter O.
    let e = stderr_of_failure(&["model", "--area", "Q0P"], 2);
    assert!(e.contains("E54000057 QOP"), "{e}");
    let e = stderr_of_failure(&["areas", "manchestr"], 2);
    assert!(e.contains("closest: E54000057 QOP"), "{e}");
}

#[test]
fn an_areas_file_may_carry_ods_codes() {
    let dir = tempfile::tempdir().unwrap();
    let areas = write(
        dir.path(),
        "areas.csv",
        "area_code,area_name,level,parent_code,ods_code\nR,Region,region,,\nA,Alpha place,place,R,X1A\nB,Beta place,place,R,\n",
    );
    let population = write(
        dir.path(),
        "population.csv",
        "area_code,age_from,age_to,sex,population\nA,16,64,all,1000\nB,16,64,all,2000\n",
    );
    let (a, p) = (areas.to_str().unwrap(), population.to_str().unwrap());
    let out = stdout_of(&["areas", "--areas", a, "--population", p]);
    assert!(out.contains("X1A"), "{out}");
    let v = model_json(&["--areas", a, "--population", p, "--area", "x1a"]);
    assert_eq!(row_codes(&v), vec!["A"]);
    let v = model_json(&["--areas", a, "--population", p, "--area", "beta PLACE"]);
    assert_eq!(row_codes(&v), vec!["B"]);
}

#[test]
fn a_semicolon_separated_csv_is_named_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "pop.csv",
        "area_code;age_from;age_to;sex;population\nA;16;64;all;1000,5\n",
    );
    let e = stderr_of_failure(&["model", "--population", p.to_str().unwrap()], 2);
    assert!(
        e.contains("pop.csv:1: the columns are separated by semicolons"),
        "{e}"
    );
    assert!(e.contains("CSV UTF-8 (Comma delimited)"), "{e}");
    assert!(e.contains("decimal points"), "{e}");
}

#[test]
fn per_cent_signs_and_decimal_commas_in_toml_say_what_to_write() {
    let dir = tempfile::tempdir().unwrap();
    for (value, shown, write_this) in [
        ("50%", "50%", "write 0.50"),
        ("\"50%\"", "\"50%\"", "write 0.50"),
        ("7.5%", "7.5%", "write 0.075"),
        ("0,5", "0,5", "write 0.50"),
        ("\"0,35\"", "\"0,35\"", "write 0.35"),
    ] {
        let p = write(
            dir.path(),
            "s.toml",
            &format!("name = \"s\"\n[demand]\npresentation_rate = {value}\n"),
        );
        let e = stderr_of_failure(&["model", p.to_str().unwrap()], 2);
        assert!(
            e.contains(&format!("s.toml:3: demand.presentation_rate = {shown}: ")),
            "{e}"
        );
        assert!(e.contains(write_this), "{value}: {e}");
        assert!(!e.contains("without quotes"), "{e}");
        assert!(!e.contains("expected newline"), "{e}");
    }
}

/// The stderr of a successful run.
fn warnings_of(args: &[&str]) -> String {
    let out = capacity().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "capacity {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_population_short_of_the_age_window_is_named_with_the_missing_ages() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "pop.csv",
        "area_code,age_from,age_to,sex,population\nA,18,64,all,1000\nB,16,17,all,50\nB,18,69,all,1000\n",
    );
    let p = p.to_str().unwrap();
    // obc's window is 16 to 74.
    let e = warnings_of(&["model", "--population", p]);
    assert!(
        e.contains("pop.csv: has no rows for ages 70-74 of the scenario's age window 16 to 74"),
        "{e}"
    );
    assert!(e.contains("A: ages 16-17, 65-69"), "{e}");
    // A window the file covers says nothing.
    let s = write(
        dir.path(),
        "s.toml",
        "name = \"s\"\n[population]\nage_min = 18\nage_max = 65\n",
    );
    let e = warnings_of(&["model", s.to_str().unwrap(), "--population", p]);
    assert!(!e.contains("has no rows for"), "{e}");
    // The embedded data stops at 90, ONS's "90 and over": a window to 120 is covered.
    let e = warnings_of(&["model", "north-essex"]);
    assert!(!e.contains("has no rows for"), "{e}");
}

#[test]
fn a_prevalence_file_covering_part_of_the_window_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let pop = write(
        dir.path(),
        "pop.csv",
        "area_code,age_from,age_to,sex,population\nA,16,64,all,1000\n",
    );
    let prev = write(
        dir.path(),
        "prev.csv",
        "disorder,age_from,age_to,sex,rate\ndepression,16,64,all,0.05\nany,16,64,all,0.1\n",
    );
    let s = write(
        dir.path(),
        "s.toml",
        "name = \"s\"\n[population]\nage_min = 16\nage_max = 75\n",
    );
    let e = warnings_of(&[
        "model",
        s.to_str().unwrap(),
        "--population",
        pop.to_str().unwrap(),
        "--prevalence",
        prev.to_str().unwrap(),
    ]);
    assert!(
        e.contains("prev.csv: has rates for only part of the scenario's age window 16 to 74: none for ages 65-74"),
        "{e}"
    );
}

/// Advance widths of Liberation Sans Bold (Arial Bold's metrics), thousandths of an em, for
/// ' ' to '~': the widest the chart font draws text, measured from the font itself.
const BOLD_WIDTHS: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

fn bold_width(text: &str, size: f64) -> f64 {
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    text.chars()
        .map(|c| match c {
            ' '..='~' => f64::from(BOLD_WIDTHS[c as usize - 32]),
            '…' | '—' => 1000.0,
            _ => 600.0, // '–', '£', '×' and the like are 556 to 584
        })
        .sum::<f64>()
        / 1000.0
        * size
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let from = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[from..].split('"').next()?.to_string())
}

#[test]
fn chart_text_fits_its_chart_in_arial_or_a_metric_compatible_font() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.html");
    let workforce = write(
        dir.path(),
        "staff.csv",
        "area_code,role,band,wte,li_share,hi_share\nE54000057,PWP,5,150,1,0\nE54000057,CBT therapist,7,90,0,1\n",
    );
    capacity()
        .args(["report", "north-essex", "--workforce"])
        .arg(&workforce)
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    let svgs: Vec<&str> = html.split("<svg class=\"chart\"").skip(1).collect();
    assert!(svgs.len() >= 3, "{}", svgs.len());
    let mut texts = 0;
    for svg in svgs {
        let head = svg.split('>').next().unwrap();
        let family = attr(head, "font-family").unwrap();
        assert_eq!(
            family, "Arial, 'Liberation Sans', Arimo, Helvetica, sans-serif",
            "metric-compatible fallbacks for Arial"
        );
        let width: f64 = attr(head, "width").unwrap().parse().unwrap();
        // (y, left, right, text) of every text, to find two on one line that overlap.
        let mut spans: Vec<(f64, f64, f64, String)> = Vec::new();
        for piece in svg.split("<text").skip(1) {
            let (tag, rest) = piece.split_once('>').unwrap();
            let body = rest.split("</text>").next().unwrap();
            let x: f64 = attr(tag, "x").unwrap().parse().unwrap();
            let size: f64 = attr(tag, "font-size").map_or(12.0, |s| s.parse().unwrap());
            let w = bold_width(body, size);
            let (left, right) = match attr(tag, "text-anchor").as_deref() {
                Some("end") => (x - w, x),
                Some("middle") => (x - w / 2.0, x + w / 2.0),
                _ => (x, x + w),
            };
            assert!(
                left >= -0.5 && right <= width + 0.5,
                "'{body}' at {size}px spans {left:.1} to {right:.1} in a chart {width} wide"
            );
            let y: f64 = attr(tag, "y").unwrap().parse().unwrap();
            spans.push((y, left, right, body.to_string()));
            texts += 1;
        }
        for (i, a) in spans.iter().enumerate() {
            for b in &spans[i + 1..] {
                let same_line = (a.0 - b.0).abs() < 4.0;
                let overlap = a.1 < b.2 - 0.5 && b.1 < a.2 - 0.5;
                assert!(
                    !(same_line && overlap),
                    "'{}' ({:.1} to {:.1}) and '{}' ({:.1} to {:.1}) overlap at y {}",
                    a.3,
                    a.1,
                    a.2,
                    b.3,
                    b.1,
                    b.2,
                    a.0
                );
            }
        }
    }
    assert!(texts > 100, "{texts}");
    // Every ICB's name fits whole, the longest (Bath and North East Somerset, Swindon and
    // Wiltshire) included: none is cut short with an ellipsis.
    assert!(!html.contains("…</text>"), "a chart label was shortened");
}

const SUBCOMMANDS: [&str; 10] = [
    "model",
    "report",
    "init",
    "scenarios",
    "areas",
    "check",
    "sweep",
    "summarize",
    "completions",
    "man",
];

#[test]
fn completions_come_from_the_command_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: no {sub}");
        }
        // Options of a subcommand, e.g. model's.
        assert!(script.contains("by-disorder"), "{shell}");
    }
    let bash = stdout_of(&["completions", "bash"]);
    assert!(bash.contains("complete -F _capacity"), "{bash}");
    let e = stderr_of_failure(&["completions", "tcsh"], 2);
    assert!(e.contains("possible values: bash"), "{e}");
}

#[test]
fn the_man_page_is_roff_with_every_subcommand() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH capacity 1"), "{page}");
    assert!(page.contains(".SH NAME"), "{page}");
    assert!(page.contains("Exit codes: 0 ok"), "{page}");
    for sub in SUBCOMMANDS {
        assert!(page.contains(&format!("capacity\\-{sub}")), "no {sub}");
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    stdout_of(&["man", "--dir", d]);
    let model = std::fs::read_to_string(dir.path().join("capacity-model.1")).unwrap();
    assert!(model.contains("by\\-disorder"), "{model}");
    assert!(dir.path().join("capacity.1").is_file());
    let missing = dir.path().join("no-such-folder");
    let e = stderr_of_failure(&["man", "--dir", missing.to_str().unwrap()], 2);
    assert!(e.contains("not a folder"), "{e}");
}

/// The installer of a release, run against a release folder on disk holding an archive of
/// the binary under test, as the release workflow lays it out.
#[cfg(unix)]
#[test]
fn the_shell_installer_installs_a_checked_release_archive() {
    use std::process::Command;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("scripts/install.sh");
    let target = Command::new("sh")
        .arg(&script)
        .arg("--print-target")
        .output()
        .unwrap();
    assert!(target.status.success(), "{target:?}");
    let target = String::from_utf8(target.stdout).unwrap().trim().to_string();
    assert!(
        target.ends_with("-unknown-linux-musl") || target.ends_with("-apple-darwin"),
        "{target}"
    );
    // Every build the installers ask for is one the release workflow makes.
    let workflow = std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    assert!(workflow.contains(&format!("target: {target},")), "{target}");
    let ps1 = std::fs::read_to_string(root.join("scripts/install.ps1")).unwrap();
    assert!(ps1.contains("$Target = 'x86_64-pc-windows-msvc'"));
    assert!(workflow.contains("target: x86_64-pc-windows-msvc, archive: zip"));

    let dir = tempfile::tempdir().unwrap();
    let release = dir.path().join("release");
    let name = format!("capacity-{target}");
    std::fs::create_dir_all(release.join(&name)).unwrap();
    std::fs::copy(
        assert_cmd::cargo::cargo_bin("capacity"),
        release.join(&name).join("capacity"),
    )
    .unwrap();
    let archive = format!("{name}.tar.gz");
    let status = Command::new("tar")
        .current_dir(&release)
        .args(["-czf", &archive, &name])
        .status()
        .unwrap();
    assert!(status.success());
    // As sha256sum writes it: the hash, two spaces, the file name.
    let bytes = std::fs::read(release.join(&archive)).unwrap();
    let sum = format!("{}  {archive}\n", capacity::report::sha256_hex(&bytes));
    std::fs::write(release.join(format!("{archive}.sha256")), sum).unwrap();

    let install = |bin: &std::path::Path| {
        Command::new("sh")
            .arg(&script)
            .env(
                "CAPACITY_DOWNLOAD_URL",
                format!("file://{}", release.display()),
            )
            .env("CAPACITY_INSTALL_DIR", bin)
            .output()
            .unwrap()
    };
    let bin = dir.path().join("bin");
    let out = install(&bin);
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("is not on your PATH"), "{said}");
    let version = Command::new(bin.join("capacity"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(version.stdout).unwrap().trim(),
        format!("capacity {}", env!("CARGO_PKG_VERSION"))
    );

    // A damaged download is refused, and nothing is installed.
    std::fs::write(
        release.join(format!("{archive}.sha256")),
        format!("{}  {archive}\n", "0".repeat(64)),
    )
    .unwrap();
    let other = dir.path().join("other");
    let out = install(&other);
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("the download is damaged"), "{e}");
    assert!(!other.join("capacity").exists());

    // The template in the repository, run without a release's settings, says what to do.
    let out = Command::new("sh")
        .arg(&script)
        .env_remove("CAPACITY_DOWNLOAD_URL")
        .env_remove("CAPACITY_REPOSITORY")
        .env_remove("CAPACITY_VERSION")
        .env("CAPACITY_INSTALL_DIR", &other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("this is the template of the installer"), "{e}");
}

#[test]
fn regions_have_their_ods_codes_too() {
    // NHS England's commissioning region codes, as the NHS Talking Therapies report uses them.
    let v = model_json(&["--area", "y56", "--level", "region"]);
    assert_eq!(row_codes(&v), vec!["E40000003"]);
    let csv = stdout_of(&["areas", "--level", "region", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 8, "{csv}");
    assert!(
        csv.contains("E40000012,Y63,North East and Yorkshire,region"),
        "{csv}"
    );
}

#[test]
fn workforce_rows_may_name_their_area_by_ods_code() {
    let dir = tempfile::tempdir().unwrap();
    let by_ods = write(
        dir.path(),
        "ods.csv",
        "area_code,role,band,wte,li_share,hi_share\nqop,PWP,5,150,1,0\nQOP,CBT therapist,7,90,0,1\n",
    );
    let by_code = write(
        dir.path(),
        "ons.csv",
        "area_code,role,band,wte,li_share,hi_share\nE54000057,PWP,5,150,1,0\nE54000057,CBT therapist,7,90,0,1\n",
    );
    let a = model_json(&["--area", "QOP", "--workforce", by_ods.to_str().unwrap()]);
    let b = model_json(&["--area", "QOP", "--workforce", by_code.to_str().unwrap()]);
    assert_eq!(a["areas"][0]["current_low_wte"].as_f64(), Some(150.0));
    assert_eq!(a["areas"], b["areas"]);
}

#[test]
fn one_wte_a_year_gives_the_episodes_delivered_after_dnas() {
    // 16 contacts a day x 0.70 x 220 = 2,464 bookable contacts, 6 an episode, 12% DNA: the
    // WTE deliver 2,464 x 0.88 = 2,168 attended contacts, 361.4 episodes, not 410.7.
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "dna.toml",
        "extends = \"obc\"\n[steps.low]\ncontacts_per_episode = 6\n[capacity]\ndna_rate = 0.12\n",
    );
    let p = p.to_str().unwrap();
    let out = stdout_of(&["model", p, "--level", "country"]);
    let line = |start: &str| {
        out.lines()
            .find(|l| l.contains(start))
            .unwrap_or_else(|| panic!("no {start:?} in\n{out}"))
            .to_string()
    };
    assert!(line("Contacts booked").contains("2,464"), "{out}");
    assert!(
        line("Attended contacts (after DNAs").contains("2,168"),
        "{out}"
    );
    assert!(
        line("Episodes completed (after DNAs").contains("361.4"),
        "{out}"
    );
    assert!(line("Episodes if every booked").contains("410.7"), "{out}");
    let v = model_json(&[p, "--level", "country"]);
    let t = &v["total"];
    let per_wte = t["low_episodes_per_wte"].as_f64().unwrap();
    let delivered = t["low_episodes"].as_f64().unwrap() / t["low_wte"].as_f64().unwrap();
    assert!(
        (per_wte - delivered).abs() < 1e-9 * delivered,
        "{per_wte} {delivered}"
    );
}

#[test]
fn access_is_called_an_assumption_not_a_measured_rate() {
    let dir = tempfile::tempdir().unwrap();
    let said = "an assumption of the scenario, not a measured access rate";
    let table = stdout_of(&["model", "--level", "region"]);
    assert!(table.replace('\n', " ").contains(said), "{table}");
    assert!(table.contains("0.50 x detection_rate 0.50"), "{table}");
    let markdown = stdout_of(&["model", "--level", "region", "--format", "markdown"]);
    assert!(markdown.contains(said), "{markdown}");
    let p = dir.path().join("r.html");
    stdout_of(&["report", "--level", "region", "-o", p.to_str().unwrap()]);
    let html = std::fs::read_to_string(&p).unwrap();
    assert!(html.contains(said));
    assert!(!html.contains("ambitions were 15%, then 25%"));
}

#[test]
fn the_default_skill_mix_covers_the_default_supervision() {
    // Every area of every level, with and without `extends`: a "not covered" must be about
    // the user's own input, not the defaults disagreeing with each other.
    let dir = tempfile::tempdir().unwrap();
    let bare = write(dir.path(), "bare.toml", "name = \"bare\"\n");
    for args in [
        vec!["--level", "sub-icb"],
        vec![bare.to_str().unwrap(), "--level", "region"],
    ] {
        let v = model_json(&args);
        let mut rows: Vec<&serde_json::Value> = v["areas"].as_array().unwrap().iter().collect();
        rows.push(&v["total"]);
        for r in rows {
            assert_eq!(r["supervision_covered"], true, "{}", r["area_code"]);
        }
    }
    let table = stdout_of(&["model", "--level", "region"]);
    assert!(!table.contains("NOT covered"), "{table}");
}

#[test]
fn the_table_fits_the_width_asked_for() {
    let widest = |out: &str| out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    for w in [70usize, 80, 120] {
        let by_flag = stdout_of(&["model", "--by-disorder", "--width", &w.to_string()]);
        assert!(widest(&by_flag) <= w, "--width {w}:\n{by_flag}");
        let out = capacity()
            .args(["model", "--by-disorder"])
            .env("COLUMNS", w.to_string())
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            by_flag,
            "COLUMNS={w}"
        );
    }
    // At 80 long ICB names are cut, not wrapped onto a second line (the population and
    // referrals give way to the need factor first); at 120 most are whole.
    let narrow = stdout_of(&["model", "--width", "80"]);
    assert!(narrow.contains("│ Staffordshire and Stok… ┆"), "{narrow}");
    let wide = stdout_of(&["model", "--width", "120"]);
    assert!(wide.contains("│ Cheshire and Merseyside "), "{wide}");
    // The longest name (51 characters) is cut to what is left of 120, on one line.
    assert!(
        wide.contains("│ Bath and North East Somerset, Swindon and W"),
        "{wide}"
    );
    // Without --width or COLUMNS, and not on a terminal: 100 columns, as before.
    let out = capacity()
        .arg("model")
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    assert_eq!(widest(&String::from_utf8(out.stdout).unwrap()), 100);
    let e = stderr_of_failure(&["model", "--width", "30"], 2);
    assert!(e.contains("30") && e.contains("70"), "{e}");
}
