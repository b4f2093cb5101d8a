//! MODEL.md section 2, steps 1 and 2: the in-scope population and prevalent cases of each
//! leaf area, and the staff each reported area has. This is the work that depends on the
//! data files and not on the scenario's rates, so a sweep does it once.

use std::collections::HashMap;

use crate::inputs::{Population, Prevalence, Sex, Workforce, ANY, MAX_AGE};
use crate::problems::{InputError, Problems};
use crate::scenario::{Comorbidity, Scenario};
use crate::words::count;
use crate::Warnings;

use super::geography::Geography;
use super::staffing::{merge_current, CurrentRole};
use super::steps::PerStep;
use super::{ModelInputs, RunOptions};

/// Which rows the output has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    /// One row per area of the population file.
    Leaves,
    /// One row per area at this level of the areas file.
    Named(String),
}

#[derive(Debug, Clone)]
pub struct PreparedLeaf {
    pub area: usize,
    pub population_in_scope: f64,
    /// Prevalent cases per disorder before any deprivation or prevalence factor
    /// (comorbidity scaling already applied).
    pub base_prevalent: Vec<f64>,
    /// Product of the areas file's prevalence_factor over the area and its ancestors.
    pub prevalence_factor: f64,
    /// Codes of the area and its ancestors, nearest first (for per-area scenario overrides).
    pub lineage: Vec<String>,
    /// The highest share of people with a disorder in any of the leaf's cells, before factors
    /// (`any` with comorbidity "primary", the highest single disorder with "sum"): times the
    /// leaf's factors it must stay at most 1.
    pub max_rate: f64,
}

/// A reported row: a set of leaves summed.
#[derive(Debug, Clone)]
pub struct ReportGroup {
    pub code: String,
    pub name: String,
    pub level: String,
    /// Indices into `Prepared::leaves`.
    pub leaves: Vec<usize>,
    /// Effective current WTE (MODEL.md section 5) of staff serving this area.
    pub current: PerStep<f64>,
    /// The same split by role and band (issue 5), in workforce-file order.
    pub current_roles: Vec<CurrentRole>,
}

/// Everything about a run that does not depend on the scenario's rates.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub disorders: Vec<String>,
    /// The pay table of the run's inputs.
    pub pay: crate::inputs::PayTable,
    pub geography: Geography,
    pub leaves: Vec<PreparedLeaf>,
    pub groups: Vec<ReportGroup>,
    pub total_current: PerStep<f64>,
    pub total_current_roles: Vec<CurrentRole>,
    pub has_workforce: bool,
    pub age_min: u32,
    pub age_max: u32,
}

/// Per (sex, age): the rate of each disorder, scaled for comorbidity, and the share of people
/// with a disorder (`any` for "primary", the highest single rate for "sum"); or what is missing.
type CellRates = Result<(Vec<f64>, f64), String>;

fn cell_rates(
    prevalence: &Prevalence,
    lookup: &HashMap<(&str, Sex, u32), f64>,
    comorbidity: Comorbidity,
    in_any: &[bool],
    sex: Sex,
    age: u32,
) -> CellRates {
    let rate = |d: &str| -> Option<f64> {
        lookup
            .get(&(d, sex, age))
            .or_else(|| lookup.get(&(d, Sex::All, age)))
            .copied()
    };
    let mut rates = Vec::with_capacity(prevalence.disorders.len());
    for d in &prevalence.disorders {
        rates.push(rate(d).ok_or_else(|| {
            format!(
                "no {d} row for age {age}, sex {} (nor sex all)",
                sex.as_str()
            )
        })?);
    }
    if comorbidity == Comorbidity::Primary {
        let any = rate(ANY).ok_or_else(|| {
            format!(
                "no '{ANY}' row for age {age}, sex {} (nor sex all), which comorbidity = \"primary\" needs; add the any-disorder rates or set demand.comorbidity = \"sum\"",
                sex.as_str()
            )
        })?;
        // `any` is any common mental disorder: the conditions of a pathway of their own
        // (psychosis, say) are outside it, counted as they are.
        let sum: f64 = rates
            .iter()
            .zip(in_any)
            .filter(|(_, inside)| **inside)
            .map(|(r, _)| r)
            .sum();
        // People with several disorders are counted once: each disorder's share of `any`.
        let scale = if sum > 0.0 { any / sum } else { 0.0 };
        for (r, inside) in rates.iter_mut().zip(in_any) {
            if *inside {
                *r *= scale;
            }
        }
        let share = rates.iter().sum();
        return Ok((rates, share));
    }
    let share = rates.iter().copied().fold(0.0, f64::max);
    Ok((rates, share))
}

pub fn prepare(
    inputs: &ModelInputs,
    scenario: &Scenario,
    options: &RunOptions,
) -> Result<(Prepared, Warnings), InputError> {
    let mut problems = Problems::new();
    let mut warnings = Warnings::new();
    let geography = Geography::build(inputs.areas.as_ref(), &inputs.population)?;
    let prevalence = &inputs.prevalence;

    for id in scenario.disorders.keys() {
        if !prevalence.disorders.contains(id) {
            problems.push(format!(
                "{}: [disorders.{id}]: '{id}' is not a disorder of the prevalence table {}; expected one of {}",
                scenario.locate(&format!("disorders.{id}")),
                prevalence.source,
                prevalence.disorders.join(", ")
            ));
        }
    }
    for code in scenario.areas.keys() {
        if geography.find(code).is_none() {
            problems.push(format!(
                "{}: [areas.{code}]: {}",
                scenario.locate(&format!("areas.{code}")),
                crate::area_lookup::unknown(&geography, code)
            ));
        }
    }

    // Which leaves the run keeps.
    let (selection, selection_origin) = if !options.areas.is_empty() {
        (options.areas.clone(), "--area".to_string())
    } else {
        (
            scenario.population.areas.clone(),
            format!("{}: population.areas", scenario.locate("population.areas")),
        )
    };
    let mut selected: Vec<usize> = Vec::new();
    for code in &selection {
        // A code, ODS code or name, in any case.
        match crate::area_lookup::resolve(&geography, code) {
            Err(why) => problems.push(format!("{selection_origin}: {why}")),
            Ok(a) => selected.push(a),
        }
    }
    let leaf_areas: Vec<usize> = geography
        .leaves
        .iter()
        .copied()
        .filter(|&leaf| {
            selected.is_empty() || selected.iter().any(|&s| geography.is_within(leaf, s))
        })
        .collect();
    if leaf_areas.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{selection_origin}: none of {} has population rows in {}",
            selection.join(", "),
            inputs.population.source
        ));
    }

    // Reported groups.
    let levels = geography.levels();
    let mut group_of_leaf: Vec<usize> = Vec::with_capacity(leaf_areas.len());
    let mut group_areas: Vec<usize> = Vec::new();
    match &options.level {
        Level::Leaves => {
            for (i, &leaf) in leaf_areas.iter().enumerate() {
                group_of_leaf.push(i);
                group_areas.push(leaf);
            }
        }
        Level::Named(asked) => {
            // "ICB" is the level icb.
            let level = &crate::area_lookup::level(&geography, asked).unwrap_or(asked.clone());
            if !levels.contains(level) {
                problems.push(format!(
                    "--level {level}: no areas at that level in {}; levels are {}",
                    geography.source,
                    levels.join(", ")
                ));
            } else {
                let mut group_index: HashMap<usize, usize> = HashMap::new();
                // Groups in areas-file order.
                let mut owners: Vec<(usize, usize)> = Vec::new();
                for &leaf in &leaf_areas {
                    match geography
                        .ancestors(leaf)
                        .find(|&a| &geography.areas[a].level == level)
                    {
                        Some(owner) => owners.push((leaf, owner)),
                        None => problems.push(format!(
                            "--level {level}: area {} has no ancestor at level {level} in {}",
                            geography.areas[leaf].code, geography.source
                        )),
                    }
                }
                let mut distinct: Vec<usize> = owners.iter().map(|&(_, o)| o).collect();
                distinct.sort_unstable();
                distinct.dedup();
                for o in distinct {
                    group_index.insert(o, group_areas.len());
                    group_areas.push(o);
                }
                group_of_leaf = owners.iter().map(|(_, o)| group_index[o]).collect();
            }
        }
    }

    // Steps 1 and 2: in-scope population and prevalent cases per leaf.
    let mut lookup: HashMap<(&str, Sex, u32), f64> = HashMap::new();
    for r in &prevalence.rows {
        for age in r.age_from..=r.age_to {
            lookup.insert((r.disorder.as_str(), r.sex, age), r.rate);
        }
    }
    let (age_min, age_max) = (scenario.population.age_min, scenario.population.age_max);
    warnings.extend(crate::inputs::age_window_warnings(
        &inputs.population,
        prevalence,
        (age_min, age_max),
    ));
    let mut rates_cache: HashMap<(Sex, u32), CellRates> = HashMap::new();
    let leaf_slot: HashMap<usize, usize> = leaf_areas
        .iter()
        .enumerate()
        .map(|(i, &a)| (a, i))
        .collect();
    let n_disorders = prevalence.disorders.len();
    // A pathway's conditions must be rows of the prevalence file.
    for p in &scenario.pathways {
        for c in &p.conditions {
            if !prevalence.disorders.contains(c) {
                problems.push(format!(
                    "{}: pathways.{}.conditions: '{c}' is not a disorder of the prevalence table {}; it has {}",
                    scenario.locate(&format!("pathways.{}.conditions", p.id)),
                    p.id,
                    prevalence.source,
                    prevalence.disorders.join(", ")
                ));
            }
        }
    }
    // A condition outside the common mental disorders needs a pathway of its own: anything
    // else is a typo, not a new disorder to count.
    for d in &prevalence.disorders {
        if !crate::inputs::KNOWN_DISORDERS.contains(&d.as_str())
            && scenario.pathway_of_condition(d).is_none()
        {
            let line = prevalence
                .rows
                .iter()
                .find(|r| r.disorder == *d)
                .map_or(0, |r| r.line);
            problems.push(format!(
                "{}:{line}: disorder = '{d}' is not known; expected one of {}, {}, or a condition of one of the scenario's [pathways.<id>] (conditions = [\"{d}\"])",
                prevalence.source,
                crate::inputs::KNOWN_DISORDERS.join(", "),
                crate::inputs::ANY
            ));
        }
    }
    let in_any: Vec<bool> = prevalence
        .disorders
        .iter()
        .map(|d| scenario.pathway_of_condition(d).is_none())
        .collect();
    let mut leaves: Vec<PreparedLeaf> = leaf_areas
        .iter()
        .map(|&area| PreparedLeaf {
            area,
            population_in_scope: 0.0,
            base_prevalent: vec![0.0; n_disorders],
            prevalence_factor: geography
                .ancestors(area)
                .map(|a| geography.areas[a].prevalence_factor)
                .product(),
            lineage: geography
                .ancestors(area)
                .map(|a| geography.areas[a].code.clone())
                .collect(),
            max_rate: 0.0,
        })
        .collect();
    let mut missing_reported = 0usize;
    accumulate_population(
        &inputs.population,
        &geography,
        &leaf_slot,
        (age_min, age_max.min(MAX_AGE + 1)),
        |sex, age| {
            rates_cache
                .entry((sex, age))
                .or_insert_with(|| {
                    cell_rates(
                        prevalence,
                        &lookup,
                        scenario.demand.comorbidity,
                        &in_any,
                        sex,
                        age,
                    )
                })
                .clone()
        },
        &mut leaves,
        |line, area, why| {
            // The same gap in the table shows up in every area: report each cell kind a few times.
            missing_reported += 1;
            if missing_reported <= 5 {
                problems.push(format!(
                    "{}:{line}: area {area}: {why} in the prevalence table {}; it must cover every age from age_min {age_min} to age_max - 1 = {} for each sex in the population",
                    inputs.population.source,
                    prevalence.source,
                    age_max - 1
                ));
            }
        },
    );
    if missing_reported > 5 {
        problems.push(format!(
            "... and {} more population rows with no matching prevalence",
            missing_reported - 5
        ));
    }

    check_prevalence_factors(&leaves, &geography, scenario, &mut problems, &mut warnings);
    if let Level::Named(_) = &options.level {
        warn_partial_groups(&group_areas, &leaf_areas, &geography, &mut warnings);
    }

    // MODEL.md section 5: effective current WTE per reported area.
    let mut groups: Vec<ReportGroup> = group_areas
        .iter()
        .map(|&a| ReportGroup {
            code: geography.areas[a].code.clone(),
            name: geography.areas[a].name.clone(),
            level: geography.areas[a].level.clone(),
            leaves: Vec::new(),
            current: PerStep::zeros(scenario.steps.len()),
            current_roles: Vec::new(),
        })
        .collect();
    for (slot, &g) in group_of_leaf.iter().enumerate() {
        groups[g].leaves.push(slot);
    }
    let mut total_current = PerStep::zeros(scenario.steps.len());
    let mut total_current_roles = Vec::new();
    if let Some(workforce) = &inputs.workforce {
        let steps = scenario.step_ids();
        let mut unknown_steps: Vec<&str> = Vec::new();
        for row in &workforce.rows {
            for (step, _) in &row.shares {
                if !steps.contains(&step.as_str()) && !unknown_steps.contains(&step.as_str()) {
                    unknown_steps.push(step);
                }
            }
        }
        for step in unknown_steps {
            problems.push(format!(
                "{}:1: column {step}_share is the share of time on step '{step}', which the scenario does not have; steps: {}",
                workforce.source,
                steps.join(", ")
            ));
        }
        (total_current, total_current_roles) = attribute_workforce(
            workforce,
            &steps,
            &geography,
            &leaf_areas,
            &mut groups,
            &mut warnings,
        );
    }

    problems.finish((
        Prepared {
            disorders: prevalence.disorders.clone(),
            pay: inputs.pay.clone(),
            geography,
            leaves,
            groups,
            total_current,
            total_current_roles,
            has_workforce: inputs.workforce.is_some(),
            age_min,
            age_max,
        },
        warnings,
    ))
}

/// Adds each population row's in-window years, pro rata by years of age, to its leaf.
fn accumulate_population(
    population: &Population,
    geography: &Geography,
    leaf_slot: &HashMap<usize, usize>,
    (age_min, age_max): (u32, u32),
    mut rates: impl FnMut(Sex, u32) -> CellRates,
    leaves: &mut [PreparedLeaf],
    mut missing: impl FnMut(u64, &str, String),
) {
    for row in &population.rows {
        let Some(&slot) = geography
            .find(&row.area_code)
            .and_then(|a| leaf_slot.get(&a))
        else {
            continue; // not selected
        };
        let from = row.age_from.max(age_min);
        let to = row.age_to.min(age_max.saturating_sub(1));
        if from > to {
            continue;
        }
        // A band that only partly overlaps the window, or spans prevalence bands, is split
        // evenly over its years of age.
        let years = f64::from(row.age_to - row.age_from + 1);
        let per_year = row.population / years;
        let leaf = &mut leaves[slot];
        let mut complete = true;
        for age in from..=to {
            match rates(row.sex, age) {
                Ok((r, share)) => {
                    for (acc, rate) in leaf.base_prevalent.iter_mut().zip(&r) {
                        *acc += per_year * rate;
                    }
                    leaf.max_rate = leaf.max_rate.max(share);
                }
                Err(why) => {
                    missing(row.line, &row.area_code, why);
                    complete = false;
                    break;
                }
            }
        }
        if complete {
            let in_scope = f64::from(to - from + 1);
            // A band wholly inside the window counts exactly, not as a sum of fractions.
            leaf.population_in_scope += if in_scope == years {
                row.population
            } else {
                row.population * in_scope / years
            };
        }
    }
}

/// Sums each workforce row into the reported areas that contain everything it covers, in
/// total and by role and band.
fn attribute_workforce(
    workforce: &Workforce,
    steps: &[&str],
    geography: &Geography,
    leaf_areas: &[usize],
    groups: &mut [ReportGroup],
    warnings: &mut Warnings,
) -> (PerStep<f64>, Vec<CurrentRole>) {
    // Codes that are no area at all: MODEL.md section 5 ignores rows for areas outside the
    // run with a warning (a national export used for one area), said once with examples so
    // that a typo stands out.
    let mut unknown: Vec<String> = Vec::new();
    let mut total = PerStep::zeros(steps.len());
    let mut total_roles: Vec<CurrentRole> = Vec::new();
    let mut above_level = 0usize;
    for row in &workforce.rows {
        let share = |s: &str| {
            row.shares
                .iter()
                .find(|(id, _)| id == s)
                .map_or(0.0, |(_, v)| *v)
        };
        let effective = PerStep::from_fn(steps.len(), |s| {
            row.wte * share(steps[s]) * row.capacity_factor
        });
        let on_steps = row.shares.iter().fold(0.0, |sum, (_, v)| sum + v);
        let by_role = CurrentRole {
            role: row.role.trim().to_string(),
            band: row.band.clone(),
            by_step: effective.clone(),
            other: row.wte * (1.0 - on_steps).max(0.0),
        };
        // The run's leaves this row's staff serve.
        let covered: Vec<usize> = match &row.area_code {
            None => (0..leaf_areas.len()).collect(),
            Some(code) => {
                // NHS workforce exports name ICBs by ODS code (QOP): any way of naming an area.
                let Ok(area) = crate::area_lookup::resolve(geography, code) else {
                    unknown.push(format!("{code} on line {}", row.line));
                    continue;
                };
                let all: Vec<usize> = geography
                    .leaves
                    .iter()
                    .copied()
                    .filter(|&l| geography.is_within(l, area))
                    .collect();
                let covered: Vec<usize> = leaf_areas
                    .iter()
                    .enumerate()
                    .filter(|(_, &l)| geography.is_within(l, area))
                    .map(|(slot, _)| slot)
                    .collect();
                if covered.is_empty() {
                    warnings.push(format!(
                        "{}:{}: area {code} is outside the areas of this run; the row is ignored",
                        workforce.source, row.line
                    ));
                    continue;
                }
                if covered.len() < all.len() {
                    warnings.push(format!(
                        "{}:{}: area {code} is only partly inside this run ({} of its {} areas); its staff cannot be split, so the row is ignored",
                        workforce.source,
                        row.line,
                        covered.len(),
                        all.len()
                    ));
                    continue;
                }
                covered
            }
        };
        total += &effective;
        merge_current(&mut total_roles, &by_role);
        let mut placed = false;
        for g in groups.iter_mut() {
            if covered.iter().all(|slot| g.leaves.contains(slot)) {
                g.current += &effective;
                merge_current(&mut g.current_roles, &by_role);
                placed = true;
            }
        }
        if !placed {
            above_level += 1;
        }
    }
    if !unknown.is_empty() {
        warnings.push(format!(
            "{}: {} {} an area_code that is not an area of {} ({}{}): their staff are ignored; if that is a typo, the gap is overstated (area codes look like {})",
            workforce.source,
            count(unknown.len(), "row"),
            if unknown.len() == 1 { "names" } else { "name" },
            geography.source,
            unknown.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            if unknown.len() > 3 { ", ..." } else { "" },
            geography.example_codes(3)
        ));
    }
    if above_level > 0 {
        warnings.push(format!(
            "{}: {} {} an area above the reported level (or none): their staff count in the total row only",
            workforce.source,
            count(above_level, "row"),
            if above_level == 1 { "names" } else { "name" }
        ));
    }
    (total, total_roles)
}

/// Prevalence times a leaf's factors cannot pass 1 (more people with a disorder than people);
/// a combined factor outside the FAQ's 0.6 to 1.4 is worth a warning.
fn check_prevalence_factors(
    leaves: &[PreparedLeaf],
    geography: &Geography,
    scenario: &Scenario,
    problems: &mut Problems,
    warnings: &mut Warnings,
) {
    // Grouped by the key that sets the factor: one bad value is one problem, not one per area.
    let mut over: Vec<(String, Vec<String>)> = Vec::new();
    let mut unusual: Vec<String> = Vec::new();
    for leaf in leaves {
        let code = geography.areas[leaf.area].code.as_str();
        let factor = super::leaf_deprivation(leaf, scenario);
        if leaf.max_rate * factor > 1.0 {
            let mut origin = scenario.deprivation_origin(&leaf.lineage);
            if leaf.prevalence_factor != 1.0 {
                origin.push_str(&format!(
                    " x prevalence_factor {} of the areas file ({})",
                    round9(leaf.prevalence_factor),
                    factor_lines(geography, leaf.area)
                ));
            }
            let example = format!(
                "{code}: {} x {} = {}",
                round9(leaf.max_rate),
                round9(factor),
                round9(leaf.max_rate * factor)
            );
            match over.iter_mut().find(|(o, _)| *o == origin) {
                Some((_, areas)) => areas.push(example),
                None => over.push((origin, vec![example])),
            }
        } else if leaf.prevalence_factor != 1.0 && !(0.6..=1.4).contains(&leaf.prevalence_factor) {
            unusual.push(format!("{code} ({})", factor_lines(geography, leaf.area)));
        }
    }
    for (origin, areas) in over {
        problems.push(format!(
            "{origin} puts prevalence above 1 (more people with a disorder than people) in {} ({}{}); the FAQ's range for the factor is 0.6 to 1.4",
            count(areas.len(), "area"),
            areas.iter().take(2).cloned().collect::<Vec<_>>().join("; "),
            if areas.len() > 2 { "; ..." } else { "" }
        ));
    }
    if !unusual.is_empty() {
        warnings.push(format!(
            "{}: prevalence_factor of {} ({}{}) is outside 0.6 to 1.4, the range the FAQ's NPMSdep index moves prevalence by",
            geography.source,
            count(unusual.len(), "area"),
            unusual.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            if unusual.len() > 3 { ", ..." } else { "" }
        ));
    }
}

/// "areas.csv:12, areas.csv:3": the lines of the areas file that set the factors of an area
/// and its ancestors (the factor is their product).
fn factor_lines(geography: &Geography, area: usize) -> String {
    let lines: Vec<String> = geography
        .ancestors(area)
        .filter(|&a| geography.areas[a].prevalence_factor != 1.0)
        .filter_map(|a| geography.areas[a].line)
        .map(|l| format!("{}:{l}", geography.source))
        .collect();
    lines.join(" x ")
}

/// A number as a person would write it, without binary floating-point noise.
fn round9(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// A reported row of a named level that holds only some of its areas (after `--area`) is
/// not that area's whole figure: say so.
fn warn_partial_groups(
    group_areas: &[usize],
    leaf_areas: &[usize],
    geography: &Geography,
    warnings: &mut Warnings,
) {
    for &g in group_areas {
        let all = geography
            .leaves
            .iter()
            .filter(|&&l| geography.is_within(l, g))
            .count();
        let kept = leaf_areas
            .iter()
            .filter(|&&l| geography.is_within(l, g))
            .count();
        if kept < all {
            let a = &geography.areas[g];
            warnings.push(format!(
                "the row {} ({}) holds {kept} of its {all} areas (those selected with --area or population.areas), not the whole {}",
                a.name, a.code, a.level
            ));
        }
    }
}
