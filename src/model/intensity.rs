//! The two steps of care that need therapists. Kept as an enum with a per-intensity pair so
//! that every formula is written once and applied to each, not copied for "low" and "high".

use std::ops::{Add, AddAssign, Index, IndexMut};

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intensity {
    /// Step 2: guided self-help and other low intensity work by PWPs.
    Low,
    /// Step 3: high intensity psychological therapy.
    High,
}

impl Intensity {
    pub const ALL: [Intensity; 2] = [Intensity::Low, Intensity::High];

    /// The prefix of this intensity's output fields and scenario section.
    pub fn key(self) -> &'static str {
        match self {
            Intensity::Low => "low",
            Intensity::High => "high",
        }
    }

    pub fn section(self) -> &'static str {
        match self {
            Intensity::Low => "low_intensity",
            Intensity::High => "high_intensity",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Intensity::Low => "Low intensity (step 2)",
            Intensity::High => "High intensity (step 3)",
        }
    }
}

/// One value per intensity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PerIntensity<T> {
    pub low: T,
    pub high: T,
}

impl<T> PerIntensity<T> {
    pub fn from_fn(mut f: impl FnMut(Intensity) -> T) -> Self {
        PerIntensity {
            low: f(Intensity::Low),
            high: f(Intensity::High),
        }
    }

    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> PerIntensity<U> {
        PerIntensity {
            low: f(&self.low),
            high: f(&self.high),
        }
    }
}

impl PerIntensity<f64> {
    pub fn total(&self) -> f64 {
        self.low + self.high
    }
}

impl<T> Index<Intensity> for PerIntensity<T> {
    type Output = T;
    fn index(&self, i: Intensity) -> &T {
        match i {
            Intensity::Low => &self.low,
            Intensity::High => &self.high,
        }
    }
}

impl<T> IndexMut<Intensity> for PerIntensity<T> {
    fn index_mut(&mut self, i: Intensity) -> &mut T {
        match i {
            Intensity::Low => &mut self.low,
            Intensity::High => &mut self.high,
        }
    }
}

impl<T: AddAssign + Copy> AddAssign for PerIntensity<T> {
    fn add_assign(&mut self, rhs: Self) {
        self.low += rhs.low;
        self.high += rhs.high;
    }
}

impl<T: AddAssign + Copy> Add for PerIntensity<T> {
    type Output = Self;
    fn add(mut self, rhs: Self) -> Self {
        self += rhs;
        self
    }
}
