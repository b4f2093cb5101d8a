//! Issue 6: `capacity report` (HTML), `capacity model --format xlsx` and `--format markdown`.

use std::io::Cursor;
use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx};
use tempfile::TempDir;

use capacity::output::money;
use capacity::report::{esc, grouped, sha256_hex};

/// The real binary, run in a scratch folder.
fn capacity(dir: &Path) -> Command {
    let mut cmd = crate::common::capacity();
    cmd.current_dir(dir);
    cmd
}

/// (code, full name, short name) of every ICB of the embedded areas.
fn icbs() -> Vec<(String, String, String)> {
    let areas = capacity::embedded::areas().unwrap();
    let v: Vec<_> = areas
        .rows
        .iter()
        .filter(|a| a.level == "icb")
        .map(|a| {
            (
                a.code.clone(),
                a.name.clone(),
                capacity::output::short_name(&a.name),
            )
        })
        .collect();
    assert_eq!(v.len(), 42);
    v
}

/// The HTML of `<section id="ID" ...>` up to its end.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let len = html[start..].find("</section>").unwrap();
    &html[start..start + len]
}

/// The table row (`<tr>` to `</tr>`) that starts with the cell `first`.
fn row_of<'a>(html: &'a str, first: &str) -> &'a str {
    let start = html
        .find(&format!("<tr>{first}"))
        .unwrap_or_else(|| panic!("no row {first}"));
    let len = html[start..].find("</tr>").unwrap();
    &html[start..start + len]
}

/// `capacity model --format json` in a scratch folder.
fn model_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = capacity(dir)
        .args(["model", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn field(row: &serde_json::Value, key: &str) -> f64 {
    row[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is {}", row[key]))
}

fn report(dir: &Path, args: &[&str]) -> String {
    capacity(dir)
        .arg("report")
        .args(args)
        .args(["--output", "report.html"])
        .assert()
        .success();
    std::fs::read_to_string(dir.join("report.html")).unwrap()
}

#[test]
fn the_default_report_is_self_contained_with_charts_and_every_icb() {
    let dir = TempDir::new().unwrap();
    let html = report(dir.path(), &[]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    // The funnel, the total WTE chart and the per-area WTE chart (42 rows fit one piece).
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 3);
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert!(html.contains("aria-label=\"Demand funnel, all areas\""));
    assert!(html.contains("aria-label=\"Required WTE by area and intensity\""));
    // Nothing is fetched: no URL, no src attribute, no imported style or font.
    for external in [
        "http://", "https://", "src=", "@import", "url(", "<link", "<img",
    ] {
        assert!(!html.contains(external), "the report references {external}");
    }
    // One script, inline: click-to-sort.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<script>document.querySelectorAll('table.sortable')"));
    // Every area: its code and name in the table, its full name in the chart's tooltip.
    for (code, name, short) in icbs() {
        assert!(
            html.contains(&format!(">{code}<")),
            "{code} not in the table"
        );
        assert!(
            html.contains(&format!(">{}<", esc(&short))),
            "{short} not in the table"
        );
        assert!(html.contains(&esc(&name)), "{name} not in the charts");
    }
    // Prints to A4.
    assert!(html.contains("@page{size:A4"));
    assert!(html.contains("@media print"));
}

#[test]
fn the_report_shows_staff_costs_supervision_and_trainees() {
    let dir = TempDir::new().unwrap();
    let html = report(dir.path(), &[]);
    let json = model_json(dir.path(), &[]);
    let t = &json["total"];
    let staff = section(&html, "staff");
    assert!(staff.contains("<h2>Staff, costs and training</h2>"));
    // The headline total is the JSON total's cost_total, written as the report writes money.
    let cost_total = money(field(t, "cost_total"));
    assert!(
        staff.contains(&format!(
            "<div class=\"v\">{cost_total}</div><div class=\"k\">total cost a year</div>"
        )),
        "{cost_total}"
    );
    for (cost, per_contact, per_episode) in [
        ("cost_low", "cost_per_low_contact", "cost_per_low_episode"),
        (
            "cost_high",
            "cost_per_high_contact",
            "cost_per_high_episode",
        ),
    ] {
        assert!(staff.contains(&format!("<div class=\"v\">{}</div>", money(field(t, cost)))));
        assert!(staff.contains(&format!(
            "{} per attended contact · {} per episode",
            money(field(t, per_contact)),
            money(field(t, per_episode))
        )));
    }
    // Medication: nobody is on medication alone in the default scenario.
    assert_eq!(field(t, "cost_medication"), 0.0);
    assert!(
        staff.contains("<div class=\"v\">£0</div><div class=\"k\">medication alone a year</div>")
    );
    // The pay year, pay point and on-cost rate are named.
    let costs = &json["scenario"]["costs"];
    assert!(staff.contains(&format!(
        "Agenda for Change <b>{}</b> pay at the <b>{}</b> point of each band, plus <b>{:.1}%</b> on-costs",
        capacity::embedded::afc_pay().year(),
        costs["pay_point"].as_str().unwrap(),
        field(costs, "on_cost_rate") * 100.0
    )));

    // Every role of the total, with its band, WTE and cost; no current or gap columns.
    let roles = t["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 4);
    for r in roles {
        let role = r["role"].as_str().unwrap();
        let tr = row_of(staff, &format!("<td>{}", esc(role)));
        assert!(tr.contains(&format!("<td>{}</td>", r["band"].as_str().unwrap())));
        assert!(tr.contains(&format!(">{}</td>", grouped(field(r, "wte"), 1))));
        assert!(tr.contains(&format!(">{}</td>", money(field(r, "cost")))));
    }
    assert!(!staff.contains(">Gap</th>"));
    let all_roles = row_of(staff, "<td>All roles</td>");
    assert!(all_roles.contains(&format!(">{cost_total}</td>")));

    // Supervision: the JSON's hours (high intensity WTE need 1 hour a week each by default,
    // so the low intensity hours are the rest), supervisor WTE and verdict.
    assert!(staff.contains(&format!(
        "<td>Supervision hours a week</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
        grouped(field(t, "supervision_hours_per_week") - field(t, "high_wte"), 0),
        grouped(field(t, "high_wte"), 0),
        grouped(field(t, "supervision_hours_per_week"), 0)
    )));
    assert!(staff.contains(&format!(
        "{} supervisor WTE needed",
        grouped(field(t, "supervisor_wte"), 1)
    )));
    // The default skill mix covers the default supervision hours.
    assert_eq!(t["supervision_covered"], true);
    assert!(staff.contains("<b class=\"surplus\">Covered:</b>"));

    // Trainees: "X a year for Y years, then Z a year".
    let years = field(&json["scenario"]["pipeline"], "years");
    for (name, intake, steady) in [
        ("Low intensity", "trainee_intake_low", "steady_intake_low"),
        (
            "High intensity",
            "trainee_intake_high",
            "steady_intake_high",
        ),
    ] {
        assert!(staff.contains(&format!(
            "<li><b>{name}:</b> {} a year for {years} years, then {} a year",
            grouped(field(t, intake), 0),
            grouped(field(t, steady), 0)
        )));
    }
    assert!(staff.contains("No current workforce was given"));

    // The per-area table has each area's cost, and the total's in its footer.
    let areas = section(&html, "areas");
    assert!(areas.contains("<th scope=\"col\" class=\"n\">Cost</th>"));
    let (body, foot) = areas.split_once("<tfoot>").unwrap();
    assert!(foot.contains(&format!(">{cost_total}</td>")));
    for a in json["areas"].as_array().unwrap() {
        let code = a["area_code"].as_str().unwrap();
        let tr = &body[body.find(&format!(">{code}</td>")).unwrap()..];
        let tr = &tr[..tr.find("</tr>").unwrap()];
        assert!(
            tr.contains(&format!(">{}</td>", money(field(a, "cost_total")))),
            "{code}"
        );
    }
    // Without a workforce file there is no chart by role.
    assert!(!html.contains("By role and band"));
}

/// Without a course cost the medication and total costs are not known: the report says so,
/// never £0.
#[test]
fn an_unknown_medication_cost_is_not_shown_as_nothing() {
    let dir = TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("med.toml"),
        "extends = \"obc\"\n[demand]\nmedication_only = 0.1\n",
    )
    .unwrap();
    let html = report(dir.path(), &["med.toml", "--level", "region"]);
    let staff = section(&html, "staff");
    assert!(
        staff.contains("<div class=\"v\">not known</div><div class=\"k\">total cost a year</div>"),
        "{staff}"
    );
    assert!(
        staff.contains(
            "<div class=\"v\">not known</div><div class=\"k\">medication alone a year</div>"
        ),
        "{staff}"
    );
    assert!(
        staff.contains("set costs.medication_course_cost"),
        "{staff}"
    );
}

#[test]
fn medication_and_ratio_roles_are_costed_and_shown() {
    let dir = TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("med.toml"),
        "extends = \"obc\"\n\
         [demand]\n\
         medication_only = 0.1\n\
         [costs]\n\
         medication_course_cost = 30.0\n\
         [[ratio_roles]]\n\
         role = \"Employment adviser\"\n\
         band = \"5\"\n\
         per = \"total_wte\"\n\
         ratio = 0.125\n",
    )
    .unwrap();
    let args = ["med.toml", "--level", "region"];
    let html = report(dir.path(), &args);
    let json = model_json(dir.path(), &args);
    let t = &json["total"];
    // medication = people on medication alone x 30 a course; the total adds it to the staff.
    let medication = field(t, "medication_only") * 30.0;
    assert!((field(t, "cost_medication") - medication).abs() < 1e-6 * medication);
    let staff_cost = field(t, "cost_low") + field(t, "cost_high") + field(t, "cost_ratio_roles");
    assert!((field(t, "cost_total") - (staff_cost + medication)).abs() < 1e-6 * staff_cost);
    let staff = section(&html, "staff");
    assert!(staff.contains(&format!(
        "<div class=\"v\">{}</div><div class=\"k\">medication alone a year</div>",
        money(field(t, "cost_medication"))
    )));
    assert!(staff.contains(&format!(
        "<div class=\"v\">{}</div><div class=\"k\">total cost a year</div>",
        money(field(t, "cost_total"))
    )));
    assert!(staff.contains(&format!(
        "<div class=\"v\">{}</div><div class=\"k\">ratio roles a year</div>",
        money(field(t, "cost_ratio_roles"))
    )));
    assert!(row_of(staff, "<td>Employment adviser").contains("<td>Ratio role</td>"));
    assert!(staff.contains("<td>All roles, ratio roles too</td>"));
    let areas = section(&html, "areas");
    assert!(areas.contains("<th scope=\"col\" class=\"n\">Cost</th>"));
}

#[test]
fn the_report_names_its_inputs_assumptions_and_the_command() {
    let dir = TempDir::new().unwrap();
    let html = report(dir.path(), &["triage80", "--level", "region"]);
    assert!(html.contains(&format!("capacity {}", env!("CARGO_PKG_VERSION"))));
    assert!(html.contains("capacity report triage80 --level region --output report.html"));
    let population = sha256_hex(capacity::embedded::POPULATION_CSV.as_bytes());
    assert!(html.contains(&population));
    let preset = capacity::scenario::preset_text("triage80").unwrap();
    assert!(html.contains(&sha256_hex(preset.as_bytes())));
    // The assumptions table marks each value.
    assert!(html.contains("<code>steps.low.entry</code></td><td class=\"n\" data-v=\"0.8\">0.8</td><td data-v=\"published default\">"));
    assert!(html.contains("<code>capacity.working_days</code></td><td class=\"n\" data-v=\"220\">220</td><td data-v=\"assumption\">"));
    assert!(
        html.contains("basis basis-cited"),
        "the embedded data is cited"
    );
    // The pay table the costs use, with its source.
    let pay = capacity::embedded::afc_pay();
    assert!(html.contains(&format!(
        "<tr><td>pay</td><td><code>{}</code></td><td><span class=\"basis basis-cited\">cited source</span></td><td>{}</td></tr>",
        capacity::embedded::AFC_PAY_SOURCE,
        esc(&pay.rows[0].source)
    )));
    // The 7 regions, one table row each.
    assert_eq!(html.matches("<td data-v=\"E40").count(), 7);
    assert!(html.contains(">North East and Yorkshire<"));
}

#[test]
fn with_a_workforce_the_gap_is_charted_and_tabled() {
    let dir = TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("staff.csv"),
        "area_code,role,band,wte,li_share,hi_share\n\
         E54000008,PWP,5,150,1,0\n\
         E54000008,HIT,7,40,0,1\n\
         ,Counsellor,6,1000,0,1\n",
    )
    .unwrap();
    let html = report(dir.path(), &["--workforce", "staff.csv"]);
    assert!(html.contains(">Gap low</th>") && html.contains(">Gap high</th>"));
    assert!(html.contains("Current (effective WTE)"));
    assert!(html.contains("gap = required − current"));
    assert!(html.contains("% met"));
    assert!(
        html.contains("<td class=\"n short\""),
        "a shortfall is marked"
    );
    assert!(html.contains("<code>staff.csv</code>"));

    // Required versus current by role and band: a fourth chart, every role with staff or a
    // requirement on its own row, and the counsellors, whom no role of the skill mix
    // matches, named.
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 4);
    let workforce = section(&html, "workforce");
    let chart = "aria-label=\"Required and current WTE by role and band, all areas\"";
    assert!(workforce.contains(chart));
    let json = model_json(dir.path(), &["--workforce", "staff.csv"]);
    for r in json["total"]["roles"].as_array().unwrap() {
        let label = format!(
            "{}, band {}",
            r["role"].as_str().unwrap(),
            r["band"].as_str().unwrap()
        );
        assert!(workforce.contains(&format!(">{label}<")), "{label}");
        assert!(workforce.contains(&format!(
            ">required {} · current {} · gap ",
            grouped(field(r, "wte"), 1),
            grouped(field(r, "current_wte"), 1)
        )));
    }
    assert!(workforce.contains(
        "No role of the skill mix has the name and band of Counsellor, band 6 (high intensity)"
    ));
    // The roles table gets current and gap columns.
    let staff = section(&html, "staff");
    assert!(staff.contains(">Current</th>") && staff.contains(">Gap</th>"));
    let pwp = row_of(staff, "<td>PWP</td>");
    assert!(pwp.contains(">150.0</td>"), "{pwp}");
    assert!(staff.contains("Counting the current workforce"));
}

#[test]
fn text_from_inputs_is_escaped() {
    let dir = TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("evil.toml"),
        "name = \"x<script>alert(1)</script>\"\n\
         description = \"<b>Bold</b> & 'quoted'\"\n\
         extends = \"obc\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("staff.csv"),
        "area_code,role,band,wte,li_share,hi_share\n\
         E54000008,<i>Odd</i> & co,5,3,1,0\n",
    )
    .unwrap();
    let html = report(
        dir.path(),
        &[
            "evil.toml",
            "--area",
            "E54000008",
            "--workforce",
            "staff.csv",
        ],
    );
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<i>Odd"));
    // In the roles table and in the chart by role.
    assert_eq!(html.matches(">&lt;i&gt;Odd&lt;/i&gt; &amp; co<").count(), 1);
    assert!(html.contains(">&lt;i&gt;Odd&lt;/i&gt; &amp; co, band 5<"));
    assert!(html.contains("x&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; &#39;quoted&#39;"));
    assert_eq!(html.matches("<script").count(), 1);
}

#[test]
fn area_funnels_draw_one_funnel_per_area() {
    let dir = TempDir::new().unwrap();
    let html = report(dir.path(), &["--level", "region", "--area-funnels"]);
    assert!(html.contains("id=\"area-funnels\""));
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 3 + 7);
}

#[test]
fn a_failed_report_leaves_no_file() {
    let dir = TempDir::new().unwrap();
    capacity(dir.path())
        .args(["report", "no-such-preset", "--output", "report.html"])
        .assert()
        .code(2);
    capacity(dir.path())
        .args(["report", "--output", "missing/report.html"])
        .assert()
        .code(2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

fn csv_rows(dir: &Path, args: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let out = capacity(dir)
        .args(["model", "--format", "csv"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn the_model_workbook_round_trips_names_and_numbers() {
    let dir = TempDir::new().unwrap();
    capacity(dir.path())
        .args(["model", "--format", "xlsx", "--output", "icbs.xlsx"])
        .assert()
        .success();
    let bytes = std::fs::read(dir.path().join("icbs.xlsx")).unwrap();
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec![
            "Areas",
            "Roles",
            "Funnel",
            "One WTE",
            "Assumptions",
            "Inputs"
        ]
    );

    // Areas: the CSV's header and every number, as numbers (the CSV's role columns are the
    // Roles sheet).
    let (mut header, mut rows) = csv_rows(dir.path(), &[]);
    let first_role = header.iter().position(|h| h.starts_with("role:")).unwrap();
    header.truncate(first_role);
    for row in &mut rows {
        row.truncate(first_role);
    }
    let areas = book.worksheet_range("Areas").unwrap();
    assert_eq!(areas.height(), rows.len() + 1);
    for (c, h) in header.iter().enumerate() {
        assert_eq!(areas.get((0, c)), Some(&Data::String(h.clone())));
    }
    let mut numbers = 0;
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let cell = areas.get((r + 1, c)).unwrap();
            match text.parse::<f64>() {
                Ok(v) => {
                    let Data::Float(x) = cell else {
                        panic!("{} of row {r} is {cell:?}, not a number", header[c]);
                    };
                    assert!(
                        (x - v).abs() <= 1e-12 * v.abs().max(1.0),
                        "{}: {x} != {v}",
                        header[c]
                    );
                    numbers += 1;
                }
                Err(_) if text.is_empty() => assert_eq!(cell, &Data::Empty),
                Err(_) => assert_eq!(cell, &Data::String(text.clone())),
            }
        }
    }
    assert!(numbers > 42 * 20);
    let last = areas.height() - 1;
    assert_eq!(areas.get((last, 0)), Some(&Data::String("total".into())));

    // Roles: each area's roles and bands, numbers as numbers, equal to the JSON's list.
    let roles = book.worksheet_range("Roles").unwrap();
    let head: Vec<String> = roles
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        head,
        [
            "area_code",
            "area_name",
            "role",
            "band",
            "intensity",
            "wte",
            "cost",
            "current_wte",
            "gap_wte",
            "salary"
        ]
    );
    assert_eq!(roles.height(), 1 + 43 * 4);
    let json = capacity(dir.path())
        .args(["model", "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let pwp = &v["total"]["roles"][0];
    let total_pwp = roles
        .rows()
        .find(|r| r[0] == Data::String("total".into()) && r[2] == Data::String("PWP".into()))
        .unwrap();
    // serde_json's parser (without its float_roundtrip feature) may miss the last bit: the
    // workbook holds the number, the JSON's parse is within an ulp or two of it.
    for (k, field) in [(5, "wte"), (6, "cost")] {
        let Data::Float(x) = total_pwp[k] else {
            panic!("{field} of the total PWP row is {:?}", total_pwp[k]);
        };
        let v = pwp[field].as_f64().unwrap();
        assert!((x - v).abs() <= 1e-15 * v.abs(), "{field}: {x} != {v}");
    }
    assert_eq!(total_pwp[9], Data::Float(32_324.0));

    let funnel = book.worksheet_range("Funnel").unwrap();
    assert_eq!(
        funnel.get((2, 0)),
        Some(&Data::String("Prevalent cases".into()))
    );
    assert!(matches!(funnel.get((2, 1)), Some(Data::Float(x)) if *x > 7e6));

    let one = book.worksheet_range("One WTE").unwrap();
    let k = one
        .rows()
        .find(|r| r[0] == Data::String("annual_contacts_per_wte".into()))
        .unwrap();
    assert_eq!(k[1], Data::Float(16.0 * 0.7 * 220.0));

    let assumptions = book.worksheet_range("Assumptions").unwrap();
    let days = assumptions
        .rows()
        .find(|r| r[0] == Data::String("capacity.working_days".into()))
        .unwrap();
    assert_eq!(days[1], Data::Float(220.0));
    assert_eq!(days[2], Data::String("assumption".into()));

    let inputs = book.worksheet_range("Inputs").unwrap();
    let population = sha256_hex(capacity::embedded::POPULATION_CSV.as_bytes());
    assert!(inputs
        .rows()
        .any(|r| r[2] == Data::String(population.clone())));
}

#[test]
fn the_workbook_has_a_disorders_sheet_and_goes_to_a_piped_stdout() {
    let dir = TempDir::new().unwrap();
    let out = capacity(dir.path())
        .args([
            "model",
            "--format",
            "xlsx",
            "--by-disorder",
            "--level",
            "region",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"PK"), "a zip file on stdout");
    let mut book = Xlsx::new(Cursor::new(out.stdout)).unwrap();
    assert!(book.sheet_names().contains(&"Disorders".to_string()));
    let d = book.worksheet_range("Disorders").unwrap();
    assert_eq!(d.get((0, 2)), Some(&Data::String("disorder".into())));
    // 7 regions and the total, 7 disorders each.
    assert_eq!(d.height(), 1 + 8 * 7);
}

#[test]
fn markdown_is_pipe_tables_with_every_icb() {
    let dir = TempDir::new().unwrap();
    let out = capacity(dir.path())
        .args(["model", "--format", "markdown", "--by-disorder"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Scenario obc: "));
    for heading in [
        "## Demand funnel (total)",
        "## One WTE a year",
        "## Areas",
        "## By disorder (total)",
        "## Staff, costs and training (total)",
        "## Assumptions",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
    assert!(md.contains("| Area | Code | Population |"));
    assert!(md.contains("| --- | --- | ---: |"));
    for (code, _, short) in icbs() {
        assert!(md.contains(&format!("| {short} | {code} |")), "{short}");
    }
    assert!(md.contains("| `capacity.working_days` | 220 | assumption |"));
    assert!(
        md.contains("| PWP | 5 | low | 4,475.4 | £32,324 | £194.4m |"),
        "{md}"
    );
    assert!(md.contains("\nSupervision: 10,523 hours a week"));
    assert!(md.contains("| Total | £411.7m | 701.6 | yes | 2,449 then 1,287 | 1,066 then 263 |"));
    // Every table line has the same number of cells as its header.
    for block in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let lines: Vec<&str> = block.lines().collect();
        let cells = |l: &str| l.matches(" | ").count();
        assert!(lines.iter().all(|l| cells(l) == cells(lines[0])), "{block}");
    }
}

/// The `<svg ...>...</svg>` whose aria-label is `label`.
fn svg_labelled<'a>(html: &'a str, label: &str) -> &'a str {
    let at = html
        .find(&format!("aria-label=\"{label}\""))
        .unwrap_or_else(|| panic!("no chart {label}"));
    let start = html[..at].rfind("<svg").unwrap();
    let len = html[start..].find("</svg>").unwrap();
    &html[start..start + len]
}

/// `capacity report --sweep`: the Uncertainty section with a range chart (5-95% and 10-90%
/// bands and the median) of total, low and high WTE per area for a Monte Carlo design, and a
/// tornado chart for a one-way design; every ICB in every range chart; nothing external; the
/// footer names the sweep file with its hash and the command.
#[test]
fn a_report_with_a_sweep_draws_ranges_and_a_tornado() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let mc = "base = \"obc\"\ndesign = \"monte-carlo\"\nruns = 300\nseed = 5\n\n[[vary]]\nparam = \"demand.presentation_rate\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.6\n\n[[vary]]\nparam = \"stepped_care.step_up\"\ndist = \"triangular\"\nlow = 0.05\nmode = 0.1\nhigh = 0.3\n";
    std::fs::write(d.join("mc.toml"), mc).unwrap();
    let html = report(d, &["--sweep", "mc.toml"]);
    let sweep = section(&html, "sweep");
    assert!(
        sweep.contains("design monte-carlo") && sweep.contains("300 runs"),
        "{sweep}"
    );
    for title in ["Total WTE", "Low intensity WTE", "High intensity WTE"] {
        let chart = svg_labelled(&html, &format!("{title}: range over the runs"));
        for (_, name, _) in icbs() {
            assert!(
                chart.contains(&esc(&name)),
                "{name} not in the {title} chart"
            );
        }
        // Both bands and the median.
        assert!(
            chart.contains("5–95% of runs") && chart.contains("10–90%"),
            "{title}"
        );
        assert!(chart.contains("median"), "{title}");
    }
    assert!(!html.contains("One-way sensitivity"));
    for external in [
        "http://", "https://", "src=", "@import", "url(", "<link", "<img",
    ] {
        assert!(!html.contains(external), "the report references {external}");
    }
    let footer = &html[html.find("<footer>").unwrap()..];
    let hash = sha256_hex(mc.as_bytes());
    assert!(
        footer.contains("<td>sweep</td><td><code>mc.toml</code>") && footer.contains(&hash),
        "{footer}"
    );
    assert!(footer.contains("--sweep mc.toml"), "{footer}");
    // The report's scenario is the sweep's base: the same figures as without the sweep.
    let plain = report(d, &[]);
    assert_eq!(section(&html, "areas"), section(&plain, "areas"));

    // One-way: the tornado of total WTE, largest swing first.
    let one_way = "base = \"obc\"\ndesign = \"one-way\"\n\n[[vary]]\nparam = \"demand.presentation_rate\"\nlow = 0.4\nhigh = 0.6\n\n[[vary]]\nparam = \"stepped_care.step_up\"\nlow = 0.05\nhigh = 0.3\n";
    std::fs::write(d.join("ow.toml"), one_way).unwrap();
    let html = report(d, &["obc", "--sweep", "ow.toml"]);
    let tornado = svg_labelled(&html, "One-way sensitivity of total_wte, all areas");
    let (up, rate) = (
        tornado.find("stepped_care.step_up").unwrap(),
        tornado.find("demand.presentation_rate").unwrap(),
    );
    assert!(up < rate, "step_up swings more than presentation_rate");
    svg_labelled(&html, "Total WTE: range over the runs");
}

/// A report scenario other than the sweep's base is refused: the ranges would be about
/// another scenario than the one shown.
#[test]
fn a_report_sweep_of_another_scenario_is_refused() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("ow.toml"),
        "base = \"obc\"\ndesign = \"one-way\"\n[[vary]]\nparam = \"demand.presentation_rate\"\nlow = 0.4\nhigh = 0.6\n",
    )
    .unwrap();
    let out = capacity(d)
        .args([
            "report", "triage80", "--sweep", "ow.toml", "--output", "r.html",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ow.toml") && err.contains("triage80"), "{err}");
    assert!(!d.join("r.html").exists());
}
