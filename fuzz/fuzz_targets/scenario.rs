//! Scenario TOML with `extends` (`capacity::scenario::load_str`): an error or a value, never
//! a panic, and an accepted scenario holds only finite numbers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `extends` of a bare name is a preset, which is parsed text like any other; a path would
    // read whatever file it names (a device could block), which is not the parser's to test.
    if text.contains("extends") && text.contains(['/', '\\']) {
        return;
    }
    if let Ok((scenario, _warnings)) = capacity::scenario::load_str("fuzz.toml", text) {
        capacity_fuzz::assert_finite("scenario", &scenario);
    }
});
