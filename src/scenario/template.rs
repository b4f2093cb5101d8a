//! A fully commented scenario file written from a resolved scenario (`capacity init`): every
//! key with what it means, its unit and where its default comes from.

use std::fmt::Write;

use super::{CapacityBasis, Comorbidity, IntensitySettings, Scenario};

/// `0.5` -> "0.5", `16.0` -> "16.0": always a TOML float.
fn num(x: f64) -> String {
    format!("{x:?}")
}

fn intensity(out: &mut String, section: &str, title: &str, i: &IntensitySettings, defaults: &str) {
    let _ = writeln!(out, "\n[{section}]\n# {title}");
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
                "# Working days a year for this intensity only (overrides [capacity])."
            );
            let _ = writeln!(out, "working_days = {}", num(d));
        }
        None => {
            let _ = writeln!(
                out,
                "# working_days = 240.0   # this intensity only; default [capacity].working_days"
            );
        }
    }
}

pub fn commented_toml(s: &Scenario, name: &str, from: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# capacity scenario, written by `capacity init` from the preset '{from}'.\n\
         # Edit the values, then run: capacity model <this file>\n\
         # Rates are fractions: 0.50 means 50%. Every key is optional: a key you delete takes\n\
         # the MODEL.md default (the Outline Business Case). Unknown keys are errors.\n\
         # To follow a preset and change only a few values, use instead: extends = \"{from}\""
    );
    let _ = writeln!(out, "\nname = \"{name}\"");
    let _ = writeln!(out, "description = \"{}\"", s.description.replace('"', "'"));

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
        let codes: Vec<String> = s
            .population
            .areas
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect();
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

    let _ = writeln!(out, "\n[stepped_care]");
    let _ = writeln!(out, "# Share starting at step 2, low intensity (FAQ: 1.00; 0.80 when triage sends some to step 3).");
    let _ = writeln!(out, "step2_entry = {}", num(s.stepped_care.step2_entry));
    let _ = writeln!(
        out,
        "# Share of low intensity episodes stepped up to high intensity (FAQ: 0.10; up to 0.30)."
    );
    let _ = writeln!(out, "step_up = {}", num(s.stepped_care.step_up));

    let _ = writeln!(
        out,
        "\n# Per-disorder pathway (depression, gad, panic, phobias, ocd, mixed, ptsd); each key optional:\n\
         # [disorders.ptsd]\n# step2_entry = 0.0   # straight to trauma-focused therapy"
    );
    for (id, o) in &s.disorders {
        let _ = writeln!(out, "[disorders.{id}]");
        for (k, v) in [
            ("referral_weight", o.referral_weight),
            ("medication_only", o.medication_only),
            ("step2_entry", o.step2_entry),
            ("step_up", o.step_up),
        ] {
            if let Some(v) = v {
                let _ = writeln!(out, "{k} = {}", num(v));
            }
        }
    }

    intensity(
        &mut out,
        "low_intensity",
        "Low intensity (step 2): PWPs.",
        &s.low_intensity,
        "OBC 7; Richards 3-7.",
    );
    intensity(
        &mut out,
        "high_intensity",
        "High intensity (step 3): CBT and other therapists.",
        &s.high_intensity,
        "OBC 12; Clark 15.",
    );

    let cap = &s.capacity;
    let _ = writeln!(out, "\n[capacity]");
    let _ = writeln!(
        out,
        "# Working days a year (assumption, not in the seeds: 44 weeks of 5 days, the year behind\n\
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
    let _ = writeln!(
        out,
        "\n# Input files, relative to this file; the command line's --population etc. win.\n\
         # Without them the embedded England data is used.\n\
         # [data]\n# population = \"population.csv\"\n# prevalence = \"prevalence.csv\"\n\
         # areas = \"areas.csv\"\n# workforce = \"workforce.csv\""
    );
    out
}
