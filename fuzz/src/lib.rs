//! What every fuzz target asserts of an accepted value: it holds only finite numbers.
//!
//! The check reads the value's `Debug` text, which every parsed type has and which prints a
//! non-finite float as the bare word `NaN`, `inf` or `-inf`. Text inside string and char
//! literals is skipped, so an area named "NaN" is not taken for a number.

use std::fmt::Debug;

/// Panics, naming the target and the value, when `value` holds a float that is not finite.
pub fn assert_finite<T: Debug>(target: &str, value: &T) {
    let text = format!("{value:?}");
    if let Some(word) = non_finite_word(&text) {
        panic!("{target}: an accepted value holds {word}: {text}");
    }
}

/// The first bare `NaN` or `inf` outside literals in Debug text, if any.
pub fn non_finite_word(text: &str) -> Option<&'static str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    // An escaped quote or backslash does not end the literal.
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b if b.is_ascii_alphanumeric() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                match &text[start..i] {
                    "NaN" => return Some("NaN"),
                    "inf" => return Some("inf"),
                    _ => {}
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// A JSON value holds only finite numbers (serde_json never parses NaN, but a number it
/// cannot hold as f64 would read back as one).
pub fn assert_finite_json(target: &str, value: &serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => {
            assert!(
                n.as_f64().is_some_and(f64::is_finite),
                "{target}: an accepted JSON number is not finite: {n}"
            );
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| assert_finite_json(target, v)),
        serde_json::Value::Object(map) => map.values().for_each(|v| assert_finite_json(target, v)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Row {
        name: String,
        initial: char,
        rate: f64,
        inf_count: u32,
    }

    fn row(name: &str, rate: f64) -> Row {
        Row {
            name: name.into(),
            initial: '\'',
            rate,
            inf_count: 1,
        }
    }

    #[test]
    fn non_finite_floats_are_found_and_finite_ones_pass() {
        assert_eq!(
            non_finite_word(&format!("{:?}", row("a", f64::NAN))),
            Some("NaN")
        );
        assert_eq!(
            non_finite_word(&format!("{:?}", row("a", f64::INFINITY))),
            Some("inf")
        );
        assert_eq!(
            non_finite_word(&format!("{:?}", row("a", f64::NEG_INFINITY))),
            Some("inf")
        );
        assert_eq!(non_finite_word(&format!("{:?}", row("a", 1e300))), None);
    }

    #[test]
    fn words_inside_literals_and_longer_names_are_not_numbers() {
        assert_eq!(
            non_finite_word(&format!("{:?}", row("NaN inf \"inf\"", 0.5))),
            None
        );
        assert_eq!(non_finite_word(&format!("{:?}", vec!['"', 'x'])), None);
    }

    #[test]
    fn json_numbers_are_checked_through_arrays_and_objects() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"a": [1, 2.5, {"b": -3e300}]}"#).unwrap();
        assert_finite_json("t", &v);
    }
}
