#!/usr/bin/env bash
# CRM benchmarks (see docs/benchmarks.md): importing an XLSX of
# CRM_BENCH_ROWS rows (default 100,000; 1% bad rows, lenient mode) and
# allocating that many customers evenly to 20 agents, on SQLite and on
# PostgreSQL (HOTLINE_TEST_POSTGRES_URL), each in its own process under
# /usr/bin/time -v for the peak resident memory.
#
#   HOTLINE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable bench/crm_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
bin="$out/crm.test"
go test -c -o "$bin" ./internal/crm/
dialects="sqlite"
if [ -n "${HOTLINE_TEST_POSTGRES_URL:-}" ]; then dialects="sqlite postgres"; fi
printf '%-28s %12s %14s %14s %12s\n' benchmark seconds throughput peak-heap-MB max-RSS-MB
for b in CRMImport CRMAllocate; do
  for d in $dialects; do
    log="$out/crm-$b-$d.txt"
    ( cd internal/crm && /usr/bin/time -v "../../$bin" -test.run '^$' -test.bench "^Benchmark$b/$d\$" -test.benchtime 1x ) >"$log" 2>&1
    line=$(grep -E "^Benchmark$b/$d" "$log")
    ns=$(echo "$line" | awk '{print $3}')
    tput=$(echo "$line" | grep -oE '[0-9.]+ (rows|customers)/s')
    heap=$(echo "$line" | grep -oE '[0-9.]+ peak-heap-MB' | awk '{print $1}')
    rss=$(grep 'Maximum resident set size' "$log" | awk '{printf "%.0f", $6/1024}')
    printf '%-28s %12.1f %14s %14s %12s\n' "$b/$d" "$(echo "$ns/1000000000" | bc -l)" "$tput" "$heap" "$rss"
  done
done
