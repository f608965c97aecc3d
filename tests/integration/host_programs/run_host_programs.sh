#!/bin/bash
# Runs the guest's network programs (guest/user/{ping,udpecho,tcpecho,
# tcpsend,tcprecv,netcheck}.elf: static ELFs on the Linux system call ABI) natively on
# this host, against each other and against independent Linux peers
# (peers.py), over 127.0.0.1.
#
# Usage: run_host_programs.sh ELF_DIR
# Exit status: 0 all checks passed; 1 a check failed (the log says which);
# 77 this host cannot run them (not x86-64 Linux): ctest reports a skip.
#
# As root it re-runs itself in a throwaway network namespace (unshare -n),
# where ports cannot clash and ping sockets can be allowed
# (net.ipv4.ping_group_range is per namespace); elsewhere it uses the host's
# loopback with random ports and checks ping only if ping sockets are
# already allowed for this group (HOST_PROGRAMS_NO_NETNS=1 forces this).
set -u

ELF_DIR=${1:?usage: run_host_programs.sh ELF_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
PEERS="$HERE/peers.py"

skip() { echo "SKIP: $*"; exit 77; }
[ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] || skip "not an x86-64 Linux host"
for prog in ping udpecho tcpecho tcpsend tcprecv netcheck; do
  [ -x "$ELF_DIR/$prog.elf" ] || { echo "FAIL: $ELF_DIR/$prog.elf is missing (build guest_user_$prog)"; exit 1; }
done

if [ -z "${HOST_PROGRAMS_NETNS:-}" ] && [ -z "${HOST_PROGRAMS_NO_NETNS:-}" ] && command -v ip >/dev/null && unshare -n true 2>/dev/null; then
  exec env HOST_PROGRAMS_NETNS=1 unshare -n "$0" "$@"
fi
if [ -n "${HOST_PROGRAMS_NETNS:-}" ]; then
  ip link set lo up || { echo "FAIL: cannot bring up lo in the namespace"; exit 1; }
  echo "0 2147483647" > /proc/sys/net/ipv4/ping_group_range
  PORT=7000
else
  PORT=$((20000 + RANDOM % 30000))
fi
HAVE_PYTHON=0
command -v python3 >/dev/null && HAVE_PYTHON=1

WORK=$(mktemp -d)
BACKGROUND=()
cleanup() {
  for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
FAILED=0
LAST_PID=

next_port() { PORT=$((PORT + 1)); }
fail() { echo "FAIL: $*"; FAILED=1; }
show() { sed 's/^/    | /' "$WORK/$1.out"; }

# run NAME EXPECTED_STATUS COMMAND...: runs it (2-minute limit), output in
# $WORK/NAME.out.
run() {
  local name=$1 want=$2
  shift 2
  timeout 120 "$@" > "$WORK/$name.out" 2>&1
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "$name: exit status $got, expected $want"
    show "$name"
    return 1
  fi
  echo "ok: $name"
}

# start NAME COMMAND...: a server in the background; waits for its
# "listening on port" line.
start() {
  local name=$1
  shift
  timeout 120 "$@" > "$WORK/$name.out" 2>&1 &
  LAST_PID=$!
  BACKGROUND+=("$LAST_PID")
  for _ in $(seq 100); do
    grep -q "listening on port" "$WORK/$name.out" && return 0
    kill -0 "$LAST_PID" 2>/dev/null || break
    sleep 0.05
  done
  fail "$name: did not start listening"
  show "$name"
  return 1
}

# finish NAME PID EXPECTED_STATUS: waits for a background server.
finish() {
  wait "$2"
  local got=$?
  [ "$got" -eq "$3" ] || { fail "$1: exit status $got, expected $3"; show "$1"; }
}

# expect NAME REGEX: the output of NAME has a line matching REGEX.
expect() {
  grep -Eq "$2" "$WORK/$1.out" || { fail "$1: no line matching '$2'"; show "$1"; }
}

# field NAME REGEX: the second word of the first line matching REGEX.
field() { grep -E "$2" "$WORK/$1.out" | head -1 | awk '{print $2}'; }

P="$ELF_DIR"

# ---- ping ----
ping_allowed() {
  local range_lo range_hi gid
  read -r range_lo range_hi < /proc/sys/net/ipv4/ping_group_range
  gid=$(id -g)
  [ "$gid" -ge "$range_lo" ] && [ "$gid" -le "$range_hi" ]
}
if ping_allowed; then
  run ping 0 "$P/ping.elf" -c 3 -i 20 -W 1000 127.0.0.1 &&
    expect ping '^reply from 127\.0\.0\.1: seq=3 time=[0-9]+ us$' &&
    expect ping '^ping: 3 transmitted, 3 received$'
else
  echo "skip: ping (ping sockets not allowed for gid $(id -g): net.ipv4.ping_group_range)"
fi
if [ -n "${HOST_PROGRAMS_NETNS:-}" ]; then  # no route out of the namespace
  run ping-unreachable 1 "$P/ping.elf" -c 1 -W 200 10.1.2.3 && expect ping-unreachable '^sendto: ENETUNREACH$'
fi
run ping-usage 2 "$P/ping.elf" -c 1

# ---- udpecho ----
next_port
if start udpecho-server "$P/udpecho.elf" -l $PORT -n 2500; then
  server=$LAST_PID
  run udpecho-client 0 "$P/udpecho.elf" 127.0.0.1 $PORT 2000 1-1472 &&
    expect udpecho-client '^udpecho: 2000 sent, 2000 intact, 0 corrupt, 0 retries$'
  run udpecho-window 0 "$P/udpecho.elf" -w 16 127.0.0.1 $PORT 500 0-65507 &&
    expect udpecho-window '^udpecho: 500 sent, 500 intact, 0 corrupt, [0-9]+ retries'
  finish udpecho-server "$server" 0
  expect udpecho-server '^udpecho: 2500 datagrams echoed$'
fi
run udpecho-usage 2 "$P/udpecho.elf" 127.0.0.1 1 1 70000
if [ $HAVE_PYTHON = 1 ]; then
  # A Linux peer that drops every 7th datagram: the client must retransmit.
  next_port
  if start udpecho-lossy-peer python3 "$PEERS" udp-echo-server $PORT 5000 --drop 7; then
    run udpecho-lossy 0 "$P/udpecho.elf" -t 100 -w 4 127.0.0.1 $PORT 800 1-1472 &&
      expect udpecho-lossy '^udpecho: 800 sent, 800 intact, 0 corrupt, [1-9][0-9]* retries'
  fi
  # A peer that flips a byte of the 5th echo: corrupt, status 4.
  next_port
  if start udpecho-corrupt-peer python3 "$PEERS" udp-echo-server $PORT 200 --corrupt 5; then
    run udpecho-corrupt 4 "$P/udpecho.elf" -t 200 127.0.0.1 $PORT 100 64 &&
      expect udpecho-corrupt '^udpecho: 100 sent, 100 intact, 1 corrupt'
  fi
  # A Linux client against the udpecho server.
  next_port
  if start udpecho-server-py "$P/udpecho.elf" -l $PORT -n 300; then
    server=$LAST_PID
    run udpecho-py-client 0 python3 "$PEERS" udp-client $PORT 300
    finish udpecho-server-py "$server" 0
  fi
fi

# ---- tcpsend -> tcprecv ----
BYTES=$((16 << 20))
next_port
if start tcprecv "$P/tcprecv.elf" -l $PORT; then
  server=$LAST_PID
  run tcpsend 0 "$P/tcpsend.elf" 127.0.0.1 $PORT $BYTES
  finish tcprecv "$server" 0
  sent=$(field tcpsend '^sha256 ')
  received=$(field tcprecv '^sha256 ')
  expect tcprecv "^sha256 [0-9a-f]{64} bytes $BYTES\$"
  expect tcpsend '^tcpsend: [0-9]+ bytes in [0-9]+ us, [0-9]+\.[0-9]{3} Mbit/s$'
  [ -n "$sent" ] && [ "$sent" = "$received" ] || fail "tcpsend/tcprecv: sha256 $sent sent, $received received"
  if [ $HAVE_PYTHON = 1 ]; then
    want=$(python3 "$PEERS" pattern-sha256 $BYTES | awk '{print $2}')
    [ "$sent" = "$want" ] || fail "tcpsend: sha256 $sent, the pattern's is $want"
  fi
fi
run tcpsend-usage 2 "$P/tcpsend.elf" 127.0.0.1 $PORT
if [ $HAVE_PYTHON = 1 ]; then
  next_port
  if start tcpsend-peer python3 "$PEERS" tcp-sink $PORT 1000000; then
    server=$LAST_PID
    run tcpsend-to-linux 0 "$P/tcpsend.elf" 127.0.0.1 $PORT 1000000
    finish tcpsend-peer "$server" 0
    [ "$(field tcpsend-to-linux '^sha256 ')" = "$(field tcpsend-peer '^sha256 ')" ] ||
      fail "tcpsend-to-linux: the Linux peer's sha256 differs"
  fi
  next_port
  if start tcprecv-from-linux "$P/tcprecv.elf" -l $PORT; then
    server=$LAST_PID
    run tcprecv-peer 0 python3 "$PEERS" tcp-source $PORT 3000001
    finish tcprecv-from-linux "$server" 0
    expect tcprecv-from-linux "^$(head -1 "$WORK/tcprecv-peer.out")\$"
  fi
fi

# ---- tcpecho ----
next_port
if start tcpecho-server "$P/tcpecho.elf" -l $PORT -n 23; then
  server=$LAST_PID
  run tcpecho-client 0 "$P/tcpecho.elf" 127.0.0.1 $PORT $((4 << 20)) &&
    expect tcpecho-client "^tcpecho: $((4 << 20)) bytes intact\$"
  run tcpecho-conns 0 "$P/tcpecho.elf" -c 20 127.0.0.1 $PORT 1000 &&
    expect tcpecho-conns '^tcpecho: 20 connections, 20000 bytes intact$'
  run tcpecho-empty 0 "$P/tcpecho.elf" 127.0.0.1 $PORT 0
  if [ $HAVE_PYTHON = 1 ]; then
    run tcpecho-py-client 0 python3 "$PEERS" tcp-echo-client $PORT 1000000
  else
    run tcpecho-extra 0 "$P/tcpecho.elf" 127.0.0.1 $PORT 1
  fi
  finish tcpecho-server "$server" 0
  expect tcpecho-server '^tcpecho: 23 connections, [0-9]+ bytes echoed$'
fi
if [ $HAVE_PYTHON = 1 ]; then
  next_port
  if start tcpecho-peer python3 "$PEERS" tcp-echo-server $PORT 1; then
    run tcpecho-to-linux 0 "$P/tcpecho.elf" 127.0.0.1 $PORT 2000000
  fi
  next_port
  if start tcpecho-corrupt-peer python3 "$PEERS" tcp-echo-server $PORT 1 --corrupt; then
    run tcpecho-corrupt 4 "$P/tcpecho.elf" 127.0.0.1 $PORT 5000 &&
      expect tcpecho-corrupt '^tcpecho: echo differs at byte 1000$'
  fi
fi

# ---- every socket call once ----
run netcheck 0 "$P/netcheck.elf" && expect netcheck '^netcheck: 9 passed, 0 failed$'
run netcheck-unknown 2 "$P/netcheck.elf" no-such-check

# ---- connection refused: nobody listens on this port ----
next_port
run tcpecho-refused 3 "$P/tcpecho.elf" 127.0.0.1 $PORT 10 && expect tcpecho-refused '^connect: ECONNREFUSED$'
run tcpsend-refused 3 "$P/tcpsend.elf" 127.0.0.1 $PORT 10 && expect tcpsend-refused '^connect: ECONNREFUSED$'
run tcpecho-usage 2 "$P/tcpecho.elf" 127.0.0.1 $PORT

if [ $FAILED = 0 ]; then echo "host programs: all passed"; else echo "host programs: FAILED"; fi
exit $FAILED
