//! Observed activity beside need: NHS England's NHS Talking Therapies annual report measures
//! read beside the model, matched to areas by ODS code.

use tempfile::TempDir;

use crate::common::{capacity, model_json, write};

#[test]
fn the_shipped_report_sits_beside_every_icb_and_england() {
    let json = model_json(&["--observed"]);
    let total = &json["total"];
    // The run is all of England: its total is England's published figures (2023-24).
    assert_eq!(total["observed_referrals"].as_f64(), Some(1_829_202.0));
    assert_eq!(total["observed_finished_courses"].as_f64(), Some(671_648.0));
    assert_eq!(total["observed_recovery_rate"].as_f64(), Some(0.501));
    let within = total["observed_within_6_weeks"].as_f64().unwrap();
    assert!((within - 607_635.0 / 671_648.0).abs() < 1e-12);
    let modelled = total["referred"].as_f64().unwrap();
    let ratio = total["observed_to_modelled_referrals"].as_f64().unwrap();
    assert!((ratio - 1_829_202.0 / modelled).abs() < 1e-12);
    let areas = json["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 42);
    for a in areas {
        assert!(
            a["observed_referrals"].as_f64().is_some(),
            "{}",
            a["area_code"]
        );
    }
    let earlier = model_json(&["--observed", "--observed-year", "2022-23"]);
    assert_eq!(
        earlier["total"]["observed_referrals"].as_f64(),
        Some(1_759_581.0)
    );
    assert_eq!(
        earlier["total"]["observed_finished_courses"].as_f64(),
        Some(672_193.0)
    );
}

#[test]
fn a_file_of_ones_own_is_matched_by_ods_code_with_suppressed_values_missing() {
    let d = TempDir::new().unwrap();
    let file = write(
        d.path(),
        "obs.csv",
        "reporting_period,org_type,org_code,org_name,variable_type,variable_a,variable_b,measure_name,measure_statistic,value\n\
         2024-25,ICB,QOP,NHS Greater Manchester ICB,Total,NULL,NULL,referrals_received,count,90000\n\
         2024-25,ICB,QOP,NHS Greater Manchester ICB,Total,NULL,NULL,finished_course_treatment,count,*\n\
         2024-25,ICB,ZZZ,Nowhere,Total,NULL,NULL,referrals_received,count,5\n",
    );
    let out = capacity()
        .args(["model", "--area", "QOP", "--format", "json", "--observed"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let icb = &json["areas"][0];
    assert_eq!(icb["observed_referrals"].as_f64(), Some(90_000.0));
    assert!(
        icb["observed_finished_courses"].is_null(),
        "suppressed is missing, not 0"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ZZZ"),
        "the organisation in no area is named: {err}"
    );
    assert!(err.contains("1 value suppressed"), "{err}");
    // A year the file lacks is an input error naming what it has.
    let out = capacity()
        .args(["model", "--observed"])
        .arg(&file)
        .args(["--observed-year", "2019-20"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it has 2024-25"));
}

/// `capacity report --observed`: the published activity beside need in the HTML report: a
/// chart per area sorted by the share of modelled referrals that were published (Greater
/// Manchester, at 157%, first), and a table whose all-areas row is England's published
/// 1,829,202 referrals of 2023-24; the footer hashes the shipped report.
#[test]
fn the_report_shows_need_beside_published_activity() {
    let d = tempfile::TempDir::new().unwrap();
    let out = crate::common::capacity()
        .current_dir(d.path())
        .args(["report", "--observed", "-o", "r.html"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(d.path().join("r.html")).unwrap();
    let start = html
        .find("<section id=\"observed\"")
        .expect("an observed section");
    let s = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(
        s.contains("<h2>Need beside published activity, 2023-24</h2>"),
        "{s}"
    );
    let chart = &s[s.find("<svg").unwrap()..];
    let first_label = chart.find("Greater Manchester").unwrap();
    for other in ["Cheshire and Merseyside", "North East and North Cumbria"] {
        assert!(
            first_label < chart.find(other).unwrap(),
            "{other} before Greater Manchester"
        );
    }
    let all = &s[s.find("<tr><td data-v=\"All areas\">").unwrap()..];
    let all = &all[..all.find("</tr>").unwrap()];
    assert!(
        all.contains(">1,829,202<") && all.contains(">671,648<"),
        "{all}"
    );
    let footer = &html[html.find("<footer").unwrap()..];
    assert!(
        footer.contains("embedded data/nhstt_annual.csv"),
        "{footer}"
    );
    // Without --observed there is no such section.
    crate::common::capacity()
        .current_dir(d.path())
        .args(["report", "-o", "plain.html"])
        .assert()
        .success();
    let plain = std::fs::read_to_string(d.path().join("plain.html")).unwrap();
    assert!(!plain.contains("<section id=\"observed\""));
}

/// The table of `capacity model --observed` has the published activity beside modelled
/// referrals, with England's published 1,829,202 referrals and 671,648 finished courses of
/// 2023-24 on the total row.
#[test]
fn the_table_shows_published_activity_beside_modelled_referrals() {
    let text = crate::common::stdout_of(crate::common::capacity().args([
        "model",
        "--observed",
        "--level",
        "region",
        "--width",
        "120",
    ]));
    let block = &text[text.find("Published activity 2023-24").expect("the block")..];
    let total = block.lines().find(|l| l.contains("Total")).unwrap();
    assert!(
        total.contains("1,829,202") && total.contains("671,648"),
        "{total}"
    );
    assert!(
        block.contains("Recov."),
        "at 120 columns recovery fits: {block}"
    );
}

/// Markdown and the workbook carry the published activity too: a markdown table with
/// England's 1,829,202 referrals on the total row, and the observed columns in the xlsx.
#[test]
fn markdown_and_the_workbook_carry_published_activity() {
    let md = crate::common::stdout_of(crate::common::capacity().args([
        "model",
        "--observed",
        "--level",
        "region",
        "--format",
        "markdown",
    ]));
    let block = &md[md
        .find("## Published activity, 2023-24")
        .expect("the section")..];
    let total = block.lines().find(|l| l.starts_with("| Total |")).unwrap();
    assert!(
        total.contains("| 1,829,202 |") && total.contains("| 671,648 |"),
        "{total}"
    );
    let d = tempfile::TempDir::new().unwrap();
    crate::common::capacity()
        .current_dir(d.path())
        .args(["model", "--observed", "--format", "xlsx", "-o", "o.xlsx"])
        .assert()
        .success();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(d.path().join("o.xlsx")).unwrap();
    let areas = wb.worksheet_range("Areas").unwrap();
    let header: Vec<String> = areas
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    for f in [
        "observed_referrals",
        "observed_finished_courses",
        "observed_within_18_weeks",
    ] {
        assert!(header.iter().any(|h| h == f), "{f} not in {header:?}");
    }
}
