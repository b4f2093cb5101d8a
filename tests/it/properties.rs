//! Invariants a planner relies on: WTE scales linearly with population, never falls when more
//! people present or are detected, and totals are the sums of the rows below them.

use capacity::model::{evaluate, prepare, Level, ModelInputs, RunOptions};
use capacity::output::Row;
use capacity::{embedded, scenario};
use proptest::prelude::*;

use crate::common::{close, run_model, scenario as load};

const PREV: &str = "disorder,age_from,age_to,sex,rate\n\
depression,16,44,all,0.04\ndepression,45,120,all,0.03\n\
gad,16,44,all,0.06\ngad,45,120,all,0.05\n\
ptsd,16,120,all,0.04\n\
any,16,44,all,0.12\nany,45,120,all,0.09\n";

/// A population of a few areas with bands that straddle the age window and prevalence bands.
/// Each area's bands follow one another (a gap of `from % 10` years before each), since a
/// person may be counted only once.
fn population(counts: &[(u32, u32, f64)], scale: f64) -> String {
    let mut s = String::from("area_code,age_from,age_to,sex,population\n");
    let mut next_age = [0u32; 3];
    for (i, (from, len, n)) in counts.iter().enumerate() {
        let area = i % 3;
        let age_from = next_age[area] + from % 10;
        let age_to = age_from + len % 25;
        next_age[area] = age_to + 1;
        s.push_str(&format!("A{area},{age_from},{age_to},all,{}\n", n * scale));
    }
    s
}

fn rates_scenario(presentation: f64, detection: f64, step2: f64, step_up: f64) -> String {
    format!(
        "[demand]\npresentation_rate = {presentation}\ndetection_rate = {detection}\n\
         [stepped_care]\nstep2_entry = {step2}\nstep_up = {step_up}\n"
    )
}

fn band() -> impl Strategy<Value = (u32, u32, f64)> {
    (0u32..90, 0u32..30, 0.0f64..50_000.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn wte_is_linear_in_population(
        bands in prop::collection::vec(band(), 1..12),
        k in 0.1f64..20.0,
        p in 0.0f64..1.0, d in 0.0f64..1.0, s in 0.0f64..1.0, u in 0.0f64..1.0,
    ) {
        let sc = load(&rates_scenario(p, d, s, u));
        let base = run_model(&population(&bands, 1.0), PREV, None, None, &sc, Level::Leaves);
        let scaled = run_model(&population(&bands, k), PREV, None, None, &sc, Level::Leaves);
        prop_assert!(close(scaled.total.flow.step_wte(0), k * base.total.flow.step_wte(0), 1e-9));
        prop_assert!(close(scaled.total.flow.step_wte(1), k * base.total.flow.step_wte(1), 1e-9));
    }

    #[test]
    fn wte_never_falls_as_presentation_or_detection_rises(
        bands in prop::collection::vec(band(), 1..8),
        p in 0.0f64..1.0, dp in 0.0f64..0.5, d in 0.0f64..1.0, dd in 0.0f64..0.5,
        s in 0.0f64..1.0, u in 0.0f64..1.0,
    ) {
        let pop = population(&bands, 1.0);
        let total = |p: f64, d: f64| {
            let r = run_model(&pop, PREV, None, None, &load(&rates_scenario(p, d, s, u)), Level::Leaves);
            (r.total.flow.step_wte(0), r.total.flow.step_wte(1))
        };
        let (l0, h0) = total(p, d);
        let (l1, h1) = total((p + dp).min(1.0), d);
        let (l2, h2) = total(p, (d + dd).min(1.0));
        prop_assert!(l1 >= l0 && h1 >= h0);
        prop_assert!(l2 >= l0 && h2 >= h0);
    }

    #[test]
    fn total_equals_sum_of_rows(
        bands in prop::collection::vec(band(), 1..12),
        p in 0.0f64..1.0, s in 0.0f64..1.0,
    ) {
        let r = run_model(&population(&bands, 1.0), PREV, None, None, &load(&rates_scenario(p, 0.5, s, 0.1)), Level::Leaves);
        let total = Row::new(&r.total, &r);
        let rows: Vec<Row> = r.rows.iter().map(|a| Row::new(a, &r)).collect();
        let sum = |f: &str| rows.iter().map(|r| r.num(f)).sum::<f64>();
        for f in ["referred", "low_wte", "high_wte", "population_in_scope"] {
            prop_assert!(close(total.num(f), sum(f), 1e-12), "{f}");
        }
    }
}

/// Parent rows equal the sum of their children, at every level of the embedded geography,
/// and every level's total is the same England.
#[test]
fn parent_rows_equal_sum_of_children_on_england() {
    let inputs = ModelInputs {
        population: embedded::population().unwrap(),
        prevalence: embedded::prevalence().unwrap(),
        areas: Some(embedded::areas().unwrap()),
        workforce: None,
        pay: capacity::embedded::afc_pay().clone(),
    };
    let s = scenario::load_str(
        "t.toml",
        "extends = \"triage80\"\n[areas.E40000003]\ndeprivation_factor = 1.3\n",
    )
    .unwrap()
    .0;
    let at = |level: &str| {
        let options = RunOptions {
            level: Level::Named(level.into()),
            areas: vec![],
        };
        let (p, _) = prepare(&inputs, &s, &options).unwrap();
        (evaluate(&p, &s), p)
    };
    let (sub, _) = at("sub-icb");
    let (icb, prepared) = at("icb");
    let (region, _) = at("region");
    let (country, _) = at("country");
    assert_eq!(sub.rows.len(), 106);
    assert_eq!(icb.rows.len(), 42);
    assert_eq!(region.rows.len(), 7);
    assert_eq!(country.rows.len(), 1);
    let geo = &prepared.geography;
    for parent in &icb.rows {
        let p = geo.find(&parent.code).unwrap();
        let children: Vec<_> = sub
            .rows
            .iter()
            .filter(|c| geo.is_within(geo.find(&c.code).unwrap(), p))
            .collect();
        assert!(!children.is_empty());
        let wte: f64 = children.iter().map(|c| c.flow.total_wte()).sum();
        let referred: f64 = children.iter().map(|c| c.flow.referred()).sum();
        assert!(
            close(parent.flow.total_wte(), wte, 1e-12),
            "{}",
            parent.code
        );
        assert!(
            close(parent.flow.referred(), referred, 1e-12),
            "{}",
            parent.code
        );
    }
    for total in [&sub.total, &icb.total, &region.total, &country.total] {
        assert!(close(
            total.flow.total_wte(),
            country.rows[0].flow.total_wte(),
            1e-12
        ));
    }
}

#[test]
fn embedded_population_is_englands_mid_2022_total() {
    let p = embedded::population().unwrap();
    let total: f64 = p.rows.iter().map(|r| r.population).sum();
    // ONS mid-2022 estimate for England, 2023 sub-ICB boundaries.
    assert_eq!(total, 57_106_398.0);
    let areas = embedded::areas().unwrap();
    let count = |l: &str| areas.rows.iter().filter(|a| a.level == l).count();
    assert_eq!(
        (
            count("sub-icb"),
            count("icb"),
            count("region"),
            count("country")
        ),
        (106, 42, 7, 1)
    );
}
