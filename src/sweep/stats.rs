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

/// Summarises `values` (in run order), reordering them in place. None when empty.
pub fn summarize(values: &mut [f64]) -> Option<Stats> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mut sum = 0.0;
    for &v in values.iter() {
        sum += v;
    }
    let mean = sum / n as f64;
    let mut squares = 0.0;
    for &v in values.iter() {
        let d = v - mean;
        squares += d * d;
    }
    let sd = if n > 1 {
        (squares / (n - 1) as f64).sqrt()
    } else {
        0.0
    };

    // Every order statistic a percentile needs, found by selection rather than a full sort.
    let mut ranks: Vec<usize> = vec![0, n - 1];
    for p in PERCENTILES {
        let (lo, frac) = rank(n, p);
        ranks.push(lo);
        if frac > 0.0 && lo + 1 < n {
            ranks.push(lo + 1);
        }
    }
    ranks.sort_unstable();
    ranks.dedup();
    select_ranks(values, &ranks, 0);
    let at = |r: usize| values[r];
    let percentiles = PERCENTILES.map(|p| {
        let (lo, frac) = rank(n, p);
        if frac > 0.0 && lo + 1 < n {
            at(lo) + frac * (at(lo + 1) - at(lo))
        } else {
            at(lo)
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

/// Puts the order statistic of every rank in `ranks` (sorted, relative to the whole column;
/// `offset` is where `values` starts in it) at its place, like a partial sort.
fn select_ranks(values: &mut [f64], ranks: &[usize], offset: usize) {
    let n = values.len();
    if ranks.is_empty() || n == 0 {
        return;
    }
    let first = ranks[0] - offset;
    let last = ranks[ranks.len() - 1] - offset;
    // The smallest or largest of a part is one scan, cheaper than a selection.
    if first == 0 {
        let i = min_index(values);
        values.swap(0, i);
        return select_ranks(&mut values[1..], &ranks[1..], offset + 1);
    }
    if last == n - 1 {
        let i = max_index(values);
        values.swap(n - 1, i);
        return select_ranks(&mut values[..n - 1], &ranks[..ranks.len() - 1], offset);
    }
    let mid = ranks.len() / 2;
    let k = ranks[mid] - offset;
    values.select_nth_unstable_by(k, f64::total_cmp);
    let (left, right) = values.split_at_mut(k);
    select_ranks(left, &ranks[..mid], offset);
    select_ranks(&mut right[1..], &ranks[mid + 1..], offset + k + 1);
}

fn min_index(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate().skip(1) {
        if v.total_cmp(&values[best]).is_lt() {
            best = i;
        }
    }
    best
}

fn max_index(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate().skip(1) {
        if v.total_cmp(&values[best]).is_gt() {
            best = i;
        }
    }
    best
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
        let mut v = vec![10.0, 3.0, 1.0, 4.0, 2.0];
        let s = summarize(&mut v).unwrap();
        let want = [1.2, 1.4, 3.0, 7.6, 8.8];
        for (got, want) in s.percentiles.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!((s.min, s.max, s.mean), (1.0, 10.0, 4.0));
        assert!((s.sd - 12.5_f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn one_value() {
        let s = summarize(&mut [7.0]).unwrap();
        assert_eq!(s.percentiles, [7.0; 5]);
        assert_eq!(s.sd, 0.0);
        assert!(summarize(&mut []).is_none());
    }

    proptest! {
        #[test]
        fn selection_equals_a_full_sort(v in proptest::collection::vec(-1e6f64..1e6, 1..400)) {
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let mut work = v.clone();
            let s = summarize(&mut work).unwrap();
            prop_assert_eq!(s.min, sorted[0]);
            prop_assert_eq!(s.max, sorted[sorted.len() - 1]);
            for (i, p) in PERCENTILES.iter().enumerate() {
                prop_assert_eq!(s.percentiles[i], sorted_percentile(&sorted, *p));
            }
        }
    }
}
