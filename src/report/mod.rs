//! Reports people look at: a self-contained HTML report with SVG charts (`html`, `svg`),
//! Excel workbooks (`xlsx`) and markdown (`markdown`).
//!
//! Like the rest of the library these are pure functions from plain data (a
//! [`ModelResult`], the resolved [`Scenario`], what made them, and optionally a
//! [`SweepSummary`]) to bytes: nothing here reads files, prints or looks at the clock, so the
//! same inputs give the same report byte for byte.

pub mod html;
pub mod live;
pub mod markdown;
pub mod svg;
pub mod xlsx;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{AreaResult, ModelResult};
pub use crate::output::funnel::{funnel_stages, grouped, one_wte_lines, Stage};
use crate::output::{short_name, Provenance, Row};
use crate::scenario::Scenario;

/// One input and the SHA-256 of its bytes, so a reader can tell whether they have the same
/// data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputHash {
    /// population, prevalence, areas, workforce or scenario.
    pub what: String,
    /// A path, `embedded data/...` or `preset:NAME`.
    pub source: String,
    pub sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What made a report: the tool, the inputs' hashes and the command that reproduces it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MadeBy {
    /// `capacity 0.1.0`.
    pub tool: String,
    pub command: String,
    pub inputs: Vec<InputHash>,
}

/// Quotes command-line words for a POSIX shell where needed: `my file.toml` -> `'my file.toml'`.
pub fn shell_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let plain = !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
            if plain {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The uncertainty of one output in one area over a sweep's runs (a row of `sweep
/// --summary`). `area_code` is `total` for the per-run sum over the reported areas.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepStat {
    pub area_code: String,
    pub area_name: String,
    pub level: String,
    /// A row field of `capacity model`, e.g. `total_wte`.
    pub output: String,
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub max: f64,
    /// Run 0, the base scenario itself (None for a shard without it).
    pub base: Option<f64>,
}

/// One parameter of a one-way design at its low and high value (a row of `sweep --tornado`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoEntry {
    /// Dotted scenario key.
    pub param: String,
    pub low_value: f64,
    pub high_value: f64,
    pub output: String,
    pub at_low: f64,
    pub at_high: f64,
    pub swing: f64,
}

/// What a report or workbook shows of a sweep: plain data, so that any sweep engine can fill
/// it in.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SweepSummary {
    /// One line for people: the design, the number of runs and the seed.
    pub description: String,
    /// Every varied key with its range, e.g. `demand.presentation_rate: uniform 0.3 to 0.7`.
    pub varied: Vec<String>,
    pub stats: Vec<SweepStat>,
    /// Empty unless the design is one-way.
    pub tornado: Vec<TornadoEntry>,
}

impl SweepSummary {
    /// The stats of one output, areas in the order given, the `total` row last.
    pub fn output(&self, output: &str) -> Vec<&SweepStat> {
        let mut v: Vec<&SweepStat> = self
            .stats
            .iter()
            .filter(|s| s.output == output && s.area_code != "total")
            .collect();
        v.extend(
            self.stats
                .iter()
                .filter(|s| s.output == output && s.area_code == "total"),
        );
        v
    }

    /// The outputs present, in order of first appearance.
    pub fn outputs(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.stats {
            if !out.contains(&s.output.as_str()) {
                out.push(&s.output);
            }
        }
        out
    }
}

/// The value of a row field by name (`total_wte`, `referred`, ...), for sweep outputs.
pub fn row_value(row: &Row, field: &str) -> Option<f64> {
    serde_json::to_value(row).ok()?.get(field)?.as_f64()
}

/// Everything a report shows.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub result: &'a ModelResult,
    pub scenario: &'a Scenario,
    pub provenance: &'a Provenance,
    pub made_by: &'a MadeBy,
    pub sweep: Option<&'a SweepSummary>,
    /// Draw the funnel of every area as well as the total's.
    pub area_funnels: bool,
    /// A local self-assessment scored against the same model run (`--assessment`).
    pub assessment: Option<&'a crate::assess::Review>,
}

/// `&`, `<`, `>`, `"` and `'` as entities: safe in HTML and SVG text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `0.254` -> "25.4%".
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The name people read for a row: "Total", or the area name without "NHS" and "Integrated
/// Care Board".
pub fn area_label(r: &AreaResult) -> String {
    if r.code == "total" {
        "Total".into()
    } else {
        short_name(&r.name)
    }
}

/// The citation of an input when it is the embedded data.
pub fn data_citation(what: &str, source: &str) -> Option<&'static str> {
    if !source.starts_with("embedded") {
        return None;
    }
    match what {
        "population" => Some(crate::embedded::POPULATION_CITATION),
        "areas" => Some(crate::embedded::AREAS_CITATION),
        "prevalence" => Some(crate::embedded::PREVALENCE_CITATION),
        "pay" => crate::embedded::afc_pay()
            .rows
            .first()
            .map(|r| r.source.as_str()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping() {
        assert_eq!(grouped(1234567.891, 1), "1,234,567.9");
        assert_eq!(grouped(-1234.0, 0), "-1,234");
        assert_eq!(grouped(-0.01, 1), "0.0");
        assert_eq!(grouped(999.96, 1), "1,000.0");
        assert_eq!(grouped(12.0, 0), "12");
    }

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<a href=\"x\">Tom's & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; co&lt;/a&gt;"
        );
    }

    #[test]
    fn shell_quoting() {
        let w = |s: &[&str]| shell_words(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(
            w(&["capacity", "report", "--output", "r.html"]),
            "capacity report --output r.html"
        );
        assert_eq!(w(&["my file.toml"]), "'my file.toml'");
        assert_eq!(w(&["it's"]), "'it'\\''s'");
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
