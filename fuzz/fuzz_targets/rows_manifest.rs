//! The rows manifest (`capacity::sweep::rows::RowsManifest::parse`): an error or a value,
//! never a panic, and an accepted manifest holds only finite numbers.
#![no_main]

use capacity::sweep::rows::RowsManifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(manifest) = RowsManifest::parse("rows.manifest.json", "rows.csv", text) {
        capacity_fuzz::assert_finite("rows_manifest", &manifest);
        capacity_fuzz::assert_finite_json("rows_manifest", &manifest.identity);
        assert!(manifest.runs.start <= manifest.runs.end);
    }
});
