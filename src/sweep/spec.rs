//! The sweep file: what to vary, how, and how many runs.
//!
//! Read in two stages like a scenario: the raw TOML (unknown keys rejected, every value kept
//! with its position), then a [`Sweep`] checked against the base scenario, with every problem
//! in the file reported at once, each naming the file, the line, the key and what is valid.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::model::Prepared;
use crate::problems::{InputError, Problems};
use crate::scenario::{Rule, Scenario, ScenarioSource};

use super::dist::Dist;

/// The most runs a sweep can have (after run 0): far beyond any machine, and small enough
/// that run numbers and sizes never overflow.
pub const MAX_RUNS: u64 = 1 << 40;

pub const DESIGNS: &str = "\"grid\", \"monte-carlo\", \"latin-hypercube\" or \"one-way\"";
pub const DISTS: &str = "\"uniform\", \"triangular\", \"normal80\", \"beta\" or \"lognormal80\"";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    name: Option<String>,
    description: Option<String>,
    base: Option<Spanned<String>>,
    design: Option<Spanned<String>>,
    runs: Option<Spanned<i64>>,
    seed: Option<Spanned<i64>>,
    #[serde(default)]
    vary: Vec<Spanned<RawVary>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVary {
    param: Option<Spanned<String>>,
    dist: Option<Spanned<String>>,
    low: Option<Spanned<f64>>,
    high: Option<Spanned<f64>>,
    mode: Option<Spanned<f64>>,
    min: Option<Spanned<f64>>,
    max: Option<Spanned<f64>>,
    values: Option<Spanned<Vec<f64>>>,
    from: Option<Spanned<f64>>,
    to: Option<Spanned<f64>>,
    steps: Option<Spanned<i64>>,
}

/// How the runs are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// Every combination of the listed values.
    Grid,
    /// Independent random draws.
    MonteCarlo,
    /// Random draws stratified so that each parameter covers its range evenly.
    LatinHypercube,
    /// Each parameter at its low and its high with the others at base.
    OneWay,
}

impl Design {
    pub fn name(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::MonteCarlo => "monte-carlo",
            Design::LatinHypercube => "latin-hypercube",
            Design::OneWay => "one-way",
        }
    }

    fn parse(s: &str) -> Option<Design> {
        Some(match s {
            "grid" => Design::Grid,
            "monte-carlo" => Design::MonteCarlo,
            "latin-hypercube" => Design::LatinHypercube,
            "one-way" => Design::OneWay,
            _ => return None,
        })
    }

    pub fn is_random(self) -> bool {
        matches!(self, Design::MonteCarlo | Design::LatinHypercube)
    }
}

/// What one varied parameter takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Values {
    /// Drawn (Monte Carlo, Latin hypercube), then clamped to the key's valid range.
    Dist(Dist),
    /// Grid values.
    List(Vec<f64>),
    /// One-way low and high.
    LowHigh { low: f64, high: f64 },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// The dotted scenario key, e.g. `demand.presentation_rate`.
    #[serde(rename = "param")]
    pub path: String,
    #[serde(skip)]
    pub rule: Rule,
    pub values: Values,
    /// The line of its `[[vary]]` table in the sweep file.
    pub line: usize,
}

impl Param {
    /// Keeps a random draw valid for its key (e.g. a fraction in [0, 1], a caseload above 0).
    pub fn clamp(&self, x: f64) -> f64 {
        let (lo, hi) = self.rule.bounds();
        x.clamp(lo, hi)
    }
}

/// A checked sweep file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    /// The file, for messages.
    #[serde(rename = "file")]
    pub label: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// `base` as written.
    pub base: String,
    pub design: Design,
    /// Runs after the base run 0: drawn runs, grid points, or two per one-way parameter.
    pub runs: u64,
    pub seed: Option<u64>,
    pub params: Vec<Param>,
}

impl Sweep {
    /// Run 0 (the base) and the runs after it.
    pub fn total_runs(&self) -> u64 {
        self.runs + 1
    }
}

/// A sweep file parsed but not yet checked against its base scenario.
#[derive(Debug, Clone)]
pub struct SweepFile {
    label: String,
    text: String,
    dir: PathBuf,
    raw: RawSweep,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Reads the TOML: syntax, unknown keys and the `base` key.
pub fn parse(label: &str, text: &str, dir: &Path) -> Result<SweepFile, InputError> {
    let raw: RawSweep = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| format!(":{}", line_of(text, s.start)))
            .unwrap_or_default();
        InputError::one(format!(
            "{label}{line}: {}; a sweep file has the keys name, description, base, design, runs, seed and [[vary]] tables of param, dist, low, high, mode, min, max, values, from, to, steps",
            e.message().trim()
        ))
    })?;
    if raw.base.is_none() {
        return Err(InputError::one(format!(
            "{label}: base is missing; give the scenario the sweep varies: a preset name (base = \"obc\") or a scenario file (base = \"my.toml\", relative to the sweep file)"
        )));
    }
    Ok(SweepFile {
        label: label.to_string(),
        text: text.to_string(),
        dir: dir.to_path_buf(),
        raw,
    })
}

impl SweepFile {
    /// `base` as written.
    pub fn base(&self) -> &str {
        self.raw
            .base
            .as_ref()
            .map(|b| b.get_ref().as_str())
            .unwrap_or("")
    }

    /// "file:line" of the base key, for errors loading it.
    pub fn base_at(&self) -> String {
        let line = self
            .raw
            .base
            .as_ref()
            .map_or(1, |b| line_of(&self.text, b.span().start));
        format!("{}:{line}", self.label)
    }

    /// The base scenario: a file relative to the sweep file's folder, or a preset.
    pub fn base_source(&self) -> ScenarioSource {
        let base = self.base();
        let beside = self.dir.join(base);
        if beside.exists() || base.ends_with(".toml") || base.contains('/') {
            ScenarioSource::File(beside)
        } else {
            ScenarioSource::from_arg(base)
        }
    }

    fn at<T>(&self, v: &Spanned<T>) -> String {
        format!("{}:{}", self.label, line_of(&self.text, v.span().start))
    }

    /// Checks everything against the base scenario, collecting every problem.
    pub fn resolve(&self, base: &Scenario) -> Result<Sweep, InputError> {
        let mut problems = Problems::new();
        let raw = &self.raw;
        let label = &self.label;

        let design = match &raw.design {
            None => {
                problems.push(format!(
                    "{label}: design is missing; expected design = {DESIGNS}"
                ));
                None
            }
            Some(d) => {
                let parsed = Design::parse(d.get_ref());
                if parsed.is_none() {
                    problems.push(format!(
                        "{}: design = \"{}\" is not a design; expected {DESIGNS}",
                        self.at(d),
                        d.get_ref()
                    ));
                }
                parsed
            }
        };

        // runs and seed belong to the random designs only.
        let mut runs = None;
        let mut seed = None;
        if let Some(design) = design {
            if design.is_random() {
                match &raw.runs {
                    None => problems.push(format!(
                        "{label}: runs is missing; design = \"{}\" needs the number of random runs, e.g. runs = 10000 (run 0, the base, comes on top)",
                        design.name()
                    )),
                    Some(r) if *r.get_ref() < 1 => problems.push(format!(
                        "{}: runs = {} is not a number of runs; expected a whole number >= 1",
                        self.at(r),
                        r.get_ref()
                    )),
                    Some(r) if *r.get_ref() as u64 > MAX_RUNS => problems.push(format!(
                        "{}: runs = {} is more than {MAX_RUNS}, the most runs a sweep can number; split the work with --shard K/N instead",
                        self.at(r),
                        r.get_ref()
                    )),
                    Some(r) => runs = Some(*r.get_ref() as u64),
                }
                match &raw.seed {
                    None => problems.push(format!(
                        "{label}: seed is missing; design = \"{}\" draws random numbers and needs a seed so that the sweep can be repeated, e.g. seed = 42",
                        design.name()
                    )),
                    Some(s) if *s.get_ref() < 0 => problems.push(format!(
                        "{}: seed = {} is negative; expected a whole number >= 0",
                        self.at(s),
                        s.get_ref()
                    )),
                    Some(s) => seed = Some(*s.get_ref() as u64),
                }
            } else {
                for (key, v) in [("runs", &raw.runs), ("seed", &raw.seed)] {
                    if let Some(v) = v {
                        problems.push(format!(
                            "{}: {key} is for the random designs (monte-carlo, latin-hypercube); design = \"{}\" {}: remove {key}",
                            self.at(v),
                            design.name(),
                            if design == Design::Grid {
                                "runs every combination of the values"
                            } else {
                                "runs each parameter at its low and its high"
                            }
                        ));
                    }
                }
            }
        }

        if raw.vary.is_empty() {
            problems.push(format!(
                "{label}: no [[vary]] tables; add at least one, e.g.\n  [[vary]]\n  param = \"demand.presentation_rate\"\n  {}",
                match design {
                    Some(Design::Grid) => "values = [0.4, 0.5, 0.6]",
                    Some(Design::OneWay) => "low = 0.4\n  high = 0.6",
                    _ => "dist = \"uniform\"\n  low = 0.4\n  high = 0.6",
                }
            ));
        }

        let mut params: Vec<Param> = Vec::new();
        for (i, v) in raw.vary.iter().enumerate() {
            if let Some(p) = self.resolve_vary(i, v, base, design, &params, &mut problems) {
                params.push(p);
            }
        }

        let runs = match design {
            Some(Design::Grid) => {
                let mut product: u64 = 1;
                for p in &params {
                    if let Values::List(v) = &p.values {
                        product = product.saturating_mul(v.len() as u64);
                    }
                }
                if product > MAX_RUNS {
                    problems.push(format!(
                        "{label}: the grid has more than {MAX_RUNS} points (the product of the numbers of values); use fewer values, or a latin-hypercube design"
                    ));
                }
                Some(product)
            }
            Some(Design::OneWay) => Some(2 * params.len() as u64),
            _ => runs,
        };
        let design = design.unwrap_or(Design::Grid);
        problems.finish(Sweep {
            label: label.clone(),
            name: raw.name.clone(),
            description: raw.description.clone(),
            base: self.base().to_string(),
            design,
            runs: runs.unwrap_or(0),
            seed,
            params,
        })
    }

    fn resolve_vary(
        &self,
        index: usize,
        v: &Spanned<RawVary>,
        base: &Scenario,
        design: Option<Design>,
        earlier: &[Param],
        problems: &mut Problems,
    ) -> Option<Param> {
        let table_line = line_of(&self.text, v.span().start);
        let r = v.get_ref();
        let n = index + 1;
        let Some(param) = &r.param else {
            problems.push(format!(
                "{}:{table_line}: [[vary]] #{n} has no param; name the scenario key to vary, e.g. param = \"demand.presentation_rate\"",
                self.label
            ));
            return None;
        };
        let path = param.get_ref().trim().to_string();
        let here = self.at(param);
        let Some(rule) = base.rule_of(&path) else {
            problems.push(format!(
                "{here}: param = \"{path}\" is not a numeric key of the base scenario {}; expected one of {}",
                base.sources.first().cloned().unwrap_or_else(|| self.base().to_string()),
                valid_keys(base)
            ));
            return None;
        };
        if let Some(first) = earlier.iter().find(|p| p.path == path) {
            problems.push(format!(
                "{here}: param = \"{path}\" is already varied by the [[vary]] table at line {}; vary each key once",
                first.line
            ));
            return None;
        }
        let who = format!("[[vary]] {path}");
        let design = design?;
        let ok_before = problems.len();

        // Keys that do not belong to this design.
        let dist_keys: [(&str, Option<usize>); 6] = [
            ("dist", r.dist.as_ref().map(|s| s.span().start)),
            ("low", r.low.as_ref().map(|s| s.span().start)),
            ("high", r.high.as_ref().map(|s| s.span().start)),
            ("mode", r.mode.as_ref().map(|s| s.span().start)),
            ("min", r.min.as_ref().map(|s| s.span().start)),
            ("max", r.max.as_ref().map(|s| s.span().start)),
        ];
        let grid_keys: [(&str, Option<usize>); 4] = [
            ("values", r.values.as_ref().map(|s| s.span().start)),
            ("from", r.from.as_ref().map(|s| s.span().start)),
            ("to", r.to.as_ref().map(|s| s.span().start)),
            ("steps", r.steps.as_ref().map(|s| s.span().start)),
        ];
        let mut refuse = |keys: &[(&str, Option<usize>)], allowed: &[&str], why: &str| {
            for (key, at) in keys {
                if let Some(at) = at {
                    if !allowed.contains(key) {
                        problems.push(format!(
                            "{}:{}: {who}: {key} does not apply to design = \"{}\"; {why}",
                            self.label,
                            line_of(&self.text, *at),
                            design.name()
                        ));
                    }
                }
            }
        };
        match design {
            Design::Grid => refuse(
                &dist_keys,
                &[],
                "a grid takes values = [...] or from, to and steps",
            ),
            Design::OneWay => {
                refuse(
                    &dist_keys,
                    &["low", "high"],
                    "one-way takes each parameter at low and at high",
                );
                refuse(
                    &grid_keys,
                    &[],
                    "one-way takes each parameter at low and at high",
                );
            }
            Design::MonteCarlo | Design::LatinHypercube => refuse(
                &grid_keys,
                &[],
                "random designs draw from dist with low and high (values, from, to and steps are for grids)",
            ),
        }

        let check_value = |problems: &mut Problems, key: &str, s: &Spanned<f64>| -> bool {
            match rule.check(*s.get_ref()) {
                Some(what) => {
                    problems.push(format!(
                        "{}: {who}: {key} = {} {what}",
                        self.at(s),
                        s.get_ref()
                    ));
                    false
                }
                None => true,
            }
        };
        let need =
            |problems: &mut Problems, key: &str, value: &Option<Spanned<f64>>, example: &str| {
                if value.is_none() {
                    problems.push(format!(
                        "{}:{table_line}: {who}: {key} is missing; {example}",
                        self.label
                    ));
                }
                value.as_ref().map(|s| *s.get_ref())
            };

        let values = match design {
            Design::Grid => self.grid_values(r, &who, table_line, &check_value, problems),
            Design::OneWay => {
                let low = need(problems, "low", &r.low, "one-way needs low and high");
                let high = need(problems, "high", &r.high, "one-way needs low and high");
                for (key, s) in [("low", &r.low), ("high", &r.high)] {
                    if let Some(s) = s {
                        check_value(problems, key, s);
                    }
                }
                match (low, high) {
                    (Some(low), Some(high)) if low >= high => {
                        problems.push(format!(
                            "{}: {who}: low = {low} is not below high = {high}",
                            self.at(r.low.as_ref().expect("low given"))
                        ));
                        None
                    }
                    (Some(low), Some(high)) => Some(Values::LowHigh { low, high }),
                    _ => None,
                }
            }
            Design::MonteCarlo | Design::LatinHypercube => {
                self.dist_values(r, &who, table_line, rule, &check_value, problems)
            }
        };
        if problems.len() != ok_before {
            return None;
        }
        Some(Param {
            path,
            rule,
            values: values?,
            line: table_line,
        })
    }

    fn grid_values(
        &self,
        r: &RawVary,
        who: &str,
        table_line: usize,
        check_value: &dyn Fn(&mut Problems, &str, &Spanned<f64>) -> bool,
        problems: &mut Problems,
    ) -> Option<Values> {
        let range = r.from.is_some() || r.to.is_some() || r.steps.is_some();
        match (&r.values, range) {
            (Some(v), true) => {
                problems.push(format!(
                    "{}: {who}: gives both values and from/to/steps; give one: values = [...], or from, to and steps",
                    self.at(v)
                ));
                None
            }
            (None, false) => {
                problems.push(format!(
                    "{}:{table_line}: {who}: no values; a grid needs values = [0.4, 0.5, 0.6], or from = 0.4, to = 0.6, steps = 3",
                    self.label
                ));
                None
            }
            (Some(v), false) => {
                let list = v.get_ref().clone();
                if list.is_empty() {
                    problems.push(format!(
                        "{}: {who}: values = [] is empty; list at least one value",
                        self.at(v)
                    ));
                    return None;
                }
                let mut ok = true;
                for (i, x) in list.iter().enumerate() {
                    let s = Spanned::new(v.span(), *x);
                    ok &= check_value(problems, &format!("values[{i}]"), &s);
                }
                ok.then_some(Values::List(list))
            }
            (None, true) => {
                let mut missing = Vec::new();
                if r.from.is_none() {
                    missing.push("from");
                }
                if r.to.is_none() {
                    missing.push("to");
                }
                if r.steps.is_none() {
                    missing.push("steps");
                }
                if !missing.is_empty() {
                    problems.push(format!(
                        "{}:{table_line}: {who}: {} missing; a range needs from, to and steps (the number of values, ends included)",
                        self.label,
                        missing.join(" and ")
                    ));
                    return None;
                }
                let (from, to, steps) = (
                    r.from.as_ref().expect("given"),
                    r.to.as_ref().expect("given"),
                    r.steps.as_ref().expect("given"),
                );
                let mut ok = check_value(problems, "from", from) & check_value(problems, "to", to);
                let n = *steps.get_ref();
                if n < 2 {
                    problems.push(format!(
                        "{}: {who}: steps = {n} is too few; steps is the number of values from `from` to `to`, ends included, so at least 2 (use values = [x] for one value)",
                        self.at(steps)
                    ));
                    ok = false;
                }
                if !ok {
                    return None;
                }
                let (a, b) = (*from.get_ref(), *to.get_ref());
                let list = (0..n)
                    .map(|i| {
                        if i == n - 1 {
                            b
                        } else {
                            a + (b - a) * (i as f64) / ((n - 1) as f64)
                        }
                    })
                    .collect();
                Some(Values::List(list))
            }
        }
    }

    fn dist_values(
        &self,
        r: &RawVary,
        who: &str,
        table_line: usize,
        rule: Rule,
        check_value: &dyn Fn(&mut Problems, &str, &Spanned<f64>) -> bool,
        problems: &mut Problems,
    ) -> Option<Values> {
        let Some(dist) = &r.dist else {
            problems.push(format!(
                "{}:{table_line}: {who}: dist is missing; expected dist = {DISTS}",
                self.label
            ));
            return None;
        };
        let name = dist.get_ref().as_str();
        if !["uniform", "triangular", "normal80", "beta", "lognormal80"].contains(&name) {
            problems.push(format!(
                "{}: {who}: dist = \"{name}\" is not a distribution; expected {DISTS}",
                self.at(dist)
            ));
            return None;
        }
        let mut ok = true;
        // Keys a distribution does not take.
        let allowed: &[&str] = match name {
            "triangular" => &["mode"],
            "beta" => &["min", "max"],
            _ => &[],
        };
        for (key, v) in [("mode", &r.mode), ("min", &r.min), ("max", &r.max)] {
            if let Some(v) = v {
                if !allowed.contains(&key) {
                    problems.push(format!(
                        "{}: {who}: {key} does not apply to dist = \"{name}\"; mode is for triangular, min and max for beta",
                        self.at(v)
                    ));
                    ok = false;
                }
            }
        }
        let meaning = match name {
            "uniform" => "low and high are the ends of the range",
            "triangular" => "low and high are the ends of the range and mode its peak",
            _ => "low and high are the 10th and 90th percentiles",
        };
        let mut need = |key: &str, v: &Option<Spanned<f64>>| -> Option<f64> {
            match v {
                None => {
                    problems.push(format!(
                        "{}:{table_line}: {who}: {key} is missing; dist = \"{name}\" needs low and high{} ({meaning})",
                        self.label,
                        if name == "triangular" { " and mode" } else { "" }
                    ));
                    None
                }
                Some(s) => Some(*s.get_ref()),
            }
        };
        let low = need("low", &r.low);
        let high = need("high", &r.high);
        let mode = if name == "triangular" {
            need("mode", &r.mode)
        } else {
            None
        };
        let (Some(low), Some(high)) = (low, high) else {
            return None;
        };
        if name == "triangular" && mode.is_none() {
            return None;
        }
        // low, high (and mode) are values the key can take.
        for (key, s) in [("low", &r.low), ("high", &r.high), ("mode", &r.mode)] {
            if let Some(s) = s {
                if name == "triangular" || key != "mode" {
                    ok &= check_value(problems, key, s);
                }
            }
        }
        let low_at = self.at(r.low.as_ref().expect("low given"));
        if low >= high {
            problems.push(format!(
                "{low_at}: {who}: low = {low} is not below high = {high}"
            ));
            return None;
        }
        if !ok {
            return None;
        }
        let dist = match name {
            "uniform" => Dist::uniform(low, high),
            "triangular" => {
                let mode = mode.expect("checked");
                if !(low..=high).contains(&mode) {
                    problems.push(format!(
                        "{}: {who}: mode = {mode} is outside low = {low} to high = {high}; the peak must lie within the range",
                        self.at(r.mode.as_ref().expect("mode given"))
                    ));
                    return None;
                }
                Dist::Triangular { low, mode, high }
            }
            "normal80" => Dist::normal80(low, high),
            "lognormal80" => {
                if low <= 0.0 {
                    problems.push(format!(
                        "{low_at}: {who}: low = {low} must be above 0 for a log-normal (its values are all positive); use normal80 for a value that can be 0"
                    ));
                    return None;
                }
                Dist::lognormal80(low, high)
            }
            _ => {
                let min = r.min.as_ref().map_or(0.0, |s| *s.get_ref());
                let max = r.max.as_ref().map_or(1.0, |s| *s.get_ref());
                let (_, key_hi) = rule.bounds();
                if key_hi > 1.0 && (r.min.is_none() || r.max.is_none()) {
                    problems.push(format!(
                        "{low_at}: {who}: a beta lies on [min, max], which is [0, 1] unless given; this key is not a fraction, so give both min and max (e.g. min = 0, max = {})",
                        high * 2.0
                    ));
                    return None;
                }
                if !(min < low && high < max) {
                    problems.push(format!(
                        "{low_at}: {who}: low = {low} and high = {high} must lie strictly inside the beta's range min = {min} to max = {max}"
                    ));
                    return None;
                }
                match Dist::beta80(low, high, min, max) {
                    Some(d) => d,
                    None => {
                        problems.push(format!(
                            "{low_at}: {who}: no beta distribution on [{min}, {max}] has 10th percentile {low} and 90th percentile {high}; move them apart from the ends, or use normal80"
                        ));
                        return None;
                    }
                }
            }
        };
        Some(Values::Dist(dist))
    }
}

/// The keys a sweep can vary, for "expected one of" messages.
pub fn valid_keys(base: &Scenario) -> String {
    let mut keys: Vec<String> = base
        .numbers()
        .into_iter()
        .map(|(p, _, _)| p)
        .filter(|p| !p.starts_with("disorders.") && !p.starts_with("areas."))
        .collect();
    for section in ["low_intensity", "high_intensity"] {
        let key = format!("{section}.working_days");
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.push("disorders.<id>.referral_weight, disorders.<id>.medication_only, disorders.<id>.step2_entry, disorders.<id>.step_up (id: a disorder of the prevalence table)".into());
    keys.push("areas.<code>.deprivation_factor".into());
    keys.join(", ")
}

impl Sweep {
    /// Checks the keys that name data: a disorder of the prevalence table, an area of the run.
    pub fn check_data(&self, prepared: &Prepared) -> Result<(), InputError> {
        let mut problems = Problems::new();
        for p in &self.params {
            let parts: Vec<&str> = p.path.split('.').collect();
            match parts.as_slice() {
                ["disorders", id, _] if !prepared.disorders.iter().any(|d| d == id) => {
                    problems.push(format!(
                        "{}:{}: [[vary]] {}: '{id}' is not a disorder of the prevalence table; expected one of {}",
                        self.label,
                        p.line,
                        p.path,
                        prepared.disorders.join(", ")
                    ))
                }
                ["areas", code, _] if prepared.geography.find(code).is_none() => {
                    problems.push(format!(
                        "{}:{}: [[vary]] {}: no area {code} in {}; expected an area code such as {}",
                        self.label,
                        p.line,
                        p.path,
                        prepared.geography.source,
                        prepared.geography.example_codes(3)
                    ))
                }
                _ => {}
            }
        }
        problems.finish(())
    }
}
