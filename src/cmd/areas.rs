//! `capacity areas`: the areas a run can name, so that a user can find theirs.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, ValueEnum};

use capacity::area_lookup;
use capacity::model::{self, Level, RunOptions};
use capacity::output::thousands;
use capacity::InputError;

use super::io::{emit, load_inputs, load_scenario, print_warnings, DataArgs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people
    Table,
    /// area_code, ods_code, area_name, level, parent_code, population_in_scope
    Csv,
}

const AFTER_HELP: &str = "\
Any of the codes or names listed works wherever an area is named (--area, population.areas),
in any case: --area E54000057, --area qop and --area \"Greater Manchester\" are one ICB.

Examples:
  capacity areas                          every area of the embedded England data
  capacity areas manchester               areas whose name or code holds 'manchester'
  capacity areas --level icb              the 42 ICBs
  capacity areas --area QOP --level sub-icb   the sub-ICB locations of one ICB
  capacity areas --areas my-areas.csv --population my-pop.csv   your own areas";

/// List the areas of the data (code, ODS code, name, level, parent, population in scope)
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct AreasArgs {
    /// Show only areas whose code, ODS code or name holds this text (any case)
    pub query: Option<String>,
    /// Scenario whose age window sets the population in scope: a TOML file or a preset name
    /// [default: obc]
    #[arg(long, value_name = "SCENARIO")]
    pub scenario: Option<String>,
    /// Population CSV (area_code, age_from, age_to, sex, population) instead of the embedded ONS
    /// mid-2022 England data
    #[arg(long, value_name = "FILE")]
    pub population: Option<PathBuf>,
    /// Prevalence CSV (disorder, age_from, age_to, sex, rate) instead of the embedded APMS 2014;
    /// it must cover the population's ages in the window
    #[arg(long, value_name = "FILE")]
    pub prevalence: Option<PathBuf>,
    /// Areas CSV (area_code, area_name, level, parent_code[, prevalence_factor, ods_code])
    #[arg(long, value_name = "FILE")]
    pub areas: Option<PathBuf>,
    /// Only the areas at this level (any case), e.g. icb [default: every level]
    #[arg(long, value_name = "NAME")]
    pub level: Option<String>,
    /// Only the areas within this area: an ONS code, ODS code or name, in any case (repeatable)
    #[arg(long = "area", value_name = "AREA")]
    pub within: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn run(args: AreasArgs) -> Result<ExitCode> {
    let (scenario, mut warnings) = load_scenario(args.scenario.as_deref())?;
    // The files are read as `capacity model` reads them: flags, then the scenario's [data].
    let data = DataArgs {
        population: args.population.clone(),
        prevalence: args.prevalence.clone(),
        areas: args.areas.clone(),
        ..DataArgs::default()
    };
    let (inputs, _, _) = load_inputs(&data, &scenario)?;
    // Every leaf of the data, so that each area's population is its whole population in
    // scope; --area narrows the list below instead.
    let every_leaf = RunOptions {
        level: Level::Leaves,
        areas: Vec::new(),
    };
    let mut all_areas = scenario.clone();
    all_areas.population.areas.clear();
    let (prepared, more) = model::prepare(&inputs, &all_areas, &every_leaf)?;
    warnings.extend(more);
    let geo = &prepared.geography;

    let mut problems = capacity::problems::Problems::new();
    let level = args.level.as_deref().map(|l| {
        area_lookup::level(geo, l).unwrap_or_else(|| {
            problems.push(format!(
                "--level {l}: no areas at that level in {}; levels are {}",
                geo.source,
                geo.levels().join(", ")
            ));
            l.to_string()
        })
    });
    let mut within: Vec<usize> = Vec::new();
    for a in &args.within {
        match area_lookup::resolve(geo, a) {
            Ok(i) => within.push(i),
            Err(why) => problems.push(format!("--area: {why}")),
        }
    }
    problems.finish(())?;

    let mut population = vec![0.0; geo.areas.len()];
    let mut has_rows = vec![false; geo.areas.len()];
    for leaf in &prepared.leaves {
        for a in geo.ancestors(leaf.area) {
            population[a] += leaf.population_in_scope;
            has_rows[a] = true;
        }
    }
    let shown: Vec<usize> = match &args.query {
        Some(q) => area_lookup::containing(geo, q),
        None => (0..geo.areas.len()).collect(),
    }
    .into_iter()
    .filter(|&i| level.as_ref().is_none_or(|l| geo.areas[i].level == *l))
    .filter(|&i| within.is_empty() || within.iter().any(|&w| geo.is_within(i, w)))
    .collect();
    print_warnings(&warnings)?;
    if shown.is_empty() {
        let mut why = String::from("no area");
        if let Some(q) = &args.query {
            why.push_str(&format!(" holds '{q}' in its code, ODS code or name"));
        }
        if let Some(l) = &level {
            why.push_str(&format!(" at level {l}"));
        }
        if !args.within.is_empty() {
            why.push_str(&format!(" within {}", args.within.join(", ")));
        }
        why.push_str(&format!(" in {}", geo.source));
        let near = args
            .query
            .as_deref()
            .map(|q| area_lookup::suggest(geo, q, 5))
            .unwrap_or_default();
        if !near.is_empty() {
            why.push_str("; closest: ");
            why.push_str(
                &near
                    .iter()
                    .map(|&i| area_lookup::describe(geo, i))
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        return Err(InputError::one(why).into());
    }

    let parent = |i: usize| {
        geo.areas[i]
            .parent
            .map_or(String::new(), |p| geo.areas[p].code.clone())
    };
    let mut out = String::new();
    match args.format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let header = [
                "area_code",
                "ods_code",
                "area_name",
                "level",
                "parent_code",
                "population_in_scope",
            ];
            w.write_record(header)?;
            for &i in &shown {
                let a = &geo.areas[i];
                let pop = if has_rows[i] {
                    format!("{}", population[i])
                } else {
                    String::new()
                };
                w.write_record([
                    a.code.as_str(),
                    a.ods_code.as_deref().unwrap_or(""),
                    a.name.as_str(),
                    a.level.as_str(),
                    parent(i).as_str(),
                    pop.as_str(),
                ])?;
            }
            out = String::from_utf8(w.into_inner()?)?;
        }
        Format::Table => {
            let rows: Vec<[String; 6]> = shown
                .iter()
                .map(|&i| {
                    let a = &geo.areas[i];
                    [
                        a.code.clone(),
                        a.ods_code.clone().unwrap_or_else(|| "-".into()),
                        a.level.clone(),
                        parent(i),
                        if has_rows[i] {
                            thousands(population[i])
                        } else {
                            "-".into()
                        },
                        a.name.clone(),
                    ]
                })
                .collect();
            let header = ["code", "ods", "level", "parent", "population", "name"];
            let mut width = header.map(str::len);
            for r in &rows {
                for (w, cell) in width.iter_mut().zip(r) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            let line = |cells: [&str; 6]| {
                let mut s = String::new();
                for (k, cell) in cells.iter().enumerate() {
                    let pad = width[k].saturating_sub(cell.chars().count());
                    match k {
                        5 => s.push_str(cell),
                        // Numbers right-aligned.
                        4 => s.push_str(&format!("{}{cell}  ", " ".repeat(pad))),
                        _ => s.push_str(&format!("{cell}{}  ", " ".repeat(pad))),
                    }
                }
                s.push('\n');
                s
            };
            out.push_str(&line(header));
            for r in &rows {
                out.push_str(&line(r.each_ref().map(String::as_str)));
            }
            out.push_str(&format!(
                "\n{}. Population in scope: ages {} to {} (scenario {}), from {}.\n",
                capacity::words::count(shown.len(), "area"),
                scenario.population.age_min,
                scenario.population.age_max - 1,
                scenario.name,
                inputs.population.source
            ));
        }
    }
    emit(None, &out)?;
    Ok(ExitCode::SUCCESS)
}
