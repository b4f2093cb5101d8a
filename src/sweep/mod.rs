//! Scenario sweeps (`capacity sweep`): many runs of the model with some assumptions varied,
//! summarised as ranges rather than one false-precise number.
//!
//! - `spec`: the sweep file, parsed and checked (every problem at once)
//! - `dist`: the distributions a parameter is drawn from, by quantile function
//! - `plan`: which value each parameter takes in each run (grid, Monte Carlo, Latin
//!   hypercube, one-way), from a pinned ChaCha8 stream per run
//! - `fast`: the model rearranged for speed, equal to `model::evaluate` to
//!   rounding (1e-13 relative, tested)
//! - `fields`: the fields of `capacity model`'s rows, from the fast path's sums
//! - `run`: evaluating runs in parallel, deterministically, into columns and streamed rows
//! - `stats`, `report`: exact summaries (type-7 percentiles), the tornado, the tables
//! - `rows`: reading rows files back and checking their manifests, for `capacity summarize`
//! - `execute`: a checked sweep run over prepared data, for `capacity sweep` and `report`

pub mod dist;
pub mod execute;
pub mod fast;
pub mod fields;
pub mod plan;
pub mod report;
pub mod rows;
pub mod run;
pub mod spec;
pub mod stats;

pub use plan::Plan;
pub use run::{AreaLabel, Columns, Engine, RowFormat};
pub use spec::{Design, Param, Sweep, SweepFile, Values};
