# The project's task runner. `make run` starts the local stack; `make test` runs every check CI runs.
.PHONY: run test bench fmt build deploy

run:        ## the whole integration on loopback (moto, gateway, scheduler); Ctrl-C stops it
	infra/scripts/run-local.sh

test:       ## fmt, all Rust tests against moto, clippy, cfn-lint + sam validate (+ --lint) + sam build
	infra/scripts/test.sh

bench:      ## release binary sizes and cold starts of the four functions, handler latency, the sync at scale
	infra/scripts/bench.sh

fmt:
	cargo fmt --all

build:      ## what `sam deploy` ships (arm64 by default; needs the aarch64 target where you deploy)
	PATH="$(CURDIR)/.venv/bin:$$PATH" sam build

deploy: build
	PATH="$(CURDIR)/.venv/bin:$$PATH" sam deploy --guided
