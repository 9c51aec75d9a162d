#!/usr/bin/env bash
# Report latency over a month of simulated traffic (docs/benchmarks.md):
# provisions the demo call center into a fresh SQLite file and (when
# HOTLINE_TEST_POSTGRES_URL is set) a fresh PostgreSQL database, simulates
# REPORT_BENCH_DAYS days (default 30) of REPORT_BENCH_CALLS_PER_DAY calls a
# day (default 333,334: ten million a month) with REPORT_BENCH_AGENTS agents
# (default 6,000: enough to answer most of the busy hour) — without the call
# event rows, which a month of ten million calls would not fit (hotline
# simulate -events=false) — and runs
# bench/reportbench: the time to bring the rollups up to date, p50/p99 of
# each month report, and one full scan of the month's calls (the floor).
#
#   HOTLINE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable bench/report-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/report; mkdir -p "$out"
days=${REPORT_BENCH_DAYS:-30}
cpd=${REPORT_BENCH_CALLS_PER_DAY:-333334}
agents=${REPORT_BENCH_AGENTS:-6000}
from=${REPORT_BENCH_FROM:-2026-10-01}
to=$(date -d "$from + $((days - 1)) days" +%F)
runs=${REPORT_BENCH_RUNS:-20}
go build -o "$out/hotline" ./cmd/hotline
go build -o "$out/reportbench" ./bench/reportbench
# REPORT_BENCH_DIALECTS orders the runs (default: PostgreSQL when
# configured, then SQLite).
urls=()
for d in ${REPORT_BENCH_DIALECTS:-postgres sqlite}; do
  case $d in
  sqlite)
    rm -f "$out"/report.db*
    urls+=("sqlite://$PWD/$out/report.db") ;;
  postgres)
    [ -n "${HOTLINE_TEST_POSTGRES_URL:-}" ] || continue
    psql "$HOTLINE_TEST_POSTGRES_URL" -qc 'DROP DATABASE IF EXISTS hotline_report_bench WITH (FORCE)' -c 'CREATE DATABASE hotline_report_bench'
    urls+=("${HOTLINE_TEST_POSTGRES_URL/\/postgres\?//hotline_report_bench?}") ;;
  esac
done
for url in "${urls[@]}"; do
  echo "== $url"
  export HOTLINE_DATABASE_URL="$url" HOTLINE_DATA_DIR="$out/data" HOTLINE_DEMO_PASSWORD=bench-password-1
  HOTLINE_LOG_LEVEL=warn "$out/hotline" provision -f examples/demo.yaml >/dev/null
  /usr/bin/time -f "simulate: %e s, max RSS %M KB" "$out/hotline" simulate -from "$from" -to "$to" -calls-per-day "$cpd" \
    -agents "$agents" -events=false -seed 1 | tail -2
  "$out/reportbench" -db "$url" -from "$from" -days "$days" -n "$runs"
done
