//! One value per step of care, for any number of steps: every formula is written once and
//! applied to each step the scenario declares.

use std::ops::{AddAssign, Index, IndexMut};

use serde::Serialize;

/// One value per step, in the scenario's step order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PerStep<T>(pub Vec<T>);

impl<T> PerStep<T> {
    pub fn from_fn(steps: usize, f: impl FnMut(usize) -> T) -> Self {
        PerStep((0..steps).map(f).collect())
    }

    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> PerStep<U> {
        PerStep(self.0.iter().map(f).collect())
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PerStep<f64> {
    pub fn zeros(steps: usize) -> Self {
        PerStep(vec![0.0; steps])
    }

    /// The sum over steps, added in step order.
    pub fn total(&self) -> f64 {
        self.0.iter().fold(0.0, |sum, v| sum + v)
    }
}

impl<T> Index<usize> for PerStep<T> {
    type Output = T;
    fn index(&self, s: usize) -> &T {
        &self.0[s]
    }
}

impl<T> IndexMut<usize> for PerStep<T> {
    fn index_mut(&mut self, s: usize) -> &mut T {
        &mut self.0[s]
    }
}

impl<T: AddAssign + Copy + Default> AddAssign<&PerStep<T>> for PerStep<T> {
    fn add_assign(&mut self, rhs: &PerStep<T>) {
        if self.0.len() < rhs.0.len() {
            self.0.resize(rhs.0.len(), T::default());
        }
        for (a, b) in self.0.iter_mut().zip(&rhs.0) {
            *a += *b;
        }
    }
}
