//! Integration tests, built as one test binary.

mod assess;
mod check;
mod cli;
mod common;
mod csv_properties;
mod errors;
mod live;
mod local_need;
mod messages;
mod new_user;
mod observed;
mod outputs;
mod project;
mod properties;
mod report;
mod snapshots;
mod steps;
mod sweep;
mod worked_examples;
mod workforce_detail;
