#!/usr/bin/env bash
# Runs the fuzz targets of BUILD (configured with AMITY_FUZZ=ON) for FUZZ_SECONDS each (default
# 60), one after the other, each from seeds made here from the project's own inputs plus what
# earlier runs found (BUILD/fuzz-corpus). Exits non-zero when a target crashed; the input that
# did it is in BUILD/fuzz-findings/TARGET/.
# Usage: fuzz/run.sh BUILD [TARGET...]   (targets: json_body query csv_import; default all)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: fuzz/run.sh BUILD [TARGET...]}" && pwd)
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json_body query csv_import)
seconds=${FUZZ_SECONDS:-60}
declare -A max_len=([json_body]=8192 [query]=1024 [csv_import]=4096)
declare -A dict=([json_body]=json.dict [query]=query.dict [csv_import]=csv.dict)

# Seeds, made anew for each target it runs (small: a few hundred files), from the API
# transcripts' bodies and GET targets ({{name}} placeholders become 1), the first lines of each
# demo file, the demo data exported as CSV, the head of Party Facts when shared/ is beside us, and
# corpus/csv/.
seed() {
  local t=$1 dir=$build/fuzz-corpus/seeds/$1
  rm -rf "$dir"
  mkdir -p "$dir"
  case $t in
    json_body|query)
      awk -v out="$dir" -v t="$t" '
        function flush() { if (body != "" && t == "json_body") { n++; print body > (out "/test-" n); close(out "/test-" n) } body = ""; in_req = 0 }
        { gsub(/\{\{[A-Za-z0-9_]+\}\}/, "1") }
        /^(GET|HEAD) / && t == "query" { n++; f = out "/test-" n; printf "%s", $2 > f; close(f) }
        /^=>|^###/ { flush() }
        in_req && (body != "" || $0 !~ /^[A-Za-z-]+: /) { body = body $0 "\n" }
        /^(POST|PUT|PATCH) / { flush(); in_req = 1 }
        END { flush() }' "$root"/tests/api/*.test ;;&
    json_body)
      for f in "$root"/demo/*.jsonl; do
        head -n 3 "$f" | split -l 1 - "$dir/demo-$(basename "$f" .jsonl)-"
      done ;;
    csv_import)
      cp "$root"/fuzz/corpus/csv/* "$dir/"
      AMITY_FUZZ_CSV_SEEDS=$dir "$build/fuzz/fuzz_csv_import" -runs=0 >/dev/null 2>&1
      local partyfacts=$root/../shared/data/partyfacts/partyfacts-core-parties.csv
      if [ -f "$partyfacts" ]; then head -n 12 "$partyfacts" >"$dir/partyfacts-head.csv"; fi ;;
  esac
}

failed=()
for t in "${targets[@]}"; do
  corpus=$build/fuzz-corpus/$t findings=$build/fuzz-findings/$t
  mkdir -p "$corpus" "$findings"
  seed "$t"
  echo "== fuzz_$t: ${seconds}s, inputs up to ${max_len[$t]} bytes"
  if ! "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len="${max_len[$t]}" -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=1 -dict="$root/fuzz/${dict[$t]}" \
       -artifact_prefix="$findings/" "$corpus" "$build/fuzz-corpus/seeds/$t" 2>"$build/fuzz-$t.log"; then
    failed+=("$t")
    tail -n 60 "$build/fuzz-$t.log"
  fi
  grep -E '^stat::number_of_executed_units|^Done' "$build/fuzz-$t.log" || true
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${failed[*]} crashed; the inputs are in $build/fuzz-findings/" >&2
  exit 1
fi
echo "fuzz: no crash in ${targets[*]}"
