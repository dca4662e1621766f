#!/usr/bin/env python3
"""PyTorch peers of the NativeDsp GPU check (issue 18), run by run.sh on the GPU machine.

Reads the cases NativeDsp.GpuCheck timed (ours.json: key, kind, params) and times the same cases in PyTorch,
fp32 with TF32 off, CUDA-synchronised wall clock, warm-up excluded, median:
  gemm       torch.matmul of n x n matrices (TF32 on only for our TF32 tensor-core case)
  bmm        torch.bmm of [batch, m, k] by [batch, n, k] transposed (Q K^T per head), fp32, TF32 off
  wgrad      dW.addmm_(dY^T, X): a weight gradient accumulated in place, fp32, TF32 off
  attention  scaled_dot_product_attention with the same key padding mask (odd batch items keep the first
             3T/4 keys) times the same head gate, forward + backward (dQ, dK, dV, dGate)
  softtopk   the Gumbel-soft-top-K relaxation of DSP (Xie & Ermon 2019) written in torch, float64 like ours,
             forward + autograd backward
  adam       torch.optim.AdamW(fused=True) over the tensors of the BERT step's model (the same lengths as
             Benchmarks.BertTensorLengths), one step; with params["clip"], torch.nn.utils.clip_grad_norm_
             (max norm 1, foreach) before it
  bert_step  a BERT-shaped post-norm classifier with the DSP head mask, forward + backward + AdamW, one
             loss.item() per step
Without torch (or without a CUDA device) it writes every case as skipped, says why, and exits 0, so that the
dry run works on machines without PyTorch. Writes peers.json atomically.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time


def write_json(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2)
    os.replace(tmp, path)


def median_ms(torch, fn, warmup, repeats, cap_seconds):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    start = time.perf_counter()
    while len(times) < repeats and (not times or time.perf_counter() - start < cap_seconds):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), len(times)


def padding_mask(torch, b, t, device):
    """True = may attend; the rule of Benchmarks.PaddingMask in the C# app."""
    keep = torch.full((b,), t, dtype=torch.long)
    keep[1::2] = max(1, 3 * t // 4)
    return (torch.arange(t).view(1, t) < keep.view(b, 1)).view(b, 1, 1, t).to(device)


def gate_values(torch, h, device):
    return torch.tensor([0.5 + 0.5 * (i % 3) / 2.0 for i in range(h)], dtype=torch.float32, device=device)


def soft_top_k(torch, w, g, k, tau):
    """mask = sum_j p_j, p_1 = softmax(r / tau), r += log(max(1 - p, eps)) between iterations (r = w + g)."""
    eps = torch.finfo(w.dtype).tiny
    r = w + g
    p = torch.softmax(r / tau, dim=0)
    mask = p
    for _ in range(k - 1):
        r = r + torch.log(torch.clamp(1 - p, min=eps))
        p = torch.softmax(r / tau, dim=0)
        mask = mask + p
    return mask


def time_gemm(torch, p, timing):
    n = int(p["n"])
    a = torch.randn(n, n, device="cuda")
    b = torch.randn(n, n, device="cuda")
    c = torch.empty(n, n, device="cuda")
    tf32 = bool(p.get("tf32"))  # our TF32 tensor-core case: compare with torch's TF32 GEMM, then switch TF32 off again
    torch.backends.cuda.matmul.allow_tf32 = tf32
    try:
        ms, reps = median_ms(torch, lambda: torch.matmul(a, b, out=c), *timing)
    finally:
        torch.backends.cuda.matmul.allow_tf32 = False
    return ms, f"torch.matmul fp32, TF32 {'on' if tf32 else 'off'}, median of {reps}"


def time_bmm(torch, p, timing):
    batch, m, n, k = (int(p[x]) for x in ("batch", "m", "n", "k"))
    a = torch.randn(batch, m, k, device="cuda")
    b = torch.randn(batch, n, k, device="cuda")
    c = torch.empty(batch, m, n, device="cuda")
    bt = b.transpose(1, 2)  # a view, as our MatMul reads B [n, k] in place (transB)
    ms, reps = median_ms(torch, lambda: torch.bmm(a, bt, out=c), *timing)
    return ms, f"torch.bmm fp32 (B transposed view), TF32 off, {batch} items, median of {reps}"


def time_wgrad(torch, p, timing):
    m, n, k = (int(p[x]) for x in ("m", "n", "k"))
    dy = torch.randn(k, m, device="cuda")
    x = torch.randn(k, n, device="cuda")
    dw = torch.zeros(m, n, device="cuda")
    dyt = dy.t()  # a view: our MatMul reads dY [k, m] in place (transA)
    ms, reps = median_ms(torch, lambda: dw.addmm_(dyt, x), *timing)
    return ms, f"torch addmm_ (dW += dY^T X) fp32, TF32 off, median of {reps}"


def time_attention(torch, p, timing):
    import torch.nn.functional as F
    b, h, t, d = (int(p[x]) for x in ("b", "h", "t", "d"))
    q, k, v = (torch.randn(b, h, t, d, device="cuda", requires_grad=True) for _ in range(3))
    gate = gate_values(torch, h, "cuda").requires_grad_()
    mask = padding_mask(torch, b, t, "cuda")
    d_o = torch.randn(b, h, t, d, device="cuda")

    def step():
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=mask) * gate.view(1, h, 1, 1)
        o.backward(d_o)

    ms, reps = median_ms(torch, step, *timing)
    return ms, f"SDPA with the boolean key padding mask, times the head gate, fwd+bwd (dQ dK dV dGate), median of {reps}"


def time_softtopk(torch, p, timing):
    heads, k, tau = int(p["heads"]), int(p["k"]), float(p["tau"])
    w = (torch.rand(heads, dtype=torch.float64, device="cuda") * 2 - 1).requires_grad_()
    u = torch.rand(heads, dtype=torch.float64, device="cuda").clamp_min(1e-20)
    g = -torch.log(-torch.log(u))
    dmask = torch.randn(heads, dtype=torch.float64, device="cuda")

    def step():
        soft_top_k(torch, w, g, k, tau).backward(dmask)

    ms, reps = median_ms(torch, step, *timing)
    return ms, f"the relaxation in torch, float64, {k} softmaxes unrolled through autograd, median of {reps}"


def bert_classes(torch):
    nn = torch.nn
    F = torch.nn.functional

    class Layer(nn.Module):
        def __init__(self, d, h, ffn, dropout):
            super().__init__()
            self.h = h
            self.qkv = nn.Linear(d, 3 * d)
            self.out = nn.Linear(d, d)
            self.ln1 = nn.LayerNorm(d, eps=1e-12)
            self.ff1 = nn.Linear(d, ffn)
            self.ff2 = nn.Linear(ffn, d)
            self.ln2 = nn.LayerNorm(d, eps=1e-12)
            self.drop = nn.Dropout(dropout)

        def forward(self, x, gate):
            b, t, d = x.shape
            q, k, v = self.qkv(x).view(b, t, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4)
            a = F.scaled_dot_product_attention(q, k, v) * gate.view(1, self.h, 1, 1)
            a = a.transpose(1, 2).reshape(b, t, d)
            x = self.ln1(x + self.drop(self.out(a)))
            return self.ln2(x + self.drop(self.ff2(F.gelu(self.ff1(x)))))

    class Classifier(nn.Module):
        def __init__(self, s):
            super().__init__()
            d = int(s["d"])
            self.tok = nn.Embedding(int(s["vocab"]), d)
            self.pos = nn.Embedding(max(512, int(s["length"])), d)
            self.seg = nn.Embedding(2, d)
            self.ln = nn.LayerNorm(d, eps=1e-12)
            self.drop = nn.Dropout(0.1)
            self.layers = nn.ModuleList(Layer(d, int(s["heads"]), int(s["ffn"]), 0.1) for _ in range(int(s["layers"])))
            self.pooler = nn.Linear(d, d)
            self.cls = nn.Linear(d, 3)

        def forward(self, ids, segments, gates):
            t = ids.shape[1]
            x = self.tok(ids) + self.pos(torch.arange(t, device=ids.device)) + self.seg(segments)
            x = self.drop(self.ln(x))
            for layer, gate in zip(self.layers, gates):
                x = layer(x, gate)
            return self.cls(self.drop(torch.tanh(self.pooler(x[:, 0]))))

    return Classifier


def time_bert_step(torch, p, timing):
    F = torch.nn.functional
    layers, heads, batch, length, keep = (int(p[x]) for x in ("layers", "heads", "batch", "length", "keep"))
    model = bert_classes(torch)(p).cuda().train()
    logits = torch.zeros(layers * heads, device="cuda", requires_grad=True)
    opt = torch.optim.AdamW([{"params": model.parameters(), "lr": 1e-4, "weight_decay": 0.01},
                             {"params": [logits], "lr": 0.5, "weight_decay": 0.0}])
    ids = torch.randint(1, int(p["vocab"]), (batch, length), device="cuda")
    segments = (torch.arange(length, device="cuda") >= length // 2).long().expand(batch, length)
    labels = torch.randint(0, 3, (batch,), device="cuda")
    last = [float("nan")]

    def step():
        u = torch.rand(layers * heads, device="cuda").clamp_min(1e-20)
        mask = soft_top_k(torch, logits, -torch.log(-torch.log(u)), keep, 1000.0)
        loss = F.cross_entropy(model(ids, segments, mask.view(layers, heads)), labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        last[0] = loss.item()

    ms, reps = median_ms(torch, step, *timing)
    count = sum(x.numel() for x in model.parameters())
    return ms, f"eager PyTorch, fused QKV, SDPA, AdamW (foreach), {count / 1e6:.1f}M parameters, last loss {last[0]:.4f}, median of {reps}"


def bert_tensor_lengths(p):
    """The rule of Benchmarks.BertTensorLengths in the C# app."""
    layers, d, heads, ffn, vocab = (int(p[x]) for x in ("layers", "d", "heads", "ffn", "vocab"))
    lengths = [vocab * d, 512 * d, 2 * d, d, d]
    for _ in range(layers):
        lengths += [d * d, d] * 4 + [d, d, d * ffn, ffn, ffn * d, d, d, d]
    return lengths + [d * d, d, 3 * d, 3, layers * heads]


def time_adam(torch, p, timing):
    lengths = bert_tensor_lengths(p)
    params = [torch.randn(n, device="cuda", requires_grad=True) for n in lengths]
    for x in params:
        x.grad = torch.randn_like(x)
    opt = torch.optim.AdamW([{"params": params[:-1], "lr": 1e-4, "weight_decay": 0.01},
                             {"params": params[-1:], "lr": 0.5, "weight_decay": 0.0}], fused=True)
    step, what = opt.step, "torch.optim.AdamW(fused=True)"
    if p.get("clip"):
        def step():
            torch.nn.utils.clip_grad_norm_(params, 1.0, foreach=True)
            opt.step()
        what = "clip_grad_norm_(max 1, foreach=True) + " + what
    ms, reps = median_ms(torch, step, *timing)
    return ms, f"{what}, {len(lengths)} tensors, {sum(lengths) / 1e6:.1f}M parameters, median of {reps}"


TIMERS = {"gemm": time_gemm, "bmm": time_bmm, "wgrad": time_wgrad, "attention": time_attention, "softtopk": time_softtopk, "adam": time_adam,
          "bert_step": time_bert_step}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", required=True, help="ours.json written by NativeDsp.GpuCheck time")
    parser.add_argument("--out", required=True, help="peers.json to write")
    args = parser.parse_args()
    try:
        with open(args.ours) as f:
            ours = json.load(f)
        cases = ours["cases"]
    except (OSError, ValueError, KeyError) as e:
        print(f"peers.py: cannot read {args.ours}: {e}", file=sys.stderr)
        return 1

    def skipped(reason):
        print(f"peers.py: skipping every PyTorch peer: {reason}")
        write_json(args.out, {"torch": None, "skipped": reason,
                              "cases": [{"key": c["key"], "ms": None, "note": "skipped: " + reason} for c in cases]})
        return 0

    try:
        import torch
    except Exception as e:  # ImportError, or a broken install
        return skipped(f"torch is not importable here ({type(e).__name__}: {e})")
    if not torch.cuda.is_available():
        return skipped(f"torch {torch.__version__} sees no CUDA device")

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    torch.manual_seed(0)
    timing = (1, 2, 1.0) if ours.get("tiny") else (3, 10, 20.0)
    results = []
    failed = 0
    name = torch.cuda.get_device_name(0)
    for c in cases:
        print(f"torch {c['key']} ...", flush=True)
        try:
            ms, note = TIMERS[c["kind"]](torch, c["params"], timing)
            print(f"  {ms:.4f} ms", flush=True)
            results.append({"key": c["key"], "ms": ms, "note": note})
        except Exception as e:
            failed += 1
            print(f"  FAILED: {type(e).__name__}: {e}", flush=True)
            results.append({"key": c["key"], "ms": None, "note": f"failed: {type(e).__name__}: {e}"})
        torch.cuda.empty_cache()
        # Saved after every case: a run cut off by run.sh's time limit keeps the rows it finished.
        write_json(args.out, {"torch": f"{torch.__version__} on {name}", "skipped": None, "cases": results})
    write_json(args.out, {"torch": f"{torch.__version__} on {name}", "skipped": None, "cases": results})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
