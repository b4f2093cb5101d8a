//! The scenario file as written: every key optional, unknown keys rejected, layers merged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use super::{
    legacy_key, mark_supervisors, preset_names, preset_text, CapacityBasis, Comorbidity, Entry,
    PayPoint, RatioBasis, RatioRole, RestMarker, RoleShare, Scenario, ScenarioSource, StepSettings,
};
use crate::inputs::normalize_band;
use crate::problems::{InputError, Problems};
use crate::Warnings;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    name: Option<String>,
    description: Option<String>,
    extends: Option<String>,
    population: Option<RawPopulation>,
    demand: Option<RawDemand>,
    stepped_care: Option<RawSteppedCare>,
    disorders: Option<BTreeMap<String, RawDisorder>>,
    /// The 2007 shorthand for `[steps.low]` and `[steps.high]`.
    low_intensity: Option<RawIntensity>,
    high_intensity: Option<RawIntensity>,
    steps: Option<IndexMap<String, RawIntensity>>,
    pathways: Option<IndexMap<String, RawPathway>>,
    capacity: Option<RawCapacity>,
    areas: Option<BTreeMap<String, RawArea>>,
    costs: Option<RawCosts>,
    supervision: Option<RawSupervision>,
    pipeline: Option<RawPipeline>,
    ratio_roles: Option<Vec<RawRatioRole>>,
    data: Option<RawData>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPopulation {
    age_min: Option<u32>,
    age_max: Option<u32>,
    areas: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDemand {
    presentation_rate: Option<f64>,
    detection_rate: Option<f64>,
    deprivation_factor: Option<f64>,
    comorbidity: Option<Comorbidity>,
    referral_weight: Option<f64>,
    medication_only: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSteppedCare {
    step2_entry: Option<f64>,
    step_up: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisorder {
    referral_weight: Option<f64>,
    medication_only: Option<f64>,
    /// 2007 shorthand for `steps.low.entry`.
    step2_entry: Option<f64>,
    /// 2007 shorthand for `steps.high.from.low`.
    step_up: Option<f64>,
    steps: Option<BTreeMap<String, RawStepOverride>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStepOverride {
    entry: Option<f64>,
    from: Option<BTreeMap<String, f64>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPathway {
    label: Option<String>,
    conditions: Option<Vec<String>>,
    presentation_rate: Option<f64>,
    detection_rate: Option<f64>,
    referral_weight: Option<f64>,
    medication_only: Option<f64>,
    min_band: Option<RawBand>,
}

/// `entry = 0.8` or `entry = "rest"`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
enum RawEntry {
    Share(f64),
    Rest(RestMarker),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntensity {
    label: Option<String>,
    contacts_per_episode: Option<f64>,
    contacts_per_day: Option<f64>,
    caseload: Option<f64>,
    clinical_hours_per_week: Option<f64>,
    contact_hours: Option<f64>,
    working_days: Option<f64>,
    roles: Option<Vec<RawRole>>,
    supervision_hours: Option<f64>,
    turnover: Option<f64>,
    protected_days_per_week: Option<f64>,
    entry: Option<RawEntry>,
    from: Option<IndexMap<String, f64>>,
    pathway: Option<String>,
}

/// A band as written: "5", "8a", "Band 6" or a bare number 5.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawBand {
    Number(i64),
    Text(String),
}

impl RawBand {
    fn as_written(&self) -> String {
        match self {
            RawBand::Number(n) => n.to_string(),
            RawBand::Text(t) => t.clone(),
        }
    }

    /// The normalised band, or the text as written (which `validate` then names as unknown).
    fn resolve(&self) -> String {
        let written = self.as_written();
        normalize_band(&written).unwrap_or(written)
    }
}

/// Every key optional here so that a missing one is reported with its file, line and table
/// (serde's own message has neither).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    role: Option<String>,
    band: Option<RawBand>,
    share: Option<f64>,
    supervises: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCosts {
    pay_point: Option<PayPoint>,
    on_cost_rate: Option<f64>,
    medication_course_cost: Option<f64>,
    salary: Option<BTreeMap<String, f64>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSupervision {
    low_hours: Option<f64>,
    high_hours: Option<f64>,
    hours_per_supervisor_wte: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPipeline {
    years: Option<f64>,
    turnover_low: Option<f64>,
    turnover_high: Option<f64>,
    training_years: Option<f64>,
    completion_rate: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRatioRole {
    role: Option<String>,
    band: Option<RawBand>,
    per: Option<String>,
    ratio: Option<f64>,
}

/// "file:line: [[table]] entry n has no `key`; ..." for a key an array-of-tables entry lacks.
fn missing_key(layer: &Layer, table: &str, n: usize, key: &str, what: &str) -> String {
    format!(
        "{}:{}: {table}.{n} (the [[{table}]] entry number {}) has no {key}; give {what}",
        layer.label,
        find_line(&layer.text, &format!("{table}.{n}"))
            .or_else(|| find_line(&layer.text, table))
            .unwrap_or(1),
        n + 1
    )
}

impl RawIntensity {
    fn has_contacts_form(&self) -> bool {
        self.contacts_per_day.is_some() || self.caseload.is_some()
    }
    fn has_hours_form(&self) -> bool {
        self.clinical_hours_per_week.is_some() || self.contact_hours.is_some()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCapacity {
    working_days: Option<f64>,
    dna_rate: Option<f64>,
    headroom: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    deprivation_factor: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    population: Option<String>,
    prevalence: Option<String>,
    areas: Option<String>,
    workforce: Option<String>,
}

/// One of the two ways of giving what a WTE delivers: its two keys and how to build it.
struct CapacityForm {
    name: &'static str,
    keys: [&'static str; 2],
    build: fn(f64, f64) -> CapacityBasis,
    read: fn(&CapacityBasis) -> Option<[f64; 2]>,
}

const CONTACTS_FORM: CapacityForm = CapacityForm {
    name: "contacts",
    keys: ["contacts_per_day", "caseload"],
    build: |contacts_per_day, caseload| CapacityBasis::ContactsPerDay {
        contacts_per_day,
        caseload,
    },
    read: |b| match *b {
        CapacityBasis::ContactsPerDay {
            contacts_per_day,
            caseload,
        } => Some([contacts_per_day, caseload]),
        CapacityBasis::ClinicalHours { .. } => None,
    },
};

const HOURS_FORM: CapacityForm = CapacityForm {
    name: "hours",
    keys: ["clinical_hours_per_week", "contact_hours"],
    build: |clinical_hours_per_week, contact_hours| CapacityBasis::ClinicalHours {
        clinical_hours_per_week,
        contact_hours,
    },
    read: |b| match *b {
        CapacityBasis::ClinicalHours {
            clinical_hours_per_week,
            contact_hours,
        } => Some([clinical_hours_per_week, contact_hours]),
        CapacityBasis::ContactsPerDay { .. } => None,
    },
};

/// One file of an `extends` chain.
#[derive(Debug, Clone)]
pub struct Layer {
    /// `path` or `preset:NAME`, used in messages.
    pub label: String,
    pub text: String,
    /// Folder that relative `[data]` and `extends` paths start from (None for presets).
    pub dir: Option<PathBuf>,
    pub raw: RawScenario,
    /// Keys this file sets that could not be read (unknown, or of the wrong type): reported
    /// with the problems `resolve` finds.
    pub problems: Vec<String>,
}

/// The 1-based line of a dotted key in TOML text, found by following `[table]` headers.
/// The n-th `[[array.of.tables]]` entry (from 0) is `array.of.tables.n`, and the name alone
/// finds the first entry.
pub fn find_line(text: &str, path: &str) -> Option<usize> {
    let mut table: Vec<String> = Vec::new();
    let mut entries: BTreeMap<String, usize> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let is_array = header.starts_with('[');
            let header = header.trim_start_matches('[');
            let end = header.find(']').unwrap_or(header.len());
            table = split_key(&header[..end]);
            if is_array {
                let name = table.join(".");
                let n = entries.entry(name.clone()).or_insert(0);
                if *n == 0 && name == path {
                    return Some(i + 1);
                }
                table.push(n.to_string());
                *n += 1;
            }
            if table.join(".") == path {
                return Some(i + 1);
            }
            continue;
        }
        if let Some(eq) = line.find('=') {
            let mut key = table.clone();
            key.extend(split_key(&line[..eq]));
            if key.join(".") == path {
                return Some(i + 1);
            }
        }
    }
    None
}

fn split_key(key: &str) -> Vec<String> {
    key.split('.')
        .map(|k| k.trim().trim_matches('"').trim_matches('\'').to_string())
        .collect()
}

/// Reads one scenario file, reporting every unknown key and every value of the wrong type or
/// form in one run. Serde stops at the first; the keys it knows stay declared once, in the
/// `Raw*` structs: each problem's line is set aside (commented out, so that line numbers
/// stay) and the text read again, until it reads. The problems go with the layer, so that
/// `resolve` adds the bad values it finds in the rest.
fn parse_layer(label: &str, text: &str, dir: Option<PathBuf>) -> Result<Layer, InputError> {
    let mut work: Vec<String> = text.lines().map(str::to_string).collect();
    // (line, message): listed in the order of the file, not of discovery.
    let mut found: Vec<(usize, String)> = Vec::new();
    let in_order = |mut found: Vec<(usize, String)>| -> Vec<String> {
        found.sort_by_key(|(line, _)| *line);
        found.into_iter().map(|(_, m)| m).collect()
    };
    // Each round sets aside at least one line that was live, so this ends.
    loop {
        let current = work.join("\n");
        let e = match toml::from_str::<RawScenario>(&current) {
            Ok(raw) => {
                return Ok(Layer {
                    label: label.to_string(),
                    text: text.to_string(),
                    dir,
                    raw,
                    problems: in_order(found),
                })
            }
            Err(e) => e,
        };
        let (message, line) = describe_parse_error(label, &current, &e);
        found.push((line.unwrap_or(0), message));
        let Some(line) = line else {
            return Err(InputError {
                problems: in_order(found),
            });
        };
        let before = work.clone();
        set_aside(&mut work, line);
        if work == before {
            return Err(InputError {
                problems: in_order(found),
            });
        }
    }
}

/// Comments out line `line` (1-based) and, when it is a `[table]` header, the keys under it.
fn set_aside(work: &mut [String], line: usize) {
    let Some(first) = line.checked_sub(1).filter(|&i| i < work.len()) else {
        return;
    };
    let live = |l: &str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let is_header = |l: &str| {
        let t = l.trim_start();
        t.starts_with('[')
            && t[1..]
                .trim_start()
                .starts_with(|c: char| c == '[' || c.is_alphanumeric() || c == '"' || c == '_')
    };
    let header = is_header(&work[first]);
    for (i, l) in work.iter_mut().enumerate().skip(first) {
        if i > first && (!header || is_header(l)) {
            break;
        }
        if live(l) {
            *l = format!("# {l}");
        }
    }
}

/// The message for one error of serde or the TOML parser, and the line it is about.
fn describe_parse_error(label: &str, text: &str, e: &toml::de::Error) -> (String, Option<usize>) {
    let message = e.message().trim();
    let span_line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    // For an unknown key toml points at its table; the key's own line (or its own
    // `[table]` header), in that table, helps more.
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next());
    if let Some(key) = unknown {
        let from = span_line.unwrap_or(1) - 1;
        let is_key = |l: &str| {
            let l = l.trim_start();
            let own_key = l
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='));
            let own_table = l.strip_prefix('[').is_some_and(|h| {
                let h = h.trim_start_matches('[');
                let name = &h[..h.find(']').unwrap_or(h.len())];
                split_key(name).last().map(String::as_str) == Some(key)
            });
            own_key || own_table
        };
        let line = text
            .lines()
            .enumerate()
            .skip(from)
            .find(|(_, l)| is_key(l))
            .or_else(|| text.lines().enumerate().find(|(_, l)| is_key(l)))
            .map(|(i, _)| i + 1)
            .or(span_line);
        let at = line.map(|l| format!(":{l}")).unwrap_or_default();
        return (format!("{label}{at}: {message}"), line);
    }
    let Some(line) = span_line else {
        return (format!("{label}: {message}"), None);
    };
    // `50%` and `0,5` (a spreadsheet's way) are TOML syntax errors: say what to write.
    if let Some((path, value)) = key_at(text, line) {
        if let Some(hint) = spreadsheet_number(&value) {
            return (
                format!("{label}:{line}: {path} = {value}: {hint}"),
                Some(line),
            );
        }
    }
    let message = match plain_type_error_at(text, line, message) {
        Some(plain) => format!("{label}:{plain}"),
        None => format!("{label}:{line}: {message}"),
    };
    (message, Some(line))
}

fn read_source(source: &ScenarioSource) -> Result<Layer, InputError> {
    match source {
        ScenarioSource::Preset(name) => {
            let text = preset_text(name).ok_or_else(|| {
                InputError::one(format!(
                    "no scenario file '{name}' and no preset of that name; presets: {} (or give a path to a .toml file)",
                    preset_names().join(", ")
                ))
            })?;
            parse_layer(&format!("preset:{name}"), text, None)
        }
        ScenarioSource::File(path) => {
            let text = crate::inputs::read_text_file(path, "scenario")?;
            if text.trim().is_empty() {
                return Err(InputError::one(format!(
                    "{}: the scenario file is empty; write at least `name = \"...\"`, or run `capacity init {}`",
                    path.display(),
                    path.display()
                )));
            }
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            parse_layer(&path.display().to_string(), &text, Some(dir))
        }
    }
}

/// The layers from the named scenario down to the base it extends, the base last.
pub fn load_chain(source: &ScenarioSource) -> Result<Vec<Layer>, InputError> {
    let first = read_source(source)?;
    follow_extends(vec![first])
}

pub fn load_chain_from_text(
    label: &str,
    text: &str,
    dir: Option<PathBuf>,
) -> Result<Vec<Layer>, InputError> {
    follow_extends(vec![parse_layer(label, text, dir)?])
}

fn follow_extends(mut layers: Vec<Layer>) -> Result<Vec<Layer>, InputError> {
    loop {
        let last = layers.last().expect("at least one layer");
        let Some(parent) = last.raw.extends.clone() else {
            return Ok(layers);
        };
        // A bare name is a preset (whatever files the current folder holds); anything else
        // is a file relative to the scenario that names it.
        let is_path = parent.ends_with(".toml") || parent.contains(['/', '\\']);
        let source = match &last.dir {
            _ if !is_path => ScenarioSource::Preset(parent.clone()),
            Some(dir) => ScenarioSource::File(dir.join(&parent)),
            None => ScenarioSource::from_arg(&parent),
        };
        let at = format!(
            "{}:{}",
            last.label,
            find_line(&last.text, "extends").unwrap_or(1)
        );
        let layer = read_source(&source).map_err(|e| {
            InputError::one(format!(
                "{at}: extends = \"{parent}\" cannot be loaded: {e}"
            ))
        })?;
        if layers.iter().any(|l| same_source(l, &layer)) || layers.len() > 32 {
            return Err(InputError::one(format!(
                "{at}: extends = \"{parent}\" makes a cycle ({} -> {}); a scenario cannot extend itself",
                layers.iter().map(|l| l.label.as_str()).collect::<Vec<_>>().join(" -> "),
                layer.label
            )));
        }
        layers.push(layer);
    }
}

/// "LINE: key = value: what is expected" for a serde type error on a line of TOML text, or
/// None when the error is not about one key's type.
pub fn plain_type_error_at(text: &str, line: usize, message: &str) -> Option<String> {
    let (path, value) = key_at(text, line)?;
    let what = plain_type_error(&path, message.trim())?;
    Some(format!("{line}: {path} = {value}: {what}"))
}

/// The dotted key set on a line of TOML text, and the value as written: the last `[table]`
/// or `[[array]]` header above the line, then the line's own key.
fn key_at(text: &str, line: usize) -> Option<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let own = lines.get(line.checked_sub(1)?)?;
    let (key, value) = own.split_once('=')?;
    let key = key.trim();
    if key.is_empty() || key.starts_with('#') {
        return None;
    }
    let value = value.split(" #").next().unwrap_or(value).trim().to_string();
    let table = lines[..line - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    let path = match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    };
    Some((path, value))
}

/// A serde type error ("invalid type: string \"0.5\", expected f64") in a planner's words.
fn plain_type_error(path: &str, message: &str) -> Option<String> {
    if message.starts_with("unknown field") {
        return None; // not a type: said as it is, with the keys that would be valid
    }
    if message.starts_with("unknown variant") {
        return Some(message.replace("unknown variant", "not a choice:"));
    }
    if message.contains("too large to fit") {
        return Some("too large a number".into());
    }
    let expected = message.rsplit("expected ").next()?;
    // A whole number past its type's range is one: say the range it must lie in.
    if message.contains("invalid value: integer") {
        let ages = crate::inputs::MAX_AGE as u64;
        let max = match expected.trim() {
            _ if path.ends_with("age_max") => ages + 1,
            _ if path.ends_with("age_min") => ages,
            "u32" => u32::MAX as u64,
            "u64" | "usize" => u64::MAX,
            _ => return None,
        };
        return Some(format!(
            "out of range: expected a whole number from 0 to {max}"
        ));
    }
    let want = match expected.trim() {
        "f64" | "f32" => "a number",
        "u32" | "u64" | "usize" => "a whole number, 0 or more",
        "i64" | "i32" => "a whole number",
        "a boolean" | "bool" => "true or false",
        "a string" | "a borrowed string" => "text in quotes",
        "a sequence" if path.ends_with("areas") => "a list in brackets, e.g. [\"E54000008\"]",
        "a sequence" => "a list in brackets [...] (or [[tables]])",
        "a map" => "a table [...] of keys",
        e if e.starts_with("struct ") => "a table [...] of keys, not a value",
        other if other.starts_with("one of") => return Some(format!("expected {other}")),
        _ => return None,
    };
    let hint = if message.contains("invalid type: string") && want.contains("number") {
        if let Some(value) = message
            .strip_prefix("invalid type: string \"")
            .and_then(|m| m.split('"').next())
        {
            if let Some(hint) = spreadsheet_number(value) {
                return Some(format!("expected {want}; {hint}"));
            }
        }
        " (write it without quotes)"
    } else {
        ""
    };
    Some(format!("expected {want}{hint}"))
}

/// What to write instead of a number as a spreadsheet shows it: "50%" (a per cent sign) or
/// "0,5" (a decimal comma), quoted or not; None for anything else.
fn spreadsheet_number(value: &str) -> Option<String> {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    let (number, percent) = match v.strip_suffix('%') {
        Some(n) => (n.trim_end(), true),
        None => (v, false),
    };
    let comma = number.contains(',');
    if !percent && !comma {
        return None;
    }
    let (whole, frac) = number.split_once([',', '.']).unwrap_or((number, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.contains(',') {
        return None;
    }
    // Shift the point two places for a per cent, in decimal text so that no binary noise
    // shows: 7.5% -> 0.075.
    let (mut whole, mut frac) = (whole.to_string(), frac.to_string());
    if percent {
        let width = whole.len().max(3);
        let padded = format!("{whole:0>width$}");
        let (w, f) = padded.split_at(width - 2);
        frac = format!("{f}{frac}");
        whole = w.to_string();
    }
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        w => w,
    };
    let frac = format!("{frac:0<2}");
    let written = format!("{whole}.{frac}");
    Some(if percent {
        format!(
            "a per cent sign is not a number in TOML; write {written} (rates are fractions: {number}% is {written})"
        )
    } else {
        format!("a decimal comma is not a number in TOML; write {written}, with a decimal point")
    })
}

/// Whether two layers are the same file (`a.toml` and `./a.toml` are) or the same preset.
fn same_source(a: &Layer, b: &Layer) -> bool {
    if a.label == b.label {
        return true;
    }
    match (
        a.dir.is_some() && b.dir.is_some(),
        std::fs::canonicalize(&a.label),
        std::fs::canonicalize(&b.label),
    ) {
        (true, Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Merges the layers (base first, each overriding the one before) into a resolved scenario,
/// then validates it, naming the file and line that set each bad value.
pub fn resolve(layers: Vec<Layer>) -> Result<(Scenario, Warnings), InputError> {
    let mut s = Scenario::defaults();
    let mut problems = Problems::new();
    for layer in layers.iter().rev() {
        for p in &layer.problems {
            problems.push(p.clone());
        }
    }
    // Which layer set each key last, for messages.
    let mut origin: BTreeMap<String, usize> = BTreeMap::new();
    let set = |origin: &mut BTreeMap<String, usize>, path: String, li: usize| {
        origin.insert(path, li);
    };
    for (li, layer) in layers.iter().enumerate().rev() {
        let r = &layer.raw;
        if let Some(v) = &r.name {
            s.name = v.clone();
        }
        if let Some(v) = &r.description {
            s.description = v.clone();
        }
        if let Some(p) = &r.population {
            if let Some(v) = p.age_min {
                s.population.age_min = v;
                set(&mut origin, "population.age_min".into(), li);
            }
            if let Some(v) = p.age_max {
                s.population.age_max = v;
                set(&mut origin, "population.age_max".into(), li);
            }
            if let Some(v) = &p.areas {
                s.population.areas = v.clone();
                set(&mut origin, "population.areas".into(), li);
            }
        }
        if let Some(d) = &r.demand {
            let fields = [
                (
                    "presentation_rate",
                    d.presentation_rate,
                    &mut s.demand.presentation_rate,
                ),
                (
                    "detection_rate",
                    d.detection_rate,
                    &mut s.demand.detection_rate,
                ),
                (
                    "deprivation_factor",
                    d.deprivation_factor,
                    &mut s.demand.deprivation_factor,
                ),
                (
                    "referral_weight",
                    d.referral_weight,
                    &mut s.demand.referral_weight,
                ),
                (
                    "medication_only",
                    d.medication_only,
                    &mut s.demand.medication_only,
                ),
            ];
            for (key, value, slot) in fields {
                if let Some(v) = value {
                    *slot = v;
                    set(&mut origin, format!("demand.{key}"), li);
                }
            }
            if let Some(c) = d.comorbidity {
                s.demand.comorbidity = c;
                set(&mut origin, "demand.comorbidity".into(), li);
            }
        }
        if let Some(st) = &r.stepped_care {
            // 2007 shorthand: the entry share of step 2 and the step-up from low to high.
            if let Some(v) = st.step2_entry {
                if let Some(low) = s.step_mut("low") {
                    low.entry = Entry::Share(v);
                }
                set(&mut origin, "steps.low.entry".into(), li);
            }
            if let Some(v) = st.step_up {
                if let Some(high) = s.step_mut("high") {
                    match high.from.iter_mut().find(|(f, _)| f == "low") {
                        Some(slot) => slot.1 = v,
                        None => high.from.push(("low".into(), v)),
                    }
                }
                set(&mut origin, "steps.high.from.low".into(), li);
            }
        }
        for (id, d) in r.disorders.iter().flatten() {
            let o = s.disorders.entry(id.clone()).or_default();
            for (key, value, slot) in [
                ("referral_weight", d.referral_weight, &mut o.referral_weight),
                ("medication_only", d.medication_only, &mut o.medication_only),
            ] {
                if value.is_some() {
                    *slot = value;
                    set(&mut origin, format!("disorders.{id}.{key}"), li);
                }
            }
            let mut routes: Vec<(String, Option<String>, f64)> = Vec::new();
            if let Some(v) = d.step2_entry {
                routes.push(("low".into(), None, v));
            }
            if let Some(v) = d.step_up {
                routes.push(("high".into(), Some("low".into()), v));
            }
            for (step, x) in d.steps.iter().flatten() {
                if let Some(v) = x.entry {
                    routes.push((step.clone(), None, v));
                }
                for (from, v) in x.from.iter().flatten() {
                    routes.push((step.clone(), Some(from.clone()), *v));
                }
                set(&mut origin, format!("disorders.{id}.steps.{step}"), li);
            }
            for (step, from, v) in routes {
                let o = o.steps.entry(step.clone()).or_default();
                let path = match from {
                    None => {
                        o.entry = Some(v);
                        format!("disorders.{id}.steps.{step}.entry")
                    }
                    Some(from) => {
                        o.from.insert(from.clone(), v);
                        format!("disorders.{id}.steps.{step}.from.{from}")
                    }
                };
                set(&mut origin, path, li);
            }
            set(&mut origin, format!("disorders.{id}"), li);
        }
        for (id, rp) in r.pathways.iter().flatten() {
            let path = format!("pathways.{id}");
            if !s.pathways.iter().any(|p| p.id == *id) {
                s.pathways.push(super::PathwaySettings {
                    id: id.clone(),
                    label: id.clone(),
                    conditions: Vec::new(),
                    presentation_rate: None,
                    detection_rate: None,
                    referral_weight: None,
                    medication_only: None,
                    min_band: None,
                });
                set(&mut origin, path.clone(), li);
            }
            let p = s
                .pathways
                .iter_mut()
                .find(|p| p.id == *id)
                .expect("pathway just made");
            if let Some(v) = &rp.label {
                p.label = v.clone();
            }
            if let Some(v) = &rp.conditions {
                p.conditions = v.iter().map(|c| c.trim().to_string()).collect();
                set(&mut origin, format!("{path}.conditions"), li);
            }
            if let Some(v) = &rp.min_band {
                p.min_band = Some(v.resolve());
                set(&mut origin, format!("{path}.min_band"), li);
            }
            for (key, value, slot) in [
                (
                    "presentation_rate",
                    rp.presentation_rate,
                    &mut p.presentation_rate,
                ),
                ("detection_rate", rp.detection_rate, &mut p.detection_rate),
                (
                    "referral_weight",
                    rp.referral_weight,
                    &mut p.referral_weight,
                ),
                (
                    "medication_only",
                    rp.medication_only,
                    &mut p.medication_only,
                ),
            ] {
                if value.is_some() {
                    *slot = value;
                    set(&mut origin, format!("{path}.{key}"), li);
                }
            }
        }
        // The 2007 sections first, as the steps `low` and `high`, then `[steps.<id>]`.
        let mut written: Vec<(String, String, &RawIntensity)> = Vec::new();
        for (section, id, raw) in [
            ("low_intensity", "low", &r.low_intensity),
            ("high_intensity", "high", &r.high_intensity),
        ] {
            if let Some(raw) = raw {
                written.push((section.to_string(), id.to_string(), raw));
            }
        }
        for (id, raw) in r.steps.iter().flatten() {
            written.push((format!("steps.{id}"), id.clone(), raw));
        }
        for (section, id, ri) in written {
            let canonical = format!("steps.{id}");
            if s.step(&id).is_none() {
                // A new step: what it needs has no default.
                if ri.contacts_per_episode.is_none() {
                    problems.push(format!(
                        "{}:{}: [{section}] is a new step and has no contacts_per_episode; give it, e.g. contacts_per_episode = 8",
                        layer.label,
                        find_line(&layer.text, &section).unwrap_or(1)
                    ));
                }
                if !ri.has_contacts_form() && !ri.has_hours_form() {
                    problems.push(format!(
                        "{}:{}: [{section}] is a new step and has no capacity form; give contacts_per_day + caseload, or clinical_hours_per_week + contact_hours",
                        layer.label,
                        find_line(&layer.text, &section).unwrap_or(1)
                    ));
                }
                s.steps.push(StepSettings {
                    id: id.clone(),
                    label: id.clone(),
                    contacts_per_episode: 0.0,
                    basis: CapacityBasis::ContactsPerDay {
                        contacts_per_day: f64::NAN,
                        caseload: f64::NAN,
                    },
                    working_days: None,
                    roles: vec![],
                    supervision_hours: 0.0,
                    turnover: 0.0,
                    protected_days_per_week: None,
                    entry: Entry::Share(0.0),
                    pathway: None,
                    from: vec![],
                });
                set(&mut origin, canonical.clone(), li);
            }
            let target = s.step_mut(&id).expect("step just made");
            if let Some(v) = &ri.label {
                target.label = v.clone();
            }
            if let Some(v) = &ri.pathway {
                target.pathway = Some(v.trim().to_string());
                set(&mut origin, format!("{canonical}.pathway"), li);
            }
            for (key, value, slot) in [
                (
                    "supervision_hours",
                    ri.supervision_hours,
                    &mut target.supervision_hours,
                ),
                ("turnover", ri.turnover, &mut target.turnover),
            ] {
                if let Some(v) = value {
                    *slot = v;
                    set(&mut origin, format!("{canonical}.{key}"), li);
                }
            }
            if let Some(e) = ri.entry {
                target.entry = match e {
                    RawEntry::Share(v) => Entry::Share(v),
                    RawEntry::Rest(m) => Entry::Rest(m),
                };
                set(&mut origin, format!("{canonical}.entry"), li);
            }
            for (from, v) in ri.from.iter().flatten() {
                match target.from.iter_mut().find(|(f, _)| f == from) {
                    Some(slot) => slot.1 = *v,
                    None => target.from.push((from.clone(), *v)),
                }
                set(&mut origin, format!("{canonical}.from.{from}"), li);
            }
            let at = |key: &str| {
                format!(
                    "{}:{}",
                    layer.label,
                    find_line(&layer.text, &format!("{section}.{key}"))
                        .or_else(|| find_line(&layer.text, &section))
                        .unwrap_or(1)
                )
            };
            if let Some(v) = ri.contacts_per_episode {
                target.contacts_per_episode = v;
                set(&mut origin, format!("{canonical}.contacts_per_episode"), li);
            }
            if let Some(v) = ri.working_days {
                target.working_days = Some(v);
                set(&mut origin, format!("{canonical}.working_days"), li);
            }
            if let Some(v) = ri.protected_days_per_week {
                target.protected_days_per_week = Some(v);
                set(
                    &mut origin,
                    format!("{canonical}.protected_days_per_week"),
                    li,
                );
            }
            if let Some(roles) = &ri.roles {
                // A layer that lists roles replaces the skill mix below it.
                let table = format!("{section}.roles");
                for (n, r) in roles.iter().enumerate() {
                    for (key, absent, what) in [
                        (
                            "role",
                            r.role.is_none(),
                            "the role's name, e.g. role = \"PWP\"",
                        ),
                        (
                            "band",
                            r.band.is_none(),
                            "its Agenda for Change band, e.g. band = \"5\"",
                        ),
                        (
                            "share",
                            r.share.is_none(),
                            "its share of the intensity's WTE, e.g. share = 0.85",
                        ),
                    ] {
                        if absent {
                            problems.push(missing_key(layer, &table, n, key, what));
                        }
                    }
                }
                target.roles = roles
                    .iter()
                    .map(|r| RoleShare {
                        role: r.role.as_deref().unwrap_or("").trim().to_string(),
                        band: r.band.as_ref().map(RawBand::resolve).unwrap_or_default(),
                        share: r.share.unwrap_or(0.0),
                        supervises: false,
                    })
                    .collect();
                let given: Vec<Option<bool>> = roles.iter().map(|r| r.supervises).collect();
                mark_supervisors(&mut target.roles, &given);
                set(&mut origin, format!("{canonical}.roles"), li);
                for n in 0..roles.len() {
                    for key in ["", ".role", ".band", ".share"] {
                        set(&mut origin, format!("{canonical}.roles.{n}{key}"), li);
                    }
                }
            }
            let form = match (ri.has_contacts_form(), ri.has_hours_form()) {
                (true, true) => {
                    problems.push(format!(
                        "{}: [{section}] gives both contacts_per_day/caseload and clinical_hours_per_week/contact_hours; give one capacity form: contacts_per_day + caseload, or clinical_hours_per_week + contact_hours",
                        at("clinical_hours_per_week")
                    ));
                    None
                }
                (true, false) => Some((&CONTACTS_FORM, [ri.contacts_per_day, ri.caseload])),
                (false, true) => {
                    Some((&HOURS_FORM, [ri.clinical_hours_per_week, ri.contact_hours]))
                }
                (false, false) => None,
            };
            if let Some((form, given)) = form {
                // A layer that writes one form replaces the other form of the layer below; a
                // key it leaves out is inherited only from the same form.
                let inherited = (form.read)(&target.basis);
                match (
                    given[0].or(inherited.map(|v| v[0])),
                    given[1].or(inherited.map(|v| v[1])),
                ) {
                    (Some(a), Some(b)) => {
                        target.basis = (form.build)(a, b);
                        for key in form.keys {
                            set(&mut origin, format!("{canonical}.{key}"), li);
                        }
                    }
                    _ => {
                        let (have, lack) = if given[0].is_some() {
                            (form.keys[0], form.keys[1])
                        } else {
                            (form.keys[1], form.keys[0])
                        };
                        problems.push(format!(
                            "{}: [{section}] gives {have} without {lack}; the {} form needs both {} and {}",
                            at(have),
                            form.name,
                            form.keys[0],
                            form.keys[1]
                        ));
                    }
                }
            }
        }
        if let Some(c) = &r.capacity {
            for (key, value, slot) in [
                ("working_days", c.working_days, &mut s.capacity.working_days),
                ("dna_rate", c.dna_rate, &mut s.capacity.dna_rate),
                ("headroom", c.headroom, &mut s.capacity.headroom),
            ] {
                if let Some(v) = value {
                    *slot = v;
                    set(&mut origin, format!("capacity.{key}"), li);
                }
            }
        }
        for (code, a) in r.areas.iter().flatten() {
            let o = s.areas.entry(code.clone()).or_default();
            if a.deprivation_factor.is_some() {
                o.deprivation_factor = a.deprivation_factor;
                set(&mut origin, format!("areas.{code}.deprivation_factor"), li);
            }
            set(&mut origin, format!("areas.{code}"), li);
        }
        if let Some(c) = &r.costs {
            if let Some(v) = c.pay_point {
                s.costs.pay_point = v;
                set(&mut origin, "costs.pay_point".into(), li);
            }
            if let Some(v) = c.on_cost_rate {
                s.costs.on_cost_rate = v;
                set(&mut origin, "costs.on_cost_rate".into(), li);
            }
            if let Some(v) = c.medication_course_cost {
                s.costs.medication_course_cost = Some(v);
                set(&mut origin, "costs.medication_course_cost".into(), li);
            }
            for (band, v) in c.salary.iter().flatten() {
                // Unknown bands are kept as written so that `validate` can name them.
                let key = normalize_band(band).unwrap_or_else(|| band.clone());
                s.costs.salary.insert(key.clone(), *v);
                set(&mut origin, format!("costs.salary.{key}"), li);
            }
        }
        if let Some(sv) = &r.supervision {
            if let Some(v) = sv.hours_per_supervisor_wte {
                s.supervision.hours_per_supervisor_wte = v;
                set(
                    &mut origin,
                    "supervision.hours_per_supervisor_wte".into(),
                    li,
                );
            }
            // 2007 shorthand for each step's own supervision hours.
            for (id, value) in [("low", sv.low_hours), ("high", sv.high_hours)] {
                if let (Some(v), Some(step)) = (value, s.step_mut(id)) {
                    step.supervision_hours = v;
                    set(&mut origin, format!("steps.{id}.supervision_hours"), li);
                }
            }
        }
        if let Some(p) = &r.pipeline {
            for (key, value, slot) in [
                ("years", p.years, &mut s.pipeline.years),
                (
                    "training_years",
                    p.training_years,
                    &mut s.pipeline.training_years,
                ),
                (
                    "completion_rate",
                    p.completion_rate,
                    &mut s.pipeline.completion_rate,
                ),
            ] {
                if let Some(v) = value {
                    *slot = v;
                    set(&mut origin, format!("pipeline.{key}"), li);
                }
            }
            // 2007 shorthand for each step's own turnover.
            for (id, value) in [("low", p.turnover_low), ("high", p.turnover_high)] {
                if let (Some(v), Some(step)) = (value, s.step_mut(id)) {
                    step.turnover = v;
                    set(&mut origin, format!("steps.{id}.turnover"), li);
                }
            }
        }
        if let Some(list) = &r.ratio_roles {
            // A layer that lists ratio roles replaces those below it (`ratio_roles = []`
            // removes them).
            for (n, r) in list.iter().enumerate() {
                for (key, absent, what) in [
                    ("role", r.role.is_none(), "the role's name, e.g. role = \"Employment adviser\""),
                    ("band", r.band.is_none(), "its Agenda for Change band, e.g. band = \"5\""),
                    ("per", r.per.is_none(), "what it is in proportion to: per = \"<step>_wte\" (e.g. \"low_wte\"), \"total_wte\" or \"population_in_scope\""),
                    ("ratio", r.ratio.is_none(), "WTE per unit of `per`, e.g. ratio = 0.125 for 1 per 8"),
                ] {
                    if absent {
                        problems.push(missing_key(layer, "ratio_roles", n, key, what));
                    }
                }
            }
            s.ratio_roles = list
                .iter()
                .map(|r| RatioRole {
                    role: r.role.as_deref().unwrap_or("").trim().to_string(),
                    band: r.band.as_ref().map(RawBand::resolve).unwrap_or_default(),
                    per: r
                        .per
                        .as_deref()
                        .map_or(RatioBasis::TotalWte, RatioBasis::parse),
                    ratio: r.ratio.unwrap_or(0.0),
                })
                .collect();
            set(&mut origin, "ratio_roles".into(), li);
            for n in 0..list.len() {
                for key in ["", ".role", ".band", ".per", ".ratio"] {
                    set(&mut origin, format!("ratio_roles.{n}{key}"), li);
                }
            }
        }
        if let Some(d) = &r.data {
            let dir = layer.dir.clone().unwrap_or_default();
            for (value, slot) in [
                (&d.population, &mut s.data.population),
                (&d.prevalence, &mut s.data.prevalence),
                (&d.areas, &mut s.data.areas),
                (&d.workforce, &mut s.data.workforce),
            ] {
                if let Some(p) = value {
                    *slot = Some(dir.join(p));
                }
            }
        }
    }
    s.sources = layers.iter().map(|l| l.label.clone()).collect();
    // A file that gives no name is its file's scenario, not the one it extends: named after
    // the file, described by what it is based on.
    let top = &layers[0];
    if top.raw.name.is_none() && top.dir.is_some() {
        let stem = Path::new(&top.label)
            .file_stem()
            .map_or(top.label.clone(), |s| s.to_string_lossy().into_owned());
        if top.raw.description.is_none() {
            s.description = format!("based on {}: {}", s.name, s.description);
        }
        s.name = stem;
    }
    let locate = |path: &str| -> String {
        let li = origin.get(path).copied().unwrap_or(0);
        let layer = &layers[li];
        // A 2007 file writes `[low_intensity]` where the key is `steps.low`; an inline table
        // (`from = { low = 0.1 }`) is found by its own key.
        let find = |at: &str| {
            find_line(&layer.text, at)
                .or_else(|| legacy_key(at).and_then(|l| find_line(&layer.text, &l)))
        };
        let line = find(path).or_else(|| {
            path.rsplit_once('.')
                .filter(|(parent, _)| parent.ends_with(".from"))
                .and_then(|(parent, _)| find(parent))
        });
        match line {
            Some(line) => format!("{}:{line}", layer.label),
            None => layer.label.clone(),
        }
    };
    s.origins = origin.keys().map(|k| (k.clone(), locate(k))).collect();
    let (more, warnings) = s.validate(&locate);
    for p in more
        .finish(())
        .err()
        .map(|e| e.problems)
        .unwrap_or_default()
    {
        problems.push(p);
    }
    problems.finish((s, warnings))
}
