//! The sync's lines, in the shape issue 12 fixes so that they can be compared run to run.

use std::time::Duration;

/// HubSpot's burst limit for OAuth apps: 110 calls per rolling 10 s per account (hubspot-api.md §6).
const HUBSPOT_BURST: f64 = 110.0;
const HUBSPOT_WINDOW_SECS: f64 = 10.0;

pub struct Full {
    pub calls: usize,
    pub bound: usize,
    pub wall: Duration,
    pub hubspot_calls: usize,
    pub peak_rss_kib: u64,
}

fn ratio(measured: f64, bound: f64) -> f64 {
    if bound > 0.0 {
        measured / bound
    } else {
        f64::INFINITY
    }
}

impl Full {
    /// The fastest a run making these HubSpot calls can be: HubSpot admits them no faster.
    fn wall_bound_secs(&self) -> f64 {
        self.hubspot_calls as f64 * HUBSPOT_WINDOW_SECS / HUBSPOT_BURST
    }

    pub fn line(&self) -> String {
        let wall = self.wall.as_secs_f64();
        let wall_bound = self.wall_bound_secs();
        format!(
            "sync full: calls {} bound {} ratio {:.2}; wall {:.1} s bound {:.1} s ratio {:.2}; peak rss {} MB",
            self.calls,
            self.bound,
            ratio(self.calls as f64, self.bound as f64),
            wall,
            wall_bound,
            ratio(wall, wall_bound),
            // MB as Lambda's memory setting counts them (MiB).
            self.peak_rss_kib.div_ceil(1024)
        )
    }
}

pub struct Incremental {
    pub quickbooks: usize,
    pub hubspot: usize,
}

impl Incremental {
    pub fn line(&self, name: &str) -> String {
        format!(
            "sync {name}: quickbooks {} hubspot {}",
            self.quickbooks, self.hubspot
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_keep_their_shape() {
        let full = Full {
            calls: 660,
            bound: 600,
            wall: Duration::from_millis(66_000),
            hubspot_calls: 605,
            peak_rss_kib: 30 * 1024 + 1,
        };
        assert_eq!(
            full.line(),
            "sync full: calls 660 bound 600 ratio 1.10; wall 66.0 s bound 55.0 s ratio 1.20; peak rss 31 MB"
        );
        let idle = Incremental {
            quickbooks: 1,
            hubspot: 0,
        };
        assert_eq!(idle.line("idle"), "sync idle: quickbooks 1 hubspot 0");
    }
}
