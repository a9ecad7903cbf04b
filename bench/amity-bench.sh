#!/usr/bin/env bash
# Amity measured beside its peers, in one run, on this machine, over loopback only.
#
#   peers : Directus on SQLite with the same 100,000 partners (shared/peers/directus-bench.sh)
#   100k  : Amity with those 100,000 partners imported as organisations:
#             one    GET /api/v1/organisations/{random id between the first and last imported}
#             list   GET /api/v1/organisations?country=VN&limit=50
#             agg    GET /api/v1/organisations/counts?by=country           (served from the cache)
#             agg-uncached          counts?by=country&id.gt=-{random}           (a new query string
#             agg-uncached-founded  counts?by=country&founded_on.gte={random date} every request,
#                                   so the per-query cache of /counts never answers)
#   nginx : nginx serving the JSON body of one organisation GET as a static file (the machine's limit)
#   1m    : 1,000,000 organisations: bulk import rate, filtered-list p99, server RSS
#
# Every throughput figure is wrk -t2 -c32, a 5 s warm-up, then the median of 3 runs of 10 s, as
# the Directus script does. wrk and the server share the machine's cores.
#
# Usage: bench/amity-bench.sh [all|peers|100k|nginx|1m]...      (default: all, in that order)
# Environment (all optional):
#   AMITY=path/to/amity     the server binary (default: build/src/amity of this repo)
#   SCRATCH=dir             data, logs and raw wrk outputs (default /tmp/amity-bench)
#   PEERS_DIR=dir           where gen_partners.py and directus-bench.sh are (default ../shared/peers)
#   PEERS=dir               Directus's scratch dir (default /tmp/amity-peers)
#   DURATION=10 RUNS=3 WARMUP=5 CONNECTIONS=32 THREADS=2
#   ROWS_1M=1000000         rows for the 1m step
#   SERVE_ARGS="..."        extra arguments for amity serve (default: none, i.e. its defaults)
#   MAX_SECONDS=3600        the whole run is stopped after this long
#   QUIET_WAIT=300 RETRIES=3  waiting for an idle machine; runs redone when others used >10% CPU
#   KEEP_DATA=1             keep the databases, CSV files and access logs (~1.3 GB) afterwards
# Prints "<system> <figure> <value>" lines and keeps them in $SCRATCH/results.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

# Bounded in time: the whole run lives under timeout(1), which signals the run's process group.
MAX_SECONDS=${MAX_SECONDS:-3600}
if [ -z "${AMITY_BENCH_BOUNDED:-}" ]; then
  export AMITY_BENCH_BOUNDED=1
  exec timeout --kill-after=30 "$MAX_SECONDS" "$0" "$@"
fi

AMITY=${AMITY:-$repo/build/src/amity}
SCRATCH=${SCRATCH:-/tmp/amity-bench}
PEERS_DIR=${PEERS_DIR:-$(cd "$repo/.." && pwd)/shared/peers}
PEERS=${PEERS:-/tmp/amity-peers}
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ROWS_1M=${ROWS_1M:-1000000}
SERVE_ARGS=${SERVE_ARGS:-}
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(peers 100k nginx 1m)

for tool in wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "amity-bench: $tool is needed" >&2; exit 2; }
done
[ -x "$AMITY" ] || { echo "amity-bench: no server binary at $AMITY (cmake --build build)" >&2; exit 2; }
[ -f "$PEERS_DIR/gen_partners.py" ] || { echo "amity-bench: no $PEERS_DIR/gen_partners.py (set PEERS_DIR)" >&2; exit 2; }

mkdir -p "$SCRATCH/wrk" "$SCRATCH/bin"
# One binary for the whole run, even if the build directory is rebuilt meanwhile.
cp "$AMITY" "$SCRATCH/bin/amity.new" && mv "$SCRATCH/bin/amity.new" "$SCRATCH/bin/amity"
amity_src=$AMITY
AMITY=$SCRATCH/bin/amity
results=$SCRATCH/results.txt
: >"$results"

# ---- processes this run started: stopped by pid, always ---------------------------------------
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    if kill -0 "$p" 2>/dev/null; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then kill -KILL "$p" 2>/dev/null || true; fi
    wait "$p" 2>/dev/null || true
  done
  pids=()
}
trap cleanup EXIT
trap 'exit 143' TERM INT
stop_pid() {  # stops one process we started, and forgets it
  local p=$1 keep=() q
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  for q in "${pids[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
  pids=("${keep[@]+"${keep[@]}"}")
}

say() { printf '%s\n' "$*" | tee -a "$results"; }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# ---- wrk helpers -------------------------------------------------------------------------------
# wrk_once OUTFILE ARGS...: one run; fails loudly when any response was not 2xx/3xx.
wrk_once() {
  local out=$1; shift
  rm -f "$out.flags"
  wrk -t"$THREADS" -c"$CONNECTIONS" "$@" >"$out" 2>&1
  if grep -q 'Non-2xx or 3xx' "$out"; then
    log "WARNING: non-2xx responses in $out:"; grep 'Non-2xx' "$out" >&2
    echo "non2xx" >>"$out.flags"
  fi
  if grep -q 'Socket errors' "$out"; then log "note: $(grep 'Socket errors' "$out") ($out)"; fi
}
rps_of() { awk '/Requests\/sec/{print $2}' "$1"; }
# p-th percentile from `wrk --latency` output, in milliseconds.
pct_ms() {
  awk -v p="$2%" '$1==p {v=$2; u=v; sub(/[0-9.]+/,"",u); sub(/[a-z]+$/,"",v);
    if (u=="us") v/=1000; else if (u=="s") v*=1000; else if (u=="m") v*=60000; printf "%.2f\n", v}' "$1"
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}'; }

# Other work on the machine skews every figure: before each measurement, wait (up to
# QUIET_WAIT seconds) until the CPUs are idle over one second while nothing of ours is busy,
# and record how busy they were.
QUIET_WAIT=${QUIET_WAIT:-300}
busy_pct() {
  local u1 i1 u2 i2
  read -r u1 i1 < <(awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat); sleep 1
  read -r u2 i2 < <(awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat)
  awk -v u=$((u2 - u1)) -v i=$((i2 - i1)) 'BEGIN{ if (u + i == 0) print 0; else printf "%d\n", 100 * u / (u + i) }'
}
wait_quiet() {
  local waited=0 busy
  busy=$(busy_pct)
  while [ "$busy" -gt 10 ] && [ "$waited" -lt "$QUIET_WAIT" ]; do
    [ "$waited" -eq 0 ] && log "the machine is ${busy}% busy with other work; waiting for it to settle"
    sleep 4; waited=$((waited + 5)); busy=$(busy_pct)
  done
  echo "$busy"
}

# cpu_snap: "<all jiffies> <busy jiffies> <jiffies of this run's processes>", the last summed
# over our process group (children reaped by a member count in its cutime/cstime).
cpu_snap() {
  python3 - <<'PY'
import os
with open("/proc/stat") as f:
    v = [int(x) for x in f.readline().split()[1:9]]
busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
total = busy + v[3] + v[4]
pg, ours = os.getpgrp(), 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
    except OSError:
        continue
    fields = st[st.rindex(")") + 2:].split()
    if int(fields[2]) == pg:   # pgrp
        ours += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
print(total, busy, ours)
PY
}
# foreign_pct "SNAP-BEFORE" "SNAP-AFTER": the share of the machine (in %) used by processes not
# of this run in between.
foreign_pct() {
  local t1 b1 o1 t2 b2 o2
  read -r t1 b1 o1 <<<"$1"; read -r t2 b2 o2 <<<"$2"
  awk -v t=$((t2 - t1)) -v f=$(((b2 - b1) - (o2 - o1))) 'BEGIN{ if (f < 0) f = 0; printf "%d\n", t ? 100 * f / t : 0 }'
}
RETRIES=${RETRIES:-3}

# measure SYSTEM NAME ARGS...: warm-up, RUNS runs of DURATION; prints the median req/s and,
# with --latency among ARGS, the median p50 and p99 too.
measure() {
  local sys=$1 name=$2; shift 2
  local base=$SCRATCH/wrk/$sys-$name i
  rm -f "$base".*
  local busy; busy=$(wait_quiet)
  wrk_once "$base.warmup" -d"${WARMUP}s" "$@"
  # A run during which other processes took more than 10% of the machine is done again (up to
  # RETRIES times in all), after waiting for quiet; each run's share is recorded.
  local foreign=() retries=$RETRIES s1 s2 f
  for i in $(seq 1 "$RUNS"); do
    while :; do
      s1=$(cpu_snap)
      wrk_once "$base.$i" -d"${DURATION}s" "$@"
      s2=$(cpu_snap)
      f=$(foreign_pct "$s1" "$s2")
      if [ "$f" -le 10 ] || [ "$retries" -le 0 ]; then break; fi
      log "$sys $name run $i: other processes used ${f}% of the machine; again"
      retries=$((retries - 1)); wait_quiet >/dev/null
    done
    foreign+=("$f")
  done
  local rps; rps=$(for i in $(seq 1 "$RUNS"); do rps_of "$base.$i"; done | median)
  say "$sys $name req/s $rps"
  if printf '%s\n' "$@" | grep -qx -- --latency; then
    say "$sys $name p50_ms $(for i in $(seq 1 "$RUNS"); do pct_ms "$base.$i" 50; done | median)"
    say "$sys $name p99_ms $(for i in $(seq 1 "$RUNS"); do pct_ms "$base.$i" 99; done | median)"
  fi
  say "$sys $name other-processes% ${foreign[*]} (idle check before: ${busy}% busy)"
  if ls "$base".*.flags >/dev/null 2>&1; then say "$sys $name WARNING non-2xx-responses"; fi
}

# ---- data --------------------------------------------------------------------------------------
# to_organisations IN.csv OUT.csv: the partners' `type` values to Amity organisation kinds.
# Columns stay (id,name,country,type,founded); the import maps type→kind and founded→founded_on
# and ignores id.
to_organisations() {
  python3 - "$1" "$2" <<'PY'
import csv, sys
kinds = {"ngo": "ngo", "government": "government_body", "multilateral": "international_organisation",
         "private": "business", "academic": "university", "foundation": "ngo"}
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as o:
    r, w = csv.reader(f), csv.writer(o)
    w.writerow(next(r))
    for row in r:
        row[3] = kinds[row[3]]
        w.writerow(row)
PY
}
import_args=(--ignore id --map type=kind --map founded=founded_on)

# import_timed DIR CSV ROWS LABEL: a fresh database, then the import under time(1).
import_timed() {
  local dir=$1 csv=$2 rows=$3 label=$4
  local busy s1 s2 f retries=$RETRIES
  while :; do
    rm -rf "$dir"
    "$AMITY" --data "$dir" init >/dev/null
    busy=$(wait_quiet)
    log "importing $rows organisations ($label)"
    s1=$(cpu_snap)
    /usr/bin/time -f '%e %M' -o "$SCRATCH/import-$label.time" \
      timeout 1800 "$AMITY" --data "$dir" import organisations "$csv" "${import_args[@]}" \
      >"$SCRATCH/import-$label.out" 2>&1 || { cat "$SCRATCH/import-$label.out" >&2; exit 1; }
    s2=$(cpu_snap); f=$(foreign_pct "$s1" "$s2")
    if [ "$f" -le 10 ] || [ "$retries" -le 0 ]; then break; fi
    log "import: other processes used ${f}% of the machine; again"; retries=$((retries - 1))
  done
  cat "$SCRATCH/import-$label.out" >&2
  local secs kb; read -r secs kb <"$SCRATCH/import-$label.time"
  say "amity import-$label seconds $secs"
  say "amity import-$label records/s $(awk -v n="$rows" -v s="$secs" 'BEGIN{printf "%d", n/s}')"
  say "amity import-$label peak_rss_MB $((kb / 1024))"
  say "amity import-$label db_MB $(( $(stat -c %s "$dir/amity.db") / 1048576 ))"
  say "amity import-$label other-processes% $f (idle check before: ${busy}% busy)"
}

# serve DIR LABEL: starts amity serve on a free loopback port; sets $port and $server_pid.
serve() {
  local dir=$1 label=$2
  local out=$SCRATCH/serve-$label.out
  rm -f "$SCRATCH/access-$label.log"
  # shellcheck disable=SC2086
  "$AMITY" --data "$dir" serve --listen 127.0.0.1:0 --access-log "$SCRATCH/access-$label.log" \
    $SERVE_ARGS >"$out" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  port=
  for _ in $(seq 1 300); do
    port=$(sed -n 's|.*serving on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$out")
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$out" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "amity did not start; see $out" >&2; exit 1; }
  log "amity ($label) pid $server_pid on 127.0.0.1:$port"
}

id_lua() {  # id_lua FILE FIRST LAST: GET one with a random id in [FIRST, LAST], per-thread seeds
  cat >"$1" <<LUA
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
function init(args) math.randomseed(os.time() * 100 + (tid or 0)) end
request = function() return wrk.format("GET", "/api/v1/organisations/" .. math.random($2, $3)) end
LUA
}

first_last_ids() {  # prints "FIRST LAST" of the live organisations
  local a b
  a=$(curl -fs "127.0.0.1:$port/api/v1/organisations?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  b=$(curl -fs "127.0.0.1:$port/api/v1/organisations?limit=1&sort=-id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  echo "$a $b"
}

# uncached SYSTEM NAME LUA-QUERY-EXPRESSION: counts with a new query string per request, then
# how many of those requests repeated one (a repeat could have been a cache hit).
uncached() {
  local sys=$1 name=$2 expr=$3 lua=$SCRATCH/$2.lua log=$SCRATCH/access-100k.log before
  cat >"$lua" <<LUA
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
function init(args) math.randomseed(os.time() * 100 + (tid or 0)) end
request = function()
  return wrk.format("GET", "/api/v1/organisations/counts?$expr")
end
LUA
  before=$(wc -l <"$log")
  measure "$sys" "$name" --latency --timeout 60s -s "$lua" "http://127.0.0.1:$port"
  sleep 1  # the access log is written asynchronously
  tail -n +"$((before + 1))" "$log" | python3 -c '
import json, sys
t = [json.loads(l)["target"] for l in sys.stdin if "/counts?" in l]
print(f"{sys.argv[1]} {sys.argv[2]} distinct/requests {len(set(t))}/{len(t)}")' "$sys" "$name" | tee -a "$results"
}

vmrss() { awk '/^VmRSS|^VmHWM/ {printf "%s %d\n", $1, $2/1024}' "/proc/$1/status"; }

# ---- steps -------------------------------------------------------------------------------------
step_peers() {
  if [ ! -f "$PEERS_DIR/directus-bench.sh" ]; then log "no directus-bench.sh in $PEERS_DIR; skipped"; return; fi
  log "Directus (PEERS=$PEERS; the first run installs it and takes several minutes)"
  local rc sys name rps busy s1 s2 f retries=$RETRIES
  while :; do
    busy=$(wait_quiet)
    rc=0; s1=$(cpu_snap)
    PEERS=$PEERS bash "$PEERS_DIR/directus-bench.sh" >"$SCRATCH/directus.out" 2>"$SCRATCH/directus.err" || rc=$?
    s2=$(cpu_snap); f=$(foreign_pct "$s1" "$s2")
    if [ "$f" -le 10 ] || [ "$retries" -le 0 ] || [ "$rc" -ne 0 ]; then break; fi
    log "directus: other processes used ${f}% of the machine; again"; retries=$((retries - 1))
  done
  while read -r sys name rps; do say "$sys $name req/s $rps"; done <"$SCRATCH/directus.out"
  say "directus all other-processes% $f (idle check before: ${busy}% busy)"
  if [ "$rc" -ne 0 ]; then
    log "directus-bench.sh failed ($rc); see $SCRATCH/directus.err"; tail -5 "$SCRATCH/directus.err" >&2
  fi
}

# prepare_and_serve PARTNERS_CSV ORGS_CSV DATA_DIR ROWS TAG PREFIX: converts and imports the
# partners, starts the server, and sets the caller's `base`, `first` and `last` (the imported
# ids). The first grouped count after start is a cache miss: its time, reported as
# PREFIXagg-first-request, is the uncached cost of the very query `agg` then measures cached.
prepare_and_serve() {
  local partners=$1 orgs=$2 data=$3 rows=$4 tag=$5 prefix=$6
  to_organisations "$partners" "$orgs"
  import_timed "$data" "$orgs" "$rows" "$tag"
  serve "$data" "$tag"
  base=http://127.0.0.1:$port
  read -r first last < <(first_last_ids)
  [ -n "$last" ] || { echo "cannot read the organisation ids" >&2; exit 1; }
  log "organisation ids $first..$last"
  say "amity ${prefix}agg-first-request ms $(curl -fs -o /dev/null -w '%{time_total}' "$base/api/v1/organisations/counts?by=country" | awk '{printf "%.1f", $1*1000}')"
}

step_100k() {
  log "100,000 partners (gen_partners.py)"
  python3 "$PEERS_DIR/gen_partners.py" "$SCRATCH/partners.csv"
  local base first last
  prepare_and_serve "$SCRATCH/partners.csv" "$SCRATCH/organisations.csv" "$SCRATCH/data-100k" 100000 100k ""
  curl -fs "$base/api/v1/organisations/$first" >"$SCRATCH/organisation.json"
  id_lua "$SCRATCH/one.lua" "$first" "$last"
  measure amity one -s "$SCRATCH/one.lua" "$base"
  measure amity list "$base/api/v1/organisations?country=VN&limit=50"
  measure amity agg "$base/api/v1/organisations/counts?by=country"
  # Uncached: every request carries a query string never seen before, so the per-query cache
  # cannot answer. agg-uncached adds id.gt=-N (a random N up to 10^9): every live record
  # matches, the answer and the plan (a scan of the country index) are those of `agg`.
  # agg-uncached-founded adds founded_on.gte={random date}: a filter a user would send, which
  # needs each row's founded_on from the table. Long timeouts: slow answers are not errors.
  uncached amity agg-uncached 'by=country&id.gt=-" .. math.random(1, 1000000000) .. "'
  uncached amity agg-uncached-founded 'by=country&founded_on.gte=" .. string.format("%04d-%02d-%02d", math.random(1900, 2023), math.random(1, 12), math.random(1, 28)) .. "'
  say "amity 100k-server VmRSS_MB $(vmrss "$server_pid" | awk '$1=="VmRSS:"{print $2}')"
  say "amity access-log lines $(wc -l <"$SCRATCH/access-100k.log")"
  stop_pid "$server_pid"
}

step_nginx() {
  command -v nginx >/dev/null || { log "nginx not installed (apt-get install nginx-light); skipped"; return; }
  if [ ! -s "$SCRATCH/organisation.json" ]; then
    log "no organisation.json yet; run the 100k step first"; return
  fi
  local d=$SCRATCH/nginx nport
  rm -rf "$d"; mkdir -p "$d/www" "$d/tmp" "$d/logs"
  chmod 755 "$d" "$d/www"
  cp "$SCRATCH/organisation.json" "$d/www/organisation.json"; chmod 644 "$d/www/organisation.json"
  nport=$(free_port)
  cat >"$d/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 1024; }
http {
  default_type application/json;
  access_log $d/logs/access.log;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $d/www;
    location = /organisation.json { }
  }
}
CONF
  nginx -p "$d" -e "$d/logs/error.log" -c "$d/nginx.conf" &
  local npid=$!
  pids+=("$npid")
  for _ in $(seq 1 100); do curl -fs -o /dev/null "127.0.0.1:$nport/organisation.json" && break; sleep 0.1; done
  curl -fs -o /dev/null "127.0.0.1:$nport/organisation.json" || { cat "$d/logs/error.log" >&2; exit 1; }
  log "nginx pid $npid on 127.0.0.1:$nport ($(wc -c <"$d/www/organisation.json") bytes)"
  measure nginx one "http://127.0.0.1:$nport/organisation.json"
  stop_pid "$npid"
}

step_1m() {
  log "$ROWS_1M partners (bench/gen_partners_1m.py)"
  python3 "$here/gen_partners_1m.py" "$SCRATCH/partners-1m.csv" "$ROWS_1M"
  local base first last
  prepare_and_serve "$SCRATCH/partners-1m.csv" "$SCRATCH/organisations-1m.csv" "$SCRATCH/data-1m" "$ROWS_1M" 1m 1m-
  measure amity 1m-list --latency "$base/api/v1/organisations?country=VN&limit=50"
  # The same request one at a time: the service time without queueing behind 31 others.
  CONNECTIONS=1 THREADS=1 measure amity 1m-list-c1 --latency "$base/api/v1/organisations?country=VN&limit=50"
  id_lua "$SCRATCH/one-1m.lua" "$first" "$last"
  measure amity 1m-one --latency -s "$SCRATCH/one-1m.lua" "$base"
  measure amity 1m-agg "$base/api/v1/organisations/counts?by=country"
  local rss; rss=$(vmrss "$server_pid")
  say "amity 1m-server VmRSS_MB $(awk '$1=="VmRSS:"{print $2}' <<<"$rss")"
  say "amity 1m-server VmHWM_MB $(awk '$1=="VmHWM:"{print $2}' <<<"$rss")"
  stop_pid "$server_pid"
}

# ---- run ---------------------------------------------------------------------------------------
{
  echo "# amity-bench $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# machine: nproc=$(nproc), $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)," \
       "RAM $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "# amity: $amity_src, built $(date -u -r "$amity_src" +%Y-%m-%dT%H:%M:%SZ), sha256 $(sha256sum "$AMITY" | cut -c1-12), repo at ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet HEAD -- src 2>/dev/null || echo ', src modified'))"
  echo "# wrk -t$THREADS -c$CONNECTIONS, warm-up ${WARMUP}s, median of $RUNS runs of ${DURATION}s; serve args: ${SERVE_ARGS:-defaults}"
} | tee -a "$results"
for s in "${steps[@]}"; do
  case $s in
    all) step_peers; step_100k; step_nginx; step_1m ;;
    peers) step_peers ;;
    100k) step_100k ;;
    nginx) step_nginx ;;
    1m) step_1m ;;
    *) echo "amity-bench: unknown step $s (all, peers, 100k, nginx, 1m)" >&2; exit 2 ;;
  esac
done
# The data (about 1.3 GB after `all`: databases, CSV files, access logs) goes unless KEEP_DATA=1.
if [ "${KEEP_DATA:-0}" != 1 ]; then
  rm -rf "$SCRATCH"/data-100k "$SCRATCH"/data-1m "$SCRATCH"/*.csv "$SCRATCH"/access-*.log "$SCRATCH"/nginx/logs
fi
log "done; figures in $results, raw wrk outputs in $SCRATCH/wrk"
