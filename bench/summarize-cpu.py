#!/usr/bin/env python3
"""Turns bench/run-cpu.sh's raw.tsv (round, label, name, value) into the markdown tables of bench/RESULTS.md.

Labels: nd (NativeDsp at the CPU's widest vectors; GEMM rows carry the width after '@'), nd-avx2 (NativeDsp with
AVX-512 disabled), torch / torch-avx2 (libtorch, TorchSharp-cpu 0.107), ort (ONNX Runtime). Every figure is the
median over rounds of that round's figure; "speed-up" is peer time / NativeDsp time (> 1: NativeDsp is faster).
"""
import statistics
import sys
from collections import defaultdict

raw, header = sys.argv[1], sys.argv[2]
values = defaultdict(list)
for line in open(raw):
    parts = line.rstrip("\n").split("\t")
    if len(parts) == 4:
        values[(parts[1], parts[2])].append(float(parts[3]))
med = {key: statistics.median(v) for key, v in values.items()}
rounds = max((len(v) for v in values.values()), default=0)


def get(label, name):
    return med.get((label, name))


def fmt(x, digits=1):
    return "-" if x is None else f"{x:.{digits}f}"


def ratio(peer, ours):
    return "-" if peer is None or ours is None else f"{peer / ours:.2f}"


print("**Machine and run.**")
print()
for line in open(header):
    print(f"- {line.strip()}")
print(f"- medians over {rounds} alternated rounds; command: `bench/run-cpu.sh`")
print()

# GEMM
shapes = []
for (label, name) in med:
    if label == "nd" and name.startswith("gemm:"):
        shape, width = name[5:].rsplit("@", 1)
        if shape not in shapes:
            shapes.append(shape)
widths = sorted({int(n.rsplit("@", 1)[1]) for (l, n) in med if l == "nd" and n.startswith("gemm:")}, reverse=True)
peaks = {w: get("nd", f"peak-gflops@{w}") for w in widths}
print("### GEMM (float32, 2 threads): time, GFLOP/s, % of the same-run FMA peak of that width; speed-up = libtorch / NativeDsp")
print()
cols = " | ".join(f"{w}-bit ms | GFLOP/s | % peak" for w in widths)
torch_cols = "libtorch ms | speed-up (widest)" + (" | libtorch AVX2 ms | speed-up (256-bit)" if 256 in widths and any(l == "torch-avx2" for (l, _) in med) else "")
print(f"| product | {cols} | {torch_cols} |")
print("|---|" + "---:|" * (3 * len(widths) + torch_cols.count("|") + 1))
for shape in shapes:
    m, n, k = 0, 0, 0
    dims = [tok for tok in shape.split() if "x" in tok and tok.replace("x", "").isdigit()]
    if dims:
        m, n, k = (int(v) for v in dims[0].split("x"))
    else:  # "square N"
        m = n = k = int(shape.split()[-1])
    flops = 2.0 * m * n * k
    cells = []
    for w in widths:
        ms = get("nd", f"gemm:{shape}@{w}")
        gflops = None if ms is None else flops / ms / 1e6
        pct = None if gflops is None or not peaks.get(w) else 100 * gflops / peaks[w]
        cells.append(f"{fmt(ms, 3)} | {fmt(gflops)} | {fmt(pct, 0)}")
    torch_ms = get("torch", f"gemm:{shape}")
    row = f"| {shape} | {' | '.join(cells)} | {fmt(torch_ms, 3)} | {ratio(torch_ms, get('nd', f'gemm:{shape}@{widths[0]}'))}"
    if "libtorch AVX2" in torch_cols:
        t2 = get("torch-avx2", f"gemm:{shape}")
        row += f" | {fmt(t2, 3)} | {ratio(t2, get('nd', f'gemm:{shape}@256'))}"
    print(row + " |")
peak_cells = [c for w in widths for c in ("", fmt(peaks[w]), "")] + [""] * (4 if "libtorch AVX2" in torch_cols else 2)
print(f"| FMA peak, GFLOP/s (GFLOP/s column) | {' | '.join(peak_cells)} |")
print()

# Steps
names = ["classifier", "minilm-train", "minilm-mask", "minilm-infer", "minilm-infer-pruned", "seq2seq"]
kinds = [("nd", "torch", "widest vectors")]
if any(l == "nd-avx2" for (l, _) in med):
    kinds.append(("nd-avx2", "torch-avx2", "AVX2 (AVX-512 disabled on both sides)"))
for nd, torch, what in kinds:
    print(f"### Steps, {what}: median ms per step; speed-up = peer / NativeDsp")
    print()
    print("| workload | dropout | NativeDsp ms | libtorch ms | speed-up vs libtorch | ONNX Runtime ms | speed-up vs ONNX Runtime |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in names:
        for d in ["0.1", "0"]:
            ours = get(nd, f"{name}@d{d}")
            if ours is None:
                continue
            peer = get(torch, f"{name}@d{d}")
            ort = get("ort", "minilm-infer@d0") if name.startswith("minilm-infer") and nd == "nd" else None
            shown_d = "-" if name.startswith("minilm-infer") or name == "minilm-mask" else d
            print(f"| {name} | {shown_d} | {fmt(ours)} | {fmt(peer)} | {ratio(peer, ours)} | {fmt(ort)} | {ratio(ort, ours)} |")
    mask, train = get(nd, "minilm-mask@d0.1"), get(nd, "minilm-train@d0.1")
    full, pruned = get(nd, "minilm-infer@d0.1"), get(nd, "minilm-infer-pruned@d0.1")
    print()
    if mask and train:
        print(f"- frozen-model mask step / training step (MiniLM, NativeDsp): {mask / train:.2f} (target <= 0.6)")
    if full and pruned:
        print(f"- MiniLM inference, 54 of 72 heads removed / all heads (NativeDsp): {pruned / full:.2f}")
    print()
print("ONNX Runtime runs the all-MiniLM-L6-v2 graph with all heads (it has no pruned variant); the pruned row's")
print("speed-up compares NativeDsp's pruned model with it. minilm-infer-pruned has no libtorch version.")
