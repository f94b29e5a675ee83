#!/usr/bin/env bash
# A private RabbitMQ broker on loopback for tests and scenarios: own node name, data folder, ports and epmd.
#   scripts/broker.sh [BUILD_DIR] start|stop|status|wait|url [--port P] [--fresh] [--no-wait] [--timeout S]
# Example: scripts/broker.sh start --port 5673 --fresh   # prints amqp://127.0.0.1:5673 once it answers
set -euo pipefail

usage() {
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
  start    launch the broker in the background (keeps its data unless --fresh), then wait (unless --no-wait)
  wait     poll until the broker answers (rabbitmqctl await_startup), at most --timeout seconds (default 60)
  stop     stop the broker, then its private epmd; nothing is left running
  status   print "running PID URL" or "stopped" (exit 1 when stopped)
  url      print the AMQP URL for --port
Ports: AMQP P (default 5673), Erlang distribution P+20000, private epmd P+10000, CLI P+30000..P+30010.
State: ${FEEDBENCH_BROKER_DIR:-${TMPDIR:-/tmp}/feedbench-broker-P} (data, logs, config, pid).
EOF
}

# ./run passes its build folder first; the broker does not need it.
if [[ $# -gt 0 && -d "$1" ]]; then shift; fi
cmd="${1:-help}"; shift || true
port=5673 fresh=0 no_wait=0 timeout_s=60
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    --fresh) fresh=1; shift ;;
    --no-wait) no_wait=1; shift ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "broker.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ && $port -ge 1024 && $port -le 35000 ]] || { echo "broker.sh: --port must be 1024..35000" >&2; exit 2; }

RABBIT_BIN=/usr/lib/rabbitmq/bin
STATE="${FEEDBENCH_BROKER_DIR:-${TMPDIR:-/tmp}/feedbench-broker-$port}"
URL="amqp://127.0.0.1:$port"
log() { printf '[broker:%s] %s\n' "$port" "$*" >&2; }

# Everything the broker and its CLI need, private to this port.
broker_env() {
  export HOME="$STATE"                                   # .erlang.cookie lives here
  export RABBITMQ_CONF_ENV_FILE="$STATE/rabbitmq-env.conf"
  export RABBITMQ_NODENAME="feedbench-$port@localhost"
  export RABBITMQ_USE_LONGNAME=false
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$port"
  export RABBITMQ_DIST_PORT=$((port + 20000))
  export RABBITMQ_CTL_DIST_PORT_MIN=$((port + 30000))
  export RABBITMQ_CTL_DIST_PORT_MAX=$((port + 30010))
  export RABBITMQ_MNESIA_BASE="$STATE/mnesia"
  export RABBITMQ_LOG_BASE="$STATE/log"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$STATE/enabled_plugins"
  export RABBITMQ_CONFIG_FILE="$STATE/rabbitmq.conf"
  export RABBITMQ_ADVANCED_CONFIG_FILE="$STATE/advanced.config"
  export RABBITMQ_PID_FILE="$STATE/broker.pid"
  export RABBITMQ_FEATURE_FLAGS_FILE="$STATE/feature_flags"
  export RABBITMQ_ALLOW_INPUT=
  # Distribution listens on loopback only.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export ERL_EPMD_ADDRESS=127.0.0.1
  export ERL_EPMD_PORT=$((port + 10000))
}

write_config() {
  mkdir -p "$STATE/mnesia" "$STATE/log"
  : > "$STATE/rabbitmq-env.conf"
  echo '[].' > "$STATE/enabled_plugins"
  echo '[].' > "$STATE/advanced.config"
  cat > "$STATE/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$port
loopback_users.guest = true
log.file.level = warning
log.console = false
disk_free_limit.absolute = 10MB
EOF
  if [[ ! -f "$STATE/.erlang.cookie" ]]; then
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$STATE/.erlang.cookie"
    chmod 400 "$STATE/.erlang.cookie"
  fi
}

# The launcher's pid (the rabbitmq-server shell, parent of beam.smp and leader of its process group), or nothing.
broker_pid() {
  local pid
  [[ -f "$STATE/launcher.pid" ]] || return 0
  pid=$(cat "$STATE/launcher.pid")
  if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

# beam.smp processes whose Erlang home is this state folder (ours, even if launcher.pid was lost).
beam_pids() {
  pgrep -f -- "beam.smp .*-home $STATE( |\$)" 2>/dev/null || true
}

# The private epmd (on ERL_EPMD_PORT) that this broker started, or nothing.
epmd_pid() {
  pgrep -f "epmd .*-port $((port + 10000))" 2>/dev/null || true
  # epmd started by erl has no -port flag: it reads ERL_EPMD_PORT; find it by its listening port.
  if command -v ss >/dev/null; then
    ss -ltnpH "sport = :$((port + 10000))" 2>/dev/null | sed -n 's/.*"epmd",pid=\([0-9]*\).*/\1/p'
  fi
}

answers() {
  broker_env
  "$RABBIT_BIN/rabbitmqctl" -n "$RABBITMQ_NODENAME" -q await_startup --timeout "$1" >/dev/null 2>&1
}

do_wait() {
  local start=$SECONDS pid
  while (( SECONDS - start < timeout_s )); do
    pid=$(broker_pid)
    if [[ -z "$pid" ]]; then
      log "broker process exited during startup; last log lines:"
      tail -n 20 "$STATE/launcher.log" "$STATE"/log/*.log 2>/dev/null >&2 || true
      return 1
    fi
    if answers 5; then
      echo "$URL"
      return 0
    fi
    sleep 0.5
  done
  log "no answer after ${timeout_s}s (logs in $STATE)"
  return 1
}

do_start() {
  if [[ -n "$(broker_pid)" ]]; then
    log "already running (pid $(broker_pid))"
    [[ $no_wait -eq 1 ]] && { echo "$URL"; return 0; }
    do_wait; return
  fi
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
    log "port $port is taken by another process; pick another --port"
    return 1
  fi
  [[ -x "$RABBIT_BIN/rabbitmq-server" ]] || { log "rabbitmq-server is not installed (apt-get install rabbitmq-server)"; return 3; }
  if [[ $fresh -eq 1 ]]; then rm -rf "$STATE/mnesia" "$STATE/log" "$STATE/feature_flags"; fi
  write_config
  broker_env
  local t0; t0=$(date +%s.%N)
  echo "$t0" > "$STATE/started_at"
  # setsid: the broker survives the caller's shell; its pid is beam.smp's (the scripts exec down to it).
  # It keeps none of the caller's descriptors: a test or feedrepro that starts it while serving HTTP in-process
  # would lend it its sockets, and a connection the caller then closed would stay open in the broker, silent
  # (no FIN), its client waiting for a response until its deadline.
  (
    close_inherited_fds
    exec setsid "$RABBIT_BIN/rabbitmq-server" > "$STATE/launcher.log" 2>&1 < /dev/null
  ) &
  echo $! > "$STATE/launcher.pid"
  log "starting node $RABBITMQ_NODENAME (pid $!, state $STATE)"
  if [[ $no_wait -eq 1 ]]; then echo "$URL"; return 0; fi
  do_wait || { do_stop; return 1; }
  log "answers after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
}

# Closes every descriptor above 2 that this (sub)shell inherited.
close_inherited_fds() {
  local fd fds=()
  for fd in /proc/$BASHPID/fd/*; do fds+=("${fd##*/}"); done
  for fd in "${fds[@]}"; do
    if (( fd > 2 )); then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

do_stop() {
  local pid epmds
  pid=$(broker_pid)
  if [[ -n "$pid" ]]; then
    broker_env
    # Graceful first (persistent messages survive a restart), then the hard way.
    timeout 30 "$RABBIT_BIN/rabbitmqctl" -n "$RABBITMQ_NODENAME" -q stop >/dev/null 2>&1 || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      log "graceful stop timed out; killing pid $pid"
      kill -TERM -- "-$pid" 2>/dev/null || true; sleep 1; kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  # The private epmd listens on our own epmd port, so it is ours: ask it to quit, then make sure.
  ERL_EPMD_PORT=$((port + 10000)) epmd -kill >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do epmds=$(epmd_pid | sort -u); [[ -z "$epmds" ]] && break; sleep 0.1; done
  for e in $epmds; do kill -TERM "$e" 2>/dev/null || true; done
  for b in $(beam_pids); do
    log "killing leftover broker pid $b"
    kill -KILL "$b" 2>/dev/null || true
  done
  rm -f "$STATE/launcher.pid"
  log "stopped"
}

# One start or stop at a time per port (parallel tests, scripts racing on the same broker).
if [[ "$cmd" == start || "$cmd" == stop ]]; then
  mkdir -p "$(dirname "$STATE")"
  exec 9>"$STATE.lock"
  flock -w 180 9 || { log "another broker.sh holds $STATE.lock"; exit 1; }
fi

case "$cmd" in
  start) do_start ;;
  wait) [[ -n "$(broker_pid)" ]] || { log "not running"; exit 1; }; do_wait ;;
  stop) do_stop ;;
  status)
    pid=$(broker_pid)
    if [[ -n "$pid" ]]; then echo "running $pid $URL"; else echo "stopped"; exit 1; fi ;;
  url) echo "$URL" ;;
  help|-h|--help) usage ;;
  *) echo "broker.sh: unknown command '$cmd'" >&2; usage >&2; exit 2 ;;
esac
