#!/usr/bin/env bash
# `make bench`: builds the deployable functions exactly as `sam build` does (x86_64 here; release profile tuned
# for size and start-up in Cargo.toml) and prints each one's size and cold-start time, the handlers' latency,
# the sync's and the webhook's figures. `infra/scripts/bench.sh --sync-only` (or `--cold-starts-only`,
# `--handlers-only`, `--webhook-only`)
# runs one part.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
infra/scripts/venv.sh
(
  export PATH="$root/.venv/bin:$PATH" SAM_CLI_TELEMETRY=0 AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  sam build --parameter-overrides Architecture=x86_64 >/dev/null
)
# The bench tool runs the handlers in-process too, so it is optimised (profile bench-tool: release without
# fat LTO, quicker to build).
cargo build --locked --profile bench-tool -p bench
infra/scripts/with-moto.sh target/bench-tool/bench "$@" "$root/.aws-sam/build"
