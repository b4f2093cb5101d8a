//! The sweep file: what to vary, how, and how many runs.
//!
//! Read in two stages like a scenario: the raw TOML (unknown keys rejected, every value kept
//! with its position), then a [`Sweep`] checked against the base scenario, with every problem
//! in the file reported at once, each naming the file, the line, the key and what is valid.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::inputs::BANDS;
use crate::model::Prepared;
use crate::problems::{short, InputError, Problems};
use crate::scenario::{self, CapacityBasis, Rule, Scenario, ScenarioSource};

use super::dist::Dist;

/// The most runs a sweep can have (after run 0): far beyond any machine, and small enough
/// that run numbers and sizes never overflow.
pub const MAX_RUNS: u64 = 1 << 40;

/// The most values one grid key can take (checked before any is built): a finer grid is
/// better drawn as a Latin hypercube.
pub const MAX_GRID_VALUES: u64 = 10_000_000;

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
    /// Keeps a random draw valid for its key (e.g. a fraction in [0, 1], a caseload above 0,
    /// a turnover below 1).
    pub fn clamp(&self, x: f64) -> f64 {
        let (lo, hi) = draw_bounds(&self.path, self.rule);
        x.clamp(lo, hi)
    }
}

/// Keys `capacity model` requires to be whole numbers.
pub fn is_whole_key(path: &str) -> bool {
    matches!(path, "pipeline.years" | "pipeline.training_years")
}

fn is_turnover(path: &str) -> bool {
    path.starts_with("pipeline.turnover_")
        || (path.starts_with("steps.") && path.ends_with(".turnover"))
}

/// `low_intensity.roles.<n>.share` and the like: the shares of an intensity sum to 1.
pub fn is_role_share(path: &str) -> bool {
    path.contains(".roles.") && path.ends_with(".share")
}

/// `demand.medication_only` and `disorders.<id>.medication_only`.
pub fn is_medication_key(path: &str) -> bool {
    path == "demand.medication_only"
        || (path.starts_with("disorders.") && path.ends_with(".medication_only"))
}

/// What `Scenario::validate` says of one key's value on its own, or None: the key's rule,
/// whole years for the pipeline's years, a turnover below 1. (A test holds this to
/// `validate`, key by key, so that a sweep accepts exactly the values `capacity model` does.)
pub fn key_problem(path: &str, rule: Rule, value: f64) -> Option<String> {
    if let Some(what) = rule.check(value) {
        return Some(what);
    }
    if is_whole_key(path) && value.fract() != 0.0 {
        return Some("is not a whole number of years; cohorts start once a year".into());
    }
    if is_turnover(path) && value >= 1.0 {
        return Some(
            "is not below 1; a turnover of 1 would mean every member of staff leaves every year"
                .into(),
        );
    }
    None
}

/// The range random draws of a key are clamped to: its rule's, and strictly below 1 for a
/// turnover (which `capacity model` requires).
pub fn draw_bounds(path: &str, rule: Rule) -> (f64, f64) {
    let (lo, hi) = rule.bounds();
    if is_turnover(path) {
        (lo, hi.min(1.0 - 1e-9))
    } else {
        (lo, hi)
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
    /// What a planner should know before trusting the runs (e.g. draws clamped to a key's
    /// range).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Below this probability a draw outside a key's range is not worth a word: one in a million.
const NEGLIGIBLE: f64 = 1e-6;
/// The largest size of a drawn value: far above any assumption of a scenario, far below
/// what would overflow the outputs computed from it or their statistics.
pub const MAX_DRAW: f64 = 1e15;
/// The smallest uniform number the plan of runs draws (half of 2^-52), and one minus it the
/// largest.
const EXTREME_U: f64 = 0.5 / (1u64 << 52) as f64;

/// A probability as a readable per cent: 5.9%, 0.0063%.
fn share(p: f64) -> String {
    let pct = 100.0 * p;
    if pct >= 0.1 {
        format!("{pct:.1}%")
    } else {
        // Two significant figures.
        let decimals = (1.0 - pct.log10().floor()).max(1.0) as usize;
        format!("{pct:.decimals$}%")
    }
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
        let line = e.span().map(|s| line_of(text, s.start));
        let at = line.map(|l| format!(":{l}")).unwrap_or_default();
        // A wrong type in the words of the scenario files' messages: the key, its value and
        // what it should be.
        if let Some(plain) = line.and_then(|l| scenario::plain_type_error_at(text, l, e.message())) {
            return InputError::one(format!("{label}:{plain}"));
        }
        InputError::one(format!(
            "{label}{at}: {}; a sweep file has the keys name, description, base, design, runs, seed and [[vary]] tables of param, dist, low, high, mode, min, max, values, from, to, steps",
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

        // A grid's size from the file, before any of its values is built.
        let mut build_grid = true;
        if design == Some(Design::Grid) {
            let mut product: u64 = 1;
            for v in &raw.vary {
                let r = v.get_ref();
                let n = match (&r.values, &r.steps) {
                    (Some(list), _) => list.get_ref().len() as u64,
                    (None, Some(steps)) => (*steps.get_ref()).max(1) as u64,
                    (None, None) => 1,
                };
                product = product.saturating_mul(n);
            }
            if product > MAX_RUNS {
                problems.push(format!(
                    "{label}: the grid has {} points (the product of the numbers of values), more than {MAX_RUNS}; use fewer values, or a latin-hypercube design",
                    if product == u64::MAX { "too many".to_string() } else { product.to_string() }
                ));
                build_grid = false;
            }
        }

        let mut params: Vec<Param> = Vec::new();
        for (i, v) in raw.vary.iter().enumerate() {
            if let Some(p) =
                self.resolve_vary(i, v, base, design, &params, build_grid, &mut problems)
            {
                params.push(p);
            }
        }
        if let Some(design) = design {
            let clean = problems.is_empty();
            self.check_value_sets(design, &params, base, clean, &mut problems);
        }

        let runs = match design {
            Some(Design::Grid) => {
                let mut product: u64 = 1;
                for p in &params {
                    if let Values::List(v) = &p.values {
                        product = product.saturating_mul(v.len() as u64);
                    }
                }
                Some(product)
            }
            Some(Design::OneWay) => Some(2 * params.len() as u64),
            _ => runs,
        };
        let warnings = clamped_draws(&self.label, &params, &mut problems);
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
            warnings,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_vary(
        &self,
        index: usize,
        v: &Spanned<RawVary>,
        base: &Scenario,
        design: Option<Design>,
        earlier: &[Param],
        build_grid: bool,
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
                "{here}: param = \"{path}\" {}",
                not_a_key(&path, base)
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

        // Keys whose values a design cannot vary the way it varies values.
        let whole_or_share = match design {
            Design::MonteCarlo | Design::LatinHypercube if is_whole_key(&path) => Some(format!(
                "{here}: {who}: random draws are not whole numbers, and {path} must be a whole number of years (cohorts start once a year); vary it in a grid (values = [3, 4, 5]) or a one-way design instead"
            )),
            Design::MonteCarlo | Design::LatinHypercube | Design::OneWay
                if is_role_share(&path) =>
            {
                let section = path.split('.').next().unwrap_or("");
                Some(format!(
                    "{here}: {who}: the shares of {section}.roles must sum to 1, and a {} varies one share on its own, so every run would break that; compare skill mixes with `capacity model` on a scenario per mix, or vary another key (e.g. costs.salary.<band>)",
                    if design == Design::OneWay { "one-way design" } else { "random draw" }
                ))
            }
            _ => None,
        };
        if let Some(message) = whole_or_share {
            problems.push(message);
            return None;
        }

        let check_value = |problems: &mut Problems, key: &str, s: &Spanned<f64>| -> bool {
            match key_problem(&path, rule, *s.get_ref()) {
                Some(what) => {
                    problems.push(format!(
                        "{}: {who}: {key} = {} {what}",
                        self.at(s),
                        short(*s.get_ref())
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
            Design::Grid => self.grid_values(
                r,
                &path,
                rule,
                build_grid,
                &who,
                table_line,
                &check_value,
                problems,
            ),
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
                            self.at(r.low.as_ref().expect("low given")),
                            low = short(low),
                            high = short(high)
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

    /// The checks of `capacity model` that involve several keys (the pipeline's years and
    /// training years, the skill-mix shares, a medication cost), on the value sets the design
    /// runs: every one-way run; for a grid, the points where such a check is hardest to pass
    /// (every key at its lowest value, every key at its highest, years lowest with training
    /// years highest), which are grid points too. Random designs cannot break them: whole
    /// numbers and shares are not drawn, and medication needs a known course cost. `clean`:
    /// no problem was found so far.
    fn check_value_sets(
        &self,
        design: Design,
        params: &[Param],
        base: &Scenario,
        clean: bool,
        problems: &mut Problems,
    ) {
        let label = &self.label;
        let course_known = base.costs.medication_course_cost.is_some()
            || params
                .iter()
                .any(|p| p.path == "costs.medication_course_cost");
        let before = problems.len();
        // `capacity model` gives the WTE with the costs left empty; a sweep's summaries and
        // rows hold numbers, so its runs need the course cost.
        if let Some(path) = base.uncosted_medication().filter(|_| !course_known) {
            problems.push(format!(
                "{}: {path} = {} is above 0, so costs.medication_course_cost is required by a sweep (capacity model leaves the costs empty instead); set it in the base scenario {} or as a [[vary]] key: the cost in pounds of one course of an SSRI for a person who chooses medication alone (no default is shipped: generic prices move month to month; take it from the current Drug Tariff)",
                base.locate(&path),
                base.get(&path).unwrap_or(0.0),
                base.name
            ));
        }
        if !course_known {
            for p in params.iter().filter(|p| is_medication_key(&p.path)) {
                let above_zero = match &p.values {
                    Values::List(v) => v.iter().any(|&x| x > 0.0),
                    Values::LowHigh { high, .. } => *high > 0.0,
                    // low >= 0 and high > low: some draws are above 0.
                    Values::Dist(_) => true,
                };
                if above_zero {
                    problems.push(format!(
                        "{label}:{}: [[vary]] {}: medication_only > 0 in some runs, so costs.medication_course_cost is required, as in capacity model, and the base scenario {} does not set it; set it to the cost in pounds of one course of an SSRI for a person who chooses medication alone (no default is shipped: generic prices move month to month; take it from the current Drug Tariff), in the base scenario or as a [[vary]] key",
                        p.line,
                        p.path,
                        base.name
                    ));
                }
            }
        }
        // Validating value sets needs every key's own values to be valid first.
        if !clean || problems.len() != before {
            return;
        }
        let mut probe = base.clone();
        for p in params {
            probe.create_optional(&p.path);
        }
        // The problems `capacity model` finds in the probe with `values` set.
        let invalid = |values: &[(usize, f64)]| -> Vec<String> {
            let mut s = probe.clone();
            for &(j, v) in values {
                s.set(&params[j].path, v);
            }
            let (found, _) = s.validate(&|k| base.locate(k));
            found.finish(()).err().map_or(Vec::new(), |e| e.problems)
        };
        match design {
            Design::OneWay => {
                for (j, p) in params.iter().enumerate() {
                    if let Values::LowHigh { low, high } = p.values {
                        for (end, v) in [("low", low), ("high", high)] {
                            for found in invalid(&[(j, v)]) {
                                problems.push(format!(
                                    "{label}:{}: [[vary]] {}: the run at {end} = {v} is not a valid scenario: {found}",
                                    p.line, p.path, v = short(v)
                                ));
                            }
                        }
                    }
                }
            }
            Design::Grid => {
                let ends = |pick: fn(&[f64]) -> f64| -> Vec<(usize, f64)> {
                    params
                        .iter()
                        .enumerate()
                        .filter_map(|(j, p)| match &p.values {
                            Values::List(v) => Some((j, pick(v))),
                            _ => None,
                        })
                        .collect()
                };
                let lowest = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
                let highest = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let mut corners = vec![
                    ("every key at its lowest value", ends(lowest)),
                    ("every key at its highest value", ends(highest)),
                ];
                let at = |key: &str| params.iter().position(|p| p.path == key);
                if let (Some(y), Some(t)) = (at("pipeline.years"), at("pipeline.training_years")) {
                    let (lo, hi) = (ends(lowest), ends(highest));
                    let years = lo.iter().find(|(j, _)| *j == y).copied();
                    let training = hi.iter().find(|(j, _)| *j == t).copied();
                    corners.push((
                        "the fewest years with the most training years",
                        years.into_iter().chain(training).collect(),
                    ));
                }
                let mut seen: Vec<String> = Vec::new();
                for (what, values) in corners {
                    for found in invalid(&values) {
                        if seen.contains(&found) {
                            continue;
                        }
                        let point: Vec<String> = values
                            .iter()
                            .map(|&(j, v)| format!("{} = {v}", params[j].path))
                            .collect();
                        problems.push(format!(
                            "{label}: the grid point with {} ({what}) is not a valid scenario: {found}",
                            point.join(", ")
                        ));
                        seen.push(found);
                    }
                }
            }
            Design::MonteCarlo | Design::LatinHypercube => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn grid_values(
        &self,
        r: &RawVary,
        path: &str,
        rule: Rule,
        build: bool,
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
                } else if n as u64 > MAX_GRID_VALUES {
                    // Checked before the values are built: steps = 1e11 would not fit.
                    problems.push(format!(
                        "{}: {who}: steps = {n} is more than {MAX_GRID_VALUES} values for one key; a range that fine is better drawn: design = \"latin-hypercube\" covers it evenly with far fewer runs",
                        self.at(steps)
                    ));
                    ok = false;
                }
                if !ok {
                    return None;
                }
                if !build {
                    return None;
                }
                let (a, b) = (*from.get_ref(), *to.get_ref());
                let list: Vec<f64> = (0..n)
                    .map(|i| {
                        if i == n - 1 {
                            b
                        } else {
                            a + (b - a) * (i as f64) / ((n - 1) as f64)
                        }
                    })
                    .collect();
                // The ends are checked above; the values between them may still be invalid
                // (from = 1, to = 2, steps = 3 gives 1.5 years).
                if let Some((i, x, what)) = list
                    .iter()
                    .enumerate()
                    .find_map(|(i, &x)| key_problem(path, rule, x).map(|w| (i, x, w)))
                {
                    problems.push(format!(
                        "{}: {who}: from = {a}, to = {b}, steps = {n} gives value #{} = {x}, which {what}; choose steps so that every value is valid, or list them with values = [...]",
                        self.at(steps),
                        i + 1,
                        a = short(a),
                        b = short(b),
                        x = short(x)
                    ));
                    return None;
                }
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
                "{low_at}: {who}: low = {low} is not below high = {high}",
                low = short(low),
                high = short(high)
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
                        self.at(r.mode.as_ref().expect("mode given")),
                        mode = short(mode),
                        low = short(low),
                        high = short(high)
                    ));
                    return None;
                }
                Dist::Triangular { low, mode, high }
            }
            "normal80" => Dist::normal80(low, high),
            "lognormal80" => {
                if low <= 0.0 {
                    problems.push(format!(
                        "{low_at}: {who}: low = {low} must be above 0 for a log-normal (its values are all positive); use normal80 for a value that can be 0",
                        low = short(low)
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
                        "{low_at}: {who}: low = {low} and high = {high} must lie strictly inside the beta's range min = {min} to max = {max}",
                        low = short(low),
                        high = short(high),
                        min = short(min),
                        max = short(max)
                    ));
                    return None;
                }
                match Dist::beta80(low, high, min, max) {
                    Some(d) => d,
                    None => {
                        problems.push(format!(
                            "{low_at}: {who}: could not fit a beta distribution on [{min}, {max}] with 10th percentile {low} and 90th percentile {high}: the range is too narrow, or too close to an end, for the fit; widen it, or use normal80 (which a narrow beta resembles closely)",
                            low = short(low),
                            high = short(high),
                            min = short(min),
                            max = short(max)
                        ));
                        return None;
                    }
                }
            }
        };
        Some(Values::Dist(dist))
    }
}

/// What each distribution puts outside its key's valid range, from its CDF at the bounds:
/// a warning with the share of draws that will be clamped to the nearest end, or a problem
/// when a key that must be above 0 (a caseload, contacts) would take a meaningless 1e-12 in
/// more than one draw in a million.
/// A draw may also be so large that the outputs it feeds (costs, WTE) and their mean and sd
/// over the runs cannot be represented: a problem too.
fn clamped_draws(label: &str, params: &[Param], problems: &mut Problems) -> Vec<String> {
    let mut warnings = Vec::new();
    for p in params {
        let Values::Dist(d) = &p.values else { continue };
        let (lo, hi) = draw_bounds(&p.path, p.rule);
        // The smallest and largest uniform numbers the plan draws (see plan.rs), so the
        // extreme draws of any run, after the clamp to the key's range.
        let extremes = [EXTREME_U, 1.0 - EXTREME_U].map(|u| d.quantile(u).max(lo).min(hi));
        if let Some(&worst) = extremes.iter().find(|x| x.is_nan() || x.abs() > MAX_DRAW) {
            problems.push(format!(
                "{label}:{}: [[vary]] {}: the {} has draws {}; the costs and WTE computed from such a value, or their mean and sd, would overflow: narrow low and high so that every draw stays within {MAX_DRAW:e}",
                p.line,
                p.path,
                d.describe(),
                if worst.is_finite() && worst.abs() < f64::MAX {
                    format!("as large as {worst:.3e}")
                } else {
                    "too large to hold as a number".to_string()
                }
            ));
            continue;
        }
        let below = d.cdf(lo);
        let above = 1.0 - d.cdf(hi);
        let positive = matches!(p.rule, Rule::Positive { .. } | Rule::PositiveFraction);
        let at = format!("{label}:{}: [[vary]] {}", p.line, p.path);
        if positive && below > NEGLIGIBLE {
            problems.push(format!(
                "{at}: {} puts {} of its draws at or below 0, where {} must be above 0 (a clamp to 1e-12 would be meaningless); use dist = \"lognormal80\" (always above 0) or a beta with min and max inside the valid range",
                d.describe(),
                share(below),
                p.path
            ));
        } else if below + above > NEGLIGIBLE {
            let mut parts = Vec::new();
            if below > NEGLIGIBLE {
                parts.push(format!("{} below {lo} (set to {lo})", share(below)));
            }
            if above > NEGLIGIBLE {
                parts.push(format!("{} above {hi} (set to {hi})", share(above)));
            }
            warnings.push(format!(
                "{at}: {} puts {} of its draws outside the key's valid range: {}; the summary counts them at the end of the range. Narrow low and high, or use a beta with min and max, if that is not meant",
                d.describe(),
                share(below + above),
                parts.join(", ")
            ));
        }
    }
    warnings
}

/// Why `path` cannot be varied on `base`, and what can.
fn not_a_key(path: &str, base: &Scenario) -> String {
    let base_name = base
        .sources
        .first()
        .cloned()
        .unwrap_or_else(|| base.name.clone());
    let canonical = scenario::canonical_key(path);
    let parts: Vec<&str> = canonical.split('.').collect();
    match parts.as_slice() {
        ["population", "age_min" | "age_max"] => format!(
            "cannot be swept: the age window decides which population is counted, and that is prepared once for every run of a sweep; run a sweep (or `capacity model`) per age window instead, with population.{} set in its base scenario",
            parts[1]
        ),
        ["steps", id, key] if base.step(id).is_some() => {
            let section = format!("steps.{id}");
            let step = base.step(id).expect("checked");
            let (uses, other) = match step.basis {
                CapacityBasis::ContactsPerDay { .. } => (
                    "contacts_per_day and caseload",
                    ["clinical_hours_per_week", "contact_hours"],
                ),
                CapacityBasis::ClinicalHours { .. } => (
                    "clinical_hours_per_week and contact_hours",
                    ["contacts_per_day", "caseload"],
                ),
            };
            if other.contains(key) {
                // Presets that do give the other form, as examples.
                let examples: Vec<&str> = scenario::PRESETS
                    .iter()
                    .filter(|(name, _)| {
                        scenario::load(&ScenarioSource::Preset(name.to_string()))
                            .ok()
                            .is_some_and(|(s, _)| {
                                s.step(id).is_some_and(|i| {
                                    std::mem::discriminant(&i.basis)
                                        != std::mem::discriminant(&step.basis)
                                })
                            })
                    })
                    .map(|(name, _)| *name)
                    .collect();
                format!(
                    "is not a key of the base scenario {base_name}: its {section} capacity is worked out from {uses}, not from {}; vary {section}.{} instead, or base the sweep on a scenario that gives {}{}",
                    other.join(" and "),
                    uses.replace(" and ", " or "),
                    other.join(" and "),
                    if examples.is_empty() {
                        String::new()
                    } else {
                        format!(" (as the preset {} does)", examples.join(", "))
                    }
                )
            } else {
                format!(
                    "is not a numeric key of the base scenario {base_name}; expected one of {}",
                    valid_keys(base)
                )
            }
        }
        ["costs", "salary", band] => format!(
            "names '{band}', which is not an Agenda for Change band; expected costs.salary.<band> with a band of {}",
            BANDS.join(", ")
        ),
        _ => format!(
            "is not a numeric key of the base scenario {base_name}; expected one of {}",
            valid_keys(base)
        ),
    }
}

/// The keys a sweep can vary, for "expected one of" messages.
pub fn valid_keys(base: &Scenario) -> String {
    let mut keys: Vec<String> = base
        .numbers()
        .into_iter()
        .map(|(p, _, _)| p)
        .filter(|p| {
            !p.starts_with("disorders.")
                && !p.starts_with("areas.")
                && !p.starts_with("costs.salary.")
        })
        .collect();
    let optional = base
        .steps
        .iter()
        .map(|s| format!("steps.{}.working_days", s.id))
        .chain(std::iter::once("costs.medication_course_cost".to_string()));
    for key in optional {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.push(format!("costs.salary.<band> (band: {})", BANDS.join(", ")));
    keys.push("disorders.<id>.referral_weight, disorders.<id>.medication_only, disorders.<id>.step2_entry, disorders.<id>.step_up (id: a disorder of the prevalence table)".into());
    keys.push("areas.<code>.deprivation_factor".into());
    keys.join(", ")
}

impl Sweep {
    /// Checks the keys that name data: a disorder of the prevalence table, an area of the run.
    pub fn check_data(&self, prepared: &Prepared, base: &Scenario) -> Result<(), InputError> {
        let mut problems = Problems::new();
        // The deprivation key of each leaf once every varied key exists (a varied
        // `[areas.<code>]` override applies to the leaves under it, as in the runs), and the
        // leaf's highest share of people with a disorder times its areas-file factors.
        let mut probe = base.clone();
        for p in &self.params {
            probe.create_optional(&p.path);
        }
        let mut worst: Vec<(String, f64)> = Vec::new();
        for leaf in &prepared.leaves {
            let key = probe.deprivation_key(&leaf.lineage);
            let rate = leaf.max_rate * leaf.prevalence_factor;
            match worst.iter_mut().find(|(k, _)| *k == key) {
                Some((_, w)) => *w = w.max(rate),
                None => worst.push((key, rate)),
            }
        }
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
            // As capacity model refuses it: a factor that puts prevalence above 1 (more people
            // with a disorder than people) in an area the key applies to. A draw has no upper
            // clamp, so a distribution must put no probability there at all.
            let Some(&(_, rate)) = worst.iter().find(|(k, _)| *k == p.path) else {
                continue;
            };
            if rate <= 0.0 {
                continue;
            }
            let limit = 1.0 / rate;
            let over = match &p.values {
                Values::List(v) => v.iter().copied().fold(0.0, f64::max) > limit,
                Values::LowHigh { high, .. } => *high > limit,
                Values::Dist(d) => d.cdf(limit) < 1.0,
            };
            if over {
                problems.push(format!(
                    "{}:{}: [[vary]] {}: values above {} put prevalence above 1 in an area it applies to (there the highest rate of any disorder, with the areas file's factors, is {}), as capacity model refuses; keep the factor below that (the FAQ's range is 0.6 to 1.4)",
                    self.label,
                    p.line,
                    p.path,
                    (limit * 1e4).floor() / 1e4,
                    (rate * 1e6).round() / 1e6
                ));
            }
        }
        problems.finish(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(name: &str) -> Scenario {
        scenario::load(&ScenarioSource::Preset(name.into()))
            .unwrap()
            .0
    }

    /// The sweep accepts a key's value exactly when `capacity model` does: for every numeric
    /// key of several presets and values across and beyond each range, `key_problem` finds a
    /// problem if and only if `Scenario::validate` does with that key set on its own. The
    /// checks that involve other keys (shares summing to 1, years >= training years, a
    /// medication cost) are left out: `check_value_sets` runs them on whole value sets.
    #[test]
    fn key_problem_agrees_with_scenario_validation() {
        let probes = [
            -1.0,
            0.0,
            1e-13,
            0.25,
            0.5,
            0.999,
            1.0,
            1.5,
            2.0,
            2.5,
            3.0,
            7.0,
            50.0,
            50.5,
            51.0,
            168.5,
            367.0,
            1001.0,
            1e9,
            f64::NAN,
            f64::INFINITY,
        ];
        let cross_key = [
            "the shares sum to",
            "is less than training_years",
            "medication_only > 0",
            "attended contacts a year",
        ];
        for name in ["obc", "north-essex", "clark-hi", "newham"] {
            let mut base = preset(name);
            for p in ["costs.medication_course_cost", "costs.salary.5"] {
                base.create_optional(p);
            }
            for (path, _, rule) in base.numbers() {
                for v in probes {
                    let mut s = base.clone();
                    assert!(s.set(&path, v));
                    let (found, _) = s.validate(&|k| s.locate(k));
                    let model: Vec<String> = found
                        .finish(())
                        .err()
                        .map_or(Vec::new(), |e| e.problems)
                        .into_iter()
                        .filter(|p| !cross_key.iter().any(|c| p.contains(c)))
                        .collect();
                    let ours = key_problem(&path, rule, v);
                    assert_eq!(
                        ours.is_some(),
                        !model.is_empty(),
                        "{name} {path} = {v}: sweep says {ours:?}, capacity model says {model:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn draws_of_a_turnover_stay_below_1() {
        let (_, hi) = draw_bounds("pipeline.turnover_low", Rule::Fraction);
        assert!(hi < 1.0);
        assert!(key_problem("pipeline.turnover_low", Rule::Fraction, hi).is_none());
        assert_eq!(
            draw_bounds("stepped_care.step_up", Rule::Fraction),
            (0.0, 1.0)
        );
    }
}
