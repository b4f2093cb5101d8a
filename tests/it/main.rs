//! Integration tests, built as one test binary.

mod check;
mod cli;
mod common;
mod errors;
mod messages;
mod outputs;
mod properties;
mod report;
mod sweep;
mod worked_examples;
mod workforce_detail;
