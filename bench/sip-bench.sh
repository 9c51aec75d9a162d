#!/usr/bin/env bash
# SIP load benchmarks with sipp on loopback (see docs/benchmarks.md).
#
#   bench/sip-bench.sh [rates...]     default rates: 50 100 200 400
#
# For each rate R (calls/s), 10 s of load:
#   ref    sipp UAC → sipp UAS directly: the machine's ceiling
#   ivr    calls into the demo IVR (8000), 1 s each, hung up mid-prompt
#   queue  calls into a queue served by BENCH_AGENTS agents (one sipp UAS
#          answering for all of them), 1 s of talk, media anchored
# then the key-press-to-prompt latency (root: pcap DTMF) from /metrics.
# Failure rate must stay ≤ 4×10⁻⁴ (the documents' limit) to count.
set -euo pipefail
cd "$(dirname "$0")/.."
rates=${*:-50 100 200 400}
agents=${BENCH_AGENTS:-200}
secs=${BENCH_SECONDS:-10}
out=bench/out
# shellcheck source=bench/lib.sh
. bench/lib.sh
setup_node "$agents"
register_agents "$agents"

# run NAME SCENARIO-ARGS...: one load step; prints successes and failures.
run() {
  local name=$1; shift
  local stf="$out/$name.csv"
  sipp "$@" -i 127.0.0.1 -p "$(freeport)" -mp "$(freeport)" -nostdin -timeout $((secs + 40))s \
    -trace_stat -stf "$stf" -fd 1 >/dev/null 2>&1 || true
  python3 - "$stf" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
head, last = rows[0], rows[-1]
v = lambda k: int(last[head.index(k)])
ok, bad = v('SuccessfulCall(C)'), v('FailedCall(C)')
rate = bad / max(1, ok + bad)
print(f"{ok} ok, {bad} failed, failure rate {rate:.1e}{'' if rate <= 4e-4 else '  (over the 4e-4 limit)'}")
PY
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for r in $rates; do
  n=$((r * secs))
  refport=$(freeport)
  sipp -sn uas -i 127.0.0.1 -p "$refport" -nostdin -bg >/dev/null || true  # sipp -bg exits 99
  echo "rate $r/s, $n calls"
  printf '  ref   sipp→sipp        : '; run "ref-$r" 127.0.0.1:"$refport" -sn uac -d 1000 -r "$r" -m "$n"
  printf '  ivr   sipp→hotline 8000: '; run "ivr-$r" 127.0.0.1:"$sp" -sf "$out/bench_ivr.xml" -s 8000 -r "$r" -m "$n"
  printf '  queue sipp→8100→agent  : '; run "queue-$r" 127.0.0.1:"$sp" -sf "$out/bench_queue.xml" -s 8100 -r "$r" -m "$n"
  sleep 2
  python3 - "$data/hotline.db" "$out/answered.prev" <<'PY'
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ans, ab = [db.execute("SELECT count(*) FROM cdrs WHERE queue = 'bench' AND outcome = ?", (o,)).fetchone()[0] for o in ("answered", "abandoned")]
pa, pb = (map(int, open(sys.argv[2]).read().split()) if os.path.exists(sys.argv[2]) else (0, 0))
open(sys.argv[2], "w").write(f"{ans} {ab}")
print(f"        of which answered by an agent {ans - pa}, hung up still queued {ab - pb} (agents are the limit when these grow)")
PY
  pkill -f "sipp -sn uas -i 127.0.0.1 -p $refport" || true
done

if [ "$(id -u)" = 0 ] && [ -f "$out/dtmf_2833_1.pcap" ]; then
  echo "key press → next audio (200 calls at 20/s):"
  run key 127.0.0.1:"$sp" -sf "$out/bench_key.xml" -s 8000 -r 20 -m 200 >/dev/null
  curl -s "http://127.0.0.1:$hp/metrics" | python3 -c '
import sys
b = {}
for line in sys.stdin:
    if line.startswith("hotline_ivr_key_to_prompt_seconds_bucket"):
        le = line.split("le=\"")[1].split("\"")[0]
        b[float("inf") if le == "+Inf" else float(le)] = float(line.split()[-1])
total = b.get(float("inf"), 0)
def q(p):
    for le in sorted(b):
        if b[le] >= p * total:
            return le
print(f"  {int(total)} key presses: p50 ≤ {q(0.5)*1000:g} ms, p99 ≤ {q(0.99)*1000:g} ms (histogram bucket bounds)")
'
fi
sleep 35 # SIP transactions linger 32 s (timer J/K) after the last calls
curl -s "http://127.0.0.1:$hp/metrics" | awk '
  /^hotline_calls_active / {printf "after the runs: %d calls active", $2}
  /^go_goroutines / {printf ", %d goroutines", $2}
  /^go_memstats_heap_inuse_bytes / {printf ", heap in use %.0f MiB", $2/1048576}
  END {print ""}'
echo "server RSS: $(ps -o rss= -p $server) KiB (the Go runtime keeps freed memory for a while)"
python3 - "$data/hotline.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT queue, outcome, count(*), avg(wait_ms) FROM cdrs GROUP BY queue, outcome ORDER BY queue, outcome").fetchall()
print("CDRs by queue and outcome (queue calls answered by an agent vs hung up waiting):")
for q, o, n, w in rows:
    print(f"  {q or '(ivr)':8} {o:10} {n:6}  avg wait {w or 0:.0f} ms")
PY
