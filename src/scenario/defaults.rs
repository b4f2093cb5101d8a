//! The reference defaults of MODEL.md section 7 (the Outline Business Case), in one place.

pub const AGE_MIN: u32 = 16;
/// Exclusive: people aged 16 to 74.
pub const AGE_MAX: u32 = 75;
pub const PRESENTATION_RATE: f64 = 0.50;
pub const DETECTION_RATE: f64 = 0.50;
pub const DEPRIVATION_FACTOR: f64 = 1.0;
pub const REFERRAL_WEIGHT: f64 = 1.0;
pub const MEDICATION_ONLY: f64 = 0.0;
pub const STEP2_ENTRY: f64 = 1.0;
pub const STEP_UP: f64 = 0.10;
pub const LOW_CONTACTS_PER_EPISODE: f64 = 7.0;
pub const LOW_CONTACTS_PER_DAY: f64 = 16.0;
pub const LOW_CASELOAD: f64 = 0.70;
pub const HIGH_CONTACTS_PER_EPISODE: f64 = 12.0;
pub const HIGH_CONTACTS_PER_DAY: f64 = 7.0;
pub const HIGH_CASELOAD: f64 = 0.55;
/// An assumption, not in the seeds: 44 weeks of 5 days, the year behind Richards' 2,112
/// contacts a year.
pub const WORKING_DAYS: f64 = 220.0;
pub const DNA_RATE: f64 = 0.0;
pub const HEADROOM: f64 = 0.0;

/// The FAQ's NPMSdep index moves prevalence by up to 40% either way.
pub const DEPRIVATION_PLAUSIBLE: (f64, f64) = (0.6, 1.4);

// Workforce detail (issue 5). Each default says where it comes from; ASSUMPTION marks those
// that no source gives.

/// Skill mix of low intensity WTE: (role, band, share). ASSUMPTION (issue 5): 85% PWPs at
/// band 5 and 15% senior PWPs at band 6; seed 002 section 4.8 puts step 2 at bands 4-6.
pub const LOW_ROLES: [(&str, &str, f64); 2] = [("PWP", "5", 0.85), ("Senior PWP", "6", 0.15)];
/// Skill mix of high intensity WTE. ASSUMPTION (issue 5): 85% high intensity therapists at
/// band 7 and 15% senior therapists at band 8a; seed 002 section 4.8 puts step 3 at bands 6-8,
/// seed 000 asks for therapy from band 7+ staff.
pub const HIGH_ROLES: [(&str, &str, f64); 2] =
    [("HIT", "7", 0.85), ("Senior therapist", "8a", 0.15)];

/// Employer on-costs as a fraction of salary: NHS Pension Scheme employer contribution 23.7%
/// of pensionable pay plus the 0.08% administration levy from 1 April 2024 (NHS Employers,
/// "NHS Pension Scheme - employer contributions from April 2024"; 14.38% paid by the employer,
/// 9.4% centrally), plus employer National Insurance 2024/25, 13.8% of pay above the £9,100
/// secondary threshold (gov.uk), which is 10.6% of the band 6 mid point (£39,405):
/// 0.2378 + 0.1061 = 0.344. The NI share is 9.6% at band 5 entry and 11.6% at band 8a mid;
/// override `costs.on_cost_rate` for a different mix. See docs/costs.md.
pub const ON_COST_RATE: f64 = 0.344;

/// Supervision hours a week each low intensity WTE needs: 1 hour of case management a week
/// plus 1 hour of clinical skills supervision a fortnight (issue 5, after the IAPT supervision
/// guidance) = 1.5.
pub const SUPERVISION_LOW_HOURS: f64 = 1.5;
/// High intensity: 1 hour a week (issue 5, after the IAPT supervision guidance).
pub const SUPERVISION_HIGH_HOURS: f64 = 1.0;
/// Supervision hours a week one supervisor WTE provides. ASSUMPTION: 15, two days of a
/// 37.5-hour week (no source gives a figure). It is chosen so that the defaults agree with
/// each other: the default 15% senior share then gives 0.15 x 15 = 2.25 hours a week per WTE
/// of a step, above the 1.5 (low) and 1 (high) the defaults ask, so that "not covered" speaks
/// of a scenario's own choices. At 7.5 (one day) the defaults were 219.5 WTE short in England.
pub const HOURS_PER_SUPERVISOR_WTE: f64 = 15.0;

/// Years to close the gap. ASSUMPTION: 3, a planning horizon; no source gives one.
pub const PIPELINE_YEARS: f64 = 3.0;
/// Annual turnover of low and high intensity staff: 22% and 9%, the 2015 IAPT workforce
/// census as the issue cites it.
pub const TURNOVER_LOW: f64 = 0.22;
pub const TURNOVER_HIGH: f64 = 0.09;
/// Years from starting training to joining the qualified stock: 1 for PWPs and HITs (seed 004
/// lines 361 and 385: one-year postgraduate certificate programmes).
pub const TRAINING_YEARS: f64 = 1.0;
/// Share of trainees who complete and join. ASSUMPTION (issue 5): 0.9.
pub const COMPLETION_RATE: f64 = 0.9;
