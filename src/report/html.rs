//! The HTML report: one file with its styles, charts and a tiny sort script inline, so it
//! renders offline, makes no network request and prints to A4. Every table is readable
//! without the script; the script only adds click-to-sort.

use std::fmt::Write;

use crate::model::{AreaResult, ModelResult, RoleKind, RoleLine};
use crate::output::{money, short_name, Row};
use crate::scenario::basis::{assumptions, short_number, Basis};

use super::svg::{self, FunnelBar, RangeRow, RoleBar, Series, TornadoRow, WteRow};
use super::{
    area_label, data_citation, esc, funnel_stages, grouped, one_wte_lines, percent, row_value,
    Report, Stage, SweepSummary,
};

/// The colour of each step of care, in the scenario's order: the 2007 low and high
/// intensity colours first, then NHS identity colours none of the other series use; more
/// steps than colours take them round again.
const STEP_COLOURS: &[&str] = &[
    svg::LOW,
    svg::HIGH,
    "#330072", // NHS Purple
    "#AE2573", // NHS Pink
    "#006747", // NHS Dark Green
    "#FFB81C", // NHS Warm Yellow
    "#7C2855", // NHS Dark Pink
    "#00A9CE", // NHS Aqua Blue
];

fn step_colour(s: usize) -> &'static str {
    STEP_COLOURS[s % STEP_COLOURS.len()]
}

/// A step's label before its bracket: "Low intensity (step 2)" -> "Low intensity".
fn label_name(label: &str) -> &str {
    match label.find(" (") {
        Some(i) => &label[..i],
        None => label,
    }
}

/// The first letter in lower case, unless the word is an acronym: "Low intensity" -> "low
/// intensity", "CBT" stays.
fn lower_first(s: &str) -> String {
    let mut cs = s.chars();
    match (cs.next(), cs.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_uppercase() => s.to_string(),
        (Some(a), _) => a.to_lowercase().chain(s.chars().skip(1)).collect(),
        _ => String::new(),
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// How the report names one step of care.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StepName {
    /// The step's id: names its output fields (`low_wte`).
    pub id: String,
    /// The scenario's label: "Low intensity (step 2)".
    pub label: String,
    /// The label before its bracket: "Low intensity".
    pub name: String,
    /// The name without " intensity", for column headings: "Low".
    pub short: String,
    pub colour: &'static str,
}

impl StepName {
    /// "low intensity", for prose.
    fn name_lower(&self) -> String {
        lower_first(&self.name)
    }

    /// "low", for prose beside other steps' short names.
    fn short_lower(&self) -> String {
        lower_first(&self.short)
    }

    /// The name of one of this step's row fields: `field("{}_wte")` -> `low_wte`.
    fn field(&self, pattern: &str) -> String {
        pattern.replace("{}", &self.id)
    }
}

/// The steps of care of a result, in order.
fn step_names(result: &ModelResult) -> Vec<StepName> {
    result
        .steps
        .iter()
        .enumerate()
        .map(|(s, (id, label))| {
            let name = label_name(label).trim();
            let name = if name.is_empty() { id.as_str() } else { name };
            let short = name
                .strip_suffix(" intensity")
                .filter(|x| !x.is_empty())
                .unwrap_or(name);
            StepName {
                id: id.clone(),
                label: if label.trim().is_empty() {
                    id.clone()
                } else {
                    label.clone()
                },
                name: name.to_string(),
                short: short.to_string(),
                colour: step_colour(s),
            }
        })
        .collect()
}

/// The steps together in prose: "low and high intensity" when every name ends in
/// "intensity", else "counselling, CBT and psychiatry".
fn steps_phrase(steps: &[StepName]) -> String {
    if steps.iter().all(|s| s.name != s.short) {
        let shorts: Vec<String> = steps.iter().map(StepName::short_lower).collect();
        format!("{} intensity", and_list(&shorts))
    } else {
        let names: Vec<String> = steps.iter().map(StepName::name_lower).collect();
        and_list(&names)
    }
}

/// "Low intensity", "High intensity" or "Ratio role".
fn kind_label(k: RoleKind, steps: &[StepName]) -> String {
    match k {
        RoleKind::Step(s) => steps
            .get(s)
            .map_or_else(|| format!("Step {}", s + 1), |st| st.name.clone()),
        RoleKind::Ratio => "Ratio role".into(),
    }
}

fn kind_colour(k: RoleKind) -> &'static str {
    match k {
        RoleKind::Step(s) => step_colour(s),
        RoleKind::Ratio => svg::RATIO,
    }
}

const CSS: &str = r#"
:root{--ink:#212b32;--muted:#4c6272;--line:#d8dde0;--pale:#f0f4f5;--blue:#005eb8}
*{box-sizing:border-box}
body{margin:0;background:var(--pale);color:var(--ink);font:15px/1.45 Arial,Helvetica,sans-serif}
main{max-width:1040px;margin:0 auto;background:#fff;padding:28px 40px 40px}
header{border-bottom:4px solid var(--blue);padding-bottom:10px}
.kicker{color:var(--blue);font-weight:bold;text-transform:uppercase;letter-spacing:.04em;font-size:13px;margin:0}
h1{font-size:27px;line-height:1.2;margin:4px 0 6px}
h2{font-size:21px;margin:30px 0 6px;padding-top:10px;border-top:1px solid var(--line)}
h3{font-size:16px;margin:18px 0 4px}
p{margin:6px 0}
.meta,.note,figcaption{color:var(--muted);font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:16px 0 4px}
.card{border:1px solid var(--line);border-top:4px solid var(--blue);padding:8px 10px}
.card .v{font-size:23px;font-weight:bold;font-variant-numeric:tabular-nums}
.card .k{font-size:12px;color:var(--muted)}
.card .s{font-size:12px}
figure{margin:10px 0 14px}
svg.chart{width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th,td{padding:3px 6px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--pale);vertical-align:bottom}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
thead th.n{white-space:normal}
tfoot td{font-weight:bold;border-top:2px solid var(--ink)}
.sortable thead th{cursor:pointer}
.sortable th[aria-sort=ascending]::after{content:" \25B2"}
.sortable th[aria-sort=descending]::after{content:" \25BC"}
.basis{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;white-space:nowrap}
.basis-published{background:#d5ebe0;color:#00401e}
.basis-cited{background:#d6e8f7;color:#003087}
.basis-assumption{background:#ffebb3;color:#5c4000}
.short{color:#da291c}.surplus{color:#007f3b}
code,.hash{font-family:Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
.hash{word-break:break-all}
footer{margin-top:30px;border-top:4px solid var(--blue);padding-top:8px;font-size:12px;color:var(--muted)}
footer table{font-size:12px}
td.sub{padding-left:22px}
.wide{overflow-x:auto}
#areas td:first-child{min-width:13em}
#areas table{font-size:12.5px}
.funnels{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:6px 28px}
.tag{display:inline-block;margin-left:6px;padding:0 5px;border-radius:3px;font-size:11px;background:var(--pale);color:var(--muted);white-space:nowrap}
ul.intake{margin:6px 0;padding-left:22px}
@page{size:A4;margin:12mm}
@media print{
body{background:#fff;font-size:10pt}
main{max-width:none;padding:0}
h2{break-after:avoid}
figure,.card,tr,.keep{break-inside:avoid}
thead{display:table-header-group}
table{font-size:8pt}
th,td{padding:2px 4px}
.cards{grid-template-columns:repeat(3,1fr)}
.screen{display:none}
.page{break-before:page}
.wide{overflow:visible}
.funnels{grid-template-columns:1fr 1fr}
}
"#;

/// Click a column heading to sort; without scripts the table is in the model's order.
const SORT_SCRIPT: &str = "document.querySelectorAll('table.sortable').forEach(function(t){var hs=t.tHead.rows[0].cells;Array.prototype.forEach.call(hs,function(h,i){h.tabIndex=0;h.title='Sort by this column';function go(){var asc=h.getAttribute('aria-sort')!=='ascending';Array.prototype.forEach.call(hs,function(o){o.removeAttribute('aria-sort')});h.setAttribute('aria-sort',asc?'ascending':'descending');var b=t.tBodies[0],rs=Array.prototype.slice.call(b.rows);rs.sort(function(p,q){var x=p.cells[i].getAttribute('data-v'),y=q.cells[i].getAttribute('data-v'),a=parseFloat(x),c=parseFloat(y),r=(isNaN(a)||isNaN(c))?String(x).localeCompare(String(y)):a-c;return asc?r:-r});rs.forEach(function(r){b.appendChild(r)})}h.addEventListener('click',go);h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go()}})})});";

/// People's names for the disorder ids of the prevalence file.
fn disorder_name(id: &str) -> String {
    match id {
        "depression" => "Depression".into(),
        "gad" => "Generalised anxiety disorder".into(),
        "panic" => "Panic disorder".into(),
        "phobias" => "Phobias".into(),
        "ocd" => "Obsessive-compulsive disorder".into(),
        "mixed" => "Mixed anxiety and depression".into(),
        "ptsd" => "PTSD (past-month screen)".into(),
        other => other.to_string(),
    }
}

fn basis_badge(b: Basis) -> String {
    let class = match b {
        Basis::Published => "published",
        Basis::Cited => "cited",
        Basis::Assumption => "assumption",
    };
    format!(
        "<span class=\"basis basis-{class}\">{}</span>",
        esc(b.label())
    )
}

/// A numeric cell: shown rounded, sorted on the full value.
fn num(v: f64, decimals: usize) -> String {
    format!(
        "<td class=\"n\" data-v=\"{v}\">{}</td>",
        if v.is_finite() {
            grouped(v, decimals)
        } else {
            "-".into()
        }
    )
}

fn opt_cell(v: Option<f64>, show: impl Fn(f64) -> String) -> String {
    match v {
        Some(x) => format!("<td class=\"n\" data-v=\"{x}\">{}</td>", esc(&show(x))),
        None => "<td class=\"n\" data-v=\"\">-</td>".into(),
    }
}

fn gap_cell(v: f64) -> String {
    let class = if v > 0.05 {
        " short"
    } else if v < -0.05 {
        " surplus"
    } else {
        ""
    };
    let shown = grouped(v, 1);
    let shown = if v > 0.0 && shown != "0.0" {
        format!("+{shown}")
    } else {
        shown
    };
    format!("<td class=\"n{class}\" data-v=\"{v}\">{}</td>", esc(&shown))
}

/// A cell of a sweep output, formatted as `capacity model` shows that field: the steps'
/// shares (`low_share_wte`) and the access rate as percentages, the skill mix of consecutive
/// steps (`low_high_ratio`) to 2 decimals, WTE to 1.
fn output_cell(output: &str, v: f64) -> String {
    match output {
        o if o == "access_rate" || o.ends_with("_share_wte") || o.ends_with("_share_contacts") => {
            format!("<td class=\"n\" data-v=\"{v}\">{}</td>", percent(v))
        }
        o if o.ends_with("_ratio") => num(v, 2),
        o if o.ends_with("_wte") => num(v, 1),
        _ => num(v, 0),
    }
}

fn text_cell(s: &str) -> String {
    format!("<td data-v=\"{0}\">{0}</td>", esc(s))
}

fn head<S: AsRef<str>>(cells: &[(S, bool)]) -> String {
    let mut s = String::from("<thead><tr>");
    for (h, numeric) in cells {
        let class = if *numeric { " class=\"n\"" } else { "" };
        let _ = write!(s, "<th scope=\"col\"{class}>{}</th>", esc(h.as_ref()));
    }
    s.push_str("</tr></thead>");
    s
}

/// Renders the whole report.
pub fn render(r: &Report) -> String {
    let result = r.result;
    let s = r.scenario;
    let mut out = String::new();
    let level = result.rows.first().map_or("-", |a| a.level.as_str());
    let ages = format!(
        "{}–{}",
        s.population.age_min,
        s.population.age_max.saturating_sub(1)
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{tool}\">\n<title>Workforce capacity: {name}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        tool = esc(&r.made_by.tool),
        name = esc(&s.name)
    );

    // Heading.
    let _ = writeln!(
        out,
        "<header><p class=\"kicker\">Psychological therapies workforce capacity</p><h1>{}</h1><p class=\"meta\">Scenario <b>{}</b> · {} areas at level {} · people aged {} · population: {} · prevalence: {}</p></header>",
        esc(&s.description),
        esc(&s.name),
        result.rows.len(),
        esc(level),
        esc(&ages),
        esc(&r.provenance.population),
        esc(&r.provenance.prevalence)
    );

    key_figures(&mut out, result);
    funnel_section(&mut out, r);
    workforce_section(&mut out, result);
    staff_section(&mut out, r);
    if r.result.observed_period.is_some() {
        observed_section(&mut out, r.result);
    }
    if let Some(review) = r.assessment {
        assessment_section(&mut out, review);
    }
    if let Some(sweep) = r.sweep {
        sweep_section(&mut out, result, sweep);
    }
    areas_table(&mut out, result, s);
    disorders_table(&mut out, result);
    one_wte(&mut out, r);
    assumptions_section(&mut out, r);
    if r.area_funnels {
        area_funnels(&mut out, r);
    }
    footer(&mut out, r);
    let _ = write!(
        out,
        "</main>\n<script>{SORT_SCRIPT}</script>\n</body>\n</html>\n"
    );
    out
}

fn key_figures(out: &mut String, result: &ModelResult) {
    let t = Row::new(&result.total, result);
    let steps = step_names(result);
    let mut cards: Vec<(String, String, String)> = vec![(
        grouped(t.num("referred"), 0),
        "referred a year (new episodes)".into(),
        format!("of {} prevalent cases", grouped(t.num("prevalent"), 0)),
    )];
    for st in &steps {
        let req = t.num(&st.field("{}_wte"));
        let cur = t.num(&st.field("current_{}_wte"));
        let gap = t.num(&st.field("gap_{}_wte"));
        let sub = if result.has_workforce {
            format!(
                "current {} · gap <span class=\"{}\">{}</span>",
                grouped(cur, 1),
                if gap > 0.0 { "short" } else { "surplus" },
                esc(&grouped(gap, 1))
            )
        } else {
            "no current workforce given".into()
        };
        cards.push((
            grouped(req, 1),
            format!("{} WTE required", st.name_lower()),
            sub,
        ));
    }
    let current_total = steps
        .iter()
        .fold(0.0, |sum, st| sum + t.num(&st.field("current_{}_wte")));
    cards.push((
        grouped(t.num("total_wte"), 1),
        "total WTE required".into(),
        if result.has_workforce {
            format!("current {}", grouped(current_total, 1))
        } else {
            String::new()
        },
    ));
    // The skill mix: each step's WTE to the next step's.
    for pair in steps.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        cards.push((
            t.opt(&format!("{}_{}_ratio", a.id, b.id))
                .map_or("-".into(), |x| format!("{x:.2} : 1")),
            format!("skill mix, {} : {} WTE", a.short_lower(), b.short_lower()),
            t.opt(&a.field("{}_share_contacts"))
                .map_or(String::new(), |x| {
                    format!("{} of contacts at {}", percent(x), esc(&a.name_lower()))
                }),
        ));
    }
    cards.push((
        t.opt("access_rate").map_or("-".into(), percent),
        "access rate".into(),
        "assumed by the scenario (presentation x detection), not measured".into(),
    ));
    out.push_str("<section class=\"cards\">");
    for (v, k, sub) in cards {
        // `sub` is built from escaped parts above.
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div><div class=\"s\">{sub}</div></div>",
            esc(&v),
            esc(&k)
        );
    }
    out.push_str("</section>\n");
}

fn funnel_bars(stages: &[Stage], steps: &[StepName]) -> Vec<FunnelBar> {
    let name = |i: usize| -> String {
        let l = stages[i].label.trim();
        let l = l.split(" (").next().unwrap_or(l);
        l.to_lowercase()
    };
    stages
        .iter()
        .filter(|st| st.in_chart)
        .map(|st| {
            let note = match st.share_of {
                Some(i) if stages[i].value > 0.0 => {
                    format!("{:.0}% of {}", st.value / stages[i].value * 100.0, name(i))
                }
                _ => String::new(),
            };
            // A step's episodes ("Low intensity episodes (step 2)") in the step's colour.
            let step = steps
                .iter()
                .find(|s| st.label.starts_with(&format!("{} episodes", s.name)));
            let colour = if let Some(s) = step {
                s.colour
            } else if st.label.starts_with("Referred") || st.label.starts_with("Treated") {
                svg::TREATED
            } else {
                svg::DEMAND
            };
            FunnelBar {
                label: st.label.trim().to_string(),
                value: st.value,
                note,
                colour,
            }
        })
        .collect()
}

fn funnel_section(out: &mut String, r: &Report) {
    let stages = funnel_stages(&r.result.total, r.result, r.scenario);
    let n = r.result.rows.len();
    let _ = write!(
        out,
        "<section id=\"funnel\"><h2>Demand funnel</h2><p>From people with a common mental disorder to the episodes of care a year the service must provide, for all {n} areas together. Each stage is the one before times a rate of the scenario (table below).</p>"
    );
    let _ = write!(
        out,
        "<figure>{}<figcaption>People a year at each stage of the funnel; the share is of the stage named.</figcaption></figure>",
        svg::funnel(
            &funnel_bars(&stages, &step_names(r.result)),
            "Demand funnel, all areas",
            false
        )
    );
    out.push_str("<table class=\"keep\">");
    out.push_str(&head(&[("Stage", false), ("Total", true), ("Rule", false)]));
    out.push_str("<tbody>");
    for st in &stages {
        let indent = if st.label.starts_with(' ') {
            " class=\"sub\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr><td{indent}>{}</td>{}<td>{}</td></tr>",
            esc(st.label.trim()),
            num(st.value, st.decimals),
            esc(&st.rule)
        );
    }
    out.push_str("</tbody></table></section>\n");
}

/// The steps as series of the chart by area: each panel headed by the step's label.
fn area_series(steps: &[StepName]) -> Vec<Series> {
    steps
        .iter()
        .map(|s| Series {
            name: format!("{} WTE", s.label),
            key: format!("Required, {}", s.name_lower()),
            colour: s.colour,
        })
        .collect()
}

/// The steps as series of the chart of the total: each row labelled by the step's name.
fn total_series(steps: &[StepName]) -> Vec<Series> {
    steps
        .iter()
        .map(|s| Series {
            name: s.name.clone(),
            key: format!("Required, {}", s.short_lower()),
            colour: s.colour,
        })
        .collect()
}

fn workforce_section(out: &mut String, result: &ModelResult) {
    let t = &result.total;
    let steps = step_names(result);
    out.push_str(
        "<section id=\"workforce\" class=\"page\"><h2>Required versus current workforce</h2>",
    );
    if result.has_workforce {
        out.push_str("<p>Whole-time equivalents (WTE) the funnel needs, against the effective current workforce (WTE x share of time at each intensity x capacity factor). Gap = required − current: positive is a shortfall.</p>");
    } else {
        out.push_str("<p>Whole-time equivalents (WTE) the funnel needs. No current workforce file was given, so there is no gap to show: run with <code>--workforce staff.csv</code> to add it.</p>");
    }
    let _ = write!(
        out,
        "<figure>{}</figure>",
        svg::wte_total(
            &t.flow.wte().0,
            result.has_workforce.then_some(t.current.0.as_slice()),
            &total_series(&steps),
            "Required and current WTE, all areas"
        )
    );
    if result.has_workforce {
        role_chart(out, &t.workforce.roles, &steps);
    }
    let mut rows: Vec<&AreaResult> = result.rows.iter().collect();
    rows.sort_by(|a, b| b.flow.total_wte().total_cmp(&a.flow.total_wte()));
    let wte_rows: Vec<WteRow> = rows
        .iter()
        .map(|a| WteRow {
            label: area_label(a),
            tip: format!("{} ({})", a.name, a.code),
            required: a.flow.wte().0,
            current: result.has_workforce.then(|| a.current.0.clone()),
        })
        .collect();
    let _ = write!(
        out,
        "<h3>By area</h3><p class=\"note\">One row per area, largest requirement first; {} each on their own scale.</p>",
        esc(&steps_phrase(&steps))
    );
    for chart in svg::wte_by_area(
        &wte_rows,
        &area_series(&steps),
        "Required WTE by area and intensity",
    ) {
        let _ = write!(out, "<figure>{chart}</figure>");
    }
    out.push_str("</section>\n");
}

/// The role lines in the order people read them: step by step in the scenario's order, then
/// the ratio roles; within each, the skill mix first, then roles only the current workforce
/// has.
fn roles_in_order(lines: &[RoleLine]) -> Vec<&RoleLine> {
    let rank = |k: RoleKind| match k {
        RoleKind::Step(s) => s,
        RoleKind::Ratio => usize::MAX,
    };
    let mut v: Vec<&RoleLine> = lines.iter().collect();
    v.sort_by_key(|l| rank(l.kind));
    v
}

/// "PWP, band 5"; the role alone when the workforce file gives no band.
fn role_label(l: &RoleLine) -> String {
    if l.band.is_empty() {
        l.role.clone()
    } else {
        format!("{}, band {}", l.role, l.band)
    }
}

/// Required versus current WTE by role and band (the total's), when the workforce file has
/// staff in post: each role of the skill mix against the staff of the same role and band, and
/// staff whose role and band the skill mix lacks on rows of their own.
fn role_chart(out: &mut String, lines: &[RoleLine], steps: &[StepName]) {
    let roles: Vec<&RoleLine> = roles_in_order(lines)
        .into_iter()
        .filter(|l| l.wte != 0.0 || l.current_wte != 0.0)
        .collect();
    if !roles.iter().any(|l| l.current_wte > 0.0) {
        return;
    }
    let bars: Vec<RoleBar> = roles
        .iter()
        .map(|l| RoleBar {
            label: role_label(l),
            colour: kind_colour(l.kind),
            required: l.wte,
            current: l.current_wte,
        })
        .collect();
    let mut legend: Vec<(&'static str, String)> = steps
        .iter()
        .map(|s| (s.colour, format!("Required, {}", s.name_lower())))
        .collect();
    legend.push((svg::RATIO, "Required, ratio roles".into()));
    out.push_str("<h3>By role and band</h3><p class=\"note\">All areas together. Current staff count against the role of the skill mix with the same name and band (the <code>role</code> and <code>band</code> columns of the workforce file), else the same name, else (a trainee) the role they train for, at the intensity of their time.</p>");
    for chart in svg::wte_by_role(
        &bars,
        &legend,
        "Required and current WTE by role and band, all areas",
    ) {
        let _ = write!(out, "<figure>{chart}</figure>");
    }
    let unmatched: Vec<String> = roles
        .iter()
        .filter(|l| l.wte == 0.0 && l.current_wte > 0.0)
        .map(|l| {
            format!(
                "{} ({})",
                role_label(l),
                kind_label(l.kind, steps).to_lowercase()
            )
        })
        .collect();
    if !unmatched.is_empty() {
        let _ = write!(
            out,
            "<p class=\"note\">No role of the skill mix has the name and band of {}: nothing is required of them by role, though their time still counts in the gap by intensity above. Name them as the scenario's roles are named, or add them to the skill mix, to see them against a requirement.</p>",
            esc(&unmatched.join("; "))
        );
    }
}

/// "1 year", "3 years".
fn years(n: f64) -> String {
    let n = short_number(n);
    if n == "1" {
        "1 year".into()
    } else {
        format!("{n} years")
    }
}

/// Issue 5 in the report: the headline costs, the roles and bands with their costs (and the
/// gap by role when a workforce file was given), supervision and the trainee intake, all for
/// the total of the areas. The same content as `capacity model`'s table.
fn staff_section(out: &mut String, r: &Report) {
    let result = r.result;
    let s = r.scenario;
    let total = &result.total;
    let w = &total.workforce;
    let row = Row::new(total, result);
    let c = &s.costs;
    let pay = crate::embedded::afc_pay();
    let has_gap = result.has_workforce;
    let steps = step_names(result);
    let staff = steps
        .iter()
        .fold(0.0, |sum, st| sum + row.num(&st.field("cost_{}")))
        + row.num("cost_ratio_roles");

    let overrides = if c.salary.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = c
            .salary
            .iter()
            .map(|(band, v)| format!("band {band} at {}", money(*v)))
            .collect();
        format!(" (the scenario sets {})", list.join(", "))
    };
    let _ = write!(
        out,
        "<section id=\"staff\" class=\"page\"><h2>Staff, costs and training</h2><p>Who the required WTE are, what they cost, the supervision they need and the trainees to start each year, for all {} areas together. Staff are costed at Agenda for Change <b>{}</b> pay at the <b>{}</b> point of each band{}, plus <b>{}</b> on-costs (employer National Insurance and pension): a role costs WTE × salary × (1 + on-cost rate) a year.</p>",
        result.rows.len(),
        esc(pay.year()),
        esc(c.pay_point.as_str()),
        esc(&overrides),
        percent(c.on_cost_rate)
    );

    // Headline costs.
    let per = |contact: Option<f64>, episode: Option<f64>| {
        format!(
            "{} per attended contact · {} per episode",
            contact.map_or("-".into(), money),
            episode.map_or("-".into(), money)
        )
    };
    let mut cards: Vec<(String, String, String)> = vec![(
        row.opt("cost_total").map_or("not known".into(), money),
        "total cost a year".into(),
        format!(
            "staff {} + medication {}",
            money(staff),
            row.opt("cost_medication").map_or("not known".into(), money)
        ),
    )];
    for st in &steps {
        cards.push((
            money(row.num(&st.field("cost_{}"))),
            format!("{} staff a year", st.name_lower()),
            per(
                row.opt(&st.field("cost_per_{}_contact")),
                row.opt(&st.field("cost_per_{}_episode")),
            ),
        ));
    }
    if !s.ratio_roles.is_empty() {
        cards.push((
            money(row.num("cost_ratio_roles")),
            "ratio roles a year".into(),
            format!(
                "{} WTE, not in the total WTE",
                grouped(row.num("ratio_roles_wte"), 1)
            ),
        ));
    }
    cards.push((
        row.opt("cost_medication").map_or("not known".into(), money),
        "medication alone a year".into(),
        match c.medication_course_cost {
            Some(course) if total.flow.medication_only() > 0.0 => format!(
                "{} people x {} a course",
                grouped(total.flow.medication_only(), 0),
                money(course)
            ),
            None if total.flow.medication_only() > 0.0 => format!(
                "{} people; set costs.medication_course_cost to cost them",
                grouped(total.flow.medication_only(), 0)
            ),
            _ => "nobody is treated with medication alone".into(),
        },
    ));
    out.push_str("<div class=\"cards\">");
    for (v, k, sub) in cards {
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div><div class=\"s\">{}</div></div>",
            esc(&v),
            esc(&k),
            esc(&sub)
        );
    }
    out.push_str("</div>");
    out.push_str("<p class=\"note\">Staff costs only: the pay and on-costs of the clinical roles (and of any ratio roles), not management, administration, estates or training, so below whole-service costs such as the £99 a low and £177 a high intensity session published for the East of England at 2011/12 prices (Radhakrishnan et al. 2013). Supervision is not costed on top: the supervisors are the senior roles below.</p>");

    // Roles and bands.
    out.push_str("<h3>Roles and bands</h3><table class=\"keep\">");
    let salary_head = format!("Salary ({} point)", c.pay_point.as_str());
    let mut cols = vec![
        ("Role", false),
        ("Band", false),
        ("Intensity", false),
        ("WTE", true),
        (salary_head.as_str(), true),
        ("Cost a year", true),
    ];
    if has_gap {
        cols.extend([("Current", true), ("Gap", true)]);
    }
    out.push_str(&head(&cols));
    out.push_str("<tbody>");
    let (mut sum_wte, mut sum_cost, mut sum_current) = (0.0, 0.0, 0.0);
    for l in roles_in_order(&w.roles) {
        sum_wte += l.wte;
        sum_cost += l.cost;
        sum_current += l.current_wte;
        let tag = if l.supervises {
            "<span class=\"tag\">supervises</span>"
        } else if l.other_staff {
            "<span class=\"tag\">other staff delivering this step</span>"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr><td>{}{tag}</td><td>{}</td><td>{}</td>{}{}{}",
            esc(&l.role),
            esc(l.band_label()),
            esc(&kind_label(l.kind, &steps)),
            num(l.wte, 1),
            opt_cell(l.salary, money),
            opt_cell(Some(l.cost), money)
        );
        if has_gap {
            out.push_str(&num(l.current_wte, 1));
            // Their time is in the step's gap: not a surplus of a role nobody asked for.
            if l.other_staff {
                out.push_str("<td class=\"n\">-</td>");
            } else {
                out.push_str(&gap_cell(l.gap()));
            }
        }
        out.push_str("</tr>");
    }
    let _ = write!(
        out,
        "</tbody><tfoot><tr><td>{}</td><td></td><td></td>{}<td></td>{}",
        if s.ratio_roles.is_empty() {
            "All roles"
        } else {
            "All roles, ratio roles too"
        },
        num(sum_wte, 1),
        opt_cell(Some(sum_cost), money)
    );
    if has_gap {
        out.push_str(&num(sum_current, 1));
        out.push_str(&gap_cell(sum_wte - sum_current));
    }
    out.push_str("</tr></tfoot></table><p class=\"note\">WTE of a role = its share of its intensity's required WTE (the skill mix of the scenario); a ratio role's WTE follows its ratio. <i>supervises</i>: the role counts towards covering supervision.");
    if has_gap {
        out.push_str(" Current: the effective WTE of the workforce file's staff with the same role and band; gap = required − current, positive a shortfall.");
    }
    out.push_str("</p>");

    // Supervision.
    let sv = &w.supervision;
    let sp = &s.supervision;
    let seniors = |k: RoleKind| -> String {
        let names: Vec<&str> = w
            .roles
            .iter()
            .filter(|l| l.kind == k && l.supervises)
            .map(|l| l.role.as_str())
            .collect();
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }
    };
    out.push_str("<h3>Supervision</h3><table class=\"keep\">");
    let mut cols: Vec<(String, bool)> = vec![(String::new(), false)];
    cols.extend(steps.iter().map(|st| (st.name.clone(), true)));
    cols.push(("Total".into(), true));
    out.push_str(&head(&cols));
    let line = |label: String, each: Vec<String>, all: String| {
        let mut tr = format!("<tr><td>{}</td>", esc(&label));
        for v in each.iter().chain(std::iter::once(&all)) {
            let _ = write!(tr, "<td class=\"n\">{}</td>", esc(v));
        }
        tr.push_str("</tr>");
        tr
    };
    let each = |f: &dyn Fn(usize, &StepName) -> String| -> Vec<String> {
        steps.iter().enumerate().map(|(i, st)| f(i, st)).collect()
    };
    out.push_str("<tbody>");
    out.push_str(&line(
        "Hours each WTE needs a week".into(),
        each(&|_, st| {
            s.step(&st.id)
                .map_or("-".into(), |x| short_number(x.supervision_hours))
        }),
        String::new(),
    ));
    out.push_str(&line(
        "Supervision hours a week".into(),
        each(&|i, _| grouped(sv.hours.0.get(i).copied().unwrap_or(0.0), 0)),
        grouped(sv.hours_total(), 0),
    ));
    out.push_str(&line(
        format!(
            "Supervisor WTE needed, at {} hours a week each",
            short_number(sp.hours_per_supervisor_wte)
        ),
        each(&|i, _| grouped(sv.supervisor_wte.0.get(i).copied().unwrap_or(0.0), 1)),
        grouped(sv.supervisor_wte_total(), 1),
    ));
    let who: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, st)| format!("{}: {}", st.short_lower(), seniors(RoleKind::Step(i))))
        .collect();
    out.push_str(&line(
        format!("WTE of the supervising roles ({})", who.join("; ")),
        each(&|i, _| grouped(sv.senior_wte.0.get(i).copied().unwrap_or(0.0), 1)),
        grouped(sv.senior_wte_total(), 1),
    ));
    out.push_str("</tbody></table>");
    if sv.covered() {
        let _ = write!(
            out,
            "<p><b class=\"surplus\">Covered:</b> the supervising roles ({} WTE) can give the {} supervisor WTE needed.</p>",
            grouped(sv.senior_wte_total(), 1),
            grouped(sv.supervisor_wte_total(), 1)
        );
    } else {
        let _ = write!(
            out,
            "<p><b class=\"short\">Not covered:</b> the supervising roles ({} WTE) are {} WTE short of the {} supervisor WTE needed: more senior staff, or more supervision hours from each.</p>",
            grouped(sv.senior_wte_total(), 1),
            grouped(sv.supervisor_wte_total() - sv.senior_wte_total(), 1),
            grouped(sv.supervisor_wte_total(), 1)
        );
    }

    // Trainees.
    let p = &s.pipeline;
    let _ = write!(
        out,
        "<h3>Trainees to start</h3><p>To reach the required WTE in {} ({} of training; {} of trainees complete), then hold it against turnover:</p><ul class=\"intake\">",
        years(p.years),
        years(p.training_years),
        percent(p.completion_rate)
    );
    for st in &steps {
        let turnover = s.step(&st.id).map_or(0.0, |x| x.turnover);
        let _ = write!(
            out,
            "<li><b>{}:</b> {} a year for {}, then {} a year (turnover {} a year).</li>",
            esc(&st.name),
            grouped(row.num(&st.field("trainee_intake_{}")), 0),
            years(p.years),
            grouped(row.num(&st.field("steady_intake_{}")), 0),
            percent(turnover)
        );
    }
    out.push_str("</ul>");
    if has_gap {
        let current: Vec<String> = steps
            .iter()
            .enumerate()
            .map(|(i, st)| {
                format!(
                    "{} {}",
                    st.short_lower(),
                    grouped(total.current.0.get(i).copied().unwrap_or(0.0), 1)
                )
            })
            .collect();
        let _ = write!(
            out,
            "<p class=\"note\">Counting the current workforce (effective WTE: {}), whose staff leave at the same turnover.</p>",
            esc(&current.join(", "))
        );
    } else {
        out.push_str("<p class=\"note\">No current workforce was given, so these intakes train the whole requirement from nobody in post: run with <code>--workforce staff.csv</code> to count the staff there are.</p>");
    }
    out.push_str("</section>\n");
}

/// Preferred order of the range charts: the total WTE, then each step's WTE, with a title
/// and a colour each.
fn range_outputs(result: &ModelResult) -> Vec<(String, String, &'static str)> {
    let mut v = vec![(
        "total_wte".to_string(),
        "Total WTE".to_string(),
        svg::TREATED,
    )];
    v.extend(
        step_names(result)
            .into_iter()
            .map(|st| (st.field("{}_wte"), format!("{} WTE", st.name), st.colour)),
    );
    v
}

fn sweep_section(out: &mut String, result: &ModelResult, sweep: &SweepSummary) {
    out.push_str("<section id=\"sweep\" class=\"page\"><h2>Uncertainty</h2>");
    let _ = write!(out, "<p>{}</p>", esc(&sweep.description));
    if !sweep.varied.is_empty() {
        out.push_str("<p class=\"note\">Varied: ");
        out.push_str(
            &sweep
                .varied
                .iter()
                .map(|v| format!("<code>{}</code>", esc(v)))
                .collect::<Vec<_>>()
                .join("; "),
        );
        out.push_str("</p>");
    }
    // The total of every output.
    let totals: Vec<_> = sweep
        .stats
        .iter()
        .filter(|s| s.area_code == "total")
        .collect();
    if !totals.is_empty() {
        out.push_str("<table class=\"keep\">");
        out.push_str(&head(&[
            ("Output (all areas)", false),
            ("Mean", true),
            ("5%", true),
            ("10%", true),
            ("Median", true),
            ("90%", true),
            ("95%", true),
        ]));
        out.push_str("<tbody>");
        for s in totals {
            let _ = write!(out, "<tr><td><code>{}</code></td>", esc(&s.output));
            for v in [s.mean, s.p5, s.p10, s.p50, s.p90, s.p95] {
                out.push_str(&output_cell(&s.output, v));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
    for (output, title, colour) in range_outputs(result) {
        let mut rows: Vec<RangeRow> = sweep
            .output(&output)
            .into_iter()
            .filter(|s| s.area_code != "total")
            .map(|s| RangeRow {
                label: short_name(&s.area_name),
                tip: format!("{} ({})", s.area_name, s.area_code),
                p5: s.p5,
                p10: s.p10,
                p50: s.p50,
                p90: s.p90,
                p95: s.p95,
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|a, b| b.p50.total_cmp(&a.p50));
        let _ = write!(out, "<h3>{} by area</h3>", esc(&title));
        for chart in svg::range_chart(&rows, &format!("{title}: range over the runs"), colour) {
            let _ = write!(out, "<figure>{chart}</figure>");
        }
    }
    if !sweep.tornado.is_empty() {
        let output = if sweep.tornado.iter().any(|t| t.output == "total_wte") {
            "total_wte".to_string()
        } else {
            sweep.tornado[0].output.clone()
        };
        let mut bars: Vec<_> = sweep
            .tornado
            .iter()
            .filter(|t| t.output == output)
            .collect();
        bars.sort_by(|a, b| b.swing.abs().total_cmp(&a.swing.abs()));
        let rows: Vec<TornadoRow> = bars
            .iter()
            .map(|t| TornadoRow {
                label: format!(
                    "{} ({} to {})",
                    t.param,
                    crate::scenario::basis::short_number(t.low_value),
                    crate::scenario::basis::short_number(t.high_value)
                ),
                at_low: t.at_low,
                at_high: t.at_high,
            })
            .collect();
        let base = row_value(&Row::new(&result.total, result), &output).unwrap_or_else(|| {
            // No such row field: the midpoint of the first bar.
            rows.first().map_or(0.0, |r| (r.at_low + r.at_high) / 2.0)
        });
        let _ = write!(
            out,
            "<h3>Which assumption moves <code>{o}</code> most</h3><p class=\"note\">One-way sensitivity: each parameter at its low and its high value with every other at the base scenario; widest swing first.</p><figure>{}</figure>",
            svg::tornado(&rows, base, &format!("One-way sensitivity of {output}, all areas")),
            o = esc(&output)
        );
    }
    out.push_str("</section>\n");
}

fn areas_table(out: &mut String, result: &ModelResult, scenario: &crate::scenario::Scenario) {
    let has_gap = result.has_workforce;
    let steps = step_names(result);
    out.push_str("<section id=\"areas\"><h2>Per area</h2><p class=\"note screen\">Click a column heading to sort.</p>");
    out.push_str("<div class=\"wide\"><table class=\"sortable\">");
    // With the workforce's columns, the episodes (in the workbook) make way.
    let mut cols: Vec<(String, bool)> = vec![
        ("Area".into(), false),
        ("Code".into(), false),
        ("Population".into(), true),
    ];
    let show_need = crate::output::funnel::local_need(result);
    if show_need {
        cols.push(("Need".into(), true));
    }
    if !has_gap {
        cols.push(("Prevalent".into(), true));
    }
    cols.push(("Referred".into(), true));
    if !has_gap {
        cols.extend(
            steps
                .iter()
                .map(|st| (format!("{} episodes", st.short), true)),
        );
    }
    cols.extend(steps.iter().map(|st| (format!("{} WTE", st.short), true)));
    cols.push(("Total WTE".into(), true));
    cols.push(("Cost".into(), true));
    cols.extend(steps.windows(2).map(|p| {
        (
            format!("{}\u{a0}: {}", p[0].short, p[1].short_lower()),
            true,
        )
    }));
    cols.push(("Access".into(), true));
    if has_gap {
        cols.extend(
            steps
                .iter()
                .map(|st| (format!("Current {}", st.short_lower()), true)),
        );
        cols.extend(
            steps
                .iter()
                .map(|st| (format!("Gap {}", st.short_lower()), true)),
        );
    }
    out.push_str(&head(&cols));
    let row = |a: &AreaResult, out: &mut String| {
        let w = Row::new(a, result);
        out.push_str("<tr>");
        out.push_str(&text_cell(&area_label(a)));
        out.push_str(&text_cell(if a.code == "total" { "" } else { &a.code }));
        out.push_str(&num(w.num("population_in_scope"), 0));
        if show_need {
            out.push_str(&num(a.prevalence_factor(), 2));
        }
        if !has_gap {
            out.push_str(&num(w.num("prevalent"), 0));
        }
        out.push_str(&num(w.num("referred"), 0));
        if !has_gap {
            for st in &steps {
                out.push_str(&num(w.num(&st.field("{}_episodes")), 0));
            }
        }
        for st in &steps {
            out.push_str(&num(w.num(&st.field("{}_wte")), 1));
        }
        out.push_str(&num(w.num("total_wte"), 1));
        out.push_str(&opt_cell(w.opt("cost_total"), money));
        for p in steps.windows(2) {
            out.push_str(&opt_cell(
                w.opt(&format!("{}_{}_ratio", p[0].id, p[1].id)),
                |x| format!("{x:.2}"),
            ));
        }
        out.push_str(&opt_cell(w.opt("access_rate"), percent));
        if has_gap {
            for st in &steps {
                out.push_str(&num(w.num(&st.field("current_{}_wte")), 1));
            }
            for st in &steps {
                out.push_str(&gap_cell(w.num(&st.field("gap_{}_wte"))));
            }
        }
        out.push_str("</tr>\n");
    };
    out.push_str("<tbody>\n");
    for a in &result.rows {
        row(a, out);
    }
    out.push_str("</tbody><tfoot>");
    row(&result.total, out);
    out.push_str("</tfoot></table></div>");
    let _ = writeln!(
        out,
        "<p class=\"note\">Population: people in the scenario's age window. Referred: new episodes a year. Cost: a year, of the staff (pay and on-costs) and the medication. Ratios are worked out from the sums, never averaged. {}{}</p></section>",
        if show_need {
            "Need: the areas' prevalence factor (local need), weighted by prevalent cases; --no-local-need sets it to 1. "
        } else {
            ""
        },
        esc(&crate::output::funnel::access_note(scenario))
    );
}

/// Need beside the activity each area's service published (`--observed`): modelled against
/// published referrals per area, sorted by how much of the modelled need was referred, then
/// the published measures in a table.
fn observed_section(out: &mut String, result: &ModelResult) {
    let period = result.observed_period.as_deref().unwrap_or("");
    let _ = write!(
        out,
        "<section id=\"observed\" class=\"page\"><h2>Need beside published activity, {}</h2><p>Referrals the model expects from the population's need against the referrals each area's NHS Talking Therapies services received in {} (NHS England, Psychological Therapies: Annual report on the use of NHS Talking Therapies services), matched by ODS code. A finished course of treatment is two or more attended treatment contacts; access is finished courses over the modelled prevalent cases; waits are from referral to first treatment among finished courses; recovery is among finished courses at caseness. A dash is a figure not published for the area (or suppressed as a small number).</p>",
        esc(period),
        esc(period)
    );
    let rows: Vec<(String, Row)> = result
        .rows
        .iter()
        .map(|a| (short_name(&a.name), Row::new(a, result)))
        .collect();
    let mut bars: Vec<(f64, svg::CompareBar)> = rows
        .iter()
        .map(|(name, row)| {
            (
                row.opt("observed_to_modelled_referrals")
                    .unwrap_or(f64::NEG_INFINITY),
                svg::CompareBar {
                    label: name.clone(),
                    modelled: row.num("referred"),
                    observed: row.opt("observed_referrals"),
                },
            )
        })
        .collect();
    // Most of the need referred first; areas with no published figure last, by name.
    bars.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.label.cmp(&b.1.label)));
    let bars: Vec<svg::CompareBar> = bars.into_iter().map(|(_, b)| b).collect();
    for chart in svg::compare_bars(
        &bars,
        ("Modelled referrals", "Published referrals"),
        &format!("Referrals a year: modelled need and published, {period}"),
    ) {
        let _ = write!(out, "<figure>{chart}</figure>");
    }
    out.push_str("<div class=\"wide\"><table class=\"sortable\">");
    let cols: Vec<(String, bool)> = [
        ("Area", false),
        ("Modelled referrals", true),
        ("Published referrals", true),
        ("Published / modelled", true),
        ("Finished courses", true),
        ("Access", true),
        ("Low intensity only", true),
        ("High intensity only", true),
        ("Both", true),
        ("Under 6 weeks", true),
        ("Under 18 weeks", true),
        ("Recovery", true),
    ]
    .into_iter()
    .map(|(c, n)| (c.to_string(), n))
    .collect();
    out.push_str(&head(&cols));
    out.push_str("<tbody>");
    let share = |x: Option<f64>| match x {
        Some(v) => format!("<td class=\"n\" data-v=\"{v}\">{}</td>", percent(v)),
        None => "<td class=\"n\" data-v=\"-1\">-</td>".into(),
    };
    let count = |x: Option<f64>| match x {
        Some(v) => num(v, 0),
        None => "<td class=\"n\" data-v=\"-1\">-</td>".into(),
    };
    let total = ("All areas".to_string(), Row::new(&result.total, result));
    for (name, row) in rows.iter().chain(std::iter::once(&total)) {
        let _ = write!(
            out,
            "<tr>{}{}{}{}{}{}{}{}{}{}{}{}</tr>",
            text_cell(name),
            num(row.num("referred"), 0),
            count(row.opt("observed_referrals")),
            share(row.opt("observed_to_modelled_referrals")),
            count(row.opt("observed_finished_courses")),
            share(row.opt("observed_access_rate")),
            share(row.opt("observed_low_only_share")),
            share(row.opt("observed_high_only_share")),
            share(row.opt("observed_both_share")),
            share(row.opt("observed_within_6_weeks")),
            share(row.opt("observed_within_18_weeks")),
            share(row.opt("observed_recovery_rate")),
        );
    }
    out.push_str("</tbody></table></div></section>\n");
}

/// The self-assessment beside the figures: a bar per section (with the first assessment's
/// score as a mark when there are several), the trend by date, the action list with what the
/// model says of each item, and the items scored as met that the model says are not.
fn assessment_section(out: &mut String, review: &crate::assess::Review) {
    let f = &review.framework;
    let latest = review.latest();
    let a = &latest.assessment;
    let first = (review.scored.len() > 1).then(|| &review.scored[0]);
    let when = |s: &crate::assess::Scored| {
        if s.assessment.date.is_empty() {
            s.assessment.label.clone()
        } else {
            s.assessment.date.clone()
        }
    };
    let _ = write!(
        out,
        "<section id=\"assessment\" class=\"page\"><h2>Self-assessment: {}</h2><p>{}{} against {}. Each item is scored 0 ({}), 1 ({}) or 2 ({}); a section's score is its points over twice the items assessed. {} of {} items assessed{}.</p>",
        esc(&f.title),
        if a.organisation.is_empty() {
            String::new()
        } else {
            format!("{}, ", esc(&a.organisation))
        },
        esc(&format!("assessed {}", when(latest))),
        esc(&f.source),
        esc(f.scores.first().map_or("", String::as_str)),
        esc(f.scores.get(1).map_or("", String::as_str)),
        esc(f.scores.get(2).map_or("", String::as_str)),
        latest.total.assessed,
        latest.total.items,
        if latest.total.assessed < latest.total.items {
            " (the others are left out of the maximum, not counted as 0)"
        } else {
            ""
        }
    );
    let bars: Vec<svg::ScoreBar> = latest
        .sections
        .iter()
        .chain(std::iter::once(&latest.total))
        .enumerate()
        .map(|(n, s)| svg::ScoreBar {
            label: s.title.clone(),
            share: s.share(),
            earlier: first.and_then(|e| e.sections.get(n).unwrap_or(&e.total).share()),
        })
        .collect();
    let key = first.map(|e| format!("Score at {}", when(e)));
    let chart = svg::score_bars(
        &bars,
        key.as_deref(),
        &format!("Score by section, {}", when(latest)),
    );
    let _ = write!(out, "<figure>{chart}</figure>");
    if review.scored.len() > 1 {
        out.push_str("<h3>Trend</h3><table>");
        let mut cols: Vec<(String, bool)> = vec![("Section".into(), false)];
        cols.extend(review.scored.iter().map(|s| (when(s), true)));
        out.push_str(&head(&cols));
        out.push_str("<tbody>");
        for n in 0..=latest.sections.len() {
            let title = latest
                .sections
                .get(n)
                .map_or("All sections", |s| s.title.as_str());
            let _ = write!(out, "<tr>{}", text_cell(title));
            for s in &review.scored {
                let sc = s.sections.get(n).unwrap_or(&s.total);
                let _ = write!(
                    out,
                    "<td class=\"n\" data-v=\"{}\">{} of {} ({})</td>",
                    sc.share().unwrap_or(-1.0),
                    sc.points,
                    sc.max,
                    sc.share().map_or("-".into(), percent)
                );
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("<h3>Actions</h3>");
    if review.actions.is_empty() {
        out.push_str("<p>No actions: every assessed item is scored 2.</p>");
    } else {
        let _ = write!(
            out,
            "<p class=\"note\">The items scored 0 or 1{}.</p><table>",
            if f.items().any(|(_, i)| !i.relies_upon.is_empty()) {
                ", each after the deliverables it relies upon"
            } else {
                ""
            }
        );
        let mut cols: Vec<(String, bool)> = ["Item", "Score", "What", "Source", "Owner", "Due"]
            .into_iter()
            .map(|c| (c.to_string(), c == "Score"))
            .collect();
        if review.with_model {
            cols.push(("The model says".into(), false));
        }
        out.push_str(&head(&cols));
        out.push_str("<tbody>");
        for act in &review.actions {
            let dash = |s: &str| {
                if s.is_empty() {
                    "-".to_string()
                } else {
                    s.to_string()
                }
            };
            let _ = write!(
                out,
                "<tr>{}{}{}{}{}{}",
                text_cell(&act.item),
                num(f64::from(act.score), 0),
                text_cell(&act.title),
                text_cell(&act.source),
                text_cell(&dash(&act.owner)),
                text_cell(&dash(act.due.as_deref().unwrap_or(""))),
            );
            if review.with_model {
                out.push_str(&match &act.model_evidence {
                    Some(e) => format!(
                        "<td><span class=\"{}\">{}</span>: {}</td>",
                        if e.met { "surplus" } else { "short" },
                        if e.met { "met" } else { "not met" },
                        esc(&e.says)
                    ),
                    None => "<td>-</td>".into(),
                });
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
    if !review.disagreements.is_empty() {
        out.push_str("<h3>Scored as met, not met in the model</h3><ul>");
        for (id, e) in &review.disagreements {
            let title = f.item(id).map_or("", |i| i.title.as_str());
            let _ = write!(
                out,
                "<li><b>{}</b> ({}) is scored 2, but the model says <span class=\"short\">not met</span>: {}.</li>",
                esc(id),
                esc(title),
                esc(&e.says)
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>\n");
}

fn disorders_table(out: &mut String, result: &ModelResult) {
    let steps = step_names(result);
    out.push_str("<section id=\"disorders\"><h2>By disorder</h2>");
    out.push_str("<table class=\"sortable\">");
    let mut cols: Vec<(String, bool)> = vec![
        ("Disorder (all areas)".into(), false),
        ("Prevalent".into(), true),
        ("Referred".into(), true),
        ("Treated".into(), true),
    ];
    cols.extend(
        steps
            .iter()
            .map(|st| (format!("{} episodes", st.short), true)),
    );
    cols.extend(steps.iter().map(|st| (format!("{} WTE", st.short), true)));
    out.push_str(&head(&cols));
    out.push_str("<tbody>");
    for (id, f) in result.disorders.iter().zip(&result.total.by_disorder) {
        out.push_str("<tr>");
        out.push_str(&text_cell(&disorder_name(id)));
        out.push_str(&num(f.prevalent(), 0));
        out.push_str(&num(f.referred(), 0));
        out.push_str(&num(f.treated(), 0));
        for s in 0..steps.len() {
            out.push_str(&num(f.episodes(s), 0));
        }
        for s in 0..steps.len() {
            out.push_str(&num(f.step_wte(s), 1));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table><p class=\"note\">With comorbidity \"primary\", a person with several disorders is counted once, under each disorder's share of the any-disorder rate. PTSD prevalence is a past-month screen, not a past-week diagnosis.</p></section>\n");
}

fn one_wte(out: &mut String, r: &Report) {
    let steps = step_names(r.result);
    out.push_str(
        "<section id=\"one-wte\"><h2>What one WTE delivers a year</h2><table class=\"keep\">",
    );
    let mut cols: Vec<(String, bool)> = vec![(String::new(), false)];
    cols.extend(steps.iter().map(|st| (st.name.clone(), true)));
    out.push_str(&head(&cols));
    out.push_str("<tbody>");
    for (label, values) in one_wte_lines(r.result, r.scenario) {
        let _ = write!(out, "<tr><td>{}</td>", esc(&label));
        for v in &values {
            let _ = write!(out, "<td class=\"n\">{}</td>", esc(v));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    // The published figures are of the 2007 steps.
    let ids: Vec<&str> = steps.iter().map(|st| st.id.as_str()).collect();
    if ids.contains(&"low") && ids.contains(&"high") {
        out.push_str("<p class=\"note\">Published episodes per WTE a year: Richards 132–352 (low intensity), job description 175–250, Clark 60 (high intensity).</p>");
    }
    out.push_str("</section>\n");
}

fn assumptions_section(out: &mut String, r: &Report) {
    let list = assumptions(r.scenario);
    let count = |b: Basis| list.iter().filter(|a| a.basis == b).count();
    let _ = write!(
        out,
        "<section id=\"assumptions\" class=\"page\"><h2>Assumptions</h2><p>Every value of scenario <b>{}</b> ({}), marked by where it comes from: <span class=\"basis basis-published\">published default</span> is a figure of the documents the model follows (the IAPT Programme workforce guide for Pathfinder sites, Department of Health 2007, and its Appendix 1, the Workforce Capacity Tool FAQ; the North Essex IAPT Services operational policy, HPFT 2020), with where it is in them; <span class=\"basis basis-cited\">cited source</span> is another publication; <span class=\"basis basis-assumption\">assumption</span> is a choice no source makes, to be questioned. Here: {} published defaults, {} cited, {} assumptions.</p>",
        esc(&r.scenario.name),
        esc(&r.scenario.sources.join(" extends ")),
        count(Basis::Published),
        count(Basis::Cited),
        count(Basis::Assumption)
    );
    out.push_str("<table class=\"sortable\">");
    out.push_str(&head(&[
        ("Key", false),
        ("Value", true),
        ("Basis", false),
        ("Source or reason", false),
        ("Set in", false),
    ]));
    out.push_str("<tbody>");
    for a in &list {
        let _ = writeln!(
            out,
            "<tr><td data-v=\"{k}\"><code>{k}</code></td><td class=\"n\" data-v=\"{v}\">{v}</td><td data-v=\"{b}\">{badge}</td>{}{}</tr>",
            text_cell(&a.source),
            text_cell(&a.set_in),
            k = esc(&a.key),
            v = esc(&a.value),
            b = esc(a.basis.label()),
            badge = basis_badge(a.basis)
        );
    }
    out.push_str("</tbody></table>");
    out.push_str("<h3>Data</h3><table>");
    out.push_str(&head(&[
        ("Input", false),
        ("File", false),
        ("Basis", false),
        ("Source", false),
    ]));
    out.push_str("<tbody>");
    let p = r.provenance;
    let pay_source = crate::embedded::AFC_PAY_SOURCE.to_string();
    let inputs = [
        ("population", Some(&p.population)),
        ("prevalence", Some(&p.prevalence)),
        ("areas", p.areas.as_ref()),
        ("workforce", p.workforce.as_ref()),
        ("pay", Some(&pay_source)),
    ];
    for (what, source) in inputs {
        let Some(source) = source else { continue };
        let (badge, citation) = match data_citation(what, source) {
            Some(c) => (basis_badge(Basis::Cited), c.to_string()),
            None => (
                "<span class=\"basis\">input file</span>".to_string(),
                "supplied by the user".to_string(),
            ),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{badge}</td><td>{}</td></tr>",
            esc(what),
            esc(source),
            esc(&citation)
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn area_funnels(out: &mut String, r: &Report) {
    out.push_str("<section id=\"area-funnels\" class=\"page\"><h2>Demand funnel by area</h2><div class=\"funnels\">");
    let steps = step_names(r.result);
    for a in &r.result.rows {
        let stages = funnel_stages(a, r.result, r.scenario);
        let _ = write!(
            out,
            "<figure>{}</figure>",
            svg::funnel(&funnel_bars(&stages, &steps), &area_label(a), true)
        );
    }
    out.push_str("</div></section>\n");
}

fn footer(out: &mut String, r: &Report) {
    let m = r.made_by;
    let _ = write!(
        out,
        "<footer><p>Made by <b>{}</b>. To reproduce this report, run:</p><p><code>{}</code></p><table>",
        esc(&m.tool),
        esc(&m.command)
    );
    out.push_str(&head(&[
        ("Input", false),
        ("Source", false),
        ("SHA-256", false),
    ]));
    out.push_str("<tbody>");
    for h in &m.inputs {
        let _ = write!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"hash\">{}</td></tr>",
            esc(&h.what),
            esc(&h.source),
            esc(&h.sha256)
        );
    }
    out.push_str("</tbody></table><p>Figures are rounded for display; <code>capacity model --format xlsx</code> or <code>--format csv</code> gives full precision.</p></footer>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{self, ModelInputs, RunOptions};
    use crate::output::Provenance;
    use crate::report::{MadeBy, SweepStat, TornadoEntry};
    use crate::scenario::Scenario;

    /// The default scenario for England's ICBs, and a sweep summary made up around it: each
    /// output's median is the model's value, its 5-95% range 20% either side.
    fn england_with_sweep() -> (ModelResult, Scenario, SweepSummary) {
        let inputs = ModelInputs {
            population: crate::embedded::population().unwrap(),
            prevalence: crate::embedded::prevalence().unwrap(),
            areas: Some(crate::embedded::areas().unwrap()),
            workforce: None,
            pay: crate::embedded::afc_pay().clone(),
        };
        let scenario = Scenario::defaults();
        let options = RunOptions {
            level: model::Level::Named("icb".into()),
            areas: vec![],
        };
        let (result, _) = model::run(&inputs, &scenario, &options).unwrap();
        let mut stats = Vec::new();
        for a in result.rows.iter().chain(std::iter::once(&result.total)) {
            let row = Row::new(a, &result);
            for output in ["total_wte", "low_wte", "high_wte", "referred"] {
                let v = row_value(&row, output).unwrap();
                stats.push(SweepStat {
                    area_code: a.code.clone(),
                    area_name: a.name.clone(),
                    level: a.level.clone(),
                    output: output.into(),
                    mean: v,
                    sd: 0.1 * v,
                    min: 0.7 * v,
                    p5: 0.8 * v,
                    p10: 0.85 * v,
                    p50: v,
                    p90: 1.15 * v,
                    p95: 1.2 * v,
                    max: 1.3 * v,
                    base: Some(v),
                });
            }
        }
        let base = result.total.flow.total_wte();
        let tornado = [
            ("demand.presentation_rate", 0.3, 0.7, 0.6, 1.4),
            ("demand.detection_rate", 0.4, 0.6, 0.8, 1.2),
            ("steps.high.from.low", 0.1, 0.3, 1.0, 1.3),
            ("capacity.dna_rate", 0.0, 0.2, 1.0, 1.25),
            ("steps.low.caseload", 0.6, 0.8, 1.1, 0.93),
        ]
        .map(|(param, lo, hi, f_lo, f_hi)| TornadoEntry {
            param: param.into(),
            low_value: lo,
            high_value: hi,
            output: "total_wte".into(),
            at_low: base * f_lo,
            at_high: base * f_hi,
            swing: base * (f_hi - f_lo),
        })
        .to_vec();
        let sweep = SweepSummary {
            description: "Monte Carlo, 10,000 runs, seed 42 (made-up figures for a test)".into(),
            varied: vec!["demand.presentation_rate: uniform 0.3 to 0.7".into()],
            stats,
            tornado,
        };
        (result, scenario, sweep)
    }

    pub(crate) fn render_sample(area_funnels: bool) -> String {
        let (result, scenario, sweep) = england_with_sweep();
        let provenance = Provenance {
            tool: "capacity test".into(),
            population: "embedded data/population.csv".into(),
            prevalence: "embedded data/prevalence.csv".into(),
            areas: Some("embedded data/areas.csv".into()),
            workforce: None,
        };
        let made_by = MadeBy {
            tool: "capacity test".into(),
            command: "capacity report --sweep s.toml -o r.html".into(),
            inputs: vec![],
        };
        render(&Report {
            result: &result,
            scenario: &scenario,
            provenance: &provenance,
            made_by: &made_by,
            sweep: Some(&sweep),
            area_funnels,
            assessment: None,
        })
    }

    #[test]
    fn a_sweep_adds_range_charts_per_area_and_a_tornado() {
        let html = render_sample(false);
        assert!(html.contains("<section id=\"sweep\""));
        for title in [
            "Total WTE: range over the runs",
            "Low intensity WTE: range over the runs",
            "High intensity WTE: range over the runs",
            "One-way sensitivity of total_wte, all areas",
        ] {
            assert_eq!(
                html.matches(&format!("aria-label=\"{title}\"")).count(),
                1,
                "{title}"
            );
        }
        // 3 model charts, 3 range charts, 1 tornado.
        assert_eq!(html.matches("<svg class=\"chart\"").count(), 7);
        // The widest swing first: presentation rate (0.8 x base) above detection (0.4).
        let p = html
            .find(">demand.presentation_rate (0.3 to 0.7)<")
            .unwrap();
        let d = html.find(">demand.detection_rate (0.4 to 0.6)<").unwrap();
        assert!(p < d);
        // Every ICB has a row in each range chart (its tooltip names the code).
        for a in crate::embedded::areas()
            .unwrap()
            .rows
            .iter()
            .filter(|a| a.level == "icb")
        {
            assert_eq!(
                html.matches(&format!("({}): median", a.code)).count(),
                3,
                "{}",
                a.code
            );
        }
        for external in ["http://", "https://", "src="] {
            assert!(!html.contains(external));
        }
    }

    /// A third step, after the 2007 two, in every table and chart that has a column or a
    /// series per step.
    #[test]
    fn every_step_a_scenario_declares_is_reported() {
        let (scenario, _) = crate::scenario::load_str(
            "three.toml",
            r#"
name = "three"
description = "The 2007 steps and a step 4"
extends = "obc"

[steps.low]
entry = 0.8

[steps.specialist]
label = "Specialist therapy (step 4)"
contacts_per_episode = 20
contacts_per_day = 5
caseload = 0.6
entry = 0.05
from = { high = 0.15 }
supervision_hours = 2.0
turnover = 0.08

[[steps.specialist.roles]]
role = "Clinical psychologist"
band = "8a"
share = 1.0
supervises = true
"#,
        )
        .unwrap();
        assert_eq!(
            scenario.step_ids(),
            ["low", "high", "specialist"],
            "the scenario has three steps"
        );
        let inputs = ModelInputs {
            population: crate::embedded::population().unwrap(),
            prevalence: crate::embedded::prevalence().unwrap(),
            areas: Some(crate::embedded::areas().unwrap()),
            workforce: Some(
                crate::inputs::parse_workforce(
                    "staff.csv",
                    "area_code,role,band,wte,low_share,high_share,specialist_share\n\
                     E54000008,PWP,5,150,1,0,0\n\
                     E54000008,HIT,7,40,0,1,0\n\
                     E54000008,Clinical psychologist,8a,12,0,0,1\n",
                )
                .unwrap(),
            ),
            pay: crate::embedded::afc_pay().clone(),
        };
        let options = RunOptions {
            level: model::Level::Named("icb".into()),
            areas: vec![],
        };
        let (result, _) = model::run(&inputs, &scenario, &options).unwrap();
        let t = &result.total;
        assert!(t.flow.step_wte(2) > 0.0);
        let mut stats = Vec::new();
        for a in result.rows.iter().chain(std::iter::once(&result.total)) {
            let row = Row::new(a, &result);
            for output in ["total_wte", "specialist_wte", "high_specialist_ratio"] {
                let v = row_value(&row, output).unwrap();
                stats.push(SweepStat {
                    area_code: a.code.clone(),
                    area_name: a.name.clone(),
                    level: a.level.clone(),
                    output: output.into(),
                    mean: v,
                    sd: 0.0,
                    min: v,
                    p5: v,
                    p10: v,
                    p50: v,
                    p90: v,
                    p95: v,
                    max: v,
                    base: Some(v),
                });
            }
        }
        let sweep = SweepSummary {
            description: "made up".into(),
            varied: vec![],
            stats,
            tornado: vec![],
        };
        let provenance = Provenance {
            tool: "capacity test".into(),
            population: "embedded data/population.csv".into(),
            prevalence: "embedded data/prevalence.csv".into(),
            areas: Some("embedded data/areas.csv".into()),
            workforce: Some("staff.csv".into()),
        };
        let made_by = MadeBy {
            tool: "capacity test".into(),
            command: "capacity report".into(),
            inputs: vec![],
        };
        let html = render(&Report {
            result: &result,
            scenario: &scenario,
            provenance: &provenance,
            made_by: &made_by,
            sweep: Some(&sweep),
            area_funnels: false,
            assessment: None,
        });
        let row = Row::new(t, &result);
        let wte = grouped(row.num("specialist_wte"), 1);
        for needle in [
            // Key figures: the step's requirement and its skill mix with the step before.
            format!("<div class=\"v\">{wte}</div><div class=\"k\">specialist therapy WTE required</div>"),
            "skill mix, high : specialist therapy WTE".to_string(),
            // The funnel, in the step's colour.
            "Specialist therapy episodes (step 4)".to_string(),
            // Charts: the total, by area, by role, and the sweep's range.
            "Required, specialist therapy".to_string(),
            "Specialist therapy (step 4) WTE".to_string(),
            ">Clinical psychologist, band 8a<".to_string(),
            "aria-label=\"Specialist therapy WTE: range over the runs\"".to_string(),
            // Tables: per area, by disorder, one WTE, supervision and trainees.
            ">Specialist therapy WTE</th>".to_string(),
            ">Specialist therapy episodes</th>".to_string(),
            ">High\u{a0}: specialist therapy</th>".to_string(),
            ">Current specialist therapy</th>".to_string(),
            ">Gap specialist therapy</th>".to_string(),
            ">Specialist therapy</th>".to_string(),
            "specialist therapy: Clinical psychologist".to_string(),
            "<li><b>Specialist therapy:</b>".to_string(),
            "specialist therapy staff a year".to_string(),
        ] {
            assert!(html.contains(&needle), "{needle}");
        }
        assert!(html.contains(STEP_COLOURS[2]));
        // The sweep's ratio of consecutive steps to 2 decimals.
        let ratio = row.opt("high_specialist_ratio").unwrap();
        assert!(html.contains(&format!(
            "<tr><td><code>high_specialist_ratio</code></td><td class=\"n\" data-v=\"{ratio}\">{}</td>",
            grouped(ratio, 2)
        )));
        // Four model charts (funnel, total, by role, by area) and two range charts.
        assert_eq!(html.matches("<svg class=\"chart\"").count(), 6);
        // Every step's heading fits its panel of the chart by area.
        assert!(!html.contains("Specialist therapy (step 4) W…"));
    }
}
