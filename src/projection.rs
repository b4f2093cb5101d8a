//! A month-by-month projection of each reported area's waiting list at each step of care:
//! the model's annual demand as weekly referrals (with seasonality and growth), the capacity
//! of the staff in post, and the queue of `queue.rs` run week by week and summed into
//! calendar months.
//!
//! Capacity: a WTE in post starts `episodes / required WTE` episodes a year, the model's own
//! figure after DNAs and headroom, so staff in post equal to the requirement start exactly
//! the referrals of a steady year. Staff in post are the current workforce file's effective
//! WTE per step, or (without one) the required WTE: the reference line.

use crate::model::ModelResult;
use crate::queue::{steady, Queue};

/// Weeks in a year, for spreading annual figures over weeks.
const WEEKS_A_YEAR: f64 = 52.0;

/// What a projection needs besides the model's result.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionSettings {
    /// The first month: (year, month 1-12).
    pub start: (i32, u32),
    pub months: u32,
    /// Referrals in each calendar month relative to the average month (12 values, mean 1).
    pub seasonality: [f64; 12],
    /// Annual growth of referrals, compounded weekly.
    pub growth_rate: f64,
    /// Share of the list leaving untreated each month.
    pub leave_rate_per_month: f64,
    /// The waiting list at the start, per step (people), spread evenly over the weeks waited
    /// `0..backlog_weeks`.
    pub backlog: Vec<f64>,
    pub backlog_weeks: usize,
    /// Standards in weeks (6 and 18 for NHS Talking Therapies).
    pub standards_weeks: Vec<usize>,
    /// Solve mode: the month (0 is the first) from which every standard must be met and held
    /// to the horizon; the projection then also finds the smallest constant WTE in post per
    /// area and step that does it.
    pub solve_from_month: Option<usize>,
}

/// One area, step and month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthRow {
    pub area_code: String,
    pub area_name: String,
    pub level: String,
    pub step: String,
    /// "YYYY-MM".
    pub month: String,
    pub referrals: f64,
    pub starts: f64,
    pub leavers: f64,
    pub waiting_list: f64,
    /// Share of the month's starts that waited under each standard (None with no starts).
    pub within: Vec<Option<f64>>,
    /// The median and 95th-percentile whole weeks waited by the month's starts.
    pub median_wait_weeks: Option<f64>,
    pub p95_wait_weeks: Option<f64>,
    pub wte_in_post: f64,
    pub wte_required: f64,
}

/// The steady-state checks of one area and step (NHSRwaitinglist's), per week.
#[derive(Debug, Clone, PartialEq)]
pub struct SteadyRow {
    pub area_code: String,
    pub step: String,
    pub demand_per_week: f64,
    pub capacity_per_week: f64,
    pub queue_load: f64,
    /// For each standard: the queue size that meets it, and the capacity that holds it.
    pub target_queue: Vec<f64>,
    pub target_capacity: Vec<f64>,
    /// The first month in which each standard's share (75% within 6 weeks, 95% within 18,
    /// or the given shares) was met, if within the horizon.
    pub first_met: Vec<Option<String>>,
}

/// The whole projection.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub standards_weeks: Vec<usize>,
    pub months: Vec<MonthRow>,
    pub steady: Vec<SteadyRow>,
    /// Solve mode's answers, one per area and step (empty without solve mode).
    pub solved: Vec<SolveRow>,
}

/// The smallest constant WTE in post that meets every standard from a month to the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveRow {
    pub area_code: String,
    pub step: String,
    /// The month from which the standards are met.
    pub from_month: String,
    pub wte_in_post: f64,
    pub wte_required: f64,
    /// None: no capacity meets them by then (people already on the list will have waited
    /// longer than a standard when they start).
    pub wte_to_meet: Option<f64>,
}

/// Days in a month of a year (Gregorian).
fn days_in(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn month_label(year: i32, month: u32) -> String {
    format!("{year:04}-{month:02}")
}

/// The weeks of each month: week i starts on day 7 i of the projection, and belongs to the
/// month its first day falls in.
fn weeks_per_month(start: (i32, u32), months: u32) -> Vec<(String, u32, usize)> {
    let (mut y, mut m) = start;
    let mut out = Vec::new();
    let mut day0 = 0u32; // days from the projection's start to this month's first day
    let mut week = 0u32;
    for _ in 0..months {
        let end = day0 + days_in(y, m);
        let mut n = 0;
        while week * 7 < end {
            n += 1;
            week += 1;
        }
        out.push((month_label(y, m), m, n));
        day0 = end;
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    out
}

/// The `q` quantile (0..1) of whole weeks waited, from starts by weeks waited.
fn quantile(by_wait: &[f64], q: f64) -> Option<f64> {
    let total: f64 = by_wait.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut acc = 0.0;
    for (k, n) in by_wait.iter().enumerate() {
        acc += n;
        if acc >= q * total - 1e-9 {
            return Some(k as f64);
        }
    }
    Some(by_wait.len().saturating_sub(1) as f64)
}

/// The shares of starts each standard asks for: 75% within 6 weeks, 95% within 18 (NHS
/// Talking Therapies); any other standard, 75%.
pub fn standard_share(weeks: usize) -> f64 {
    match weeks {
        18 => 0.95,
        _ => 0.75,
    }
}

/// One area and step: its weekly demand and what a WTE in post starts a week.
struct Lane<'a> {
    area: &'a crate::model::AreaResult,
    step: usize,
    id: &'a str,
    base_demand_per_week: f64,
    episodes_per_wte_week: f64,
    in_post: f64,
    required: f64,
}

/// The calendar and rates shared by every lane.
struct Plan<'a> {
    s: &'a ProjectionSettings,
    calendar: Vec<(String, u32, usize)>,
    leave_per_week: f64,
    weekly_growth: f64,
}

/// Runs one lane month by month with `in_post` WTE: its rows and the first month each
/// standard is met.
fn simulate(plan: &Plan, lane: &Lane, in_post: f64) -> (Vec<MonthRow>, Vec<Option<String>>) {
    let s = plan.s;
    let r = lane.area;
    let capacity = in_post * lane.episodes_per_wte_week;
    let backlog = s.backlog.get(lane.step).copied().unwrap_or(0.0);
    let spread = s.backlog_weeks.max(1);
    let mut queue = Queue::new(&vec![backlog / spread as f64; spread]);
    let mut week = 0i32;
    let mut first_met: Vec<Option<String>> = vec![None; s.standards_weeks.len()];
    let mut months = Vec::with_capacity(plan.calendar.len());
    for (label, month, n) in &plan.calendar {
        let mut row = MonthRow {
            area_code: r.code.clone(),
            area_name: r.name.clone(),
            level: r.level.clone(),
            step: lane.id.to_string(),
            month: label.clone(),
            referrals: 0.0,
            starts: 0.0,
            leavers: 0.0,
            waiting_list: 0.0,
            within: Vec::new(),
            median_wait_weeks: None,
            p95_wait_weeks: None,
            wte_in_post: in_post,
            wte_required: lane.required,
        };
        let mut by_wait: Vec<f64> = Vec::new();
        for _ in 0..*n {
            let demand = lane.base_demand_per_week
                * s.seasonality[(*month - 1) as usize]
                * plan.weekly_growth.powi(week);
            let w = queue.step(demand, capacity, plan.leave_per_week);
            row.referrals += w.referrals;
            row.starts += w.starts;
            row.leavers += w.leavers;
            if by_wait.len() < w.starts_by_wait.len() {
                by_wait.resize(w.starts_by_wait.len(), 0.0);
            }
            for (a, b) in by_wait.iter_mut().zip(&w.starts_by_wait) {
                *a += b;
            }
            week += 1;
        }
        // Adding 0 turns the -0.0 a list emptied to the last cohort can sum to into 0.
        row.waiting_list = queue.size() + 0.0;
        row.within = s
            .standards_weeks
            .iter()
            .map(|&k| (row.starts > 0.0).then(|| by_wait.iter().take(k).sum::<f64>() / row.starts))
            .collect();
        row.median_wait_weeks = quantile(&by_wait, 0.5);
        row.p95_wait_weeks = quantile(&by_wait, 0.95);
        for (i, &k) in s.standards_weeks.iter().enumerate() {
            let met = row.within[i].is_some_and(|x| x >= standard_share(k) - 1e-12);
            if met && first_met[i].is_none() {
                first_met[i] = Some(label.clone());
            }
        }
        months.push(row);
    }
    (months, first_met)
}

/// Every standard is met in every month from `from` to the horizon. A month with no starts
/// meets them only when nobody is waiting.
fn holds(rows: &[MonthRow], standards: &[usize], from: usize) -> bool {
    rows.iter().skip(from).all(|m| {
        standards
            .iter()
            .enumerate()
            .all(|(i, &k)| match m.within[i] {
                Some(x) => x >= standard_share(k) - 1e-12,
                None => m.waiting_list <= 1e-9,
            })
    })
}

/// The smallest constant WTE in post that holds every standard from month `from`, by
/// bisection on the projection itself (waits only shorten as capacity grows). None when even
/// a thousand times the requirement does not: the list's own waits rule it out.
fn solve(plan: &Plan, lane: &Lane, from: usize) -> Option<f64> {
    let standards = &plan.s.standards_weeks;
    let ok = |wte: f64| holds(&simulate(plan, lane, wte).0, standards, from);
    if ok(0.0) {
        return Some(0.0);
    }
    let mut hi = lane.required.max(lane.in_post).max(0.1);
    let ceiling = 1000.0 * hi;
    while !ok(hi) {
        hi *= 2.0;
        if hi > ceiling {
            return None;
        }
    }
    let mut lo = 0.0;
    // To a hundredth of a WTE, or 1e-6 of the answer for very large areas.
    while hi - lo > (0.005f64).max(hi * 1e-6) {
        let mid = 0.5 * (lo + hi);
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// Runs the projection for every reported area and step of a model result (the lanes in
/// parallel, collected in order, so the result does not depend on the thread count).
pub fn project(result: &ModelResult, s: &ProjectionSettings) -> Projection {
    use rayon::prelude::*;
    let plan = Plan {
        s,
        calendar: weeks_per_month(s.start, s.months),
        leave_per_week: 1.0 - (1.0 - s.leave_rate_per_month).powf(12.0 / WEEKS_A_YEAR),
        weekly_growth: (1.0 + s.growth_rate).powf(1.0 / WEEKS_A_YEAR),
    };
    let mut lanes = Vec::new();
    for r in &result.rows {
        for (st, (id, _)) in result.steps.iter().enumerate() {
            let episodes = r.flow.episodes(st);
            let required = r.flow.step_wte(st);
            // Episodes one WTE starts a year, as delivered (after DNAs and headroom).
            let per_wte = if required > 0.0 {
                episodes / required
            } else {
                0.0
            };
            lanes.push(Lane {
                area: r,
                step: st,
                id,
                base_demand_per_week: episodes / WEEKS_A_YEAR,
                episodes_per_wte_week: per_wte / WEEKS_A_YEAR,
                in_post: if result.has_workforce {
                    r.current[st]
                } else {
                    required
                },
                required,
            });
        }
    }
    let done: Vec<(Vec<MonthRow>, SteadyRow, Option<SolveRow>)> = lanes
        .par_iter()
        .map(|lane| {
            let (rows, first_met) = simulate(&plan, lane, lane.in_post);
            let demand = lane.base_demand_per_week;
            let capacity = lane.in_post * lane.episodes_per_wte_week;
            let steady_row = SteadyRow {
                area_code: lane.area.code.clone(),
                step: lane.id.to_string(),
                demand_per_week: demand,
                capacity_per_week: capacity,
                queue_load: if capacity > 0.0 {
                    steady::queue_load(demand, capacity)
                } else {
                    f64::INFINITY
                },
                target_queue: s
                    .standards_weeks
                    .iter()
                    .map(|&k| steady::target_queue_size(demand, k as f64))
                    .collect(),
                target_capacity: s
                    .standards_weeks
                    .iter()
                    .map(|&k| steady::target_capacity(demand, k as f64, 1.0, 1.0))
                    .collect(),
                first_met,
            };
            let solved = s.solve_from_month.map(|from| SolveRow {
                area_code: lane.area.code.clone(),
                step: lane.id.to_string(),
                from_month: plan
                    .calendar
                    .get(from)
                    .map_or_else(String::new, |c| c.0.clone()),
                wte_in_post: lane.in_post,
                wte_required: lane.required,
                wte_to_meet: solve(&plan, lane, from),
            });
            (rows, steady_row, solved)
        })
        .collect();
    let mut p = Projection {
        standards_weeks: s.standards_weeks.clone(),
        months: Vec::new(),
        steady: Vec::new(),
        solved: Vec::new(),
    };
    for (rows, steady_row, solved) in done {
        p.months.extend(rows);
        p.steady.push(steady_row);
        p.solved.extend(solved);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_fall_in_the_month_of_their_first_day() {
        // April 2026 has 30 days: weeks starting on days 0, 7, 14, 21, 28 (5 weeks); May
        // (days 30-60): 35, 42, 49, 56 (4 weeks).
        let w = weeks_per_month((2026, 4), 3);
        assert_eq!(w[0], ("2026-04".to_string(), 4, 5));
        assert_eq!(w[1], ("2026-05".to_string(), 5, 4));
        let total: usize = weeks_per_month((2026, 1), 120).iter().map(|x| x.2).sum();
        // Ten years of 3,652 days hold 522 weeks that start in them.
        assert_eq!(total, 522);
        assert_eq!(days_in(2028, 2), 29);
        assert_eq!(days_in(2100, 2), 28);
    }

    #[test]
    fn quantiles_of_whole_weeks_waited() {
        assert_eq!(quantile(&[5.0, 3.0, 2.0], 0.5), Some(0.0));
        assert_eq!(quantile(&[4.0, 4.0, 2.0], 0.5), Some(1.0));
        assert_eq!(quantile(&[4.0, 4.0, 2.0], 0.95), Some(2.0));
        assert_eq!(quantile(&[0.0, 0.0], 0.5), None);
    }
}
