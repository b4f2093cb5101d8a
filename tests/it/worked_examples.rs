//! Hand-worked examples of MODEL.md: one area, one band, one disorder, the arithmetic written
//! out so that a planner can check each number with a calculator.

use capacity::model::Level;
use capacity::output::Row;

use crate::common::{assert_close, run_model, scenario};

const ONE_DISORDER: &str = "disorder,age_from,age_to,sex,rate,source\n\
depression,16,74,all,0.10,test\n\
any,16,74,all,0.10,test\n";

#[test]
fn obc_defaults_one_area_one_band_one_disorder() {
    // 10,000 people aged 16-74 (one band, sex all); depression 10%, any CMD 10%.
    let pop = "area_code,area_name,age_from,age_to,sex,population\nA,Area A,16,74,all,10000\n";
    let r = run_model(pop, ONE_DISORDER, None, None, &scenario(""), Level::Leaves);
    let t = Row::new(&r.total, &r);
    // Comorbidity "primary": scale = any / sum of disorders = 0.10 / 0.10 = 1.
    // prevalent = 10,000 x 0.10 = 1,000
    assert_close(t.num("population_in_scope"), 10_000.0);
    assert_close(t.num("prevalent"), 1_000.0);
    // presenting = 1,000 x 0.50 = 500; detected = 500 x 0.50 = 250; referred = 250 x 1.0
    assert_close(t.num("presenting"), 500.0);
    assert_close(t.num("detected"), 250.0);
    assert_close(t.num("referred"), 250.0);
    assert_close(t.num("treated"), 250.0);
    // Step 2 entry 1.0: L = 250; stepped up = 250 x 0.10 = 25; H = 0 direct + 25
    assert_close(t.num("low_episodes"), 250.0);
    assert_close(t.num("stepped_up"), 25.0);
    assert_close(t.num("high_episodes"), 25.0);
    // Contacts: 250 x 7 = 1,750 low; 25 x 12 = 300 high
    assert_close(t.num("low_contacts"), 1_750.0);
    assert_close(t.num("high_contacts"), 300.0);
    // K_low = 16 x 0.70 x 220 = 2,464; WTE_low = 1,750 / 2,464 = 0.710227...
    // K_high = 7 x 0.55 x 220 = 847; WTE_high = 300 / 847 = 0.354191...
    assert_close(t.num("low_wte"), 1_750.0 / 2_464.0);
    assert_close(t.num("high_wte"), 300.0 / 847.0);
    assert_close(t.num("total_wte"), 1_750.0 / 2_464.0 + 300.0 / 847.0);
    // Skill mix from the sums: 0.7102 / 0.3542 = 2.0052; access = 250 / 1,000
    assert_close(
        t.opt("low_high_ratio").unwrap(),
        (1_750.0 / 2_464.0) / (300.0 / 847.0),
    );
    assert_close(t.opt("low_share_contacts").unwrap(), 1_750.0 / 2_050.0);
    assert_close(t.opt("access_rate").unwrap(), 0.25);
    // Episodes one WTE completes: 2,464 / 7 = 352 (the top of Richards' 132-352)
    assert_close(t.num("low_episodes_per_wte"), 352.0);
    assert_close(t.num("high_episodes_per_wte"), 847.0 / 12.0);
    // No workforce given: current 0, gap = requirement, and the share met is unknown (null),
    // not 0.
    assert_close(t.num("gap_low_wte"), t.num("low_wte"));
    assert_eq!(t.opt("requirement_met_low"), None);
    assert_eq!(t.opt("requirement_met_high"), None);
}

#[test]
fn pro_rata_bands_comorbidity_triage_dna_and_headroom() {
    // Population: ages 10-19 (F, 1,000 people) straddles age_min 16, so 4 of its 10 years
    // are in scope: 400 people. Ages 70-79 (F, 500) straddles age_max 75: 70-74 = 250 people.
    let pop = "area_code,age_from,age_to,sex,population\nA,10,19,F,1000\nA,70,79,F,500\n";
    // Prevalence bands 16-64 and 65+ for F: depression 0.06 / gad 0.04 / any 0.08 (scale 0.8)
    // then depression 0.02 / gad 0.02 / any 0.02 (scale 0.5).
    let prev = "disorder,age_from,age_to,sex,rate\n\
        depression,16,64,F,0.06\ngad,16,64,F,0.04\nany,16,64,F,0.08\n\
        depression,65,120,F,0.02\ngad,65,120,F,0.02\nany,65,120,F,0.02\n";
    let s = scenario(
        "[stepped_care]\nstep2_entry = 0.8\nstep_up = 0.2\n\
         [capacity]\ndna_rate = 0.2\nheadroom = 0.1\n",
    );
    let r = run_model(pop, prev, None, None, &s, Level::Leaves);
    let t = Row::new(&r.total, &r);
    assert_close(t.num("population_in_scope"), 650.0);
    // depression: 400 x 0.06 x 0.8 + 250 x 0.02 x 0.5 = 19.2 + 2.5 = 21.7
    // gad:        400 x 0.04 x 0.8 + 250 x 0.02 x 0.5 = 12.8 + 2.5 = 15.3
    let dep = &r.total.by_disorder[0];
    assert_eq!(r.disorders, vec!["depression", "gad"]);
    assert_close(dep.prevalent(), 21.7);
    assert_close(r.total.by_disorder[1].prevalent(), 15.3);
    assert_close(t.num("prevalent"), 37.0);
    // treated = 37 x 0.25 = 9.25; L = 9.25 x 0.8 = 7.4; direct = 1.85; stepped up = 1.48
    assert_close(t.num("treated"), 9.25);
    assert_close(t.num("low_episodes"), 7.4);
    assert_close(t.num("stepped_up"), 1.48);
    assert_close(t.num("high_episodes"), 1.85 + 1.48);
    // Booked low = 7.4 x 7 / (1 - 0.2) = 64.75; WTE = 64.75 / 2,464 x 1.1
    assert_close(t.num("low_contacts"), 51.8);
    assert_close(t.num("low_wte"), 64.75 / 2_464.0 * 1.1);
    assert_close(t.num("high_wte"), (3.33 * 12.0 / 0.8) / 847.0 * 1.1);
    // Episodes per WTE as delivered: the WTE also serve the DNAs and the headroom, so
    // 2,464 x 0.8 / 1.1 / 7 = 256.0, not 2,464 / 7 = 352: episodes / WTE of this output.
    assert_close(t.num("low_episodes_per_wte"), 7.4 / t.num("low_wte"));
    assert_close(t.num("low_episodes_per_wte"), 2_464.0 * 0.8 / 1.1 / 7.0);
    assert_close(t.num("high_episodes_per_wte"), 3.33 / t.num("high_wte"));
}

#[test]
fn comorbidity_sum_counts_each_disorder() {
    let pop = "area_code,age_from,age_to,sex,population\nA,16,74,M,1000\n";
    let prev = "disorder,age_from,age_to,sex,rate\ndepression,16,74,M,0.06\ngad,16,74,M,0.04\n";
    let s = scenario("[demand]\ncomorbidity = \"sum\"\n");
    let r = run_model(pop, prev, None, None, &s, Level::Leaves);
    // No `any` rows are needed: 1,000 x (0.06 + 0.04) = 100.
    assert_close(r.total.flow.prevalent(), 100.0);
}

#[test]
fn sex_specific_rows_win_over_all_rows() {
    // F rows exist only for depression; the M population falls back to `all`.
    let pop = "area_code,age_from,age_to,sex,population\nA,16,74,F,100\nA,16,74,M,100\n";
    let prev =
        "disorder,age_from,age_to,sex,rate\ndepression,16,74,F,0.2\ndepression,16,74,all,0.1\n";
    let s = scenario("[demand]\ncomorbidity = \"sum\"\n");
    let r = run_model(pop, prev, None, None, &s, Level::Leaves);
    assert_close(r.total.flow.prevalent(), 100.0 * 0.2 + 100.0 * 0.1);
}

#[test]
fn clinical_hours_basis_and_per_disorder_pathways() {
    // North Essex form: 20 clinical hours a week, 30-minute contacts: K = 20 / 0.5 x 220 / 5
    // = 40 x 44 = 1,760 contacts a year; PTSD straight to step 3 (step2_entry 0).
    let pop = "area_code,age_from,age_to,sex,population\nA,16,74,all,10000\n";
    let prev = "disorder,age_from,age_to,sex,rate\ndepression,16,74,all,0.1\nptsd,16,74,all,0.1\nany,16,74,all,0.2\n";
    let s = scenario(
        "[low_intensity]\nclinical_hours_per_week = 20.0\ncontact_hours = 0.5\n\
         [disorders.ptsd]\nstep2_entry = 0.0\nreferral_weight = 0.5\nmedication_only = 0.2\n\
         [costs]\nmedication_course_cost = 30.0\n",
    );
    let r = run_model(pop, prev, None, None, &s, Level::Leaves);
    assert_close(r.capacity[0].annual_contacts_per_wte, 1_760.0);
    let ptsd = &r.total.by_disorder[1];
    // PTSD: prevalent 1,000 -> 500 -> 250 -> referred 125 -> medication only 25 -> treated 100
    assert_close(ptsd.referred(), 125.0);
    assert_close(ptsd.medication_only(), 25.0);
    assert_close(ptsd.episodes(0), 0.0);
    assert_close(ptsd.episodes(1), 100.0);
    // Depression: 250 treated, all at step 2.
    assert_close(r.total.by_disorder[0].episodes(0), 250.0);
    assert_close(r.total.flow.step_wte(0), 250.0 * 7.0 / 1_760.0);
}

#[test]
fn gap_against_current_workforce_with_trainees_and_parents() {
    // Two leaves under one parent; staff named at a leaf, at the parent and for the run.
    let pop = "area_code,age_from,age_to,sex,population\nA1,16,74,all,10000\nA2,16,74,all,10000\n";
    let areas = "area_code,area_name,level,parent_code\nP,Parent,place,\nA1,Leaf 1,practice,P\nA2,Leaf 2,practice,P\n";
    let wf = "area_code,role,band,wte,li_share,hi_share,capacity_factor\n\
        A1,PWP,5,1.0,1.0,0.0,\n\
        A2,Trainee PWP,4,1.0,1.0,0.0,0.6\n\
        P,HIT,7,0.5,0.0,1.0,\n\
        ,Senior PWP,6,1.0,0.5,0.5,\n";
    let s = scenario("");
    let leaves = run_model(
        pop,
        ONE_DISORDER,
        Some(areas),
        Some(wf),
        &s,
        Level::Named("practice".into()),
    );
    // A1: 1.0 PWP; A2: trainee 1.0 x 0.6 = 0.6 effective.
    assert_close(leaves.rows[0].current[0], 1.0);
    assert_close(leaves.rows[1].current[0], 0.6);
    // The parent and blank rows count in the total only: low 1 + 0.6 + 0.5; high 0.5 + 0.5.
    assert_close(leaves.total.current[0], 2.1);
    assert_close(leaves.total.current[1], 1.0);
    let gap = leaves.rows[0].gap();
    assert_close(gap[0], 1_750.0 / 2_464.0 - 1.0);
    // Per cent of requirement met (MODEL.md section 5): A2 has 0.6 of 0.710227 low WTE =
    // 84.5%; nobody high intensity there, so 0 of 0.354191 is met.
    let a2 = Row::new(&leaves.rows[1], &leaves);
    assert_close(
        a2.opt("requirement_met_low").unwrap(),
        0.6 / (1_750.0 / 2_464.0),
    );
    assert_close(a2.opt("requirement_met_high").unwrap(), 0.0);
    // The total: 2.1 of 2 x 0.710227 low, 1.0 of 2 x 0.354191 high (more than met: 141%).
    let t = Row::new(&leaves.total, &leaves);
    assert_close(
        t.opt("requirement_met_low").unwrap(),
        2.1 / (3_500.0 / 2_464.0),
    );
    assert_close(
        t.opt("requirement_met_high").unwrap(),
        1.0 / (600.0 / 847.0),
    );
    let place = run_model(
        pop,
        ONE_DISORDER,
        Some(areas),
        Some(wf),
        &s,
        Level::Named("place".into()),
    );
    // At the parent level everything is inside the one row.
    assert_close(place.rows[0].current[0], 2.1);
    assert_close(place.rows[0].current[1], 1.0);
}

#[test]
fn deprivation_factors_scenario_area_override_and_areas_file() {
    let pop = "area_code,age_from,age_to,sex,population\nA1,16,74,all,10000\nA2,16,74,all,10000\n";
    let areas = "area_code,area_name,level,parent_code,prevalence_factor\nP,Parent,place,,1.1\nA1,Leaf 1,practice,P,\nA2,Leaf 2,practice,P,2\n";
    // Scenario-wide 0.9; A2 overridden to 1.2. Areas file: P 1.1 applies to both, A2 x 2.
    let s = scenario("[demand]\ndeprivation_factor = 0.9\n[areas.A2]\ndeprivation_factor = 1.2\n");
    let r = run_model(
        pop,
        ONE_DISORDER,
        Some(areas),
        None,
        &s,
        Level::Named("practice".into()),
    );
    assert_close(r.rows[0].flow.prevalent(), 1_000.0 * 0.9 * 1.1);
    assert_close(r.rows[1].flow.prevalent(), 1_000.0 * 1.2 * 1.1 * 2.0);
}

#[test]
fn published_throughput_checks() {
    use capacity::scenario::{load, ScenarioSource};
    let per_wte = |preset: &str| {
        let (s, _) = load(&ScenarioSource::Preset(preset.into())).unwrap();
        capacity::model::capacity::wte_capacity(&s)
    };
    // OBC: 16 x 0.70 x 220 / 7 = 352 low intensity episodes per WTE a year.
    assert_close(per_wte("obc")[0].episodes_per_wte, 352.0);
    // Clark: 22 h / (70/60 h) x 240 / 5 / 15 = 60.3, "about 60".
    let clark = per_wte("clark-hi")[1].episodes_per_wte;
    assert!((59.0..=61.0).contains(&clark), "Clark {clark}");
    // North Essex low intensity inside the job description's 175-250.
    let ne = per_wte("north-essex")[0].episodes_per_wte;
    assert!((175.0..=250.0).contains(&ne), "North Essex {ne}");
    // Richards' low end: 132.
    assert_close(per_wte("richards-li")[0].episodes_per_wte, 132.0);
}
