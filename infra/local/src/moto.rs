//! moto (DynamoDB + Secrets Manager) as a child process on loopback, killed when the stack stops.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

pub struct Moto {
    pub endpoint: String,
    child: Child,
}

impl Moto {
    pub async fn start(repo: &Path) -> anyhow::Result<Self> {
        let bin = repo.join(".venv/bin/moto_server");
        anyhow::ensure!(
            bin.exists(),
            "{} is missing: start the stack with `make run`, which installs it",
            bin.display()
        );
        let port = free_port()?;
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let endpoint = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(Self { endpoint, child });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("moto did not start listening on port {port} within 10 s")
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
