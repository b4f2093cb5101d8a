//! The self-assessment framework reader (`capacity::assess::parse_framework`): an error or a
//! value, never a panic; an accepted framework gives a template that reads back as an
//! assessment of it (with every score missing allowed).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(f) = capacity::assess::parse_framework("framework.toml", text) {
        capacity_fuzz::assert_finite("framework", &f);
        let template = capacity::assess::template(&f);
        let same = f.clone();
        let read = capacity::assess::parse_assessment(
            "assessment.toml",
            &template,
            &move |_| Ok(same.clone()),
            true,
        );
        if let Err(e) = read {
            panic!("framework: its own template is refused: {e}\n{template}");
        }
    }
});
