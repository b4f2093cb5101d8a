//! `capacity assess`: the self-assessment against NHS England's PT-SMHP local strategy
//! framework or the community mental health roadmap, scored by section, with an action list,
//! the trend over dated assessments and, given a scenario, the model's evidence beside the
//! workforce items.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, ValueEnum};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use capacity::assess::{framework, parse_assessment, review, template, SectionScore};
use capacity::InputError;

use super::io::{
    check_outputs, emit, input_files, load_inputs, load_scenario, AtomicOutput, DataArgs, Kind,
    Planned,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people
    Table,
    /// One row per assessment and section
    Csv,
    /// Every score, the actions and the evidence
    Json,
    /// Pipe tables for a board paper
    Markdown,
}

const AFTER_HELP: &str = "\
Examples:
  capacity assess --init ours.toml                       the PT-SMHP framework, to fill in
  capacity assess --init roadmap.toml --framework cmh-roadmap
  capacity assess ours.toml                              scores, and the actions
  capacity assess 2026-03.toml 2026-11.toml              and the trend between them
  capacity assess ours.toml --scenario my.toml --workforce staff.csv
                                                         with the model's evidence";

/// Score a local self-assessment (PT-SMHP framework or community mental health roadmap)
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct AssessArgs {
    /// Filled-in assessments (several dated ones give the trend)
    pub files: Vec<std::path::PathBuf>,
    /// Write a template to fill in to this file
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub init: Option<std::path::PathBuf>,
    /// The framework of --init: pt-smhp (the local strategy for psychological therapies for
    /// severe mental health problems) or cmh-roadmap (the community mental health roadmap)
    #[arg(long, default_value = "pt-smhp", requires = "init")]
    pub framework: String,
    /// Report items with no score as not assessed instead of refusing the file
    #[arg(long)]
    pub allow_missing: bool,
    /// Check the workforce items against this scenario (and --workforce)
    #[arg(long, value_name = "SCENARIO")]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file (atomically) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

fn pct(s: &SectionScore) -> String {
    s.share()
        .map_or("-".into(), |x| format!("{:.0}%", x * 100.0))
}

fn new_table(header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(100)
        .set_header(header);
    t
}

pub fn run(args: AssessArgs) -> Result<ExitCode> {
    if let Some(path) = &args.init {
        let f = framework(&args.framework)?;
        if path.exists() {
            return Err(InputError::one(format!(
                "--init {}: the file exists; choose another name (an assessment is never overwritten)",
                path.display()
            ))
            .into());
        }
        check_outputs(&[Planned::new("--init", path, Kind::Toml)], &[])?;
        emit(Some(AtomicOutput::create(path)?), &template(&f))?;
        eprintln!(
            "wrote {} ({}, {} items); score each item, then run: capacity assess {}",
            path.display(),
            f.title,
            f.items().count(),
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if args.files.is_empty() {
        return Err(InputError::one(
            "give an assessment file (or --init FILE to write one to fill in)",
        )
        .into());
    }
    let mut assessments = Vec::new();
    let mut problems = capacity::problems::Problems::new();
    for path in &args.files {
        let text = capacity::inputs::read_text_file(path, "assessment")?;
        match parse_assessment(
            &path.display().to_string(),
            &text,
            &framework,
            args.allow_missing,
        ) {
            Ok(read) => assessments.push(read),
            Err(e) => problems.extend(e),
        }
    }
    problems.finish(())?;
    let model = match &args.scenario {
        Some(s) => {
            let (scenario, warnings) = load_scenario(Some(s))?;
            super::io::print_warnings(&warnings)?;
            let (inputs, options, _) = load_inputs(&args.data, &scenario)?;
            let (result, more) = capacity::model::run(&inputs, &scenario, &options)?;
            super::io::print_warnings(&more)?;
            Some((scenario, result))
        }
        None => None,
    };
    if let Some(path) = &args.output {
        let kind = match args.format {
            Format::Table => Kind::Text,
            Format::Csv => Kind::Csv,
            Format::Json => Kind::Json,
            Format::Markdown => Kind::Markdown,
        };
        let mut read: Vec<(&str, std::path::PathBuf)> = args
            .files
            .iter()
            .map(|p| ("assessment", p.clone()))
            .collect();
        if let Some((scenario, _)) = &model {
            read.extend(input_files(&args.data, scenario));
        }
        check_outputs(&[Planned::new("--output", path, kind)], &read)?;
    }
    let review = review(assessments, model.as_ref().map(|(s, r)| (s, r)))?;
    let reports = &review.scored;
    let latest = review.latest();
    let f = &review.framework;
    let text = match args.format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "file", "date", "section", "title", "points", "max", "share", "assessed", "items",
            ])?;
            for r in reports {
                for s in r.sections.iter().chain(std::iter::once(&r.total)) {
                    w.write_record([
                        r.assessment.label.clone(),
                        r.assessment.date.clone(),
                        s.section.clone(),
                        s.title.clone(),
                        s.points.to_string(),
                        s.max.to_string(),
                        s.share().map(|x| x.to_string()).unwrap_or_default(),
                        s.assessed.to_string(),
                        s.items.to_string(),
                    ])?;
                }
            }
            String::from_utf8(w.into_inner()?)?
        }
        Format::Json => {
            let json = serde_json::json!({
                "framework": {"id": f.id, "title": f.title, "source": f.source},
                "assessments": reports.iter().map(|r| serde_json::json!({
                    "file": r.assessment.label,
                    "date": r.assessment.date,
                    "organisation": r.assessment.organisation,
                    "sections": r.sections,
                    "total": r.total,
                })).collect::<Vec<_>>(),
                "actions": review.actions,
                "disagreements": review.disagreements.iter().map(|(id, e)| serde_json::json!({"item": id, "model_evidence": e})).collect::<Vec<_>>(),
            });
            let mut s = serde_json::to_string_pretty(&json)?;
            s.push('\n');
            s
        }
        Format::Table | Format::Markdown => {
            let md = args.format == Format::Markdown;
            let table = |header: Vec<String>, rows: Vec<Vec<String>>| -> String {
                if md {
                    let mut s = format!(
                        "| {} |\n|{}\n",
                        header.join(" | "),
                        " --- |".repeat(header.len())
                    );
                    for r in rows {
                        s.push_str(&format!("| {} |\n", r.join(" | ")));
                    }
                    s
                } else {
                    let mut t = new_table(header);
                    for r in rows {
                        t.add_row(r);
                    }
                    format!("{t}\n")
                }
            };
            let mut out = format!(
                "{}{}\nSource: {}\n{}\n\n",
                if md { "## " } else { "" },
                f.title,
                f.source,
                if latest.assessment.organisation.is_empty() {
                    latest.assessment.label.clone()
                } else {
                    format!(
                        "{} ({})",
                        latest.assessment.organisation, latest.assessment.label
                    )
                }
            );
            let mut header = vec!["Section".to_string()];
            for r in reports {
                header.push(if r.assessment.date.is_empty() {
                    r.assessment.label.clone()
                } else {
                    r.assessment.date.clone()
                });
            }
            let rows: Vec<Vec<String>> = (0..=latest.sections.len())
                .map(|n| {
                    let mut row = vec![latest
                        .sections
                        .get(n)
                        .map_or("All sections".to_string(), |s| s.title.clone())];
                    for r in reports {
                        let s = r.sections.get(n).unwrap_or(&r.total);
                        row.push(format!("{} of {} ({})", s.points, s.max, pct(s)));
                    }
                    row
                })
                .collect();
            out.push_str(&table(header, rows));
            let not_assessed = latest.total.items - latest.total.assessed;
            if not_assessed > 0 {
                out.push_str(&format!(
                    "{not_assessed} item{} not assessed (left out of the maximum, not counted as 0).\n",
                    if not_assessed == 1 { "" } else { "s" }
                ));
            }
            out.push_str(&format!(
                "\n{}Actions: the items at 0 and 1, prerequisites first\n\n",
                if md { "### " } else { "" }
            ));
            let rows: Vec<Vec<String>> = review
                .actions
                .iter()
                .map(|a| {
                    let mut row = vec![
                        a.item.clone(),
                        a.score.to_string(),
                        a.title.clone(),
                        if a.owner.is_empty() {
                            "-".into()
                        } else {
                            a.owner.clone()
                        },
                        a.due.clone().unwrap_or_else(|| "-".into()),
                    ];
                    if review.with_model {
                        row.push(a.model_evidence.as_ref().map_or("-".into(), |e| {
                            format!("{}: {}", if e.met { "met" } else { "not met" }, e.says)
                        }));
                    }
                    row
                })
                .collect();
            let mut header: Vec<String> = ["Item", "Score", "What", "Owner", "Due"]
                .map(String::from)
                .to_vec();
            if review.with_model {
                header.push("The model says".into());
            }
            if rows.is_empty() {
                out.push_str("No actions: every assessed item is scored 2.\n");
            } else {
                out.push_str(&table(header, rows));
            }
            for (id, e) in &review.disagreements {
                out.push_str(&format!(
                    "{id} is scored 2 (met), but the model says not met: {}.\n",
                    e.says
                ));
            }
            out
        }
    };
    let output = args
        .output
        .as_deref()
        .map(AtomicOutput::create)
        .transpose()?;
    emit(output, &text)?;
    Ok(ExitCode::SUCCESS)
}
