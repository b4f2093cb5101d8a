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
