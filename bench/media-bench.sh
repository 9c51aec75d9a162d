#!/usr/bin/env bash
# Concurrent recorded calls and memory (see docs/benchmarks.md).
#
#   bench/media-bench.sh [concurrent calls...]     default: 100 200 300 400
#
# Registers BENCH_AGENTS agents (default: the largest step + 20) to one
# sipp that answers for all of them and echoes their RTP. For each step C,
# sipp callers (also echoing RTP) call the bench queue (8100) at 50 calls/s
# until C calls are up; each call is answered, queued, offered to an
# agent, bridged and recorded, and lasts until 20 s after the last one was
# set up. Hotline counts the RTP of every leg as it receives it: loss is
# packets missing when their turn came over packets expected, both legs,
# both sides of the echo — so it includes what the sipp peers, sharing the
# machine, fail to echo in time. A step counts when loss ≤ 0.1 %.
# Memory: RSS and the live Go heap (after a forced collection, through
# HOTLINE_DEBUG_ADDR) before and after registering the agents (per
# registered extension) and while C calls are up (per active call).
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${*:-100 200 300 400}
max=0; for c in $steps; do (( c > max )) && max=$c; done
agents=${BENCH_AGENTS:-$((max + 20))}
rate=50
out=bench/out-media
# shellcheck source=bench/lib.sh
. bench/lib.sh
setup_node "$agents"
rss() { echo $(( $(ps -o rss= -p "$server") * 1024 )); }
mib() { python3 -c "print(f'{$1/1048576:.1f} MiB')"; }
kib() { python3 -c "print(f'{$1/1024:.1f} KiB')"; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

sleep 2
rss0=$(rss); heap0=$(live_heap)
register_agents "$agents" -rtp_echo
sleep 35 # the REGISTER transactions' timers (32 s) expire: what stays is the registrations
rss1=$(rss); heap1=$(live_heap)
echo "registered extensions: RSS $(mib "$rss0") → $(mib "$rss1"), live heap $(mib "$heap0") → $(mib "$heap1");" \
  "per extension: RSS $(kib $(( (rss1 - rss0) / agents ))), heap $(kib $(( (heap1 - heap0) / agents )))"

# peer_cpu PID: CPU seconds used so far by the caller sipp and the agents' sipp.
peer_cpu() {
  ps -o times= -p "$1" -p "$(pgrep -f "sipp .*-p $uas " | head -1)" | awk '{s += $1} END {print s + 0}'
}
# drops_by_process: receive-buffer drops of the open UDP sockets, summed
# per process (whose sockets overflow: Hotline's or the sipp peers').
drops_by_process() {
  ss -uampn | awk '/users:/ {p = $0; sub(/.*users:\(\("/, "", p); sub(/".*/, "", p)}
    /skmem/ {match($0, /d[0-9]+\)/); d[p] += substr($0, RSTART + 1, RLENGTH - 2); n[p]++}
    END {for (k in d) printf "%s %d (%d sockets)  ", k, d[k], n[k]}'
}

# udp_drops: datagrams the kernel dropped because a socket's buffer was full.
udp_drops() { awk '/^Udp:/ {if (h) {print $6; exit} h = 1}' /proc/net/snmp; }
rtp() { metric hotline_rtp_packets_total "{kind=\"$1\"}" | python3 -c 'import sys; v=sys.stdin.read().strip(); print(int(float(v or 0)))'; }
for c in $steps; do
  ramp=$(( (c + rate - 1) / rate ))
  hold=$(( (ramp + 20) * 1000 ))
  r0=$(rtp received); l0=$(rtp lost); t0=$(rtp late); k0=$(udp_drops)
  idle_rss=$(rss); idle_heap=$(live_heap)
  sipp 127.0.0.1:"$sp" -sf "$out/bench_queue_hold.xml" -s 8100 -r "$rate" -l "$c" -m "$c" -d "$hold" -rtp_echo \
    -i 127.0.0.1 -p "$(freeport)" -mp "$(freeport)" -nostdin -timeout $(( hold / 1000 + ramp + 60 ))s \
    -trace_stat -stf "$out/calls-$c.csv" -fd 1 >/dev/null 2>&1 &
  caller=$!
  sleep $(( ramp + 5 ))
  cpu0=$(metric process_cpu_seconds_total); peers0=$(peer_cpu "$caller")
  active=$(metric hotline_calls_active); up_rss=$(rss); up_heap=$(live_heap)
  sleep 10
  cpu1=$(metric process_cpu_seconds_total); peers1=$(peer_cpu "$caller")
  census=$(drops_by_process)
  wait "$caller" || true
  for _ in $(seq 1 60); do [ "$(metric hotline_calls_active)" = 0 ] && break; sleep 1; done
  r1=$(rtp received); l1=$(rtp lost); t1=$(rtp late); k1=$(udp_drops)
  python3 - "$out/calls-$c.csv" "$c" "$active" $((r1 - r0)) $((l1 - l0)) $((t1 - t0)) \
    "$idle_rss" "$up_rss" "$idle_heap" "$up_heap" "$cpu0" "$cpu1" "$peers0" "$peers1" $((k1 - k0)) <<'PY'
import csv, sys
f, c, active = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
recv, lost, late = map(int, sys.argv[4:7])
rss0, rss1, heap0, heap1 = map(int, sys.argv[7:11])
cpu = (float(sys.argv[12]) - float(sys.argv[11])) / 10
peers = (int(sys.argv[14]) - int(sys.argv[13])) / 10
drops = int(sys.argv[15])
rows = list(csv.reader(open(f), delimiter=';'))
head, last = rows[0], rows[-1]
ok, bad = (int(last[head.index(k)]) for k in ('SuccessfulCall(C)', 'FailedCall(C)'))
loss = lost / max(1, recv + lost)
per = lambda a, b: (b - a) / max(1, active) / 1024
print(f"{c} calls: {ok} completed, {bad} failed; {active:.0f} up at once; RTP received {recv}, lost {lost} "
      f"({loss:.3%}), late {late}{'' if loss <= 0.001 else '  (over 0.1 %)'}; kernel UDP receive-buffer drops {drops}; "
      f"CPU: node {cpu:.2f} cores, sipp peers {peers:.1f}; per active call RSS {per(rss0, rss1):.0f} KiB, heap {per(heap0, heap1):.0f} KiB")
PY
  echo "  receive-buffer drops so far on open UDP sockets, by process: $census"
  sleep 5
done
