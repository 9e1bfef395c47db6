#!/usr/bin/env bash
# Creates ./.venv with the pinned Python tools (moto, cfn-lint, SAM CLI, cargo-lambda) if it is missing or stale.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/.venv"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$root/infra/requirements.txt" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing Python tools into .venv (moto, cfn-lint, SAM CLI, cargo-lambda)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/infra/requirements.txt"
  echo "$want" > "$stamp"
fi
