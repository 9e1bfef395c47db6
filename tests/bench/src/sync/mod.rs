//! The sync bench (issue 12): the ScheduledSync release binary, as `sam build` made it, syncs the generated
//! 10,000-invoice / 5,000-customer / 1,000-item company into one HubSpot portal, driven as in AWS (the
//! schedule's planning invocation, then the queue's jobs through the event source mapping, continuation
//! jobs included), against both simulators with their real rate limits. Then a run with nothing changed,
//! and one after 50 changes in QuickBooks. Each run's calls come from the simulators' counters.

mod bound;
mod changes;
mod function;
mod report;
mod setup;
mod source;

use report::{Full, Incremental};
use setup::Bench;
use std::path::Path;
use std::time::Instant;

/// Prints the sync's lines; `build_dir` is `sam build`'s output.
pub async fn report(build_dir: &Path) -> anyhow::Result<()> {
    let mut bench = Bench::start(build_dir).await?;
    let (full, detail) = full(&mut bench).await?;
    println!("{}", full.line());
    let idle = incremental(&mut bench, 2).await?;
    println!("{}", idle.line("idle"));
    let made = changes::make(&bench.world, &bench.realm).await;
    anyhow::ensure!(
        made == changes::COUNT,
        "only {made} of {} changes made",
        changes::COUNT
    );
    let changed = incremental(&mut bench, 3).await?;
    println!("{}", changed.line("50 changes"));
    println!("{detail}");
    Ok(())
}

async fn full(bench: &mut Bench) -> anyhow::Result<(Full, String)> {
    let w = &bench.world;
    let (customers, items, invoices) = (
        w.qbo_entities(&bench.realm, "Customer"),
        w.qbo_entities(&bench.realm, "Item"),
        w.qbo_entities(&bench.realm, "Invoice"),
    );
    let bound = bound::of(&bound::Company {
        customers: &customers,
        items: &items,
        invoices: &invoices,
    });
    bench.fresh_limits();
    let before = bench.calls();
    let started = Instant::now();
    let tick = source::tick(&mut bench.function, &bench.queue, 1).await?;
    let wall = started.elapsed();
    let calls = bench.calls() - before;
    let peak_rss_kib = bench.function.peak_rss_kib()?;
    let detail = format!(
        "sync full detail: quickbooks {} (bound {}), hubspot {} (bound {}) {:?}; {} worker invocation(s) \
         after planning; company {} customers, {} items, {} invoices; worker log {}",
        calls.quickbooks,
        bound.quickbooks,
        calls.hubspot,
        bound.hubspot,
        bench.world.hubspot.calls(),
        tick.worker_invocations,
        customers.len(),
        items.len(),
        invoices.len(),
        bench.function.log.display()
    );
    let full = Full {
        calls: calls.quickbooks + calls.hubspot,
        bound: bound.total(),
        wall,
        hubspot_calls: calls.hubspot,
        peak_rss_kib,
    };
    Ok((full, detail))
}

async fn incremental(bench: &mut Bench, n: usize) -> anyhow::Result<Incremental> {
    bench.fresh_limits();
    let before = bench.calls();
    source::tick(&mut bench.function, &bench.queue, n).await?;
    let calls = bench.calls() - before;
    Ok(Incremental {
        quickbooks: calls.quickbooks,
        hubspot: calls.hubspot,
    })
}
