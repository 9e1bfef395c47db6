#!/usr/bin/env bash
# Checks template.yaml the way a deploy would, offline: cfn-lint, `sam validate`, `sam validate --lint` (plain
# validate catches things --lint misses), and a `sam build` of every function for x86_64 (this machine has no
# aarch64 standard library; arm64 builds happen where users deploy). Any finding fails the check.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
infra/scripts/venv.sh
export PATH="$root/.venv/bin:$PATH"
# SAM needs a region and credentials to exist, never to be valid: nothing here talks to AWS.
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=offline AWS_SECRET_ACCESS_KEY=offline
export SAM_CLI_TELEMETRY=0
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL

timed() { local t0=$SECONDS; "$@"; echo "    ($((SECONDS - t0)) s)"; }

echo "--> cfn-lint template.yaml"
timed cfn-lint template.yaml

# sam validate prints warnings but exits 0 on some of them; treat any line besides the verdict as a finding.
validate() {
  local out
  out=$(sam validate "$@" 2>&1) || { echo "$out"; return 1; }
  echo "$out"
  if echo "$out" | grep -v -E 'is a valid SAM Template' | grep -q -E '\S'; then
    echo "sam validate $* reported findings" >&2
    return 1
  fi
}
echo "--> sam validate"
timed validate
echo "--> sam validate --lint"
timed validate --lint

echo "--> no dependency cycles after the SAM transform"
timed python infra/scripts/template-cycles.py template.yaml

echo "--> sam build (x86_64)"
timed sam build --parameter-overrides Architecture=x86_64
for fn in OAuthCallbackFunction InvoiceCardFunction WorkflowActionsFunction ScheduledSyncFunction; do
  artifact=".aws-sam/build/$fn/bootstrap"
  [ -x "$artifact" ] || { echo "sam build produced no $artifact" >&2; exit 1; }
  # ELF e_machine (offset 18) is 0x3e for x86-64.
  [ "$(od -An -tx1 -j18 -N2 "$artifact" | tr -d ' ')" = "3e00" ] || { echo "$artifact is not an x86-64 ELF" >&2; exit 1; }
  echo "    $artifact $(du -h "$artifact" | cut -f1)"
done
