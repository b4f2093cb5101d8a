//! Observed activity: NHS England's NHS Talking Therapies annual report measures, in the long
//! format NHS England publishes them (one value a row: reporting_period, org_type, org_code,
//! org_name, variable_type, variable_a, variable_b, measure_name, measure_statistic, value),
//! for any year and any of the org types England, Commissioning Region, ICB, SubICB and
//! Provider.
//!
//! `*` is a small number NHS England suppressed: read as missing (and counted), never as 0 and
//! never an error. `NULL` is a measure not published for that breakdown: skipped.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::problems::{InputError, Problems};

/// The columns the file must have (start_date and end_date may be there too).
pub const COLUMNS: [&str; 10] = [
    "reporting_period",
    "org_type",
    "org_code",
    "org_name",
    "variable_type",
    "variable_a",
    "variable_b",
    "measure_name",
    "measure_statistic",
    "value",
];

/// One organisation in one reporting period.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrgKey {
    pub period: String,
    pub org_type: String,
    /// The ODS code (e.g. QOP for NHS Greater Manchester ICB); "All" for England.
    pub org_code: String,
}

/// A measure's breakdown and name: (variable_type, variable_a, variable_b, measure_name,
/// measure_statistic).
type MeasureKey = (String, String, String, String, String);

#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub source: String,
    /// Each organisation's name as written.
    pub names: BTreeMap<OrgKey, String>,
    /// Each organisation's measures: Some(value), or None where suppressed (`*`).
    values: HashMap<OrgKey, HashMap<MeasureKey, Option<f64>>>,
    /// How many values were suppressed (`*`).
    pub suppressed: usize,
}

/// The headline measures of one organisation in one year.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ObservedMeasures {
    pub referrals: Option<f64>,
    /// Finished a course of treatment (two or more attended treatment contacts).
    pub finished_courses: Option<f64>,
    /// Finished courses by step: low intensity only, high intensity only, both.
    pub low_only: Option<f64>,
    pub high_only: Option<f64>,
    pub both: Option<f64>,
    /// Finished courses that waited under 6 and under 18 weeks from referral to first
    /// treatment.
    pub within_6_weeks: Option<f64>,
    pub within_18_weeks: Option<f64>,
    /// Recovery among finished courses at caseness, as a fraction (published in per cent).
    pub recovery_rate: Option<f64>,
}

impl ObservedMeasures {
    /// Share of finished courses that waited under 6 weeks.
    pub fn share_within_6_weeks(&self) -> Option<f64> {
        ratio(self.within_6_weeks?, self.finished_courses?)
    }

    pub fn share_within_18_weeks(&self) -> Option<f64> {
        ratio(self.within_18_weeks?, self.finished_courses?)
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0).then(|| a / b)
}

impl Observed {
    /// The reporting periods in the file, oldest first ("2022-23", "2023-24").
    pub fn periods(&self) -> Vec<String> {
        self.names
            .keys()
            .map(|k| k.period.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// The latest reporting period, which is the default.
    pub fn latest(&self) -> Option<String> {
        self.periods().pop()
    }

    /// The organisations of a period.
    pub fn orgs(&self, period: &str) -> Vec<&OrgKey> {
        self.names.keys().filter(|k| k.period == period).collect()
    }

    fn value(&self, org: &OrgKey, key: [&str; 5]) -> Option<f64> {
        let k: MeasureKey = (
            key[0].into(),
            key[1].into(),
            key[2].into(),
            key[3].into(),
            key[4].into(),
        );
        self.values.get(org)?.get(&k).copied().flatten()
    }

    /// The headline measures of one organisation.
    pub fn measures(&self, org: &OrgKey) -> ObservedMeasures {
        let total = |m: &str, stat: &str| self.value(org, ["Total", "NULL", "NULL", m, stat]);
        let step = |a: &str| {
            self.value(
                org,
                [
                    "Stepped Care Pathway",
                    a,
                    "NULL",
                    "finished_course_treatment",
                    "count",
                ],
            )
        };
        let wait = |b: &str| {
            self.value(
                org,
                [
                    "Waiting Time",
                    "Accessing services",
                    b,
                    "finished_course_treatment",
                    "count",
                ],
            )
        };
        ObservedMeasures {
            referrals: total("referrals_received", "count"),
            finished_courses: total("finished_course_treatment", "count"),
            low_only: step("Received only low intensity therapy"),
            high_only: step("Received only high intensity therapy"),
            both: step("Received both high and low intensity therapy"),
            within_6_weeks: wait("<6 weeks"),
            within_18_weeks: wait("<18 weeks"),
            recovery_rate: total("recovery", "percentage").map(|p| p / 100.0),
        }
    }
}

/// Puts each reported area's published activity of `period` beside it (matched by the
/// areas file's ODS code; the country by England's "All"), and the total's: England's when
/// the run is all of England, else the sum of the areas' counts. Warnings: organisations of
/// the file that are in no area of the run, and areas with no figures.
pub fn attach(
    result: &mut crate::model::ModelResult,
    observed: &Observed,
    period: &str,
    areas: Option<&crate::inputs::Areas>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let ods = |code: &str| -> Option<String> {
        areas?
            .rows
            .iter()
            .find(|r| r.code == code)
            .and_then(|r| r.ods_code.clone())
    };
    let orgs = observed.orgs(period);
    let find = |code: &str, level: &str| -> Option<&OrgKey> {
        if level == "country" {
            return orgs.iter().copied().find(|k| k.org_type == "England");
        }
        let ods = ods(code)?;
        orgs.iter()
            .copied()
            .find(|k| k.org_code.eq_ignore_ascii_case(&ods))
    };
    let mut used: BTreeSet<&OrgKey> = BTreeSet::new();
    let mut missing: Vec<String> = Vec::new();
    for r in result.rows.iter_mut() {
        match find(&r.code, &r.level) {
            Some(k) => {
                used.insert(k);
                r.observed = Some(observed.measures(k));
            }
            None => missing.push(r.code.clone()),
        }
    }
    let all_england = result.rows.iter().any(|r| r.level == "country")
        || (!result.rows.is_empty()
            && (result.rows.len()
                == areas.map_or(0, |a| {
                    a.rows
                        .iter()
                        .filter(|x| x.level == result.rows[0].level)
                        .count()
                })));
    result.total.observed = if all_england {
        orgs.iter()
            .copied()
            .find(|k| k.org_type == "England")
            .map(|k| observed.measures(k))
    } else if missing.is_empty() {
        let sum = |f: fn(&ObservedMeasures) -> Option<f64>| -> Option<f64> {
            result
                .rows
                .iter()
                .map(|r| r.observed.as_ref().and_then(f))
                .sum()
        };
        Some(ObservedMeasures {
            referrals: sum(|m| m.referrals),
            finished_courses: sum(|m| m.finished_courses),
            low_only: sum(|m| m.low_only),
            high_only: sum(|m| m.high_only),
            both: sum(|m| m.both),
            within_6_weeks: sum(|m| m.within_6_weeks),
            within_18_weeks: sum(|m| m.within_18_weeks),
            // A rate cannot be summed, and the counts behind it are not in the file.
            recovery_rate: None,
        })
    } else {
        None
    };
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(8).map(String::as_str).collect();
        warnings.push(format!(
            "{}: no {period} figures for {} area{} of the run ({}{}); their observed cells are empty (the file is matched to areas by the areas file's ods_code)",
            observed.source,
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if missing.len() > shown.len() { ", ..." } else { "" }
        ));
    }
    let level_types: BTreeSet<&str> = used.iter().map(|k| k.org_type.as_str()).collect();
    let unused: Vec<&str> = orgs
        .iter()
        .filter(|k| level_types.contains(k.org_type.as_str()) && !used.contains(*k))
        .map(|k| k.org_code.as_str())
        .collect();
    if !unused.is_empty() {
        warnings.push(format!(
            "{}: {} organisation{} of the file in no area of the run: {}",
            observed.source,
            unused.len(),
            if unused.len() == 1 { "" } else { "s" },
            unused.join(", ")
        ));
    }
    if observed.suppressed > 0 {
        warnings.push(format!(
            "{}: {} value{} suppressed by NHS England (*) read as missing",
            observed.source,
            observed.suppressed,
            if observed.suppressed == 1 { "" } else { "s" }
        ));
    }
    result.observed_period = Some(period.to_string());
    warnings
}

/// Reads the long format. Errors (exit 2, file and line): none of the expected columns, a
/// value that is neither a number, `*` nor `NULL`, and two rows for the same organisation,
/// period, breakdown and measure.
pub fn parse_observed(source: &str, text: &str) -> Result<Observed, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| InputError::one(format!("{source}: cannot read the CSV header: {e}")))?
        .clone();
    let at: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
        .collect();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !at.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(InputError::one(format!(
            "{source}:1: missing column{} {}; NHS Talking Therapies annual report measures in long format have the columns {}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            COLUMNS.join(", ")
        )));
    }
    let mut problems = Problems::new();
    let mut out = Observed {
        source: source.to_string(),
        ..Observed::default()
    };
    let mut first_line: HashMap<(OrgKey, MeasureKey), u64> = HashMap::new();
    for (n, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(n as u64 + 2, |p| p.line());
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{source}:{line}: malformed CSV row: {e}"));
                continue;
            }
        };
        let get = |c: &str| record.get(at[c]).unwrap_or("").to_string();
        let raw = get("value");
        let value = match raw.as_str() {
            "NULL" => continue,
            "*" => {
                out.suppressed += 1;
                None
            }
            v => match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    problems.push(format!(
                        "{source}:{line}: value = '{v}' is not a number; expected a number, * (suppressed) or NULL (not published)"
                    ));
                    continue;
                }
            },
        };
        let org = OrgKey {
            period: get("reporting_period"),
            org_type: get("org_type"),
            org_code: get("org_code"),
        };
        let measure: MeasureKey = (
            get("variable_type"),
            get("variable_a"),
            get("variable_b"),
            get("measure_name"),
            get("measure_statistic"),
        );
        if let Some(first) = first_line.insert((org.clone(), measure.clone()), line) {
            problems.push(format!(
                "{source}:{line}: {} {} {} {} ({} {} {}) is already on line {first}; each organisation, year, breakdown and measure once",
                org.org_type, org.org_code, org.period, measure.3, measure.0, measure.1, measure.2
            ));
            continue;
        }
        out.names
            .entry(org.clone())
            .or_insert_with(|| get("org_name"));
        out.values.entry(org).or_default().insert(measure, value);
    }
    problems.finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "reporting_period,start_date,end_date,org_type,org_code,org_name,variable_type,variable_a,variable_b,measure_name,measure_statistic,value\n";

    #[test]
    fn suppressed_is_missing_null_is_skipped_and_the_headline_measures_are_read() {
        let text = format!(
            "{HEAD}2023-24,,,ICB,QOP,NHS Greater Manchester ICB,Total,NULL,NULL,referrals_received,count,1000\n\
             2023-24,,,ICB,QOP,NHS Greater Manchester ICB,Total,NULL,NULL,finished_course_treatment,count,400\n\
             2023-24,,,ICB,QOP,NHS Greater Manchester ICB,Total,NULL,NULL,recovery,percentage,48.5\n\
             2023-24,,,ICB,QOP,NHS Greater Manchester ICB,Waiting Time,Accessing services,<6 weeks,finished_course_treatment,count,360\n\
             2023-24,,,ICB,QOP,NHS Greater Manchester ICB,Waiting Time,Accessing services,<18 weeks,finished_course_treatment,count,*\n\
             2023-24,,,ICB,QOP,NHS Greater Manchester ICB,Stepped Care Pathway,Received only low intensity therapy,NULL,referrals_received,count,NULL\n"
        );
        let o = parse_observed("obs.csv", &text).unwrap();
        assert_eq!(o.suppressed, 1);
        let org = OrgKey {
            period: "2023-24".into(),
            org_type: "ICB".into(),
            org_code: "QOP".into(),
        };
        let m = o.measures(&org);
        assert_eq!(m.referrals, Some(1000.0));
        assert_eq!(m.finished_courses, Some(400.0));
        assert_eq!(m.recovery_rate, Some(0.485));
        assert_eq!(m.share_within_6_weeks(), Some(0.9));
        assert_eq!(m.within_18_weeks, None, "suppressed is missing, not 0");
        assert_eq!(m.share_within_18_weeks(), None);
        assert_eq!(o.latest().as_deref(), Some("2023-24"));
    }

    #[test]
    fn bad_values_duplicates_and_missing_columns_name_the_file_and_line() {
        let text = format!(
            "{HEAD}2023-24,,,ICB,QOP,X,Total,NULL,NULL,referrals_received,count,12a\n\
             2023-24,,,ICB,QOP,X,Total,NULL,NULL,finished_course_treatment,count,5\n\
             2023-24,,,ICB,QOP,X,Total,NULL,NULL,finished_course_treatment,count,6\n"
        );
        let e = parse_observed("obs.csv", &text).unwrap_err().to_string();
        assert!(
            e.contains("obs.csv:2: value = '12a' is not a number"),
            "{e}"
        );
        assert!(
            e.contains("obs.csv:4:") && e.contains("already on line 3"),
            "{e}"
        );
        let e = parse_observed("obs.csv", "a,b\n1,2\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("obs.csv:1: missing columns reporting_period"),
            "{e}"
        );
    }

    /// The shipped extract of NHS England's annual report holds England's published
    /// figures: referrals 1,759,581 (2022-23) and 1,829,202 (2023-24); finished courses
    /// 672,193 and 671,648; 2023-24 by step 257,602 low only, 257,808 both, 122,310 high only;
    /// 607,635 under 6 weeks and 661,078 under 18 weeks; recovery 50.1%.
    #[test]
    fn england_in_the_shipped_file_is_the_published_figures() {
        let o = crate::embedded::observed().unwrap();
        let england = |period: &str| OrgKey {
            period: period.into(),
            org_type: "England".into(),
            org_code: "All".into(),
        };
        let a = o.measures(&england("2022-23"));
        assert_eq!(a.referrals, Some(1_759_581.0));
        assert_eq!(a.finished_courses, Some(672_193.0));
        let b = o.measures(&england("2023-24"));
        assert_eq!(b.referrals, Some(1_829_202.0));
        assert_eq!(b.finished_courses, Some(671_648.0));
        assert_eq!(b.low_only, Some(257_602.0));
        assert_eq!(b.both, Some(257_808.0));
        assert_eq!(b.high_only, Some(122_310.0));
        assert_eq!(b.within_6_weeks, Some(607_635.0));
        assert_eq!(b.within_18_weeks, Some(661_078.0));
        assert_eq!(b.recovery_rate, Some(0.501));
        assert_eq!(o.periods(), vec!["2022-23", "2023-24"]);
        // Every ICB of the run's areas is in it, by ODS code.
        let areas = crate::embedded::areas().unwrap();
        let icbs: Vec<&str> = areas
            .rows
            .iter()
            .filter(|r| r.level == "icb")
            .filter_map(|r| r.ods_code.as_deref())
            .collect();
        assert_eq!(icbs.len(), 42);
        for code in icbs {
            let org = OrgKey {
                period: "2023-24".into(),
                org_type: "ICB".into(),
                org_code: code.into(),
            };
            assert!(o.measures(&org).referrals.is_some(), "{code}");
        }
    }
}
