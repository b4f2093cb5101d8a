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

/// "did you mean 0.50?" for a fraction written as a percentage.
pub fn percent_hint(value: f64) -> String {
    if value > 1.0 && value <= 100.0 {
        format!("; did you mean {:.2}?", value / 100.0)
    } else {
        String::new()
    }
}
