//! Rendering model results: the flat rows of CSV and JSON, and the table people read.

pub mod fields;
pub mod funnel;
pub mod long;
pub mod projection;
mod table;

use serde::ser::SerializeMap;
use serde::Serialize;

use crate::model::{AreaResult, Flow, ModelResult, RoleLine};
use crate::scenario::Scenario;

pub use fields::{ratio, row_fields, Kind, Value};
pub use long::render_long_csv;
pub use table::{
    money, render_table, short_name, table_width, terminal_width, thousands, trainees,
    workforce_notes,
};

/// One output row: area_code, area_name, level, then the fields of [`fields::row_fields`]
/// for the run's steps, with names users' scripts rely on.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub area_code: String,
    pub area_name: String,
    pub level: String,
    pub fields: Vec<(String, Value)>,
}

impl Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.fields.len() + 3))?;
        map.serialize_entry("area_code", &self.area_code)?;
        map.serialize_entry("area_name", &self.area_name)?;
        map.serialize_entry("level", &self.level)?;
        for (k, v) in &self.fields {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One role at one band within a row: a list in JSON, four columns a role in CSV.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleRow {
    pub role: String,
    pub band: String,
    /// The step's id (`low`, `high`, ...) or `ratio`.
    pub intensity: String,
    pub wte: f64,
    /// Staff cost of `wte`, pounds a year.
    pub cost: f64,
    pub current_wte: f64,
    /// wte - current_wte; positive is a shortfall.
    pub gap_wte: f64,
}

impl RoleRow {
    pub fn new(l: &RoleLine, result: &ModelResult) -> RoleRow {
        RoleRow {
            role: l.role.clone(),
            band: l.band.clone(),
            intensity: l.kind.name(&result.step_ids()).to_string(),
            wte: l.wte,
            cost: l.cost,
            current_wte: l.current_wte,
            gap_wte: l.gap(),
        }
    }
}

/// The funnel of one disorder within a row (`--by-disorder`): `disorder`, then the fields of
/// [`fields::disorder_fields`].
#[derive(Debug, Clone, PartialEq)]
pub struct DisorderRow {
    pub disorder: String,
    pub fields: Vec<(String, f64)>,
}

impl Serialize for DisorderRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.fields.len() + 1))?;
        map.serialize_entry("disorder", &self.disorder)?;
        for (k, v) in &self.fields {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl DisorderRow {
    pub fn new(disorder: &str, f: &Flow, steps: &[&str]) -> DisorderRow {
        let n = steps.len();
        let mut values = vec![
            f.prevalent(),
            f.presenting(),
            f.detected(),
            f.referred(),
            f.medication_only(),
            f.treated(),
        ];
        values.extend((0..n).map(|s| f.episodes(s)));
        values.push(f.stepped_up());
        values.extend((0..n).map(|s| f.contacts(s)));
        values.extend((0..n).map(|s| f.step_wte(s)));
        values.push(f.total_wte());
        DisorderRow {
            disorder: disorder.to_string(),
            fields: fields::disorder_fields(steps)
                .into_iter()
                .zip(values)
                .collect(),
        }
    }
}

impl Row {
    pub fn new(r: &AreaResult, result: &ModelResult) -> Row {
        Row::with_fields(r, result, &fields::result_fields(result))
    }

    pub fn with_fields(r: &AreaResult, result: &ModelResult, fields: &[fields::Field]) -> Row {
        Row {
            area_code: r.code.clone(),
            area_name: r.name.clone(),
            level: r.level.clone(),
            fields: fields
                .iter()
                .map(|f| (f.name.clone(), f.read(r, result)))
                .collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<Value> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
    }

    /// A field's number: 0 for a name the row does not have, None for an empty value.
    pub fn opt(&self, name: &str) -> Option<f64> {
        self.get(name).and_then(Value::as_f64)
    }

    /// A field that is always a number (0 for a name the row does not have).
    pub fn num(&self, name: &str) -> f64 {
        self.opt(name).unwrap_or(0.0)
    }

    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), Some(Value::Flag(true)))
    }

    /// Share of the whole requirement (every step) that today's effective WTE meets; None
    /// when nothing is required or no workforce file was given.
    pub fn requirement_met_total(&self, steps: &[&str]) -> Option<f64> {
        // A share of a step is known exactly when a workforce file was given and something
        // is required.
        if steps
            .iter()
            .all(|s| self.opt(&format!("requirement_met_{s}")).is_none())
        {
            return None;
        }
        let current = steps
            .iter()
            .fold(0.0, |sum, s| sum + self.num(&format!("current_{s}_wte")));
        ratio(current, self.num("total_wte"))
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
        roles: r
            .workforce
            .roles
            .iter()
            .map(|l| RoleRow::new(l, result))
            .collect(),
        disorders: by_disorder.then(|| {
            result
                .disorders
                .iter()
                .zip(&r.by_disorder)
                .map(|(d, f)| DisorderRow::new(d, f, &result.step_ids()))
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
fn role_keys(result: &ModelResult) -> Vec<(String, String, String)> {
    let steps = result.step_ids();
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for r in result.rows.iter().chain(std::iter::once(&result.total)) {
        for l in &r.workforce.roles {
            let key = (
                l.kind.name(&steps).to_string(),
                l.role.clone(),
                l.band.clone(),
            );
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
    let steps = result.step_ids();
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
                .find(|l| l.kind.name(&steps) == step && l.role == *role && l.band == *band);
            let values = line.map_or([0.0; 4], |l| [l.wte, l.cost, l.current_wte, l.gap()]);
            record.extend(values.iter().map(|v| cell(&serde_json::json!(v))));
        }
        w.write_record(&record).expect("in-memory write");
        if by_disorder {
            for (d, flow) in result.disorders.iter().zip(&r.by_disorder) {
                let dr = serde_json::to_value(DisorderRow::new(d, flow, &steps))
                    .expect("row serialises");
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
