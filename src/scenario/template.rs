//! A fully commented scenario file written from a resolved scenario (`capacity init`): every
//! key with what it means, its unit and where its default comes from.

use std::fmt::Write;

use super::{mark_supervisors, CapacityBasis, Comorbidity, Entry, Scenario, StepSettings};
use crate::embedded::afc_pay;

/// `0.5` -> "0.5", `16.0` -> "16.0": always a TOML float.
fn num(x: f64) -> String {
    format!("{x:?}")
}

/// `{ low = 0.1, high = 0.05 }`: a step's edges as an inline table.
fn inline_table<'a>(pairs: impl Iterator<Item = (&'a String, f64)>) -> String {
    let items: Vec<String> = pairs.map(|(k, v)| format!("{k} = {}", num(v))).collect();
    format!("{{ {} }}", items.join(", "))
}

/// A count of years as people write it: 3, not 3.0.
fn whole(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        num(x)
    }
}

/// A TOML basic string: quotes, backslashes and control characters (a multi-line
/// description's line ends) escaped, so that any text reads back as itself.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn roles(out: &mut String, section: &str, i: &StepSettings) {
    let _ = writeln!(
        out,
        "# Skill mix: who delivers this step's WTE. One [[{section}.roles]] per role with its\n\
         # Agenda for Change band and share (a fraction of the step's WTE; shares sum to 1).\n\
         # supervises = true/false (optional) marks the roles whose WTE covers supervision; by default\n\
         # the roles above the lowest band."
    );
    // `supervises` is written only where it differs from the default by band.
    let mut by_default = i.roles.clone();
    mark_supervisors(&mut by_default, &vec![None; i.roles.len()]);
    for (r, d) in i.roles.iter().zip(&by_default) {
        let _ = writeln!(
            out,
            "[[{section}.roles]]\nrole = {}\nband = {}\nshare = {}",
            quoted(&r.role),
            quoted(&r.band),
            num(r.share)
        );
        if r.supervises != d.supervises {
            let _ = writeln!(out, "supervises = {}", r.supervises);
        }
    }
}

fn step(out: &mut String, i: &StepSettings, first: bool) {
    let section = format!("steps.{}", i.id);
    let _ = writeln!(out, "\n[{section}]");
    if first {
        let _ = writeln!(
            out,
            "# A step of care: its id names its keys (steps.<id>.*) and output fields (<id>_wte...).\n\
             # Add a step with a table of its own; the 2007 model has steps low (step 2) and high (step 3)."
        );
    }
    let _ = writeln!(out, "label = {}", quoted(&i.label));
    if let Some(p) = &i.pathway {
        let _ = writeln!(
            out,
            "# The pathway it belongs to (a [pathways.<id>] below)."
        );
        let _ = writeln!(out, "pathway = {}", quoted(p));
    }
    let defaults = match i.id.as_str() {
        "low" => "OBC 7; Richards 3-7.",
        "high" => "OBC 12; Clark 15.",
        _ => "",
    };
    let _ = writeln!(
        out,
        "# Attended contacts in one episode of care. {defaults}"
    );
    let _ = writeln!(
        out,
        "contacts_per_episode = {}",
        num(i.contacts_per_episode)
    );
    let _ = writeln!(
        out,
        "# What one WTE delivers a year (K), in ONE of two forms:\n\
         #   contacts_per_day + caseload: K = contacts_per_day x caseload x working_days\n\
         #   clinical_hours_per_week + contact_hours: K = hours / contact_hours x working_days / 5"
    );
    match i.basis {
        CapacityBasis::ContactsPerDay {
            contacts_per_day,
            caseload,
        } => {
            let _ = writeln!(out, "contacts_per_day = {}", num(contacts_per_day));
            let _ = writeln!(
                out,
                "# Fraction of working time spent in contact with patients."
            );
            let _ = writeln!(out, "caseload = {}", num(caseload));
            let _ = writeln!(
                out,
                "# clinical_hours_per_week = 20.0\n# contact_hours = 1.0"
            );
        }
        CapacityBasis::ClinicalHours {
            clinical_hours_per_week,
            contact_hours,
        } => {
            let _ = writeln!(out, "# contacts_per_day = 16.0\n# caseload = 0.70");
            let _ = writeln!(
                out,
                "clinical_hours_per_week = {}",
                num(clinical_hours_per_week)
            );
            let _ = writeln!(
                out,
                "# Hours per contact: 50 minutes is 0.8333333333333334."
            );
            let _ = writeln!(out, "contact_hours = {}", num(contact_hours));
        }
    }
    match i.working_days {
        Some(d) => {
            let _ = writeln!(
                out,
                "# Working days a year for this step only (overrides [capacity])."
            );
            let _ = writeln!(out, "working_days = {}", num(d));
        }
        None => {
            let _ = writeln!(
                out,
                "# working_days = 240.0   # this step only; default [capacity].working_days"
            );
        }
    }
    let _ = writeln!(
        out,
        "# Share of people treated psychologically who start at this step, or \"rest\": what the\n\
         # other steps leave (FAQ: everyone starts at step 2; 0.80 when triage sends some to step 3)."
    );
    match i.entry {
        Entry::Share(v) => {
            let _ = writeln!(out, "entry = {}", num(v));
        }
        Entry::Rest(_) => {
            let _ = writeln!(out, "entry = \"rest\"");
        }
    }
    let _ = writeln!(
        out,
        "# Share of another step's episodes that go on to this one, by that step's id (FAQ: 0.10 of\n\
         # low intensity episodes are stepped up; up to 0.30)."
    );
    if i.from.is_empty() {
        let _ = writeln!(out, "# from = {{ low = 0.10 }}");
    } else {
        let _ = writeln!(
            out,
            "from = {}",
            inline_table(i.from.iter().map(|(f, v)| (f, *v)))
        );
    }
    let _ = writeln!(
        out,
        "# Supervision hours a week each WTE needs (IAPT supervision guidance: low intensity 1 h of\n\
         # case management a week + 1 h of clinical skills a fortnight = 1.5; high intensity 1 h a week)."
    );
    let _ = writeln!(out, "supervision_hours = {}", num(i.supervision_hours));
    let _ = writeln!(
        out,
        "# Annual turnover of qualified staff (2015 IAPT workforce census: 22% low, 9% high)."
    );
    let _ = writeln!(out, "turnover = {}", num(i.turnover));
    if let Some(days) = i.protected_days_per_week {
        let _ = writeln!(
            out,
            "# Days a week trained staff are released to deliver this therapy (NHS England's\n\
             # PT-SMHP guidance asks for at least 2): a WTE of therapy is 5 / days trained staff."
        );
        let _ = writeln!(out, "protected_days_per_week = {}", num(days));
    }
    roles(out, &section, i);
}

/// `from`: the preset or file the values come from, as `extends` would name it from the
/// written file's folder.
pub fn commented_toml(s: &Scenario, name: &str, from: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# capacity scenario, written by `capacity init` from '{from}'.\n\
         # Edit the values, then run: capacity model <this file>\n\
         # Rates are fractions: 0.50 means 50%. Every key is optional: a key you delete takes\n\
         # the default of docs/model.md (the Outline Business Case). Unknown keys are errors.\n\
         # To follow '{from}' and change only a few values, use instead: extends = \"{from}\""
    );
    let _ = writeln!(out, "\nname = {}", quoted(name));
    let _ = writeln!(out, "description = {}", quoted(&s.description));

    let _ = writeln!(out, "\n[population]");
    let _ = writeln!(
        out,
        "# Ages in scope: age_min <= age < age_max (16 and 75: people aged 16 to 74; FAQ)."
    );
    let _ = writeln!(
        out,
        "age_min = {}\nage_max = {}",
        s.population.age_min, s.population.age_max
    );
    let _ = writeln!(
        out,
        "# Keep only the areas under these codes, at any level, e.g. [\"E54000008\"]."
    );
    if s.population.areas.is_empty() {
        let _ = writeln!(out, "# areas = []");
    } else {
        let codes: Vec<String> = s.population.areas.iter().map(|c| quoted(c)).collect();
        let _ = writeln!(out, "areas = [{}]", codes.join(", "));
    }

    let d = &s.demand;
    let _ = writeln!(out, "\n[demand]");
    let _ = writeln!(
        out,
        "# Share of people with a common mental disorder who present to primary care (FAQ: 0.50)."
    );
    let _ = writeln!(out, "presentation_rate = {}", num(d.presentation_rate));
    let _ = writeln!(
        out,
        "# Share of those presenting whose disorder is recognised (FAQ: 0.50)."
    );
    let _ = writeln!(out, "detection_rate = {}", num(d.detection_rate));
    let _ = writeln!(
        out,
        "# Multiplier on prevalence for local deprivation (1.0 = national; the FAQ's NPMSdep index\n\
         # moves prevalence by up to 40% either way, so 0.6 to 1.4). Per-area values: [areas.<code>]."
    );
    let _ = writeln!(out, "deprivation_factor = {}", num(d.deprivation_factor));
    let _ = writeln!(
        out,
        "# \"primary\": a person with several disorders is counted once (scaled to the any-CMD rate);\n\
         # \"sum\": once per disorder."
    );
    let c = match d.comorbidity {
        Comorbidity::Primary => "primary",
        Comorbidity::Sum => "sum",
    };
    let _ = writeln!(out, "comorbidity = \"{c}\"");
    let _ = writeln!(
        out,
        "# Share of detected cases the service takes on (assumption; per disorder below)."
    );
    let _ = writeln!(out, "referral_weight = {}", num(d.referral_weight));
    let _ = writeln!(
        out,
        "# Share of referred people who choose medication alone: no therapist time."
    );
    let _ = writeln!(out, "medication_only = {}", num(d.medication_only));

    let _ = writeln!(
        out,
        "\n# Per-disorder pathway (depression, gad, panic, phobias, ocd, mixed, ptsd); each key optional:\n\
         # [disorders.ptsd]\n# referral_weight = 1.0\n\
         # [disorders.ptsd.steps.low]\n# entry = 0.0   # straight to trauma-focused therapy"
    );
    for (id, o) in &s.disorders {
        let _ = writeln!(out, "[disorders.{id}]");
        for (k, v) in [
            ("referral_weight", o.referral_weight),
            ("medication_only", o.medication_only),
        ] {
            if let Some(v) = v {
                let _ = writeln!(out, "{k} = {}", num(v));
            }
        }
        for (step, x) in &o.steps {
            let _ = writeln!(out, "[disorders.{id}.steps.{step}]");
            if let Some(v) = x.entry {
                let _ = writeln!(out, "entry = {}", num(v));
            }
            if !x.from.is_empty() {
                let _ = writeln!(
                    out,
                    "from = {}",
                    inline_table(x.from.iter().map(|(f, v)| (f, *v)))
                );
            }
        }
    }

    let _ = writeln!(
        out,
        "\n# Pathways of their own (psychosis, eating disorders ...): the prevalence file's conditions\n\
         # that feed each, its own funnel rates (each optional) and, through `pathway = \"<id>\"` in a\n\
         # step, its steps. Conditions and steps no pathway claims make the main pathway.\n\
         # [pathways.psychosis]\n# label = \"Psychosis\"\n# conditions = [\"psychosis\"]\n# presentation_rate = 1.0\n# min_band = \"7\""
    );
    for p in &s.pathways {
        let _ = writeln!(out, "[pathways.{}]", p.id);
        let _ = writeln!(out, "label = {}", quoted(&p.label));
        let conditions: Vec<String> = p.conditions.iter().map(|c| quoted(c)).collect();
        let _ = writeln!(out, "conditions = [{}]", conditions.join(", "));
        for (k, v) in [
            ("presentation_rate", p.presentation_rate),
            ("detection_rate", p.detection_rate),
            ("referral_weight", p.referral_weight),
            ("medication_only", p.medication_only),
        ] {
            if let Some(v) = v {
                let _ = writeln!(out, "{k} = {}", num(v));
            }
        }
        if let Some(b) = &p.min_band {
            let _ = writeln!(
                out,
                "# Therapy at this band or above (NHS England's PT-SMHP guidance: Band 7); a\n\
                 # skill-mix role below it is a warning.\nmin_band = {}",
                quoted(b)
            );
        }
    }

    for (n, i) in s.steps.iter().enumerate() {
        step(&mut out, i, n == 0);
    }

    let cap = &s.capacity;
    let _ = writeln!(out, "\n[capacity]");
    let _ = writeln!(
        out,
        "# Working days a year (assumption, not in the 2007 guide: 44 weeks of 5 days, the year behind\n\
         # Richards' 2,112 contacts a year)."
    );
    let _ = writeln!(out, "working_days = {}", num(cap.working_days));
    let _ = writeln!(
        out,
        "# Share of booked contacts not attended; booked = attended / (1 - dna_rate)."
    );
    let _ = writeln!(out, "dna_rate = {}", num(cap.dna_rate));
    let _ = writeln!(
        out,
        "# Spare capacity for variation in referrals: WTE x (1 + headroom)."
    );
    let _ = writeln!(out, "headroom = {}", num(cap.headroom));

    let _ = writeln!(
        out,
        "\n# Per-area deprivation factor, for an area at any level (nearest one applies):\n\
         # [areas.E54000008]\n# deprivation_factor = 1.2"
    );
    for (code, a) in &s.areas {
        if let Some(v) = a.deprivation_factor {
            let _ = writeln!(out, "[areas.{code}]\ndeprivation_factor = {}", num(v));
        }
    }
    workforce_sections(&mut out, s);
    let _ = writeln!(
        out,
        "\n# Input files, relative to this file; the command line's --population etc. win.\n\
         # Without them the embedded England data is used."
    );
    let d = &s.data;
    let files = [
        ("population", &d.population),
        ("prevalence", &d.prevalence),
        ("areas", &d.areas),
        ("workforce", &d.workforce),
    ];
    if files.iter().all(|(_, p)| p.is_none()) {
        let _ = writeln!(
            out,
            "# [data]\n# population = \"population.csv\"\n# prevalence = \"prevalence.csv\"\n\
             # areas = \"areas.csv\"\n# workforce = \"workforce.csv\""
        );
    } else {
        // The scenario this one starts from reads its own files: so does this one.
        let _ = writeln!(out, "[data]");
        for (key, path) in files {
            match path {
                Some(p) => {
                    let _ = writeln!(out, "{key} = {}", quoted(&p.to_string_lossy()));
                }
                None => {
                    let _ = writeln!(out, "# {key} = \"{key}.csv\"");
                }
            }
        }
    }
    out
}

/// `[costs]`, `[supervision]`, `[pipeline]` and `[[ratio_roles]]` (issue 5).
fn workforce_sections(out: &mut String, s: &Scenario) {
    let c = &s.costs;
    let pay = afc_pay();
    let _ = writeln!(
        out,
        "\n[costs]\n\
         # Staff cost of a role = WTE x salary of its band x (1 + on_cost_rate). Salaries are the\n\
         # Agenda for Change {} pay points (England, NHS Health Careers; data/afc_pay.csv) at\n\
         # pay_point: \"entry\", \"mid\" or \"top\" of each band.",
        pay.year()
    );
    let _ = writeln!(out, "pay_point = \"{}\"", c.pay_point.as_str());
    let _ = writeln!(
        out,
        "# Employer on-costs as a fraction of salary: NHS Pension employer contribution 23.7% + 0.08%\n\
         # levy (from April 2024) + employer National Insurance 13.8% above £9,100 (2024/25), 10.6%\n\
         # of a band 6 mid salary: 0.344 (docs/costs.md)."
    );
    let _ = writeln!(out, "on_cost_rate = {}", num(c.on_cost_rate));
    let _ = writeln!(
        out,
        "# Pounds for one course of an SSRI for a person who chooses medication alone. No default\n\
         # (generic prices move month to month; take it from the current Drug Tariff): required\n\
         # when any medication_only is above 0."
    );
    match c.medication_course_cost {
        Some(v) => {
            let _ = writeln!(out, "medication_course_cost = {}", num(v));
        }
        None => {
            let _ = writeln!(out, "# medication_course_cost = 30.0");
        }
    }
    let _ = writeln!(
        out,
        "# Annual salary (before on-costs) of a band, overriding the pay table, e.g. a local rate:"
    );
    if c.salary.is_empty() {
        let _ = writeln!(out, "# [costs.salary]\n# \"5\" = 33000.0");
    } else {
        let _ = writeln!(out, "[costs.salary]");
        for (band, v) in &c.salary {
            let _ = writeln!(out, "{} = {}", quoted(band), num(*v));
        }
    }

    let sv = &s.supervision;
    let _ = writeln!(
        out,
        "\n[supervision]\n\
         # The hours each WTE needs are each step's supervision_hours."
    );
    let _ = writeln!(
        out,
        "# Supervision hours a week one supervisor WTE provides (ASSUMPTION: 15, two days a week).\n\
         # Supervisor WTE = hours / this; the output says whether the supervising roles cover it."
    );
    let _ = writeln!(
        out,
        "hours_per_supervisor_wte = {}",
        num(sv.hours_per_supervisor_wte)
    );

    let p = &s.pipeline;
    let _ = writeln!(
        out,
        "\n[pipeline]\n\
         # Trainees to start each year: I = max(0, (R - C0 (1-t)^Y) / (c x sum_(m=0..Y-T) (1-t)^m)),\n\
         # then R t / c a year to hold R. Y: whole years to close the gap (ASSUMPTION: 3)."
    );
    let _ = writeln!(out, "years = {}", whole(p.years));
    let _ = writeln!(out, "# t: each step's own turnover.");
    let _ = writeln!(
        out,
        "# T: whole years of training (PWP and HIT: one-year programmes, North Essex IAPT Services\n\
         # operational policy, HPFT 2020)."
    );
    let _ = writeln!(out, "training_years = {}", whole(p.training_years));
    let _ = writeln!(
        out,
        "# c: share of trainees who complete and join (ASSUMPTION: 0.9)."
    );
    let _ = writeln!(out, "completion_rate = {}", num(p.completion_rate));

    let _ = writeln!(
        out,
        "\n# Ratio roles: staff in proportion to a step's WTE (\"low_wte\"), total_wte or population_in_scope,\n\
         # costed like the rest. E.g. employment advisers at 1 per 8 therapists (the 1:8 ratio of the\n\
         # 2017-18 Employment Advisers in IAPT pilot); band 5 is an ASSUMPTION:"
    );
    if s.ratio_roles.is_empty() {
        let _ = writeln!(
            out,
            "# [[ratio_roles]]\n# role = \"Employment adviser\"\n# band = \"5\"\n# per = \"total_wte\"\n# ratio = 0.125"
        );
    }
    for r in &s.ratio_roles {
        let _ = writeln!(
            out,
            "[[ratio_roles]]\nrole = {}\nband = {}\nper = \"{}\"\nratio = {}",
            quoted(&r.role),
            quoted(&r.band),
            r.per.as_str(),
            num(r.ratio)
        );
    }
}
