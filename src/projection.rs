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
    /// Referrals a service counted (`--referrals`): they replace the modelled demand of their
    /// area, step or pathway and month.
    pub referrals: Vec<CountedReferrals>,
}

/// One row of a counted-referrals file: an area's referrals in a month, to one step (its new
/// episodes) or to a pathway (spread over its steps by the model's episodes per referral).
#[derive(Debug, Clone, PartialEq)]
pub struct CountedReferrals {
    pub area_code: String,
    /// Months from the projection's start.
    pub month: usize,
    pub to: ReferralsTo,
    pub referrals: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReferralsTo {
    Step(usize),
    /// A pathway by name (`main` for the stepped care of common mental health problems).
    Pathway(String),
}

/// Reads a counted-referrals CSV (`area_code,month,step,referrals`; `step` is a step id or a
/// pathway id). Errors name the file and line: a month not YYYY-MM or outside the projection,
/// an area not in the run, a step or pathway the scenario has not, a count that is not a
/// finite number of 0 or more, and a second row for the same area, month and step.
pub fn parse_referrals(
    source: &str,
    text: &str,
    result: &ModelResult,
    start: (i32, u32),
    months: u32,
) -> Result<Vec<CountedReferrals>, crate::InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| crate::InputError::one(format!("{source}: cannot read the CSV header: {e}")))?
        .clone();
    const COLUMNS: [&str; 4] = ["area_code", "month", "step", "referrals"];
    let at: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|c| headers.iter().position(|h| h.eq_ignore_ascii_case(c)))
        .collect();
    if at.iter().any(Option::is_none) {
        return Err(crate::InputError::one(format!(
            "{source}:1: expected the columns {}",
            COLUMNS.join(", ")
        )));
    }
    let at: Vec<usize> = at.into_iter().flatten().collect();
    let steps: Vec<&str> = result.steps.iter().map(|(id, _)| id.as_str()).collect();
    let mut pathways: Vec<&str> = result.step_pathways.iter().map(String::as_str).collect();
    pathways.dedup();
    let mut problems = crate::problems::Problems::new();
    let mut out: Vec<CountedReferrals> = Vec::new();
    let mut seen: std::collections::HashMap<(String, usize, String), u64> =
        std::collections::HashMap::new();
    for (n, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(n as u64 + 2, |p| p.line());
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{source}:{line}: malformed CSV row: {e}"));
                continue;
            }
        };
        let get = |i: usize| record.get(at[i]).unwrap_or("").to_string();
        let (area, month_text, to_text, count_text) = (get(0), get(1), get(2), get(3));
        if !result.rows.iter().any(|r| r.code == area) {
            problems.push(format!(
                "{source}:{line}: area_code '{area}' is not an area of this run; its areas are reported by ONS code (see capacity areas)"
            ));
            continue;
        }
        let month = parse_month(&month_text).and_then(|(y, m)| {
            let k = (i64::from(y) - i64::from(start.0)) * 12 + i64::from(m) - i64::from(start.1);
            (0..i64::from(months)).contains(&k).then_some(k as usize)
        });
        let Some(month) = month else {
            problems.push(format!(
                "{source}:{line}: month '{month_text}' is not a month YYYY-MM of the projection ({months} months from {:04}-{:02})",
                start.0, start.1
            ));
            continue;
        };
        let to = if let Some(i) = steps.iter().position(|s| *s == to_text) {
            ReferralsTo::Step(i)
        } else if pathways.contains(&to_text.as_str()) {
            ReferralsTo::Pathway(to_text.clone())
        } else {
            problems.push(format!(
                "{source}:{line}: step '{to_text}' is neither a step ({}) nor a pathway ({})",
                steps.join(", "),
                pathways.join(", ")
            ));
            continue;
        };
        let referrals = match count_text.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => x,
            _ => {
                problems.push(format!(
                    "{source}:{line}: referrals = '{count_text}': expected a number of people, 0 or more"
                ));
                continue;
            }
        };
        if let Some(first) = seen.insert((area.clone(), month, to_text.clone()), line) {
            problems.push(format!(
                "{source}:{line}: {area} {month_text} {to_text} is already on line {first}; one row per area, month and step"
            ));
            continue;
        }
        // A step's own row and its pathway's row for one month would count people twice.
        let pathway_of = |to: &ReferralsTo| match to {
            ReferralsTo::Step(i) => result.step_pathways[*i].clone(),
            ReferralsTo::Pathway(p) => p.clone(),
        };
        if let Some(other) = out.iter().find(|c| {
            c.area_code == area
                && c.month == month
                && (c.to != to)
                && pathway_of(&c.to) == pathway_of(&to)
                && (matches!(c.to, ReferralsTo::Pathway(_))
                    || matches!(to, ReferralsTo::Pathway(_)))
        }) {
            let other = match &other.to {
                ReferralsTo::Step(i) => steps[*i].to_string(),
                ReferralsTo::Pathway(p) => p.clone(),
            };
            problems.push(format!(
                "{source}:{line}: {area} {month_text} has rows for both {to_text} and {other}, which would count its referrals twice; give the pathway's or its steps'"
            ));
            continue;
        }
        out.push(CountedReferrals {
            area_code: area,
            month,
            to,
            referrals,
        });
    }
    problems.finish(out)
}

/// YYYY-MM as (year, month).
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (y, m) = text.split_once('-')?;
    let year: i32 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    (y.len() == 4 && m.len() == 2 && (1..=12).contains(&month) && (1900..=9999).contains(&year))
        .then_some((year, month))
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
    /// New episodes counted in each month, where a referrals file gives them.
    counted: Vec<Option<f64>>,
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
        let counted = lane.counted.get(months.len()).copied().flatten();
        for _ in 0..*n {
            // A counted month's referrals arrive evenly over its weeks.
            let demand = match counted {
                Some(c) => c / *n as f64,
                None => {
                    lane.base_demand_per_week
                        * s.seasonality[(*month - 1) as usize]
                        * plan.weekly_growth.powi(week)
                }
            };
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

/// The new episodes of one area and step counted in each month: a step's own rows, plus its
/// share of its pathway's rows (the model's episodes of the step per referral to the pathway).
fn counted_episodes(
    result: &ModelResult,
    area: &crate::model::AreaResult,
    step: usize,
    s: &ProjectionSettings,
) -> Vec<Option<f64>> {
    let mut out: Vec<Option<f64>> = vec![None; s.months as usize];
    let pathway = &result.step_pathways[step];
    let referred_to_pathway: f64 = area
        .by_disorder
        .iter()
        .zip(&result.disorder_pathways)
        .filter(|(_, p)| *p == pathway)
        .map(|(f, _)| f.referred())
        .sum();
    let per_referral = if referred_to_pathway > 0.0 {
        area.flow.episodes(step) / referred_to_pathway
    } else {
        0.0
    };
    for c in s.referrals.iter().filter(|c| c.area_code == area.code) {
        let episodes = match &c.to {
            ReferralsTo::Step(i) if *i == step => c.referrals,
            ReferralsTo::Pathway(p) if p == pathway => c.referrals * per_referral,
            _ => continue,
        };
        if let Some(slot) = out.get_mut(c.month) {
            *slot = Some(slot.unwrap_or(0.0) + episodes);
        }
    }
    out
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
                counted: counted_episodes(result, r, st, s),
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
