//! The counted-referrals CSV of `capacity project --referrals`
//! (`capacity::projection::parse_referrals`, against the default scenario's run on the
//! embedded England data by ICB): an error or a value, never a panic; an accepted file holds
//! only finite counts, and a projection with it runs.
#![no_main]

use std::sync::OnceLock;

use capacity::model::{Level, ModelInputs, ModelResult, RunOptions};
use libfuzzer_sys::fuzz_target;

fn result() -> &'static ModelResult {
    static RESULT: OnceLock<ModelResult> = OnceLock::new();
    RESULT.get_or_init(|| {
        let (scenario, _) =
            capacity::scenario::load(&capacity::scenario::ScenarioSource::Preset("obc".into()))
                .expect("the default preset");
        let inputs = ModelInputs {
            population: capacity::embedded::population().expect("embedded"),
            prevalence: capacity::embedded::prevalence().expect("embedded"),
            areas: Some(capacity::embedded::areas().expect("embedded")),
            workforce: None,
            pay: capacity::embedded::afc_pay().clone(),
        };
        let options = RunOptions {
            level: Level::Named("region".into()),
            areas: vec![],
        };
        capacity::model::run(&inputs, &scenario, &options)
            .expect("the default run")
            .0
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let result = result();
    if let Ok(counted) =
        capacity::projection::parse_referrals("referrals.csv", text, result, (2027, 1), 6)
    {
        capacity_fuzz::assert_finite("referrals", &counted);
        let settings = capacity::projection::ProjectionSettings {
            start: (2027, 1),
            months: 6,
            seasonality: [1.0; 12],
            growth_rate: 0.0,
            leave_rate_per_month: 0.0,
            backlog: vec![0.0; result.steps.len()],
            backlog_weeks: 6,
            standards_weeks: vec![6, 18],
            solve_from_month: None,
            referrals: counted,
        };
        let p = capacity::projection::project(result, &settings);
        for m in &p.months {
            assert!(m.waiting_list.is_finite() && m.waiting_list >= 0.0, "{m:?}");
        }
    }
});
