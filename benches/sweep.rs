//! Sweep benchmarks: `cargo bench --bench sweep`.
//!
//! The headline is `monte_carlo_1m_runs_42_icbs`: the shipped monte-carlo.toml (the eleven
//! parameters of issue 3) at 1,000,000 runs over England's 42 ICBs, exact percentiles of
//! total_wte, in process (no CLI, no file output). The end-to-end command is timed in the
//! README. The others isolate the parts: random draws, evaluation, statistics.

use std::path::Path;

use capacity::embedded;
use capacity::model::{prepare, Level, ModelInputs, Prepared, RunOptions};
use capacity::scenario::{self, Scenario};
use capacity::sweep::fast::FastModel;
use capacity::sweep::fields::{field_index, StaffingPlan};
use capacity::sweep::plan::probe_scenario;
use capacity::sweep::report::summarize_columns;
use capacity::sweep::{spec, Engine, Plan, Sweep};

fn main() {
    divan::main();
}

const MONTE_CARLO: &str = include_str!("../scenarios/sweeps/monte-carlo.toml");

fn setup(runs: u64) -> (Sweep, Scenario, Prepared) {
    let file = spec::parse(
        "monte-carlo.toml",
        MONTE_CARLO,
        Path::new("scenarios/sweeps"),
    )
    .unwrap();
    let (base, _) = scenario::load(&file.base_source()).unwrap();
    let mut sweep = file.resolve(&base).unwrap();
    sweep.runs = runs;
    let inputs = ModelInputs {
        population: embedded::population().unwrap(),
        prevalence: embedded::prevalence().unwrap(),
        areas: Some(embedded::areas().unwrap()),
        workforce: None,
        pay: capacity::embedded::afc_pay().clone(),
    };
    let options = RunOptions {
        level: Level::Named("icb".into()),
        areas: vec![],
    };
    let (prepared, _) = prepare(&inputs, &base, &options).unwrap();
    (sweep, base, prepared)
}

fn run_sweep(sweep: &Sweep, base: &Scenario, prepared: &Prepared) -> usize {
    let plan = Plan::new(sweep, base);
    let paths: Vec<String> = sweep.params.iter().map(|p| p.path.clone()).collect();
    let probe = probe_scenario(sweep, base);
    let model = FastModel::compile(prepared, &probe, &paths);
    let staffing = StaffingPlan::new(&probe, &paths, &prepared.pay);
    let engine = Engine {
        model: &model,
        plan: &plan,
        staffing: &staffing,
        outputs: vec![field_index(model.fields(), "total_wte").unwrap()],
    };
    let columns = engine.run(0..sweep.total_runs(), None, &|_| {}).unwrap();
    summarize_columns(&columns).len()
}

/// Issue 3's benchmark, in process: 1,000,000 runs x 42 ICBs, percentiles of total_wte.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn monte_carlo_1m_runs_42_icbs(bencher: divan::Bencher) {
    let (sweep, base, prepared) = setup(1_000_000);
    bencher.bench_local(|| run_sweep(&sweep, &base, &prepared));
}

/// The random draws alone: 100,000 runs x 11 parameters.
#[divan::bench(sample_count = 5)]
fn draws_100k_runs(bencher: divan::Bencher) {
    let (sweep, base, _) = setup(100_000);
    let plan = Plan::new(&sweep, &base);
    let mut x = vec![0.0; plan.params()];
    bencher.bench_local(|| {
        let mut s = 0.0;
        for run in 1..=100_000 {
            plan.values(run, &mut x);
            s += x[0];
        }
        s
    });
}

/// Exact summary statistics of one column of 1,000,000 values.
#[divan::bench(sample_count = 5)]
fn stats_1m_values(bencher: divan::Bencher) {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let values: Vec<f64> = (0..1_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64
        })
        .collect();
    bencher.bench_local(|| capacity::sweep::stats::summarize(&values));
}

/// A floor: 11 million ChaCha8 words (one per parameter and run), from one stream.
#[divan::bench(sample_count = 5)]
fn floor_chacha8_11m_words() -> u64 {
    use rand_core::{RngCore, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let mut x = 0u64;
    for _ in 0..11_000_000 {
        x ^= rng.next_u64();
    }
    x
}

/// A floor: writing 43 columns of 1,000,000 results and reading them back once.
#[divan::bench(sample_count = 5)]
fn floor_write_and_read_344_mb() -> f64 {
    let cols: Vec<Vec<f64>> = (0..43)
        .map(|c| (0..1_000_000).map(|i| (i ^ c) as f64).collect())
        .collect();
    cols.iter().map(|c| c.iter().sum::<f64>()).sum()
}

/// Rows: 50,000 runs x (42 ICBs + the total) = 2.15 million rows of every field, written to
/// a sink (the text is made but not stored), with the summary of total_wte.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn rows_50k_runs_42_icbs(bencher: divan::Bencher) {
    let (sweep, base, prepared) = setup(50_000);
    let outputs = vec!["total_wte".to_string()];
    bencher.bench_local(|| {
        let mut sink = std::io::sink();
        capacity::sweep::execute::execute(
            &sweep,
            &base,
            &prepared,
            &outputs,
            0..sweep.total_runs(),
            Some(&mut sink),
            &|_| {},
        )
        .unwrap()
        .summaries
        .len()
    });
}

/// A floor for rows: formatting 29 distinct numbers a row (what a row of monte-carlo.toml
/// needs after repeats and zeros) for 2.15 million rows, on one thread, into a reused buffer.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn floor_format_62m_numbers() -> usize {
    let mut buf = zmij::Buffer::new();
    let mut out: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut n = 0;
    let mut x = 1_234.567_891_234_5_f64;
    for _ in 0..(2_150_000 * 29) {
        x = x * 1.000_000_1 + 0.1;
        out.extend_from_slice(buf.format_finite(x).as_bytes());
        if out.len() > (1 << 20) - 32 {
            n += out.len();
            out.clear();
        }
    }
    n + out.len()
}
