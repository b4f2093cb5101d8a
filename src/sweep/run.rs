//! Evaluating a sweep: runs in fixed-size chunks, each chunk evaluated sequentially, chunks
//! in parallel with rayon and gathered in order. The chunking does not depend on the thread
//! count, and every output value has one place, so the results are the same bytes whatever
//! the number of threads.

use std::io::{self, Write};
use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;

use crate::model::PerIntensity;

use super::fast::{q, FastModel};
use super::fields::{
    self, field_column, field_value, needs_detail, quantities_of, Detail, Kind, StaffingPlan,
    FIELDS,
};
use super::plan::Plan;

/// Runs evaluated one after the other by one task.
pub const CHUNK_RUNS: usize = 512;
/// The same when writing rows: smaller, so that the text of the chunks in flight stays small.
/// (Chunking does not change any value: each run is evaluated on its own.)
pub const ROWS_CHUNK_RUNS: usize = 64;

/// A reported area's labels (the total last, as in `capacity model`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaLabel {
    pub code: String,
    pub name: String,
    pub level: String,
}

/// One column of values per (output, area), each over a contiguous range of runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub first_run: u64,
    /// Indices into `fast::FIELDS`.
    pub outputs: Vec<usize>,
    /// Reported areas plus the total.
    pub areas: usize,
    /// `data[output * areas + area][run - first_run]`.
    pub data: Vec<Vec<f64>>,
}

impl Columns {
    pub fn runs(&self) -> usize {
        self.data.first().map_or(0, Vec::len)
    }

    pub fn column(&self, output: usize, area: usize) -> &[f64] {
        &self.data[output * self.areas + area]
    }
}

/// Bytes a rows file holds per row, roughly, for checking free disk space.
pub fn bytes_per_row_estimate(formatter: &RowFormat) -> usize {
    formatter.widest_prefix + 16 * FIELDS.len() + 12 * formatter.params + 16
}

/// Pre-escaped text of the rows file.
#[derive(Debug, Clone)]
pub struct RowFormat {
    /// Per area and the total: `,code`.
    codes: Vec<Vec<u8>>,
    /// Per area and the total: `,name,level`.
    labels: Vec<Vec<u8>>,
    params: usize,
    widest_prefix: usize,
}

fn csv_field(s: &str) -> Vec<u8> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into_bytes()
    } else {
        s.as_bytes().to_vec()
    }
}

impl RowFormat {
    pub fn new(areas: &[AreaLabel], params: usize) -> RowFormat {
        let codes: Vec<Vec<u8>> = areas
            .iter()
            .map(|a| [b",".as_slice(), &csv_field(&a.code)].concat())
            .collect();
        let labels: Vec<Vec<u8>> = areas
            .iter()
            .map(|a| {
                [
                    b",".as_slice(),
                    &csv_field(&a.name),
                    b",",
                    &csv_field(&a.level),
                ]
                .concat()
            })
            .collect();
        let widest_prefix = codes
            .iter()
            .zip(&labels)
            .map(|(c, l)| c.len() + l.len())
            .max()
            .unwrap_or(0);
        RowFormat {
            codes,
            labels,
            params,
            widest_prefix,
        }
    }

    /// `run,area_code,<param paths>,area_name,level,<fields>`.
    pub fn header(param_paths: &[String]) -> String {
        let mut h = vec!["run".to_string(), "area_code".to_string()];
        h.extend(
            param_paths
                .iter()
                .map(|p| String::from_utf8(csv_field(p)).expect("utf-8")),
        );
        h.push("area_name".into());
        h.push("level".into());
        h.extend(FIELDS.iter().map(|(f, _)| f.to_string()));
        let mut s = h.join(",");
        s.push('\n');
        s
    }
}

/// Shortest text that reads back as the same number (zmij, as serde_json writes, so rows
/// match `capacity model --format csv`); empty for a missing value.
#[inline]
pub fn push_number(out: &mut Vec<u8>, x: Option<f64>, buf: &mut zmij::Buffer) {
    if let Some(x) = x {
        if x.is_finite() {
            push_short(out, buf.format_finite(x).as_bytes());
        }
    }
}

/// `extend_from_slice` for the short texts of a row (a number, a code), with fixed-size
/// copies instead of a call to memcpy: a row has fifty of them.
#[inline]
fn push_short(out: &mut Vec<u8>, s: &[u8]) {
    let n = s.len();
    if !(4..=32).contains(&n) {
        out.extend_from_slice(s);
        return;
    }
    out.reserve(32);
    let len = out.len();
    // SAFETY: after `reserve(32)` the capacity is at least len + 32 >= len + n, so every
    // write below, into [len, len + n), is inside the allocation; every read is inside `s`
    // (each pair of fixed-size copies covers the first and the last bytes of s, overlapping
    // in the middle); `set_len` then covers exactly the n bytes written.
    unsafe {
        let src = s.as_ptr();
        let dst = out.as_mut_ptr().add(len);
        if n >= 16 {
            std::ptr::copy_nonoverlapping(src, dst, 16);
            std::ptr::copy_nonoverlapping(src.add(n - 16), dst.add(n - 16), 16);
        } else if n >= 8 {
            std::ptr::copy_nonoverlapping(src, dst, 8);
            std::ptr::copy_nonoverlapping(src.add(n - 8), dst.add(n - 8), 8);
        } else {
            std::ptr::copy_nonoverlapping(src, dst, 4);
            std::ptr::copy_nonoverlapping(src.add(n - 4), dst.add(n - 4), 4);
        }
        out.set_len(len + n);
    }
}

/// A sweep ready to evaluate: the compiled model, the plan of runs, what to keep.
pub struct Engine<'a> {
    pub model: &'a FastModel,
    pub plan: &'a Plan,
    /// Where each run's workforce settings come from (for the workforce fields).
    pub staffing: &'a StaffingPlan,
    /// Fields (indices into `fields::FIELDS`) kept in columns for the summary.
    pub outputs: Vec<usize>,
}

impl Engine<'_> {
    fn quantities(&self, rows: bool) -> Vec<usize> {
        if rows {
            return (0..q::COUNT).collect();
        }
        let mut need: Vec<usize> = self
            .outputs
            .iter()
            .flat_map(|&f| quantities_of(f).iter().copied())
            .collect();
        need.sort_unstable();
        need.dedup();
        need
    }

    /// Evaluates `runs`, keeping the output columns and, given a writer, streaming every row
    /// (without a header) to it in run order. `progress` is told how many runs each finished
    /// chunk held.
    pub fn run(
        &self,
        runs: Range<u64>,
        mut rows: Option<(&mut (dyn Write + Send), &RowFormat)>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> io::Result<Columns> {
        let n = (runs.end - runs.start) as usize;
        let areas = self.model.areas() + 1;
        let ncols = self.outputs.len() * areas;
        // Zeroed memory comes lazily from the system: pages are touched by the workers.
        let mut data: Vec<Vec<f64>> = (0..ncols).map(|_| vec![0.0; n]).collect();
        let format = rows.as_ref().map(|(_, f)| *f);
        let chunk_runs = if format.is_some() {
            ROWS_CHUNK_RUNS
        } else {
            CHUNK_RUNS
        };
        let nchunks = n.div_ceil(chunk_runs);
        let mut chunks: Vec<Vec<&mut [f64]>> =
            (0..nchunks).map(|_| Vec::with_capacity(ncols)).collect();
        for col in data.iter_mut() {
            for (i, part) in col.chunks_mut(chunk_runs).enumerate() {
                chunks[i].push(part);
            }
        }

        let need = self.quantities(format.is_some());
        // With rows, a bounded number of chunks is in memory at once (memory does not grow
        // with the rows written), their text buffers are reused, and one batch is written
        // while the next is computed.
        let batch = if format.is_some() {
            4 * rayon::current_num_threads().max(1)
        } else {
            nchunks.max(1)
        };
        let pool: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
        let compute = |work: Vec<(usize, Vec<&mut [f64]>)>| -> Vec<Vec<u8>> {
            work.into_par_iter()
                .map(|(i, mut cols)| {
                    let start = runs.start + (i * chunk_runs) as u64;
                    let end = (start + chunk_runs as u64).min(runs.end);
                    let buffer = pool.lock().map(|mut p| p.pop()).ok().flatten();
                    let text = self.chunk(start..end, &mut cols, &need, format, buffer);
                    progress(end - start);
                    text
                })
                .collect()
        };
        let mut pending = chunks.into_iter().enumerate().peekable();
        let mut written: Vec<Vec<u8>> = Vec::new();
        while pending.peek().is_some() || !written.is_empty() {
            let work: Vec<(usize, Vec<&mut [f64]>)> = pending.by_ref().take(batch).collect();
            let (done, texts) = rayon::join(
                || -> io::Result<()> {
                    if let Some((w, _)) = rows.as_mut() {
                        for t in &written {
                            w.write_all(t)?;
                        }
                    }
                    Ok(())
                },
                || compute(work),
            );
            done?;
            if let Ok(mut p) = pool.lock() {
                p.extend(written.drain(..).map(|mut t| {
                    t.clear();
                    t
                }));
            }
            written = texts.into_iter().filter(|t| !t.is_empty()).collect();
        }
        Ok(Columns {
            first_run: runs.start,
            outputs: self.outputs.clone(),
            areas,
            data,
        })
    }

    /// One chunk: the output columns and, if asked, the rows' text. The runs' coefficients
    /// are worked out run after run; then each area's quantities for all the chunk's runs at
    /// once (a loop the compiler vectorises), summed into the total in area order.
    fn chunk(
        &self,
        runs: Range<u64>,
        cols: &mut [&mut [f64]],
        need: &[usize],
        format: Option<&RowFormat>,
        buffer: Option<Vec<u8>>,
    ) -> Vec<u8> {
        let model = self.model;
        let areas = model.areas();
        let m = (runs.end - runs.start) as usize;
        let nt = model.term_count();
        // Buffers hold the needed quantities only: pos[quantity] is the place of one.
        let nq = need.len();
        let mut pos = [usize::MAX; q::COUNT];
        for (k, &quantity) in need.iter().enumerate() {
            pos[quantity] = k;
        }
        let detail_wanted = format.is_some() || self.outputs.iter().any(|&f| needs_detail(f));
        let mut x = vec![0.0; self.plan.params()];
        let mut ctx = model.new_context();
        // factors[(pos * nt + term) * m + run]
        let mut factors = vec![0.0; nq * nt * m];
        let mut per_low = vec![0.0; m];
        let mut per_high = vec![0.0; m];
        let mut num = zmij::Buffer::new();
        let mut params_text: Vec<Vec<u8>> = Vec::new();
        let mut staffing = Vec::new();
        for (i, run) in runs.clone().enumerate() {
            self.plan.values(run, &mut x);
            model.prepare_run(&x, &mut ctx);
            for (k, &quantity) in need.iter().enumerate() {
                for t in 0..nt {
                    factors[(k * nt + t) * m + i] = model.factor(&ctx, quantity, t);
                }
            }
            per_low[i] = ctx.per_wte.low;
            per_high[i] = ctx.per_wte.high;
            if detail_wanted {
                staffing.push(self.staffing.for_run(&x));
            }
            if format.is_some() {
                let mut text = Vec::with_capacity(20 * x.len());
                for &p in &x {
                    text.push(b',');
                    push_number(&mut text, Some(p), &mut num);
                }
                params_text.push(text);
            }
        }
        // The workforce detail of run i, from a block of quantities.
        let detail_of = |source: &[f64], constants: &fields::RowConstants, i: usize| {
            let at = |quantity: usize| match pos[quantity] {
                usize::MAX => 0.0,
                k => source[k * m + i],
            };
            staffing[i].detail(
                PerIntensity {
                    low: at(q::LOW_WTE),
                    high: at(q::HIGH_WTE),
                },
                constants.population_in_scope,
                constants.current,
                at(q::MEDICATION_ONLY),
            )
        };

        // values[(slot * nq + pos) * m + run]; with rows every area keeps a slot.
        let slots = if format.is_some() { areas } else { 1 };
        let mut values = vec![0.0; slots * nq * m];
        let mut totals = vec![0.0; nq * m];
        for area in 0..=areas {
            let slot = if format.is_some() { area } else { 0 };
            if area < areas {
                for k in 0..nq {
                    let at = (slot * nq + k) * m;
                    let out = &mut values[at..at + m];
                    out.fill(0.0);
                    for (t, weight) in model.terms_of(area) {
                        let f = &factors[(k * nt + t) * m..][..m];
                        for (o, &f) in out.iter_mut().zip(f) {
                            *o += f * weight;
                        }
                    }
                    let total = &mut totals[k * m..(k + 1) * m];
                    for (t, &o) in total.iter_mut().zip(out.iter()) {
                        *t += o;
                    }
                }
            }
            let source: &[f64] = if area < areas {
                &values[slot * nq * m..(slot + 1) * nq * m]
            } else {
                &totals
            };
            let constants = model.constants(area);
            let of = |quantity: usize| -> &[f64] {
                match pos[quantity] {
                    usize::MAX => &[],
                    k => &source[k * m..(k + 1) * m],
                }
            };
            for (o, &field) in self.outputs.iter().enumerate() {
                field_column(
                    field,
                    of,
                    constants,
                    (&per_low, &per_high),
                    &|i| detail_of(source, constants, i),
                    &mut cols[o * (areas + 1) + area][..m],
                );
            }
        }

        let Some(f) = format else {
            return Vec::new();
        };
        // Fields 19 to 22 are the run's episodes per WTE and the area's current staff:
        // written once per run and once per area, not once per row.
        debug_assert_eq!(
            [19, 20, 21, 22].map(fields::name),
            [
                "low_episodes_per_wte",
                "high_episodes_per_wte",
                "current_low_wte",
                "current_high_wte"
            ]
        );
        let mut area_text: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(areas + 1);
        for area in 0..=areas {
            let k = model.constants(area);
            let mut pop = vec![b','];
            push_number(&mut pop, Some(k.population_in_scope), &mut num);
            let mut current = Vec::new();
            for v in [k.current.low, k.current.high] {
                current.push(b',');
                push_number(&mut current, Some(v), &mut num);
            }
            area_text.push((pop, current));
        }
        let estimate = f.widest_prefix + 24 * (FIELDS.len() + f.params) + 24;
        let mut text = buffer.unwrap_or_default();
        text.clear();
        text.reserve(m * (areas + 1) * estimate);
        let mut int = itoa::Buffer::new();
        let mut row = [0.0; q::COUNT];
        let mut per_text = Vec::new();
        for (i, run) in runs.enumerate() {
            let per_wte = PerIntensity {
                low: per_low[i],
                high: per_high[i],
            };
            per_text.clear();
            for v in [per_wte.low, per_wte.high] {
                per_text.push(b',');
                push_number(&mut per_text, Some(v), &mut num);
            }
            for area in 0..=areas {
                // With rows every quantity is needed, in order: pos[q] = q.
                let source: &[f64] = if area < areas {
                    &values[area * nq * m..(area + 1) * nq * m]
                } else {
                    &totals
                };
                for (quantity, v) in row.iter_mut().enumerate() {
                    *v = source[pos[quantity] * m + i];
                }
                let constants = model.constants(area);
                let detail: Detail = detail_of(source, constants, i);
                push_short(&mut text, int.format(run).as_bytes());
                push_short(&mut text, &f.codes[area]);
                text.extend_from_slice(&params_text[i]);
                text.extend_from_slice(&f.labels[area]);
                push_short(&mut text, &area_text[area].0);
                for field in 1..19 {
                    text.push(b',');
                    let v = field_value(field, &row, constants, &per_wte, &detail);
                    push_number(&mut text, v, &mut num);
                }
                push_short(&mut text, &per_text);
                push_short(&mut text, &area_text[area].1);
                for (field, (_, kind)) in FIELDS.iter().enumerate().skip(23) {
                    text.push(b',');
                    let v = field_value(field, &row, constants, &per_wte, &detail);
                    match (kind, v) {
                        (Kind::Flag, Some(b)) => {
                            text.extend_from_slice(if b != 0.0 { b"true" } else { b"false" })
                        }
                        _ => push_number(&mut text, v, &mut num),
                    }
                }
                text.push(b'\n');
            }
        }
        text
    }
}
