#!/usr/bin/env bash
# The nativedsp .NET tool from a locally packed nupkg: packs experiments/ (PackAsTool), installs the package into a
# temporary tool path with `dotnet tool install --add-source`, and runs the installed tool from outside the
# repository (so the data must come from the package): --help, `data stats nli` and one tiny MT run on the bundled
# corpus. A CI step after the tests (.ci/run), not an xunit test: the package is ~170 MB (MiniLM's 87 MB DLL and
# SkiaSharp's natives for every platform) and packing it takes minutes on a 2-core machine.
# NATIVEDSP_PACK_NO_BUILD=1 packs what the tests' Release build left in experiments/bin instead of rebuilding.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
project="$repo/experiments/NativeDsp.Experiments.csproj"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$project")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unset NATIVEDSP_DATA

dotnet pack "$project" -c Release -o "$work/feed" ${NATIVEDSP_PACK_NO_BUILD:+--no-build}
dotnet tool install nativedsp --version "$version" --tool-path "$work/tools" --add-source "$work/feed"

cd "$work"
tool="$work/tools/nativedsp"
"$tool" --help | grep -q "nativedsp \[command\]"
"$tool" --version
"$tool" data stats nli | tail -n 2
"$tool" mt --method dsp --heads 2 --out "$work/out" --device host --layers 1 --decoder_layers 1 --attn_heads 2 \
  --d_model 16 --ffn 16 --steps 2 --train_examples 64 --eval_examples 4 --decode_max_len 6
test -s "$work/out/results.csv"
echo "tool install from $(ls "$work/feed"): OK"
