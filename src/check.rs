//! Regression checks of published outcomes (`capacity check`): the output of `capacity model
//! --format json` compared with an expected file of the same shape, as parsed numbers with a
//! tolerance, never as bytes.
//!
//! What is compared:
//! - every row of `areas`, matched by `area_code` (a missing or an extra area is drift), and
//!   the `total` row: numbers within the tolerance, text (area names, levels) exactly, a
//!   number that became `null` (an undefined ratio) or the reverse is drift;
//! - the resolved parameters under `scenario`, so that a changed default is caught even when
//!   it happens not to move an output.
//!
//! What is not: `inputs` (provenance: the tool version and file paths as typed on the command
//! line, which differ between machines and folders; what the files contain is compared through
//! the numbers they produce) and the labels `scenario.name`, `scenario.description` and
//! `scenario.sources`.
//!
//! A field in the new output that the expected file lacks (a new output column) is drift of
//! kind `added`, and a field the new output lacks is `removed`: the expected file no longer
//! describes what the tool prints, so it has to be re-blessed. The same field added to or
//! removed from many rows is reported once, with the number of rows.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::output::{thousands, Row};
use crate::words::count;

/// Keys of the model's JSON output that are not compared (see the module documentation).
const IGNORED_TOP: &[&str] = &["inputs"];
const IGNORED_SCENARIO: &[&str] = &["name", "description", "sources"];

/// How far a number may move before it counts as drift: `|actual - expected| <= atol + rtol *
/// |expected|` (as numpy's `isclose`, with the expected value as the reference).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    pub rtol: f64,
    pub atol: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            rtol: 1e-9,
            atol: 1e-9,
        }
    }
}

impl Tolerance {
    /// None when both are finite and >= 0; else what is wrong.
    pub fn check(self) -> Option<String> {
        for (flag, v) in [("--rtol", self.rtol), ("--atol", self.atol)] {
            if !(v.is_finite() && v >= 0.0) {
                return Some(format!("{flag} {v} is not a number >= 0 (e.g. 1e-9)"));
            }
        }
        None
    }

    pub fn close(self, actual: f64, expected: f64) -> bool {
        actual == expected || (actual - expected).abs() <= self.atol + self.rtol * expected.abs()
    }
}

/// What happened to one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftKind {
    /// A number moved beyond the tolerance, or a text, `null` or type changed.
    Changed,
    /// In the new output, not in the expected file (a new area, field or parameter).
    Added,
    /// In the expected file, not in the new output.
    Removed,
}

/// One value that moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drift {
    pub scenario: String,
    /// An area code, `total`, `scenario` (a resolved parameter), `(file)` (a top-level key), or
    /// `N rows` / `N places` (a field added to or removed from several rows or disorders).
    pub area: String,
    /// The field within the row, or the parameter's dotted path.
    pub field: String,
    /// Where the value sits in the JSON: `areas[E54000008].low_wte`, `total.referred`,
    /// `scenario.demand.presentation_rate`, `rows[*].new_field`.
    pub path: String,
    pub kind: DriftKind,
    /// `null` when absent (kind `added`) or when the value is JSON `null`.
    pub expected: Option<Value>,
    /// `null` when absent (kind `removed`) or when the value is JSON `null`.
    pub actual: Option<Value>,
    /// (actual - expected) / |expected| for two numbers with expected not 0; else null.
    pub rel_change: Option<f64>,
    /// How many values this line stands for (more than 1 only for a collapsed field).
    pub count: usize,
}

impl Drift {
    /// Sort key: relative change, with anything that is not a plain number change (an added
    /// or removed value, a changed text, a change from 0) counted as infinite.
    pub fn magnitude(&self) -> f64 {
        match (self.kind, self.rel_change) {
            (DriftKind::Changed, Some(r)) => r.abs(),
            _ => f64::INFINITY,
        }
    }
}

/// The result of comparing one scenario's output with its expected file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    pub drift: Vec<Drift>,
    /// How many numbers were compared (in both files).
    pub numbers: usize,
    /// Rows compared (areas present in both, and the total).
    pub rows: usize,
}

/// Checks that `v` has the shape of `capacity model --format json` output: an object with a
/// `scenario` object, an `areas` array of objects with a unique text `area_code`, and a
/// `total` object. The error says what is wrong.
pub fn check_shape(v: &Value) -> Result<(), String> {
    let obj = v
        .as_object()
        .ok_or("not a JSON object; expected the output of `capacity model --format json`")?;
    if !obj.get("scenario").is_some_and(Value::is_object) {
        return Err("has no \"scenario\" object".into());
    }
    if !obj.get("total").is_some_and(Value::is_object) {
        return Err("has no \"total\" object".into());
    }
    let areas = obj
        .get("areas")
        .and_then(Value::as_array)
        .ok_or("has no \"areas\" array")?;
    let mut seen = std::collections::HashSet::new();
    for (i, row) in areas.iter().enumerate() {
        let code = row
            .get("area_code")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("areas[{i}] has no text \"area_code\""))?;
        if !seen.insert(code) {
            return Err(format!("area_code {code} appears twice in \"areas\""));
        }
    }
    Ok(())
}

/// One difference found by the walk: path relative to where the walk started.
struct Diff {
    rel: String,
    kind: DriftKind,
    expected: Option<Value>,
    actual: Option<Value>,
    rel_change: Option<f64>,
}

fn join(rel: &str, key: &str) -> String {
    if rel.is_empty() {
        key.to_string()
    } else {
        format!("{rel}.{key}")
    }
}

/// Walks two values in parallel, collecting every difference and counting compared numbers.
fn diff<'a>(
    rel: &str,
    e: Option<&'a Value>,
    a: Option<&'a Value>,
    tol: Tolerance,
    out: &mut Vec<Diff>,
    numbers: &mut usize,
) {
    let push = |out: &mut Vec<Diff>, kind, rel_change| {
        out.push(Diff {
            rel: rel.to_string(),
            kind,
            expected: e.cloned(),
            actual: a.cloned(),
            rel_change,
        })
    };
    match (e, a) {
        (None, None) => {}
        (Some(_), None) => push(out, DriftKind::Removed, None),
        (None, Some(_)) => push(out, DriftKind::Added, None),
        (Some(Value::Object(eo)), Some(Value::Object(ao))) => {
            for k in union_keys(eo, ao) {
                diff(&join(rel, k), eo.get(k), ao.get(k), tol, out, numbers);
            }
        }
        (Some(Value::Array(ea)), Some(Value::Array(aa))) => match (keyed(ea), keyed(aa)) {
            // Rows of named things (the disorders of a row) are matched by name.
            (Some((ke, em)), Some((ka, am))) if ke == ka => {
                for k in em.iter().map(|(k, _)| k).chain(
                    am.iter()
                        .map(|(k, _)| k)
                        .filter(|k| !em.iter().any(|(e, _)| e == *k)),
                ) {
                    let find =
                        |m: &[(String, &'a Value)]| m.iter().find(|(x, _)| x == k).map(|(_, v)| *v);
                    diff(
                        &format!("{rel}[{k}]"),
                        find(&em),
                        find(&am),
                        tol,
                        out,
                        numbers,
                    );
                }
            }
            _ => {
                for i in 0..ea.len().max(aa.len()) {
                    diff(
                        &format!("{rel}[{i}]"),
                        ea.get(i),
                        aa.get(i),
                        tol,
                        out,
                        numbers,
                    );
                }
            }
        },
        (Some(Value::Number(en)), Some(Value::Number(an))) => {
            *numbers += 1;
            let (ev, av) = (num(en), num(an));
            if !tol.close(av, ev) {
                let rel_change = (ev != 0.0).then(|| (av - ev) / ev.abs());
                push(out, DriftKind::Changed, rel_change);
            }
        }
        (Some(ev), Some(av)) => {
            if ev != av {
                push(out, DriftKind::Changed, None);
            }
        }
    }
}

/// Keys that name the elements of an array of objects, tried in order: each a list of keys
/// whose texts together name an element. A role is named by its step, role and band
/// (`roles[low: PWP, band 5]`; a skill mix's own role by role and band,
/// `steps.low.roles[PWP, band 5]`), never by its place in the list, which moves when a role
/// is added.
type IdKeys = &'static [&'static str];

const ID_KEYS: &[IdKeys] = &[
    &["area_code"],
    &["disorder"],
    &["intensity", "role", "band"],
    &["role", "band"],
];

/// An element's name from `keys`: "E54000008", or "low: PWP, band 5" for a role.
fn element_name(v: &Value, keys: &[&str]) -> Option<String> {
    let texts: Vec<&str> = keys
        .iter()
        .map(|k| v.get(*k).and_then(Value::as_str))
        .collect::<Option<_>>()?;
    Some(match texts.as_slice() {
        [step, role, ""] => format!("{step}: {role}"),
        [step, role, band] => format!("{step}: {role}, band {band}"),
        [role, ""] => role.to_string(),
        [role, band] => format!("{role}, band {band}"),
        _ => texts.join(" "),
    })
}

/// The elements of an array of objects by the first of [`ID_KEYS`] that names every element
/// uniquely; None when there is no such key.
fn keyed(arr: &[Value]) -> Option<(IdKeys, Vec<(String, &Value)>)> {
    let first = arr.first()?;
    let keys = *ID_KEYS
        .iter()
        .find(|keys| element_name(first, keys).is_some())?;
    let mut out: Vec<(String, &Value)> = Vec::new();
    for v in arr {
        let id = element_name(v, keys)?;
        if out.iter().any(|(x, _)| *x == id) {
            return None;
        }
        out.push((id, v));
    }
    Some((keys, out))
}

fn num(n: &serde_json::Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// The keys of the expected object in its order, then those only in the actual one.
fn union_keys<'a>(e: &'a Map<String, Value>, a: &'a Map<String, Value>) -> Vec<&'a String> {
    e.keys()
        .chain(a.keys().filter(|k| !e.contains_key(*k)))
        .collect()
}

fn rows_by_code(v: &Value) -> Vec<(&str, &Value)> {
    v.get("areas")
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .filter_map(|r| Some((r.get("area_code")?.as_str()?, r)))
                .collect()
        })
        .unwrap_or_default()
}

/// Compares a scenario's new output (`actual`) with its expected file. Both must pass
/// [`check_shape`]. The drift comes in walk order; see [`sort_largest_first`].
pub fn compare(scenario: &str, expected: &Value, actual: &Value, tol: Tolerance) -> Comparison {
    let mut c = Comparison::default();
    let push = |c: &mut Comparison, area: &str, prefix: &str, d: Diff| {
        let path = if d.rel.is_empty() {
            prefix.to_string()
        } else if prefix.is_empty() {
            d.rel.clone()
        } else {
            format!("{prefix}.{}", d.rel)
        };
        c.drift.push(Drift {
            scenario: scenario.to_string(),
            area: area.to_string(),
            field: if d.rel.is_empty() {
                "(whole row)".into()
            } else {
                d.rel
            },
            path,
            kind: d.kind,
            expected: d.expected,
            actual: d.actual,
            rel_change: d.rel_change,
            count: 1,
        });
    };
    let empty = Map::new();
    let eo = expected.as_object().unwrap_or(&empty);
    let ao = actual.as_object().unwrap_or(&empty);

    // The resolved parameters.
    let mut diffs = Vec::new();
    let strip = |v: Option<&Value>| {
        v.and_then(Value::as_object).map(|m| {
            let mut m = m.clone();
            // retain, not remove: remove swaps the last key in and breaks the walk order.
            m.retain(|k, _| !IGNORED_SCENARIO.contains(&k.as_str()));
            Value::Object(m)
        })
    };
    diff(
        "",
        strip(eo.get("scenario")).as_ref(),
        strip(ao.get("scenario")).as_ref(),
        tol,
        &mut diffs,
        &mut c.numbers,
    );
    for d in diffs {
        push(&mut c, "scenario", "scenario", d);
    }

    // The rows: areas by code, then the total. Row-level drift is collected apart so that a
    // field added to every row can be reported once.
    let mut row_drift: Vec<Drift> = Vec::new();
    let mut rows_seen = 0;
    {
        let mut row = |code: &str, prefix: &str, e: Option<&Value>, a: Option<&Value>| {
            let mut diffs = Vec::new();
            let mut n = 0;
            diff("", e, a, tol, &mut diffs, &mut n);
            let mut tmp = Comparison::default();
            for d in diffs {
                push(&mut tmp, code, prefix, d);
            }
            if e.is_some() && a.is_some() {
                rows_seen += 1;
            }
            c.numbers += n;
            row_drift.extend(tmp.drift);
        };
        let e_rows = rows_by_code(expected);
        let a_rows = rows_by_code(actual);
        for (code, e) in &e_rows {
            let a = a_rows.iter().find(|(c, _)| c == code).map(|(_, r)| *r);
            row(code, &format!("areas[{code}]"), Some(e), a);
        }
        for (code, a) in &a_rows {
            if !e_rows.iter().any(|(c, _)| c == code) {
                row(code, &format!("areas[{code}]"), None, Some(a));
            }
        }
        row("total", "total", eo.get("total"), ao.get("total"));
    }
    c.rows = rows_seen;
    c.drift.extend(collapse_fields(row_drift));

    // The data files, by their SHA-256 (`inputs.sha256`, when both files have it): which
    // input changed explains the numbers that moved. A file that changed without moving any
    // output is not drift, so this is said only beside drift.
    if !c.drift.is_empty() {
        let hashes = |v: &'_ Value| v.get("inputs")?.get("sha256")?.as_object().cloned();
        if let (Some(e), Some(a)) = (hashes(expected), hashes(actual)) {
            let mut diffs = Vec::new();
            let mut n = 0;
            diff(
                "",
                Some(&Value::Object(e)),
                Some(&Value::Object(a)),
                tol,
                &mut diffs,
                &mut n,
            );
            for d in diffs {
                let what = format!("{} file (SHA-256)", d.rel);
                let path = format!("inputs.sha256.{}", d.rel);
                c.drift.push(Drift {
                    scenario: scenario.to_string(),
                    area: "inputs".into(),
                    field: what,
                    path,
                    kind: d.kind,
                    expected: d.expected,
                    actual: d.actual,
                    rel_change: None,
                    count: 1,
                });
            }
        }
    }

    // Anything else at the top level (a section a later version adds).
    for k in union_keys(eo, ao) {
        if matches!(k.as_str(), "scenario" | "areas" | "total") || IGNORED_TOP.contains(&k.as_str())
        {
            continue;
        }
        let mut diffs = Vec::new();
        diff(k, eo.get(k), ao.get(k), tol, &mut diffs, &mut c.numbers);
        for d in diffs {
            push(&mut c, "(file)", "", d);
        }
    }
    c
}

/// "43 rows" for a field of the rows; "344 places" for one inside them (a disorder's field).
fn places(n: usize, field: &str) -> String {
    if field.contains('[') {
        count(n, "place")
    } else {
        count(n, "row")
    }
}

/// `disorders[ptsd].low_wte` -> `disorders[*].low_wte`.
fn generic(field: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in field.chars() {
        match c {
            '[' => {
                inside = true;
                out.push_str("[*");
            }
            ']' => {
                inside = false;
                out.push(']');
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// A field added to (or removed from) several rows, or several disorders of the rows, becomes
/// one line `rows[*].FIELD`.
fn collapse_fields(drift: Vec<Drift>) -> Vec<Drift> {
    let key = |d: &Drift| {
        (matches!(d.kind, DriftKind::Added | DriftKind::Removed) && d.field != "(whole row)")
            .then(|| (d.kind, generic(&d.field)))
    };
    let mut groups: Vec<((DriftKind, String), usize)> = Vec::new();
    for k in drift.iter().filter_map(key) {
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, n)) => *n += 1,
            None => groups.push((k, 1)),
        }
    }
    let mut out: Vec<Drift> = Vec::new();
    let mut emitted: Vec<(DriftKind, String)> = Vec::new();
    for d in drift {
        let group = key(&d).and_then(|k| groups.iter().find(|(g, n)| *g == k && *n > 1));
        match group {
            Some(((kind, field), n)) => {
                if !emitted.iter().any(|(k, f)| k == kind && f == field) {
                    emitted.push((*kind, field.clone()));
                    out.push(Drift {
                        area: places(*n, field),
                        field: field.clone(),
                        path: format!("rows[*].{field}"),
                        expected: None,
                        actual: None,
                        count: *n,
                        ..d
                    });
                }
            }
            None => out.push(d),
        }
    }
    out
}

/// Whether a drift line is an input that changed (a scenario key, a data file) rather than an
/// output it moved.
pub fn is_input(d: &Drift) -> bool {
    d.area == "scenario" || d.area == "inputs"
}

/// The inputs that changed first (what a reviewer checks was meant), then the outputs;
/// within each, largest relative change first, added, removed and non-numeric changes before
/// any number. Stable, so equal changes keep their scenario and walk order.
pub fn sort_largest_first(drift: &mut [Drift]) {
    drift.sort_by(|a, b| {
        is_input(b)
            .cmp(&is_input(a))
            .then(b.magnitude().total_cmp(&a.magnitude()))
    });
}

/// A number with at most 12 significant digits, enough to see any change above the default
/// tolerance without printing floating-point noise.
pub fn format_number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-4..15).contains(&mag) {
        return format!("{x:.11e}");
    }
    let decimals = (11 - mag).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A value as shown in the drift table.
pub fn format_value(v: Option<&Value>, d: &Drift) -> String {
    match v {
        None if d.count > 1 => "-".into(),
        None => "(absent)".into(),
        Some(Value::Null) => "null".into(),
        Some(Value::Number(n)) => format_number(num(n)),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The change column: a signed percentage, or what happened.
pub fn format_change(d: &Drift) -> String {
    match (d.kind, d.rel_change) {
        (DriftKind::Added, _) if d.count > 1 => format!("added in {}", places(d.count, &d.field)),
        (DriftKind::Removed, _) if d.count > 1 => {
            format!("removed from {}", places(d.count, &d.field))
        }
        (DriftKind::Added, _) => "added".into(),
        (DriftKind::Removed, _) => "removed".into(),
        (DriftKind::Changed, Some(r)) => {
            let p = r * 100.0;
            if p.abs() >= 0.01 {
                format!("{p:+.2}%")
            } else {
                format!("{p:+.1e}%")
            }
        }
        (DriftKind::Changed, None) => match (&d.expected, &d.actual) {
            (Some(Value::Number(e)), Some(Value::Number(_))) if num(e) == 0.0 => "from 0".into(),
            _ => "changed".into(),
        },
    }
}

/// The drift table people read: scenario, area, field, expected, actual, change, largest
/// first (sort before calling), at most `max_rows` lines (0: all) and a count of the rest.
/// `width`: wrap to fit a terminal of that many columns; None never wraps (a CI log is grepped
/// for field names and numbers, which must stay whole).
pub fn render_drift_table(drift: &[Drift], max_rows: usize, width: Option<u16>) -> String {
    let shown = if max_rows == 0 {
        drift.len()
    } else {
        max_rows.min(drift.len())
    };
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "scenario", "area", "field", "expected", "actual", "change",
    ]);
    match width {
        Some(w) => {
            t.set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(w);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    for d in &drift[..shown] {
        // A file's SHA-256 in full is 64 characters: its first 12 tell two versions apart.
        let value = |v: Option<&Value>| {
            let text = format_value(v, d);
            if d.area == "inputs" && text.len() == 64 {
                format!("{}…", &text[..12])
            } else {
                text
            }
        };
        t.add_row(vec![
            d.scenario.clone(),
            d.area.clone(),
            d.field.clone(),
            value(d.expected.as_ref()),
            value(d.actual.as_ref()),
            format_change(d),
        ]);
    }
    for i in 3..6 {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = t.to_string();
    out.push('\n');
    if shown < drift.len() {
        out.push_str(&format!(
            "... and {} more (--max-rows 0 shows every one; --format json lists them all)\n",
            drift.len() - shown
        ));
    }
    out
}

/// Which fields moved in each scenario and in how many rows (a disorder's field counts once
/// per disorder and row, as `disorders[*].FIELD`), largest change first (sort the
/// drift before calling): one line per scenario, so that a reviewer sees every field that
/// moved even when the table is capped.
pub fn render_moved_fields(drift: &[Drift]) -> String {
    let mut scenarios: Vec<(&str, Vec<(String, usize)>)> = Vec::new();
    for d in drift {
        let field = if d.area == "scenario" {
            d.path.clone()
        } else {
            generic(&d.field)
        };
        let i = match scenarios.iter().position(|(s, _)| *s == d.scenario) {
            Some(i) => i,
            None => {
                scenarios.push((&d.scenario, Vec::new()));
                scenarios.len() - 1
            }
        };
        let fields = &mut scenarios[i].1;
        match fields.iter_mut().find(|(f, _)| *f == field) {
            Some((_, n)) => *n += d.count,
            None => fields.push((field, d.count)),
        }
    }
    let mut out = String::new();
    for (scenario, fields) in scenarios {
        let list: Vec<String> = fields
            .into_iter()
            .map(|(f, n)| {
                if n > 1 {
                    format!("{f} ({})", places(n, &f))
                } else {
                    f
                }
            })
            .collect();
        out.push_str(&format!("{scenario}: {}\n", list.join(", ")));
    }
    out
}

/// One line of the outcomes report: a scenario and its total row.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub description: String,
    pub total: Row,
}

fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map(f).unwrap_or_else(|| "-".into())
}

/// `docs/outcomes.md`: a title, an introduction (Markdown paragraphs), then the headline
/// totals of each scenario as a table. Nothing in it depends on the tool's version, so it only
/// changes when an outcome does.
pub fn outcomes_markdown(title: &str, intro: &str, outcomes: &[Outcome]) -> String {
    let mut s = format!("# {title}\n\n{}\n\n", intro.trim_end());
    s.push_str(
        "| scenario | referred a year | low intensity WTE | high intensity WTE | total WTE \
         | skill mix low:high | low share of WTE | access rate | episodes per WTE a year (low / high) |\n",
    );
    s.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for o in outcomes {
        let r = &o.total;
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} / {:.1} |\n",
            o.name,
            thousands(r.num("referred")),
            wte(r.num("low_wte")),
            wte(r.num("high_wte")),
            wte(r.num("total_wte")),
            opt(r.opt("low_high_ratio"), |x| format!("{x:.2} : 1")),
            opt(r.opt("low_share_wte"), pct),
            opt(r.opt("access_rate"), pct),
            r.num("low_episodes_per_wte"),
            r.num("high_episodes_per_wte"),
        ));
    }
    s.push_str(
        "\nReferred: new episodes a year (docs/model.md section 2). WTE: whole-time equivalents \
         required (section 4). Skill mix: low intensity WTE per high intensity WTE. Access rate: \
         people treated psychologically as a share of prevalent cases.\n\n",
    );
    s.push_str("## The scenarios\n\n");
    for o in outcomes {
        s.push_str(&format!("- **{}**: {}\n", o.name, o.description));
    }
    s
}

/// 1234.56 -> "1,234.6".
fn wte(x: f64) -> String {
    let s = format!("{:.1}", x.abs());
    let (int, frac) = s.split_once('.').expect("one decimal");
    let sign = if x < 0.0 && s != "0.0" { "-" } else { "" };
    format!(
        "{sign}{}.{frac}",
        thousands(int.parse::<f64>().unwrap_or(f64::NAN))
    )
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "scenario": {
                "name": "obc", "description": "d", "sources": ["preset:obc"],
                "demand": {"presentation_rate": 0.5, "comorbidity": "primary"},
                "disorders": {}
            },
            "inputs": {"tool": "capacity 0.1.0", "population": "embedded"},
            "areas": [
                {"area_code": "A", "area_name": "Area A", "low_wte": 10.0, "access_rate": 0.25},
                {"area_code": "B", "area_name": "Area B", "low_wte": 20.0, "access_rate": null}
            ],
            "total": {"area_code": "T", "area_name": "Total", "low_wte": 30.0, "access_rate": 0.25}
        })
    }

    /// Regression: the table led with effects (`roles[2].cost +25%`), named by index.
    #[test]
    fn inputs_lead_and_roles_are_named_by_role_and_band() {
        let mut e = sample();
        e["inputs"]["sha256"] = json!({"population": "aa", "prevalence": "bb"});
        e["total"]["roles"] = json!([
            {"role": "PWP", "band": "5", "intensity": "low", "cost": 100.0},
            {"role": "HIT", "band": "7", "intensity": "high", "cost": 100.0}
        ]);
        let mut a = e.clone();
        a["scenario"]["demand"]["presentation_rate"] = json!(0.51); // +2%
        a["inputs"]["sha256"]["prevalence"] = json!("cc");
        a["total"]["roles"] = json!([
            {"role": "HIT", "band": "7", "intensity": "high", "cost": 125.0}, // +25%
            {"role": "PWP", "band": "5", "intensity": "low", "cost": 100.0}
        ]);
        let mut c = compare("obc", &e, &a, Tolerance::default());
        sort_largest_first(&mut c.drift);
        assert_eq!(
            paths(&c),
            [
                "inputs.sha256.prevalence",
                "scenario.demand.presentation_rate",
                "total.roles[high: HIT, band 7].cost"
            ]
        );
        // A data file that changed without moving any output is not drift.
        let mut a = e.clone();
        a["inputs"]["sha256"]["prevalence"] = json!("cc");
        assert!(compare("obc", &e, &a, Tolerance::default())
            .drift
            .is_empty());
    }

    fn paths(c: &Comparison) -> Vec<&str> {
        c.drift.iter().map(|d| d.path.as_str()).collect()
    }

    #[test]
    fn identical_outputs_have_no_drift_and_count_their_numbers() {
        let c = compare("obc", &sample(), &sample(), Tolerance::default());
        assert!(c.drift.is_empty(), "{:?}", c.drift);
        // presentation_rate, 2 x (low_wte, access_rate) less the null, total 2
        assert_eq!(c.numbers, 1 + 3 + 2);
        assert_eq!(c.rows, 3);
    }

    #[test]
    fn tolerance_is_absolute_plus_relative_to_the_expected_value() {
        let t = Tolerance {
            rtol: 1e-3,
            atol: 1e-6,
        };
        assert!(t.close(1000.9, 1000.0));
        assert!(!t.close(1001.1, 1000.0));
        assert!(t.close(5e-7, 0.0));
        assert!(!t.close(2e-6, 0.0));
        assert!(Tolerance::default().close(0.1 + 0.2, 0.3));
    }

    #[test]
    fn a_moved_number_is_drift_with_its_path_and_relative_change() {
        let mut a = sample();
        a["areas"][1]["low_wte"] = json!(22.0);
        let c = compare("obc", &sample(), &a, Tolerance::default());
        assert_eq!(paths(&c), ["areas[B].low_wte"]);
        let d = &c.drift[0];
        assert_eq!((d.area.as_str(), d.field.as_str()), ("B", "low_wte"));
        assert_eq!(d.kind, DriftKind::Changed);
        assert!((d.rel_change.unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(format_change(d), "+10.00%");
    }

    #[test]
    fn a_change_below_the_tolerance_passes() {
        let mut a = sample();
        a["areas"][0]["low_wte"] = json!(10.000000000001);
        assert!(compare("obc", &sample(), &a, Tolerance::default())
            .drift
            .is_empty());
    }

    #[test]
    fn areas_are_matched_by_code_not_position() {
        let mut a = sample();
        a["areas"].as_array_mut().unwrap().reverse();
        assert!(compare("obc", &sample(), &a, Tolerance::default())
            .drift
            .is_empty());
    }

    #[test]
    fn a_missing_or_extra_area_is_drift() {
        let mut a = sample();
        let b = a["areas"].as_array_mut().unwrap().remove(1);
        let c = compare("obc", &sample(), &a, Tolerance::default());
        assert_eq!(paths(&c), ["areas[B]"]);
        assert_eq!(c.drift[0].kind, DriftKind::Removed);
        assert_eq!(c.drift[0].field, "(whole row)");

        let mut extra = b.clone();
        extra["area_code"] = json!("C");
        let mut a = sample();
        a["areas"].as_array_mut().unwrap().push(extra);
        let c = compare("obc", &sample(), &a, Tolerance::default());
        assert_eq!(paths(&c), ["areas[C]"]);
        assert_eq!(c.drift[0].kind, DriftKind::Added);
    }

    #[test]
    fn scenario_parameters_are_compared_but_labels_and_inputs_are_not() {
        let mut a = sample();
        a["scenario"]["name"] = json!("renamed");
        a["scenario"]["description"] = json!("new words");
        a["scenario"]["sources"] = json!(["some/other/path.toml", "preset:obc"]);
        a["inputs"]["tool"] = json!("capacity 9.9.9");
        a["inputs"]["population"] = json!("/tmp/copy.csv");
        assert!(compare("obc", &sample(), &a, Tolerance::default())
            .drift
            .is_empty());

        a["scenario"]["demand"]["presentation_rate"] = json!(0.6);
        a["scenario"]["demand"]["comorbidity"] = json!("sum");
        a["scenario"]["disorders"] = json!({"ptsd": {"step2_entry": 0.0}});
        let c = compare("obc", &sample(), &a, Tolerance::default());
        assert_eq!(
            paths(&c),
            [
                "scenario.demand.presentation_rate",
                "scenario.demand.comorbidity",
                "scenario.disorders.ptsd"
            ]
        );
        assert!(c.drift.iter().all(|d| d.area == "scenario"));
        assert_eq!(c.drift[1].kind, DriftKind::Changed);
        assert_eq!(c.drift[2].kind, DriftKind::Added);
    }

    #[test]
    fn a_number_becoming_null_or_a_renamed_area_is_drift() {
        let mut a = sample();
        a["areas"][0]["access_rate"] = Value::Null;
        a["areas"][1]["area_name"] = json!("Area Bee");
        let c = compare("obc", &sample(), &a, Tolerance::default());
        assert_eq!(paths(&c), ["areas[A].access_rate", "areas[B].area_name"]);
        assert!(c.drift.iter().all(|d| d.rel_change.is_none()));
        assert_eq!(format_change(&c.drift[0]), "changed");
    }

    #[test]
    fn a_field_added_to_every_row_is_one_line_of_drift() {
        let mut a = sample();
        for r in a["areas"].as_array_mut().unwrap() {
            r["new_wte"] = json!(1.0);
        }
        a["total"]["new_wte"] = json!(2.0);
        a["areas"][0]["only_here"] = json!(3.0);
        let c = compare("obc", &sample(), &a, Tolerance::default());
        assert_eq!(paths(&c), ["rows[*].new_wte", "areas[A].only_here"]);
        let d = &c.drift[0];
        assert_eq!(
            (d.kind, d.count, d.area.as_str()),
            (DriftKind::Added, 3, "3 rows")
        );
        assert_eq!(format_change(d), "added in 3 rows");
        assert_eq!(format_change(&c.drift[1]), "added");
    }

    #[test]
    fn disorders_are_matched_by_name_and_a_field_added_to_each_is_one_line() {
        let with = |v: &mut Value, d: Value| {
            for r in v["areas"].as_array_mut().unwrap() {
                r["disorders"] = d.clone();
            }
            v["total"]["disorders"] = d;
        };
        let mut e = sample();
        with(
            &mut e,
            json!([{"disorder": "gad", "low_wte": 1.0}, {"disorder": "ptsd", "low_wte": 2.0}]),
        );
        let mut a = sample();
        with(
            &mut a,
            json!([{"disorder": "ptsd", "low_wte": 2.0}, {"disorder": "gad", "low_wte": 1.0}]),
        );
        assert!(compare("obc", &e, &a, Tolerance::default())
            .drift
            .is_empty());

        a["areas"][0]["disorders"][0]["low_wte"] = json!(2.5);
        for r in a["areas"].as_array_mut().unwrap() {
            for d in r["disorders"].as_array_mut().unwrap() {
                d["new_wte"] = json!(0.0);
            }
        }
        let c = compare("obc", &e, &a, Tolerance::default());
        assert_eq!(
            paths(&c),
            [
                "rows[*].disorders[*].new_wte",
                "areas[A].disorders[ptsd].low_wte"
            ]
        );
        assert_eq!(c.drift[0].count, 4);
        assert_eq!(c.drift[0].area, "4 places");
        assert_eq!(format_change(&c.drift[0]), "added in 4 places");
        assert_eq!(generic("disorders[ptsd].x[0]"), "disorders[*].x[*]");
    }

    #[test]
    fn a_new_top_level_section_is_drift_but_inputs_is_not() {
        let mut a = sample();
        a["notes"] = json!(["x"]);
        let c = compare("obc", &sample(), &a, Tolerance::default());
        assert_eq!(paths(&c), ["notes"]);
        assert_eq!(c.drift[0].area, "(file)");
    }

    #[test]
    fn drift_sorts_structural_first_then_largest_relative_change() {
        let mut a = sample();
        a["areas"][0]["low_wte"] = json!(10.1); // +1%
        a["areas"][1]["low_wte"] = json!(30.0); // +50%
        a["total"]["low_wte"] = json!(30.15); // +0.5%
        a["areas"][1]["access_rate"] = json!(0.3); // null -> number
        let mut c = compare("obc", &sample(), &a, Tolerance::default());
        sort_largest_first(&mut c.drift);
        assert_eq!(
            paths(&c),
            [
                "areas[B].access_rate",
                "areas[B].low_wte",
                "areas[A].low_wte",
                "total.low_wte"
            ]
        );
    }

    #[test]
    fn the_shape_check_names_what_is_wrong() {
        assert!(check_shape(&sample()).is_ok());
        assert!(check_shape(&json!([1]))
            .unwrap_err()
            .contains("not a JSON object"));
        let mut v = sample();
        v.as_object_mut().unwrap().remove("total");
        assert!(check_shape(&v).unwrap_err().contains("\"total\""));
        let mut v = sample();
        v["areas"][1]["area_code"] = json!("A");
        assert!(check_shape(&v).unwrap_err().contains("A appears twice"));
        let mut v = sample();
        v["areas"][0].as_object_mut().unwrap().remove("area_code");
        assert!(check_shape(&v).unwrap_err().contains("areas[0]"));
    }

    #[test]
    fn the_table_is_capped_with_a_count_of_the_rest() {
        let mut a = sample();
        a["areas"][0]["low_wte"] = json!(11.0);
        a["areas"][1]["low_wte"] = json!(21.0);
        a["total"]["low_wte"] = json!(32.0);
        let mut c = compare("obc", &sample(), &a, Tolerance::default());
        sort_largest_first(&mut c.drift);
        let t = render_drift_table(&c.drift, 2, Some(100));
        assert!(t.contains("areas") || t.contains("A"), "{t}");
        assert!(t.contains("... and 1 more"), "{t}");
        assert!(t.contains("+10.00%"), "{t}");
        assert!(!render_drift_table(&c.drift, 0, None).contains("more"));
    }

    #[test]
    fn moved_fields_lists_each_field_once_per_scenario_with_its_rows() {
        let mut a = sample();
        a["scenario"]["demand"]["presentation_rate"] = json!(0.55);
        a["areas"][0]["low_wte"] = json!(11.0);
        a["areas"][1]["low_wte"] = json!(22.0);
        let mut c = compare("obc", &sample(), &a, Tolerance::default());
        sort_largest_first(&mut c.drift);
        assert_eq!(
            render_moved_fields(&c.drift),
            "obc: scenario.demand.presentation_rate, low_wte (2 rows)\n"
        );
    }

    #[test]
    fn numbers_show_twelve_significant_digits() {
        assert_eq!(format_number(234.9413892045455), "234.941389205");
        assert_eq!(format_number(0.25), "0.25");
        assert_eq!(format_number(82699.369), "82699.369");
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(1e-7), "1.00000000000e-7");
        assert_eq!(wte(1234.56), "1,234.6");
        assert_eq!(wte(0.04), "0.0");
    }
}
