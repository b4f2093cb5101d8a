//! Evaluating a sweep: runs in fixed-size chunks, each chunk evaluated sequentially, chunks
//! in parallel with rayon and gathered in order. The chunking does not depend on the thread
//! count, and every output value has one place, so the results are the same bytes whatever
//! the number of threads.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use rayon::prelude::*;

use super::fast::FastModel;
use super::fields::{field_column, quantities_of, Detail, Field, Kind, Recipe, StaffingPlan};
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
    /// The outputs' field names.
    pub outputs: Vec<String>,
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
    formatter.widest_prefix + 16 * formatter.fields + 12 * formatter.params + 16
}

/// Memory that writing rows holds at once, roughly: the text and values of the chunks in
/// flight (a window ahead of the writer, and one per worker) and each worker's scratch. It
/// depends on the areas, never on the number of runs.
pub fn rows_memory_estimate(formatter: &RowFormat, areas: usize, outputs: usize) -> f64 {
    let workers = rayon::current_num_threads().max(1);
    let in_flight = (2 * workers + 2) + 2 * workers;
    let per_row = bytes_per_row_estimate(formatter) + 8 * (2 * formatter.fields + outputs);
    in_flight as f64 * ROWS_CHUNK_RUNS as f64 * areas as f64 * per_row as f64
}

/// Pre-escaped text of the rows file.
#[derive(Debug, Clone)]
pub struct RowFormat {
    /// Per area and the total: `,code`.
    codes: Vec<Vec<u8>>,
    /// Per area and the total: `,name,level`.
    labels: Vec<Vec<u8>>,
    params: usize,
    /// How many fields a row has.
    fields: usize,
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
    pub fn new(areas: &[AreaLabel], params: usize, fields: usize) -> RowFormat {
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
            fields,
            widest_prefix,
        }
    }

    /// `run,area_code,<param paths>,area_name,level,<fields>`.
    pub fn header(param_paths: &[String], fields: &[Field]) -> String {
        let mut h = vec!["run".to_string(), "area_code".to_string()];
        h.extend(
            param_paths
                .iter()
                .map(|p| String::from_utf8(csv_field(p)).expect("utf-8")),
        );
        h.push("area_name".into());
        h.push("level".into());
        h.extend(fields.iter().map(|f| f.name.clone()));
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

/// How each cell of a row is written: a number of its own, text the same in every run of an
/// area (population, current WTE: formatted once per area), text the same in every area of
/// a run (episodes per WTE: once per run), or a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellSource {
    Number,
    Area(usize),
    Run(usize),
    Flag,
}

fn cell_sources(fields: &[Field]) -> Vec<CellSource> {
    let (mut area, mut run) = (0, 0);
    fields
        .iter()
        .map(|f| match f.recipe {
            Recipe::Population | Recipe::Current(_) => {
                area += 1;
                CellSource::Area(area - 1)
            }
            Recipe::EpisodesPerWte(_) => {
                run += 1;
                CellSource::Run(run - 1)
            }
            _ if f.kind == Kind::Flag => CellSource::Flag,
            _ => CellSource::Number,
        })
        .collect()
}

/// The text of a row's cells, in two passes. First each number is formatted into a buffer
/// of its own, or takes the text of the number before it when the bits are the same
/// (referred and treated often equal detected; many costs are 0), so each run of equal
/// numbers is formatted once. Then the texts are copied into the row: by then the
/// formatter's stores have landed, so the copies do not stall on them. The bytes are what
/// `push_number` writes.
struct RowCells {
    sources: Vec<CellSource>,
    bufs: Vec<zmij::Buffer>,
}

impl RowCells {
    fn new(fields: &[Field]) -> RowCells {
        let sources = cell_sources(fields);
        RowCells {
            bufs: sources.iter().map(|_| zmij::Buffer::new()).collect(),
            sources,
        }
    }

    /// Appends the row's fields, each after a comma; `row[field]` is NaN when missing, 1 or
    /// 0 for the flag; `area[k]` and `run[k]` the k-th preformatted text (with its comma).
    #[inline]
    fn write(&mut self, text: &mut Vec<u8>, row: &[f64], area: &[Vec<u8>], run: &[Vec<u8>]) {
        let n = self.sources.len();
        let mut cells: Vec<&[u8]> = vec![&[]; n];
        let mut last_bits = u64::MAX; // NaN bits: a finite value never matches
        let mut last = 0;
        for (j, buf) in self.bufs.iter_mut().enumerate() {
            if self.sources[j] != CellSource::Number {
                continue;
            }
            let x = row[j];
            if !x.is_finite() {
                continue;
            }
            let bits = x.to_bits();
            if bits == 0 {
                // +0.0 as zmij writes it (-0.0 goes through zmij and keeps its sign).
                cells[j] = b"0.0";
                continue;
            }
            cells[j] = if bits == last_bits {
                cells[last]
            } else {
                buf.format_finite(x).as_bytes()
            };
            last_bits = bits;
            last = j;
        }
        for (j, cell) in cells.iter().enumerate() {
            match self.sources[j] {
                CellSource::Area(k) => put(text, &area[k]),
                CellSource::Run(k) => put(text, &run[k]),
                CellSource::Flag => {
                    text.extend_from_slice(if row[j] != 0.0 { b",true" } else { b",false" })
                }
                CellSource::Number => {
                    text.push(b',');
                    put(text, cell);
                }
            }
        }
    }
}

/// `push_short` for any short text, the shortest too ("0.0", a 1-digit code).
#[inline]
fn put(out: &mut Vec<u8>, s: &[u8]) {
    if s.len() >= 4 {
        push_short(out, s);
    } else {
        for &b in s {
            out.push(b);
        }
    }
}

/// A sweep ready to evaluate: the compiled model, the plan of runs, what to keep.
pub struct Engine<'a> {
    pub model: &'a FastModel,
    pub plan: &'a Plan,
    /// Where each run's workforce settings come from (for the workforce fields).
    pub staffing: &'a StaffingPlan,
    /// Fields (indices into `model.fields()`) kept in columns for the summary.
    pub outputs: Vec<usize>,
}

impl Engine<'_> {
    fn quantities(&self, rows: bool) -> Vec<usize> {
        if rows {
            return (0..self.model.quantities()).collect();
        }
        let fields = self.model.fields();
        let steps = self.model.steps();
        let mut need: Vec<usize> = self
            .outputs
            .iter()
            .flat_map(|&f| quantities_of(fields[f].recipe, steps))
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
        rows: Option<(&mut (dyn Write + Send), &RowFormat)>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> io::Result<Columns> {
        let n = (runs.end - runs.start) as usize;
        let areas = self.model.areas() + 1;
        let ncols = self.outputs.len() * areas;
        // Zeroed memory comes lazily from the system: pages are touched by the workers.
        let mut data: Vec<Vec<f64>> = (0..ncols).map(|_| vec![0.0; n]).collect();
        match rows {
            None => {
                let need = self.quantities(false);
                let runs_of = |i: usize| {
                    let start = runs.start + (i * CHUNK_RUNS) as u64;
                    start..(start + CHUNK_RUNS as u64).min(runs.end)
                };
                // Without rows the columns are kept whole (their memory is checked before a
                // sweep starts), and the per-chunk slices are small beside them.
                let mut chunks: Vec<Vec<&mut [f64]>> = (0..n.div_ceil(CHUNK_RUNS))
                    .map(|_| Vec::with_capacity(ncols))
                    .collect();
                for col in data.iter_mut() {
                    for (i, part) in col.chunks_mut(CHUNK_RUNS).enumerate() {
                        chunks[i].push(part);
                    }
                }
                chunks.into_par_iter().enumerate().for_each_init(
                    Scratch::default,
                    |scratch, (i, mut cols)| {
                        let r = runs_of(i);
                        self.chunk(r.clone(), &mut cols, &need, None, scratch, Vec::new());
                        progress(r.end - r.start);
                    },
                );
            }
            Some((writer, format)) => {
                let texts = AreaTexts::new(self.model);
                let rows = Rows {
                    format,
                    texts: &texts,
                };
                self.run_rows(runs.clone(), &mut data, rows, writer, progress)?;
            }
        }
        let fields = self.model.fields();
        Ok(Columns {
            first_run: runs.start,
            outputs: self
                .outputs
                .iter()
                .map(|&f| fields[f].name.clone())
                .collect(),
            areas,
            data,
        })
    }

    /// The chunks with rows: workers take chunks in order (an atomic counter) and hand their
    /// text and output values to this thread, which writes the text in order and puts the
    /// values in `data`. A worker does not start a chunk more than a window of chunks ahead
    /// of the writer, so memory stays bounded whatever the number of runs (nothing is kept
    /// per chunk but the window's), and no worker waits for the others between chunks. The
    /// chunk the writer needs next is always being worked on (chunks are taken in order), so
    /// the waiting ends.
    fn run_rows(
        &self,
        runs: Range<u64>,
        data: &mut [Vec<f64>],
        rows: Rows<'_>,
        writer: &mut (dyn Write + Send),
        progress: &(dyn Fn(u64) + Sync),
    ) -> io::Result<()> {
        let n = (runs.end - runs.start) as usize;
        let nchunks = n.div_ceil(ROWS_CHUNK_RUNS);
        let runs_of = |i: usize| {
            let start = runs.start + (i * ROWS_CHUNK_RUNS) as u64;
            start..(start + ROWS_CHUNK_RUNS as u64).min(runs.end)
        };
        let ncols = data.len();
        let need = self.quantities(true);
        let workers = rayon::current_num_threads().max(1);
        let window = 2 * workers + 2;
        let next = AtomicUsize::new(0);
        // (chunks written, the writer has stopped): workers wait on it for the window.
        let gate = (Mutex::new((0usize, false)), Condvar::new());
        // Text and value buffers handed back by the writer, for the workers to reuse.
        let pool: Mutex<Vec<(Vec<u8>, Vec<f64>)>> = Mutex::new(Vec::new());
        let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>, Vec<f64>)>(window);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let tx = tx.clone();
                let (next, gate, pool, need, runs_of) = (&next, &gate, &pool, &need, &runs_of);
                scope.spawn(move || {
                    let _stop = StopOnPanic(gate);
                    let mut scratch = Scratch::default();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= nchunks {
                            return;
                        }
                        {
                            let (lock, cv) = gate;
                            let mut g = lock.lock().unwrap_or_else(|e| e.into_inner());
                            while !g.1 && i >= g.0 + window {
                                g = cv.wait(g).unwrap_or_else(|e| e.into_inner());
                            }
                            if g.1 {
                                return;
                            }
                        }
                        let (buffer, mut values) = pool
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .pop()
                            .unwrap_or_default();
                        let r = runs_of(i);
                        let m = (r.end - r.start) as usize;
                        // The chunk's values of each output column, one after the other.
                        values.clear();
                        values.resize(ncols * m, 0.0);
                        let mut cols: Vec<&mut [f64]> = values.chunks_mut(m.max(1)).collect();
                        let text = self.chunk(
                            r.clone(),
                            &mut cols,
                            need,
                            Some(rows),
                            &mut scratch,
                            buffer,
                        );
                        progress(r.end - r.start);
                        if tx.send((i, text, values)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            // This thread writes, in order.
            let mut waiting: BTreeMap<usize, (Vec<u8>, Vec<f64>)> = BTreeMap::new();
            let mut want = 0;
            let mut result = Ok(());
            for (i, text, values) in rx.iter() {
                waiting.insert(i, (text, values));
                while let Some((mut text, values)) = waiting.remove(&want) {
                    if let Err(e) = writer.write_all(&text) {
                        result = Err(e);
                        break;
                    }
                    let r = runs_of(want);
                    let (at, m) = ((r.start - runs.start) as usize, (r.end - r.start) as usize);
                    for (col, part) in data.iter_mut().zip(values.chunks(m.max(1))) {
                        col[at..at + m].copy_from_slice(part);
                    }
                    text.clear();
                    pool.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((text, values));
                    want += 1;
                    let (lock, cv) = &gate;
                    lock.lock().unwrap_or_else(|e| e.into_inner()).0 = want;
                    cv.notify_all();
                }
                if result.is_err() {
                    break;
                }
            }
            // Stop the workers (after an error), then let the channel go so none blocks.
            let (lock, cv) = &gate;
            lock.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
            cv.notify_all();
            drop(rx);
            if result.is_ok() && want != nchunks {
                // Only a worker that stopped early could leave a chunk out; never write a
                // rows file with runs missing.
                result = Err(io::Error::other(format!(
                    "{} of {nchunks} chunks of rows were written",
                    want
                )));
            }
            result
        })
    }

    /// One chunk: the output columns and, given rows, their text (in `buffer`, returned).
    /// The runs' coefficients are worked out run after run; then each area's quantities for
    /// all the chunk's runs at once (a loop the compiler vectorises), summed into the total in
    /// area order.
    fn chunk(
        &self,
        runs: Range<u64>,
        cols: &mut [&mut [f64]],
        need: &[usize],
        rows: Option<Rows<'_>>,
        s: &mut Scratch,
        buffer: Vec<u8>,
    ) -> Vec<u8> {
        let model = self.model;
        let fields = model.fields();
        let steps = model.steps();
        let areas = model.areas();
        let m = (runs.end - runs.start) as usize;
        let nt = model.term_count();
        let with_rows = rows.is_some();
        // Buffers hold the needed quantities only: pos[quantity] is the place of one.
        let nq = need.len();
        let mut pos = vec![usize::MAX; model.quantities()];
        for (k, &quantity) in need.iter().enumerate() {
            pos[quantity] = k;
        }
        let detail_wanted = with_rows
            || self
                .outputs
                .iter()
                .any(|&f| fields[f].recipe.needs_detail());
        let dl = Detail::len(steps);
        // Every buffer below is written in full before it is read.
        s.x.resize(self.plan.params(), 0.0);
        s.factors.resize(nq * nt * m, 0.0);
        s.per_wte.resize(steps * m, 0.0);
        s.params_text.clear();
        s.params_at.clear();
        let mut ctx = model.new_context();
        let mut num = zmij::Buffer::new();
        let mut staffing = Vec::with_capacity(if detail_wanted { m } else { 0 });
        for (i, run) in runs.clone().enumerate() {
            self.plan.values(run, &mut s.x);
            model.prepare_run(&s.x, &mut ctx);
            for (k, &quantity) in need.iter().enumerate() {
                for t in 0..nt {
                    s.factors[(k * nt + t) * m + i] = model.factor(&ctx, quantity, t);
                }
            }
            for (st, &v) in ctx.per_wte.iter().enumerate() {
                s.per_wte[st * m + i] = v;
            }
            if detail_wanted {
                staffing.push(self.staffing.for_run(&s.x));
            }
            if with_rows {
                s.params_at.push(s.params_text.len());
                for &p in &s.x {
                    s.params_text.push(b',');
                    push_number(&mut s.params_text, Some(p), &mut num);
                }
            }
        }
        s.params_at.push(s.params_text.len());
        let per_wte = &s.per_wte;
        let factors = &s.factors;
        let wte_quantities: Vec<usize> = (0..steps).map(crate::model::q::wte).collect();

        // values[(slot * nq + pos) * m + run]; with rows every area keeps a slot.
        let slots = if with_rows { areas } else { 1 };
        s.values.resize(slots * nq * m, 0.0);
        s.totals.clear();
        s.totals.resize(nq * m, 0.0);
        // With rows, every field of every area for every run, row by row as they are
        // written: fv[(area * m + run) * fields + field]; each area's fields are worked out
        // by column in `columns` first.
        let nf = fields.len();
        if with_rows {
            s.fv.resize((areas + 1) * nf * m, 0.0);
            s.columns.resize(nf * m, 0.0);
        }
        let mut wte = vec![0.0; steps];
        for area in 0..=areas {
            let slot = if with_rows { area } else { 0 };
            if area < areas {
                for k in 0..nq {
                    let at = (slot * nq + k) * m;
                    let out = &mut s.values[at..at + m];
                    out.fill(0.0);
                    for (t, weight) in model.terms_of(area) {
                        let f = &factors[(k * nt + t) * m..][..m];
                        for (o, &f) in out.iter_mut().zip(f) {
                            *o += f * weight;
                        }
                    }
                    let total = &mut s.totals[k * m..(k + 1) * m];
                    for (t, &o) in total.iter_mut().zip(out.iter()) {
                        *t += o;
                    }
                }
            }
            let source: &[f64] = if area < areas {
                &s.values[slot * nq * m..(slot + 1) * nq * m]
            } else {
                &s.totals
            };
            let constants = model.constants(area);
            let of = |quantity: usize| -> &[f64] {
                match pos[quantity] {
                    usize::MAX => &[],
                    k => &source[k * m..(k + 1) * m],
                }
            };
            // The workforce detail once per run, for every field that reads it.
            s.details.clear();
            if detail_wanted {
                s.details.resize(m * dl, 0.0);
                let at = |quantity: usize, i: usize| match pos[quantity] {
                    usize::MAX => 0.0,
                    k => source[k * m + i],
                };
                for (i, out) in s.details.chunks_exact_mut(dl).enumerate() {
                    for (w, &quantity) in wte.iter_mut().zip(&wte_quantities) {
                        *w = at(quantity, i);
                    }
                    staffing[i].detail(
                        &wte,
                        constants.population_in_scope,
                        &constants.current,
                        at(crate::model::q::MEDICATION_ONLY, i),
                        out,
                    );
                }
            }
            if with_rows {
                for (field, out) in s.columns.chunks_exact_mut(m).enumerate() {
                    field_column(
                        &fields[field],
                        steps,
                        of,
                        constants,
                        per_wte,
                        &s.details,
                        out,
                    );
                }
                for (o, &field) in self.outputs.iter().enumerate() {
                    cols[o * (areas + 1) + area][..m]
                        .copy_from_slice(&s.columns[field * m..(field + 1) * m]);
                }
                let block = &mut s.fv[area * nf * m..(area + 1) * nf * m];
                for (i, row) in block.chunks_exact_mut(nf).enumerate() {
                    for (field, v) in row.iter_mut().enumerate() {
                        *v = s.columns[field * m + i];
                    }
                }
            } else {
                for (o, &field) in self.outputs.iter().enumerate() {
                    field_column(
                        &fields[field],
                        steps,
                        of,
                        constants,
                        per_wte,
                        &s.details,
                        &mut cols[o * (areas + 1) + area][..m],
                    );
                }
            }
        }

        let Some(Rows { format: f, texts }) = rows else {
            return buffer;
        };
        let estimate = f.widest_prefix + 24 * (nf + f.params) + 24;
        let mut text = buffer;
        text.clear();
        text.reserve(m * (areas + 1) * estimate);
        let mut int = itoa::Buffer::new();
        let mut per_text: Vec<Vec<u8>> = vec![Vec::new(); steps];
        let mut cells = RowCells::new(fields);
        for (i, run) in runs.enumerate() {
            // The run's episodes per WTE: formatted once per run.
            for (st, t) in per_text.iter_mut().enumerate() {
                t.clear();
                t.push(b',');
                push_number(t, Some(per_wte[st * m + i]), &mut num);
            }
            let params = &s.params_text[s.params_at[i]..s.params_at[i + 1]];
            for area in 0..=areas {
                let row = &s.fv[(area * m + i) * nf..(area * m + i + 1) * nf];
                text.reserve(estimate);
                push_short(&mut text, int.format(run).as_bytes());
                push_short(&mut text, &f.codes[area]);
                text.extend_from_slice(params);
                text.extend_from_slice(&f.labels[area]);
                cells.write(&mut text, row, &texts.constants[area], &per_text);
                text.push(b'\n');
            }
        }
        text
    }
}

/// Tells the other workers and the writer to stop if a worker panics, so that nobody waits
/// for its chunk; the panic then surfaces when the scope ends.
struct StopOnPanic<'a>(&'a (Mutex<(usize, bool)>, Condvar));

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let (lock, cv) = self.0;
            lock.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
            cv.notify_all();
        }
    }
}

/// What a chunk needs to write rows: the file's escaped labels and each area's constant
/// fields.
#[derive(Clone, Copy)]
struct Rows<'a> {
    format: &'a RowFormat,
    texts: &'a AreaTexts,
}

/// The fields that are the same in every run of an area (population in scope, each step's
/// current WTE), formatted once, each after a comma, in field order.
struct AreaTexts {
    constants: Vec<Vec<Vec<u8>>>,
}

impl AreaTexts {
    fn new(model: &FastModel) -> AreaTexts {
        let mut num = zmij::Buffer::new();
        let constants = (0..=model.areas())
            .map(|area| {
                let k = model.constants(area);
                model
                    .fields()
                    .iter()
                    .filter_map(|f| match f.recipe {
                        Recipe::Population => Some(k.population_in_scope),
                        Recipe::Current(s) => Some(k.current[s]),
                        _ => None,
                    })
                    .map(|v| {
                        let mut t = vec![b','];
                        push_number(&mut t, Some(v), &mut num);
                        t
                    })
                    .collect()
            })
            .collect();
        AreaTexts { constants }
    }
}

/// A worker's buffers, reused from chunk to chunk.
#[derive(Default)]
struct Scratch {
    x: Vec<f64>,
    factors: Vec<f64>,
    /// Episodes per WTE: per_wte[step * m + run].
    per_wte: Vec<f64>,
    values: Vec<f64>,
    totals: Vec<f64>,
    columns: Vec<f64>,
    fv: Vec<f64>,
    /// The workforce detail of each run: details[run * Detail::len(steps) ..].
    details: Vec<f64>,
    /// The varied parameters' text of each run: params_text[params_at[i]..params_at[i + 1]].
    params_text: Vec<u8>,
    params_at: Vec<usize>,
}
