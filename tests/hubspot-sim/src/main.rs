//! `hubspot-sim [--port N] [--seed fixture.json]`: the simulator as a process, for the local stack.

use hubspot_sim::{HubSpotSim, Seed};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (port, seed) = sim_kit::cli::args("hubspot-sim")?;
    let seed = match seed {
        Some(path) => sim_kit::cli::read_seed(&path)?,
        None => Seed::demo(),
    };
    let sim = HubSpotSim::start_on(port, seed).await?;
    sim_kit::cli::serve_until_ctrl_c("HubSpot simulator", &sim.base_url()).await?;
    Ok(())
}
