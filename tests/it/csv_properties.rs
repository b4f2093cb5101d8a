//! Every numeric cell of every CSV reader refuses what is not a finite number: NaN, infinity
//! in any spelling, a value beyond f64 (1e400), `*` (a suppressed count in published tables)
//! and, where the column is required, an empty cell. Each case is a valid table with one cell
//! replaced, so the error is that cell's and no other.

use capacity::inputs::{
    parse_areas, parse_pay, parse_population, parse_prevalence, parse_workforce,
};
use capacity::observed::{parse_observed, OrgKey};
use proptest::prelude::*;

type Parse = fn(&str) -> Result<(), String>;

/// One reader: its header, a valid row from a few numbers, and its numeric columns (with
/// whether an empty cell is an error rather than the column's default).
struct Reader {
    name: &'static str,
    header: &'static str,
    row: fn(usize, f64) -> String,
    numeric: &'static [(&'static str, bool)],
    parse: Parse,
}

fn ok<T>(r: Result<T, capacity::InputError>) -> Result<(), String> {
    r.map(|_| ()).map_err(|e| e.to_string())
}

const READERS: &[Reader] = &[
    Reader {
        name: "population",
        header: "area_code,age_from,age_to,sex,population",
        row: |i, x| format!("A{i},16,64,all,{}", (x * 1e5).round()),
        numeric: &[("age_from", true), ("age_to", true), ("population", true)],
        parse: |t| ok(parse_population("population.csv", t)),
    },
    Reader {
        name: "prevalence",
        header: "disorder,age_from,age_to,sex,rate",
        row: |i, x| format!("depression,{},{},all,{x}", 16 + 10 * i, 25 + 10 * i),
        numeric: &[("age_from", true), ("age_to", true), ("rate", true)],
        parse: |t| ok(parse_prevalence("prevalence.csv", t)),
    },
    Reader {
        name: "areas",
        header: "area_code,area_name,level,parent_code,prevalence_factor",
        row: |i, x| match i {
            0 => format!("E0,England,country,,{}", 0.5 + x),
            _ => format!("R{i},Region {i},region,E0,{}", 0.5 + x),
        },
        // An empty factor is the documented 1.0 (the shipped areas.csv leaves most empty).
        numeric: &[("prevalence_factor", false)],
        parse: |t| ok(parse_areas("areas.csv", t)),
    },
    Reader {
        name: "workforce",
        header: "area_code,role,band,wte,low_share,high_share,capacity_factor",
        row: |i, x| format!("A{i},PWP,5,{},{x},{},0.9", 1.0 + 10.0 * x, 1.0 - x),
        // An empty share is 0 and an empty factor 1 (a role in one step leaves the other
        // blank).
        numeric: &[
            ("wte", true),
            ("low_share", false),
            ("high_share", false),
            ("capacity_factor", false),
        ],
        parse: |t| ok(parse_workforce("workforce.csv", t)),
    },
    Reader {
        name: "pay",
        header: "band,entry,intermediate,top",
        row: |i, x| {
            let entry = 20000.0 + 1000.0 * i as f64 + (x * 500.0).round();
            format!("{},{entry},{},{}", i + 2, entry + 100.0, entry + 200.0)
        },
        // An empty intermediate point is a band without one.
        numeric: &[("entry", true), ("intermediate", false), ("top", true)],
        parse: |t| ok(parse_pay("afc_pay.csv", t)),
    },
];

/// What a numeric cell must refuse.
fn not_a_number() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "NaN",
        "nan",
        "-NaN",
        "inf",
        "-inf",
        "+inf",
        "Inf",
        "infinity",
        "-Infinity",
        "1e400",
        "-1e400",
        "1E400",
        "*",
        " * ",
    ])
    .prop_map(str::to_string)
}

/// The table with the cell at (`row`, `column`) replaced by `cell`.
fn with_cell(reader: &Reader, values: &[f64], row: usize, column: &str, cell: &str) -> String {
    let at = reader.header.split(',').position(|c| c == column).unwrap();
    let mut text = format!("{}\n", reader.header);
    for (i, &x) in values.iter().enumerate() {
        let line = (reader.row)(i, x);
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        if i == row {
            // Quoted, so that a cell with spaces is still one cell.
            cells[at] = format!("\"{cell}\"");
        }
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    text
}

fn refuses(
    reader: &Reader,
    values: &[f64],
    row: usize,
    column: &str,
    cell: &str,
) -> Result<(), TestCaseError> {
    let valid = with_cell(reader, values, usize::MAX, column, "");
    prop_assert!(
        (reader.parse)(&valid).is_ok(),
        "{}: the valid table is refused:\n{valid}",
        reader.name
    );
    let text = with_cell(reader, values, row, column, cell);
    match (reader.parse)(&text) {
        Ok(()) => prop_assert!(
            false,
            "{}: {column} = '{cell}' was read as a number:\n{text}",
            reader.name
        ),
        Err(e) => {
            let line = format!(
                "{}.csv:{}:",
                if reader.name == "pay" {
                    "afc_pay"
                } else {
                    reader.name
                },
                row + 2
            );
            prop_assert!(
                e.contains(&line) && e.contains(column),
                "{}: the error does not name {line} {column}: {e}",
                reader.name
            );
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn non_finite_numbers_and_stars_are_errors_in_every_numeric_cell(
        reader in 0..READERS.len(),
        values in prop::collection::vec(0.0f64..0.5, 1..5),
        row in any::<prop::sample::Index>(),
        column in any::<prop::sample::Index>(),
        cell in not_a_number(),
    ) {
        let reader = &READERS[reader];
        let (column, _) = reader.numeric[column.index(reader.numeric.len())];
        refuses(reader, &values, row.index(values.len()), column, &cell)?;
    }

    #[test]
    fn an_empty_required_numeric_cell_is_an_error(
        reader in 0..READERS.len(),
        values in prop::collection::vec(0.0f64..0.5, 1..5),
        row in any::<prop::sample::Index>(),
        column in any::<prop::sample::Index>(),
    ) {
        let reader = &READERS[reader];
        let required: Vec<&str> = reader.numeric.iter().filter(|(_, r)| *r).map(|(c, _)| *c).collect();
        if required.is_empty() {
            return Ok(());
        }
        let column = required[column.index(required.len())];
        refuses(reader, &values, row.index(values.len()), column, "")?;
    }
}

/// Observed activity (NHS England's long format) publishes small counts as `*`: there a
/// star is a missing value, never a number and never an error; every other non-number is an
/// error naming the file and line.
fn observed_table(values: &[f64], row: usize, cell: &str) -> String {
    let mut text = String::from("reporting_period,org_type,org_code,org_name,variable_type,variable_a,variable_b,measure_name,measure_statistic,value\n");
    for (i, &x) in values.iter().enumerate() {
        let value = if i == row {
            format!("\"{cell}\"")
        } else {
            format!("{}", (x * 1e4).round())
        };
        text.push_str(&format!(
            "2023-24,ICB,Q{i},ICB {i},Total,NULL,NULL,referrals_received,count,{value}\n"
        ));
    }
    text
}

proptest! {
    #[test]
    fn observed_stars_are_missing_and_other_non_numbers_are_errors(
        values in prop::collection::vec(0.0f64..0.5, 1..5),
        row in any::<prop::sample::Index>(),
        cell in not_a_number(),
    ) {
        let row = row.index(values.len());
        let text = observed_table(&values, row, &cell);
        let org = |i: usize| OrgKey {
            period: "2023-24".into(),
            org_type: "ICB".into(),
            org_code: format!("Q{i}"),
        };
        match parse_observed("observed.csv", &text) {
            Ok(o) => {
                prop_assert_eq!(cell.trim(), "*", "'{}' was read:\n{}", cell, text);
                prop_assert_eq!(o.suppressed, 1);
                prop_assert_eq!(o.measures(&org(row)).referrals, None);
                for (i, &x) in values.iter().enumerate().filter(|(i, _)| *i != row) {
                    prop_assert_eq!(o.measures(&org(i)).referrals, Some((x * 1e4).round()));
                }
            }
            Err(e) => {
                let e = e.to_string();
                prop_assert_ne!(cell.trim(), "*", "a star is refused: {}", e);
                let line = format!("observed.csv:{}:", row + 2);
                prop_assert!(e.contains(&line) && e.contains("value"), "{}", e);
            }
        }
    }
}
