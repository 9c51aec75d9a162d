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
out=bench/out; rm -rf "$out"; mkdir -p "$out"
data=$(mktemp -d)
freeport() { python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
hp=$(freeport); sp=$(freeport)
cp bench/sipp/*.xml "$out"/; cp /usr/share/sip-tester/dtmf_2833_*.pcap "$out"/ 2>/dev/null || true
go build -o "$out/hotline" ./cmd/hotline

# A provisioning file with many agents on one bench queue (8100).
{
  echo "extensions:"
  for i in $(seq 1 "$agents"); do echo "  - {number: \"$((3000+i))\", password: bench-pass-1}"; done
  echo "users:"
  for i in $(seq 1 "$agents"); do echo "  - {username: bench$i, display_name: bench$i, role: agent, password: bench-pass-1, extension: \"$((3000+i))\"}"; done
  echo "queues:"
  echo "  - name: bench"
  echo "    strategy: longest_idle"
  echo "    members: [$(seq -s, -f 'bench%g' 1 "$agents")]"
  echo "numbers:"
  echo "  - {number: \"8100\", route_kind: queue, route_target: bench}"
} > "$out/bench.yaml"
env="HOTLINE_DATA_DIR=$data HOTLINE_HTTP_ADDR=127.0.0.1:$hp HOTLINE_SIP_ADDR=127.0.0.1:$sp HOTLINE_DEMO_PASSWORD=bench-pass-1 HOTLINE_LOG_LEVEL=${BENCH_LOG_LEVEL:-error} HOTLINE_RTP_PORT_MIN=20000 HOTLINE_RTP_PORT_MAX=60000"
env $env "$out/hotline" migrate >/dev/null
env $env "$out/hotline" provision -f "$out/bench.yaml" >/dev/null
env $env "$out/hotline" serve >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; pkill -f "sipp .*$out" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$hp/readyz" >/dev/null && break; sleep 0.1; done

# Register the agents, all pointing at one answering sipp.
uas=$(freeport)
sipp 127.0.0.1:"$sp" -sf test/sipp/agent_answer_many.xml -p "$uas" -i 127.0.0.1 -mp "$(freeport)" -aa -nostdin -bg >/dev/null || true  # sipp -bg exits 99
# sipp's [authentication] cannot take injected fields, so one short sipp
# per agent, ten at a time.
pids=()
for i in $(seq 1 "$agents"); do
  sipp 127.0.0.1:"$sp" -sf test/sipp/agent_register.xml -s "$((3000+i))" -au "$((3000+i))" -ap bench-pass-1 \
    -key uasport "$uas" -m 1 -i 127.0.0.1 -p "$(freeport)" -nostdin -timeout 20s >/dev/null 2>&1 &
  pids+=($!)
  if (( i % 10 == 0 )); then wait "${pids[@]}"; pids=(); fi
done
[ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
ready=$(curl -s "http://127.0.0.1:$hp/metrics" | awk '/^hotline_sip_requests_total/ {print $2}')
echo "agents registered ($agents, SIP requests so far: $ready)"

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
