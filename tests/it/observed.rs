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
