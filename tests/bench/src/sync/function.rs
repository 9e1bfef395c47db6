//! The sync Lambda as Lambda runs it: the sam-built binary started once (a warm execution environment
//! that serves invocation after invocation), fed events through the local runtime API. Its peak resident
//! memory is read from `/proc` while it still runs, so only the worker process counts, never the bench
//! process that holds the simulators.

use crate::cold_start::LambdaEnv;
use crate::runtime_api::RuntimeApi;
use anyhow::Context;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::Child;

/// `template.yaml`'s `ScheduledSyncFunction`: `Timeout: 900`, each invocation's deadline.
const TIMEOUT: Duration = Duration::from_secs(900);
/// Its `MemorySize`.
pub const MEMORY_MB: &str = "512";

pub struct Function {
    api: RuntimeApi,
    child: Child,
    /// Where the function's own log (stdout and stderr) goes.
    pub log: PathBuf,
}

impl Function {
    /// Starts `binary` and waits until it asks for its first event.
    pub async fn start(binary: &Path, env: &LambdaEnv) -> anyhow::Result<Self> {
        let api = RuntimeApi::start().await?;
        let log = std::env::temp_dir().join(format!("bench-sync-{}.log", std::process::id()));
        let out = std::fs::File::create(&log).with_context(|| log.display().to_string())?;
        let child = env
            .command(binary, &api)
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("{} (run `make bench`, which builds it)", binary.display()))?;
        let mut function = Self { api, child, log };
        tokio::select! {
            _ = function.api.first_request() => Ok(function),
            status = function.child.wait() => anyhow::bail!(
                "{} exited ({:?}) before asking for an event; its log: {}",
                binary.display(), status?, function.log.display()
            ),
            _ = tokio::time::sleep(Duration::from_secs(30)) => {
                anyhow::bail!("{} did not ask for an event within 30 s", binary.display())
            }
        }
    }

    /// One invocation with the template's timeout; the function's answer, or why there was none.
    pub async fn invoke(&mut self, event: Value) -> anyhow::Result<Value> {
        tokio::select! {
            answer = self.api.invoke(event, TIMEOUT) => answer
                .with_context(|| format!("the function's log: {}", self.log.display())),
            status = self.child.wait() => anyhow::bail!(
                "the function exited ({:?}) during an invocation; its log: {}",
                status?, self.log.display()
            ),
        }
    }

    /// The process's peak resident set so far (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let pid = self.child.id().context("the function has exited")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        vm_hwm_kib(&status).context("no VmHWM in /proc/<pid>/status")
    }
}

fn vm_hwm_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_high_water_mark_is_read_from_proc_status() {
        let status =
            "Name:\tbootstrap\nVmPeak:\t  812345 kB\nVmHWM:\t   23456 kB\nVmRSS:\t   20000 kB\n";
        assert_eq!(super::vm_hwm_kib(status), Some(23456));
        assert_eq!(super::vm_hwm_kib("Name:\tx\n"), None);
    }
}
