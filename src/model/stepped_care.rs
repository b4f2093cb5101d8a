//! The stepped-care split of MODEL.md section 3: who is seen at step 2 (low intensity), who
//! goes straight to step 3 (high intensity) and who is stepped up after a low intensity episode.

use super::intensity::PerIntensity;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Episodes {
    /// Episodes per intensity: low = L, high = direct + stepped up.
    pub episodes: PerIntensity<f64>,
    /// High intensity episodes that followed a full low intensity episode.
    pub stepped_up: f64,
}

/// Splits T people treated psychologically with step-2 entry s and step-up u:
/// L = T s; direct = T (1 - s); stepped up = T s u; H = direct + stepped up.
pub fn split(treated: f64, step2_entry: f64, step_up: f64) -> Episodes {
    let low = treated * step2_entry;
    let direct = treated * (1.0 - step2_entry);
    let stepped_up = low * step_up;
    Episodes {
        episodes: PerIntensity {
            low,
            high: direct + stepped_up,
        },
        stepped_up,
    }
}
