# Shared by the bench scripts (sourced, not run): a Hotline node on SQLite
# with many agents on one queue, and one sipp that answers for all of them.
# Sets out, data, hp (HTTP port), sp (SIP port), dp (debug/pprof port),
# server (PID) and uas.

freeport() { python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# metric NAME [LABELS]: one value from the node's /metrics.
metric() {
  curl -s "http://127.0.0.1:$hp/metrics" | awk -v n="$1${2:-}" '$1 == n && v == "" {v = $2} END {print v}'
}

# live_heap: the node's Go heap in bytes right after a garbage collection.
live_heap() {
  curl -s "http://127.0.0.1:$dp/debug/pprof/heap?gc=1" >/dev/null
  metric go_memstats_heap_alloc_bytes | python3 -c 'import sys; print(int(float(sys.stdin.read())))'
}

# setup_node AGENTS: build, provision AGENTS agents (extensions 3001…) on
# the queue "bench" (number 8100) next to the demo, and start the node.
setup_node() {
  local agents=$1
  rm -rf "$out"; mkdir -p "$out"
  data=$(mktemp -d)
  hp=$(freeport); sp=$(freeport); dp=$(freeport)
  cp bench/sipp/*.xml "$out"/; cp /usr/share/sip-tester/dtmf_2833_*.pcap "$out"/ 2>/dev/null || true
  go build -o "$out/hotline" ./cmd/hotline
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
  local env="HOTLINE_DATA_DIR=$data HOTLINE_HTTP_ADDR=127.0.0.1:$hp HOTLINE_SIP_ADDR=127.0.0.1:$sp HOTLINE_DEBUG_ADDR=127.0.0.1:$dp HOTLINE_DEMO_PASSWORD=bench-pass-1 HOTLINE_LOG_LEVEL=${BENCH_LOG_LEVEL:-error} HOTLINE_RTP_PORT_MIN=20000 HOTLINE_RTP_PORT_MAX=60000"
  env $env "$out/hotline" migrate >/dev/null
  env $env "$out/hotline" provision -f "$out/bench.yaml" >/dev/null
  env $env "$out/hotline" serve >"$out/server.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; pkill -f "sipp .*$out" 2>/dev/null || true; pkill -f "sipp .*-p ${uas:-none} " 2>/dev/null || true; rm -rf "$data"' EXIT
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$hp/readyz" >/dev/null && break; sleep 0.1; done
}

# register_agents AGENTS [SIPP-ARGS...]: one answering sipp for all agents
# (extra arguments go to it, e.g. -rtp_echo), then a REGISTER per agent.
register_agents() {
  local agents=$1; shift
  uas=$(freeport)
  sipp 127.0.0.1:"$sp" -sf test/sipp/agent_answer_many.xml -p "$uas" -i 127.0.0.1 -mp "$(freeport)" -aa "$@" -nostdin -bg >/dev/null || true  # sipp -bg exits 99
  # sipp's [authentication] cannot take injected fields, so one short sipp
  # per agent, ten at a time.
  local pids=() i
  for i in $(seq 1 "$agents"); do
    sipp 127.0.0.1:"$sp" -sf test/sipp/agent_register.xml -s "$((3000+i))" -au "$((3000+i))" -ap bench-pass-1 \
      -key uasport "$uas" -m 1 -i 127.0.0.1 -p "$(freeport)" -nostdin -timeout 20s >/dev/null 2>&1 &
    pids+=($!)
    if (( i % 10 == 0 )); then wait "${pids[@]}" || true; pids=(); fi
  done
  [ ${#pids[@]} -eq 0 ] || wait "${pids[@]}" || true
  echo "agents registered ($agents, SIP requests so far: $(metric hotline_sip_requests_total))"
}
