#!/usr/bin/env bash
# The test command: vet, every test (with the race detector), then each fuzz
# target for a short while. Tests that need a tool or service (PostgreSQL,
# NATS, sipp, baresip, chromium, espeak-ng) skip with a message naming it,
# unless CI=true, where they fail instead.
#   FUZZTIME=5s   how long each fuzz target runs (0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}

echo "== go vet"
go vet ./...

echo "== go test"
go test -race -count=1 -timeout 20m ./...

# The 100,000-row import test is too slow under the race detector, which
# skips it; run it once without.
echo "== go test (100,000-row import, without -race)"
go test -count=1 -run 'TestImport100k' ./internal/crm/

if [ "$fuzztime" != "0" ]; then
  echo "== fuzz ($fuzztime each)"
  # Every "func FuzzXxx(" in a _test.go file is a target of its package.
  grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(' internal cmd 2>/dev/null | sort | while read -r f; do
    pkg="./$(dirname "$f")"
    grep -oE '^func Fuzz[A-Za-z0-9_]+' "$f" | sed 's/^func //' | while read -r target; do
      echo "-- $pkg $target"
      log=$(mktemp)
      if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1; then
        cat "$log"
        # Go's fuzz coordinator sometimes times out stopping its workers when
        # -fuzztime ends ("context deadline exceeded", no failing input):
        # run that target once more. A real failure writes its input.
        if grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
          echo "-- $pkg $target: fuzzer shutdown timed out; running it again"
          go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
        else
          rm -f "$log"
          exit 1
        fi
      fi
      tail -1 "$log"
      rm -f "$log"
    done
  done
fi
echo "== all tests passed"
