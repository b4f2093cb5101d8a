//! Small pieces of English for messages: a count with its noun in the right number.

/// `count(1, "area")` is "1 area", `count(7, "area")` "7 areas": messages read "checked 1
/// scenario", never "1 scenarios". Every noun used with it takes a plain "s".
pub fn count<N: std::fmt::Display + PartialEq + From<u8>>(n: N, noun: &str) -> String {
    if n == N::from(1) {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1u32, "area"), "1 area");
        assert_eq!(count(0u32, "area"), "0 areas");
        assert_eq!(count(42usize, "scenario"), "42 scenarios");
    }
}
