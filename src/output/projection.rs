//! Rendering a waiting-list projection: the long CSV (one row per area, step and month), JSON,
//! and the table people read (quarterly unless every month is asked for).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};

use crate::projection::{standard_share, Projection};

/// Shortest round-trip text, as `capacity model --format csv` writes numbers.
fn num(x: f64) -> String {
    if x.is_finite() {
        zmij::Buffer::new().format_finite(x).to_string()
    } else {
        String::new()
    }
}

fn opt(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

/// The CSV header: the keys, then each month's figures, one column per standard.
fn header(p: &Projection) -> Vec<String> {
    let mut h: Vec<String> = [
        "area_code",
        "area_name",
        "level",
        "step",
        "month",
        "referrals",
        "starts",
        "leavers",
        "waiting_list",
    ]
    .map(String::from)
    .to_vec();
    h.extend(
        p.standards_weeks
            .iter()
            .map(|w| format!("within_{w}_weeks")),
    );
    h.extend(
        [
            "median_wait_weeks",
            "p95_wait_weeks",
            "wte_in_post",
            "wte_required",
        ]
        .map(String::from),
    );
    h
}

pub fn render_projection_csv(p: &Projection) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header(p)).expect("in-memory write");
    for m in &p.months {
        let mut rec = vec![
            m.area_code.clone(),
            m.area_name.clone(),
            m.level.clone(),
            m.step.clone(),
            m.month.clone(),
            num(m.referrals),
            num(m.starts),
            num(m.leavers),
            num(m.waiting_list),
        ];
        rec.extend(m.within.iter().map(|x| opt(*x)));
        rec.extend([
            opt(m.median_wait_weeks),
            opt(m.p95_wait_weeks),
            num(m.wte_in_post),
            num(m.wte_required),
        ]);
        w.write_record(&rec).expect("in-memory write");
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("UTF-8 fields")
}

/// The months as a JSON array of objects, serialised as they are written rather than built
/// as a tree of values first (a tenth of the memory for 120 months of 106 areas).
struct MonthsJson<'a> {
    p: &'a Projection,
    header: Vec<String>,
}

impl serde::Serialize for MonthsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct Month<'a>(&'a [String], &'a crate::projection::MonthRow);
        impl serde::Serialize for Month<'_> {
            fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
                let (h, m) = (self.0, self.1);
                let mut o = ser.serialize_map(Some(h.len()))?;
                let mut k = h.iter();
                let mut key = || k.next().expect("a header per value");
                o.serialize_entry(key(), &m.area_code)?;
                o.serialize_entry(key(), &m.area_name)?;
                o.serialize_entry(key(), &m.level)?;
                o.serialize_entry(key(), &m.step)?;
                o.serialize_entry(key(), &m.month)?;
                o.serialize_entry(key(), &m.referrals)?;
                o.serialize_entry(key(), &m.starts)?;
                o.serialize_entry(key(), &m.leavers)?;
                o.serialize_entry(key(), &m.waiting_list)?;
                for x in &m.within {
                    o.serialize_entry(key(), x)?;
                }
                o.serialize_entry(key(), &m.median_wait_weeks)?;
                o.serialize_entry(key(), &m.p95_wait_weeks)?;
                o.serialize_entry(key(), &m.wte_in_post)?;
                o.serialize_entry(key(), &m.wte_required)?;
                o.end()
            }
        }
        let mut seq = ser.serialize_seq(Some(self.p.months.len()))?;
        for m in &self.p.months {
            seq.serialize_element(&Month(&self.header, m))?;
        }
        seq.end()
    }
}

pub fn render_projection_json(p: &Projection) -> String {
    let months = MonthsJson {
        p,
        header: header(p),
    };
    let steady: Vec<serde_json::Value> = p
        .steady
        .iter()
        .map(|s| {
            serde_json::json!({
                "area_code": s.area_code,
                "step": s.step,
                "demand_per_week": s.demand_per_week,
                "capacity_per_week": s.capacity_per_week,
                "queue_load": if s.queue_load.is_finite() { Some(s.queue_load) } else { None },
                "standards": p.standards_weeks.iter().enumerate().map(|(i, w)| serde_json::json!({
                    "weeks": w,
                    "share": standard_share(*w),
                    "target_queue_size": s.target_queue[i],
                    "target_capacity_per_week": s.target_capacity[i],
                    "first_month_met": s.first_met[i],
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let solved: Vec<serde_json::Value> = p
        .solved
        .iter()
        .map(|v| {
            serde_json::json!({
                "area_code": v.area_code,
                "step": v.step,
                "from_month": v.from_month,
                "wte_in_post": v.wte_in_post,
                "wte_required": v.wte_required,
                "wte_to_meet": v.wte_to_meet,
            })
        })
        .collect();
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        months: MonthsJson<'a>,
        steady_state: Vec<serde_json::Value>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        solved: Vec<serde_json::Value>,
    }
    let doc = Doc {
        months,
        steady_state: steady,
        solved,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("plain data serialises");
    out.push('\n');
    out
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.1}%", v * 100.0))
}

fn whole(x: f64) -> String {
    super::thousands(x)
}

/// The table: per area and step, a row a quarter (the quarter's last month for the list,
/// the quarter's sums for flows) or a month, then the steady-state checks.
pub fn render_projection_table(p: &Projection, monthly: bool) -> String {
    let mut out = String::new();
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for m in &p.months {
        let k = (m.area_code.clone(), m.area_name.clone(), m.step.clone());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    for (code, name, step) in keys {
        let rows: Vec<_> = p
            .months
            .iter()
            .filter(|m| m.area_code == code && m.step == step)
            .collect();
        out.push_str(&format!(
            "{} ({code}), step {step}: WTE in post {:.1}, required {:.1}\n",
            super::short_name(&name),
            rows[0].wte_in_post,
            rows[0].wte_required
        ));
        let mut t = Table::new();
        let mut head: Vec<String> = ["Month", "Referrals", "Starts", "Left", "List"]
            .map(String::from)
            .to_vec();
        head.extend(p.standards_weeks.iter().map(|w| format!("<{w} wk")));
        head.extend(["Median wk", "95% wk"].map(String::from));
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(head);
        let span = if monthly { 1 } else { 3 };
        for chunk in rows.chunks(span) {
            let last = chunk[chunk.len() - 1];
            let sum = |f: fn(&crate::projection::MonthRow) -> f64| {
                chunk.iter().map(|m| f(m)).sum::<f64>()
            };
            let starts = sum(|m| m.starts);
            // Shares over the chunk: weighted by each month's starts.
            let share = |i: usize| {
                (starts > 0.0).then(|| {
                    chunk
                        .iter()
                        .map(|m| m.within[i].unwrap_or(0.0) * m.starts)
                        .sum::<f64>()
                        / starts
                })
            };
            let label = if span == 1 {
                last.month.clone()
            } else {
                format!("{} to {}", chunk[0].month, last.month)
            };
            let mut cells = vec![
                label,
                whole(sum(|m| m.referrals)),
                whole(starts),
                whole(sum(|m| m.leavers)),
                whole(last.waiting_list),
            ];
            cells.extend((0..p.standards_weeks.len()).map(|i| pct(share(i))));
            cells.push(
                last.median_wait_weeks
                    .map_or("-".into(), |x| format!("{x:.0}")),
            );
            cells.push(
                last.p95_wait_weeks
                    .map_or("-".into(), |x| format!("{x:.0}")),
            );
            t.add_row(cells);
        }
        for i in 1..t.column_count() {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        out.push_str(&t.to_string());
        out.push('\n');
        if let Some(s) = p
            .steady
            .iter()
            .find(|s| s.area_code == code && s.step == step)
        {
            let met: Vec<String> = p
                .standards_weeks
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    format!(
                        "{:.0}% within {w} weeks: {}",
                        standard_share(*w) * 100.0,
                        s.first_met[i]
                            .as_deref()
                            .map_or("not within the horizon".to_string(), |m| format!(
                                "first met {m}"
                            ))
                    )
                })
                .collect();
            out.push_str(&format!(
                "Demand {:.1} a week, capacity {:.1} (queue load {}); target list for {} weeks {:.0}; {}.\n\n",
                s.demand_per_week,
                s.capacity_per_week,
                if s.queue_load.is_finite() {
                    format!("{:.2}", s.queue_load)
                } else {
                    "no capacity".into()
                },
                p.standards_weeks.first().copied().unwrap_or(6),
                s.target_queue.first().copied().unwrap_or(0.0),
                met.join("; ")
            ));
        }
        if let Some(v) = p
            .solved
            .iter()
            .find(|v| v.area_code == code && v.step == step)
        {
            out.push_str(&match v.wte_to_meet {
                // Rounded up: a hundredth less does not meet them.
                Some(w) => format!(
                    "To meet both standards from {} to the horizon: {:.2} WTE in post ({:+.2} on today's {:.2}; the steady year needs {:.2}{}).\n\n",
                    v.from_month,
                    (w * 100.0).ceil() / 100.0,
                    (w * 100.0).ceil() / 100.0 - v.wte_in_post,
                    v.wte_in_post,
                    v.wte_required,
                    if w < v.wte_required {
                        ", so with less the list grows and misses them after the horizon"
                    } else {
                        ""
                    }
                ),
                None => format!(
                    "No constant WTE meets both standards from {}: people already waiting will have waited longer than a standard when they start; give a later --meet-by.\n\n",
                    v.from_month
                ),
            });
        }
    }
    out
}
