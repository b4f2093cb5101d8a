//! The long (tidy) table: one value a row, keyed by area, pathway, step, condition, role and
//! band, as NHS England publishes its own statistics. Every field of the per-area row is in
//! it (a step's fields under the step, named without the step's id: `wte`, `gap_wte`), with
//! the roles' figures and, with `--by-disorder`, each condition's funnel; the keys come from
//! the same field declaration as every other output.

use crate::model::{q, ModelResult, RoleKind};

use super::fields::{result_fields, Recipe, Value};

/// The measure a field stands for and the step it is of (None: the whole row).
fn measure(recipe: Recipe, name: &str) -> (String, Option<usize>) {
    use Recipe::*;
    let per_step = |m: &str, s: usize| (m.to_string(), Some(s));
    match recipe {
        Quantity(x) if x >= q::FUNNEL => {
            let (s, k) = ((x - q::FUNNEL) / q::PER_STEP, (x - q::FUNNEL) % q::PER_STEP);
            per_step(["episodes", "contacts", "booked_contacts", "wte"][k], s)
        }
        EpisodesPerWte(s) => per_step("episodes_per_wte", s),
        Current(s) => per_step("current_wte", s),
        Gap(s) => per_step("gap_wte", s),
        RequirementMet(s) => per_step("requirement_met", s),
        Cost(s) => per_step("cost", s),
        CostPer(s, x) if x == q::contacts(s) => per_step("cost_per_contact", s),
        CostPer(s, _) => per_step("cost_per_episode", s),
        TraineeIntake(s) => per_step("trainee_intake", s),
        SteadyIntake(s) => per_step("steady_intake", s),
        _ => (name.to_string(), None),
    }
}

fn cell(v: Value) -> String {
    match v {
        Value::Flag(b) => b.to_string(),
        other => other
            .as_f64()
            .map(|x| serde_json::json!(x).to_string())
            .unwrap_or_default(),
    }
}

pub const LONG_HEADER: [&str; 10] = [
    "area_code",
    "area_name",
    "level",
    "pathway",
    "step",
    "condition",
    "role",
    "band",
    "measure",
    "value",
];

/// The long table as CSV: for each area and the total, the row's fields, then each role's
/// required WTE, cost, current WTE and gap, then (with `by_disorder`) each condition's funnel.
pub fn render_long_csv(result: &ModelResult, by_disorder: bool) -> String {
    let steps = result.step_ids();
    let fields = result_fields(result);
    let keyed: Vec<(String, Option<usize>)> =
        fields.iter().map(|f| measure(f.recipe, &f.name)).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(LONG_HEADER).expect("in-memory write");
    for r in result.rows.iter().chain(std::iter::once(&result.total)) {
        let mut put = |step: Option<usize>,
                       pathway: &str,
                       condition: &str,
                       role: &str,
                       band: &str,
                       m: &str,
                       value: String| {
            let step_id = step.map_or("", |s| steps[s]);
            let pathway = match step {
                Some(s) => result.step_pathways[s].as_str(),
                None => pathway,
            };
            w.write_record([
                r.code.as_str(),
                r.name.as_str(),
                r.level.as_str(),
                pathway,
                step_id,
                condition,
                role,
                band,
                m,
                value.as_str(),
            ])
            .expect("in-memory write");
        };
        for (f, (m, step)) in fields.iter().zip(&keyed) {
            put(*step, "", "", "", "", m, cell(f.read(r, result)));
        }
        for l in &r.workforce.roles {
            let step = match l.kind {
                RoleKind::Step(s) => Some(s),
                RoleKind::Ratio => None,
            };
            let values = [
                ("wte", l.wte),
                ("cost", l.cost),
                ("current_wte", l.current_wte),
                ("gap_wte", l.gap()),
            ];
            for (m, v) in values {
                put(step, "", "", &l.role, &l.band, m, cell(Value::Number(v)));
            }
        }
        if by_disorder {
            for (d, flow) in result.disorders.iter().zip(&r.by_disorder) {
                let pathway = result.disorder_pathways[result
                    .disorders
                    .iter()
                    .position(|x| x == d)
                    .expect("a disorder of the result")]
                .clone();
                for (m, x) in [
                    ("prevalent", flow.prevalent()),
                    ("presenting", flow.presenting()),
                    ("detected", flow.detected()),
                    ("referred", flow.referred()),
                    ("medication_only", flow.medication_only()),
                    ("treated", flow.treated()),
                    ("stepped_up", flow.stepped_up()),
                ] {
                    put(None, &pathway, d, "", "", m, cell(Value::Number(x)));
                }
                for s in 0..steps.len() {
                    for (m, x) in [
                        ("episodes", flow.episodes(s)),
                        ("contacts", flow.contacts(s)),
                        ("wte", flow.step_wte(s)),
                    ] {
                        put(Some(s), "", d, "", "", m, cell(Value::Number(x)));
                    }
                }
            }
        }
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("CSV of UTF-8 fields")
}
