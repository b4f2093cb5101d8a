//! `capacity scenarios`: the shipped presets, one line each.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use capacity::scenario::{self, ScenarioSource, PRESETS};

/// List the shipped scenario presets
#[derive(Args, Debug)]
pub struct ScenariosArgs {}

pub fn run(_: ScenariosArgs) -> Result<ExitCode> {
    let width = PRESETS.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (name, _) in PRESETS {
        let (s, _) = scenario::load(&ScenarioSource::Preset(name.to_string()))?;
        out.push_str(&format!("{name:width$}  {}\n", s.description));
    }
    out.push_str("\nUse one with `capacity model NAME`, or start your own with `capacity init my.toml --from NAME`.\n");
    super::io::emit(None, &out)?;
    Ok(ExitCode::SUCCESS)
}
