//! The prevalence CSV reader (`capacity::inputs::parse_prevalence`): an error or a value, never a panic, and
//! an accepted table holds only finite numbers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Files are read as UTF-8 before parsing (read_text_file rejects anything else).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(table) = capacity::inputs::parse_prevalence("prevalence.csv", text) {
        capacity_fuzz::assert_finite("prevalence", &table);
    }
});
