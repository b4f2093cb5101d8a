//! Rendering model results: the flat rows of CSV and JSON, and the table people read.

pub mod funnel;
mod table;

use serde::Serialize;

use crate::model::{AreaResult, Flow, Intensity, ModelResult, PerIntensity, RoleLine};
use crate::scenario::Scenario;

pub use table::{money, render_table, short_name, thousands, trainees, workforce_notes};

/// `a / b`, or None (JSON null, an empty CSV cell) when b is zero.
fn ratio(a: f64, b: f64) -> Option<f64> {
    if b == 0.0 {
        None
    } else {
        Some(a / b)
    }
}

/// One output row: the funnel, the workforce and the gap, with names users' scripts rely on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub area_code: String,
    pub area_name: String,
    pub level: String,
    pub population_in_scope: f64,
    pub prevalent: f64,
    pub presenting: f64,
    pub detected: f64,
    pub referred: f64,
    pub medication_only: f64,
    pub treated: f64,
    pub low_episodes: f64,
    pub high_episodes: f64,
    pub stepped_up: f64,
    pub low_contacts: f64,
    pub high_contacts: f64,
    pub low_wte: f64,
    pub high_wte: f64,
    pub total_wte: f64,
    pub low_high_ratio: Option<f64>,
    pub low_share_wte: Option<f64>,
    pub low_share_contacts: Option<f64>,
    pub access_rate: Option<f64>,
    pub low_episodes_per_wte: f64,
    pub high_episodes_per_wte: f64,
    pub current_low_wte: f64,
    pub current_high_wte: f64,
    pub gap_low_wte: f64,
    pub gap_high_wte: f64,
    /// Share of the requirement the current workforce meets: current_low_wte / low_wte
    /// (MODEL.md section 5: "per cent of requirement met"); null when nothing is required or
    /// no workforce file was given.
    pub requirement_met_low: Option<f64>,
    /// current_high_wte / high_wte.
    pub requirement_met_high: Option<f64>,
    // Issue 5: costs (pounds a year), supervision and the training pipeline. The names are
    // fixed: users' scripts rely on them.
    /// Staff cost of the low intensity roles.
    pub cost_low: f64,
    /// Staff cost of the high intensity roles.
    pub cost_high: f64,
    /// Staff cost of the ratio roles.
    pub cost_ratio_roles: f64,
    /// People choosing medication alone x cost of a course.
    pub cost_medication: f64,
    /// Staff (low, high, ratio roles) + medication.
    pub cost_total: f64,
    /// cost_low / low_contacts (attended).
    pub cost_per_low_contact: Option<f64>,
    /// cost_high / high_contacts (attended).
    pub cost_per_high_contact: Option<f64>,
    /// cost_low / low_episodes.
    pub cost_per_low_episode: Option<f64>,
    /// cost_high / high_episodes.
    pub cost_per_high_episode: Option<f64>,
    /// Required WTE of the ratio roles (not in total_wte, which stays low + high).
    pub ratio_roles_wte: f64,
    pub supervision_hours_per_week: f64,
    pub supervisor_wte: f64,
    /// Required WTE of the roles that supervise (the senior roles of the skill mix).
    pub senior_wte: f64,
    /// senior_wte >= supervisor_wte.
    pub supervision_covered: bool,
    /// Trainees to start each year for pipeline.years years to close the gap.
    pub trainee_intake_low: f64,
    pub trainee_intake_high: f64,
    /// Trainees to start each year to hold the requirement once reached.
    pub steady_intake_low: f64,
    pub steady_intake_high: f64,
}

/// One role at one band within a row: a list in JSON, four columns a role in CSV.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleRow {
    pub role: String,
    pub band: String,
    /// `low`, `high` or `ratio`.
    pub intensity: &'static str,
    pub wte: f64,
    /// Staff cost of `wte`, pounds a year.
    pub cost: f64,
    pub current_wte: f64,
    /// wte - current_wte; positive is a shortfall.
    pub gap_wte: f64,
}

impl RoleRow {
    pub fn new(l: &RoleLine) -> RoleRow {
        RoleRow {
            role: l.role.clone(),
            band: l.band.clone(),
            intensity: l.kind.as_str(),
            wte: l.wte,
            cost: l.cost,
            current_wte: l.current_wte,
            gap_wte: l.gap(),
        }
    }
}

/// The funnel of one disorder within a row (`--by-disorder`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisorderRow {
    pub disorder: String,
    pub prevalent: f64,
    pub presenting: f64,
    pub detected: f64,
    pub referred: f64,
    pub medication_only: f64,
    pub treated: f64,
    pub low_episodes: f64,
    pub high_episodes: f64,
    pub stepped_up: f64,
    pub low_contacts: f64,
    pub high_contacts: f64,
    pub low_wte: f64,
    pub high_wte: f64,
    pub total_wte: f64,
}

impl DisorderRow {
    pub fn new(disorder: &str, f: &Flow) -> DisorderRow {
        DisorderRow {
            disorder: disorder.to_string(),
            prevalent: f.demand.prevalent,
            presenting: f.demand.presenting,
            detected: f.demand.detected,
            referred: f.demand.referred,
            medication_only: f.demand.medication_only,
            treated: f.demand.treated,
            low_episodes: f.episodes.low,
            high_episodes: f.episodes.high,
            stepped_up: f.stepped_up,
            low_contacts: f.contacts.low,
            high_contacts: f.contacts.high,
            low_wte: f.wte.low,
            high_wte: f.wte.high,
            total_wte: f.wte.total(),
        }
    }
}

impl Row {
    /// Share of the whole requirement (low and high) that today's effective WTE meets; None
    /// when nothing is required or no workforce file was given.
    pub fn requirement_met_total(&self) -> Option<f64> {
        // A share of either step is known exactly when a workforce file was given and
        // something is required.
        if self.requirement_met_low.is_none() && self.requirement_met_high.is_none() {
            return None;
        }
        ratio(self.current_low_wte + self.current_high_wte, self.total_wte)
    }

    pub fn new(r: &AreaResult, result: &ModelResult) -> Row {
        let f = &r.flow;
        let gap = r.gap();
        let w = &r.workforce;
        let cost = &w.costs;
        let per_wte: PerIntensity<f64> = result.capacity.map(|c| c.episodes_per_wte);
        Row {
            area_code: r.code.clone(),
            area_name: r.name.clone(),
            level: r.level.clone(),
            population_in_scope: r.population_in_scope,
            prevalent: f.demand.prevalent,
            presenting: f.demand.presenting,
            detected: f.demand.detected,
            referred: f.demand.referred,
            medication_only: f.demand.medication_only,
            treated: f.demand.treated,
            low_episodes: f.episodes.low,
            high_episodes: f.episodes.high,
            stepped_up: f.stepped_up,
            low_contacts: f.contacts.low,
            high_contacts: f.contacts.high,
            low_wte: f.wte.low,
            high_wte: f.wte.high,
            total_wte: f.wte.total(),
            // Ratios are recomputed from sums, never averaged (MODEL.md section 6).
            low_high_ratio: ratio(f.wte.low, f.wte.high),
            low_share_wte: ratio(f.wte.low, f.wte.total()),
            low_share_contacts: ratio(f.contacts.low, f.contacts.total()),
            access_rate: ratio(f.demand.treated, f.demand.prevalent),
            low_episodes_per_wte: per_wte[Intensity::Low],
            high_episodes_per_wte: per_wte[Intensity::High],
            current_low_wte: r.current.low,
            current_high_wte: r.current.high,
            gap_low_wte: gap.low,
            gap_high_wte: gap.high,
            // Without a workforce file nothing is known of the staff in post: no share, not 0.
            requirement_met_low: ratio(r.current.low, f.wte.low).filter(|_| result.has_workforce),
            requirement_met_high: ratio(r.current.high, f.wte.high)
                .filter(|_| result.has_workforce),
            cost_low: cost.staff.low,
            cost_high: cost.staff.high,
            cost_ratio_roles: cost.ratio_roles,
            cost_medication: cost.medication,
            cost_total: cost.total(),
            cost_per_low_contact: ratio(cost.staff.low, f.contacts.low),
            cost_per_high_contact: ratio(cost.staff.high, f.contacts.high),
            cost_per_low_episode: ratio(cost.staff.low, f.episodes.low),
            cost_per_high_episode: ratio(cost.staff.high, f.episodes.high),
            ratio_roles_wte: w.ratio_roles_wte(),
            supervision_hours_per_week: w.supervision.hours_total(),
            supervisor_wte: w.supervision.supervisor_wte_total(),
            senior_wte: w.supervision.senior_wte_total(),
            supervision_covered: w.supervision.covered(),
            trainee_intake_low: w.pipeline.low.intake,
            trainee_intake_high: w.pipeline.high.intake,
            steady_intake_low: w.pipeline.low.steady,
            steady_intake_high: w.pipeline.high.steady,
        }
    }
}

#[derive(Serialize)]
struct JsonRow {
    #[serde(flatten)]
    row: Row,
    roles: Vec<RoleRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disorders: Option<Vec<DisorderRow>>,
}

fn json_row(r: &AreaResult, result: &ModelResult, by_disorder: bool) -> JsonRow {
    JsonRow {
        row: Row::new(r, result),
        roles: r.workforce.roles.iter().map(RoleRow::new).collect(),
        disorders: by_disorder.then(|| {
            result
                .disorders
                .iter()
                .zip(&r.by_disorder)
                .map(|(d, f)| DisorderRow::new(d, f))
                .collect()
        }),
    }
}

/// Where the inputs came from, so that every output says what made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    pub tool: String,
    pub population: String,
    pub prevalence: String,
    pub areas: Option<String>,
    pub workforce: Option<String>,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    scenario: &'a Scenario,
    inputs: &'a Provenance,
    areas: Vec<JsonRow>,
    total: JsonRow,
}

pub fn render_json(
    result: &ModelResult,
    scenario: &Scenario,
    provenance: &Provenance,
    by_disorder: bool,
) -> String {
    let out = JsonOutput {
        scenario,
        inputs: provenance,
        areas: result
            .rows
            .iter()
            .map(|r| json_row(r, result, by_disorder))
            .collect(),
        total: json_row(&result.total, result, by_disorder),
    };
    let mut s = serde_json::to_string_pretty(&out).expect("plain data serialises");
    s.push('\n');
    s
}

/// The roles of any row, in order of first appearance: (step, role, band).
fn role_keys(result: &ModelResult) -> Vec<(&'static str, String, String)> {
    let mut keys: Vec<(&'static str, String, String)> = Vec::new();
    for r in result.rows.iter().chain(std::iter::once(&result.total)) {
        for l in &r.workforce.roles {
            let key = (l.kind.as_str(), l.role.clone(), l.band.clone());
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// The CSV columns of a role: `role:<step>:<role>:<band>:<field>`.
pub const ROLE_FIELDS: [&str; 4] = ["wte", "cost", "current_wte", "gap_wte"];

/// CSV: one row per area then the total; with `by_disorder`, a `disorder` column and the
/// funnel of each disorder after its area's row (`all`). After the fields of `Row`, four
/// columns per role and band of the JSON `roles` list, named `role:<step>:<role>:<band>:wte`
/// (then `cost`, `current_wte`, `gap_wte`); a role an area lacks is 0 there, and disorder rows
/// leave them empty.
pub fn render_csv(result: &ModelResult, by_disorder: bool) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = Vec::new();
    let probe = serde_json::to_value(Row::new(&result.total, result)).expect("row serialises");
    let fields: Vec<String> = probe
        .as_object()
        .expect("row is an object")
        .keys()
        .cloned()
        .collect();
    if by_disorder {
        header.push("disorder");
    }
    header.extend(fields.iter().map(String::as_str));
    let roles = role_keys(result);
    let role_columns: Vec<String> = roles
        .iter()
        .flat_map(|(step, role, band)| {
            ROLE_FIELDS
                .iter()
                .map(move |f| format!("role:{step}:{role}:{band}:{f}"))
        })
        .collect();
    header.extend(role_columns.iter().map(String::as_str));
    w.write_record(&header).expect("in-memory write");
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for r in result.rows.iter().chain(std::iter::once(&result.total)) {
        let row = serde_json::to_value(Row::new(r, result)).expect("row serialises");
        let mut record: Vec<String> = Vec::new();
        if by_disorder {
            record.push("all".into());
        }
        record.extend(fields.iter().map(|f| cell(&row[f])));
        for (step, role, band) in &roles {
            let line = r
                .workforce
                .roles
                .iter()
                .find(|l| l.kind.as_str() == *step && l.role == *role && l.band == *band);
            let values = line.map_or([0.0; 4], |l| [l.wte, l.cost, l.current_wte, l.gap()]);
            record.extend(values.iter().map(|v| cell(&serde_json::json!(v))));
        }
        w.write_record(&record).expect("in-memory write");
        if by_disorder {
            for (d, flow) in result.disorders.iter().zip(&r.by_disorder) {
                let dr = serde_json::to_value(DisorderRow::new(d, flow)).expect("row serialises");
                let mut record = vec![d.clone()];
                for f in &fields {
                    let v = match f.as_str() {
                        "area_code" | "area_name" | "level" => row[f].clone(),
                        _ => dr.get(f).cloned().unwrap_or(serde_json::Value::Null),
                    };
                    record.push(cell(&v));
                }
                record.extend(role_columns.iter().map(|_| String::new()));
                w.write_record(&record).expect("in-memory write");
            }
        }
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("CSV of UTF-8 fields")
}
