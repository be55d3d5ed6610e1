#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A real single-node Slurm on loopback, for the batch tests and recipes
# (issue 20): munge, slurmctld and slurmd from Debian's packages (slurmctld
# slurmd slurm-client munge), every file of theirs under DIR — the munge key
# and socket, slurm.conf, state, spool, logs and pid files — so it touches
# neither /etc/munge nor /etc/slurm and several can run side by side.
#
#   scripts/slurm-local.sh start DIR    bring it up, wait until the node is
#                                       idle, print `export SLURM_CONF=…`
#   scripts/slurm-local.sh stop DIR     cancel its jobs, stop its daemons;
#                                       nothing of it is left running
#   scripts/slurm-local.sh status DIR   which daemons run, and sinfo
#
# Clients find it through SLURM_CONF=DIR/slurm.conf (sbatch, squeue, sinfo,
# scontrol read it; the munge socket is named in its AuthInfo).  No
# systemd: the daemons are started directly (daemon mode, pid files under
# DIR), as CI runs them as root in a container.  The node is `hostname -s`
# at 127.0.0.1 with all of `nproc`'s CPUs and 90 % of MemTotal; process
# tracking by /proc (proctrack/linuxproc), no task binding, no cgroups.
# Environment: SLURM_LOCAL_WAIT_S (60), how long start waits for the node.
set -euo pipefail

usage() { echo "usage: scripts/slurm-local.sh start|stop|status DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
conf="$dir/slurm.conf"
socket="$dir/munge/munge.socket"
wait_s=${SLURM_LOCAL_WAIT_S:-60}
node=$(hostname -s)
# Every daemon carries this in its environment, and so does every
# slurmstepd it starts: stop finds what is left of this cluster (and of no
# other) by it.
marker="MIXDOWN_SLURM_LOCAL=$dir"

say() { echo "slurm-local: $*" >&2; }

need() {
  local missing=()
  for c in munged munge slurmctld slurmd sinfo scontrol squeue scancel python3; do
    command -v "$c" > /dev/null 2>&1 || missing+=("$c")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "missing ${missing[*]} (apt-get install munge slurmctld slurmd slurm-client: scripts/install-deps.sh)"
    exit 1
  fi
}

# Two TCP ports nobody listens on (the kernel picks them; a small race with
# other programs binding at the same moment, as with any free-port choice).
free_ports() {
  python3 - <<'PY'
import socket
socks = []
for _ in range(2):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(*(s.getsockname()[1] for s in socks))
PY
}

# A pid is this cluster's only when its environment carries the marker: a
# stale pid file (a restart, a crash) may name anyone's process by now.
ours() { tr '\0' '\n' 2> /dev/null < "/proc/$1/environ" | grep -qxF "$marker"; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2> /dev/null && ours "$(cat "$1")"; }

start_munge() {
  mkdir -p "$dir/munge" "$dir/log"
  # Others may reach the socket (a job of another user) but not list the
  # folder; the key itself is 0400.
  chmod 0711 "$dir/munge"
  if [ ! -f "$dir/munge/munge.key" ]; then
    # munged wants a key of 32 bytes or more, readable by its user alone.
    head -c 1024 /dev/urandom > "$dir/munge/munge.key.tmp"
    chmod 0400 "$dir/munge/munge.key.tmp"
    mv "$dir/munge/munge.key.tmp" "$dir/munge/munge.key"
  fi
  # --force: munged refuses a socket or log in a folder it deems insecure
  # (a temporary folder under /tmp, as the tests use); the key is this
  # cluster's own and nothing outside DIR uses the socket.
  env "$marker" munged --force --key-file="$dir/munge/munge.key" --socket="$socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed" < /dev/null >> "$dir/log/munged.out" 2>&1
  local i
  for ((i = 0; i < 50; ++i)); do
    if munge -n -S "$socket" 2> /dev/null | unmunge -S "$socket" > /dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  say "munged did not answer on $socket:"
  tail -n 20 "$dir/log/munged.log" "$dir/log/munged.out" >&2 2> /dev/null || true
  return 1
}

write_conf() {
  local ctld_port slurmd_port cpus mem_mb
  read -r ctld_port slurmd_port < <(free_ports)
  cpus=$(nproc)
  mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
  cat > "$conf.tmp" <<EOF
# Written by scripts/slurm-local.sh: a single node on loopback, everything under $dir.
ClusterName=mixdown
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# A job waits for a pass of the scheduler: keep the passes short here (the
# defaults are 60 s for the full pass and 30 s for backfill).
SchedulerParameters=sched_interval=2,bf_interval=1,batch_sched_delay=0
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$dir/plugstack.conf
MinJobAge=300
InactiveLimit=0
KillWait=5
Waittime=0
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$conf.tmp" "$conf"
  # No SPANK plugins: the system's plugstack.conf is not this cluster's.
  : > "$dir/plugstack.conf"
}

# Is the node idle (or mixed/allocated: up and taking jobs)?
node_state() { SLURM_CONF=$conf sinfo -h -N -n "$node" -o %t 2> /dev/null | head -n 1; }

start() {
  need
  if [ "$(id -u)" -ne 0 ]; then
    # slurmd starts each job as its user (setuid) and SlurmUser is root.
    say "run as root (slurmd must be able to become the job's user)"
    exit 1
  fi
  if pid_alive "$dir/run/slurmctld.pid" || pid_alive "$dir/munge/munged.pid"; then
    say "already running in $dir (stop it first)"
    exit 1
  fi
  # Whatever fails from here (set -e included) stops what was started.
  trap 'stop_all' EXIT
  start_munge || exit 1
  write_conf
  export SLURM_CONF=$conf
  # -i: ignore state left by an earlier run in the same folder.
  env "$marker" slurmctld -i -f "$conf" < /dev/null >> "$dir/log/slurmctld.out" 2>&1 ||
    { say "slurmctld failed:"; tail -n 20 "$dir/log/slurmctld.log" >&2; stop_all; exit 1; }
  env "$marker" slurmd -f "$conf" -N "$node" < /dev/null >> "$dir/log/slurmd.out" 2>&1 ||
    { say "slurmd failed:"; tail -n 20 "$dir/log/slurmd.log" >&2; stop_all; exit 1; }
  local deadline=$((SECONDS + wait_s)) state=""
  while [ $SECONDS -lt $deadline ]; do
    state=$(node_state)
    case $state in idle | mix | alloc) break ;; esac
    sleep 0.5
  done
  case $state in
    idle | mix | alloc) ;;
    *)
      say "the node is '${state:-unknown}' after ${wait_s} s, not idle; the logs:"
      tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
      stop_all
      exit 1
      ;;
  esac
  trap - EXIT
  say "up: node $node ($state), $(nproc) CPUs, logs in $dir/log"
  echo "export SLURM_CONF=$conf"
}

# Processes of this cluster (its marker in their environment), but never
# this script or its callers.
marked_pids() {
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = $$ ] && continue
    if tr '\0' '\n' 2> /dev/null < "/proc/$p/environ" | grep -qxF "$marker"; then echo "$p"; fi
  done
}

# stop_pid PIDFILE NAME: SIGTERM, up to 10 s, then SIGKILL.
stop_pid() {
  local file=$1 name=$2 pid i
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2> /dev/null && ours "$pid"; then
    kill -TERM "$pid" 2> /dev/null || true
    for ((i = 0; i < 100; ++i)); do
      kill -0 "$pid" 2> /dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2> /dev/null; then
      say "$name ($pid) still up after 10 s: SIGKILL"
      kill -KILL "$pid" 2> /dev/null || true
    fi
  fi
  rm -f "$file"
}

stop_all() {
  # Jobs first, while the daemons can still end them cleanly.
  if [ -f "$conf" ] && pid_alive "$dir/run/slurmctld.pid"; then
    SLURM_CONF=$conf scancel --full --quiet --user="$(id -un)" 2> /dev/null || true
    local deadline=$((SECONDS + 15))
    while [ $SECONDS -lt $deadline ] && [ -n "$(SLURM_CONF=$conf squeue -h -o %i 2> /dev/null)" ]; do
      sleep 0.5
    done
  fi
  stop_pid "$dir/run/slurmd.pid" slurmd
  stop_pid "$dir/run/slurmctld.pid" slurmctld
  stop_pid "$dir/munge/munged.pid" munged
  # Whatever outlived its daemon (a slurmstepd, a daemon whose pid file
  # was never written): SIGKILL, by the marker.
  local left
  left=$(marked_pids)
  if [ -n "$left" ]; then
    say "killing what was left: $(tr "\n" " " <<< "$left")"
    # shellcheck disable=SC2086
    kill -KILL $left 2> /dev/null || true
  fi
}

status() {
  local rc=0 f
  for f in munge/munged.pid run/slurmctld.pid run/slurmd.pid; do
    if pid_alive "$dir/$f"; then echo "$(basename "$f" .pid): running ($(cat "$dir/$f"))"; else
      echo "$(basename "$f" .pid): not running"; rc=1; fi
  done
  [ $rc -eq 0 ] && SLURM_CONF=$conf sinfo
  return $rc
}

case $action in
  start) start ;;
  stop) stop_all; say "stopped ($dir)" ;;
  status) status ;;
  *) usage ;;
esac
