//! Starts a function binary the way Lambda does and times how long it takes to be ready for its first event.

use crate::runtime_api::RuntimeApi;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::Command;

const APP_SECRET: &str = "hs-qbo/bench/app";

/// The environment a deployed function sees, with AWS pointed at moto.
pub struct LambdaEnv {
    vars: Vec<(String, String)>,
}

impl LambdaEnv {
    /// Creates the app-credentials secret the functions read at start-up.
    pub async fn on_moto(endpoint: &str) -> anyhow::Result<Self> {
        let sdk = test_support::aws_config(endpoint).await;
        let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
        let credentials = r#"{"hubspot_client_id":"b","hubspot_client_secret":"b","intuit_client_id":"b","intuit_client_secret":"b","intuit_webhook_verifier":"b"}"#;
        // A second bench run against the same moto finds it there already.
        let _ = secrets
            .create_secret()
            .name(APP_SECRET)
            .secret_string(credentials)
            .send()
            .await;
        let vars = [
            ("TABLE_NAME", "hs-qbo-bench"),
            ("APP_SECRET_ID", APP_SECRET),
            ("TOKEN_SECRET_PREFIX", "hs-qbo/bench/tokens/"),
            ("PUBLIC_BASE_URL", "https://bench.example.test"),
            ("AWS_ENDPOINT_URL", endpoint),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "bench"),
            ("AWS_SECRET_ACCESS_KEY", "bench"),
            ("AWS_LAMBDA_FUNCTION_NAME", "bench"),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"),
            ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
            ("AWS_LAMBDA_LOG_LEVEL", "WARN"),
        ];
        Ok(Self {
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        })
    }

    /// Sets (or replaces) one variable.
    pub fn set(&mut self, name: &str, value: &str) {
        self.vars.retain(|(k, _)| k != name);
        self.vars.push((name.to_string(), value.to_string()));
    }

    /// `binary` with this environment and nothing else, served events by `api`.
    pub fn command(&self, binary: &Path, api: &RuntimeApi) -> Command {
        let mut command = Command::new(binary);
        command
            .env_clear()
            .envs(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("AWS_LAMBDA_RUNTIME_API", &api.address)
            .kill_on_drop(true);
        command
    }
}

/// `runs` cold starts of `binary`, each in a fresh process against a fresh runtime API.
pub async fn measure(binary: &Path, env: &LambdaEnv, runs: usize) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let api = RuntimeApi::start().await?;
        let started = Instant::now();
        let mut child = env
            .command(binary, &api)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let ready = tokio::select! {
            at = api.first_request() => at,
            status = child.wait() => {
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    use tokio::io::AsyncReadExt;
                    let _ = stderr.read_to_string(&mut err).await;
                }
                anyhow::bail!("{} exited ({:?}) before asking for an event: {err}", binary.display(), status?);
            }
            _ = tokio::time::sleep(Duration::from_secs(30)) => {
                anyhow::bail!("{} did not ask for an event within 30 s", binary.display());
            }
        };
        samples.push(ready - started);
        child.kill().await?;
    }
    Ok(samples)
}
