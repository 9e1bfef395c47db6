#!/usr/bin/env bash
# The local stack (`make run`): installs moto into .venv if needed, then starts moto, the table from
# template.yaml, the functions behind a local gateway and the scheduler. Ctrl-C stops all of it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
infra/scripts/venv.sh
cargo build --locked -p local-stack
exec target/debug/local-stack
