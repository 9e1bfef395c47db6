//! `qbo-sim [--port N] [--seed fixture.json]`: the simulator as a process, for the local stack.

use qbo_sim::{QboSim, Seed};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut port = 0u16;
    let mut seed = Seed::demo();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) => port = p.parse()?,
            ("--seed", Some(path)) => seed = Seed::from_file(std::path::Path::new(&path))?,
            _ => return Err("usage: qbo-sim [--port N] [--seed fixture.json]".into()),
        }
    }
    let sim = QboSim::start_on(port, seed).await?;
    println!("QuickBooks Online simulator on {}", sim.base_url());
    tokio::signal::ctrl_c().await?;
    drop(sim);
    Ok(())
}
