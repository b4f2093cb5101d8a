//! The full England run: 106 sub-ICB locations x 91 ages x 2 sexes, 7 disorders.
//! `cargo bench --bench model`

use capacity::model::{evaluate, prepare, Level, ModelInputs, RunOptions};
use capacity::scenario::{self, ScenarioSource};
use capacity::{embedded, output};

fn main() {
    divan::main();
}

fn inputs() -> ModelInputs {
    ModelInputs {
        population: embedded::population().unwrap(),
        prevalence: embedded::prevalence().unwrap(),
        areas: Some(embedded::areas().unwrap()),
        workforce: None,
        pay: embedded::afc_pay().clone(),
    }
}

fn sub_icb() -> RunOptions {
    RunOptions {
        level: Level::Named("sub-icb".into()),
        areas: vec![],
    }
}

/// Parsing the embedded CSVs (19,292 population rows).
#[divan::bench]
fn parse_embedded_data() -> ModelInputs {
    inputs()
}

/// Population in scope, prevalence and comorbidity per leaf: the data-dependent part.
#[divan::bench]
fn prepare_england_sub_icb(bencher: divan::Bencher) {
    let inputs = inputs();
    let (s, _) = scenario::load(&ScenarioSource::Preset("obc".into())).unwrap();
    bencher.bench(|| prepare(&inputs, &s, &sub_icb()).unwrap());
}

/// The funnel, stepped care and WTE for every area and disorder: what a sweep repeats.
#[divan::bench]
fn evaluate_england_sub_icb(bencher: divan::Bencher) {
    let inputs = inputs();
    let (s, _) = scenario::load(&ScenarioSource::Preset("obc".into())).unwrap();
    let (prepared, _) = prepare(&inputs, &s, &sub_icb()).unwrap();
    bencher.bench(|| evaluate(&prepared, &s));
}

/// Everything `capacity model --level sub-icb --format json` does in process.
#[divan::bench]
fn end_to_end_england_sub_icb_json() -> String {
    let inputs = inputs();
    let (s, _) = scenario::load(&ScenarioSource::Preset("obc".into())).unwrap();
    let (prepared, _) = prepare(&inputs, &s, &sub_icb()).unwrap();
    let result = evaluate(&prepared, &s);
    let provenance = output::Provenance {
        tool: "bench".into(),
        population: embedded::POPULATION_SOURCE.into(),
        prevalence: embedded::PREVALENCE_SOURCE.into(),
        areas: None,
        workforce: None,
    };
    output::render_json(&result, &s, &provenance, false)
}

/// The default scenario on England's 106 sub-ICB locations, and projection settings over
/// 120 months with a backlog at each step; `solve_from_month` for solve mode.
fn projection_case(
    solve_from_month: Option<usize>,
) -> (
    capacity::model::ModelResult,
    capacity::projection::ProjectionSettings,
) {
    let inputs = inputs();
    let (s, _) = scenario::load(&ScenarioSource::Preset("obc".into())).unwrap();
    let (prepared, _) = prepare(&inputs, &s, &sub_icb()).unwrap();
    let settings = capacity::projection::ProjectionSettings {
        start: (2027, 1),
        months: 120,
        seasonality: [1.0; 12],
        growth_rate: 0.02,
        leave_rate_per_month: 0.01,
        backlog: vec![300.0, 500.0],
        backlog_weeks: 6,
        standards_weeks: vec![6, 18],
        solve_from_month,
        referrals: Vec::new(),
    };
    (evaluate(&prepared, &s), settings)
}

/// A waiting-list projection: 120 months x 106 sub-ICB locations x 2 steps, with a backlog at
/// each step, rendered as CSV (the target is under 50 ms for the whole command).
#[divan::bench]
fn project_120_months_england_sub_icb(bencher: divan::Bencher) {
    let (result, settings) = projection_case(None);
    bencher.bench(|| {
        let p = capacity::projection::project(&result, &settings);
        output::projection::render_projection_csv(&p)
    });
}

/// Solve mode on the same projection: the least WTE per area and step that meets both
/// standards from month 12 on, by bisection (about 20 projections of each lane).
#[divan::bench(sample_count = 10)]
fn project_solve_120_months_england_sub_icb(bencher: divan::Bencher) {
    let (result, settings) = projection_case(Some(12));
    bencher.bench(|| {
        capacity::projection::project(&result, &settings)
            .solved
            .len()
    });
}
