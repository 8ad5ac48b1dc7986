#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, on stable Rust
# (`-s none`: no sanitizer needed for safe code; `-a`: overflow checks and
# debug assertions on). Corpora live in fuzz/corpus/<target> (not committed)
# and are seeded each run from fixtures/ and ../shared/realdata.
# An input that crashes, hangs (>10 s) or allocates more than 256 MB at once
# is saved under fuzz/artifacts/<target>/ and fails the run; copy it to
# fuzz/regressions/<target>/ so `cargo test` replays it for ever.
#
# usage: fuzz/run.sh SECONDS [TARGET...]
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(timecode srt vtt whisper notes bwf quicktime sony_xml mxf matroska selects stamped nle_sheet scc stl ttml subtitles docx mhl)

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
cargo fuzz build -s none -a || exit 2
bin=target/$(rustc -vV | sed -n 's/^host: //p')/release

failed=()
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  if ! python3 seed.py "$target" "corpus/$target"; then
    echo "fuzz $target: FAILED to seed its corpus"
    failed+=("$target")
    continue
  fi
  # Past crashes join the corpus so their neighbourhood is searched again.
  [ -d "regressions/$target" ] && cp regressions/"$target"/* "corpus/$target/" 2>/dev/null
  log="artifacts/$target.log"
  # The binary that `cargo fuzz build` made, run directly: `cargo fuzz run`
  # would rebuild first whenever a source file changed meanwhile.
  if "$bin/$target" "corpus/$target" -artifact_prefix="artifacts/$target/" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 \
      -max_len=65536 -print_final_stats=1 >"$log" 2>&1; then
    stats=$(sed -nE 's/^stat::(number_of_executed_units|new_units_added|peak_rss_mb): *([0-9]+)/\1=\2/p' "$log" | tr '\n' ' ')
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    echo "fuzz $target: ok, ${seconds}s, $cov, $stats"
  else
    echo "fuzz $target: FAILED (log: fuzz/$log)"
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -5
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s) ok"
