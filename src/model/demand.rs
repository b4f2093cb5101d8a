//! The demand funnel of MODEL.md section 2, steps 3 to 7: from prevalent cases to the people
//! treated psychologically, for one disorder in one area. (Steps 1 and 2, population and
//! prevalence, are in `prepare.rs`: they depend on the data, not on the scenario's rates.)

/// The year's demand for one disorder in one area, each stage a count of people.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Demand {
    pub prevalent: f64,
    pub presenting: f64,
    pub detected: f64,
    pub referred: f64,
    pub medication_only: f64,
    pub treated: f64,
}

/// Rates that move people down the funnel, resolved for one disorder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelRates {
    pub presentation_rate: f64,
    pub detection_rate: f64,
    pub referral_weight: f64,
    pub medication_only: f64,
}

/// prevalent -> presenting -> detected -> referred -> (medication only | treated).
pub fn funnel(prevalent: f64, r: &FunnelRates) -> Demand {
    let presenting = prevalent * r.presentation_rate;
    let detected = presenting * r.detection_rate;
    // Referred cases are the year's new episodes.
    let referred = detected * r.referral_weight;
    // People who choose antidepressants alone need no therapist time.
    let medication_only = referred * r.medication_only;
    Demand {
        prevalent,
        presenting,
        detected,
        referred,
        medication_only,
        treated: referred - medication_only,
    }
}
