# How the lab runs its servers: each part in its own session, its pid in $LAB/<part>.pid, its output in
# $LAB/<part>.log. Sourced by lab/lab.sh, not run.

running() { [[ -f "$LAB/$1.pid" ]] && kill -0 "$(cat "$LAB/$1.pid")" 2>/dev/null; }

# started_with <part> <flag>: whether the running part's command line has the flag.
started_with() { tr '\0' '\n' <"/proc/$(cat "$LAB/$1.pid")/cmdline" | grep -qxF -- "$2"; }

start() { # start <part> <command...>: in the background, detached, logging to $LAB/<part>.log
  local part=$1
  shift
  setsid "$@" >>"$LAB/$part.log" 2>&1 </dev/null &
  echo $! >"$LAB/$part.pid"
}

stop() { # stop <part>: TERM the process group, then KILL what is left after 10 s
  running "$1" || { rm -f "$LAB/$1.pid"; return 0; }
  local pid
  pid="$(cat "$LAB/$1.pid")"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$LAB/$1.pid"
}

wait_for() { # wait_for <what> <seconds> <command...>
  local what=$1 limit=$2
  shift 2
  for _ in $(seq $((limit * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what did not come up within ${limit}s; see $LAB/*.log"
}

# still_running <part> <address>: a server already on the address would answer the probe too; ours must
# still be alive.
still_running() {
  sleep 0.5
  running "$1" || die "$1 exited; is $2 taken by another process? See $LAB/$1.log"
}

# loopback_only <port>: drop what reaches the port from anywhere but loopback (a server that binds every address
# with no flag to change it); loopback_only_end <port> removes the rule.
loopback_only() {
  iptables -C INPUT -p tcp --dport "$1" ! -i lo -j DROP 2>/dev/null || iptables -I INPUT -p tcp --dport "$1" ! -i lo -j DROP
}
loopback_only_end() { iptables -D INPUT -p tcp --dport "$1" ! -i lo -j DROP 2>/dev/null || true; }
