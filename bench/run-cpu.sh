#!/usr/bin/env bash
# Every CPU benchmark and peer comparison of issue 15, in alternated rounds, and the tables for bench/RESULTS.md.
#
# Each round runs, one process after another: NativeDsp's GEMM sweep (every vector width the CPU runs, with the
# same-run FMA peak per width) and libtorch's GEMM on the same shapes; every workload of bench/StepWorkloads.cs on
# NativeDsp and on libtorch (TorchSharp-cpu 0.107); MiniLM inference on ONNX Runtime 1.31; the training steps
# again without dropout; and, on an AVX-512 CPU, NativeDsp with AVX-512 disabled (DOTNET_EnableAVX512=0; .NET 8-9 spell it DOTNET_EnableAVX512F) against
# libtorch held to AVX2 (ATEN_CPU_CAPABILITY=avx2), the figures for an AVX2 machine. Alternating whole rounds
# means a change of machine load hits every side alike; the tables give the median over rounds. Both sides run
# on 2 threads (NativeDsp: DOTNET_PROCESSOR_COUNT; libtorch and ONNX Runtime: their intra-op thread counts).
#
# Usage: bench/run-cpu.sh            (ROUNDS=5 by default; ~10 minutes on a quiet 2-core machine)
#        ROUNDS=3 OUT=dir bench/run-cpu.sh
# Output: $OUT/tables.md (the tables), $OUT/raw.tsv (every figure of every round), $OUT/log.txt (all output).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
OUT=${OUT:-bench/results-cpu/$(date -u +%Y%m%dT%H%MZ)}
THREADS=${THREADS:-2}
mkdir -p "$OUT"
RAW="$OUT/raw.tsv"; LOG="$OUT/log.txt"; HEADER="$OUT/header.txt"
: > "$RAW"; : > "$LOG"

echo "building (Release)..." >&2
dotnet build bench/NativeDsp.Bench.csproj -c Release -v q -nologo >> "$LOG" 2>&1
dotnet build bench/peers/NativeDsp.Bench.Peers.csproj -c Release -v q -nologo >> "$LOG" 2>&1
# The bench sets RuntimeIdentifier linux-x64 (ONNX Runtime's natives), so its output folder has the RID in it.
ND=(dotnet bench/bin/Release/net10.0/linux-x64/NativeDsp.Bench.dll)
PEERS=(dotnet bench/peers/bin/Release/net10.0/NativeDsp.Bench.Peers.dll)
export DOTNET_PROCESSOR_COUNT=$THREADS DOTNET_TieredPGO=1

flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(sse4_2|avx|avx2|fma|avx512f|avx512dq|avx512bw|avx512vl|avx512_bf16|avx512_vnni|asimd|sve)$' | tr '\n' ' ' || true)
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) logical CPUs; flags: $flags"
  echo "threads per side: $THREADS; rounds: $ROUNDS; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "dotnet: $(dotnet --version); $(uname -sr)"
} > "$HEADER"
cat "$HEADER" >&2

AVX512=0
if grep -qw avx512f /proc/cpuinfo; then AVX512=1; fi

run() {  # run LABEL COMMAND... : appends "round <tab> label <tab> name <tab> value" for each RESULT line
  local label=$1; shift
  echo "== round $round: $label: $*" >> "$LOG"
  "$@" 2>&1 | tee -a "$LOG" | awk -F'\t' -v L="$label" -v R="$round" '$1 == "RESULT" { print R "\t" L "\t" $2 "\t" $3 }' >> "$RAW"
}

start=$(date +%s)
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS ($(( $(date +%s) - start )) s so far)" >&2
  run nd "${ND[@]}" gemm 1
  run torch "${PEERS[@]}" torch-gemm 1
  run nd "${ND[@]}" steps 1 all native 0.1
  run torch "${PEERS[@]}" torch-steps 1 all 0.1
  run ort "${PEERS[@]}" onnx 1
  run nd "${ND[@]}" steps 1 classifier,minilm-train,seq2seq native 0
  run torch "${PEERS[@]}" torch-steps 1 classifier,minilm-train,seq2seq 0
  if [ "$AVX512" = 1 ]; then
    run nd-avx2 env DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 "${ND[@]}" steps 1 all native 0.1
    run torch-avx2 env ATEN_CPU_CAPABILITY=avx2 "${PEERS[@]}" torch-steps 1 all 0.1
    run torch-avx2 env ATEN_CPU_CAPABILITY=avx2 "${PEERS[@]}" torch-gemm 1
  fi
done
echo "rounds done in $(( $(date +%s) - start )) s" >&2

python3 bench/summarize-cpu.py "$RAW" "$HEADER" > "$OUT/tables.md"
cat "$OUT/tables.md"
echo "tables: $OUT/tables.md" >&2
