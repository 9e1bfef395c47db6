#!/usr/bin/env bash
# Runs a command with a private moto server (DynamoDB + Secrets Manager) on 127.0.0.1, stopped when the command ends.
# The command sees AWS_ENDPOINT_URL and test credentials, so the real AWS SDK talks to moto.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/infra/scripts/venv.sh"
port=$("$root/.venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp -t moto.XXXXXX.log)
"$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null; wait "$moto_pid" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  kill -0 "$moto_pid" 2>/dev/null || { cat "$log" >&2; echo "moto failed to start" >&2; exit 1; }
  sleep 0.1
done
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
echo "==> moto on $AWS_ENDPOINT_URL" >&2
"$@"
