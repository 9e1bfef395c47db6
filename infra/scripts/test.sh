#!/usr/bin/env bash
# The one test command (`make test`, and what CI runs): installs its own tools, then formatting, every Rust
# test against a private moto, clippy, and the SAM template checks (lint, validate, build). Fails on any finding.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
step() { printf '\n==> %s\n' "$*"; }

step "Python tools (.venv)"
infra/scripts/venv.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo test (workspace, against moto on loopback)"
infra/scripts/with-moto.sh cargo test --workspace --all-targets --locked

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "HubSpot project (infra/hubspot): npm ci, typecheck, vitest"
(cd infra/hubspot && npm ci --no-audit --no-fund && npm run typecheck && npm test)

step "SAM template: cfn-lint, sam validate, sam validate --lint, sam build (x86_64)"
infra/scripts/template-check.sh

printf '\nAll checks passed.\n'
