//! Local need: the embedded regions' prevalence factors (Adult Psychiatric Morbidity Survey
//! 2014, NHS Digital 2016, Table 2.11) and `--no-local-need`.

use capacity::model::{self, Level, ModelInputs, ModelResult, RunOptions};
use capacity::scenario::{self, ScenarioSource};

use crate::common::{capacity, close, model_json, write};

const LONDON: &str = "E40000003";
const SOUTH_EAST: &str = "E40000005";
const NORTH_WEST: &str = "E40000010";
const NORTH_EAST_AND_YORKSHIRE: &str = "E40000012";
/// NHS North Central London ICB, within London.
const NORTH_CENTRAL_LONDON: &str = "E54000028";

/// The default preset on the embedded England data, reported at `level`.
fn england(level: &str) -> ModelResult {
    let (scenario, _) = scenario::load(&ScenarioSource::Preset("obc".into())).unwrap();
    let inputs = ModelInputs {
        population: capacity::embedded::population().unwrap(),
        prevalence: capacity::embedded::prevalence().unwrap(),
        areas: Some(capacity::embedded::areas().unwrap()),
        workforce: None,
        pay: capacity::embedded::afc_pay().clone(),
    };
    let options = RunOptions {
        level: Level::Named(level.into()),
        areas: vec![],
    };
    model::run(&inputs, &scenario, &options).unwrap().0
}

/// The prevalence_factor of an area as the embedded areas file gives it.
fn embedded_factor(code: &str) -> f64 {
    let areas = capacity::embedded::areas().unwrap();
    areas
        .rows
        .iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("{code} is not an embedded area"))
        .prevalence_factor
}

#[test]
fn embedded_factors_average_one_over_england() {
    let r = england("region");
    // Weighted by the prevalent cases the model counts (16-74, Table 2.3 rates by age and
    // sex), the regions' factors average exactly 1: England's count of cases is unchanged.
    assert!(
        (r.total.prevalence_factor() - 1.0).abs() < 1e-12,
        "England's factor is {}",
        r.total.prevalence_factor()
    );
    let before: f64 = r.rows.iter().map(|a| a.prevalent_before_area_factor).sum();
    let after: f64 = r.rows.iter().map(|a| a.flow.prevalent()).sum();
    assert!(close(after, before, 1e-12), "{after} != {before}");
    // Every region has a factor of its own, inside the range the model warns outside of.
    for a in &r.rows {
        let f = a.prevalence_factor();
        assert!((0.6..=1.4).contains(&f), "{}: {f}", a.code);
        assert!((f - 1.0).abs() > 0.01, "{}: {f} is England's", a.code);
        assert!(close(f, embedded_factor(&a.code), 1e-12), "{}", a.code);
    }
}

#[test]
fn embedded_factors_follow_table_2_11() {
    let f = embedded_factor;
    // Age-standardised any CMD, all adults: London 18.0%, North West 19.0%, South East 13.6%;
    // North East 15.7% and Yorkshire and the Humber 16.7%, both under England's.
    assert!(f(LONDON) > 1.0, "London {}", f(LONDON));
    assert!(f(NORTH_WEST) > 1.0, "North West {}", f(NORTH_WEST));
    assert!(f(NORTH_EAST_AND_YORKSHIRE) < 1.0);
    assert!(f(SOUTH_EAST) < 1.0);
    // Normalisation divides every region by the same England rate: the ratios are the table's.
    assert!(close(f(LONDON) / f(SOUTH_EAST), 18.0 / 13.6, 1e-12));
    assert!(close(f(NORTH_WEST) / f(LONDON), 19.0 / 18.0, 1e-12));
    // The country, ICBs and sub-ICB locations carry no factor of their own: they inherit.
    let areas = capacity::embedded::areas().unwrap();
    for r in &areas.rows {
        assert_eq!(
            r.level == "region",
            r.prevalence_factor != 1.0,
            "{} ({})",
            r.code,
            r.level
        );
    }
}

#[test]
fn an_icb_inherits_its_regions_factor() {
    let r = england("icb");
    let icb = r
        .rows
        .iter()
        .find(|a| a.code == NORTH_CENTRAL_LONDON)
        .unwrap();
    assert!(close(
        icb.prevalence_factor(),
        embedded_factor(LONDON),
        1e-12
    ));
}

#[test]
fn no_local_need_keeps_englands_totals_and_moves_each_region_by_its_factor() {
    let with = model_json(&["--level", "region"]);
    let without = model_json(&["--level", "region", "--no-local-need"]);
    for field in [
        "prevalent",
        "referred",
        "low_wte",
        "high_wte",
        "total_wte",
        "cost_total",
    ] {
        let (a, b) = (
            with["total"][field].as_f64().unwrap(),
            without["total"][field].as_f64().unwrap(),
        );
        assert!(close(a, b, 1e-9), "total {field}: {a} with, {b} without");
    }
    let wte = |v: &serde_json::Value, code: &str| {
        v["areas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["area_code"] == code)
            .unwrap()["total_wte"]
            .as_f64()
            .unwrap()
    };
    for code in [LONDON, SOUTH_EAST, NORTH_WEST, NORTH_EAST_AND_YORKSHIRE] {
        let (a, b) = (wte(&with, code), wte(&without, code));
        assert!(
            close(a / b, embedded_factor(code), 1e-12),
            "{code}: {a} / {b} is not its factor {}",
            embedded_factor(code)
        );
    }
}

#[test]
fn cli_shows_the_factor_and_no_local_need_turns_it_off() {
    let run = |extra: &[&str]| {
        let out = capacity()
            .args(["model", "--level", "region", "--width", "120"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let on = run(&[]);
    assert!(on.contains("Need"), "{on}");
    assert!(on.contains("local need 1.00"), "{on}");
    let london = on.lines().find(|l| l.contains("London")).unwrap();
    assert!(london.contains("1.06"), "{london}");
    let off = run(&["--no-local-need"]);
    assert!(!off.contains("Need"), "{off}");
    assert!(!off.contains("local need"), "{off}");
}

#[test]
fn no_local_need_ignores_an_areas_files_factors_too() {
    let dir = tempfile::tempdir().unwrap();
    let pop = write(
        dir.path(),
        "population.csv",
        "area_code,age_from,age_to,sex,population\nA,16,74,all,1000\nB,16,74,all,1000\n",
    );
    let areas = write(
        dir.path(),
        "areas.csv",
        "area_code,area_name,level,parent_code,prevalence_factor\nT,Top,top,,\nA,Area A,leaf,T,1.3\nB,Area B,leaf,T,\n",
    );
    let (pop, areas) = (pop.to_str().unwrap(), areas.to_str().unwrap());
    let prevalent = |extra: &[&str]| {
        let mut args = vec!["--population", pop, "--areas", areas, "--level", "leaf"];
        args.extend_from_slice(extra);
        let v = model_json(&args);
        let rows = v["areas"].as_array().unwrap();
        let of = |code: &str| {
            rows.iter().find(|a| a["area_code"] == code).unwrap()["prevalent"]
                .as_f64()
                .unwrap()
        };
        (of("A"), of("B"))
    };
    let (a, b) = prevalent(&[]);
    assert!(close(a, 1.3 * b, 1e-12), "{a} {b}");
    let (a, b) = prevalent(&["--no-local-need"]);
    assert!(close(a, b, 1e-12), "{a} {b}");
}
