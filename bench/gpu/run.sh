#!/usr/bin/env bash
# The NativeDsp GPU check (issue 18), run on the GPU machine from the repository root:
#     bash bench/gpu/run.sh                      (the kit from prepare.sh in bench/gpu/kit, carried along)
# Unpacks the kit (a .NET runtime + the published NativeDsp.GpuCheck app) to a temporary folder, then:
#   1. check   every ILGPU kernel on CUDA vs the Host kernels on random inputs; stops here on any failure
#   2. time    GEMM, fused attention, soft top-K, a BERT-base DSP training step on CUDA -> $OUT/ours.json
#   3. peers   the same cases in PyTorch (python3 bench/gpu/peers.py)               -> $OUT/peers.json
#   4. report  $OUT/results.md + results.csv, the table printed last
# Every step's return code is checked and each is time-boxed so the whole run stays within 8 minutes.
# Options: --device D (default cuda), --tiny (dry-run shapes), --app "CMD" (run the app as CMD instead of
# unpacking the kit; the dry run in the tests uses it). Exit code: 0 when every step passed, else the first
# failing step's code (the report is still written when timing or peers failed).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
device=cuda
tiny=()
app=""
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device="${2:?--device needs a value}"; shift 2 ;;
    --tiny) tiny=(--tiny); shift ;;
    --app) app="${2:?--app needs a command}"; shift 2 ;;
    *) echo "run.sh: unknown option '$1' (expected --device D, --tiny, --app CMD)" >&2; exit 2 ;;
  esac
done
out="${OUT:-$PWD/gpucheck-out}"
mkdir -p "$out" || { echo "run.sh: cannot create $out" >&2; exit 1; }
log="$out/run.log"
: >"$log"
say() { echo "$*" | tee -a "$log"; }

# step NAME LIMIT_S CMD...: runs CMD with a time limit, its output shown and kept in run.log; returns its code.
step() {
  local name="$1" limit="$2"; shift 2
  local t0=$SECONDS
  say "== $name (limit ${limit}s): $*"
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  say "== $name: exit $rc after $((SECONDS - t0))s$([ "$rc" = 124 ] && echo ' (TIMED OUT)')"
  return "$rc"
}

if [ -z "$app" ]; then
  kit="$here/kit/nativedsp-gpucheck.tar.gz"
  [ -f "$kit" ] || { say "run.sh: $kit is missing: run bench/gpu/prepare.sh here and carry bench/gpu/kit"; exit 1; }
  dest="$(mktemp -d /tmp/nativedsp-kit.XXXXXX)"
  trap 'rm -rf "$dest"' EXIT
  tar -xzf "$kit" -C "$dest" || { say "run.sh: cannot unpack $kit"; exit 1; }
  export DOTNET_ROOT="$dest/dotnet" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  # ILGPU asks the loader for 'libcuda.so' (its Linux name for the driver); containers often have only
  # libcuda.so.1, so link the unversioned name to it when it is missing.
  if ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so '; then
    cuda1="$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{print $NF; exit}')"
    [ -z "$cuda1" ] && cuda1="$(ls /usr/local/nvidia/lib64/libcuda.so.1 /usr/lib/x86_64-linux-gnu/libcuda.so.1 2>/dev/null | head -1)"
    if [ -n "$cuda1" ]; then
      mkdir -p "$dest/lib" && ln -sf "$cuda1" "$dest/lib/libcuda.so"
      export LD_LIBRARY_PATH="$dest/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      say "run.sh: linked $dest/lib/libcuda.so -> $cuda1"
    else
      say "run.sh: no libcuda.so.1 found; CUDA selection will say why"
    fi
  fi
  app="$DOTNET_ROOT/dotnet $dest/app/NativeDsp.GpuCheck.dll"
  say "run.sh: kit unpacked to $dest ($(du -sh "$dest" | cut -f1))"
fi
say "run.sh: device $device${tiny:+ (tiny shapes)}, results in $out"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv,noheader 2>&1 | tee -a "$log"

# shellcheck disable=SC2086  # $app is a command line
step check 120 $app check --device "$device" "${tiny[@]}" --out "$out"
rc=$?
if [ $rc -ne 0 ]; then
  say "run.sh: the kernel check failed (exit $rc): see the table above and $out/check.md; no timings taken"
  exit $rc
fi

first_failure=0
# shellcheck disable=SC2086
step time 180 $app time --device "$device" "${tiny[@]}" --out "$out"
rc=$?; [ $first_failure -eq 0 ] && first_failure=$rc
if [ -f "$out/ours.json" ]; then
  step peers 120 env PYTHONUNBUFFERED=1 python3 "$here/peers.py" --ours "$out/ours.json" --out "$out/peers.json"
  rc=$?; [ $first_failure -eq 0 ] && first_failure=$rc
  # shellcheck disable=SC2086
  # The report prints the table; keep it out of the log here and print results.md once, last, below.
  step report 20 bash -c '"$@" >/dev/null' report $app report --out "$out"
  rc=$?; [ $first_failure -eq 0 ] && first_failure=$rc
  [ -f "$out/results.md" ] && { echo; cat "$out/results.md"; }
else
  say "run.sh: no ours.json: nothing to report"
fi
[ $first_failure -ne 0 ] && say "run.sh: FAILED (first failing step's exit code $first_failure)" || say "run.sh: all steps passed"
exit $first_failure
