//! Hand-written SVG charts: plain `<rect>`, `<line>` and `<text>`, no scripts, no fonts, no
//! external references, so a report renders offline and prints as vectors.
//!
//! Every chart with one row per area is a horizontal bar chart (one row, one label), so 42
//! ICB names never overlap; charts with many rows are split into pieces of at most
//! [`ROWS_PER_CHART`] rows, each short enough for one A4 page, with the same scale.

use std::fmt::Write;

use super::{esc, grouped};

/// NHS identity colours.
pub const LOW: &str = "#005EB8"; // NHS Blue: low intensity
pub const HIGH: &str = "#ED8B00"; // NHS Orange: high intensity
pub const DEMAND: &str = "#41B6E6"; // NHS Light Blue: the demand stages
pub const TREATED: &str = "#003087"; // NHS Dark Blue
pub const CURRENT: &str = "#231F20";
pub const SHORTFALL: &str = "#DA291C";
pub const SURPLUS: &str = "#007F3B";
pub const RATIO: &str = "#00A499"; // NHS Aqua Green: roles at a ratio (employment advisers)
const GRID: &str = "#D8DDE0";
const STRIPE: &str = "#F0F4F5";
const INK: &str = "#212B32";
const MUTED: &str = "#4C6272";

/// The widest area label column, in px, padding included: "Bath and North East Somerset,
/// Swindon and Wiltshire" at 11 px fits, as measured by [`text_width`].
const LABEL_MAX: f64 = 312.0;

/// Rows per chart piece: 45 rows of 17 px and a header fit one A4 page.
pub const ROWS_PER_CHART: usize = 45;

/// Arial where it is installed, else a font with Arial's metrics (Liberation Sans on most
/// Linux systems, Arimo on ChromeOS), so that text measured by [`text_width`] fits wherever
/// the report is opened.
const FONT: &str = "Arial, 'Liberation Sans', Arimo, Helvetica, sans-serif";

/// Advance widths of Arial, and so of Liberation Sans and Arimo, in thousandths of an em, for
/// the characters ' ' to '~' (Liberation Sans Regular, 2048 units per em, rounded).
const ARIAL_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Headroom over Arial's regular widths: bold runs up to 10% wider, and Helvetica or a
/// renderer's hinting a little more or less.
const WIDTH_MARGIN: f64 = 1.12;

/// The advance width of `c` in ems, in Arial.
fn advance(c: char) -> f64 {
    let thousandths = match c {
        ' '..='~' => ARIAL_WIDTHS[c as usize - 32],
        '–' | '£' | '€' | 'é' | 'è' | 'ö' | 'ü' => 556,
        '≤' | '≥' => 549,
        '−' | '×' => 584,
        '·' => 278,
        '‘' | '’' => 222,
        '“' | '”' => 333,
        '—' | '…' | '→' => 1000,
        // Anything else: a full em, more than most characters take.
        _ => 1000,
    };
    f64::from(thousandths) / 1000.0
}

/// The width of `s` at `size` px in the chart font, with a margin: at most this wide in
/// Arial, Liberation Sans or Arimo, bold or regular.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(advance).sum::<f64>() * size * WIDTH_MARGIN
}

/// Shortens `s` with an ellipsis to fit `max` px.
pub fn fit(s: &str, max: f64, size: f64) -> String {
    if text_width(s, size) <= max {
        return s.to_string();
    }
    let mut out: String = String::new();
    for c in s.chars() {
        let next = format!("{out}{c}…");
        if text_width(&next, size) > max {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// A step of 1, 2, 2.5 or 5 times a power of ten giving about `target` intervals.
pub fn nice_step(range: f64, target: usize) -> f64 {
    if !(range.is_finite() && range > 0.0) {
        return 1.0;
    }
    let raw = range / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let m = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// A linear axis from `lo` to `hi` widened to whole steps, and its ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    step: f64,
}

impl Axis {
    pub fn new(lo: f64, hi: f64, target: usize) -> Axis {
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
        let step = nice_step(hi - lo, target);
        let lo = (lo / step).floor() * step;
        let hi = (hi / step).ceil() * step;
        let n = ((hi - lo) / step).round() as usize;
        let ticks = (0..=n).map(|i| lo + step * i as f64).collect();
        Axis {
            lo,
            hi,
            ticks,
            step,
        }
    }

    /// Position of `v` on a span of `width` px starting at `x0`.
    pub fn x(&self, v: f64, x0: f64, width: f64) -> f64 {
        x0 + (v - self.lo) / (self.hi - self.lo) * width
    }

    pub fn label(&self, v: f64) -> String {
        let decimals = if self.step >= 1.0 {
            0
        } else if self.step >= 0.1 {
            1
        } else {
            2
        };
        grouped(v, decimals)
    }
}

/// Between the lines of a legend.
const LEGEND_LINE: f64 = 18.0;

/// The narrowest panel of a series in [`wte_by_area`]; more series (or longer headings) make
/// the chart wider than 900 px, and it is scaled to the page.
const PANEL_MIN: f64 = 220.0;

/// One entry of a legend: a swatch and its label, or a muted note.
enum Entry<'a> {
    Key(&'a str, &'a str),
    Note(&'a str),
}

impl Entry<'_> {
    /// Its width on the page, without the space after it.
    fn width(&self) -> f64 {
        match self {
            Entry::Key(_, label) => 16.0 + text_width(label, 11.0),
            Entry::Note(text) => text_width(text, 11.0),
        }
    }
}

/// Where each entry of a legend goes from `x0` in a chart `width` px wide: (x, line), and the
/// number of lines. An entry that would run off the chart starts a new line.
fn place(entries: &[Entry], x0: f64, width: f64) -> (Vec<(f64, usize)>, usize) {
    let mut out = Vec::with_capacity(entries.len());
    let (mut x, mut line) = (x0, 0);
    for e in entries {
        if x > x0 && x + e.width() > width {
            x = x0;
            line += 1;
        }
        out.push((x, line));
        x += e.width() + 18.0;
    }
    (out, line + 1)
}

/// An SVG document being written.
struct Canvas {
    out: String,
}

#[derive(Clone, Copy)]
enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

impl Canvas {
    fn new(width: f64, height: f64, title: &str) -> Canvas {
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg class=\"chart\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-label=\"{t}\" font-family=\"{FONT}\" font-size=\"12\" fill=\"{INK}\"><title>{t}</title>",
            t = esc(title)
        );
        Canvas { out }
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, tip: Option<&str>) {
        let w = w.max(0.0);
        match tip {
            Some(t) => {
                let _ = write!(
                    self.out,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\"><title>{}</title></rect>",
                    esc(t)
                );
            }
            None => {
                let _ = write!(
                    self.out,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\"/>"
                );
            }
        }
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        let _ = write!(
            self.out,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>"
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn text_styled(
        &mut self,
        x: f64,
        y: f64,
        s: &str,
        size: f64,
        anchor: Anchor,
        fill: &str,
        bold: bool,
    ) {
        let weight = if bold { " font-weight=\"bold\"" } else { "" };
        let _ = write!(
            self.out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{}\" fill=\"{fill}\"{weight}>{}</text>",
            anchor.as_str(),
            esc(s)
        );
    }

    fn text(&mut self, x: f64, y: f64, s: &str, size: f64, anchor: Anchor) {
        self.text_styled(x, y, s, size, anchor, INK, false);
    }

    fn muted(&mut self, x: f64, y: f64, s: &str, size: f64, anchor: Anchor) {
        self.text_styled(x, y, s, size, anchor, MUTED, false);
    }

    /// A legend entry: a swatch and its label; returns the x after it.
    fn key(&mut self, x: f64, y: f64, fill: &str, label: &str) -> f64 {
        self.rect(x, y - 9.0, 12.0, 10.0, fill, None);
        self.text(x + 16.0, y, label, 11.0, Anchor::Start);
        x + 16.0 + text_width(label, 11.0) + 18.0
    }

    /// A legend placed by [`place`], its first line at `y`.
    fn legend(&mut self, entries: &[Entry], places: &[(f64, usize)], y: f64) {
        for (e, &(x, line)) in entries.iter().zip(places) {
            let y = y + LEGEND_LINE * line as f64;
            match e {
                Entry::Key(fill, label) => {
                    self.key(x, y, fill, label);
                }
                Entry::Note(text) => self.muted(x, y, text, 11.0, Anchor::Start),
            }
        }
    }

    /// Vertical grid lines and tick labels of an axis above a plot.
    fn grid(&mut self, axis: &Axis, x0: f64, width: f64, label_y: f64, top: f64, bottom: f64) {
        for &t in &axis.ticks {
            let x = axis.x(t, x0, width);
            self.line(x, top, x, bottom, GRID, 1.0);
            self.muted(x, label_y, &axis.label(t), 10.0, Anchor::Middle);
        }
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// One bar of a funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelBar {
    pub label: String,
    pub value: f64,
    /// Shown after the value, e.g. "50% of prevalent".
    pub note: String,
    pub colour: &'static str,
}

/// The demand funnel: one bar per stage, left-aligned on a common scale, with the value and
/// the share of the stage before. `compact` draws the small per-area version.
pub fn funnel(bars: &[FunnelBar], title: &str, compact: bool) -> String {
    let (size, row, bar_h, width) = if compact {
        (11.0, 18.0, 13.0, 440.0)
    } else {
        (12.0, 30.0, 20.0, 880.0)
    };
    let top = if compact { 20.0 } else { 6.0 };
    // The small version drops the parentheses: "Referred (new episodes)" -> "Referred".
    let label = |b: &FunnelBar| -> String {
        if compact {
            b.label.split(" (").next().unwrap_or(&b.label).to_string()
        } else {
            b.label.clone()
        }
    };
    let label_w = bars
        .iter()
        .map(|b| text_width(&label(b), size))
        .fold(0.0, f64::max)
        + 10.0;
    let value_text = |b: &FunnelBar| {
        if compact || b.note.is_empty() {
            grouped(b.value, 0)
        } else {
            format!("{}  ({})", grouped(b.value, 0), b.note)
        }
    };
    let right_w = bars
        .iter()
        .map(|b| text_width(&value_text(b), size))
        .fold(0.0, f64::max)
        + 12.0;
    let plot_w = (width - label_w - right_w).max(80.0);
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let height = top + row * bars.len() as f64 + 4.0;
    let mut c = Canvas::new(width, height, title);
    if compact {
        c.text_styled(0.0, 13.0, title, 11.0, Anchor::Start, INK, true);
    }
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let w = if max > 0.0 {
            b.value / max * plot_w
        } else {
            0.0
        };
        let mid = y + row / 2.0;
        c.text(
            label_w - 8.0,
            mid + size * 0.35,
            &label(b),
            size,
            Anchor::End,
        );
        let tip = format!("{}: {}", b.label, grouped(b.value, 0));
        c.rect(label_w, mid - bar_h / 2.0, w, bar_h, b.colour, Some(&tip));
        c.text(
            label_w + w + 6.0,
            mid + size * 0.35,
            &value_text(b),
            size,
            Anchor::Start,
        );
    }
    c.finish()
}

/// Required (and current) WTE of one row, one value per series (step of care).
#[derive(Debug, Clone, PartialEq)]
pub struct WteRow {
    pub label: String,
    /// Shown on hover: the full name and code.
    pub tip: String,
    pub required: Vec<f64>,
    pub current: Option<Vec<f64>>,
}

/// One series of a chart by step of care: what it is called and its colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Heads its panel of [`wte_by_area`] ("Low intensity (step 2) WTE") or labels its row of
    /// [`wte_total`] ("Low intensity").
    pub name: String,
    /// Its legend entry: "Required, low intensity".
    pub key: String,
    pub colour: &'static str,
}

fn signed(x: f64) -> String {
    let s = grouped(x, 1);
    if x > 0.0 && s != "0.0" {
        format!("+{s}")
    } else if s == "-0.0" {
        "0.0".into()
    } else {
        s.replacen('-', "−", 1)
    }
}

/// The `i`th value of `v`, 0 past its end.
fn at(v: &[f64], i: usize) -> f64 {
    v.get(i).copied().unwrap_or(0.0)
}

/// The colour of a gap (required - current): red a shortfall, green a surplus.
fn gap_colour(gap: f64, none: &'static str) -> &'static str {
    if gap > 0.05 {
        SHORTFALL
    } else if gap < -0.05 {
        SURPLUS
    } else {
        none
    }
}

/// The title of piece `piece` of `pieces`.
fn piece_title(title: &str, piece: usize, pieces: usize) -> String {
    if pieces > 1 {
        format!("{title} ({} of {pieces})", piece + 1)
    } else {
        title.to_string()
    }
}

/// Written under a chart that shows gaps.
const GAP_NOTE: &str = "gap = required − current: red is a shortfall, green a surplus";

/// Every legend entry of the current WTE.
const CURRENT_KEY: &str = "Current (effective WTE)";

/// Required versus current WTE, one row per area, one panel per series side by side, each
/// with its own scale; the gap (required - current) is written at the end of each bar.
/// `row.required[i]` and `row.current[i]` belong to `series[i]`. Returns one SVG per
/// [`ROWS_PER_CHART`] rows, all on the same scales.
pub fn wte_by_area(rows: &[WteRow], series: &[Series], title: &str) -> Vec<String> {
    let n = series.len();
    if n == 0 {
        return Vec::new();
    }
    let size = 11.0;
    let row_h = 17.0;
    let gutter = 12.0;
    let has_current = rows.iter().any(|r| r.current.is_some());
    let label_w = (rows
        .iter()
        .map(|r| text_width(&r.label, size))
        .fold(0.0, f64::max)
        + 10.0)
        .min(LABEL_MAX);
    let gutters = gutter * (n - 1) as f64;
    // Wide enough for every series' heading.
    let panel_min = series
        .iter()
        .map(|s| text_width(&s.name, 12.0) + 8.0)
        .fold(PANEL_MIN, f64::max);
    let width = (label_w + panel_min * n as f64 + gutters).ceil().max(900.0);
    let panel_w = (width - label_w - gutters) / n as f64;
    let value_w = 58.0;
    let plot_w = panel_w - value_w - 8.0;
    let axes: Vec<Axis> = (0..n)
        .map(|i| {
            let max = rows
                .iter()
                .map(|r| at(&r.required, i).max(r.current.as_deref().map_or(0.0, |c| at(c, i))))
                .fold(0.0, f64::max);
            Axis::new(0.0, max, 4)
        })
        .collect();
    let mut entries: Vec<Entry> = series
        .iter()
        .map(|s| Entry::Key(s.colour, &s.key))
        .collect();
    if has_current {
        entries.push(Entry::Key(CURRENT, CURRENT_KEY));
    }
    let (places, lines) = place(&entries, label_w, width);
    let header = 42.0;
    let legend = if has_current { 48.0 } else { 30.0 } + LEGEND_LINE * (lines - 1) as f64;
    let mut out = Vec::new();
    let pieces = rows.len().div_ceil(ROWS_PER_CHART).max(1);
    for (piece, chunk) in rows.chunks(ROWS_PER_CHART).enumerate() {
        let body = row_h * chunk.len() as f64;
        let height = header + body + legend;
        let mut c = Canvas::new(width, height, &piece_title(title, piece, pieces));
        for (i, r) in chunk.iter().enumerate() {
            let y = header + row_h * i as f64;
            if i % 2 == 1 {
                c.rect(0.0, y, width, row_h, STRIPE, None);
            }
            let shown = fit(&r.label, label_w - 10.0, size);
            c.text(
                label_w - 8.0,
                y + row_h / 2.0 + 4.0,
                &shown,
                size,
                Anchor::End,
            );
        }
        for (i, s) in series.iter().enumerate() {
            let x0 = label_w + i as f64 * (panel_w + gutter);
            let name = fit(&s.name, panel_w, 12.0);
            c.text_styled(x0, 13.0, &name, 12.0, Anchor::Start, INK, true);
            c.grid(&axes[i], x0, plot_w, 33.0, header - 4.0, header + body);
            for (k, r) in chunk.iter().enumerate() {
                let y = header + row_h * k as f64;
                let req = at(&r.required, i);
                let w = axes[i].x(req, x0, plot_w) - x0;
                let cur = r.current.as_deref().map(|c| at(c, i));
                let mut tip = format!("{}: required {}", r.tip, grouped(req, 1));
                if let Some(cur) = cur {
                    let _ = write!(
                        tip,
                        ", current {}, gap {}",
                        grouped(cur, 1),
                        signed(req - cur)
                    );
                }
                c.rect(x0, y + 3.0, w, row_h - 6.0, s.colour, Some(&tip));
                let end = x0 + plot_w + 6.0;
                match cur {
                    Some(cur) => {
                        let cw = axes[i].x(cur, x0, plot_w) - x0;
                        c.rect(x0, y + row_h / 2.0 - 2.0, cw, 4.0, CURRENT, None);
                        let gap = req - cur;
                        c.text_styled(
                            end,
                            y + row_h / 2.0 + 4.0,
                            &signed(gap),
                            10.5,
                            Anchor::Start,
                            gap_colour(gap, MUTED),
                            true,
                        );
                    }
                    None => c.text(
                        end,
                        y + row_h / 2.0 + 4.0,
                        &grouped(req, 1),
                        10.5,
                        Anchor::Start,
                    ),
                }
            }
            if has_current {
                c.muted(x0 + panel_w, 13.0, "gap", 10.0, Anchor::End);
            }
        }
        let ly = header + body + 20.0;
        c.legend(&entries, &places, ly);
        if has_current {
            let y = ly + LEGEND_LINE * lines as f64;
            c.muted(label_w, y, GAP_NOTE, 11.0, Anchor::Start);
        }
        out.push(c.finish());
    }
    out
}

/// Required against current WTE for the whole run: one row per series, then the total, each
/// gap written out. `required[i]` and `current[i]` belong to `series[i]`.
pub fn wte_total(
    required: &[f64],
    current: Option<&[f64]>,
    series: &[Series],
    title: &str,
) -> String {
    let width = 880.0;
    let size = 12.0;
    let row_h = 40.0;
    let n = series.len();
    let mut labels: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    labels.push("Total");
    let mut colours: Vec<&str> = series.iter().map(|s| s.colour).collect();
    colours.push(TREATED);
    let with_total = |v: &[f64]| -> Vec<f64> {
        let mut out: Vec<f64> = (0..n).map(|i| at(v, i)).collect();
        out.push(out.iter().sum());
        out
    };
    let req = with_total(required);
    let cur = current.map(with_total);
    let note = |i: usize| -> String {
        match &cur {
            Some(cu) => {
                let gap = req[i] - cu[i];
                let met = if req[i] > 0.0 {
                    format!(", {:.0}% met", cu[i] / req[i] * 100.0)
                } else {
                    String::new()
                };
                format!(
                    "required {} · current {} · gap {}{met}",
                    grouped(req[i], 1),
                    grouped(cu[i], 1),
                    signed(gap)
                )
            }
            None => format!("required {}", grouped(req[i], 1)),
        }
    };
    // At least 110 px, and room for every label with its 12 px of padding.
    let label_w = labels
        .iter()
        .map(|l| text_width(l, size) + 12.0)
        .fold(110.0, f64::max)
        .min(LABEL_MAX);
    let right_w = (0..=n)
        .map(|i| text_width(&note(i), size))
        .fold(0.0, f64::max)
        + 14.0;
    let plot_w = (width - label_w - right_w).max(150.0);
    let max = (0..=n)
        .map(|i| req[i].max(cur.as_ref().map_or(0.0, |c| c[i])))
        .fold(0.0, f64::max);
    let axis = Axis::new(0.0, max, 5);
    let mut entries: Vec<Entry> = series
        .iter()
        .map(|s| Entry::Key(s.colour, &s.key))
        .collect();
    entries.push(Entry::Key(TREATED, "Required, total"));
    entries.push(if cur.is_some() {
        Entry::Key(CURRENT, CURRENT_KEY)
    } else {
        Entry::Note("No current workforce given (--workforce FILE): no gap to show")
    });
    let (places, lines) = place(&entries, label_w, width);
    let header = 22.0;
    let legend = 28.0 + LEGEND_LINE * (lines - 1) as f64;
    let body = row_h * (n + 1) as f64;
    let mut c = Canvas::new(width, header + body + legend, title);
    c.grid(&axis, label_w, plot_w, 14.0, header - 2.0, header + body);
    for i in 0..=n {
        let y = header + row_h * i as f64;
        c.text_styled(
            label_w - 8.0,
            y + row_h / 2.0 + 4.0,
            &fit(labels[i], label_w - 12.0, size),
            size,
            Anchor::End,
            INK,
            true,
        );
        let w = axis.x(req[i], label_w, plot_w) - label_w;
        let tip = note(i);
        c.rect(label_w, y + 7.0, w, row_h - 14.0, colours[i], Some(&tip));
        if let Some(cu) = &cur {
            let cw = axis.x(cu[i], label_w, plot_w) - label_w;
            c.rect(label_w, y + row_h / 2.0 - 3.0, cw, 6.0, CURRENT, None);
        }
        let fill = cur
            .as_ref()
            .map_or(INK, |cu| gap_colour(req[i] - cu[i], INK));
        c.text_styled(
            label_w + plot_w + 8.0,
            y + row_h / 2.0 + 4.0,
            &tip,
            size,
            Anchor::Start,
            fill,
            cur.is_some(),
        );
    }
    c.legend(&entries, &places, header + body + 20.0);
    c.finish()
}

/// Required and current WTE of one role at one band.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleBar {
    /// The role and its band, e.g. "PWP, band 5".
    pub label: String,
    /// The colour of its step of care, or [`RATIO`].
    pub colour: &'static str,
    pub required: f64,
    pub current: f64,
}

/// Required against current WTE by role and band: one row per role on one scale, the required
/// bar in its step's colour with the current WTE as a dark bar inside it, and the required,
/// current and gap written in a column of their own at the right, so that no label meets a bar
/// or another label. `legend` names each colour, (colour, entry); colours no row has are left
/// out. Returns one SVG per [`ROWS_PER_CHART`] rows, all on the same scale.
pub fn wte_by_role(rows: &[RoleBar], legend: &[(&str, String)], title: &str) -> Vec<String> {
    let size = 12.0;
    let row_h = 28.0;
    let note = |r: &RoleBar| {
        format!(
            "required {} · current {} · gap {}",
            grouped(r.required, 1),
            grouped(r.current, 1),
            signed(r.required - r.current)
        )
    };
    let (label_w, width, plot_w) =
        row_layout(rows.iter().map(|r| (r.label.as_str(), note(r))), size);
    let max = rows
        .iter()
        .map(|r| r.required.max(r.current))
        .fold(0.0, f64::max);
    let axis = Axis::new(0.0, max, 5);
    let header = 24.0;
    let mut entries: Vec<Entry> = Vec::new();
    for (colour, name) in legend {
        let present = rows.iter().any(|r| r.colour == *colour);
        let listed = entries
            .iter()
            .any(|e| matches!(e, Entry::Key(c, _) if c == colour));
        if present && !listed {
            entries.push(Entry::Key(colour, name));
        }
    }
    entries.push(Entry::Key(CURRENT, CURRENT_KEY));
    let (places, lines) = place(&entries, label_w, width);
    let legend_h = 48.0 + LEGEND_LINE * (lines - 1) as f64;
    let pieces = rows.len().div_ceil(ROWS_PER_CHART).max(1);
    let mut out = Vec::new();
    for (piece, chunk) in rows.chunks(ROWS_PER_CHART).enumerate() {
        let body = row_h * chunk.len() as f64;
        let t = piece_title(title, piece, pieces);
        let mut c = Canvas::new(width, header + body + legend_h, &t);
        for i in (1..chunk.len()).step_by(2) {
            c.rect(0.0, header + row_h * i as f64, width, row_h, STRIPE, None);
        }
        c.grid(&axis, label_w, plot_w, 14.0, header - 4.0, header + body);
        for (i, r) in chunk.iter().enumerate() {
            let y = header + row_h * i as f64;
            let mid = y + row_h / 2.0;
            c.text(
                label_w - 8.0,
                mid + 4.0,
                &fit(&r.label, label_w - 12.0, size),
                size,
                Anchor::End,
            );
            let w = axis.x(r.required, label_w, plot_w) - label_w;
            let tip = format!("{}: {}", r.label, note(r));
            c.rect(label_w, y + 6.0, w, row_h - 12.0, r.colour, Some(&tip));
            let cw = axis.x(r.current, label_w, plot_w) - label_w;
            c.rect(label_w, mid - 3.0, cw, 6.0, CURRENT, None);
            c.text_styled(
                label_w + plot_w + 8.0,
                mid + 4.0,
                &note(r),
                size,
                Anchor::Start,
                gap_colour(r.required - r.current, MUTED),
                true,
            );
        }
        let ly = header + body + 20.0;
        c.legend(&entries, &places, ly);
        let y = ly + LEGEND_LINE * lines as f64;
        c.muted(label_w, y, GAP_NOTE, 11.0, Anchor::Start);
        out.push(c.finish());
    }
    out
}

/// The widths of a chart of labelled rows with a note at the right of each: the label
/// column (capped), the whole chart and the plot between them. At least 300 px of plot: a
/// wider chart is scaled down to the page, never overlapped.
fn row_layout<'a>(rows: impl Iterator<Item = (&'a str, String)>, size: f64) -> (f64, f64, f64) {
    let (mut label, mut note) = (0.0f64, 0.0f64);
    for (l, n) in rows {
        label = label.max(text_width(l, size));
        note = note.max(text_width(&n, size));
    }
    let label_w = (label + 12.0).min(LABEL_MAX);
    let right_w = note + 14.0;
    let width = (label_w + right_w + 300.0).max(900.0);
    (label_w, width, width - label_w - right_w)
}

/// One area's modelled figure and the figure its service published.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareBar {
    pub label: String,
    pub modelled: f64,
    /// None: not published for the area.
    pub observed: Option<f64>,
}

/// Modelled against observed per row on one scale: the modelled figure as a light bar, the
/// observed one as a dark bar inside it, and both with their ratio written at the right.
/// Returns one SVG per [`ROWS_PER_CHART`] rows, all on the same scale.
pub fn compare_bars(rows: &[CompareBar], keys: (&str, &str), title: &str) -> Vec<String> {
    let size = 12.0;
    let row_h = 28.0;
    let note = |r: &CompareBar| match r.observed {
        Some(o) if r.modelled > 0.0 => format!(
            "{} {} · {} {} ({:.0}%)",
            keys.0.to_lowercase(),
            grouped(r.modelled, 0),
            keys.1.to_lowercase(),
            grouped(o, 0),
            o / r.modelled * 100.0
        ),
        Some(o) => format!("{} {}", keys.1.to_lowercase(), grouped(o, 0)),
        None => format!(
            "{} {} · not published",
            keys.0.to_lowercase(),
            grouped(r.modelled, 0)
        ),
    };
    let (label_w, width, plot_w) =
        row_layout(rows.iter().map(|r| (r.label.as_str(), note(r))), size);
    let max = rows
        .iter()
        .map(|r| r.modelled.max(r.observed.unwrap_or(0.0)))
        .fold(0.0, f64::max);
    let axis = Axis::new(0.0, max, 5);
    let header = 24.0;
    let entries = vec![Entry::Key(DEMAND, keys.0), Entry::Key(TREATED, keys.1)];
    let (places, lines) = place(&entries, label_w, width);
    let legend_h = 30.0 + LEGEND_LINE * (lines - 1) as f64;
    let pieces = rows.len().div_ceil(ROWS_PER_CHART).max(1);
    let mut out = Vec::new();
    for (piece, chunk) in rows.chunks(ROWS_PER_CHART).enumerate() {
        let body = row_h * chunk.len() as f64;
        let mut c = Canvas::new(
            width,
            header + body + legend_h,
            &piece_title(title, piece, pieces),
        );
        for i in (1..chunk.len()).step_by(2) {
            c.rect(0.0, header + row_h * i as f64, width, row_h, STRIPE, None);
        }
        c.grid(&axis, label_w, plot_w, 14.0, header - 4.0, header + body);
        for (i, r) in chunk.iter().enumerate() {
            let y = header + row_h * i as f64;
            let mid = y + row_h / 2.0;
            c.text(
                label_w - 8.0,
                mid + 4.0,
                &fit(&r.label, label_w - 12.0, size),
                size,
                Anchor::End,
            );
            let tip = format!("{}: {}", r.label, note(r));
            let w = axis.x(r.modelled, label_w, plot_w) - label_w;
            c.rect(label_w, y + 5.0, w, row_h - 10.0, DEMAND, Some(&tip));
            if let Some(o) = r.observed {
                let ow = axis.x(o, label_w, plot_w) - label_w;
                c.rect(label_w, mid - 4.0, ow, 8.0, TREATED, None);
            }
            c.muted(
                label_w + plot_w + 8.0,
                mid + 4.0,
                &note(r),
                size,
                Anchor::Start,
            );
        }
        c.legend(&entries, &places, header + body + 20.0);
        out.push(c.finish());
    }
    out
}

/// One section of a self-assessment: its share of the maximum score now and, when there is
/// an earlier assessment, then.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreBar {
    pub label: String,
    /// Points over the maximum of the assessed items, 0 to 1; None: nothing assessed.
    pub share: Option<f64>,
    pub earlier: Option<f64>,
}

/// Each section's score as a bar on a 0-100% scale, the earliest assessment's as a dark mark
/// across it (the trend), and the per cent written at the right.
pub fn score_bars(rows: &[ScoreBar], earlier_key: Option<&str>, title: &str) -> String {
    let size = 12.0;
    let row_h = 28.0;
    let note = |r: &ScoreBar| {
        let pct =
            |x: Option<f64>| x.map_or("not assessed".to_string(), |x| format!("{:.0}%", x * 100.0));
        match earlier_key {
            Some(_) => format!("{} (was {})", pct(r.share), pct(r.earlier)),
            None => pct(r.share),
        }
    };
    let (label_w, width, plot_w) =
        row_layout(rows.iter().map(|r| (r.label.as_str(), note(r))), size);
    let axis = Axis::new(0.0, 100.0, 5);
    let header = 24.0;
    let mut entries = vec![Entry::Key(LOW, "Score, per cent of the maximum")];
    if let Some(key) = earlier_key {
        entries.push(Entry::Key(CURRENT, key));
    }
    let (places, lines) = place(&entries, label_w, width);
    let legend_h = 30.0 + LEGEND_LINE * (lines - 1) as f64;
    let body = row_h * rows.len() as f64;
    let mut c = Canvas::new(width, header + body + legend_h, title);
    for i in (1..rows.len()).step_by(2) {
        c.rect(0.0, header + row_h * i as f64, width, row_h, STRIPE, None);
    }
    c.grid(&axis, label_w, plot_w, 14.0, header - 4.0, header + body);
    for (i, r) in rows.iter().enumerate() {
        let y = header + row_h * i as f64;
        let mid = y + row_h / 2.0;
        c.text(
            label_w - 8.0,
            mid + 4.0,
            &fit(&r.label, label_w - 12.0, size),
            size,
            Anchor::End,
        );
        let tip = format!("{}: {}", r.label, note(r));
        if let Some(x) = r.share {
            let w = axis.x(x * 100.0, label_w, plot_w) - label_w;
            c.rect(label_w, y + 6.0, w, row_h - 12.0, LOW, Some(&tip));
        }
        if let Some(x) = r.earlier {
            let at = axis.x(x * 100.0, label_w, plot_w);
            c.rect(at - 1.5, y + 3.0, 3.0, row_h - 6.0, CURRENT, None);
        }
        c.muted(
            label_w + plot_w + 8.0,
            mid + 4.0,
            &note(r),
            size,
            Anchor::Start,
        );
    }
    c.legend(&entries, &places, header + body + 20.0);
    c.finish()
}

/// The uncertainty of one output in one area, from a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeRow {
    pub label: String,
    pub tip: String,
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
}

/// One row per area: the 5-95% band, the 10-90% band inside it and the median as a tick, on a
/// common scale from zero; the median and 5-95% range written at the right.
pub fn range_chart(rows: &[RangeRow], title: &str, colour: &str) -> Vec<String> {
    let size = 11.0;
    let row_h = 17.0;
    let width = 900.0;
    let label_w = (rows
        .iter()
        .map(|r| text_width(&r.label, size))
        .fold(0.0, f64::max)
        + 10.0)
        .min(LABEL_MAX);
    let range_text = |r: &RangeRow| {
        format!(
            "{} ({}–{})",
            grouped(r.p50, 1),
            grouped(r.p5, 1),
            grouped(r.p95, 1)
        )
    };
    let right_w = rows
        .iter()
        .map(|r| text_width(&range_text(r), 10.5))
        .fold(60.0, f64::max)
        + 14.0;
    let plot_w = width - label_w - right_w;
    let lo = rows.iter().map(|r| r.p5).fold(0.0, f64::min);
    let hi = rows.iter().map(|r| r.p95).fold(0.0, f64::max);
    let axis = Axis::new(lo, hi, 6);
    let header = 42.0;
    let legend = 30.0;
    let pieces = rows.len().div_ceil(ROWS_PER_CHART).max(1);
    let mut out = Vec::new();
    for (piece, chunk) in rows.chunks(ROWS_PER_CHART).enumerate() {
        let t = piece_title(title, piece, pieces);
        let body = row_h * chunk.len() as f64;
        let mut c = Canvas::new(width, header + body + legend, &t);
        for (i, _) in chunk.iter().enumerate() {
            if i % 2 == 1 {
                c.rect(0.0, header + row_h * i as f64, width, row_h, STRIPE, None);
            }
        }
        c.grid(&axis, label_w, plot_w, 33.0, header - 4.0, header + body);
        c.muted(width, 13.0, "median (5–95%)", 10.0, Anchor::End);
        for (i, r) in chunk.iter().enumerate() {
            let y = header + row_h * i as f64;
            let mid = y + row_h / 2.0;
            c.text(
                label_w - 8.0,
                mid + 4.0,
                &fit(&r.label, label_w - 10.0, size),
                size,
                Anchor::End,
            );
            let x = |v: f64| axis.x(v, label_w, plot_w);
            let tip = format!(
                "{}: median {}, 10–90% {}–{}, 5–95% {}–{}",
                r.tip,
                grouped(r.p50, 1),
                grouped(r.p10, 1),
                grouped(r.p90, 1),
                grouped(r.p5, 1),
                grouped(r.p95, 1)
            );
            let _ = write!(c.out, "<g><title>{}</title>", esc(&tip));
            let _ = write!(
                c.out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"8\" fill=\"{colour}\" fill-opacity=\"0.3\"/>",
                x(r.p5),
                mid - 4.0,
                (x(r.p95) - x(r.p5)).max(0.5)
            );
            let _ = write!(
                c.out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"8\" fill=\"{colour}\" fill-opacity=\"0.75\"/>",
                x(r.p10),
                mid - 4.0,
                (x(r.p90) - x(r.p10)).max(0.5)
            );
            c.out.push_str("</g>");
            c.rect(x(r.p50) - 1.0, mid - 6.5, 2.0, 13.0, CURRENT, None);
            c.text(
                label_w + plot_w + 8.0,
                mid + 4.0,
                &range_text(r),
                10.5,
                Anchor::Start,
            );
        }
        let ly = header + body + 20.0;
        let _ = write!(
            c.out,
            "<rect x=\"{label_w:.1}\" y=\"{:.1}\" width=\"12\" height=\"10\" fill=\"{colour}\" fill-opacity=\"0.3\"/>",
            ly - 9.0
        );
        c.text(label_w + 16.0, ly, "5–95% of runs", 11.0, Anchor::Start);
        let x2 = label_w + 16.0 + text_width("5–95% of runs", 11.0) + 18.0;
        let _ = write!(
            c.out,
            "<rect x=\"{x2:.1}\" y=\"{:.1}\" width=\"12\" height=\"10\" fill=\"{colour}\" fill-opacity=\"0.75\"/>",
            ly - 9.0
        );
        c.text(x2 + 16.0, ly, "10–90%", 11.0, Anchor::Start);
        let x3 = x2 + 16.0 + text_width("10–90%", 11.0) + 18.0;
        c.key(x3, ly, CURRENT, "median");
        out.push(c.finish());
    }
    out
}

/// One bar of a tornado chart: an output with one parameter at its low and its high value.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoRow {
    pub label: String,
    pub at_low: f64,
    pub at_high: f64,
}

/// The value labels of a tornado bar: each value at the outer end of its bar; a value equal to
/// the base gets none; two values on one side are written together, named, at the outer end.
fn tornado_labels(r: &TornadoRow, base: f64) -> Vec<(f64, String)> {
    let tiny = 1e-9 * base.abs().max(1.0);
    let moved: Vec<f64> = [r.at_low, r.at_high]
        .into_iter()
        .filter(|v| (v - base).abs() > tiny)
        .collect();
    match moved.as_slice() {
        [a, b] if (a - base).signum() == (b - base).signum() => {
            let outer = if (a - base).abs() >= (b - base).abs() {
                *a
            } else {
                *b
            };
            vec![(
                outer,
                format!(
                    "low {}, high {}",
                    grouped(r.at_low, 1),
                    grouped(r.at_high, 1)
                ),
            )]
        }
        _ => moved.iter().map(|v| (*v, grouped(*v, 1))).collect(),
    }
}

/// Bars from the base value to the output at each parameter's low (light) and high (dark)
/// value, in the order given (widest swing first, as the sweep sorts them).
pub fn tornado(rows: &[TornadoRow], base: f64, title: &str) -> String {
    const AT_LOW: &str = "#41B6E6";
    const AT_HIGH: &str = "#003087";
    let size = 11.0;
    let value_size = 10.0;
    let row_h = 24.0;
    let width = 900.0;
    let label_w = (rows
        .iter()
        .map(|r| text_width(&r.label, size))
        .fold(0.0, f64::max)
        + 12.0)
        .min(330.0);
    let labels: Vec<Vec<(f64, String)>> = rows.iter().map(|r| tornado_labels(r, base)).collect();
    // Room either side of the plot for the value labels written there.
    let pad = |left: bool| {
        labels
            .iter()
            .flatten()
            .filter(|(v, _)| (*v < base) == left)
            .map(|(_, s)| text_width(s, value_size) + 8.0)
            .fold(24.0, f64::max)
    };
    let (pad_left, pad_right) = (pad(true), pad(false));
    let plot_w = width - label_w - pad_left - pad_right;
    let lo = rows
        .iter()
        .map(|r| r.at_low.min(r.at_high))
        .fold(base, f64::min);
    let hi = rows
        .iter()
        .map(|r| r.at_low.max(r.at_high))
        .fold(base, f64::max);
    let axis = Axis::new(lo, hi, 6);
    let x0 = label_w + pad_left;
    let x = |v: f64| axis.x(v, x0, plot_w);
    let header = 42.0;
    let legend = 30.0;
    let body = row_h * rows.len() as f64;
    let mut c = Canvas::new(width, header + body + legend, title);
    c.grid(&axis, x0, plot_w, 33.0, header - 4.0, header + body);
    for (i, r) in rows.iter().enumerate() {
        let y = header + row_h * i as f64;
        let mid = y + row_h / 2.0;
        c.text(
            label_w - 8.0,
            mid + 4.0,
            &fit(&r.label, label_w - 10.0, size),
            size,
            Anchor::End,
        );
        // The longer bar first, so that a shorter one on the same side stays visible.
        let mut bars = [(r.at_low, AT_LOW, "low"), (r.at_high, AT_HIGH, "high")];
        bars.sort_by(|a, b| (b.0 - base).abs().total_cmp(&(a.0 - base).abs()));
        for (v, fill, which) in bars {
            let (a, b) = (x(base.min(v)), x(base.max(v)));
            let tip = format!("{}: at its {which} value {}", r.label, grouped(v, 1));
            c.rect(a, y + 4.0, (b - a).max(0.5), row_h - 8.0, fill, Some(&tip));
        }
        for (v, s) in &labels[i] {
            if *v > base {
                c.text(x(*v) + 4.0, mid + 4.0, s, value_size, Anchor::Start);
            } else {
                c.text(x(*v) - 4.0, mid + 4.0, s, value_size, Anchor::End);
            }
        }
    }
    c.line(x(base), header - 6.0, x(base), header + body, CURRENT, 1.5);
    let ly = header + body + 20.0;
    let mut lx = label_w;
    lx = c.key(lx, ly, AT_LOW, "parameter at its low value");
    lx = c.key(lx, ly, AT_HIGH, "at its high value");
    c.muted(
        lx,
        ly,
        &format!("line: the base scenario, {}", grouped(base, 1)),
        11.0,
        Anchor::Start,
    );
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(1000.0, 5), 200.0);
        assert_eq!(nice_step(7.0, 5), 2.0);
        assert_eq!(nice_step(0.9, 4), 0.25);
        let a = Axis::new(0.0, 5265.1, 4);
        assert_eq!(a.ticks, vec![0.0, 2000.0, 4000.0, 6000.0]);
    }

    #[test]
    fn measured_text_is_never_narrower_than_arial_bold() {
        // Widths in ems of Liberation Sans Bold (Arial Bold's metrics), measured from the font.
        for (s, bold_ems) in [
            ("10–90%", 3.670),
            ("NHS Greater Manchester Integrated Care Board", 22.563),
            (
                "Bath and North East Somerset, Swindon and Wiltshire",
                25.725,
            ),
        ] {
            assert!(text_width(s, 10.0) >= 10.0 * bold_ems, "{s}");
        }
        // The widest label of the embedded areas still fits the label column at 11 px, less
        // the column's padding (12 px at most).
        let bath = "Bath and North East Somerset, Swindon and Wiltshire";
        assert!(text_width(bath, 11.0) <= LABEL_MAX - 12.0);
        assert_eq!(fit(bath, LABEL_MAX - 12.0, 11.0), bath);
    }

    #[test]
    fn long_labels_are_shortened_to_fit() {
        let s = fit("Bedfordshire, Luton and Milton Keynes", 100.0, 11.0);
        assert!(s.ends_with('…'));
        assert!(text_width(&s, 11.0) <= 100.0);
        assert_eq!(fit("Kent", 100.0, 11.0), "Kent");
    }

    fn count(hay: &str, needle: &str) -> usize {
        hay.matches(needle).count()
    }

    /// The 2007 steps as series of the charts by area (`area`) or of the total.
    fn two_series(area: bool) -> Vec<Series> {
        let s = |name: &str, low: bool| Series {
            name: if area {
                format!("{name} intensity (step {}) WTE", if low { 2 } else { 3 })
            } else {
                format!("{name} intensity")
            },
            key: format!(
                "Required, {}{}",
                name.to_lowercase(),
                if area { " intensity" } else { "" }
            ),
            colour: if low { LOW } else { HIGH },
        };
        vec![s("Low", true), s("High", false)]
    }

    /// Three steps: the 2007 two and a third with a long name.
    fn three_series(area: bool) -> Vec<Series> {
        let mut v = two_series(area);
        v.push(Series {
            name: if area {
                "Specialist psychological therapy (step 4) WTE".into()
            } else {
                "Specialist psychological therapy".into()
            },
            key: "Required, specialist psychological therapy".into(),
            colour: "#330072",
        });
        v
    }

    #[test]
    fn many_areas_are_split_into_page_sized_charts() {
        let rows: Vec<WteRow> = (0..106)
            .map(|i| WteRow {
                label: format!("Area {i}"),
                tip: format!("Area {i}"),
                required: vec![i as f64, 2.0 * i as f64],
                current: None,
            })
            .collect();
        let charts = wte_by_area(&rows, &two_series(true), "WTE");
        assert_eq!(charts.len(), 3);
        assert!(charts[0].contains("WTE (1 of 3)"));
        // Each row is labelled once, in its own row: rows never share a y.
        let all = charts.concat();
        assert_eq!(count(&all, ">Area 105<"), 1);
    }

    /// The x and y of every `<text>` and the text itself.
    fn texts(svg: &str) -> Vec<(f64, f64, String)> {
        svg.split("<text x=\"")
            .skip(1)
            .map(|t| {
                let (x, rest) = t.split_once("\" y=\"").unwrap();
                let (y, rest) = rest.split_once('"').unwrap();
                let body = rest.split_once('>').unwrap().1;
                let body = body.split_once("</text>").unwrap().0;
                (x.parse().unwrap(), y.parse().unwrap(), body.to_string())
            })
            .collect()
    }

    #[test]
    fn the_role_chart_labels_every_role_once_without_overlap() {
        let bar = |label: &str, colour, required, current| RoleBar {
            label: label.into(),
            colour,
            required,
            current,
        };
        let rows = vec![
            bar("PWP, band 5", LOW, 4475.4, 3220.0),
            bar("Senior PWP, band 6", LOW, 789.8, 312.0),
            bar("Trainee <PWP> & co, band 4", LOW, 0.0, 360.0),
            bar("HIT, band 7", HIGH, 2231.9, 1900.0),
            bar("Employment adviser, band 5", RATIO, 986.4, 300.0),
        ];
        let legend = vec![
            (LOW, "Required, low intensity".to_string()),
            (HIGH, "Required, high intensity".to_string()),
            (RATIO, "Required, ratio roles".to_string()),
        ];
        let charts = wte_by_role(&rows, &legend, "By role");
        assert_eq!(charts.len(), 1);
        let svg = &charts[0];
        assert!(
            svg.contains(">Trainee &lt;PWP&gt; &amp; co, band 4<"),
            "escaped"
        );
        assert!(svg.contains(">required 4,475.4 · current 3,220.0 · gap +1,255.4<"));
        assert!(svg.contains(">required 0.0 · current 360.0 · gap −360.0<"));
        assert!(svg.contains(">Required, ratio roles<"));
        let all = texts(svg);
        for r in &rows {
            let label = esc(&r.label);
            assert_eq!(all.iter().filter(|t| t.2 == label).count(), 1, "{label}");
        }
        // Each row's label and note share its own baseline; no two rows share one, and every
        // label ends (right-aligned) before the first note starts.
        let labels: Vec<&(f64, f64, String)> = all
            .iter()
            .filter(|t| rows.iter().any(|r| esc(&r.label) == t.2))
            .collect();
        let notes: Vec<&(f64, f64, String)> = all
            .iter()
            .filter(|t| t.2.starts_with("required "))
            .collect();
        assert_eq!(notes.len(), rows.len());
        for (l, n) in labels.iter().zip(&notes) {
            assert_eq!(l.1, n.1);
            assert!(l.0 < n.0);
        }
        let mut ys: Vec<f64> = labels.iter().map(|t| t.1).collect();
        ys.dedup();
        assert_eq!(ys.len(), rows.len());
        assert!(ys.windows(2).all(|w| w[1] - w[0] >= 20.0));
        // No legend key for a colour without a role.
        let low_only = wte_by_role(&rows[..1], &legend, "Low only");
        assert!(!low_only[0].contains("ratio roles"));
    }

    #[test]
    fn range_and_tornado_charts_draw_every_row() {
        let rows: Vec<RangeRow> = (0..3)
            .map(|i| RangeRow {
                label: format!("A<{i}>"),
                tip: format!("A{i}"),
                p5: 10.0,
                p10: 12.0,
                p50: 15.0 + i as f64,
                p90: 18.0,
                p95: 20.0,
            })
            .collect();
        let charts = range_chart(&rows, "Total WTE", LOW);
        assert_eq!(charts.len(), 1);
        assert!(charts[0].contains("A&lt;2&gt;"), "labels are escaped");
        assert_eq!(count(&charts[0], "fill-opacity=\"0.3\"/>"), 4); // 3 rows + legend
        let t = tornado(
            &[
                TornadoRow {
                    label: "demand.presentation_rate".into(),
                    at_low: 4000.0,
                    at_high: 9000.0,
                },
                TornadoRow {
                    label: "capacity.dna_rate".into(),
                    at_low: 7890.0,
                    at_high: 8500.0,
                },
            ],
            7890.0,
            "Tornado",
        );
        assert!(t.starts_with("<svg") && t.ends_with("</svg>"));
        assert!(t.contains(">4,000.0<") && t.contains(">9,000.0<"));
        // dna_rate's low value is the base: only its high value is written.
        assert!(t.contains(">8,500.0<") && !t.contains(">7,890.0<"));
        let same_side = TornadoRow {
            label: "x".into(),
            at_low: 7.0,
            at_high: 9.0,
        };
        assert_eq!(
            tornado_labels(&same_side, 5.0),
            vec![(9.0, "low 7.0, high 9.0".to_string())]
        );
    }

    /// The width of an SVG from its `viewBox`.
    fn svg_width(svg: &str) -> f64 {
        let rest = svg.split_once("viewBox=\"0 0 ").unwrap().1;
        rest.split_once(' ').unwrap().0.parse().unwrap()
    }

    #[test]
    fn three_series_have_a_panel_bars_and_a_legend_entry_each() {
        let series = three_series(true);
        let rows: Vec<WteRow> = (0..5)
            .map(|i| WteRow {
                label: format!("Area {i}"),
                tip: format!("Area {i} (E{i})"),
                required: vec![10.0 * i as f64, 5.0, 2.0 + i as f64],
                current: Some(vec![8.0, 5.0, 1.0]),
            })
            .collect();
        let charts = wte_by_area(&rows, &series, "By area");
        assert_eq!(charts.len(), 1);
        let svg = &charts[0];
        let width = svg_width(svg);
        let all = texts(svg);
        for s in &series {
            // A bar per row in the series' colour, a legend swatch, a heading and a key, each
            // written in full.
            assert_eq!(
                count(svg, &format!("fill=\"{}\"><title>", s.colour)),
                rows.len()
            );
            assert_eq!(count(svg, &format!("fill=\"{}\"/>", s.colour)), 1);
            assert_eq!(
                all.iter().filter(|t| t.2 == s.name).count(),
                1,
                "{}",
                s.name
            );
            assert_eq!(all.iter().filter(|t| t.2 == s.key).count(), 1, "{}", s.key);
        }
        assert!(!svg.contains('…'), "nothing is shortened");
        // The third series' values, and its gap, are in its bars' tips and at their ends.
        assert!(svg.contains("<title>Area 4 (E4): required 6.0, current 1.0, gap +5.0</title>"));
        // The headings are in order, each ending before the next begins, and every legend
        // entry ends inside the chart.
        let heads: Vec<&(f64, f64, String)> = all
            .iter()
            .filter(|t| series.iter().any(|s| s.name == t.2))
            .collect();
        assert_eq!(heads.len(), 3);
        for w in heads.windows(2) {
            assert!(w[0].0 + text_width(&w[0].2, 12.0) < w[1].0);
        }
        assert!(heads[2].0 + text_width(&heads[2].2, 12.0) <= width);
        for t in all
            .iter()
            .filter(|t| t.2.starts_with("Required, ") || t.2.starts_with("Current"))
        {
            assert!(t.0 + text_width(&t.2, 11.0) <= width, "{}", t.2);
        }
        // A series with no values in a row draws an empty bar, not a panic.
        let short = WteRow {
            required: vec![1.0],
            current: None,
            ..rows[0].clone()
        };
        assert_eq!(wte_by_area(&[short], &series, "Short").len(), 1);
        assert!(wte_by_area(&rows, &[], "None").is_empty());
    }

    #[test]
    fn the_total_chart_has_a_row_per_series_and_their_sum() {
        let series = three_series(false);
        let svg = wte_total(
            &[100.0, 50.0, 25.5],
            Some(&[80.0, 60.0, 25.5]),
            &series,
            "Total",
        );
        let width = svg_width(&svg);
        let all = texts(&svg);
        for s in &series {
            assert_eq!(count(&svg, &format!("fill=\"{}\"><title>", s.colour)), 1);
            assert_eq!(
                all.iter().filter(|t| t.2 == s.name).count(),
                1,
                "{}",
                s.name
            );
            assert_eq!(all.iter().filter(|t| t.2 == s.key).count(), 1, "{}", s.key);
        }
        assert!(!svg.contains('…'), "the long step name is not shortened");
        assert!(svg.contains(">Total<") && svg.contains(">Required, total<"));
        assert!(svg.contains(">required 175.5 · current 165.5 · gap +10.0, 94% met<"));
        assert!(svg.contains(">required 50.0 · current 60.0 · gap −10.0, 120% met<"));
        assert!(svg.contains(">required 25.5 · current 25.5 · gap 0.0, 100% met<"));
        // Each row label, right-aligned, starts inside the chart and ends before the bars do.
        let bar_x: f64 = svg
            .split_once("<rect x=\"")
            .unwrap()
            .1
            .split_once('"')
            .unwrap()
            .0
            .parse()
            .unwrap();
        for t in all.iter().filter(|t| series.iter().any(|s| s.name == t.2)) {
            assert!(t.0 - text_width(&t.2, 12.0) >= 0.0, "{}", t.2);
            assert!(t.0 < bar_x, "{}", t.2);
        }
        // Without a current workforce the legend's long note wraps onto a line of its own
        // rather than running off the chart.
        let none = wte_total(&[100.0, 50.0, 25.5], None, &series, "Total");
        assert!(svg_width(&none) == width);
        for t in texts(&none).iter().filter(|t| t.1 > 150.0) {
            assert!(t.0 + text_width(&t.2, 11.0) <= width, "{}", t.2);
        }
        let note = texts(&none)
            .into_iter()
            .find(|t| t.2.starts_with("No current workforce"))
            .unwrap();
        let key = texts(&none)
            .into_iter()
            .find(|t| t.2 == "Required, total")
            .unwrap();
        assert!(note.1 > key.1, "the note is on a line below the keys");
    }

    #[test]
    fn the_role_chart_keys_every_step_with_roles() {
        let bar = |label: &str, colour, required| RoleBar {
            label: label.into(),
            colour,
            required,
            current: 1.0,
        };
        let rows = vec![
            bar("PWP, band 5", LOW, 10.0),
            bar("Clinical psychologist, band 8a", "#330072", 5.0),
        ];
        let legend = vec![
            (LOW, "Required, low intensity".to_string()),
            (HIGH, "Required, high intensity".to_string()),
            ("#330072", "Required, specialist therapy".to_string()),
            (RATIO, "Required, ratio roles".to_string()),
        ];
        let svg = &wte_by_role(&rows, &legend, "By role")[0];
        assert!(svg.contains(">Required, low intensity<"));
        assert!(svg.contains(">Required, specialist therapy<"));
        assert!(!svg.contains("high intensity") && !svg.contains("ratio roles"));
        assert_eq!(count(svg, "fill=\"#330072\"><title>"), 1);
    }
}
