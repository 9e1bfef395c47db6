//! `qbo-sim [--port N] [--seed fixture.json]`: the simulator as a process, for the local stack.

use qbo_sim::{QboSim, Seed};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (port, seed) = sim_kit::cli::args("qbo-sim")?;
    let seed = match seed {
        Some(path) => sim_kit::cli::read_seed(&path)?,
        None => Seed::demo(),
    };
    let sim = QboSim::start_on(port, seed).await?;
    sim_kit::cli::serve_until_ctrl_c("QuickBooks Online simulator", &sim.base_url()).await?;
    Ok(())
}
