//! The expected JSON of `capacity check`: parsed as the command reads it (serde_json, then
//! `check_shape`), then compared with itself and with a shipped outcome, and the moved
//! fields listed (not the drift table: comfy-table's layout would take most of each run).
//! An error or a value, never a panic; an accepted file holds only finite numbers and has no
//! drift against itself.
#![no_main]

use capacity::check::{check_shape, compare, render_moved_fields, Tolerance};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

use std::sync::OnceLock;

const SHIPPED: &str = include_str!("../../scenarios/expected/obc.json");
/// The shipped outcome cut to two areas, parsed once: comparing with all of it would spend
/// each run on the same rows.
static SHIPPED_VALUE: OnceLock<Value> = OnceLock::new();

fn shipped() -> Value {
    let mut v: Value = serde_json::from_str(SHIPPED).expect("the shipped outcome is JSON");
    if let Some(areas) = v.get_mut("areas").and_then(Value::as_array_mut) {
        areas.truncate(2);
    }
    v
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expected) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if check_shape(&expected).is_err() {
        return;
    }
    capacity_fuzz::assert_finite_json("check_expected", &expected);
    let tol = Tolerance::default();
    let own = compare("fuzz", &expected, &expected, tol);
    assert!(
        own.drift.is_empty(),
        "drift against itself: {:?}",
        own.drift
    );
    let shipped = SHIPPED_VALUE.get_or_init(shipped);
    for c in [
        compare("fuzz", &expected, shipped, tol),
        compare("fuzz", shipped, &expected, tol),
    ] {
        let _ = render_moved_fields(&c.drift);
    }
});
