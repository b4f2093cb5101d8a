//! The filled-in self-assessment reader (`capacity::assess::parse_assessment`, against the
//! shipped frameworks): an error or a value, never a panic; scores and actions of an
//! accepted assessment are computed without one.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for allow_missing in [false, true] {
        if let Ok((a, f)) = capacity::assess::parse_assessment(
            "assessment.toml",
            text,
            &capacity::assess::framework,
            allow_missing,
        ) {
            let (sections, total) = capacity::assess::scores(&f, &a);
            capacity_fuzz::assert_finite("assessment scores", &(sections, total));
            let _ = capacity::assess::actions(&f, &a);
        }
    }
});
