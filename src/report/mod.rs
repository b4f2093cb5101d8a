//! Reports people look at: a self-contained HTML report with SVG charts (`html`, `svg`),
//! Excel workbooks (`xlsx`) and markdown (`markdown`).
//!
//! Like the rest of the library these are pure functions from plain data (a
//! [`ModelResult`], the resolved [`Scenario`], what made them, and optionally a
//! [`SweepSummary`]) to bytes: nothing here reads files, prints or looks at the clock, so the
//! same inputs give the same report byte for byte.

pub mod html;
pub mod markdown;
pub mod svg;
pub mod xlsx;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{AreaResult, ModelResult};
use crate::output::{short_name, Provenance, Row};
use crate::scenario::{Comorbidity, DisorderOverride, Scenario};

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

/// 1234567.891 with 1 decimal -> "1,234,567.9"; never "-0".
pub fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let zero = out.chars().all(|c| c == '0' || c == '.' || c == ',');
    if x < 0.0 && !zero {
        out.insert(0, '-');
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

/// One stage of the demand funnel with the rule that produces it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub label: String,
    pub value: f64,
    /// Decimals to show: 0 for people and contacts, 1 for WTE.
    pub decimals: usize,
    pub rule: String,
    /// Drawn as a bar of the funnel chart (population, contacts and WTE are table-only).
    pub in_chart: bool,
    /// The stage whose share this one is, for "50% of presenting".
    pub share_of: Option<usize>,
}

fn rule(name: &str, value: f64, overridden: bool) -> String {
    if overridden {
        format!("x {name} {value:.2}, varies by disorder")
    } else {
        format!("x {name} {value:.2}")
    }
}

/// The funnel of one area (or the total), from population to WTE, with the rule of each stage:
/// the chain every figure traces back to (MODEL.md sections 2 to 4).
pub fn funnel_stages(area: &AreaResult, result: &ModelResult, scenario: &Scenario) -> Vec<Stage> {
    let over = |f: &dyn Fn(&DisorderOverride) -> bool| scenario.disorders.values().any(f);
    let d = &area.flow.demand;
    let f = &area.flow;
    let cap = &result.capacity;
    let ages = format!(
        "{}-{}",
        scenario.population.age_min,
        scenario.population.age_max - 1
    );
    let stage =
        |label: &str, value: f64, rule: String, in_chart: bool, share_of: Option<usize>| Stage {
            label: label.to_string(),
            value,
            decimals: 0,
            rule,
            in_chart,
            share_of,
        };
    let medication = d.medication_only > 0.0 || scenario.demand.medication_only > 0.0;
    let mut v = vec![
        stage(
            &format!("Population aged {ages}"),
            area.population_in_scope,
            "population file, age window pro rata".into(),
            false,
            None,
        ),
        stage(
            "Prevalent cases",
            d.prevalent,
            format!(
                "x prevalence ({}) x deprivation {:.2}",
                match scenario.demand.comorbidity {
                    Comorbidity::Primary => "primary",
                    Comorbidity::Sum => "sum",
                },
                scenario.demand.deprivation_factor
            ),
            true,
            None,
        ),
        stage(
            "Presenting",
            d.presenting,
            rule(
                "presentation_rate",
                scenario.demand.presentation_rate,
                false,
            ),
            true,
            Some(1),
        ),
        stage(
            "Detected",
            d.detected,
            rule("detection_rate", scenario.demand.detection_rate, false),
            true,
            Some(2),
        ),
        stage(
            "Referred (new episodes)",
            d.referred,
            rule(
                "referral_weight",
                scenario.demand.referral_weight,
                over(&|o| o.referral_weight.is_some()),
            ),
            true,
            Some(3),
        ),
        stage(
            "Medication only",
            d.medication_only,
            rule(
                "medication_only",
                scenario.demand.medication_only,
                over(&|o| o.medication_only.is_some()),
            ),
            false,
            Some(4),
        ),
        stage(
            "Treated psychologically",
            d.treated,
            "referred - medication only".into(),
            medication,
            Some(4),
        ),
        stage(
            "Low intensity episodes (step 2)",
            f.episodes.low,
            rule(
                "step2_entry",
                scenario.stepped_care.step2_entry,
                over(&|o| o.step2_entry.is_some()),
            ),
            true,
            Some(6),
        ),
        stage(
            "  of which stepped up to step 3",
            f.stepped_up,
            rule(
                "step_up",
                scenario.stepped_care.step_up,
                over(&|o| o.step_up.is_some()),
            ),
            false,
            Some(7),
        ),
        stage(
            "High intensity episodes (step 3)",
            f.episodes.high,
            "direct (1 - step2_entry) + stepped up".into(),
            true,
            Some(6),
        ),
        stage(
            "Low intensity contacts",
            f.contacts.low,
            format!("x {} contacts per episode", cap.low.contacts_per_episode),
            false,
            None,
        ),
        stage(
            "High intensity contacts",
            f.contacts.high,
            format!("x {} contacts per episode", cap.high.contacts_per_episode),
            false,
            None,
        ),
    ];
    for (label, wte, c) in [
        ("Low intensity WTE", f.wte.low, &cap.low),
        ("High intensity WTE", f.wte.high, &cap.high),
    ] {
        v.push(Stage {
            label: label.into(),
            value: wte,
            decimals: 1,
            rule: format!(
                "booked / {} contacts per WTE (DNA {:.2}, headroom {:.2})",
                grouped(c.annual_contacts_per_wte, 0),
                c.dna_rate,
                c.headroom
            ),
            in_chart: false,
            share_of: None,
        });
    }
    v
}

/// What one WTE delivers a year, per intensity: (label, low, high).
pub fn one_wte_lines(result: &ModelResult, scenario: &Scenario) -> Vec<(String, String, String)> {
    use crate::scenario::{basis, CapacityBasis, IntensitySettings};
    let cap = &result.capacity;
    let basis_of = |s: &IntensitySettings| match s.basis {
        CapacityBasis::ContactsPerDay {
            contacts_per_day,
            caseload,
        } => format!("{contacts_per_day} contacts/day x {caseload:.2} caseload"),
        CapacityBasis::ClinicalHours {
            clinical_hours_per_week,
            contact_hours,
        } => format!(
            "{clinical_hours_per_week} h/week / {:.0} min per contact",
            contact_hours * 60.0
        ),
    };
    let days = |key: &str, d: f64| {
        let (b, _) = basis::classify(key, d);
        if b == basis::Basis::Assumption {
            format!("{d} (assumption)")
        } else {
            format!("{d}")
        }
    };
    let day_key = |s: &IntensitySettings, section: &str| {
        if s.working_days.is_some() {
            format!("{section}.working_days")
        } else {
            "capacity.working_days".into()
        }
    };
    vec![
        (
            "Capacity basis".into(),
            basis_of(&scenario.low_intensity),
            basis_of(&scenario.high_intensity),
        ),
        (
            "Working days".into(),
            days(
                &day_key(&scenario.low_intensity, "low_intensity"),
                cap.low.working_days,
            ),
            days(
                &day_key(&scenario.high_intensity, "high_intensity"),
                cap.high.working_days,
            ),
        ),
        (
            "Attended contacts".into(),
            grouped(cap.low.annual_contacts_per_wte, 0),
            grouped(cap.high.annual_contacts_per_wte, 0),
        ),
        (
            "Contacts per episode".into(),
            format!("{}", cap.low.contacts_per_episode),
            format!("{}", cap.high.contacts_per_episode),
        ),
        (
            "Episodes completed".into(),
            grouped(cap.low.episodes_per_wte, 1),
            grouped(cap.high.episodes_per_wte, 1),
        ),
    ]
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
