//! The observed-activity CSV reader (`capacity::observed::parse_observed`): an error or a
//! value, never a panic, and an accepted table holds only finite numbers (a suppressed `*`
//! is a missing value, not a number).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(observed) = capacity::observed::parse_observed("observed.csv", text) {
        capacity_fuzz::assert_finite("observed", &observed);
        // Every query a command makes of an accepted table answers without a panic.
        for period in observed.periods() {
            for org in observed.orgs(&period) {
                let m = observed.measures(org);
                capacity_fuzz::assert_finite("observed measures", &m);
                let _ = (m.share_within_6_weeks(), m.share_within_18_weeks());
            }
        }
        let _ = observed.latest();
    }
});
