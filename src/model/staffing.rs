//! Issue 5, parts 1, 3, 5 and 6: who the WTE are (roles and bands), the ratio roles, the
//! supervision they need, and the current staff matched to them by role and band.
//!
//! - WTE of a skill-mix role = share x the intensity's required WTE
//! - WTE of a ratio role = ratio x its basis (low, high or total WTE, or population in scope)
//! - supervision hours a week = Σ_i WTE_i x hours per WTE_i; supervisor WTE = hours / hours
//!   one supervisor WTE provides; covered when the supervising roles' WTE is at least that
//! - current WTE of a role = the effective WTE (wte x share x capacity_factor) of the current
//!   workforce rows with the same role and band; the gap = required - current

use serde::Serialize;

use crate::scenario::{same_role, RatioBasis, Scenario, SupervisionSettings};

use super::steps::PerStep;

/// How a role the skill mix does not name is shown.
pub const OTHER_STAFF: &str = "other staff delivering this step";

/// Which part of the workforce a role line belongs to: a step's skill mix (by step index)
/// or the ratio roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleKind {
    Step(usize),
    Ratio,
}

impl RoleKind {
    /// `low`, `high` (the step's id) or `ratio`.
    pub fn name<'a>(self, step_ids: &[&'a str]) -> &'a str {
        match self {
            RoleKind::Step(s) => step_ids[s],
            RoleKind::Ratio => "ratio",
        }
    }
}

/// One role at one band: what is required, what it costs and who is in post.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleLine {
    pub role: String,
    /// Agenda for Change band; empty for a current workforce row that gives none.
    pub band: String,
    pub kind: RoleKind,
    /// Required WTE (0 for a role only the current workforce has).
    pub wte: f64,
    /// Annual salary before on-costs, when the band is known.
    pub salary: Option<f64>,
    /// Staff cost of the required WTE, pounds a year.
    pub cost: f64,
    /// Effective current WTE of the same role and band.
    pub current_wte: f64,
    /// Counts towards covering supervision.
    pub supervises: bool,
    /// Current staff of a role the step's skill mix does not name (a counsellor delivering
    /// step 3 where the mix names therapists): their time counts in the step's gap, and they
    /// are other staff delivering the step, not a surplus of a role nobody asked for.
    pub other_staff: bool,
}

impl RoleLine {
    /// Required minus current; positive is a shortfall.
    pub fn gap(&self) -> f64 {
        self.wte - self.current_wte
    }

    /// The role as a list of roles prints it: "(supervises)" after a supervising role,
    /// "(other staff delivering this step)" after one the skill mix does not name.
    pub fn role_label(&self) -> String {
        if self.supervises {
            format!("{} (supervises)", self.role)
        } else if self.other_staff {
            format!("{} ({OTHER_STAFF})", self.role)
        } else {
            self.role.clone()
        }
    }

    /// The band as printed: "-" when the workforce file gave none.
    pub fn band_label(&self) -> &str {
        if self.band.is_empty() {
            "-"
        } else {
            &self.band
        }
    }
}

/// The current staff of one role and band in one area, summed over workforce rows
/// (MODEL.md section 5 split by role and band).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CurrentRole {
    /// As first written in the workforce file.
    pub role: String,
    pub band: Option<String>,
    /// Σ wte x <step>_share x capacity_factor, per step.
    pub by_step: PerStep<f64>,
    /// Σ wte x (1 - the step shares): time not on therapy, which counts towards a ratio
    /// role of the same role and band (employment advisers, admin staff).
    pub other: f64,
}

impl CurrentRole {
    pub fn same(&self, role: &str, band: Option<&str>) -> bool {
        same_role(&self.role, role) && self.band.as_deref() == band
    }
}

/// Adds `add` into the list, merging with an entry of the same role and band.
pub fn merge_current(list: &mut Vec<CurrentRole>, add: &CurrentRole) {
    match list
        .iter_mut()
        .find(|c| c.same(&add.role, add.band.as_deref()))
    {
        Some(c) => {
            c.by_step += &add.by_step;
            c.other += add.other;
        }
        None => list.push(add.clone()),
    }
}

/// The value a ratio role's WTE is proportional to.
pub fn ratio_basis(
    per: &RatioBasis,
    wte: &PerStep<f64>,
    step_index: impl Fn(&str) -> Option<usize>,
    population_in_scope: f64,
) -> f64 {
    match per {
        RatioBasis::StepWte(step) => step_index(step).map_or(0.0, |s| wte[s]),
        RatioBasis::TotalWte => wte.total(),
        RatioBasis::PopulationInScope => population_in_scope,
    }
}

/// The required roles: the skill mix of each step (share x WTE), then the ratio roles
/// (ratio x basis). Salaries and costs are filled in by the caller.
pub fn required_roles(
    wte: &PerStep<f64>,
    population_in_scope: f64,
    scenario: &Scenario,
) -> Vec<RoleLine> {
    let mut lines = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        for r in &step.roles {
            lines.push(RoleLine {
                role: r.role.clone(),
                band: r.band.clone(),
                kind: RoleKind::Step(i),
                wte: r.share * wte[i],
                salary: None,
                cost: 0.0,
                current_wte: 0.0,
                supervises: r.supervises,
                other_staff: false,
            });
        }
    }
    for r in &scenario.ratio_roles {
        lines.push(RoleLine {
            role: r.role.clone(),
            band: r.band.clone(),
            kind: RoleKind::Ratio,
            wte: r.ratio
                * ratio_basis(
                    &r.per,
                    wte,
                    |id| scenario.step_index(id),
                    population_in_scope,
                ),
            salary: None,
            cost: 0.0,
            current_wte: 0.0,
            supervises: false,
            other_staff: false,
        });
    }
    lines
}

/// Adds current staff to the required roles (docs/model.md section 6). Each step's part of a
/// current role goes to the step's role line of
///
/// 1. the same role (case-insensitive) and band;
/// 2. else the same role at another band (a PWP at band 6 where the mix has PWPs at 5);
/// 3. else, for a trainee ("Trainee PWP", "PWP trainee") when the mix names no role of
///    that name, the role it trains for, by 1 and 2: its effective WTE (at its capacity
///    factor) counts against those posts;
/// 4. else a line of its own marked as other staff delivering the step (required 0).
///
/// Time not on a step (`other`) counts only towards a ratio role, by 1 and 2.
pub fn match_current(lines: &mut Vec<RoleLine>, current: &[CurrentRole]) {
    for c in current {
        let band = c.band.clone().unwrap_or_default();
        let parts = c
            .by_step
            .iter()
            .enumerate()
            .map(|(s, &wte)| (RoleKind::Step(s), wte))
            .chain(std::iter::once((RoleKind::Ratio, c.other)));
        for (kind, wte) in parts {
            if wte == 0.0 {
                continue;
            }
            let named = |lines: &[RoleLine], role: &str| -> Option<usize> {
                let of_role =
                    |l: &RoleLine| l.kind == kind && !l.other_staff && same_role(&l.role, role);
                lines
                    .iter()
                    .position(|l| of_role(l) && l.band == band)
                    .or_else(|| lines.iter().position(of_role))
            };
            let found = named(lines, &c.role).or_else(|| {
                trainee_of(&c.role)
                    .filter(|_| kind != RoleKind::Ratio)
                    .and_then(|trained| named(lines, trained))
            });
            let other = lines.iter().position(|l| {
                l.kind == kind && l.other_staff && same_role(&l.role, &c.role) && l.band == band
            });
            match (found.or(other), kind) {
                (Some(i), _) => lines[i].current_wte += wte,
                // Non-therapy time of staff who are not a ratio role is not workforce capacity.
                (None, RoleKind::Ratio) => {}
                (None, _) => lines.push(RoleLine {
                    role: c.role.clone(),
                    band: band.clone(),
                    kind,
                    wte: 0.0,
                    salary: None,
                    cost: 0.0,
                    current_wte: wte,
                    supervises: false,
                    other_staff: true,
                }),
            }
        }
    }
}

/// The role a trainee trains for: "Trainee PWP" and "PWP trainee" -> "PWP"; None for a role
/// that is not a trainee's.
pub fn trainee_of(role: &str) -> Option<&str> {
    let r = role.trim();
    let n = "trainee".len();
    let gap = |c: Option<char>| c.is_some_and(|c| c.is_whitespace() || c == '-' || c == ':');
    // A whole word: "Traineeship lead" is not a trainee.
    let head = r
        .get(..n)
        .filter(|h| h.eq_ignore_ascii_case("trainee") && gap(r[n..].chars().next()));
    let tail = r
        .len()
        .checked_sub(n)
        .and_then(|at| r.get(at..).map(|t| (at, t)))
        .filter(|(at, t)| t.eq_ignore_ascii_case("trainee") && gap(r[..*at].chars().next_back()));
    let rest = match (head, tail) {
        (Some(_), _) => &r[n..],
        (None, Some(_)) => &r[..r.len() - n],
        _ => return None,
    };
    let rest = rest.trim_matches(|c: char| c.is_whitespace() || c == '-' || c == ':');
    (!rest.is_empty()).then_some(rest)
}

/// Supervision needed and available (issue 5, part 3).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Supervision {
    /// Supervision hours a week: WTE of each step x its hours per WTE.
    pub hours: PerStep<f64>,
    /// Supervisor WTE: hours / hours one supervisor WTE provides.
    pub supervisor_wte: PerStep<f64>,
    /// Required WTE of the roles that supervise.
    pub senior_wte: PerStep<f64>,
}

impl Supervision {
    pub fn hours_total(&self) -> f64 {
        self.hours.total()
    }

    pub fn supervisor_wte_total(&self) -> f64 {
        self.supervisor_wte.total()
    }

    pub fn senior_wte_total(&self) -> f64 {
        self.senior_wte.total()
    }

    /// Whether the supervising roles of the skill mix, together, have the supervisor WTE.
    pub fn covered(&self) -> bool {
        self.senior_wte_total() + 1e-9 >= self.supervisor_wte_total()
    }
}

/// Supervision hours a week = Σ WTE x hours per WTE by step; supervisor WTE = hours /
/// hours_per_supervisor_wte; senior WTE = the required WTE of the supervising roles.
pub fn supervision(
    wte: &PerStep<f64>,
    hours_per_wte: &PerStep<f64>,
    lines: &[RoleLine],
    s: &SupervisionSettings,
) -> Supervision {
    let hours = PerStep::from_fn(wte.len(), |i| wte[i] * hours_per_wte[i]);
    Supervision {
        supervisor_wte: hours.map(|h| h / s.hours_per_supervisor_wte),
        senior_wte: PerStep::from_fn(wte.len(), |i| {
            lines
                .iter()
                .filter(|l| l.kind == RoleKind::Step(i) && l.supervises)
                .fold(0.0, |sum, l| sum + l.wte)
        }),
        hours,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: 20 low intensity WTE at 1.5 hours a week = 30 hours; 10 high intensity WTE
    /// at 1 hour = 10 hours; 40 hours / 7.5 per supervisor WTE = 5.33 supervisor WTE. The
    /// default mix makes 15% senior: 3 senior PWPs + 1.5 senior therapists = 4.5 < 5.33, so
    /// the seniors alone do not cover it.
    #[test]
    fn supervision_worked_example() {
        let mut scenario = Scenario::defaults();
        scenario.supervision.hours_per_supervisor_wte = 7.5;
        let wte = PerStep(vec![20.0, 10.0]);
        let hours = PerStep(vec![1.5, 1.0]);
        let lines = required_roles(&wte, 0.0, &scenario);
        let s = supervision(&wte, &hours, &lines, &scenario.supervision);
        assert_eq!(s.hours[0], 30.0);
        assert_eq!(s.hours[1], 10.0);
        assert!((s.supervisor_wte_total() - 40.0 / 7.5).abs() < 1e-12);
        assert!((s.senior_wte[0] - 3.0).abs() < 1e-12);
        assert!((s.senior_wte[1] - 1.5).abs() < 1e-12);
        assert!(!s.covered());
        // One supervisor WTE giving 10 hours a week: 4.0 needed, 4.5 available.
        let mut more = scenario.supervision.clone();
        more.hours_per_supervisor_wte = 10.0;
        assert!(supervision(&wte, &hours, &lines, &more).covered());
    }

    #[test]
    fn roles_split_wte_and_ratio_roles_follow_their_basis() {
        let mut scenario = Scenario::defaults();
        scenario.ratio_roles.push(crate::scenario::RatioRole {
            role: "Employment adviser".into(),
            band: "5".into(),
            per: RatioBasis::TotalWte,
            ratio: 0.125,
        });
        let wte = PerStep(vec![40.0, 24.0]);
        let lines = required_roles(&wte, 1e6, &scenario);
        let got: Vec<(&str, &str, RoleKind, f64)> = lines
            .iter()
            .map(|l| (l.role.as_str(), l.band.as_str(), l.kind, l.wte))
            .collect();
        assert_eq!(
            got,
            vec![
                ("PWP", "5", RoleKind::Step(0), 0.85 * 40.0),
                ("Senior PWP", "6", RoleKind::Step(0), 0.15 * 40.0),
                ("HIT", "7", RoleKind::Step(1), 0.85 * 24.0),
                ("Senior therapist", "8a", RoleKind::Step(1), 0.15 * 24.0),
                ("Employment adviser", "5", RoleKind::Ratio, 8.0),
            ]
        );
    }

    fn in_post(role: &str, band: &str, low: f64) -> CurrentRole {
        CurrentRole {
            role: role.into(),
            band: Some(band.into()),
            by_step: PerStep(vec![low, 0.0]),
            other: 0.0,
        }
    }

    /// Regression: a trainee PWP and a counsellor of a real workforce return showed as
    /// "required 0.0, gap -1.2" (a surplus) although their time counts in the step's gap.
    #[test]
    fn current_staff_match_by_role_then_band_then_the_role_a_trainee_trains_for() {
        let scenario = Scenario::defaults();
        let wte = PerStep(vec![10.0, 0.0]);
        let mut lines = required_roles(&wte, 0.0, &scenario);
        let current = vec![
            in_post("pwp", "5", 6.0),
            // At its capacity factor, e.g. 2 WTE at 0.6.
            in_post("Trainee PWP", "4", 1.2),
            in_post("PWP trainee", "4", 0.3),
            in_post("Counsellor", "6", 2.4),
        ];
        match_current(&mut lines, &current);
        assert_eq!(lines[0].role, "PWP");
        assert!((lines[0].current_wte - 7.5).abs() < 1e-12);
        assert!((lines[0].gap() - (8.5 - 7.5)).abs() < 1e-12);
        let other: Vec<&RoleLine> = lines.iter().filter(|l| l.other_staff).collect();
        assert_eq!(other.len(), 1, "{lines:?}");
        assert_eq!((other[0].role.as_str(), other[0].wte), ("Counsellor", 0.0));
        assert_eq!(
            other[0].role_label(),
            "Counsellor (other staff delivering this step)"
        );
        // The step's current staff are all counted, once.
        let low: f64 = lines
            .iter()
            .filter(|l| l.kind == RoleKind::Step(0))
            .map(|l| l.current_wte)
            .sum();
        assert!((low - 9.9).abs() < 1e-12);

        // When the mix names trainees, they are their own posts.
        let mut scenario = Scenario::defaults();
        scenario.steps[0].roles.push(crate::scenario::RoleShare {
            role: "Trainee PWP".into(),
            band: "4".into(),
            share: 0.0,
            supervises: false,
        });
        let mut lines = required_roles(&wte, 0.0, &scenario);
        match_current(&mut lines, &[in_post("trainee pwp", "4", 1.2)]);
        let trainee = lines.iter().find(|l| l.role == "Trainee PWP").unwrap();
        assert_eq!(trainee.current_wte, 1.2);
        assert_eq!(lines[0].current_wte, 0.0);
    }

    #[test]
    fn trainee_roles_name_the_role_they_train_for() {
        assert_eq!(trainee_of("Trainee PWP"), Some("PWP"));
        assert_eq!(
            trainee_of("  trainee-CBT therapist "),
            Some("CBT therapist")
        );
        assert_eq!(trainee_of("HIT trainee"), Some("HIT"));
        assert_eq!(trainee_of("PWP"), None);
        assert_eq!(trainee_of("Trainee"), None);
        assert_eq!(trainee_of("Traineeship lead"), None);
        assert_eq!(trainee_of("Pretrainee"), None);
    }
}
