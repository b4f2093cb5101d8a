//! Sweep TOML (`capacity::sweep::spec::parse`, then `resolve` against its base when the base
//! is a preset): an error or a value, never a panic, and an accepted sweep holds only finite
//! numbers.
#![no_main]

use std::path::Path;

use capacity::scenario::ScenarioSource;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // No such folder: a base given as a file is an error to read, never a file on this machine.
    let Ok(file) = capacity::sweep::spec::parse("fuzz.toml", text, Path::new("/nonexistent-fuzz"))
    else {
        return;
    };
    let source = file.base_source();
    if !matches!(source, ScenarioSource::Preset(_)) {
        return;
    }
    let Ok((base, _warnings)) = capacity::scenario::load(&source) else {
        return;
    };
    if let Ok(sweep) = file.resolve(&base) {
        capacity_fuzz::assert_finite("sweep", &sweep);
        let _ = sweep.total_runs();
    }
});
