//! Finding an area as a person names it: by ONS code (E54000057), NHS ODS code (QOP) or name
//! ("Greater Manchester"), in any case, with the closest matches offered when nothing fits.

use crate::model::geography::Geography;

/// How many near matches an "unknown area" message offers.
const SUGGESTED: usize = 5;

/// A name without the words every NHS body's name has, for matching what people type:
/// "NHS Greater Manchester Integrated Care Board" -> "greater manchester".
fn short_name(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let lower = lower.strip_prefix("nhs ").unwrap_or(&lower);
    let lower = lower
        .strip_suffix(" integrated care board")
        .or_else(|| lower.strip_suffix(" icb"))
        .unwrap_or(lower);
    lower.trim().to_string()
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The area a query names, or why none is: tried as an exact code, then as a code, ODS code,
/// name or name without "NHS ... Integrated Care Board" in any case. Several areas with one
/// name is an error listing them (a code is then needed).
pub fn resolve(geo: &Geography, query: &str) -> Result<usize, String> {
    if let Some(i) = geo.find(query) {
        return Ok(i);
    }
    let q = query.trim();
    let tests: [&dyn Fn(usize) -> bool; 4] = [
        &|i| same(&geo.areas[i].code, q),
        &|i| geo.areas[i].ods_code.as_deref().is_some_and(|o| same(o, q)),
        &|i| same(&geo.areas[i].name, q),
        &|i| short_name(&geo.areas[i].name) == short_name(q),
    ];
    for test in tests {
        let found: Vec<usize> = (0..geo.areas.len()).filter(|&i| test(i)).collect();
        match found.as_slice() {
            [] => {}
            [one] => return Ok(*one),
            many => {
                return Err(format!(
                    "'{q}' names {} areas in {} ({}); give one area's code",
                    many.len(),
                    geo.source,
                    many.iter()
                        .map(|&i| describe(geo, i))
                        .collect::<Vec<_>>()
                        .join("; ")
                ))
            }
        }
    }
    Err(unknown(geo, q))
}

/// "no area X in SOURCE", with the closest areas by code and name.
pub fn unknown(geo: &Geography, query: &str) -> String {
    let near = suggest(geo, query, SUGGESTED);
    let hint = if near.is_empty() {
        format!(
            "expected an ONS code, ODS code or name such as {}",
            geo.example_codes(3)
        )
    } else {
        format!(
            "closest: {}",
            near.iter()
                .map(|&i| describe(geo, i))
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    format!(
        "no area {query} in {}; {hint} (`capacity areas` lists every area)",
        geo.source
    )
}

/// "E54000057 QOP NHS Greater Manchester Integrated Care Board (icb)".
pub fn describe(geo: &Geography, i: usize) -> String {
    let a = &geo.areas[i];
    match &a.ods_code {
        Some(ods) => format!("{} {ods} {} ({})", a.code, a.name, a.level),
        None => format!("{} {} ({})", a.code, a.name, a.level),
    }
}

/// The areas whose code, ODS code or name holds the query (any case), in file order.
pub fn containing(geo: &Geography, query: &str) -> Vec<usize> {
    let q = query.trim().to_lowercase();
    (0..geo.areas.len())
        .filter(|&i| {
            let a = &geo.areas[i];
            a.code.to_lowercase().contains(&q)
                || a.name.to_lowercase().contains(&q)
                || a.ods_code
                    .as_deref()
                    .is_some_and(|o| o.to_lowercase().contains(&q))
        })
        .collect()
}

/// Up to `n` areas nearest the query: those holding it first (higher levels first, so an ICB
/// comes before its sub-ICB locations), then those within a few typing slips of a code, an
/// ODS code, the name or a run of the name's words.
pub fn suggest(geo: &Geography, query: &str, n: usize) -> Vec<usize> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    // Slips allowed: about one in three characters, at least one.
    let allowed = (q.chars().count() / 3).max(1);
    let words_in_query = q.split_whitespace().count().max(1);
    let mut scored: Vec<(usize, usize, usize)> = Vec::new(); // (distance, depth, index)
    for (i, a) in geo.areas.iter().enumerate() {
        let name = a.name.to_lowercase();
        let contains = a.code.to_lowercase().contains(&q)
            || name.contains(&q)
            || a.ods_code
                .as_deref()
                .is_some_and(|o| o.to_lowercase().contains(&q));
        let distance = if contains {
            0
        } else {
            let mut best = edit_distance(&q, &a.code.to_lowercase())
                .min(edit_distance(&q, &short_name(&a.name)));
            if let Some(o) = &a.ods_code {
                best = best.min(edit_distance(&q, &o.to_lowercase()));
            }
            let words: Vec<&str> = name.split_whitespace().collect();
            for run in words.windows(words_in_query.min(words.len()).max(1)) {
                best = best.min(edit_distance(&q, &run.join(" ")));
            }
            best
        };
        if distance <= allowed {
            scored.push((distance, geo.ancestors(i).count(), i));
        }
    }
    scored.sort_unstable();
    scored.into_iter().take(n).map(|(_, _, i)| i).collect()
}

/// The level of the areas file a query names, in any case ("ICB" -> "icb").
pub fn level(geo: &Geography, query: &str) -> Option<String> {
    geo.levels().into_iter().find(|l| same(l, query))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            row[j + 1] = substitute.min(prev[j + 1] + 1).min(row[j] + 1);
        }
        std::mem::swap(&mut prev, &mut row);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded;

    fn england() -> Geography {
        Geography::build(
            Some(&embedded::areas().unwrap()),
            &embedded::population().unwrap(),
        )
        .unwrap()
    }

    fn code(geo: &Geography, q: &str) -> String {
        geo.areas[resolve(geo, q).unwrap()].code.clone()
    }

    #[test]
    fn codes_ods_codes_and_names_in_any_case() {
        let geo = england();
        for q in [
            "E54000057",
            "e54000057",
            "QOP",
            "qop",
            "Greater Manchester",
            "greater manchester",
            "NHS Greater Manchester Integrated Care Board",
            "NHS Greater Manchester ICB",
        ] {
            assert_eq!(code(&geo, q), "E54000057", "{q}");
        }
        assert_eq!(code(&geo, "00t"), "E38000016");
        assert_eq!(code(&geo, "london"), "E40000003");
    }

    #[test]
    fn unknown_areas_get_the_nearest_by_name_and_code() {
        let geo = england();
        let e = resolve(&geo, "Greater Manchestr").unwrap_err();
        assert!(e.starts_with("no area Greater Manchestr in"), "{e}");
        assert!(e.contains("E54000057 QOP NHS Greater Manchester"), "{e}");
        // A one-character slip in a code.
        let e = resolve(&geo, "Q0P").unwrap_err();
        assert!(e.contains("E54000057 QOP"), "{e}");
        // Not the first codes of the file.
        assert!(!e.contains("E92000001"), "{e}");
        let e = resolve(&geo, "zzzzzzzz").unwrap_err();
        assert!(e.contains("expected an ONS code, ODS code or name"), "{e}");
    }

    #[test]
    fn levels_in_any_case() {
        let geo = england();
        assert_eq!(level(&geo, "ICB").as_deref(), Some("icb"));
        assert_eq!(level(&geo, "Sub-ICB").as_deref(), Some("sub-icb"));
        assert_eq!(level(&geo, "county"), None);
    }

    #[test]
    fn edit_distance_counts_slips() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("qop", "qop"), 0);
    }
}
