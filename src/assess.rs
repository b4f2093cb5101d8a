//! Self-assessment against NHS England's frameworks (`capacity assess`): the frameworks as
//! data (sections, items with stable ids, their sources and, for the community mental health
//! roadmap, which deliverables each relies upon), a template to fill in, and the scores per
//! section, the action list and the trend over several dated assessments.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::inputs::band_rank;
use crate::model::{ModelResult, RoleKind};
use crate::problems::{InputError, Problems};
use crate::scenario::{find_line, quoted, Scenario};

/// What the model can say about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// Therapy delivered by staff at Band 7 or above.
    Band7,
    /// Supervision capacity.
    Supervision,
    ProtectedTime,
    Pipeline,
    SkillMix,
}

#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub source: String,
    #[serde(default)]
    pub evidence: Option<EvidenceKind>,
    #[serde(default)]
    pub relies_upon: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub title: String,
    pub source: String,
    /// What 0, 1 and 2 mean.
    pub scores: Vec<String>,
    pub sections: Vec<Section>,
}

/// The frameworks shipped with the tool: (id, TOML).
pub const FRAMEWORKS: &[(&str, &str)] = &[
    ("pt-smhp", include_str!("../data/frameworks/pt-smhp.toml")),
    (
        "cmh-roadmap",
        include_str!("../data/frameworks/cmh-roadmap.toml"),
    ),
];

impl Framework {
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items().map(|(_, i)| i).find(|i| i.id == id)
    }

    /// The items in an order where every item comes after the items it relies upon, and
    /// otherwise in the document's order.
    pub fn ordered(&self) -> Vec<&Item> {
        let items: Vec<&Item> = self.items().map(|(_, i)| i).collect();
        let mut done: Vec<bool> = vec![false; items.len()];
        let mut out = Vec::with_capacity(items.len());
        while out.len() < items.len() {
            let next = (0..items.len()).find(|&n| {
                !done[n]
                    && items[n].relies_upon.iter().all(|r| {
                        items
                            .iter()
                            .position(|i| i.id == *r)
                            .is_none_or(|p| done[p])
                    })
            });
            // A cycle is refused when the framework is read; take the first left if not.
            let n = next.unwrap_or_else(|| (0..items.len()).find(|&n| !done[n]).unwrap_or(0));
            done[n] = true;
            out.push(items[n]);
        }
        out
    }
}

/// Reads a framework and checks its ids and links (exit 2 naming the file and line).
pub fn parse_framework(label: &str, text: &str) -> Result<Framework, InputError> {
    let f: Framework = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        InputError::one(format!("{label}:{line}: {}", e.message().trim()))
    })?;
    let mut problems = Problems::new();
    let at = |id: &str| {
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with("id") && l.contains(&format!("\"{id}\"")))
            .map_or(1, |n| n + 1);
        format!("{label}:{line}")
    };
    // Ids become keys of the template (`[items.<id>]`): plain lower-case keys only, so the
    // template is valid TOML whatever the framework says.
    let plain = |id: &str| {
        !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    };
    for s in &f.sections {
        if !plain(&s.id) {
            problems.push(format!(
                "{}: section id {:?}: expected lower-case letters, digits, '_' or '-'",
                at(&s.id),
                s.id
            ));
        }
    }
    for (_, i) in f.items() {
        if !plain(&i.id) {
            problems.push(format!(
                "{}: item id {:?}: expected lower-case letters, digits, '_' or '-'",
                at(&i.id),
                i.id
            ));
        }
    }
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    for (_, i) in f.items() {
        if seen.insert(i.id.as_str(), ()).is_some() {
            problems.push(format!("{}: item id {} is given twice", at(&i.id), i.id));
        }
    }
    for (_, i) in f.items() {
        for r in &i.relies_upon {
            if f.item(r).is_none() {
                problems.push(format!(
                    "{}: {} relies upon '{r}', which is no item of the framework",
                    at(&i.id),
                    i.id
                ));
            }
        }
    }
    // A cycle of links: an item that, followed through what it relies upon, comes back.
    for (_, start) in f.items() {
        let mut stack: Vec<&str> = start.relies_upon.iter().map(String::as_str).collect();
        let mut visited: Vec<&str> = Vec::new();
        while let Some(id) = stack.pop() {
            if id == start.id {
                problems.push(format!(
                    "{}: {} relies upon itself through its links (a cycle); the roadmap's order needs none",
                    at(&start.id),
                    start.id
                ));
                break;
            }
            if visited.contains(&id) {
                continue;
            }
            visited.push(id);
            if let Some(i) = f.item(id) {
                stack.extend(i.relies_upon.iter().map(String::as_str));
            }
        }
    }
    problems.finish(f)
}

/// A shipped framework by id.
pub fn framework(id: &str) -> Result<Framework, InputError> {
    let (_, text) = FRAMEWORKS.iter().find(|(f, _)| *f == id).ok_or_else(|| {
        InputError::one(format!(
            "no framework '{id}'; frameworks: {}",
            FRAMEWORKS
                .iter()
                .map(|(f, _)| *f)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    parse_framework(&format!("framework {id}"), text)
}

/// The file to fill in: every item with an empty score, evidence, owner and due month,
/// commented with its title and source.
pub fn template(f: &Framework) -> String {
    let mut out = comment(&format!("Self-assessment: {}", f.title));
    out.push_str(&comment(&format!("Source: {}", f.source)));
    out.push_str(&comment(&format!(
        "Score each item 0 ({}), 1 ({}) or 2 ({}); leave \"\" for not yet assessed.",
        f.scores.first().map_or("", String::as_str),
        f.scores.get(1).map_or("", String::as_str),
        f.scores.get(2).map_or("", String::as_str),
    )));
    out.push_str("# due is a month, YYYY-MM. Then run: capacity assess THIS_FILE\n\n");
    out.push_str(&format!(
        "framework = {}\norganisation = \"\"\ndate = \"\"              # YYYY-MM of this assessment\n",
        quoted(&f.id)
    ));
    for s in &f.sections {
        out.push('\n');
        out.push_str(&comment(&format!("---- {} ----", s.title)));
        for i in &s.items {
            out.push('\n');
            out.push_str(&comment(&i.title));
            out.push_str(&comment(&format!("({})", i.source)));
            if !i.relies_upon.is_empty() {
                out.push_str(&comment(&format!(
                    "Relies upon: {}",
                    i.relies_upon.join(", ")
                )));
            }
            out.push_str(&format!(
                "[items.{}]\nscore = \"\"\nevidence = \"\"\nowner = \"\"\ndue = \"\"\n",
                i.id
            ));
        }
    }
    out
}

/// `text` as TOML comment lines: every line of it behind `# `, so a title with a line break
/// (or a carriage return, which TOML also ends a comment on) stays a comment.
fn comment(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(|line| {
            // Control characters other than tab are not allowed in TOML comments.
            let clean: String = line
                .chars()
                .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
                .collect();
            format!("# {}\n", clean.trim_end())
        })
        .collect()
}

/// One item's answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// 0, 1 or 2; None: not assessed.
    pub score: Option<u8>,
    pub evidence: String,
    pub owner: String,
    pub due: Option<String>,
}

/// A filled-in assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub label: String,
    pub framework: String,
    pub organisation: String,
    /// YYYY-MM, or empty.
    pub date: String,
    pub answers: BTreeMap<String, Answer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssessment {
    framework: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    items: BTreeMap<String, RawAnswer>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawScore {
    Number(i64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    score: Option<RawScore>,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
}

fn is_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[5..].iter().all(u8::is_ascii_digit)
        && (1..=12).contains(&s[5..].parse::<u32>().unwrap_or(0))
}

/// Reads a filled-in assessment of `framework` (exit 2 naming the file and line for a score
/// other than 0, 1 or 2, an unknown item, an item given twice, a due date that is not
/// YYYY-MM, and, unless `allow_missing`, an item with no score).
pub fn parse_assessment(
    label: &str,
    text: &str,
    frameworks: &dyn Fn(&str) -> Result<Framework, InputError>,
    allow_missing: bool,
) -> Result<(Assessment, Framework), InputError> {
    let raw: RawAssessment = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        InputError::one(format!("{label}:{line}: {}", e.message().trim()))
    })?;
    let f = frameworks(&raw.framework).map_err(|e| {
        InputError::one(format!(
            "{label}:{}: framework = \"{}\": {e}",
            find_line(text, "framework").unwrap_or(1),
            raw.framework
        ))
    })?;
    let mut problems = Problems::new();
    let at = |key: &str| format!("{label}:{}", find_line(text, key).unwrap_or(1));
    if !raw.date.is_empty() && !is_month(&raw.date) {
        problems.push(format!(
            "{}: date = \"{}\" is not a month; expected YYYY-MM, e.g. 2026-11",
            at("date"),
            raw.date
        ));
    }
    let mut answers = BTreeMap::new();
    for (id, a) in &raw.items {
        let path = format!("items.{id}");
        if f.item(id).is_none() {
            problems.push(format!(
                "{}: [{path}] is not an item of {}; its items are ids such as {}",
                at(&path),
                f.id,
                f.items()
                    .take(3)
                    .map(|(_, i)| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            continue;
        }
        let score = match &a.score {
            Some(RawScore::Number(n)) if (0..=2).contains(n) => Some(*n as u8),
            Some(RawScore::Text(t)) if t.trim().is_empty() => None,
            None => None,
            Some(RawScore::Number(n)) => {
                problems.push(format!(
                    "{}: {path}.score = {n} is not a score; expected 0 ({}), 1 ({}) or 2 ({})",
                    at(&format!("{path}.score")),
                    f.scores.first().map_or("", String::as_str),
                    f.scores.get(1).map_or("", String::as_str),
                    f.scores.get(2).map_or("", String::as_str)
                ));
                None
            }
            Some(RawScore::Text(t)) => {
                problems.push(format!(
                    "{}: {path}.score = \"{t}\" is not a score; expected 0, 1 or 2 (without quotes)",
                    at(&format!("{path}.score"))
                ));
                None
            }
        };
        let due = a.due.trim();
        if !due.is_empty() && !is_month(due) {
            problems.push(format!(
                "{}: {path}.due = \"{due}\" is not a month; expected YYYY-MM, e.g. 2027-03",
                at(&format!("{path}.due"))
            ));
        }
        answers.insert(
            id.clone(),
            Answer {
                score,
                evidence: a.evidence.clone(),
                owner: a.owner.clone(),
                due: (!due.is_empty()).then(|| due.to_string()),
            },
        );
    }
    if !allow_missing {
        let missing: Vec<&str> = f
            .items()
            .map(|(_, i)| i.id.as_str())
            .filter(|id| answers.get(*id).is_none_or(|a: &Answer| a.score.is_none()))
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "{label}: {} item{} have no score ({}{}); score every item 0, 1 or 2, or give --allow-missing to report them as not assessed",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                missing.iter().take(6).copied().collect::<Vec<_>>().join(", "),
                if missing.len() > 6 { ", ..." } else { "" }
            ));
        }
    }
    problems.finish((
        Assessment {
            label: label.to_string(),
            framework: f.id.clone(),
            organisation: raw.organisation,
            date: raw.date,
            answers,
        },
        f,
    ))
}

/// One section's score.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SectionScore {
    pub section: String,
    pub title: String,
    pub points: u32,
    /// Twice the items assessed.
    pub max: u32,
    pub assessed: usize,
    pub items: usize,
}

impl SectionScore {
    pub fn share(&self) -> Option<f64> {
        (self.max > 0).then(|| f64::from(self.points) / f64::from(self.max))
    }
}

/// Each section's points and the maximum over its assessed items, then the whole.
pub fn scores(f: &Framework, a: &Assessment) -> (Vec<SectionScore>, SectionScore) {
    let mut out = Vec::new();
    let mut total = SectionScore {
        section: "total".into(),
        title: "All sections".into(),
        points: 0,
        max: 0,
        assessed: 0,
        items: 0,
    };
    for s in &f.sections {
        let mut sc = SectionScore {
            section: s.id.clone(),
            title: s.title.clone(),
            points: 0,
            max: 0,
            assessed: 0,
            items: s.items.len(),
        };
        for i in &s.items {
            if let Some(score) = a.answers.get(&i.id).and_then(|x| x.score) {
                sc.points += u32::from(score);
                sc.max += 2;
                sc.assessed += 1;
            }
        }
        total.points += sc.points;
        total.max += sc.max;
        total.assessed += sc.assessed;
        total.items += sc.items;
        out.push(sc);
    }
    (out, total)
}

/// The items scored 0 or 1, prerequisites first (the framework's order otherwise).
pub fn actions<'a>(f: &'a Framework, a: &Assessment) -> Vec<(&'a Item, u8)> {
    f.ordered()
        .into_iter()
        .filter_map(|i| {
            let s = a.answers.get(&i.id)?.score?;
            (s < 2).then_some((i, s))
        })
        .collect()
}

/// What the model says about an item: met or not, and why (with the figures).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evidence {
    pub met: bool,
    pub says: String,
}

/// The least protected time the PT-SMHP framework asks for: "a minimum of 2 days a week of
/// protected time to deliver the therapy" (NHS England, Developing a local strategy for
/// psychological therapies for severe mental health problems, 2024, Training
/// recommendation 4).
pub const PROTECTED_DAYS_MIN: f64 = 2.0;

/// The model's evidence for an item of `kind`, from a model run of `scenario`; None where
/// the model has no figures for it (a skill-mix plan, or trainees without a workforce file).
pub fn evidence(kind: EvidenceKind, scenario: &Scenario, result: &ModelResult) -> Option<Evidence> {
    // The therapy steps: a pathway's own steps when the scenario has pathways.
    let therapy: Vec<usize> = if scenario.pathways.is_empty() {
        (0..scenario.steps.len()).collect()
    } else {
        (0..scenario.steps.len())
            .filter(|&s| scenario.pathway_of_step(&scenario.steps[s]).is_some())
            .collect()
    };
    let total = &result.total;
    match kind {
        EvidenceKind::Band7 => {
            let seven = band_rank("7");
            let mut below: Vec<String> = Vec::new();
            for &s in &therapy {
                let step = &scenario.steps[s];
                for r in &step.roles {
                    if band_rank(&r.band) < seven && r.share > 0.0 {
                        below.push(format!(
                            "the skill mix puts {} of {} at band {}",
                            r.role, step.id, r.band
                        ));
                    }
                }
                for l in &total.workforce.roles {
                    let of_step = l.kind == RoleKind::Step(s);
                    if of_step && l.current_wte > 0.0 && band_rank(&l.band) < seven {
                        let band = if l.band.is_empty() { "-" } else { &l.band };
                        below.push(format!(
                            "the workforce has {:.1} WTE of {} at band {band} delivering {}",
                            l.current_wte, l.role, step.id
                        ));
                    }
                }
            }
            Some(if below.is_empty() {
                Evidence {
                    met: true,
                    says: "every role delivering therapy is at band 7 or above".into(),
                }
            } else {
                Evidence {
                    met: false,
                    says: below.join("; "),
                }
            })
        }
        EvidenceKind::Supervision => {
            let s = &total.workforce.supervision;
            Some(Evidence {
                met: s.covered(),
                says: format!(
                    "{:.1} supervisor WTE needed, {:.1} WTE in supervising roles",
                    s.supervisor_wte_total(),
                    s.senior_wte_total()
                ),
            })
        }
        EvidenceKind::ProtectedTime => {
            // Only steps delivered by released staff have protected days; a scenario with
            // none has dedicated posts, where the rule does not apply.
            let released: Vec<(usize, f64)> = therapy
                .iter()
                .filter_map(|&s| Some((s, scenario.steps[s].protected_days_per_week?)))
                .collect();
            if released.is_empty() {
                return None;
            }
            let lines: Vec<String> = released
                .iter()
                .map(|&(s, days)| {
                    let wte = total.flow.step_wte(s);
                    format!(
                        "{}: {} protected day{} a week, so its {:.1} WTE of therapy needs {:.0} trained staff",
                        scenario.steps[s].id,
                        crate::problems::short(days),
                        if days == 1.0 { "" } else { "s" },
                        wte,
                        (wte * 5.0 / days).ceil()
                    )
                })
                .collect();
            Some(Evidence {
                met: released.iter().all(|&(_, d)| d >= PROTECTED_DAYS_MIN),
                says: format!(
                    "{} (at least {} days asked for)",
                    lines.join("; "),
                    crate::problems::short(PROTECTED_DAYS_MIN)
                ),
            })
        }
        EvidenceKind::Pipeline => {
            // Trainees in post are the workforce file's trainee roles ("Trainee PWP"); with
            // a training of T years, T cohorts are in post at once, so the yearly intake is
            // trainees / T. Without a workforce file the model cannot tell.
            if total.current_roles.is_empty() {
                return None;
            }
            let years = scenario.pipeline.training_years.max(1.0);
            let mut short = Vec::new();
            let mut lines = Vec::new();
            for &s in &therapy {
                let step = &scenario.steps[s];
                let needed = total.workforce.pipeline.0.get(s).map_or(0.0, |i| i.intake);
                let trainees: f64 = total
                    .current_roles
                    .iter()
                    .filter(|c| {
                        crate::model::staffing::trainee_of(&c.role).is_some_and(|r| {
                            step.roles.iter().any(|m| m.role.eq_ignore_ascii_case(r))
                        })
                    })
                    .map(|c| c.by_step.iter().sum::<f64>() + c.other)
                    .sum();
                if needed <= 0.0 && trainees <= 0.0 {
                    continue;
                }
                let intake = trainees / years;
                lines.push(format!(
                    "{}: {:.1} trainee WTE in post, an intake of {:.1} a year against {:.1} a year needed",
                    step.id, trainees, intake, needed
                ));
                if intake + 1e-9 < needed {
                    short.push(step.id.clone());
                }
            }
            if lines.is_empty() {
                return Some(Evidence {
                    met: true,
                    says: "no step needs trainees to close its gap".into(),
                });
            }
            Some(Evidence {
                met: short.is_empty(),
                says: lines.join("; "),
            })
        }
        // Whether ratios were reviewed and a recruitment plan made is not in the figures.
        EvidenceKind::SkillMix => None,
    }
}

/// One assessment and its scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub assessment: Assessment,
    pub sections: Vec<SectionScore>,
    pub total: SectionScore,
}

/// An item to act on: scored 0 or 1 in the latest assessment.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Action {
    pub item: String,
    pub score: u8,
    pub title: String,
    pub source: String,
    pub relies_upon: Vec<String>,
    pub owner: String,
    pub due: Option<String>,
    pub model_evidence: Option<Evidence>,
}

/// Everything `capacity assess` and the report show: the framework, each assessment's scores
/// (oldest first), the latest one's actions and where a self-score of 2 disagrees with the
/// model.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub framework: Framework,
    pub scored: Vec<Scored>,
    pub actions: Vec<Action>,
    /// (item id, the model's evidence) for items scored 2 that the model says are not met.
    pub disagreements: Vec<(String, Evidence)>,
    /// A model run was given, so evidence was looked for.
    pub with_model: bool,
}

impl Review {
    pub fn latest(&self) -> &Scored {
        self.scored
            .last()
            .expect("a review has at least one assessment")
    }
}

/// Scores assessments of one framework (an error when they are of several, or none), dated
/// ones oldest first, and checks the latest's items against a model run when given.
pub fn review(
    assessments: Vec<(Assessment, Framework)>,
    model: Option<(&Scenario, &ModelResult)>,
) -> Result<Review, InputError> {
    let Some(framework) = assessments.first().map(|(_, f)| f.clone()) else {
        return Err(InputError::one("give an assessment file"));
    };
    if assessments.iter().any(|(_, f)| f.id != framework.id) {
        return Err(InputError::one(
            "the assessments are of different frameworks; give assessments of one framework",
        ));
    }
    let mut scored: Vec<Scored> = assessments
        .into_iter()
        .map(|(assessment, f)| {
            let (sections, total) = scores(&f, &assessment);
            Scored {
                assessment,
                sections,
                total,
            }
        })
        .collect();
    scored.sort_by(|a, b| a.assessment.date.cmp(&b.assessment.date));
    let latest = &scored.last().expect("checked above").assessment;
    let evidence_of = |item: &Item| model.and_then(|(s, r)| evidence(item.evidence?, s, r));
    let actions = actions(&framework, latest)
        .into_iter()
        .map(|(i, score)| {
            let a = &latest.answers[&i.id];
            Action {
                item: i.id.clone(),
                score,
                title: i.title.clone(),
                source: i.source.clone(),
                relies_upon: i.relies_upon.clone(),
                owner: a.owner.clone(),
                due: a.due.clone(),
                model_evidence: evidence_of(i),
            }
        })
        .collect();
    let disagreements = framework
        .items()
        .filter_map(|(_, i)| {
            let e = evidence_of(i)?;
            let score = latest.answers.get(&i.id)?.score?;
            (score == 2 && !e.met).then(|| (i.id.clone(), e))
        })
        .collect();
    Ok(Review {
        framework,
        scored,
        actions,
        disagreements,
        with_model: model.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
id = "small"
title = "A small framework"
source = "a test"
scores = ["not in place", "partly", "in place"]

[[sections]]
id = "a"
title = "Section A"
[[sections.items]]
id = "a_1"
title = "First"
source = "A 1"
[[sections.items]]
id = "a_2"
title = "Second"
source = "A 2"
relies_upon = ["b_1"]

[[sections]]
id = "b"
title = "Section B"
[[sections.items]]
id = "b_1"
title = "Third"
source = "B 1"
"#;

    fn small(_: &str) -> Result<Framework, InputError> {
        parse_framework("small.toml", SMALL)
    }

    /// By hand: section A scores 2 + 1 = 3 of 4 (75%); B 0 of 2; in all 3 of 6 (50%). The
    /// actions are b_1 (0) before a_2 (1), which relies upon it.
    #[test]
    fn scores_and_actions_by_hand() {
        let text = "framework = \"small\"\n[items.a_1]\nscore = 2\n[items.a_2]\nscore = 1\n[items.b_1]\nscore = 0\n";
        let (a, f) = parse_assessment("mine.toml", text, &small, false).unwrap();
        let (sections, total) = scores(&f, &a);
        assert_eq!((sections[0].points, sections[0].max), (3, 4));
        assert_eq!(sections[0].share(), Some(0.75));
        assert_eq!((sections[1].points, sections[1].max), (0, 2));
        assert_eq!((total.points, total.max), (3, 6));
        let ids: Vec<&str> = actions(&f, &a).iter().map(|(i, _)| i.id.as_str()).collect();
        assert_eq!(ids, vec!["b_1", "a_2"]);
    }

    /// Found by fuzzing: an item id that is no TOML key made a template that its own reader
    /// refused. Such ids are refused with the framework's line.
    #[test]
    fn item_ids_must_be_plain_keys() {
        let text = SMALL.replace("id = \"a_2\"", "id = \"a^2\"");
        let e = parse_framework("small.toml", &text)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("small.toml:15: item id \"a^2\": expected lower-case letters"),
            "{e}"
        );
    }

    /// Titles and sources with line breaks stay comments, so any accepted framework gives a
    /// template that reads back as a (blank) assessment of it.
    #[test]
    fn template_reads_back_whatever_the_titles() {
        let text = SMALL
            .replace("title = \"First\"", "title = \"First\\nline two\\r[x]\"")
            .replace("source = \"a test\"", "source = \"a\\ntest\"");
        let f = parse_framework("small.toml", &text).unwrap();
        let template = template(&f);
        assert!(
            template.contains("# First\n# line two\n# [x]\n"),
            "{template}"
        );
        let same = f.clone();
        let (a, _) =
            parse_assessment("new.toml", &template, &move |_| Ok(same.clone()), true).unwrap();
        assert!(a.answers.values().all(|x| x.score.is_none()));
    }

    #[test]
    fn bad_answers_name_the_file_and_line() {
        let text = "framework = \"small\"\ndate = \"2026-13\"\n[items.a_1]\nscore = 3\n[items.zz]\nscore = 1\n[items.a_2]\nscore = 1\ndue = \"March\"\n";
        let e = parse_assessment("mine.toml", text, &small, false)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("mine.toml:2: date = \"2026-13\" is not a month"),
            "{e}"
        );
        assert!(
            e.contains("mine.toml:4: items.a_1.score = 3 is not a score"),
            "{e}"
        );
        assert!(e.contains("mine.toml:5: [items.zz] is not an item"), "{e}");
        assert!(e.contains("mine.toml:9: items.a_2.due = \"March\""), "{e}");
        assert!(e.contains("have no score (a_1, b_1)"), "{e}");
        let twice = "framework = \"small\"\n[items.a_1]\nscore = 1\n[items.a_1]\nscore = 2\n";
        let e = parse_assessment("mine.toml", twice, &small, false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("mine.toml:4"), "{e}");
        let (a, _) =
            parse_assessment("mine.toml", "framework = \"small\"\n", &small, true).unwrap();
        assert!(a.answers.is_empty());
    }

    #[test]
    fn a_cycle_or_an_unknown_link_in_a_framework_is_refused() {
        let cycle = SMALL.replace(
            "source = \"B 1\"",
            "source = \"B 1\"\nrelies_upon = [\"a_2\"]",
        );
        let e = parse_framework("f.toml", &cycle).unwrap_err().to_string();
        assert!(e.contains("relies upon itself"), "{e}");
        let unknown = SMALL.replace("relies_upon = [\"b_1\"]", "relies_upon = [\"b_9\"]");
        let e = parse_framework("f.toml", &unknown).unwrap_err().to_string();
        assert!(e.contains("relies upon 'b_9'"), "{e}");
    }

    #[test]
    fn the_template_round_trips_to_full_marks() {
        for (id, _) in FRAMEWORKS {
            let f = framework(id).unwrap();
            let t = template(&f);
            let filled = t.replace("score = \"\"", "score = 2");
            let (a, f) = parse_assessment("t.toml", &filled, &framework, false).unwrap();
            let (_, total) = scores(&f, &a);
            assert_eq!(total.points, total.max, "{id}");
            assert_eq!(total.assessed, f.items().count(), "{id}");
            // Unfilled, every item is missing; allowed, none is scored 0.
            assert!(parse_assessment("t.toml", &t, &framework, false).is_err());
            let (a, _) = parse_assessment("t.toml", &t, &framework, true).unwrap();
            assert!(a.answers.values().all(|x| x.score.is_none()));
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// Over any subset of the roadmap's items scored below 2, the action list puts every
        /// deliverable after those it relies upon.
        #[test]
        fn the_roadmap_order_respects_every_link(mask in prop::collection::vec(any::<bool>(), 0..200)) {
            let f = framework("cmh-roadmap").unwrap();
            let items: Vec<&Item> = f.items().map(|(_, i)| i).collect();
            let mut answers = BTreeMap::new();
            for (n, i) in items.iter().enumerate() {
                let low = mask.get(n).copied().unwrap_or(false);
                answers.insert(i.id.clone(), Answer { score: Some(if low { 0 } else { 2 }), evidence: String::new(), owner: String::new(), due: None });
            }
            let a = Assessment { label: "x".into(), framework: f.id.clone(), organisation: String::new(), date: String::new(), answers };
            let order: Vec<&str> = actions(&f, &a).iter().map(|(i, _)| i.id.as_str()).collect();
            for (pos, id) in order.iter().enumerate() {
                let item = f.item(id).unwrap();
                for r in &item.relies_upon {
                    if let Some(rp) = order.iter().position(|x| x == r) {
                        prop_assert!(rp < pos, "{} before {}", r, id);
                    }
                }
            }
        }
    }
}
