//! Issue 5, part 4: how many trainees to start each year to reach the required WTE.
//!
//! A cohort that starts training at the start of year j joins the qualified stock at time
//! j + T, of which a share c completes; the stock decays by (1 - t) a year. With current
//! effective WTE C0, required R and a constant yearly intake I over Y years, the stock at Y is
//!
//!   C0 (1 - t)^Y + I c S,   S = Σ_{m=0}^{Y-T} (1 - t)^m
//!
//! so the intake needed is I = max(0, (R - C0 (1 - t)^Y) / (c S)), and the intake that then
//! holds R steady is R t / c. Trainees are not counted in the stock while they train (their
//! supervised clinical work is the current workforce's `capacity_factor`).

use serde::Serialize;

use crate::scenario::PipelineSettings;

use super::steps::PerStep;

/// The pipeline of one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PipelineParams {
    /// Y, whole years (>= T).
    pub years: u32,
    /// t, annual turnover in [0, 1).
    pub turnover: f64,
    /// T, whole years of training.
    pub training_years: u32,
    /// c, share of trainees who complete.
    pub completion_rate: f64,
}

impl PipelineParams {
    /// The validated scenario's years are whole; a fraction is dropped.
    pub fn of(p: &PipelineSettings, turnover: f64) -> PipelineParams {
        PipelineParams {
            years: p.years.max(0.0) as u32,
            turnover,
            training_years: p.training_years.max(0.0) as u32,
            completion_rate: p.completion_rate,
        }
    }
}

/// S = Σ_{m=0}^{Y-T} (1 - t)^m: the share of one yearly cohort's completers, summed over the
/// cohorts that qualify by year Y, still in post at Y. Zero when Y < T.
pub fn retained_cohorts(p: &PipelineParams) -> f64 {
    if p.years < p.training_years {
        return 0.0;
    }
    (0..=p.years - p.training_years)
        .map(|m| (1.0 - p.turnover).powi(m as i32))
        .sum()
}

/// The qualified stock at year Y from current effective WTE C0 and a yearly intake I:
/// C0 (1 - t)^Y + I c S.
pub fn stock_at_horizon(current: f64, intake: f64, p: &PipelineParams) -> f64 {
    current * (1.0 - p.turnover).powi(p.years as i32)
        + intake * p.completion_rate * retained_cohorts(p)
}

/// The parts of the intake that depend on the pipeline's settings alone: the retained
/// cohorts S and the decay (1 - t)^Y. A sweep works them out once per run's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntakeFactors {
    pub retained: f64,
    pub decay: f64,
}

impl IntakeFactors {
    pub fn of(p: &PipelineParams) -> IntakeFactors {
        IntakeFactors {
            retained: retained_cohorts(p),
            decay: (1.0 - p.turnover).powi(p.years as i32),
        }
    }
}

/// I = max(0, (R - C0 (1 - t)^Y) / (c S)): trainees to start each year for Y years.
pub fn intake(required: f64, current: f64, p: &PipelineParams) -> f64 {
    intake_with(required, current, p, &IntakeFactors::of(p))
}

/// `intake` with S and (1 - t)^Y already worked out.
#[inline]
pub fn intake_with(required: f64, current: f64, p: &PipelineParams, f: &IntakeFactors) -> f64 {
    if f.retained <= 0.0 || p.completion_rate <= 0.0 {
        return 0.0;
    }
    let short = required - current * f.decay;
    (short / (p.completion_rate * f.retained)).max(0.0)
}

/// R t / c: trainees to start each year to replace leavers once R is reached.
pub fn steady_intake(required: f64, p: &PipelineParams) -> f64 {
    if p.completion_rate <= 0.0 {
        return 0.0;
    }
    required * p.turnover / p.completion_rate
}

/// Trainee intakes of one step, in trainee WTE a year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Intake {
    /// Yearly intake for `years` years to close the gap.
    pub intake: f64,
    /// Yearly intake that then holds the requirement.
    pub steady: f64,
}

/// The intakes of each step, from its required and current WTE and its turnover.
pub fn intakes(
    required: &PerStep<f64>,
    current: &PerStep<f64>,
    turnover: &PerStep<f64>,
    settings: &PipelineSettings,
) -> PerStep<Intake> {
    PerStep::from_fn(required.len(), |i| {
        let p = PipelineParams::of(settings, turnover[i]);
        Intake {
            intake: intake(required[i], current[i], &p),
            steady: steady_intake(required[i], &p),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(years: u32, turnover: f64, training_years: u32, c: f64) -> PipelineParams {
        PipelineParams {
            years,
            turnover,
            training_years,
            completion_rate: c,
        }
    }

    /// Worked year by year. R = 100 WTE required, C0 = 50 in post, turnover t = 0.2,
    /// Y = 3 years, T = 1 year of training, completion c = 0.9, intake I a year.
    ///
    ///   time 0: stock 50; cohort 0 starts
    ///   time 1: 50 x 0.8 = 40, + cohort 0 joins: 0.9 I          -> 40 + 0.9 I; cohort 1 starts
    ///   time 2: (40 + 0.9 I) x 0.8 = 32 + 0.72 I, + 0.9 I        -> 32 + 1.62 I; cohort 2 starts
    ///   time 3: (32 + 1.62 I) x 0.8 = 25.6 + 1.296 I, + 0.9 I    -> 25.6 + 2.196 I
    ///
    /// 25.6 + 2.196 I = 100 gives I = 74.4 / 2.196 = 33.8798 trainees a year. The closed form:
    /// C0 (1-t)^Y = 50 x 0.512 = 25.6; S = 1 + 0.8 + 0.64 = 2.44; c S = 2.196. The steady
    /// intake then is R t / c = 100 x 0.2 / 0.9 = 22.22 a year.
    #[test]
    fn pipeline_worked_example() {
        let p = params(3, 0.2, 1, 0.9);
        assert!((retained_cohorts(&p) - 2.44).abs() < 1e-12);
        let i = intake(100.0, 50.0, &p);
        assert!((i - 74.4 / 2.196).abs() < 1e-9, "{i}");
        assert!((i - 33.879_781).abs() < 1e-6);
        // The simulation above, year by year, lands on R.
        let mut stock = 50.0;
        for _year in 1..=3 {
            // Leavers go, then the cohort that started a year (T) earlier joins.
            stock = stock * 0.8 + 0.9 * i;
        }
        assert!((stock - 100.0).abs() < 1e-9, "{stock}");
        assert!((stock_at_horizon(50.0, i, &p) - 100.0).abs() < 1e-9);
        assert!((steady_intake(100.0, &p) - 22.222_222).abs() < 1e-6);
    }

    #[test]
    fn no_intake_when_current_staff_suffice() {
        let p = params(3, 0.1, 1, 0.9);
        // 200 x 0.9^3 = 145.8 >= 100.
        assert_eq!(intake(100.0, 200.0, &p), 0.0);
        assert!(steady_intake(100.0, &p) > 0.0);
    }

    #[test]
    fn longer_training_leaves_fewer_cohorts() {
        // Y = 3, T = 2: cohorts starting at 0 and 1 qualify by 3; S = 1 + (1 - t).
        let p = params(3, 0.2, 2, 1.0);
        assert!((retained_cohorts(&p) - 1.8).abs() < 1e-12);
        // Y = T: one cohort, S = 1.
        assert_eq!(retained_cohorts(&params(1, 0.2, 1, 1.0)), 1.0);
        assert_eq!(retained_cohorts(&params(1, 0.2, 2, 1.0)), 0.0);
    }
}
