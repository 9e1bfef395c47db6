//! Figures as a table a person can paste into a note.

use std::time::Duration;

pub struct Row {
    name: String,
    size_bytes: u64,
    median: Duration,
    min: Duration,
    max: Duration,
}

impl Row {
    pub fn new(name: &str, size_bytes: u64, samples: &[Duration]) -> Self {
        let mut sorted = samples.to_vec();
        sorted.sort();
        Self {
            name: name.into(),
            size_bytes,
            median: median(&sorted),
            min: sorted.first().copied().unwrap_or_default(),
            max: sorted.last().copied().unwrap_or_default(),
        }
    }
}

/// Median of sorted samples (the mean of the middle two for an even count).
pub fn median(sorted: &[Duration]) -> Duration {
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// The `p`th percentile of sorted samples (nearest rank).
pub fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn table(rows: &[Row], runs: usize) -> String {
    let mut out = format!(
        "{:<18} {:>12} {:>9}   {:>14} {:>10} {:>10}\n",
        "function",
        "size (bytes)",
        "MiB",
        format!("cold start p50 (n={runs})"),
        "min",
        "max"
    );
    for r in rows {
        out.push_str(&format!(
            "{:<18} {:>12} {:>9.2}   {:>14} {:>10} {:>10}\n",
            r.name,
            r.size_bytes,
            r.size_bytes as f64 / (1024.0 * 1024.0),
            ms(r.median),
            ms(r.min),
            ms(r.max)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[]), Duration::ZERO);
        assert_eq!(median(&[d(5)]), d(5));
        assert_eq!(median(&[d(1), d(2), d(9)]), d(2));
        assert_eq!(median(&[d(1), d(2), d(4), d(9)]), d(3));
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(d).collect();
        assert_eq!(percentile(&samples, 99), d(99));
        assert_eq!(percentile(&samples, 50), d(50));
        assert_eq!(percentile(&[d(7)], 99), d(7));
        assert_eq!(percentile(&[], 99), Duration::ZERO);
    }

    #[test]
    fn rows_sort_their_samples() {
        let row = Row::new("x", 2 * 1024 * 1024, &[d(30), d(10), d(20)]);
        assert_eq!((row.median, row.min, row.max), (d(20), d(10), d(30)));
        let t = table(&[row], 3);
        assert!(t.contains("2.00") && t.contains("20.0 ms"), "{t}");
    }
}
