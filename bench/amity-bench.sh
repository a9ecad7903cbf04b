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
#   writers: 32 concurrent writers (POST /api/v1/organisations), then a mixed load (9 GETs of
#            one organisation to 1 POST), on the 100k database
#   100k-pg, writers-pg, 1m-pg: the same steps with Amity on PostgreSQL 15 (a throwaway cluster
#            the script starts as the postgres user on a free loopback port, fsync and
#            synchronous_commit on, and stops and removes at the end)
#   search, search-pg: 1,000,000 organisations with real names (bench/gen_search_1m.py: Party
#            Facts' parties × ISO 3166-2 place names, in many languages and scripts): the import
#            with the search index kept, the index's size, a full rebuild (amity search rebuild),
#            then typeahead: GET /api/v1/search?limit=10&q=… with queries as users type them
#            (the generator's list of 1,000), one connection (the latency one user sees) and 8
#   web   : the web UI's budgets on the search step's 1,000,000 organisations (bench/web-budget.mjs):
#            the gzip size of the JS and CSS the first screen loads, and the time from navigation
#            to a usable dashboard and organisations list in Chromium (cold profile and warm), RUNS_WEB each
#   smoke, smoke-pg: a check of this script, not a figure: ROWS_SMOKE partners, then every kind
#            of request the 100k and writers steps send, 2 s each, once; fails unless every
#            response was 2xx. About a minute.
#
# Every API route but /api/v1/health needs authentication: each database the script serves gets
# a user "bench" (admin of the root unit) and an API token, sent as "Authorization: Bearer …"
# by every wrk script and curl call.
#
# Every throughput figure is wrk -t2 -c32, a 5 s warm-up, then the median of 3 runs of 10 s, as
# the Directus script does. wrk and the server share the machine's cores.
#
# Usage: bench/amity-bench.sh [all|peers|100k|writers|nginx|1m|100k-pg|writers-pg|1m-pg|search|search-pg|web|web-pg|smoke|smoke-pg]...
#        (default: all = peers 100k writers nginx 1m, SQLite only; `pg` = 100k-pg writers-pg 1m-pg)
# Environment (all optional):
#   AMITY=path/to/amity     the server binary (default: build/src/amity of this repo)
#   SCRATCH=dir             data, logs and raw wrk outputs (default /tmp/amity-bench)
#   PEERS_DIR=dir           where gen_partners.py and directus-bench.sh are (default ../shared/peers)
#   PEERS=dir               Directus's scratch dir (default /tmp/amity-peers)
#   DURATION=10 RUNS=3 WARMUP=5 CONNECTIONS=32 THREADS=2
#   ROWS_1M=1000000         rows for the 1m step
#   ROWS_SMOKE=5000         rows for the smoke step
#   RUNS_WEB=10             page loads per screen and cache state in the web step
#   ROWS_SEARCH=1000000 ROWS_SEARCH_PG=$ROWS_SEARCH   rows for the search steps
#   PARTYFACTS=../shared/data/partyfacts/partyfacts-core-parties.csv   the names they are made of
#   SERVE_ARGS="..."        extra arguments for amity serve (default: none, i.e. its defaults)
#   MAX_SECONDS=3600        the whole run is stopped after this long
#   QUIET_WAIT=300 RETRIES=3  waiting for an idle machine; runs redone when others used >10% CPU
#   KEEP_DATA=1             keep the SQLite databases, CSV files and access logs (~1.3 GB) afterwards
#                           (the PostgreSQL cluster is always removed)
#   ROWS_1M_PG=$ROWS_1M     rows for the 1m-pg step (its import goes row by row)
#   PG_BIN=/usr/lib/postgresql/15/bin
#   PG_SETTINGS="shared_buffers=1GB max_wal_size=4GB effective_cache_size=8GB"  postgresql.conf
#                           lines (no spaces inside a value); fsync and synchronous_commit stay on
#   WRITE_SECONDS=$DURATION the length of each writers run
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
ROWS_SMOKE=${ROWS_SMOKE:-5000}
RUNS_WEB=${RUNS_WEB:-10}
ROWS_1M_PG=${ROWS_1M_PG:-$ROWS_1M}
ROWS_SEARCH=${ROWS_SEARCH:-1000000}
ROWS_SEARCH_PG=${ROWS_SEARCH_PG:-$ROWS_SEARCH}
PARTYFACTS=${PARTYFACTS:-$(cd "$repo/.." && pwd)/shared/data/partyfacts/partyfacts-core-parties.csv}
SERVE_ARGS=${SERVE_ARGS:-}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_SETTINGS=${PG_SETTINGS:-shared_buffers=1GB max_wal_size=4GB effective_cache_size=8GB}
WRITE_SECONDS=${WRITE_SECONDS:-$DURATION}
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(all)
case " ${steps[*]} " in
  *-pg\ *|*\ pg\ *)
    [ -x "$PG_BIN/postgres" ] || { echo "amity-bench: no PostgreSQL in $PG_BIN (apt-get install postgresql-15)" >&2; exit 2; }
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
      echo "amity-bench: running as root, but there is no postgres user to run PostgreSQL as" >&2; exit 2
    fi ;;
esac

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
  pg_stop
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

# ---- PostgreSQL: one throwaway cluster for the run's -pg steps --------------------------------
# initdb and postgres refuse root: as root they run as the postgres user (runuser, which stays in
# this run's process group, so timeout(1) and Ctrl-C reach the postmaster too). The cluster
# lives in a scratch directory of its own (mode 0700, owned by postgres), is started on first
# use and stopped (pg_ctl stop -m fast, then by pid) and removed by cleanup, always.
pg_dir='' pg_port='' pg_pid='' pg_runuser_pid=''
as_pg() {  # as_pg PROGRAM ARGS...: a PostgreSQL program, as the postgres user when we are root
  local prog=$PG_BIN/$1; shift
  if [ "$(id -u)" = 0 ]; then (cd "$pg_dir" && runuser -u postgres -- "$prog" "$@"); else (cd "$pg_dir" && "$prog" "$@"); fi
}
pg_sql() {  # pg_sql DATABASE SQL: runs SQL as the amity role, prints the rows unaligned
  PGOPTIONS='-c client_min_messages=warning' "$PG_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$pg_port" -U amity -d "$1" -v ON_ERROR_STOP=1 -c "$2"
}
pg_start() {
  [ -n "$pg_port" ] && return 0
  pg_dir=$(mktemp -d /tmp/amity-bench-pg-XXXXXX)  # mode 0700
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pg_dir"; fi
  as_pg initdb -D "$pg_dir/data" -U amity --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$SCRATCH/postgres-initdb.out" 2>&1 || { cat "$SCRATCH/postgres-initdb.out" >&2; exit 1; }
  # A real deployment's settings: durability on (fsync, synchronous_commit and full_page_writes
  # keep their defaults, on), more memory than the defaults. Appended, so they win.
  {
    echo "# amity-bench"
    local kv
    for kv in $PG_SETTINGS; do echo "${kv%%=*} = '${kv#*=}'"; done
  } >>"$pg_dir/data/postgresql.conf"
  local attempt
  for attempt in 1 2 3 4 5; do
    pg_port=$(free_port)
    if [ "$(id -u)" = 0 ]; then
      runuser -u postgres -- "$PG_BIN/postgres" -D "$pg_dir/data" -c listen_addresses=127.0.0.1 \
        -p "$pg_port" -k "$pg_dir" >"$SCRATCH/postgres.log" 2>&1 &
    else
      "$PG_BIN/postgres" -D "$pg_dir/data" -c listen_addresses=127.0.0.1 \
        -p "$pg_port" -k "$pg_dir" >"$SCRATCH/postgres.log" 2>&1 &
    fi
    pg_runuser_pid=$!
    for _ in $(seq 1 300); do
      pg_sql postgres 'SELECT 1' >/dev/null 2>&1 && break
      kill -0 "$pg_runuser_pid" 2>/dev/null || break
      sleep 0.1
    done
    if pg_sql postgres 'SELECT 1' >/dev/null 2>&1; then break; fi
    wait "$pg_runuser_pid" 2>/dev/null || true; pg_runuser_pid=
    if [ "$attempt" -lt 5 ] && grep -q 'already in use' "$SCRATCH/postgres.log"; then continue; fi
    cat "$SCRATCH/postgres.log" >&2; echo "PostgreSQL did not start" >&2; pg_port=; exit 1
  done
  pg_pid=$(head -1 "$pg_dir/data/postmaster.pid")
  export AMITY_BENCH_PG_PID=$pg_pid  # cpu_snap counts the cluster's processes as this run's
  log "PostgreSQL $(pg_sql postgres 'SHOW server_version') pid $pg_pid on 127.0.0.1:$pg_port ($pg_dir)"
  say "# postgresql: $(pg_sql postgres 'SHOW server_version'); $(pg_sql postgres "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers','max_wal_size','effective_cache_size','fsync','synchronous_commit','full_page_writes','wal_level','max_connections','work_mem')")"
}
pg_stop() {
  [ -n "$pg_dir" ] || return 0
  if [ -n "$pg_runuser_pid" ]; then
    as_pg pg_ctl -D "$pg_dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    if [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null; then kill -KILL "$pg_pid" 2>/dev/null || true; fi
    for _ in $(seq 1 50); do kill -0 "$pg_runuser_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pg_runuser_pid" 2>/dev/null && kill -KILL "$pg_runuser_pid" 2>/dev/null
    wait "$pg_runuser_pid" 2>/dev/null || true
  fi
  rm -rf -- "$pg_dir"
  pg_dir='' pg_port='' pg_pid='' pg_runuser_pid=''
}
# pg_mem: the cluster's memory, postmaster and every child: the sum of their PSS (shared buffers
# counted once, split between the processes that touched them) and how many processes.
pg_mem() {
  python3 - "$pg_pid" <<'PY'
import os, sys
pm = sys.argv[1]
pids = [pm]
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
    except OSError:
        continue
    if st[st.rindex(")") + 2:].split()[1] == pm:
        pids.append(pid)
pss = 0
for pid in pids:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
    except OSError:
        pass
print(pss // 1024, len(pids))
PY
}

# ---- engines -----------------------------------------------------------------------------------
# use_engine sqlite|postgresql: what the steps after it measure. Sets `sys` (the first word of
# each figure: amity, or amity-pg) and `sfx` (the steps' suffix, "" or -pg).
engine=sqlite sys=amity sfx=
use_engine() {
  engine=$1
  if [ "$engine" = postgresql ]; then sys=amity-pg sfx=-pg; pg_start; else sys=amity sfx=; fi
}
# db_of NAME: sets `db`, the arguments naming the database NAME of the current engine.
db_of() {
  if [ "$engine" = postgresql ]; then db=(--db "postgresql://amity@127.0.0.1:$pg_port/bench_${1//-/_}")
  else db=(--data "$SCRATCH/data-$1"); fi
}
fresh_db() {  # fresh_db NAME: an empty database NAME with Amity's schema and reference data
  db_of "$1"
  if [ "$engine" = postgresql ]; then
    pg_sql postgres "DROP DATABASE IF EXISTS bench_${1//-/_}" >/dev/null
    pg_sql postgres "CREATE DATABASE bench_${1//-/_}" >/dev/null
  else
    rm -rf "$SCRATCH/data-$1"
  fi
  rm -f "$SCRATCH/token-$1$sfx"
  "$AMITY" "${db[@]}" init >/dev/null
}
# bench_token NAME: sets `token` and `auth` (curl's and wrk's header arguments) for the database
# NAME of the current engine: the API token of its user "bench" (an admin of the root unit, so
# it may read and write everything), made on first use and kept in $SCRATCH/token-NAME[-pg].
bench_token() {
  local file=$SCRATCH/token-$1$sfx
  db_of "$1"
  if [ ! -s "$file" ]; then
    if ! "$AMITY" "${db[@]}" user list | grep -q '"name":"bench"'; then
      # A password nobody needs (the token is what the requests use), from stdin, not argv.
      head -c 24 /dev/urandom | base64 | "$AMITY" "${db[@]}" user add bench --role admin --password-stdin >/dev/null
    fi
    "$AMITY" "${db[@]}" token create --user bench --label amity-bench 2>/dev/null >"$file.new"
    mv "$file.new" "$file"
  fi
  token=$(cat "$file")
  [[ $token == amity_* ]] || { echo "amity-bench: no API token for $1 ($file)" >&2; exit 1; }
  auth=(-H "Authorization: Bearer $token")
}
token='' auth=()
db_mb() {  # db_mb NAME: the database's size on disk
  if [ "$engine" = postgresql ]; then
    pg_sql postgres "SELECT pg_database_size('bench_${1//-/_}') / 1048576"
  else
    echo $(( $(stat -c %s "$SCRATCH/data-$1/amity.db") / 1048576 ))
  fi
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
# over our process group (children reaped by a member count in its cutime/cstime) and, when the
# run started PostgreSQL, the postmaster's children (each backend is a session of its own).
cpu_snap() {
  python3 - <<'PY'
import os
with open("/proc/stat") as f:
    v = [int(x) for x in f.readline().split()[1:9]]
busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
total = busy + v[3] + v[4]
pg, ours = os.getpgrp(), 0
postmaster = os.environ.get("AMITY_BENCH_PG_PID", "")
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
    except OSError:
        continue
    fields = st[st.rindex(")") + 2:].split()
    if int(fields[2]) == pg or (postmaster and fields[1] == postmaster):   # pgrp, ppid
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

# import_timed NAME CSV ROWS: a fresh database NAME (100k, 1m) of the current engine, then the
# import under time(1). On PostgreSQL, then VACUUM ANALYZE and a CHECKPOINT, timed apart (what
# autovacuum and the checkpointer would do in the next minutes, done before anything is measured).
import_timed() {
  local name=$1 csv=$2 rows=$3
  local busy s1 s2 f retries=$RETRIES
  while :; do
    fresh_db "$name"
    busy=$(wait_quiet)
    log "importing $rows organisations ($sys, $name)"
    s1=$(cpu_snap)
    /usr/bin/time -f '%e %M %P' -o "$SCRATCH/import-$name$sfx.time" \
      timeout 3600 "$AMITY" "${db[@]}" import organisations "$csv" "${import_args[@]}" \
      >"$SCRATCH/import-$name$sfx.out" 2>&1 || { cat "$SCRATCH/import-$name$sfx.out" >&2; exit 1; }
    s2=$(cpu_snap); f=$(foreign_pct "$s1" "$s2")
    if [ "$f" -le 10 ] || [ "$retries" -le 0 ]; then break; fi
    log "import: other processes used ${f}% of the machine; again"; retries=$((retries - 1))
  done
  cat "$SCRATCH/import-$name$sfx.out" >&2
  local secs kb cpu; read -r secs kb cpu <"$SCRATCH/import-$name$sfx.time"
  say "$sys import-$name rows $rows"
  say "$sys import-$name seconds $secs"
  say "$sys import-$name records/s $(awk -v n="$rows" -v s="$secs" 'BEGIN{printf "%d", n/s}')"
  say "$sys import-$name peak_rss_MB $((kb / 1024))"
  say "$sys import-$name import_process_cpu $cpu"
  say "$sys import-$name db_MB $(db_mb "$name")"
  say "$sys import-$name other-processes% $f (idle check before: ${busy}% busy)"
  if [ "$engine" = postgresql ]; then
    local t0 t1 t2 dbname=bench_${name//-/_}
    t0=$(date +%s.%N); pg_sql "$dbname" 'VACUUM ANALYZE' >/dev/null
    t1=$(date +%s.%N); pg_sql "$dbname" 'CHECKPOINT' >/dev/null
    t2=$(date +%s.%N)
    say "$sys import-$name vacuum_analyze_s $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')"
    say "$sys import-$name checkpoint_s $(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.1f", b-a}')"
    say "$sys import-$name db_MB_after_vacuum $(db_mb "$name")"
  fi
}

# serve NAME: amity serve on the database NAME of the current engine, on a free loopback port,
# its access log in $SCRATCH/access-NAME[-pg].log; sets $port and $server_pid.
serve() {
  local name=$1
  local out=$SCRATCH/serve-$name$sfx.out
  access_log=$SCRATCH/access-$name$sfx.log
  rm -f "$access_log"
  bench_token "$name"
  db_of "$name"
  # shellcheck disable=SC2086
  "$AMITY" "${db[@]}" serve --listen 127.0.0.1:0 --access-log "$access_log" \
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
  log "amity ($sys, $name) pid $server_pid on 127.0.0.1:$port"
}

id_lua() {  # id_lua FILE FIRST LAST: GET one with a random id in [FIRST, LAST], per-thread seeds
  cat >"$1" <<LUA
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
function init(args) math.randomseed(os.time() * 100 + (tid or 0)) end
local headers = {["Authorization"] = "Bearer $token"}
request = function() return wrk.format("GET", "/api/v1/organisations/" .. math.random($2, $3), headers) end
LUA
}

first_last_ids() {  # prints "FIRST LAST" of the live organisations
  local a b
  a=$(curl -fs "${auth[@]}" "127.0.0.1:$port/api/v1/organisations?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  b=$(curl -fs "${auth[@]}" "127.0.0.1:$port/api/v1/organisations?limit=1&sort=-id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  echo "$a $b"
}

# uncached SYSTEM NAME LUA-QUERY-EXPRESSION: counts with a new query string per request, then
# how many of those requests repeated one (a repeat could have been a cache hit).
uncached() {
  local sys=$1 name=$2 expr=$3 lua=$SCRATCH/$2$sfx.lua log=$access_log before
  cat >"$lua" <<LUA
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
function init(args) math.randomseed(os.time() * 100 + (tid or 0)) end
local headers = {["Authorization"] = "Bearer $token"}
request = function()
  return wrk.format("GET", "/api/v1/organisations/counts?$expr", headers)
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

# prepare_and_serve PARTNERS_CSV ORGS_CSV NAME ROWS PREFIX: converts and imports the partners
# into the database NAME of the current engine, starts the server, and sets the caller's
# `base`, `first` and `last` (the imported ids). The first grouped count after start is a cache
# miss: its time, reported as PREFIXagg-first-request, is the uncached cost of the very query
# `agg` then measures cached.
prepare_and_serve() {
  local partners=$1 orgs=$2 name=$3 rows=$4 prefix=$5
  [ -s "$orgs" ] || to_organisations "$partners" "$orgs"
  import_timed "$name" "$orgs" "$rows"
  serve "$name"
  base=http://127.0.0.1:$port
  read -r first last < <(first_last_ids)
  [ -n "$last" ] || { echo "cannot read the organisation ids" >&2; exit 1; }
  log "organisation ids $first..$last"
  say "$sys ${prefix}agg-first-request ms $(curl -fs "${auth[@]}" -o /dev/null -w '%{time_total}' "$base/api/v1/organisations/counts?by=country" | awk '{printf "%.1f", $1*1000}')"
}

# server_memory LABEL: the server's VmRSS (and VmHWM) and, on PostgreSQL, the cluster's PSS.
server_memory() {
  local rss; rss=$(vmrss "$server_pid")
  say "$sys $1-server VmRSS_MB $(awk '$1=="VmRSS:"{print $2}' <<<"$rss")"
  say "$sys $1-server VmHWM_MB $(awk '$1=="VmHWM:"{print $2}' <<<"$rss")"
  if [ "$engine" = postgresql ]; then
    local mb n; read -r mb n < <(pg_mem)
    say "$sys $1-postgres PSS_MB $mb ($n processes)"
  fi
}

step_100k() {
  log "100,000 partners (gen_partners.py), $engine"
  [ -s "$SCRATCH/partners.csv" ] || python3 "$PEERS_DIR/gen_partners.py" "$SCRATCH/partners.csv"
  local base first last
  prepare_and_serve "$SCRATCH/partners.csv" "$SCRATCH/organisations.csv" 100k 100000 ""
  have_100k+=("$engine")
  if [ "$engine" = sqlite ]; then curl -fs "${auth[@]}" "$base/api/v1/organisations/$first" >"$SCRATCH/organisation.json"; fi
  id_lua "$SCRATCH/one.lua" "$first" "$last"
  measure "$sys" one -s "$SCRATCH/one.lua" "$base"
  measure "$sys" list "${auth[@]}" "$base/api/v1/organisations?country=VN&limit=50"
  measure "$sys" agg "${auth[@]}" "$base/api/v1/organisations/counts?by=country"
  # Uncached: every request carries a query string never seen before, so the per-query cache
  # cannot answer. agg-uncached adds id.gt=-N (a random N up to 10^9): every live record
  # matches, the answer and the plan (a scan of the country index) are those of `agg`.
  # agg-uncached-founded adds founded_on.gte={random date}: a filter a user would send, which
  # needs each row's founded_on from the table. Long timeouts: slow answers are not errors.
  uncached "$sys" agg-uncached 'by=country&id.gt=-" .. math.random(1, 1000000000) .. "'
  uncached "$sys" agg-uncached-founded 'by=country&founded_on.gte=" .. string.format("%04d-%02d-%02d", math.random(1900, 2023), math.random(1, 12), math.random(1, 28)) .. "'
  server_memory 100k
  say "$sys access-log lines $(wc -l <"$access_log")"
  stop_pid "$server_pid"
}

# writers: 32 connections (CONNECTIONS) each POSTing new organisations as fast as answered, on
# the 100k database of this run's 100k step (imported first when that step did not run), then
# a mixed load: 9 GETs of one organisation (random id) to 1 POST. Every run is WRITE_SECONDS
# long; every response must be 2xx (wrk reports others, and measure flags them), and the rows
# created must match the 201s in the access log.
writer_lua() {  # writer_lua FILE PERCENT-WRITES FIRST LAST
  cat >"$1" <<LUA
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
local i, run = 0, 0
local kinds = {"ngo", "business", "university", "government_body", "media", "research_institute"}
local countries = {"VN", "FR", "JP", "DE", "US", "LA", "KH", "CN", "IN", "BR"}
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}
local get_headers = {["Authorization"] = "Bearer $token"}
function init(args)
  math.randomseed(os.time() * 100 + (tid or 0)); run = math.random(1, 1000000000)
end
request = function()
  if math.random(1, 100) <= $2 then
    i = i + 1
    local body = string.format('{"name":"Bench writer %d-%d-%d","kind":"%s","country":"%s","founded_on":"%04d-%02d-%02d"}',
      tid or 0, run, i, kinds[math.random(#kinds)], countries[math.random(#countries)],
      math.random(1900, 2023), math.random(1, 12), math.random(1, 28))
    return wrk.format("POST", "/api/v1/organisations", headers, body)
  end
  return wrk.format("GET", "/api/v1/organisations/" .. math.random($3, $4), get_headers)
end
LUA
}
step_writers() {
  log "32 concurrent writers, $engine"
  local base first last
  case " ${have_100k[*]-} " in
    *" $engine "*) serve 100k ;;
    *)
      [ -s "$SCRATCH/partners.csv" ] || python3 "$PEERS_DIR/gen_partners.py" "$SCRATCH/partners.csv"
      to_organisations "$SCRATCH/partners.csv" "$SCRATCH/organisations.csv"
      import_timed 100k "$SCRATCH/organisations.csv" 100000
      have_100k+=("$engine")
      serve 100k ;;
  esac
  writers_load ""
  server_memory writers
  stop_pid "$server_pid"
}
# writers_load PREFIX: the writers' runs (PREFIXwrite, PREFIXmixed) against the server started.
writers_load() {
  local prefix=$1 base first last
  base=http://127.0.0.1:$port
  read -r first last < <(first_last_ids)
  [ -n "$last" ] || { echo "cannot read the organisation ids" >&2; exit 1; }
  # A body the server must accept: check one by hand first.
  curl -fs "${auth[@]}" -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d '{"name":"Bench writer check","kind":"ngo","country":"VN","founded_on":"2000-01-01"}' \
    "$base/api/v1/organisations" || { echo "POST /api/v1/organisations failed" >&2; exit 1; }
  writer_lua "$SCRATCH/write.lua" 100 "$first" "$last"
  writer_lua "$SCRATCH/mixed.lua" 10 "$first" "$last"
  local before_id after_id before_log created posts
  before_id=$(first_last_ids | awk '{print $2}')
  sleep 1  # the access log is written asynchronously: the check's line first
  before_log=$(wc -l <"$access_log")
  DURATION=$WRITE_SECONDS measure "$sys" "${prefix}write" --latency --timeout 30s -s "$SCRATCH/write.lua" "$base"
  DURATION=$WRITE_SECONDS measure "$sys" "${prefix}mixed" --latency --timeout 30s -s "$SCRATCH/mixed.lua" "$base"
  sleep 1  # the access log is written asynchronously
  after_id=$(first_last_ids | awk '{print $2}')
  # Every POST of the step (warm-ups and repeated runs included) against the ids created.
  read -r created posts < <(tail -n +"$((before_log + 1))" "$access_log" | python3 -c '
import json, sys
ok = bad = 0
for line in sys.stdin:
    r = json.loads(line)
    if r["method"] == "POST":
        if r["status"] == 201: ok += 1
        else: bad += 1
print(ok, bad)')
  say "$sys ${prefix}writers rows_created $((after_id - before_id)) POSTs_201 $created POSTs_other $posts"
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
  local rows=$ROWS_1M
  [ "$engine" = postgresql ] && rows=$ROWS_1M_PG
  log "$rows partners (bench/gen_partners_1m.py), $engine"
  # One file per row count, kept for the run (gen_partners_1m.py: the first rows of any count are
  # the same).
  if [ ! -s "$SCRATCH/organisations-1m-$rows.csv" ]; then
    python3 "$here/gen_partners_1m.py" "$SCRATCH/partners-1m.csv" "$rows"
    to_organisations "$SCRATCH/partners-1m.csv" "$SCRATCH/organisations-1m-$rows.csv"
  fi
  local base first last
  prepare_and_serve "$SCRATCH/partners-1m.csv" "$SCRATCH/organisations-1m-$rows.csv" 1m "$rows" 1m-
  measure "$sys" 1m-list --latency "${auth[@]}" "$base/api/v1/organisations?country=VN&limit=50"
  # The same request one at a time: the service time without queueing behind 31 others.
  CONNECTIONS=1 THREADS=1 measure "$sys" 1m-list-c1 --latency "${auth[@]}" "$base/api/v1/organisations?country=VN&limit=50"
  id_lua "$SCRATCH/one-1m.lua" "$first" "$last"
  measure "$sys" 1m-one --latency -s "$SCRATCH/one-1m.lua" "$base"
  measure "$sys" 1m-agg "${auth[@]}" "$base/api/v1/organisations/counts?by=country"
  server_memory 1m
  stop_pid "$server_pid"
  # The 1M database goes now (the PostgreSQL cluster's scratch directory is removed at the end).
  if [ "$engine" = postgresql ]; then pg_sql postgres 'DROP DATABASE bench_1m' >/dev/null; fi
}

# smoke: the path every step takes, on ROWS_SMOKE partners and short runs (2 s, once, no waiting
# for a quiet machine): import, the token, one/list/agg/uncached counts, writers and the mixed
# load. Fails when any wrk run or any request in the server's access log was not 2xx.
step_search() {
  local rows=$ROWS_SEARCH
  [ "$engine" = postgresql ] && rows=$ROWS_SEARCH_PG
  log "search: $rows organisations with real names (bench/gen_search_1m.py), $engine"
  if [ ! -s "$SCRATCH/search-$rows.jsonl" ]; then
    python3 "$here/gen_search_1m.py" "$SCRATCH/search-$rows.jsonl" "$SCRATCH/search-queries.txt" "$rows" "$PARTYFACTS"
  fi
  local import_args=()
  import_timed search "$SCRATCH/search-$rows.jsonl" "$rows"
  say "$sys search index_MB $(search_index_mb search)"
  db_of search
  local busy; busy=$(wait_quiet)
  /usr/bin/time -f '%e %M' -o "$SCRATCH/rebuild$sfx.time" "$AMITY" "${db[@]}" search rebuild >"$SCRATCH/rebuild$sfx.out" 2>&1 \
    || { cat "$SCRATCH/rebuild$sfx.out" >&2; exit 1; }
  local secs kb; read -r secs kb <"$SCRATCH/rebuild$sfx.time"
  say "$sys search rebuild $(cat "$SCRATCH/rebuild$sfx.out")"
  say "$sys search rebuild_seconds $secs"
  say "$sys search rebuild_peak_rss_MB $((kb / 1024)) (idle check before: ${busy}% busy)"
  say "$sys search index_MB_after_rebuild $(search_index_mb search)"
  serve search
  local base=http://127.0.0.1:$port
  search_lua "$SCRATCH/search.lua" "$SCRATCH/search-queries.txt"
  CONNECTIONS=1 THREADS=1 measure "$sys" search-typeahead-c1 --latency -s "$SCRATCH/search.lua" "$base"
  CONNECTIONS=8 measure "$sys" search-typeahead-c8 --latency -s "$SCRATCH/search.lua" "$base"
  server_memory search
  stop_pid "$server_pid"
  if [ "$engine" = postgresql ]; then pg_sql postgres 'DROP DATABASE bench_search' >/dev/null; fi
}
# search_index_mb NAME: the size of the search tables and their indexes
search_index_mb() {
  if [ "$engine" = postgresql ]; then
    pg_sql "bench_${1//-/_}" "SELECT (pg_total_relation_size('search_doc') + pg_total_relation_size('search_name')) / 1048576"
  else
    python3 - "$SCRATCH/data-$1/amity.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(db.execute("SELECT sum(pgsize) / 1048576 FROM dbstat WHERE name LIKE 'search%' OR name LIKE 'sqlite_autoindex_search%'").fetchone()[0])
PY
  fi
}
# search_lua FILE QUERIES: GET /api/v1/search with a random query of the list, per-thread seeds
search_lua() {
  cat >"$1" <<LUA
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
local queries = {}
function init(args)
  math.randomseed(os.time() * 100 + (tid or 0))
  for line in io.lines("$2") do queries[#queries + 1] = line end
end
local headers = {["Authorization"] = "Bearer $token"}
request = function()
  return wrk.format("GET", "/api/v1/search?limit=10&q=" .. queries[math.random(#queries)], headers)
end
LUA
}

# web: the search step's database (imported here unless this run or KEEP_DATA left it), a user
# with a password for the browser, then bench/web-budget.mjs on a quiet machine.
step_web() {
  local rows=$ROWS_SEARCH
  if [ "$engine" = postgresql ] || [ ! -s "$SCRATCH/data-search/amity.db" ]; then
    if [ ! -s "$SCRATCH/search-$rows.jsonl" ]; then
      python3 "$here/gen_search_1m.py" "$SCRATCH/search-$rows.jsonl" "$SCRATCH/search-queries.txt" "$rows" "$PARTYFACTS"
    fi
    local import_args=()
    import_timed search "$SCRATCH/search-$rows.jsonl" "$rows"
  fi
  db_of search
  local pw; pw=$(head -c 18 /dev/urandom | base64)
  if "$AMITY" "${db[@]}" user list | grep -q '"name":"benchui"'; then
    printf '%s\n' "$pw" | "$AMITY" "${db[@]}" user passwd benchui --password-stdin >/dev/null
  else
    printf '%s\n' "$pw" | "$AMITY" "${db[@]}" user add benchui --role admin --password-stdin >/dev/null
  fi
  serve search
  local busy; busy=$(wait_quiet)
  say "$sys web organisations $rows (idle check before: ${busy}% busy)"
  node "$here/web-budget.mjs" "http://127.0.0.1:$port" benchui "$pw" "$RUNS_WEB" >"$SCRATCH/web$sfx.out" \
    || { cat "$SCRATCH/web$sfx.out" >&2; exit 1; }
  while read -r line; do say "$sys web $line"; done <"$SCRATCH/web$sfx.out"
  stop_pid "$server_pid"
}

step_smoke() {
  local rows=$ROWS_SMOKE
  local DURATION=2 WARMUP=1 RUNS=1 WRITE_SECONDS=2 QUIET_WAIT=0 RETRIES=0
  log "smoke: $rows partners (bench/gen_partners_1m.py), $engine; runs of 2 s, once, after 1 s of warm-up"
  if [ ! -s "$SCRATCH/organisations-smoke.csv" ]; then
    python3 "$here/gen_partners_1m.py" "$SCRATCH/partners-smoke.csv" "$rows" >/dev/null
    to_organisations "$SCRATCH/partners-smoke.csv" "$SCRATCH/organisations-smoke.csv"
  fi
  local base first last
  prepare_and_serve "$SCRATCH/partners-smoke.csv" "$SCRATCH/organisations-smoke.csv" smoke "$rows" smoke-
  id_lua "$SCRATCH/one-smoke.lua" "$first" "$last"
  measure "$sys" smoke-one --latency -s "$SCRATCH/one-smoke.lua" "$base"
  measure "$sys" smoke-list "${auth[@]}" "$base/api/v1/organisations?country=VN&limit=50"
  measure "$sys" smoke-agg "${auth[@]}" "$base/api/v1/organisations/counts?by=country"
  uncached "$sys" smoke-agg-uncached 'by=country&id.gt=-" .. math.random(1, 1000000000) .. "'
  writers_load smoke-
  stop_pid "$server_pid"  # a graceful stop: the access log is complete
  local flagged statuses
  flagged=$(ls "$SCRATCH/wrk/$sys"-smoke-*.flags 2>/dev/null || true)
  statuses=$(python3 -c '
import collections, json, sys
print(" ".join(f"{k}:{v}" for k, v in sorted(collections.Counter(json.loads(l)["status"] for l in open(sys.argv[1])).items())))' "$access_log")
  say "$sys smoke statuses $statuses"
  if [ -n "$flagged" ] || grep -qv '^2' <<<"$(tr ' ' '\n' <<<"$statuses")"; then
    echo "amity-bench: smoke ($engine): responses other than 2xx (${flagged:-see $access_log})" >&2; exit 1
  fi
  say "$sys smoke ok"
}

# ---- run ---------------------------------------------------------------------------------------
{
  echo "# amity-bench $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# machine: nproc=$(nproc), $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)," \
       "RAM $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "# amity: $amity_src, built $(date -u -r "$amity_src" +%Y-%m-%dT%H:%M:%SZ), sha256 $(sha256sum "$AMITY" | cut -c1-12), repo at ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet HEAD -- src 2>/dev/null || echo ', src modified'))"
  echo "# wrk -t$THREADS -c$CONNECTIONS, warm-up ${WARMUP}s, median of $RUNS runs of ${DURATION}s; serve args: ${SERVE_ARGS:-defaults}"
} | tee -a "$results"
rm -f "$SCRATCH"/partners*.csv "$SCRATCH"/organisations*.csv  # this run's data is made by this run
have_100k=()  # the engines whose 100k database this run imported
expanded=()
for s in "${steps[@]}"; do
  case $s in
    all) expanded+=(peers 100k writers nginx 1m) ;;
    pg) expanded+=(100k-pg writers-pg 1m-pg) ;;
    peers|100k|writers|nginx|1m|100k-pg|writers-pg|1m-pg|search|search-pg|web|web-pg|smoke|smoke-pg) expanded+=("$s") ;;
    *) echo "amity-bench: unknown step $s (all, pg, peers, 100k, writers, nginx, 1m, 100k-pg, writers-pg, 1m-pg, search, search-pg, web, web-pg, smoke, smoke-pg)" >&2; exit 2 ;;
  esac
done
for s in "${expanded[@]}"; do
  case $s in
    *-pg) use_engine postgresql ;;
    *) use_engine sqlite ;;
  esac
  case ${s%-pg} in
    peers) step_peers ;;
    100k) step_100k ;;
    writers) step_writers ;;
    nginx) step_nginx ;;
    1m) step_1m ;;
    search) step_search ;;
    web) step_web ;;
    smoke) step_smoke ;;
  esac
done
pg_stop
# The data (about 1.3 GB after `all`: databases, CSV files, access logs) goes unless KEEP_DATA=1.
if [ "${KEEP_DATA:-0}" != 1 ]; then
  rm -rf "$SCRATCH"/data-100k "$SCRATCH"/data-1m "$SCRATCH"/data-smoke "$SCRATCH"/data-search "$SCRATCH"/*.csv \
    "$SCRATCH"/*.jsonl "$SCRATCH"/access-*.log \
    "$SCRATCH"/nginx/logs "$SCRATCH"/token-*
fi
log "done; figures in $results, raw wrk outputs in $SCRATCH/wrk"
