//! A small hand-rolled metric registry: counter, gauge and histogram families with
//! fixed label names, rendered in the Prometheus text exposition format 0.0.4.
//!
//! Why not the `prometheus` crate: we need a dozen metrics, no global registry, no
//! protobuf; a family is a `Mutex<BTreeMap<labels, value>>` (sorted, so the output is
//! stable and diffable) and updates are rare compared with the work they measure
//! (one lock per fetched page, not per byte).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};

/// Most distinct label sets one family keeps. Further label sets are folded into one
/// series whose label values are all [`OVERFLOW_LABEL`], so a caller that passes an
/// unbounded value by mistake (a URL, an error text) cannot blow up memory or the
/// scrape. Calibrated: the largest legitimate family is `messages_total{outcome,reason}`
/// with 4 outcomes × ~20 reason codes = 80 sets; 256 leaves room for growth.
pub const MAX_SERIES_PER_FAMILY: usize = 256;

/// Label value used once a family is full (see [`MAX_SERIES_PER_FAMILY`]).
pub const OVERFLOW_LABEL: &str = "other";

/// Longest label value kept; longer values are cut. Our label values are short codes
/// (`http_404`, `gb18030`, `meta-charset`); 64 bytes is twice the longest.
pub const MAX_LABEL_LEN: usize = 64;

/// Locks a mutex, recovering the data if a panicking thread poisoned it: a metric
/// value is always valid on its own, so there is nothing to repair.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Normalises a label value: empty → `none`, cut to [`MAX_LABEL_LEN`] on a char
/// boundary. Escaping happens at render time.
fn label_value(v: &str) -> String {
    if v.is_empty() {
        return "none".to_owned();
    }
    if v.len() <= MAX_LABEL_LEN {
        return v.to_owned();
    }
    let mut end = MAX_LABEL_LEN;
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    v[..end].to_owned()
}

/// Escapes a label value per the text format: backslash, double quote, newline.
fn escape_label(v: &str, out: &mut String) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Escapes HELP text per the text format: backslash and newline.
fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

/// Formats a sample value the way Prometheus parses it (`+Inf`, `-Inf`, `NaN`).
pub fn format_float(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v == f64::INFINITY {
        "+Inf".to_owned()
    } else if v == f64::NEG_INFINITY {
        "-Inf".to_owned()
    } else {
        format!("{v}")
    }
}

/// `{a="x",b="y"}` (plus an optional extra pair, used for `le`), or "" without labels.
fn render_labels(names: &[&str], values: &[String], extra: Option<(&str, &str)>, out: &mut String) {
    if names.is_empty() && extra.is_none() {
        return;
    }
    out.push('{');
    let mut first = true;
    for (n, v) in names.iter().zip(values) {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(n);
        out.push_str("=\"");
        escape_label(v, out);
        out.push('"');
    }
    if let Some((n, v)) = extra {
        if !first {
            out.push(',');
        }
        out.push_str(n);
        out.push_str("=\"");
        escape_label(v, out);
        out.push('"');
    }
    out.push('}');
}

/// Name, help and label names shared by every family kind.
#[derive(Debug)]
struct Desc {
    name: &'static str,
    help: &'static str,
    labels: &'static [&'static str],
}

impl Desc {
    fn header(&self, kind: &str, out: &mut String) {
        let _ = writeln!(out, "# HELP {} {}", self.name, escape_help(self.help));
        let _ = writeln!(out, "# TYPE {} {kind}", self.name);
    }

    /// The key under which `values` is stored, folding into the overflow series once
    /// the family holds [`MAX_SERIES_PER_FAMILY`] sets.
    fn key<V>(&self, values: &[&str], map: &BTreeMap<Vec<String>, V>) -> Vec<String> {
        let key: Vec<String> = self
            .labels
            .iter()
            .enumerate()
            .map(|(i, _)| label_value(values.get(i).copied().unwrap_or("")))
            .collect();
        if map.contains_key(&key) || map.len() < MAX_SERIES_PER_FAMILY {
            key
        } else {
            vec![OVERFLOW_LABEL.to_owned(); self.labels.len()]
        }
    }
}

/// One float per label set: the state a counter and a gauge share.
#[derive(Debug)]
struct Series {
    desc: Desc,
    values: Mutex<BTreeMap<Vec<String>, f64>>,
}

impl Series {
    fn new(name: &'static str, help: &'static str, labels: &'static [&'static str]) -> Self {
        let mut values = BTreeMap::new();
        if labels.is_empty() {
            // An unlabelled series exists from the start (reads 0), so rate() works.
            values.insert(Vec::new(), 0.0);
        }
        Self {
            desc: Desc { name, help, labels },
            values: Mutex::new(values),
        }
    }

    /// Applies `f` to the value of one label set (created at 0).
    fn update(&self, values: &[&str], f: impl FnOnce(&mut f64)) {
        let mut map = lock(&self.values);
        let key = self.desc.key(values, &map);
        f(map.entry(key).or_insert(0.0));
    }

    /// Current value of one label set (0 if never touched).
    fn get(&self, values: &[&str]) -> f64 {
        let key: Vec<String> = values.iter().map(|v| label_value(v)).collect();
        lock(&self.values).get(&key).copied().unwrap_or(0.0)
    }

    fn render(&self, kind: &str, out: &mut String) {
        self.desc.header(kind, out);
        for (k, v) in lock(&self.values).iter() {
            out.push_str(self.desc.name);
            render_labels(self.desc.labels, k, None, out);
            let _ = writeln!(out, " {}", format_float(*v));
        }
    }
}

/// A monotonically increasing count per label set.
#[derive(Debug)]
pub struct CounterVec(Series);

impl CounterVec {
    pub fn new(name: &'static str, help: &'static str, labels: &'static [&'static str]) -> Self {
        Self(Series::new(name, help, labels))
    }

    /// Adds `v` (ignored unless finite and ≥ 0: counters never go down).
    pub fn add(&self, values: &[&str], v: f64) {
        if v.is_finite() && v >= 0.0 {
            self.0.update(values, |x| *x += v);
        }
    }

    pub fn inc(&self, values: &[&str]) {
        self.add(values, 1.0);
    }

    /// Makes a label set visible at 0 before its first event.
    pub fn touch(&self, values: &[&str]) {
        self.add(values, 0.0);
    }

    /// Current value of one label set (0 if never touched).
    pub fn get(&self, values: &[&str]) -> f64 {
        self.0.get(values)
    }

    pub fn render(&self, out: &mut String) {
        self.0.render("counter", out);
    }
}

/// A value that goes up and down per label set.
#[derive(Debug)]
pub struct GaugeVec(Series);

impl GaugeVec {
    pub fn new(name: &'static str, help: &'static str, labels: &'static [&'static str]) -> Self {
        Self(Series::new(name, help, labels))
    }

    pub fn set(&self, values: &[&str], v: f64) {
        self.0.update(values, |x| *x = v);
    }

    pub fn add(&self, values: &[&str], delta: f64) {
        self.0.update(values, |x| *x += delta);
    }

    pub fn get(&self, values: &[&str]) -> f64 {
        self.0.get(values)
    }

    pub fn render(&self, out: &mut String) {
        self.0.render("gauge", out);
    }
}

/// Observations of one label set: per-bucket counts (not cumulative), sum, count.
#[derive(Debug, Clone)]
struct HistogramData {
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

/// A distribution per label set over fixed upper bounds (`le`), plus `+Inf`.
#[derive(Debug)]
pub struct HistogramVec {
    desc: Desc,
    /// Upper bounds, strictly increasing, finite; `+Inf` is implied.
    bounds: &'static [f64],
    values: Mutex<BTreeMap<Vec<String>, HistogramData>>,
}

impl HistogramVec {
    pub fn new(
        name: &'static str,
        help: &'static str,
        labels: &'static [&'static str],
        bounds: &'static [f64],
    ) -> Self {
        let mut values = BTreeMap::new();
        if labels.is_empty() {
            values.insert(Vec::new(), Self::empty(bounds));
        }
        Self {
            desc: Desc { name, help, labels },
            bounds,
            values: Mutex::new(values),
        }
    }

    fn empty(bounds: &[f64]) -> HistogramData {
        HistogramData {
            buckets: vec![0; bounds.len()],
            sum: 0.0,
            count: 0,
        }
    }

    /// Records one observation (NaN is ignored).
    pub fn observe(&self, values: &[&str], v: f64) {
        if v.is_nan() {
            return;
        }
        let mut map = lock(&self.values);
        let key = self.desc.key(values, &map);
        let data = map.entry(key).or_insert_with(|| Self::empty(self.bounds));
        if let Some(i) = self.bounds.iter().position(|b| v <= *b) {
            if let Some(slot) = data.buckets.get_mut(i) {
                *slot += 1;
            }
        }
        data.sum += v;
        data.count += 1;
    }

    /// Makes a label set visible (all zero) before its first observation.
    pub fn touch(&self, values: &[&str]) {
        let mut map = lock(&self.values);
        let key = self.desc.key(values, &map);
        map.entry(key).or_insert_with(|| Self::empty(self.bounds));
    }

    /// Number of observations of one label set.
    pub fn count(&self, values: &[&str]) -> u64 {
        let key: Vec<String> = values.iter().map(|v| label_value(v)).collect();
        lock(&self.values).get(&key).map_or(0, |d| d.count)
    }

    pub fn render(&self, out: &mut String) {
        self.desc.header("histogram", out);
        let bucket_name = format!("{}_bucket", self.desc.name);
        for (k, d) in lock(&self.values).iter() {
            let mut cumulative = 0u64;
            for (b, n) in self.bounds.iter().zip(&d.buckets) {
                cumulative += n;
                out.push_str(&bucket_name);
                render_labels(self.desc.labels, k, Some(("le", &format_float(*b))), out);
                let _ = writeln!(out, " {cumulative}");
            }
            out.push_str(&bucket_name);
            render_labels(self.desc.labels, k, Some(("le", "+Inf")), out);
            let _ = writeln!(out, " {}", d.count);
            out.push_str(self.desc.name);
            out.push_str("_sum");
            render_labels(self.desc.labels, k, None, out);
            let _ = writeln!(out, " {}", format_float(d.sum));
            out.push_str(self.desc.name);
            out.push_str("_count");
            render_labels(self.desc.labels, k, None, out);
            let _ = writeln!(out, " {}", d.count);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn counter_renders_help_type_and_sorted_series() {
        let c = CounterVec::new("x_total", "Things.\nMore", &["kind"]);
        c.inc(&["b"]);
        c.add(&["a"], 2.0);
        c.add(&["a"], -5.0); // ignored
        let mut s = String::new();
        c.render(&mut s);
        assert_eq!(
            s,
            "# HELP x_total Things.\\nMore\n# TYPE x_total counter\nx_total{kind=\"a\"} 2\nx_total{kind=\"b\"} 1\n"
        );
    }

    #[test]
    fn label_values_are_escaped_and_empty_is_none() {
        let c = CounterVec::new("y_total", "Y.", &["a", "b"]);
        c.inc(&["q\"u\\o\nte", ""]);
        let mut s = String::new();
        c.render(&mut s);
        assert!(
            s.contains("y_total{a=\"q\\\"u\\\\o\\nte\",b=\"none\"} 1\n"),
            "{s}"
        );
    }

    #[test]
    fn unlabelled_families_exist_at_zero() {
        let c = CounterVec::new("z_total", "Z.", &[]);
        let g = GaugeVec::new("z_gauge", "Z.", &[]);
        let mut s = String::new();
        c.render(&mut s);
        g.render(&mut s);
        assert!(s.contains("\nz_total 0\n"), "{s}");
        assert!(s.contains("\nz_gauge 0\n"), "{s}");
    }

    #[test]
    fn histogram_buckets_are_cumulative_with_inf_sum_count() {
        static B: &[f64] = &[0.1, 1.0];
        let h = HistogramVec::new("h_seconds", "H.", &["stage"], B);
        h.observe(&["fetch"], 0.05);
        h.observe(&["fetch"], 0.5);
        h.observe(&["fetch"], 7.0);
        h.observe(&["fetch"], f64::NAN);
        let mut s = String::new();
        h.render(&mut s);
        let want = "# HELP h_seconds H.\n# TYPE h_seconds histogram\n\
            h_seconds_bucket{stage=\"fetch\",le=\"0.1\"} 1\n\
            h_seconds_bucket{stage=\"fetch\",le=\"1\"} 2\n\
            h_seconds_bucket{stage=\"fetch\",le=\"+Inf\"} 3\n\
            h_seconds_sum{stage=\"fetch\"} 7.55\n\
            h_seconds_count{stage=\"fetch\"} 3\n";
        assert_eq!(s, want);
        assert_eq!(h.count(&["fetch"]), 3);
    }

    #[test]
    fn a_full_family_folds_new_label_sets_into_other() {
        let c = CounterVec::new("many_total", "M.", &["k"]);
        for i in 0..(MAX_SERIES_PER_FAMILY + 10) {
            c.inc(&[&format!("v{i}")]);
        }
        assert_eq!(c.get(&[OVERFLOW_LABEL]), 10.0);
        // An existing set still counts under its own name.
        c.inc(&["v0"]);
        assert_eq!(c.get(&["v0"]), 2.0);
        let mut s = String::new();
        c.render(&mut s);
        assert_eq!(s.lines().count(), 2 + MAX_SERIES_PER_FAMILY + 1);
    }

    #[test]
    fn long_label_values_are_cut_on_a_char_boundary() {
        let long = "字".repeat(40); // 120 bytes
        let v = label_value(&long);
        assert!(v.len() <= MAX_LABEL_LEN);
        assert!(v.chars().all(|c| c == '字'));
    }

    #[test]
    fn special_floats_use_prometheus_spelling() {
        assert_eq!(format_float(f64::INFINITY), "+Inf");
        assert_eq!(format_float(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_float(f64::NAN), "NaN");
        assert_eq!(format_float(0.25), "0.25");
        assert_eq!(format_float(3.0), "3");
    }
}
