//! Which value each varied parameter takes in each run.
//!
//! Run 0 is always the base scenario. The random designs draw from ChaCha8 (`rand_chacha`,
//! pinned to an exact version in Cargo.toml: a change of random stream is a change of output)
//! seeded once from the sweep's seed, with one stream per run: run r reads stream r from its
//! start. A run's numbers therefore do not depend on which thread evaluates it, on the other
//! runs, or on the shard it falls in. Uniform numbers, bounded integers and every
//! distribution are computed here and in `dist.rs`, not by a crate whose algorithms may
//! change between versions.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use crate::scenario::Scenario;

use super::dist::{BetaTable, Dist};
use super::spec::{Design, Sweep, Values};

/// How a parameter's draws are made from uniform numbers.
#[derive(Debug, Clone)]
enum Sampler {
    /// Not drawn (grid, one-way).
    None,
    Quantile(Dist),
    /// A beta on [min, max], by table (see `BetaTable`).
    Beta {
        table: Box<BetaTable>,
        min: f64,
        max: f64,
    },
}

impl Sampler {
    fn new(values: &Values) -> Sampler {
        match values {
            Values::Dist(Dist::Beta {
                alpha,
                beta,
                min,
                max,
            }) => Sampler::Beta {
                table: Box::new(BetaTable::new(*alpha, *beta)),
                min: *min,
                max: *max,
            },
            Values::Dist(d) => Sampler::Quantile(*d),
            _ => Sampler::None,
        }
    }

    #[inline]
    fn quantile(&self, u: f64) -> f64 {
        match self {
            Sampler::None => f64::NAN,
            Sampler::Quantile(d) => d.quantile(u),
            Sampler::Beta { table, min, max } => min + (max - min) * table.quantile(u),
        }
    }
}

/// A uniform number in the open interval (0, 1) from the top 52 bits of a word: the middle
/// of one of 2^52 equal cells, so never 0 or 1 (a normal quantile stays finite).
pub fn open01(word: u64) -> f64 {
    ((word >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

/// An unbiased whole number below `n` (Lemire's multiply-and-reject).
pub fn below(rng: &mut impl RngCore, n: u64) -> u64 {
    let mut m = u128::from(rng.next_u64()) * u128::from(n);
    if (m as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (m as u64) < threshold {
            m = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (m >> 64) as u64
}

/// The stream that shuffles the strata of Latin hypercube parameter j: counted down from
/// the top so that it never meets a run's stream.
fn lhs_stream(j: usize) -> u64 {
    u64::MAX - j as u64
}

/// The values of every varied parameter in every run.
#[derive(Debug, Clone)]
pub struct Plan {
    design: Design,
    sweep: Sweep,
    /// Each parameter's value in the base scenario (inherited where the key is optional).
    base: Vec<f64>,
    master: Option<ChaCha8Rng>,
    /// Latin hypercube: for each parameter, the stratum of each drawn run.
    strata: Vec<Vec<u32>>,
    samplers: Vec<Sampler>,
}

/// The largest Latin hypercube (its strata are held as 32-bit numbers).
pub const MAX_LHS_RUNS: u64 = u32::MAX as u64;

impl Plan {
    pub fn new(sweep: &Sweep, base: &Scenario) -> Plan {
        let values = base_values(sweep, base);
        let master = sweep.seed.map(ChaCha8Rng::seed_from_u64);
        let mut strata = Vec::new();
        if sweep.design == Design::LatinHypercube {
            let n = sweep.runs.min(MAX_LHS_RUNS);
            let master = master.as_ref().expect("random designs have a seed");
            strata = (0..sweep.params.len())
                .map(|j| {
                    let mut rng = master.clone();
                    rng.set_stream(lhs_stream(j));
                    let mut perm: Vec<u32> = (0..n as u32).collect();
                    for i in (1..perm.len()).rev() {
                        let k = below(&mut rng, i as u64 + 1) as usize;
                        perm.swap(i, k);
                    }
                    perm
                })
                .collect();
        }
        let samplers = {
            use rayon::prelude::*;
            sweep
                .params
                .par_iter()
                .map(|p| Sampler::new(&p.values))
                .collect()
        };
        Plan {
            design: sweep.design,
            sweep: sweep.clone(),
            base: values,
            master,
            strata,
            samplers,
        }
    }

    pub fn params(&self) -> usize {
        self.base.len()
    }

    /// Run 0 and the runs after it.
    pub fn total_runs(&self) -> u64 {
        self.sweep.total_runs()
    }

    pub fn base_values(&self) -> &[f64] {
        &self.base
    }

    /// Writes the value of each parameter in `run` to `out`.
    pub fn values(&self, run: u64, out: &mut [f64]) {
        out.copy_from_slice(&self.base);
        if run == 0 {
            return;
        }
        let params = &self.sweep.params;
        match self.design {
            Design::Grid => {
                // The last parameter changes fastest, like nested loops in file order.
                let mut index = run - 1;
                for (j, p) in params.iter().enumerate().rev() {
                    if let Values::List(list) = &p.values {
                        let n = list.len() as u64;
                        out[j] = list[(index % n) as usize];
                        index /= n;
                    }
                }
            }
            Design::OneWay => {
                let j = ((run - 1) / 2) as usize;
                if let Values::LowHigh { low, high } = params[j].values {
                    out[j] = if (run - 1).is_multiple_of(2) {
                        low
                    } else {
                        high
                    };
                }
            }
            Design::MonteCarlo | Design::LatinHypercube => {
                let mut rng = self.master.clone().expect("random designs have a seed");
                rng.set_stream(run);
                let n = self.sweep.runs as f64;
                for (j, p) in params.iter().enumerate() {
                    let mut u = open01(rng.next_u64());
                    if self.design == Design::LatinHypercube {
                        u = (f64::from(self.strata[j][(run - 1) as usize]) + u) / n;
                    }
                    out[j] = p.clamp(self.samplers[j].quantile(u));
                }
            }
        }
    }
}

/// Each varied key's value in the base scenario; an optional key (a per-disorder or per-area
/// override) takes the value it inherits.
pub fn base_values(sweep: &Sweep, base: &Scenario) -> Vec<f64> {
    let probe = probe_scenario(sweep, base);
    sweep
        .params
        .iter()
        .map(|p| probe.get(&p.path).expect("resolved params are keys"))
        .collect()
}

/// The base scenario with every varied optional key made explicit at its inherited value:
/// it evaluates exactly as the base, and has a slot for every varied key.
pub fn probe_scenario(sweep: &Sweep, base: &Scenario) -> Scenario {
    let mut probe = base.clone();
    for p in &sweep.params {
        probe.create_optional(&p.path);
    }
    probe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open01_is_inside_the_unit_interval() {
        assert!(open01(0) > 0.0);
        assert!(open01(u64::MAX) < 1.0);
        assert_eq!(open01(1 << 63), 0.5 + 0.5 / (1u64 << 52) as f64);
    }

    #[test]
    fn below_is_in_range_and_deterministic() {
        let mut a = ChaCha8Rng::seed_from_u64(7);
        let mut b = ChaCha8Rng::seed_from_u64(7);
        for n in [1u64, 2, 3, 10, 1 << 40, u64::MAX] {
            let x = below(&mut a, n);
            assert!(x < n);
            assert_eq!(x, below(&mut b, n));
        }
    }

    /// The random stream is part of the output: this pins it. If it fails after a dependency
    /// update, every Monte Carlo sweep has changed; pin the old version back.
    #[test]
    fn chacha8_stream_is_pinned() {
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        rng.set_stream(3);
        let words: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(words, PINNED_WORDS, "{words:?}");
    }

    const PINNED_WORDS: [u64; 3] = [
        6_672_028_999_979_260_041,
        10_928_159_205_316_631_748,
        13_467_973_396_282_439_615,
    ];
}
