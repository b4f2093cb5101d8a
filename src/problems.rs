//! Input problems, collected rather than thrown one at a time: a planner fixing a spreadsheet
//! export wants the whole list in one run.

use std::fmt;

/// How many problems an error message lists before it summarises the rest.
const SHOWN: usize = 25;

/// Every problem found in an input (file, line or key, bad value, what would be valid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub problems: Vec<String>,
}

impl InputError {
    pub fn one(message: impl Into<String>) -> Self {
        InputError {
            problems: vec![message.into()],
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().take(SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        if self.problems.len() > SHOWN {
            write!(f, "\n... and {} more problems", self.problems.len() - SHOWN)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// A growing list of problems; `finish` turns it into a result.
#[derive(Debug, Default)]
pub struct Problems {
    list: Vec<String>,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, message: impl Into<String>) {
        self.list.push(message.into());
    }

    pub fn extend(&mut self, err: InputError) {
        self.list.extend(err.problems);
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn finish<T>(self, value: T) -> Result<T, InputError> {
        if self.list.is_empty() {
            Ok(value)
        } else {
            Err(InputError {
                problems: self.list,
            })
        }
    }
}

/// A number in messages in its shortest form: `1e308`, not its 309 digits; `1e-300`, not
/// 300 zeros. Ordinary sizes read as written (0.5, 50, 1234.5).
#[derive(Debug, Clone, Copy)]
pub struct Short(pub f64);

impl fmt::Display for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x.is_finite() && x != 0.0 && !(1e-6..1e15).contains(&x.abs()) {
            write!(f, "{x:e}")
        } else {
            write!(f, "{x}")
        }
    }
}

/// `Short(x)`, for format arguments.
pub fn short(x: f64) -> Short {
    Short(x)
}

/// "did you mean 0.50?" for a fraction written as a percentage (50 for 0.50, 5.9 for 0.059).
/// Values between 1 and 2 are more likely a slip than a per cent, so they get no hint.
pub fn percent_hint(value: f64) -> String {
    if !(2.0..=100.0).contains(&value) {
        return String::new();
    }
    let fraction = value / 100.0;
    let two = format!("{fraction:.2}");
    let text = if two
        .parse::<f64>()
        .is_ok_and(|t| (t - fraction).abs() < 1e-12)
    {
        two
    } else {
        // Shortest text without floating-point noise: 5.9 / 100 is 0.059000000000000004.
        format!("{}", (fraction * 1e10).round() / 1e10)
    };
    format!("; did you mean {text}?")
}

#[cfg(test)]
mod tests {
    use super::percent_hint;

    #[test]
    fn hints_the_fraction_a_per_cent_stands_for() {
        assert_eq!(percent_hint(50.0), "; did you mean 0.50?");
        assert_eq!(percent_hint(5.9), "; did you mean 0.059?");
        assert_eq!(percent_hint(12.5), "; did you mean 0.125?");
        assert_eq!(percent_hint(100.0), "; did you mean 1.00?");
        assert_eq!(percent_hint(1.5), "");
        assert_eq!(percent_hint(150.0), "");
        assert_eq!(percent_hint(-5.0), "");
    }
}

#[cfg(test)]
mod short_tests {
    use super::short;

    #[test]
    fn numbers_in_messages_are_short() {
        assert_eq!(short(1e308).to_string(), "1e308");
        assert_eq!(short(-1e300).to_string(), "-1e300");
        assert_eq!(short(1e-300).to_string(), "1e-300");
        assert_eq!(short(50.0).to_string(), "50");
        assert_eq!(short(0.059).to_string(), "0.059");
        assert_eq!(short(1234.5).to_string(), "1234.5");
        assert_eq!(short(0.0).to_string(), "0");
    }
}
