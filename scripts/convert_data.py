#!/usr/bin/env python3
"""Convert the published source tables into the embedded data files of `capacity`.

Usage: python3 scripts/convert_data.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root (resolved
from this script's location). Writes data/population.csv, data/areas.csv and
data/prevalence.csv in the repository. Standard library only; the output is
deterministic (LF line endings, no BOM). After regenerating, rebuild the binary:
the files are compiled into it.
"""

import csv
import io
import re
import sys
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "data"

POP_FILE = "sicbl2023_population_mid2022_sya_sex.csv"
ICB_FILE = "icb2023_codes_names.csv"
# NHS England's NHS Talking Therapies annual report: the ODS codes of the commissioning regions
# (Y56 London ...), and a cross-check of the ICBs' ODS codes.
NHSTT_FILE = "nhstt_annual_2022-23_2023-24_long.csv"
CMD_FILE = "apms2014_table2_3_cmd_past_week_by_age_sex.csv"
PTSD_FILE = "apms2014_table4_1_ptsd_screen_by_age_sex.csv"
REGION_FILE = "apms2014_table2_11_cmd_past_week_by_region_sex.csv"

ENGLAND_CODE = "E92000001"
ODS_ICB = re.compile(r"Q[0-9A-Z]{2}")
SUB_ICB_NAME = re.compile(r".+ ICB - ([0-9A-Z]{3,5})")
ENGLAND_TOTAL = 57_106_398
N_SUB_ICB = 106
N_ICB = 42
N_REGION = 7
MAX_AGE = 90  # ONS single year 90 = "90 and over"
OPEN_AGE_TO = 120  # prevalence band 75+ is written 75-120; 120 stands for "and over"

CMD_DISORDERS = {
    "GAD": "gad",
    "Depressive episode": "depression",
    "Phobias": "phobias",
    "OCD": "ocd",
    "Panic disorder": "panic",
    "CMD-NOS": "mixed",
    "Any CMD": "any",
}
PTSD_MEASURE = "PTSD screen positive"
DISORDER_ORDER = ["depression", "gad", "panic", "phobias", "ocd", "mixed", "ptsd", "any"]
SEXES = {"Men": "M", "Women": "F", "All adults": "all"}
SEX_ORDER = ["M", "F", "all"]
AGE_BANDS = ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]
SUMMARY_BAND = "16+"
CMD_SOURCE = "APMS 2014 Table 2.3 (NHS Digital 2016)"
PTSD_SOURCE = "APMS 2014 Table 4.1 (NHS Digital 2016); past-month PCL-C screen"


def fail(msg):
    sys.exit(f"convert_data: error: {msg}")


def read_rows(path):
    """Read a CSV as a list of dicts, tolerating a UTF-8 BOM on the header."""
    if not path.is_file():
        fail(f"missing source file {path}")
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(name, header, rows):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    (OUT / name).write_bytes(data)
    print(f"wrote data/{name}: {len(rows)} data rows")


def to_int(value, where):
    try:
        n = int(value)
    except ValueError:
        fail(f"{where}: not an integer: {value!r}")
    if n < 0:
        fail(f"{where}: negative count {n}")
    return n


def population(src):
    rows = read_rows(src / POP_FILE)
    if len(rows) != N_SUB_ICB:
        fail(f"{POP_FILE}: expected {N_SUB_ICB} sub-ICB rows, found {len(rows)}")
    out = []
    grand = 0
    seen = set()
    for r in rows:
        code = r["SICBL 2023 Code"].strip()
        if code in seen:
            fail(f"{POP_FILE}: duplicate area {code}")
        seen.add(code)
        area_sum = 0
        for sex in ("F", "M"):
            for age in range(MAX_AGE + 1):
                col = f"{sex}{age}"
                if col not in r:
                    fail(f"{POP_FILE}: missing column {col}")
                n = to_int(r[col], f"{POP_FILE} {code} {col}")
                area_sum += n
                out.append([code, age, age, sex, n])
        total = to_int(r["Total"], f"{POP_FILE} {code} Total")
        if area_sum != total:
            fail(f"{POP_FILE}: {code} F+M sum {area_sum} != Total {total}")
        grand += area_sum
    if grand != ENGLAND_TOTAL:
        fail(f"{POP_FILE}: England sum {grand} != {ENGLAND_TOTAL}")
    write_csv("population.csv", ["area_code", "age_from", "age_to", "sex", "population"], out)
    return rows


# APMS 2014 reports the nine former Government Office Regions; the embedded areas are the
# seven NHS England regions. Five are the same area under another name; two NHS regions each
# join two former regions, and their ICBs say which part is which. Boundary differences
# smaller than an ICB (North Cumbria, Milton Keynes, Glossop) are ignored.
NHS_REGION_OF_FORMER = {
    "London": "London",
    "South East": "South East",
    "South West": "South West",
    "East of England": "East of England",
    "North West": "North West",
    "East Midlands": "Midlands",
    "West Midlands": "Midlands",
    "North East": "North East and Yorkshire",
    "Yorkshire & the Humber": "North East and Yorkshire",
}
# The ICBs (2023) of the merged NHS regions by former region, to weight the two parts.
FORMER_REGION_OF_ICB = {
    "E54000050": "North East",  # North East and North Cumbria
    "E54000051": "Yorkshire & the Humber",  # Humber and North Yorkshire
    "E54000054": "Yorkshire & the Humber",  # West Yorkshire
    "E54000061": "Yorkshire & the Humber",  # South Yorkshire
    "E54000013": "East Midlands",  # Lincolnshire
    "E54000015": "East Midlands",  # Leicester, Leicestershire and Rutland
    "E54000058": "East Midlands",  # Derby and Derbyshire
    "E54000059": "East Midlands",  # Northamptonshire
    "E54000060": "East Midlands",  # Nottingham and Nottinghamshire
    "E54000010": "West Midlands",  # Staffordshire and Stoke-on-Trent
    "E54000011": "West Midlands",  # Shropshire, Telford and Wrekin
    "E54000018": "West Midlands",  # Coventry and Warwickshire
    "E54000019": "West Midlands",  # Herefordshire and Worcestershire
    "E54000055": "West Midlands",  # Birmingham and Solihull
    "E54000062": "West Midlands",  # Black Country
}
APMS_MIN_AGE = 16  # APMS 2014 rates are of adults aged 16 and over
# The age window of the default preset (obc: people aged 16 to 74): the factors are normalised
# on the prevalent cases the model counts there, so that England's totals do not move.
NORMALISE_AGES = (16, 74)


def local_need(src, pop_rows, any_rate):
    """The prevalence factor of each NHS region (by region name): its age-standardised rate of
    any common mental disorder (APMS 2014 Table 2.11, all adults) over England's, normalised
    so that England's prevalent cases in NORMALISE_AGES do not change."""
    former = {}
    for r in read_rows(src / REGION_FILE):
        if (r["basis"], r["sex"], r["disorder"]) != ("age-standardised", "All adults", "Any CMD"):
            continue
        where = f"{REGION_FILE} {r['region']}"
        if r["region"] not in NHS_REGION_OF_FORMER:
            fail(f"{where}: unknown region")
        if r["region"] in former:
            fail(f"{where}: duplicate row")
        former[r["region"]] = float(rate(r["prevalence_pct"], where))
    if set(former) != set(NHS_REGION_OF_FORMER):
        fail(f"{REGION_FILE}: expected the nine regions, missing {sorted(set(NHS_REGION_OF_FORMER) - set(former))}")

    # Per NHS region: adults 16+ by former region (to merge two), and the prevalent cases the
    # model counts in NORMALISE_AGES at England's age-sex rates (to normalise).
    adults = {}  # (NHS region, former region) -> people 16+
    expected_cases = {}  # NHS region -> cases
    icbs_seen = {}
    lo, hi = NORMALISE_AGES
    for r in pop_rows:
        reg = r["NSHER 2023 Name"].strip()
        icb = r["ICB 2023 Code"].strip()
        parts = [f for f, n in NHS_REGION_OF_FORMER.items() if n == reg]
        if not parts:
            fail(f"{POP_FILE}: NHS region {reg!r} has no former region in APMS 2014 Table 2.11")
        if len(parts) == 1:
            part = parts[0]
        elif FORMER_REGION_OF_ICB.get(icb) in parts:
            part = FORMER_REGION_OF_ICB[icb]
        else:
            fail(f"{POP_FILE}: ICB {icb} of {reg} is not assigned to one of {parts}")
        icbs_seen[icb] = reg
        for sex in ("F", "M"):
            for age in range(APMS_MIN_AGE, MAX_AGE + 1):
                n = int(r[f"{sex}{age}"])
                adults[(reg, part)] = adults.get((reg, part), 0) + n
                if lo <= age <= hi:
                    expected_cases[reg] = expected_cases.get(reg, 0.0) + n * any_rate[(sex, age)]
    if not set(FORMER_REGION_OF_ICB) <= set(icbs_seen):
        fail(f"{POP_FILE}: ICBs of FORMER_REGION_OF_ICB not found: {sorted(set(FORMER_REGION_OF_ICB) - set(icbs_seen))}")

    regional = {}
    for reg in sorted(expected_cases):
        parts = sorted(f for f, n in NHS_REGION_OF_FORMER.items() if n == reg)
        people = sum(adults[(reg, f)] for f in parts)
        regional[reg] = sum(former[f] * adults[(reg, f)] for f in parts) / people
    # England's rate is the regions' mean weighted by their prevalent cases: over it, the
    # factors leave England's count of cases as it was.
    england = sum(regional[g] * expected_cases[g] for g in sorted(regional)) / sum(
        expected_cases[g] for g in sorted(regional)
    )
    factors = {g: regional[g] / england for g in sorted(regional)}
    for g in sorted(factors):
        print(f"  prevalence_factor {g}: {factors[g]:.4f} (any CMD {regional[g] * 100:.2f}% age-standardised)")
    return factors


def areas(src, pop_rows, factors):
    icb_names = {}
    icb_ods = {}
    for r in read_rows(src / ICB_FILE):
        code = r["ICB23CD"].strip()
        if code in icb_names:
            fail(f"{ICB_FILE}: duplicate ICB {code}")
        icb_names[code] = r["ICB23NM"].strip()
        # ICB23CDH is the ICB's ODS code (e.g. QOP for NHS Greater Manchester).
        ods = r["ICB23CDH"].strip()
        if not ODS_ICB.fullmatch(ods):
            fail(f"{ICB_FILE}: {code}: ICB23CDH {ods!r} is not an ICB ODS code (Q and two characters)")
        icb_ods[code] = ods
    if len(set(icb_ods.values())) != len(icb_ods):
        fail(f"{ICB_FILE}: two ICBs share an ODS code")
    if len(icb_names) != N_ICB:
        fail(f"{ICB_FILE}: expected {N_ICB} ICBs, found {len(icb_names)}")

    regions = {}
    icb_region = {}
    subs = {}
    for r in pop_rows:
        sub = r["SICBL 2023 Code"].strip()
        icb = r["ICB 2023 Code"].strip()
        reg = r["NHSER 2023 Code"].strip()
        reg_name = r["NSHER 2023 Name"].strip()  # sic: the source header says NSHER
        if regions.setdefault(reg, reg_name) != reg_name:
            fail(f"{POP_FILE}: region {reg} has two names")
        if icb_region.setdefault(icb, reg) != reg:
            fail(f"{POP_FILE}: ICB {icb} is in two regions")
        name = r["SICBL 2023 Name"].strip()
        # ONS names a sub-ICB location after its ICB with its ODS code appended
        # ("NHS Greater Manchester ICB - 00T"); that suffix is the only source of the code here.
        m = SUB_ICB_NAME.fullmatch(name)
        if not m:
            fail(f"{POP_FILE}: {sub}: name {name!r} does not end in ' - ' and an ODS code")
        subs[sub] = (name, icb, m.group(1))

    if set(icb_region) != set(icb_names):
        only_pop = sorted(set(icb_region) - set(icb_names))
        only_icb = sorted(set(icb_names) - set(icb_region))
        fail(f"ICB codes disagree: only in population {only_pop}, only in ICB list {only_icb}")
    if len(regions) != N_REGION:
        fail(f"{POP_FILE}: expected {N_REGION} regions, found {len(regions)}")

    # Regions are matched by name: "LONDON COMMISSIONING REGION" is London.
    region_ods = {}
    nhstt_icbs = set()
    for r in read_rows(src / NHSTT_FILE):
        if r["org_type"] == "Commissioning Region" and r["org_code"] != "UNKNOWN":
            name = r["org_name"].strip().upper().removesuffix(" COMMISSIONING REGION")
            region_ods[name] = r["org_code"].strip()
        elif r["org_type"] == "ICB" and r["org_code"] != "UNKNOWN":
            nhstt_icbs.add(r["org_code"].strip())
    region_code_ods = {}
    for code, name in regions.items():
        if name.upper() not in region_ods:
            fail(f"{NHSTT_FILE}: no commissioning region named like {name} ({code})")
        region_code_ods[code] = region_ods[name.upper()]
    if len(region_ods) != N_REGION:
        fail(f"{NHSTT_FILE}: expected {N_REGION} commissioning regions, found {sorted(region_ods)}")
    if nhstt_icbs != set(icb_ods.values()):
        fail(f"ICB ODS codes disagree: {ICB_FILE} {sorted(set(icb_ods.values()) - nhstt_icbs)}, {NHSTT_FILE} {sorted(nhstt_icbs - set(icb_ods.values()))}")

    sub_ods = [subs[c][2] for c in subs]
    every_ods = sub_ods + list(icb_ods.values()) + list(region_code_ods.values())
    if len(set(every_ods)) != len(every_ods):
        fail("an ODS code is used by two areas")

    # England has no ODS code in these sources: left blank.
    out = [[ENGLAND_CODE, "England", "country", "", "", ""]]
    # Regions carry the factor; their ICBs and sub-ICB locations inherit it (the model
    # multiplies the factors of an area and its ancestors).
    out += [[c, regions[c], "region", ENGLAND_CODE, repr(factors[regions[c]]), region_code_ods[c]] for c in sorted(regions)]
    out += [[c, icb_names[c], "icb", icb_region[c], "", icb_ods[c]] for c in sorted(icb_names)]
    out += [[c, subs[c][0], "sub-icb", subs[c][1], "", subs[c][2]] for c in sorted(subs)]
    header = ["area_code", "area_name", "level", "parent_code", "prevalence_factor", "ods_code"]
    write_csv("areas.csv", header, out)


def rate(pct, where):
    try:
        d = Decimal(pct.strip())
    except Exception:
        fail(f"{where}: not a number: {pct!r}")
    if not (0 <= d <= 100):
        fail(f"{where}: per cent out of range: {pct}")
    s = format((d / 100).normalize(), "f")
    return s


def band(label, where):
    if label.endswith("+"):
        return int(label[:-1]), OPEN_AGE_TO
    lo, hi = label.split("-")
    a, b = int(lo), int(hi)
    if a > b:
        fail(f"{where}: bad age band {label}")
    return a, b


def add_rate(table, key, value, where):
    if key in table:
        fail(f"{where}: duplicate row {key}")
    table[key] = value


def prevalence(src):
    table = {}  # (disorder, sex, band) -> (rate, source)
    for r in read_rows(src / CMD_FILE):
        where = f"{CMD_FILE} {r['sex']} {r['age_band']} {r['disorder']}"
        if r["age_band"] == SUMMARY_BAND:
            continue
        if r["disorder"] not in CMD_DISORDERS:
            fail(f"{where}: unknown disorder")
        if r["sex"] not in SEXES or r["age_band"] not in AGE_BANDS:
            fail(f"{where}: unknown sex or age band")
        key = (CMD_DISORDERS[r["disorder"]], SEXES[r["sex"]], r["age_band"])
        add_rate(table, key, (rate(r["prevalence_pct"], where), CMD_SOURCE), where)
    for r in read_rows(src / PTSD_FILE):
        where = f"{PTSD_FILE} {r['sex']} {r['age_band']} {r['measure']}"
        if r["age_band"] == SUMMARY_BAND or r["measure"] != PTSD_MEASURE:
            continue
        if r["sex"] not in SEXES or r["age_band"] not in AGE_BANDS:
            fail(f"{where}: unknown sex or age band")
        key = ("ptsd", SEXES[r["sex"]], r["age_band"])
        add_rate(table, key, (rate(r["value_pct_as_displayed_1dp"], where), PTSD_SOURCE), where)

    out = []
    for d in DISORDER_ORDER:
        for s in SEX_ORDER:
            for b in AGE_BANDS:
                if (d, s, b) not in table:
                    fail(f"prevalence: missing {d} {s} {b}")
                lo, hi = band(b, "prevalence")
                r, source = table[(d, s, b)]
                out.append([d, lo, hi, s, r, source])
    expected = len(DISORDER_ORDER) * len(SEX_ORDER) * len(AGE_BANDS)
    if len(out) != expected or len(table) != expected:
        fail(f"prevalence: expected {expected} rows, found {len(table)}")
    write_csv("prevalence.csv", ["disorder", "age_from", "age_to", "sex", "rate", "source"], out)
    # The rate of any CMD by (sex, single year of age), as the model reads it, for local_need.
    any_rate = {}
    for d, lo, hi, s, r, _ in out:
        if d == "any" and s in ("F", "M"):
            for age in range(lo, min(hi, MAX_AGE) + 1):
                any_rate[(s, age)] = float(r)
    return any_rate


# The NHS Talking Therapies annual report measures `capacity` reads (src/observed.rs): the
# headline counts, finished courses by step and by wait from referral to first treatment,
# and recovery. Everything else is left out to keep the embedded copy small.
OBSERVED_MEASURES = {
    ("Total", "NULL", "NULL", "referrals_received", "count"),
    ("Total", "NULL", "NULL", "finished_course_treatment", "count"),
    ("Total", "NULL", "NULL", "recovery", "percentage"),
    ("Stepped Care Pathway", "Received only low intensity therapy", "NULL", "finished_course_treatment", "count"),
    ("Stepped Care Pathway", "Received only high intensity therapy", "NULL", "finished_course_treatment", "count"),
    ("Stepped Care Pathway", "Received both high and low intensity therapy", "NULL", "finished_course_treatment", "count"),
    ("Waiting Time", "Accessing services", "<6 weeks", "finished_course_treatment", "count"),
    ("Waiting Time", "Accessing services", "<18 weeks", "finished_course_treatment", "count"),
}

OBSERVED_COLUMNS = ["reporting_period", "org_type", "org_code", "org_name", "variable_type",
                    "variable_a", "variable_b", "measure_name", "measure_statistic", "value"]


def observed(src):
    """data/nhstt_annual.csv: the measures above, values unchanged (`*` suppressed), for
    England, the commissioning regions and the ICBs, every year in the source."""
    rows = []
    for r in read_rows(src / "nhstt_annual_2022-23_2023-24_long.csv"):
        key = (r["variable_type"], r["variable_a"], r["variable_b"], r["measure_name"],
               r["measure_statistic"])
        if key in OBSERVED_MEASURES and r["org_code"] != "UNKNOWN":
            rows.append([r[c] for c in OBSERVED_COLUMNS])
    england = [r for r in rows if r[1] == "England" and r[0] == "2023-24"
               and r[7] == "referrals_received"]
    if not england or england[0][9] != "1829202":
        fail("nhstt annual: England 2023-24 referrals are not the published 1,829,202")
    write_csv("nhstt_annual.csv", OBSERVED_COLUMNS, rows)


def main(argv):
    if len(argv) > 2:
        sys.exit(__doc__)
    src = Path(argv[1]).resolve() if len(argv) == 2 else (REPO.parent / "shared" / "data").resolve()
    if not src.is_dir():
        fail(f"source directory not found: {src}")
    OUT.mkdir(exist_ok=True)
    pop_rows = population(src)
    any_rate = prevalence(src)
    areas(src, pop_rows, local_need(src, pop_rows, any_rate))
    observed(src)


if __name__ == "__main__":
    main(sys.argv)
