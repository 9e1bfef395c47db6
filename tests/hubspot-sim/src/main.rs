//! `hubspot-sim [--port N] [--seed fixture.json]`: the simulator as a process, for the local stack.

use hubspot_sim::{HubSpotSim, Seed};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut port = 0u16;
    let mut seed = Seed::demo();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) => port = p.parse()?,
            ("--seed", Some(path)) => seed = Seed::from_file(std::path::Path::new(&path))?,
            _ => return Err("usage: hubspot-sim [--port N] [--seed fixture.json]".into()),
        }
    }
    let sim = HubSpotSim::start_on(port, seed).await?;
    println!("HubSpot simulator on {}", sim.base_url());
    tokio::signal::ctrl_c().await?;
    drop(sim);
    Ok(())
}
