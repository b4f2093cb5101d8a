//! The areas of a run and how they roll up (MODEL.md sections 1 and 6).

use std::collections::HashMap;

use crate::inputs::{Areas, Population};
use crate::problems::{InputError, Problems};

/// The level name given to a population file's own areas when no areas file is used.
pub const OWN_AREAS_LEVEL: &str = "area";

#[derive(Debug, Clone, PartialEq)]
pub struct GeoArea {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent: Option<usize>,
    pub prevalence_factor: f64,
    /// The NHS ODS code (QOP, 00T), when the areas file gives one.
    pub ods_code: Option<String>,
    /// Its line in the areas file, for messages about its prevalence_factor.
    pub line: Option<u64>,
}

/// Every area known to a run (from the areas file, or the population's own codes).
#[derive(Debug, Clone)]
pub struct Geography {
    pub areas: Vec<GeoArea>,
    index: HashMap<String, usize>,
    /// Areas with population rows, in areas-file order (or population order).
    pub leaves: Vec<usize>,
    pub source: String,
}

impl Geography {
    pub fn build(areas: Option<&Areas>, population: &Population) -> Result<Geography, InputError> {
        let mut problems = Problems::new();
        let mut list: Vec<GeoArea> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let source;
        match areas {
            Some(a) => {
                source = a.source.clone();
                for r in &a.rows {
                    index.insert(r.code.clone(), list.len());
                    list.push(GeoArea {
                        code: r.code.clone(),
                        name: r.name.clone(),
                        level: r.level.clone(),
                        parent: None,
                        prevalence_factor: r.prevalence_factor,
                        ods_code: r.ods_code.clone(),
                        line: Some(r.line),
                    });
                }
                for (i, r) in a.rows.iter().enumerate() {
                    list[i].parent = r.parent_code.as_ref().and_then(|p| index.get(p).copied());
                }
                let mut reported: HashMap<&str, ()> = HashMap::new();
                for r in &population.rows {
                    if !index.contains_key(&r.area_code)
                        && reported.insert(&r.area_code, ()).is_none()
                    {
                        problems.push(format!(
                            "{}:{}: area_code {} is not in the areas file {}; add it there with its parent, or fix the code",
                            population.source, r.line, r.area_code, a.source
                        ));
                    }
                }
            }
            None => {
                source = population.source.clone();
                for r in &population.rows {
                    if !index.contains_key(&r.area_code) {
                        index.insert(r.area_code.clone(), list.len());
                        list.push(GeoArea {
                            code: r.area_code.clone(),
                            name: r.area_name.clone().unwrap_or_else(|| r.area_code.clone()),
                            level: OWN_AREAS_LEVEL.to_string(),
                            parent: None,
                            prevalence_factor: 1.0,
                            ods_code: None,
                            line: None,
                        });
                    }
                }
            }
        }
        let mut has_rows = vec![false; list.len()];
        for r in &population.rows {
            if let Some(&i) = index.get(&r.area_code) {
                has_rows[i] = true;
            }
        }
        let leaves: Vec<usize> = (0..list.len()).filter(|&i| has_rows[i]).collect();
        let geo = Geography {
            areas: list,
            index,
            leaves,
            source,
        };
        // Rows for an area and for one of its ancestors would count the same people twice.
        for &leaf in &geo.leaves {
            if let Some(anc) = geo.ancestors(leaf).skip(1).find(|a| has_rows[*a]) {
                problems.push(format!(
                    "{}: has rows for both {} and its parent area {}; give population for the lowest areas only, the rest is summed",
                    population.source, geo.areas[leaf].code, geo.areas[anc].code
                ));
            }
        }
        problems.finish(geo)
    }

    pub fn find(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    /// The area itself, then its parent, up to the top.
    pub fn ancestors(&self, area: usize) -> impl Iterator<Item = usize> + '_ {
        let mut next = Some(area);
        let mut steps = 0;
        std::iter::from_fn(move || {
            let here = next?;
            steps += 1;
            // Cycles are rejected when the areas file is read; the bound is a second guard.
            next = if steps > self.areas.len() {
                None
            } else {
                self.areas[here].parent
            };
            Some(here)
        })
    }

    pub fn is_within(&self, area: usize, ancestor: usize) -> bool {
        self.ancestors(area).any(|a| a == ancestor)
    }

    /// Level names in the order they first appear.
    pub fn levels(&self) -> Vec<String> {
        let mut levels: Vec<String> = Vec::new();
        for a in &self.areas {
            if !levels.contains(&a.level) {
                levels.push(a.level.clone());
            }
        }
        levels
    }

    /// The codes of a few areas, for "expected one of" messages.
    pub fn example_codes(&self, n: usize) -> String {
        let codes: Vec<&str> = self.areas.iter().take(n).map(|a| a.code.as_str()).collect();
        if self.areas.len() > n {
            format!(
                "{}, ... ({} in {})",
                codes.join(", "),
                crate::words::count(self.areas.len(), "area"),
                self.source
            )
        } else {
            codes.join(", ")
        }
    }
}
