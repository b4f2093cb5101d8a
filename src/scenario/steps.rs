//! The steps of care as data: how people treated psychologically are routed through the
//! scenario's steps (entry shares and edges), resolved per disorder, and the checks that keep
//! the routing meaningful. The model reads a [`Routing`]; it never names a step.

use std::collections::BTreeMap;

use super::{Entry, Scenario, StepSettings};
use crate::problems::Problems;

/// An edge between two steps: a share of `from`'s episodes go on to `to` (step-up, or
/// step-down when the order says so).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub share: f64,
}

/// The routing of one disorder through the steps, by step index.
#[derive(Debug, Clone, PartialEq)]
pub struct Routing {
    /// Share of people treated who start at each step.
    pub entry: Vec<f64>,
    pub edges: Vec<Edge>,
    /// The steps in an order where every edge goes forward (validated: no cycle).
    pub order: Vec<usize>,
}

/// The legacy 2007 keys and the general keys they stand for. `*` is a disorder id; a key
/// ending in `.` matches any key below it.
const LEGACY: &[(&str, &str)] = &[
    ("low_intensity.", "steps.low."),
    ("high_intensity.", "steps.high."),
    ("stepped_care.step2_entry", "steps.low.entry"),
    ("stepped_care.step_up", "steps.high.from.low"),
    ("supervision.low_hours", "steps.low.supervision_hours"),
    ("supervision.high_hours", "steps.high.supervision_hours"),
    ("pipeline.turnover_low", "steps.low.turnover"),
    ("pipeline.turnover_high", "steps.high.turnover"),
    ("disorders.*.step2_entry", "disorders.*.steps.low.entry"),
    ("disorders.*.step_up", "disorders.*.steps.high.from.low"),
];

fn translate(path: &str, from_legacy: bool) -> Option<String> {
    // Whole keys before whole sections: `steps.high.supervision_hours` was written
    // `supervision.high_hours`, not `high_intensity.supervision_hours`.
    let (sections, keys): (Vec<_>, Vec<_>) =
        LEGACY.iter().partition(|(legacy, _)| legacy.ends_with('.'));
    for &(legacy, general) in keys.into_iter().chain(sections) {
        let (pat, to) = if from_legacy {
            (legacy, general)
        } else {
            (general, legacy)
        };
        if let Some((head, tail)) = pat.split_once('*') {
            let Some((id, after)) = path.strip_prefix(head).and_then(|r| r.split_once('.')) else {
                continue;
            };
            if format!(".{after}") == tail {
                return Some(to.replace('*', id));
            }
        } else if let Some(prefix) = pat.strip_suffix('.') {
            match path.strip_prefix(prefix) {
                Some("") => return Some(to.trim_end_matches('.').to_string()),
                Some(rest) if rest.starts_with('.') => return Some(format!("{to}{}", &rest[1..])),
                _ => {}
            }
        } else if path == pat {
            return Some(to.to_string());
        }
    }
    None
}

/// The general key a 2007 key stands for (`low_intensity.caseload` ->
/// `steps.low.caseload`); other keys unchanged.
pub fn canonical_key(path: &str) -> String {
    translate(path, true).unwrap_or_else(|| path.to_string())
}

/// The 2007 spelling of a general key, if it has one, to find where a file wrote it.
pub fn legacy_key(path: &str) -> Option<String> {
    translate(path, false)
}

/// Steps in an order where each edge goes forward, or the steps of a cycle.
pub fn topological_order(n: usize, edges: &[Edge]) -> Result<Vec<usize>, Vec<usize>> {
    let mut indegree = vec![0usize; n];
    for e in edges {
        indegree[e.to] += 1;
    }
    // Declaration order among steps that are free: deterministic, and the identity for a
    // pathway declared in order.
    let mut order = Vec::with_capacity(n);
    let mut done = vec![false; n];
    while order.len() < n {
        let Some(next) = (0..n).find(|&i| !done[i] && indegree[i] == 0) else {
            return Err((0..n).filter(|&i| !done[i]).collect());
        };
        done[next] = true;
        order.push(next);
        for e in edges.iter().filter(|e| e.from == next) {
            indegree[e.to] -= 1;
        }
    }
    Ok(order)
}

impl Scenario {
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    pub fn step(&self, id: &str) -> Option<&StepSettings> {
        self.steps.iter().find(|s| s.id == id)
    }

    pub fn step_mut(&mut self, id: &str) -> Option<&mut StepSettings> {
        self.steps.iter_mut().find(|s| s.id == id)
    }

    /// The step ids, in output order.
    pub fn step_ids(&self) -> Vec<&str> {
        self.steps.iter().map(|s| s.id.as_str()).collect()
    }

    /// The declared pathway that claims a condition; None: the main pathway.
    pub fn pathway_of_condition(&self, condition: &str) -> Option<usize> {
        self.pathways
            .iter()
            .position(|p| p.conditions.iter().any(|c| c == condition))
    }

    /// The declared pathway a step belongs to; None: the main pathway.
    pub fn pathway_of_step(&self, step: &StepSettings) -> Option<usize> {
        step.pathway
            .as_deref()
            .and_then(|id| self.pathways.iter().position(|p| p.id == id))
    }

    /// Scenario-wide entry share of each step (in its own pathway), `rest` resolved.
    pub fn entry_shares(&self) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        let pathways = std::iter::once(None).chain((0..self.pathways.len()).map(Some));
        for p in pathways {
            let r = self.routing_in(p, None);
            for (s, e) in self.steps.iter().zip(r.entry) {
                if self.pathway_of_step(s) == p {
                    out.insert(s.id.clone(), e);
                }
            }
        }
        out
    }

    /// The routing of a disorder: its pathway's steps with the disorder's own overrides.
    /// Unknown step ids in an override are ignored here (validation names them).
    pub fn routing(&self, disorder: &str) -> Routing {
        self.routing_in(
            self.pathway_of_condition(disorder),
            self.disorders.get(disorder),
        )
    }

    /// The routing through the steps of one pathway (None: the main one): steps of other
    /// pathways get nobody, and `rest` is what the pathway's own steps leave.
    pub fn routing_in(
        &self,
        pathway: Option<usize>,
        o: Option<&super::DisorderOverride>,
    ) -> Routing {
        let own = |step: &str| o.and_then(|d| d.steps.get(step));
        let inside: Vec<bool> = self
            .steps
            .iter()
            .map(|s| self.pathway_of_step(s) == pathway)
            .collect();
        let mut entry = vec![0.0; self.steps.len()];
        let mut rest = None;
        let mut taken = 0.0;
        for (i, s) in self.steps.iter().enumerate() {
            if !inside[i] {
                continue;
            }
            match (own(&s.id).and_then(|x| x.entry), s.entry) {
                (Some(v), _) | (None, Entry::Share(v)) => {
                    entry[i] = v;
                    taken += v;
                }
                (None, Entry::Rest(_)) => rest = Some(i),
            }
        }
        if let Some(i) = rest {
            entry[i] = 1.0 - taken;
        }
        let mut edges = Vec::new();
        for (to, s) in self.steps.iter().enumerate() {
            if !inside[to] {
                continue;
            }
            let mut shares: Vec<(String, f64)> = s.from.clone();
            if let Some(x) = own(&s.id) {
                for (from, v) in &x.from {
                    match shares.iter_mut().find(|(f, _)| f == from) {
                        Some(slot) => slot.1 = *v,
                        None => shares.push((from.clone(), *v)),
                    }
                }
            }
            for (from, share) in shares {
                if let Some(from) = self.step_index(&from).filter(|&f| inside[f]) {
                    edges.push(Edge { from, to, share });
                }
            }
        }
        let order = topological_order(self.steps.len(), &edges)
            .unwrap_or_else(|_| (0..self.steps.len()).collect());
        Routing {
            entry,
            edges,
            order,
        }
    }

    /// The checks of the steps as a whole: ids, edges, cycles, entry shares, and the
    /// disorders' and ratio roles' references to steps.
    pub(crate) fn validate_steps(&self, locate: &dyn Fn(&str) -> String, problems: &mut Problems) {
        let ids = self.step_ids().join(", ");
        if self.steps.is_empty() {
            problems.push(format!(
                "{}: the scenario has no steps of care; declare at least one [steps.<id>] with contacts_per_episode, a capacity form and [[steps.<id>.roles]]",
                locate("steps")
            ));
            return;
        }
        for s in &self.steps {
            let ok = !s.id.is_empty()
                && s.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                problems.push(format!(
                    "{}: step id '{}' must be lower-case letters, digits and _ (it names output fields such as {}_wte)",
                    locate(&format!("steps.{}", s.id)),
                    s.id,
                    s.id
                ));
            }
            for (from, _) in &s.from {
                let path = format!("steps.{}.from.{from}", s.id);
                if from == &s.id {
                    problems.push(format!(
                        "{}: {path}: a step cannot lead to itself",
                        locate(&path)
                    ));
                } else if self.step(from).is_none() {
                    problems.push(format!(
                        "{}: {path}: there is no step '{from}'; steps: {ids}",
                        locate(&path)
                    ));
                }
            }
        }
        let rests: Vec<&str> = self
            .steps
            .iter()
            .filter(|s| matches!(s.entry, Entry::Rest(_)))
            .map(|s| s.id.as_str())
            .collect();
        let one_per_pathway = {
            let mut seen = Vec::new();
            self.steps
                .iter()
                .filter(|s| matches!(s.entry, Entry::Rest(_)))
                .all(|s| {
                    let p = self.pathway_of_step(s);
                    let fresh = !seen.contains(&p);
                    seen.push(p);
                    fresh
                })
        };
        if !one_per_pathway {
            problems.push(format!(
                "{}: steps {} all take entry = \"rest\"; at most one step of a pathway takes what the others leave",
                locate(&format!("steps.{}.entry", rests[1])),
                rests.join(" and ")
            ));
        }
        // Every edge, whatever the pathway, for the cycle check.
        let all_edges: Vec<Edge> = self
            .steps
            .iter()
            .enumerate()
            .flat_map(|(to, s)| {
                s.from.iter().filter_map(move |(from, share)| {
                    self.step_index(from).map(|from| Edge {
                        from,
                        to,
                        share: *share,
                    })
                })
            })
            .collect();
        if let Err(cycle) = topological_order(self.steps.len(), &all_edges) {
            let names: Vec<&str> = cycle.iter().map(|&i| self.steps[i].id.as_str()).collect();
            let first = &self.steps[cycle[0]];
            problems.push(format!(
                "{}: the steps {} lead to each other in a cycle through their `from` edges; a person cannot be stepped up for ever",
                locate(&format!("steps.{}.from", first.id)),
                names.join(", ")
            ));
        }
        let check_entries = |problems: &mut Problems, who: &str, r: &Routing, path: &str| {
            let total: f64 = r.entry.iter().sum();
            if total > 1.0 + 1e-9 || r.entry.iter().any(|e| *e < -1e-12) {
                let parts: Vec<String> = self
                    .steps
                    .iter()
                    .zip(&r.entry)
                    .filter(|(s, _)| !matches!(s.entry, Entry::Rest(_)))
                    .map(|(s, e)| format!("{} {}", s.id, (e * 1e9).round() / 1e9))
                    .collect();
                problems.push(format!(
                    "{}: {who}: the entry shares of the steps add up to more than 1 ({}); each person treated starts at one step",
                    locate(path),
                    parts.join(" + ")
                ));
            }
            for s in 0..self.steps.len() {
                let out: f64 = r
                    .edges
                    .iter()
                    .filter(|e| e.from == s)
                    .map(|e| e.share)
                    .sum();
                if out > 1.0 + 1e-9 {
                    problems.push(format!(
                        "{}: {who}: {} of the people who finish step {} go on to other steps; at most 1",
                        locate(path),
                        (out * 1e9).round() / 1e9,
                        self.steps[s].id
                    ));
                }
            }
        };
        // Sums of shares mean something only when each share is a fraction (else the rule
        // of the key has said what is wrong).
        let fractions = self
            .numbers()
            .into_iter()
            .filter(|(p, _, _)| p.ends_with(".entry") || p.contains(".from."))
            .all(|(_, v, _)| (0.0..=1.0).contains(&v));
        if fractions {
            let pathways = std::iter::once(None).chain((0..self.pathways.len()).map(Some));
            for p in pathways {
                let who = match p {
                    None => "the scenario".to_string(),
                    Some(i) => format!("pathway {}", self.pathways[i].id),
                };
                let path = match p {
                    None => "steps".to_string(),
                    Some(i) => format!("pathways.{}", self.pathways[i].id),
                };
                check_entries(problems, &who, &self.routing_in(p, None), &path);
            }
        }
        self.validate_pathways(locate, problems);
        for (d, o) in &self.disorders {
            for (step, x) in &o.steps {
                let path = format!("disorders.{d}.steps.{step}");
                if self.step(step).is_none() {
                    problems.push(format!(
                        "{}: {path}: there is no step '{step}'; steps: {ids}",
                        locate(&path)
                    ));
                }
                for from in x.from.keys() {
                    if self.step(from).is_none() {
                        problems.push(format!(
                            "{}: {path}.from.{from}: there is no step '{from}'; steps: {ids}",
                            locate(&format!("{path}.from.{from}")),
                        ));
                    }
                }
            }
            if !o.steps.is_empty() {
                let r = self.routing(d);
                if fractions {
                    check_entries(
                        problems,
                        &format!("disorder {d}"),
                        &r,
                        &format!("disorders.{d}"),
                    );
                }
                if topological_order(self.steps.len(), &r.edges).is_err() {
                    problems.push(format!(
                        "{}: disorder {d}: its `from` edges make the steps lead to each other in a cycle",
                        locate(&format!("disorders.{d}"))
                    ));
                }
            }
        }
        for (n, role) in self.ratio_roles.iter().enumerate() {
            if let super::RatioBasis::StepWte(step) = &role.per {
                if self.step(step).is_none() {
                    let path = format!("ratio_roles.{n}.per");
                    problems.push(format!(
                        "{}: {path} = \"{step}_wte\": there is no step '{step}'; per is \"<step>_wte\" for a step of {ids}, \"total_wte\" or \"population_in_scope\"",
                        locate(&path)
                    ));
                }
            }
        }
    }
}

impl Scenario {
    /// Pathways: ids, their conditions (each claimed once), their steps (at least one, none
    /// naming an unknown pathway), and no edge from one pathway's step to another's.
    /// A warning for each skill-mix role of a pathway's step below the band the pathway
    /// asks for (`min_band`), naming the role and where it is written.
    pub(super) fn warn_below_min_band(
        &self,
        locate: &dyn Fn(&str) -> String,
        warnings: &mut crate::Warnings,
    ) {
        for s in &self.steps {
            let Some(p) = self.pathway_of_step(s).map(|i| &self.pathways[i]) else {
                continue;
            };
            let Some(min) = p.min_band.as_deref() else {
                continue;
            };
            let Some(least) = crate::inputs::band_rank(min) else {
                continue;
            };
            for (n, r) in s.roles.iter().enumerate() {
                let below = crate::inputs::band_rank(&r.band).is_some_and(|b| b < least);
                if r.share > 0.0 && below {
                    warnings.push(format!(
                        "{}: {} at band {} delivers step {} of the {} pathway, which asks for band {min} or above (pathways.{}.min_band)",
                        locate(&format!("steps.{}.roles.{n}.band", s.id)),
                        r.role,
                        r.band,
                        s.id,
                        p.label,
                        p.id
                    ));
                }
            }
        }
    }

    fn validate_pathways(&self, locate: &dyn Fn(&str) -> String, problems: &mut Problems) {
        let ids: Vec<&str> = self.pathways.iter().map(|p| p.id.as_str()).collect();
        for (i, p) in self.pathways.iter().enumerate() {
            let path = format!("pathways.{}", p.id);
            let ok = !p.id.is_empty()
                && p.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                problems.push(format!(
                    "{}: pathway id '{}' must be lower-case letters, digits and _",
                    locate(&path),
                    p.id
                ));
            }
            if let Some(b) = &p.min_band {
                if crate::inputs::band_rank(b).is_none() {
                    problems.push(format!(
                        "{}: {path}.min_band = \"{b}\" is not an Agenda for Change band; expected one of {}",
                        locate(&format!("{path}.min_band")),
                        crate::inputs::BANDS.join(", ")
                    ));
                }
            }
            if p.conditions.is_empty() {
                problems.push(format!(
                    "{}: {path} has no conditions; give the prevalence file's conditions that feed it, e.g. conditions = [\"psychosis\"]",
                    locate(&path)
                ));
            }
            for c in &p.conditions {
                if let Some(other) = self.pathways[..i].iter().find(|o| o.conditions.contains(c)) {
                    problems.push(format!(
                        "{}: {path}.conditions: '{c}' is already a condition of pathway {}; a condition feeds one pathway",
                        locate(&format!("{path}.conditions")),
                        other.id
                    ));
                }
            }
            if !self
                .steps
                .iter()
                .any(|s| self.pathway_of_step(s) == Some(i))
            {
                problems.push(format!(
                    "{}: {path} has no steps; give it at least one [steps.<id>] with pathway = \"{}\"",
                    locate(&path),
                    p.id
                ));
            }
        }
        for s in &self.steps {
            if let Some(p) = &s.pathway {
                if !ids.contains(&p.as_str()) {
                    let path = format!("steps.{}.pathway", s.id);
                    problems.push(format!(
                        "{}: {path} = \"{p}\": there is no [pathways.{p}]; pathways: {}",
                        locate(&path),
                        if ids.is_empty() {
                            "none declared".to_string()
                        } else {
                            ids.join(", ")
                        }
                    ));
                }
            }
            for (from, _) in &s.from {
                if let Some(f) = self.step(from) {
                    if self.pathway_of_step(f) != self.pathway_of_step(s) {
                        let path = format!("steps.{}.from.{from}", s.id);
                        problems.push(format!(
                            "{}: {path}: step {from} is in another pathway; steps lead only to steps of their own pathway",
                            locate(&path)
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_keys_translate_both_ways() {
        assert_eq!(
            canonical_key("low_intensity.caseload"),
            "steps.low.caseload"
        );
        assert_eq!(
            canonical_key("high_intensity.roles.1.share"),
            "steps.high.roles.1.share"
        );
        assert_eq!(canonical_key("stepped_care.step_up"), "steps.high.from.low");
        assert_eq!(
            canonical_key("disorders.ptsd.step2_entry"),
            "disorders.ptsd.steps.low.entry"
        );
        assert_eq!(
            canonical_key("demand.presentation_rate"),
            "demand.presentation_rate"
        );
        assert_eq!(
            legacy_key("disorders.ptsd.steps.high.from.low").as_deref(),
            Some("disorders.ptsd.step_up")
        );
        assert_eq!(
            legacy_key("steps.high.supervision_hours").as_deref(),
            Some("supervision.high_hours")
        );
        assert_eq!(legacy_key("steps.counselling.caseload"), None);
    }

    #[test]
    fn the_2007_routing_is_step2_entry_and_step_up() {
        let mut s = Scenario::defaults();
        s.set("steps.low.entry", 0.8);
        let r = s.routing("depression");
        assert_eq!(r.entry, vec![0.8, 1.0 - 0.8]);
        assert_eq!(
            r.edges,
            vec![Edge {
                from: 0,
                to: 1,
                share: 0.1
            }]
        );
        assert_eq!(r.order, vec![0, 1]);
        s.set("disorders.ptsd.steps.low.entry", 0.0);
        assert_eq!(s.routing("ptsd").entry, vec![0.0, 1.0]);
    }

    #[test]
    fn cycles_are_found() {
        let e = |from, to| Edge {
            from,
            to,
            share: 0.1,
        };
        assert_eq!(topological_order(3, &[e(0, 1), e(1, 2)]), Ok(vec![0, 1, 2]));
        assert_eq!(topological_order(3, &[e(2, 0)]), Ok(vec![1, 2, 0]));
        assert_eq!(
            topological_order(3, &[e(0, 1), e(1, 2), e(2, 1)]),
            Err(vec![1, 2])
        );
    }
}
