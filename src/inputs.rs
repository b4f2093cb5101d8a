//! The input tables of MODEL.md section 1, parsed and validated from CSV text.
//!
//! Each parser takes a source name (the file path, or `embedded data/...`) and the text, and
//! returns either the whole table or every problem in it, each naming the source and line.

use std::collections::HashMap;

use crate::problems::{percent_hint, short, InputError, Problems};

/// Ages above this are treated as a typo: no survey or census band goes past it.
pub const MAX_AGE: u32 = 150;
/// The largest population or WTE a row may give: far beyond any real one, far below what
/// would overflow the results computed from it.
pub const MAX_COUNT: f64 = 1e15;
/// A population above this for one area, or WTE above `PLAUSIBLE_WTE`, is most likely a
/// mistake (a unit, a pasted column): worth a warning.
pub const PLAUSIBLE_POPULATION: f64 = 1e8;
pub const PLAUSIBLE_WTE: f64 = 1e6;

/// The disorders of MODEL.md section 1, in display order; `any` is the comorbidity total.
pub const KNOWN_DISORDERS: [&str; 7] = [
    "depression",
    "gad",
    "panic",
    "phobias",
    "ocd",
    "mixed",
    "ptsd",
];
pub const ANY: &str = "any";

/// Agenda for Change bands, lowest first.
pub const BANDS: [&str; 12] = [
    "1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9",
];

/// "Band 8A", " 8a", "5" -> Some("8a"), Some("5"); None when it is not an Agenda for Change
/// band.
pub fn normalize_band(text: &str) -> Option<String> {
    let b = text.trim().to_ascii_lowercase();
    let b = b.strip_prefix("band").unwrap_or(&b).trim();
    BANDS.contains(&b).then(|| b.to_string())
}

/// The position of a band in `BANDS` (higher is more senior).
pub fn band_rank(band: &str) -> Option<usize> {
    BANDS.iter().position(|b| *b == band)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sex {
    F,
    M,
    All,
}

impl Sex {
    pub fn parse(s: &str) -> Option<Sex> {
        match s.trim() {
            "F" | "f" => Some(Sex::F),
            "M" | "m" => Some(Sex::M),
            "all" | "All" | "ALL" => Some(Sex::All),
            _ => None,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sex::F => "F",
            Sex::M => "M",
            Sex::All => "all",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRow {
    pub line: u64,
    pub area_code: String,
    pub area_name: Option<String>,
    pub age_from: u32,
    pub age_to: u32,
    pub sex: Sex,
    pub population: f64,
}

#[derive(Debug, Clone)]
pub struct Population {
    pub source: String,
    pub rows: Vec<PopulationRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrevalenceRow {
    pub line: u64,
    pub disorder: String,
    pub age_from: u32,
    pub age_to: u32,
    pub sex: Sex,
    pub rate: f64,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Prevalence {
    pub source: String,
    pub rows: Vec<PrevalenceRow>,
    /// Disorders in the table other than `any`: KNOWN_DISORDERS in order, then any other
    /// condition (of a pathway of its own) in order of first appearance.
    pub disorders: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AreaRow {
    pub line: u64,
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub prevalence_factor: f64,
    /// The NHS Organisation Data Service code (e.g. QOP for an ICB, 00T for a sub-ICB
    /// location), by which NHS publications name areas; optional.
    pub ods_code: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Areas {
    pub source: String,
    pub rows: Vec<AreaRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkforceRow {
    pub line: u64,
    pub area_code: Option<String>,
    pub role: String,
    pub band: Option<String>,
    pub wte: f64,
    /// Fraction of time on each step's work, by step id (`<id>_share` columns; the 2007
    /// `li_share` and `hi_share` are `low` and `high`).
    pub shares: Vec<(String, f64)>,
    pub capacity_factor: f64,
}

#[derive(Debug, Clone)]
pub struct Workforce {
    pub source: String,
    pub rows: Vec<WorkforceRow>,
}

/// Reads a text file, naming the file and, for text that is not UTF-8 (a CSV saved by Excel
/// as "CSV (Comma delimited)" is Windows-1252), the line of the first bad byte.
pub fn read_text_file(path: &std::path::Path, what: &str) -> Result<String, InputError> {
    let bytes = std::fs::read(path).map_err(|e| {
        InputError::one(format!(
            "{}: cannot read the {what} file: {e}",
            path.display()
        ))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        InputError::one(format!(
            "{}:{line}: the {what} file is not UTF-8 text (byte 0x{:02X} at offset {at}); save it as UTF-8 (in Excel: \"CSV UTF-8 (Comma delimited)\")",
            path.display(),
            bytes[at]
        ))
    })
}

/// The 1-based line on which a CSV record starts, from the byte offset the csv crate gives.
struct LineIndex<'a> {
    text: &'a [u8],
    /// Offsets of every '\n'.
    newlines: Vec<usize>,
}

impl LineIndex<'_> {
    fn new(text: &str) -> LineIndex<'_> {
        LineIndex {
            text: text.as_bytes(),
            newlines: text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    fn line_of(&self, byte: u64) -> u64 {
        // The offset can point at the line ends before the record (the '\n' of a CRLF, or
        // blank lines the reader skipped): the record starts after them.
        let mut at = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while at < self.text.len() && matches!(self.text[at], b'\r' | b'\n') {
            at += 1;
        }
        self.newlines.partition_point(|&i| i < at) as u64 + 1
    }
}

/// A CSV table with named columns, read fully so that every row can be checked.
struct Table {
    source: String,
    columns: HashMap<String, usize>,
    records: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn read(
        source: &str,
        text: &str,
        required: &[&str],
        optional: &[&str],
    ) -> Result<Table, InputError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(InputError::one(format!(
                "{source}: the file is empty; expected a CSV header with columns {}",
                required.join(", ")
            )));
        }
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| InputError::one(format!("{source}: cannot read the CSV header: {e}")))?
            .clone();
        let mut columns: HashMap<String, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let name = h.trim().to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            let known = required.contains(&name.as_str()) || optional.contains(&name.as_str());
            if let Some(first) = columns.insert(name.clone(), i).filter(|_| known) {
                // Which of two same-named columns is meant cannot be guessed (a repeated
                // column the tool does not read, e.g. two "notes", does no harm).
                return Err(InputError::one(format!(
                    "{source}:1: column {name} appears twice (columns {} and {}); each column once",
                    first + 1,
                    i + 1
                )));
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !columns.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            // Excel saves "CSV" with semicolons where the locale writes decimal commas.
            if headers.iter().any(|h| h.contains(';')) {
                return Err(InputError::one(format!(
                    "{source}:1: the columns are separated by semicolons (as Excel saves CSV in a locale that writes decimal commas); the file needs commas between columns and decimal points in numbers: save it as \"CSV UTF-8 (Comma delimited)\" with the decimal separator set to a point, or replace each ';' by ',' after changing decimal commas to points"
                )));
            }
            let mut found: Vec<&str> = headers.iter().collect();
            found.retain(|h| !h.is_empty());
            return Err(InputError::one(format!(
                "{source}:1: missing column{} {}; the header has {}; expected columns {}{}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                if found.is_empty() {
                    "no names".to_string()
                } else {
                    found.join(", ")
                },
                required.join(", "),
                if optional.is_empty() {
                    String::new()
                } else {
                    format!(" (optional: {})", optional.join(", "))
                }
            )));
        }
        let mut records = Vec::new();
        let mut problems = Problems::new();
        // Line numbers from byte offsets: the csv crate's own line count is off after a
        // CRLF line (what Excel on Windows writes) and after a blank line.
        let lines = LineIndex::new(text);
        for result in reader.records() {
            match result {
                Ok(record) => {
                    let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
                    if record.iter().all(|f| f.is_empty()) {
                        continue; // a blank line left by a spreadsheet export
                    }
                    records.push((line, record));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                    problems.push(format!("{source}:{line}: malformed CSV row: {e}"));
                }
            }
        }
        if records.is_empty() && problems.is_empty() {
            problems.push(format!("{source}: the file has a header but no data rows"));
        }
        problems.finish(Table {
            source: source.to_string(),
            columns,
            records,
        })
    }

    fn get<'a>(&self, record: &'a csv::StringRecord, column: &str) -> Option<&'a str> {
        self.columns.get(column).and_then(|&i| record.get(i))
    }
}

/// Field readers that record a problem (with file, line and column) and return None.
struct Fields<'a> {
    table: &'a Table,
    record: &'a csv::StringRecord,
    line: u64,
    problems: &'a mut Problems,
}

impl Fields<'_> {
    fn at(&self) -> String {
        format!("{}:{}", self.table.source, self.line)
    }

    fn text(&mut self, column: &str) -> Option<String> {
        let v = self.table.get(self.record, column).unwrap_or("");
        if v.is_empty() {
            let at = self.at();
            self.problems
                .push(format!("{at}: {column} is empty; a value is required"));
            None
        } else {
            Some(v.to_string())
        }
    }

    fn optional_text(&self, column: &str) -> Option<String> {
        self.table
            .get(self.record, column)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    fn age(&mut self, column: &str) -> Option<u32> {
        let v = self.table.get(self.record, column).unwrap_or("");
        match v.parse::<u32>() {
            Ok(a) if a <= MAX_AGE => Some(a),
            _ => {
                let at = self.at();
                self.problems.push(format!(
                    "{at}: {column} = '{v}' is not an age; expected a whole number from 0 to {MAX_AGE}"
                ));
                None
            }
        }
    }

    fn ages(&mut self) -> Option<(u32, u32)> {
        let (from, to) = (self.age("age_from"), self.age("age_to"));
        let (from, to) = (from?, to?);
        if from > to {
            let at = self.at();
            self.problems.push(format!(
                "{at}: age_from = {from} is above age_to = {to}; a band runs from age_from up to and including age_to"
            ));
            return None;
        }
        Some((from, to))
    }

    fn sex(&mut self) -> Option<Sex> {
        let v = self.table.get(self.record, "sex").unwrap_or("");
        let sex = Sex::parse(v);
        if sex.is_none() {
            let at = self.at();
            self.problems.push(format!(
                "{at}: sex = '{v}' is not valid; expected F, M or all"
            ));
        }
        sex
    }

    fn number(&mut self, column: &str, default: Option<f64>) -> Option<f64> {
        let v = self.table.get(self.record, column).unwrap_or("");
        if v.is_empty() {
            if default.is_none() {
                let at = self.at();
                self.problems
                    .push(format!("{at}: {column} is empty; a number is required"));
            }
            return default;
        }
        match v.replace(',', "").parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                let at = self.at();
                self.problems.push(format!(
                    "{at}: {column} = '{v}' is not a number; write a plain number such as 1234.5 (no units, per cent signs, NaN or infinity)"
                ));
                None
            }
        }
    }

    fn non_negative(&mut self, column: &str, default: Option<f64>) -> Option<f64> {
        let x = self.number(column, default)?;
        if x < 0.0 {
            let at = self.at();
            self.problems.push(format!(
                "{at}: {column} = {x} is negative; expected a number >= 0",
                x = short(x)
            ));
            return None;
        }
        Some(x)
    }

    /// A count of people or staff: non-negative and at most MAX_COUNT, so that every result
    /// computed from it (and sums over many rows) can be represented.
    fn count(&mut self, column: &str) -> Option<f64> {
        let x = self.non_negative(column, None)?;
        if x > MAX_COUNT {
            let at = self.at();
            self.problems.push(format!(
                "{at}: {column} = {} is too large: the results computed from it could not be represented; expected at most {MAX_COUNT:e}",
                short(x)
            ));
            return None;
        }
        Some(x)
    }

    fn fraction(&mut self, column: &str, default: Option<f64>) -> Option<f64> {
        let x = self.number(column, default)?;
        if !(0.0..=1.0).contains(&x) {
            let at = self.at();
            self.problems.push(format!(
                "{at}: {column} = {} is not a fraction in [0, 1]{}",
                short(x),
                percent_hint(x)
            ));
            return None;
        }
        Some(x)
    }
}

/// Run `f` over every record, collecting the rows it returns and every problem it records.
fn each_row<T>(
    table: &Table,
    problems: &mut Problems,
    mut f: impl FnMut(&mut Fields<'_>) -> Option<T>,
) -> Vec<T> {
    let mut rows = Vec::with_capacity(table.records.len());
    for (line, record) in &table.records {
        let mut fields = Fields {
            table,
            record,
            line: *line,
            problems,
        };
        if let Some(row) = f(&mut fields) {
            rows.push(row);
        }
    }
    rows
}

pub fn parse_population(source: &str, text: &str) -> Result<Population, InputError> {
    let table = Table::read(
        source,
        text,
        &["area_code", "age_from", "age_to", "sex", "population"],
        &["area_name"],
    )?;
    let mut problems = Problems::new();
    let rows = each_row(&table, &mut problems, |f| {
        let area_code = f.text("area_code");
        let ages = f.ages();
        let sex = f.sex();
        let population = f.count("population");
        let (age_from, age_to) = ages?;
        Some(PopulationRow {
            line: f.line,
            area_code: area_code?,
            area_name: f.optional_text("area_name"),
            age_from,
            age_to,
            sex: sex?,
            population: population?,
        })
    });
    // The same person counted twice would silently inflate every number: each area, sex and
    // age must fall in one row, and an area gives either F and M rows or `all` rows for an age.
    let mut seen: HashMap<(&str, u32), [u64; 3]> = HashMap::new();
    for r in &rows {
        for age in r.age_from..=r.age_to {
            let lines = seen.entry((r.area_code.as_str(), age)).or_default();
            let clash = match r.sex {
                Sex::All => lines.iter().copied().find(|&l| l != 0 && l != r.line),
                sex => [lines[sex.index()], lines[Sex::All.index()]]
                    .into_iter()
                    .find(|&l| l != 0 && l != r.line),
            };
            if let Some(first) = clash {
                problems.push(format!(
                    "{source}:{}: area {} ages {}-{} sex {} overlaps the row on line {first} at age {age}; each person must be counted once (one row per area, sex and age band; F and M rows or 'all' rows, not both)",
                    r.line, r.area_code, r.age_from, r.age_to, r.sex.as_str()
                ));
                break;
            }
            lines[r.sex.index()] = r.line;
        }
    }
    problems.finish(Population {
        source: source.to_string(),
        rows,
    })
}

pub fn parse_prevalence(source: &str, text: &str) -> Result<Prevalence, InputError> {
    let table = Table::read(
        source,
        text,
        &["disorder", "age_from", "age_to", "sex", "rate"],
        &["source"],
    )?;
    let mut problems = Problems::new();
    let rows = each_row(&table, &mut problems, |f| {
        let disorder = f.text("disorder").map(|d| d.to_ascii_lowercase());
        // Beyond the common mental disorders, a condition of a pathway of its own (psychosis)
        // may have rows; whether the scenario has that pathway is checked when it runs.
        let is_id = |d: &str| {
            d.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        if let Some(d) = &disorder {
            if !is_id(d) {
                let at = f.at();
                f.problems.push(format!(
                    "{at}: disorder = '{d}' is not known; expected one of {}, {ANY}, or a condition of a pathway (lower-case letters, digits and _)",
                    KNOWN_DISORDERS.join(", ")
                ));
            }
        }
        let ages = f.ages();
        let sex = f.sex();
        let rate = f.fraction("rate", None);
        let (age_from, age_to) = ages?;
        let disorder = disorder.filter(|d| is_id(d))?;
        Some(PrevalenceRow {
            line: f.line,
            disorder,
            age_from,
            age_to,
            sex: sex?,
            rate: rate?,
            source: f.optional_text("source").unwrap_or_default(),
        })
    });
    // The common mental disorders in their usual order, then other conditions as written.
    let mut disorders = KNOWN_DISORDERS
        .iter()
        .filter(|d| rows.iter().any(|r| r.disorder == **d))
        .map(|d| d.to_string())
        .collect::<Vec<_>>();
    for r in &rows {
        if r.disorder != ANY && !disorders.contains(&r.disorder) {
            disorders.push(r.disorder.clone());
        }
    }
    if disorders.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{source}: no disorder rows; expected rows for at least one of {}",
            KNOWN_DISORDERS.join(", ")
        ));
    }
    // Two rows for the same disorder, sex and age would make the lookup ambiguous.
    let mut seen: HashMap<(&str, Sex, u32), u64> = HashMap::new();
    for r in &rows {
        for age in r.age_from..=r.age_to {
            if let Some(first) = seen.insert((r.disorder.as_str(), r.sex, age), r.line) {
                if first != r.line {
                    problems.push(format!(
                        "{source}:{}: the band {}-{} for {} ({}) overlaps the row on line {first} at age {age}; each age must fall in one band",
                        r.line, r.age_from, r.age_to, r.disorder, r.sex.as_str()
                    ));
                    break;
                }
            }
        }
    }
    problems.finish(Prevalence {
        source: source.to_string(),
        rows,
        disorders,
    })
}

pub fn parse_areas(source: &str, text: &str) -> Result<Areas, InputError> {
    let table = Table::read(
        source,
        text,
        &["area_code", "area_name", "level", "parent_code"],
        &["prevalence_factor", "ods_code"],
    )?;
    let mut problems = Problems::new();
    let rows = each_row(&table, &mut problems, |f| {
        let code = f.text("area_code");
        let level = f.text("level");
        let factor = f.non_negative("prevalence_factor", Some(1.0));
        Some(AreaRow {
            line: f.line,
            name: f
                .optional_text("area_name")
                .unwrap_or_else(|| code.clone().unwrap_or_default()),
            code: code?,
            level: level?,
            parent_code: f.optional_text("parent_code"),
            prevalence_factor: factor?,
            ods_code: f.optional_text("ods_code"),
        })
    });
    let mut lines: HashMap<&str, u64> = HashMap::new();
    for r in &rows {
        if let Some(first) = lines.insert(&r.code, r.line) {
            problems.push(format!(
                "{source}:{}: area_code {} appears again (first on line {first}); each area once",
                r.line, r.code
            ));
        }
    }
    for r in &rows {
        if let Some(p) = &r.parent_code {
            if !lines.contains_key(p.as_str()) {
                problems.push(format!(
                    "{source}:{}: parent_code {p} of {} is not an area_code in this file; leave it blank at the top",
                    r.line, r.code
                ));
            }
        }
    }
    // A cycle would make roll-up endless.
    let parent: HashMap<&str, &str> = rows
        .iter()
        .filter_map(|r| r.parent_code.as_deref().map(|p| (r.code.as_str(), p)))
        .collect();
    for r in &rows {
        let mut at = r.code.as_str();
        for _ in 0..=rows.len() {
            match parent.get(at) {
                Some(p) => at = p,
                None => break,
            }
            if at == r.code {
                problems.push(format!(
                    "{source}:{}: area {} is its own ancestor through parent_code; the areas must form a tree",
                    r.line, r.code
                ));
                break;
            }
        }
    }
    problems.finish(Areas {
        source: source.to_string(),
        rows,
    })
}

/// The step a workforce share column is for: `counselling_share` -> `counselling`; the 2007
/// names `li_share` and `hi_share` are the steps `low` and `high`.
fn share_column_step(column: &str) -> Option<String> {
    match column {
        "li_share" => Some("low".into()),
        "hi_share" => Some("high".into()),
        other => other
            .strip_suffix("_share")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    }
}

pub fn parse_workforce(source: &str, text: &str) -> Result<Workforce, InputError> {
    let table = Table::read(
        source,
        text,
        &["role", "wte"],
        &["area_code", "band", "capacity_factor"],
    )?;
    let mut share_columns: Vec<(usize, String, String)> = table
        .columns
        .iter()
        .filter_map(|(name, &i)| share_column_step(name).map(|step| (i, name.clone(), step)))
        .collect();
    share_columns.sort();
    if share_columns.is_empty() {
        return Err(InputError::one(format!(
            "{source}:1: no share column; give each step's fraction of time as <step>_share, e.g. low_share and high_share (or li_share and hi_share)"
        )));
    }
    for (n, (_, name, step)) in share_columns.iter().enumerate() {
        if let Some((_, other, _)) = share_columns[..n].iter().find(|(_, _, s)| s == step) {
            return Err(InputError::one(format!(
                "{source}:1: columns {other} and {name} are both the share of step {step}; give one"
            )));
        }
    }
    let mut problems = Problems::new();
    let rows = each_row(&table, &mut problems, |f| {
        let role = f.text("role");
        let band_text = f.optional_text("band");
        let band = band_text.as_deref().and_then(normalize_band);
        if let (Some(b), None) = (&band_text, &band) {
            let at = f.at();
            f.problems.push(format!(
                "{at}: band = '{b}' is not an Agenda for Change band; expected one of {}",
                BANDS.join(", ")
            ));
        }
        let wte = f.count("wte");
        let mut shares = Vec::new();
        let mut bad = false;
        for (_, name, step) in &share_columns {
            match f.fraction(name, Some(0.0)) {
                Some(v) => shares.push((step.clone(), v)),
                None => bad = true,
            }
        }
        let factor = f.fraction("capacity_factor", Some(1.0));
        if bad {
            return None;
        }
        let sum: f64 = shares.iter().map(|(_, v)| v).sum();
        if sum > 1.0 + 1e-9 {
            let at = f.at();
            let names: Vec<&str> = share_columns.iter().map(|(_, n, _)| n.as_str()).collect();
            let values: Vec<String> = shares.iter().map(|(_, v)| v.to_string()).collect();
            f.problems.push(format!(
                "{at}: {} = {} = {} is above 1; they are the fractions of time on each step's work",
                names.join(" + "),
                values.join(" + "),
                // Shown as a person would add them, without binary floating-point noise.
                (sum * 1e9).round() / 1e9
            ));
            return None;
        }
        Some(WorkforceRow {
            line: f.line,
            area_code: f.optional_text("area_code"),
            role: role?,
            band,
            wte: wte?,
            shares,
            capacity_factor: factor?,
        })
    });
    problems.finish(Workforce {
        source: source.to_string(),
        rows,
    })
}

/// ONS publishes single years of age up to "90 and over", written as age 90: a population
/// file that reaches this age is taken to hold everyone older in its last band.
pub const OPEN_TOP_AGE: u32 = 90;

/// "16-17, 75-89": runs of ages, for messages.
fn age_runs(ages: &[u32]) -> String {
    let mut runs: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ages.len() {
        let mut j = i;
        while j + 1 < ages.len() && ages[j + 1] == ages[j] + 1 {
            j += 1;
        }
        runs.push(if i == j {
            ages[i].to_string()
        } else {
            format!("{}-{}", ages[i], ages[j])
        });
        i = j + 1;
    }
    runs.join(", ")
}

/// The ages of the window `age_min <= age < age_max` that no row covers; above a band that
/// reaches [`OPEN_TOP_AGE`] every age counts as covered.
fn window_gaps(rows: impl Iterator<Item = (u32, u32)> + Clone, window: (u32, u32)) -> Vec<u32> {
    let top = rows.clone().map(|(_, to)| to).max().unwrap_or(0);
    (window.0..window.1)
        .filter(|&age| !(top >= OPEN_TOP_AGE && age > top))
        .filter(|&age| !rows.clone().any(|(from, to)| from <= age && age <= to))
        .collect()
}

/// Warnings for a scenario age window (`age_min <= age < age_max`) that the population file,
/// or some of its areas, or the prevalence file do not cover: people of the missing ages are
/// not counted, and nothing else says so.
pub fn age_window_warnings(
    population: &Population,
    prevalence: &Prevalence,
    (age_min, age_max): (u32, u32),
) -> Vec<String> {
    let mut warnings = Vec::new();
    let last = age_max.saturating_sub(1);
    let bands = |rows: &mut Vec<(u32, u32)>| {
        rows.sort_unstable();
        rows.dedup();
    };
    let mut all: Vec<(u32, u32)> = population
        .rows
        .iter()
        .map(|r| (r.age_from, r.age_to))
        .collect();
    bands(&mut all);
    let missing = window_gaps(all.iter().copied(), (age_min, age_max));
    if !missing.is_empty() {
        warnings.push(format!(
            "{}: has no rows for age{} {} of the scenario's age window {age_min} to {last} (population.age_min to age_max - 1); nobody of those ages is counted. Give population for them, or narrow the window",
            population.source,
            if missing.len() > 1 { "s" } else { "" },
            age_runs(&missing),
        ));
    }
    // Areas short of ages that the file has for others.
    let mut by_area: Vec<(&str, Vec<(u32, u32)>)> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    for r in &population.rows {
        let i = *slot.entry(r.area_code.as_str()).or_insert_with(|| {
            by_area.push((r.area_code.as_str(), Vec::new()));
            by_area.len() - 1
        });
        by_area[i].1.push((r.age_from, r.age_to));
    }
    for (_, rows) in &mut by_area {
        bands(rows);
    }
    if by_area.len() > 1 {
        let short: Vec<String> = by_area
            .iter()
            .filter_map(|(code, rows)| {
                let gaps: Vec<u32> = window_gaps(rows.iter().copied(), (age_min, age_max))
                    .into_iter()
                    .filter(|a| !missing.contains(a))
                    .collect();
                (!gaps.is_empty()).then(|| format!("{code}: ages {}", age_runs(&gaps)))
            })
            .collect();
        if !short.is_empty() {
            warnings.push(format!(
                "{}: {} {} no rows for some ages of the window {age_min} to {last} that other areas have ({}{}); nobody of those ages is counted there",
                population.source,
                crate::words::count(short.len(), "area"),
                if short.len() == 1 { "has" } else { "have" },
                short.iter().take(3).cloned().collect::<Vec<_>>().join("; "),
                if short.len() > 3 { "; ..." } else { "" }
            ));
        }
    }
    let rates: Vec<(u32, u32)> = prevalence
        .rows
        .iter()
        .map(|r| (r.age_from, r.age_to))
        .collect();
    let (covered, gaps): (Vec<u32>, Vec<u32>) =
        (age_min..age_max).partition(|&age| rates.iter().any(|&(f, t)| f <= age && age <= t));
    if !covered.is_empty() && !gaps.is_empty() {
        warnings.push(format!(
            "{}: has rates for only part of the scenario's age window {age_min} to {last}: none for age{} {}; people of those ages cannot be modelled. Give rates for them, or narrow the window (population.age_min, population.age_max)",
            prevalence.source,
            if gaps.len() > 1 { "s" } else { "" },
            age_runs(&gaps)
        ));
    }
    warnings
}

/// Warnings about populations and workforces that are possible but implausible: an area of
/// more than 100 million people (the most populous English ICB has under 3 million), or
/// more than a million WTE in one area (the whole NHS in England has about 1.3 million).
pub fn implausible(population: &Population, workforce: Option<&Workforce>) -> Vec<String> {
    let mut out = Vec::new();
    let mut by_area: Vec<(&str, f64, u64)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for r in &population.rows {
        let i = *index.entry(r.area_code.as_str()).or_insert_with(|| {
            by_area.push((r.area_code.as_str(), 0.0, r.line));
            by_area.len() - 1
        });
        by_area[i].1 += r.population;
    }
    for (code, total, line) in by_area {
        if total > PLAUSIBLE_POPULATION {
            out.push(format!(
                "{}:{line}: area {code} has a population of {}, more than 100 million for one area; check the population column (a unit or a pasted column?)",
                population.source,
                short(total)
            ));
        }
    }
    if let Some(w) = workforce {
        let mut by_area: Vec<(Option<&str>, f64, u64)> = Vec::new();
        for r in &w.rows {
            let code = r.area_code.as_deref();
            match by_area.iter_mut().find(|(c, _, _)| *c == code) {
                Some(a) => a.1 += r.wte,
                None => by_area.push((code, r.wte, r.line)),
            }
        }
        for (code, total, line) in by_area {
            if total > PLAUSIBLE_WTE {
                out.push(format!(
                    "{}:{line}: {} has {} WTE, more than a million; check the wte column (a unit or a pasted column?)",
                    w.source,
                    code.map_or("the workforce".to_string(), |c| format!("area {c}")),
                    short(total)
                ));
            }
        }
    }
    out
}

/// Which published point of a band's pay scale a cost uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PayPoint {
    /// The starting point of the band.
    Entry,
    /// The intermediate point (bands 5 to 9); bands 1 to 4 have none, so the mean of entry
    /// and top stands in (an assumption).
    Mid,
    /// The top of the band.
    Top,
}

impl PayPoint {
    pub fn as_str(self) -> &'static str {
        match self {
            PayPoint::Entry => "entry",
            PayPoint::Mid => "mid",
            PayPoint::Top => "top",
        }
    }
}

/// One band of the Agenda for Change pay scale (annual basic pay, whole-time, GBP).
#[derive(Debug, Clone, PartialEq)]
pub struct PayRow {
    pub line: u64,
    pub band: String,
    pub entry: f64,
    pub intermediate: Option<f64>,
    pub top: f64,
    pub year: String,
    pub source: String,
}

impl PayRow {
    pub fn at(&self, point: PayPoint) -> f64 {
        match point {
            PayPoint::Entry => self.entry,
            PayPoint::Mid => self.intermediate.unwrap_or((self.entry + self.top) / 2.0),
            PayPoint::Top => self.top,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PayTable {
    pub source: String,
    pub rows: Vec<PayRow>,
}

impl PayTable {
    pub fn band(&self, band: &str) -> Option<&PayRow> {
        self.rows.iter().find(|r| r.band == band)
    }

    /// The pay year of the table (e.g. "2024/25"), from its first row.
    pub fn year(&self) -> &str {
        self.rows.first().map_or("", |r| r.year.as_str())
    }
}

/// `band,entry,intermediate,top,year,source`: one row per Agenda for Change band.
pub fn parse_pay(source: &str, text: &str) -> Result<PayTable, InputError> {
    let table = Table::read(
        source,
        text,
        &["band", "entry", "top"],
        &["intermediate", "year", "source"],
    )?;
    let mut problems = Problems::new();
    let rows = each_row(&table, &mut problems, |f| {
        let band_text = f.text("band")?;
        let band = normalize_band(&band_text);
        if band.is_none() {
            let at = f.at();
            f.problems.push(format!(
                "{at}: band = '{band_text}' is not an Agenda for Change band; expected one of {}",
                BANDS.join(", ")
            ));
        }
        let entry = f.non_negative("entry", None);
        let top = f.non_negative("top", None);
        let intermediate = match f.optional_text("intermediate") {
            Some(_) => Some(f.non_negative("intermediate", None)?),
            None => None,
        };
        let (entry, top) = (entry?, top?);
        if top < entry {
            let at = f.at();
            f.problems.push(format!(
                "{at}: top = {top} is below entry = {entry}; a band's pay rises from entry to top"
            ));
            return None;
        }
        Some(PayRow {
            line: f.line,
            band: band?,
            entry,
            intermediate,
            top,
            year: f.optional_text("year").unwrap_or_default(),
            source: f.optional_text("source").unwrap_or_default(),
        })
    });
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for r in &rows {
        if let Some(first) = seen.insert(&r.band, r.line) {
            problems.push(format!(
                "{source}:{}: band {} appears again (first on line {first}); each band once",
                r.line, r.band
            ));
        }
    }
    problems.finish(PayTable {
        source: source.to_string(),
        rows,
    })
}
