//! The rows reader of `capacity summarize` (`capacity::sweep::rows::read_rows`): an error or
//! a value, never a panic, and accepted columns hold only finite numbers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A form feed splits the input into shards, so that joining files is fuzzed too.
    let files: Vec<(String, &[u8])> = data
        .split(|&b| b == b'\x0c')
        .take(4)
        .enumerate()
        .map(|(i, part)| (format!("rows{i}.csv"), part))
        .collect();
    // Ask for every output the first header names (after run, area_code, parameters,
    // area_name and level), as summarize does for a sweep's outputs.
    let header = data.split(|&b| b == b'\n').next().unwrap_or_default();
    let header = String::from_utf8_lossy(header);
    let fields: Vec<&str> = header.split(',').collect();
    let outputs: Vec<String> = match fields.iter().position(|f| *f == "level") {
        Some(i) => fields[i + 1..].iter().map(|s| s.to_string()).collect(),
        None => Vec::new(),
    };
    if let Ok((rows, _warnings)) = capacity::sweep::rows::read_rows(files, &outputs) {
        capacity_fuzz::assert_finite("rows", &rows);
    }
});
