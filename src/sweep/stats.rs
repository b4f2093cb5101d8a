//! Exact summary statistics of one column of values (one area x output over the runs).
//!
//! The mean and standard deviation are summed in run order, and the percentiles are order
//! statistics, which do not depend on how they were found: so `capacity sweep` and
//! `capacity summarize` (which rebuilds the columns from rows files) print the same bytes.

/// The percentiles the summary reports, as fractions.
pub const PERCENTILES: [f64; 5] = [0.05, 0.10, 0.50, 0.90, 0.95];

/// The summary of a column over the drawn runs (the base run is reported beside it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (divisor n - 1; 0 for one run).
    pub sd: f64,
    pub min: f64,
    /// p5, p10, p50, p90, p95 (type 7: linear between closest ranks).
    pub percentiles: [f64; 5],
    pub max: f64,
}

/// The rank h = (n - 1) p of a type-7 percentile: the value is x[floor h] plus the fraction
/// of h times the step to x[floor h + 1].
fn rank(n: usize, p: f64) -> (usize, f64) {
    let h = (n - 1) as f64 * p;
    let lo = h.floor();
    ((lo as usize).min(n - 1), h - lo)
}

/// Lanes of the running sums: independent accumulators the compiler can vectorise. The
/// order of additions is fixed by the values' order alone, so the sums are reproducible.
const LANES: usize = 8;

fn combine(acc: &[f64; LANES]) -> f64 {
    ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]))
}

/// Summarises `values` (in run order). None when empty.
///
/// Three passes over the values: (1) the sum, minimum and maximum; (2) the squared
/// deviations, and a count of the values in equal-width buckets between the minimum and the
/// maximum (an order-preserving map); (3) collecting the values of the few buckets that hold
/// a wanted rank, which are then selected exactly. No sort of the whole column.
pub fn summarize(values: &[f64]) -> Option<Stats> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    // Pass 1.
    let mut acc = [0.0; LANES];
    let mut lo = [f64::INFINITY; LANES];
    let mut hi = [f64::NEG_INFINITY; LANES];
    let mut chunks = values.chunks_exact(LANES);
    for c in &mut chunks {
        for l in 0..LANES {
            acc[l] += c[l];
            lo[l] = if c[l] < lo[l] { c[l] } else { lo[l] };
            hi[l] = if c[l] > hi[l] { c[l] } else { hi[l] };
        }
    }
    for (l, &v) in chunks.remainder().iter().enumerate() {
        acc[l] += v;
        lo[l] = if v < lo[l] { v } else { lo[l] };
        hi[l] = if v > hi[l] { v } else { hi[l] };
    }
    let mean = combine(&acc) / n as f64;
    let min = lo.iter().copied().fold(f64::INFINITY, f64::min);
    let max = hi.iter().copied().fold(f64::NEG_INFINITY, f64::max);

    // Every order statistic a percentile needs.
    let mut ranks: Vec<usize> = vec![0, n - 1];
    for p in PERCENTILES {
        let (r, frac) = rank(n, p);
        ranks.push(r);
        if frac > 0.0 && r + 1 < n {
            ranks.push(r + 1);
        }
    }
    ranks.sort_unstable();
    ranks.dedup();

    let finite = mean.is_finite() && min.is_finite() && max.is_finite();
    let buckets = (n / 4).clamp(16, 1 << 16);
    let scale = buckets as f64 / (max - min);
    let (squares, found) = if !finite || min == max || !scale.is_finite() {
        let mut sq = [0.0; LANES];
        for (i, &v) in values.iter().enumerate() {
            sq[i % LANES] += (v - mean) * (v - mean);
        }
        let mut sorted = values.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        (combine(&sq), ranks.iter().map(|&r| sorted[r]).collect())
    } else {
        // Pass 2. Rounding preserves order, so a bucket's values lie at or below the next's.
        let bucket = |v: f64| (((v - min) * scale) as usize).min(buckets - 1);
        let mut counts = vec![0u32; buckets];
        let mut sq = [0.0; LANES];
        let mut chunks = values.chunks_exact(LANES);
        for c in &mut chunks {
            for l in 0..LANES {
                sq[l] += (c[l] - mean) * (c[l] - mean);
            }
            for &v in c {
                counts[bucket(v)] += 1;
            }
        }
        for (l, &v) in chunks.remainder().iter().enumerate() {
            sq[l] += (v - mean) * (v - mean);
            counts[bucket(v)] += 1;
        }
        (
            combine(&sq),
            select_by_buckets(values, &ranks, &counts, bucket),
        )
    };
    let sd = if n > 1 {
        (squares / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let at = |r: usize| found[ranks.binary_search(&r).expect("rank requested")];
    let percentiles = PERCENTILES.map(|p| {
        let (r, frac) = rank(n, p);
        if frac > 0.0 && r + 1 < n {
            at(r) + frac * (at(r + 1) - at(r))
        } else {
            at(r)
        }
    });
    Some(Stats {
        n,
        mean,
        sd,
        min: at(0),
        percentiles,
        max: at(n - 1),
    })
}

/// Pass 3: the value of each rank, from the bucket counts.
fn select_by_buckets(
    values: &[f64],
    ranks: &[usize],
    counts: &[u32],
    bucket: impl Fn(f64) -> usize,
) -> Vec<f64> {
    // Which bucket holds each rank, and its rank within the bucket.
    let mut target: Vec<(usize, usize)> = Vec::with_capacity(ranks.len());
    let mut below = 0usize;
    let mut b = 0usize;
    for &r in ranks {
        while below + counts[b] as usize <= r {
            below += counts[b] as usize;
            b += 1;
        }
        target.push((b, r - below));
    }
    let mut wanted: Vec<usize> = target.iter().map(|&(b, _)| b).collect();
    wanted.dedup();
    let mut slot_of = vec![u8::MAX; counts.len()];
    for (i, &b) in wanted.iter().enumerate() {
        slot_of[b] = i as u8;
    }
    let mut collected: Vec<Vec<f64>> = wanted
        .iter()
        .map(|&b| Vec::with_capacity(counts[b] as usize))
        .collect();
    for &v in values {
        let s = slot_of[bucket(v)];
        if s != u8::MAX {
            collected[s as usize].push(v);
        }
    }
    target
        .iter()
        .map(|&(b, within)| {
            let i = wanted.binary_search(&b).expect("wanted bucket");
            *collected[i]
                .select_nth_unstable_by(within, f64::total_cmp)
                .1
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sorted_percentile(sorted: &[f64], p: f64) -> f64 {
        let (lo, frac) = rank(sorted.len(), p);
        if frac > 0.0 {
            sorted[lo] + frac * (sorted[lo + 1] - sorted[lo])
        } else {
            sorted[lo]
        }
    }

    #[test]
    fn type_7_on_a_small_example() {
        // R: quantile(c(1, 2, 3, 4, 10), c(.05, .1, .5, .9, .95)) = 1.2 1.4 3.0 7.6 8.8
        let v = vec![10.0, 3.0, 1.0, 4.0, 2.0];
        let s = summarize(&v).unwrap();
        let want = [1.2, 1.4, 3.0, 7.6, 8.8];
        for (got, want) in s.percentiles.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!((s.min, s.max, s.mean), (1.0, 10.0, 4.0));
        assert!((s.sd - 12.5_f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn one_value() {
        let s = summarize(&[7.0]).unwrap();
        assert_eq!(s.percentiles, [7.0; 5]);
        assert_eq!(s.sd, 0.0);
        assert!(summarize(&[]).is_none());
    }

    #[test]
    fn ties_and_clusters() {
        // Mostly one value with a few outliers: one bucket holds nearly everything.
        let mut v = vec![5.0; 10_000];
        v[17] = -1e300;
        v[9000] = 1e300;
        v[5000] = 5.000000000000001;
        let s = summarize(&v).unwrap();
        assert_eq!((s.min, s.max), (-1e300, 1e300));
        assert_eq!(s.percentiles, [5.0; 5]);
        let mut w: Vec<f64> = (0..1000).map(|i| f64::from(i % 3)).collect();
        w.push(f64::INFINITY);
        let s = summarize(&w).unwrap();
        assert_eq!((s.min, s.max, s.percentiles[2]), (0.0, f64::INFINITY, 1.0));
    }

    proptest! {
        #[test]
        fn selection_equals_a_full_sort_with_ties(v in proptest::collection::vec(0u8..20, 1..3000)) {
            let v: Vec<f64> = v.into_iter().map(|x| f64::from(x) * 0.1).collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let s = summarize(&v).unwrap();
            for (i, p) in PERCENTILES.iter().enumerate() {
                prop_assert_eq!(s.percentiles[i], sorted_percentile(&sorted, *p));
            }
        }

        #[test]
        fn selection_equals_a_full_sort(v in proptest::collection::vec(-1e6f64..1e6, 1..400)) {
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let s = summarize(&v).unwrap();
            prop_assert_eq!(s.min, sorted[0]);
            prop_assert_eq!(s.max, sorted[sorted.len() - 1]);
            for (i, p) in PERCENTILES.iter().enumerate() {
                prop_assert_eq!(s.percentiles[i], sorted_percentile(&sorted, *p));
            }
        }
    }
}
