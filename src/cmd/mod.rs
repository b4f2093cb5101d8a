//! One file per subcommand; shared input loading and output writing here.

mod areas;
mod assess;
mod check;
mod completions;
mod init;
mod io;
mod model;
mod project;
mod report;
mod scenarios;
mod summarize;
mod sweep;
mod system;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use io::{exit_code, is_broken_pipe};

const LONG_ABOUT: &str = "\
Workforce capacity modelling for NHS psychological therapy services.

From population, prevalence and a scenario of assumptions, capacity works out how many
low intensity practitioners (PWPs) and high intensity therapists an area needs, the
skill mix, and the gap against the current workforce. Every number traces back to an
input through the demand funnel: population -> prevalent -> presenting -> detected ->
referred -> stepped care -> contacts -> WTE.

England's ONS mid-2022 population (106 sub-ICB locations) and APMS 2014 prevalence are
built in, so `capacity model` runs with no files at all.

Exit codes: 0 ok; 1 failure (or drift found by check); 2 usage or input error.";

#[derive(Parser, Debug)]
#[command(name = "capacity", version, about = "Workforce capacity modelling for NHS psychological therapy services", long_about = LONG_ABOUT, help_expected = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Treat every warning about the inputs as an error (exit 2), before any output is
    /// written: for CI jobs and published runs
    #[arg(long, global = true)]
    pub strict: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Model(model::ModelArgs),
    Project(project::ProjectArgs),
    Report(report::ReportArgs),
    Init(init::InitArgs),
    Scenarios(scenarios::ScenariosArgs),
    Areas(areas::AreasArgs),
    Assess(assess::AssessArgs),
    Completions(completions::CompletionsArgs),
    Man(completions::ManArgs),
    Check(check::CheckArgs),
    Sweep(sweep::SweepArgs),
    Summarize(summarize::SummarizeArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    io::set_strict(cli.strict);
    match cli.command {
        Command::Model(args) => model::run(args),
        Command::Project(args) => project::run(args),
        Command::Report(args) => report::run(args),
        Command::Init(args) => init::run(args),
        Command::Scenarios(args) => scenarios::run(args),
        Command::Areas(args) => areas::run(args),
        Command::Assess(args) => assess::run(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
        Command::Check(args) => check::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Summarize(args) => summarize::run(args),
    }
}
