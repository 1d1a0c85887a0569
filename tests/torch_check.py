#!/usr/bin/env python3
"""Cross-check of the C trained models against torch, in float64.

For each of lstm, gru and transformer, tests/torch_dump (built against
hs_nn64) writes parameters, a batch, logits, loss, gradients and parameters
after three AdamW steps; this script loads the same parameters into torch
modules (torch.nn.LSTM / torch.nn.GRU / torch.nn.TransformerEncoderLayer with
a causal mask), repeats the computation with autograd and torch.optim.AdamW,
and requires agreement within 1e-8 (relative, per tensor).

Why 1e-8: both sides compute in double precision; different summation orders
leave differences of order 1e-15 relative. An error in any equation (gate
order, bias, mask, layer-norm epsilon, Adam bias correction) is O(1e-2) or
larger.

usage: torch_check.py PATH/TO/torch_dump
"""
import os
import subprocess
import sys
import tempfile

import torch
import torch.nn.functional as F

TOL = 1e-8


def parse(path):
    rec = {"param": {}, "grad": {}, "after": {}, "order": []}
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            tag = w[0]
            if tag in ("param", "grad", "after"):
                name, rows, cols = w[1], int(w[2]), int(w[3])
                t = torch.tensor([float(x) for x in w[4:]], dtype=torch.float64)
                rec[tag][name] = t.reshape(rows, cols) if rows > 1 else t
                if tag == "param":
                    rec["order"].append(name)
            elif tag == "hparams":
                rec["kind"] = w[1]
                keys = ["vocab", "nout", "hidden", "embed", "d_model", "layers", "heads", "max_t"]
                rec.update({k: int(v) for k, v in zip(keys, w[2:])})
            elif tag == "batch":
                rec["B"], rec["T"], rec["npos"] = map(int, w[1:])
            elif tag in ("pos", "tok", "target"):
                rec[tag] = torch.tensor([int(x) for x in w[1:]], dtype=torch.long)
            elif tag == "loss":
                rec["loss"] = float(w[1])
            elif tag == "logits":
                rec["logits"] = torch.tensor([float(x) for x in w[1:]], dtype=torch.float64)
            elif tag == "adam":
                rec["adam"] = (float(w[1]), float(w[2]), float(w[3]), int(w[4]))
    return rec


class RNN(torch.nn.Module):
    """Embedding, torch.nn.LSTM or torch.nn.GRU, linear read-out."""

    def __init__(self, r):
        super().__init__()
        cell = torch.nn.LSTM if r["kind"] == "lstm" else torch.nn.GRU
        self.emb = torch.nn.Embedding(r["vocab"], r["embed"])
        self.rnn = cell(r["embed"], r["hidden"], batch_first=True)
        self.out = torch.nn.Linear(r["hidden"], r["nout"])
        p = r["param"]
        with torch.no_grad():
            self.emb.weight.copy_(p["emb"])
            self.rnn.weight_ih_l0.copy_(p["w_ih"])
            self.rnn.weight_hh_l0.copy_(p["w_hh"])
            self.rnn.bias_ih_l0.copy_(p["b_ih"])
            self.rnn.bias_hh_l0.copy_(p["b_hh"])
            self.out.weight.copy_(p["w_out"])
            self.out.bias.copy_(p["b_out"])
        # Our tensor names, in the dump's order, for the comparisons.
        self.named = {"emb": self.emb.weight, "w_ih": self.rnn.weight_ih_l0,
                      "w_hh": self.rnn.weight_hh_l0, "b_ih": self.rnn.bias_ih_l0,
                      "b_hh": self.rnn.bias_hh_l0, "w_out": self.out.weight,
                      "b_out": self.out.bias}

    def forward(self, tok, pos):
        h, _ = self.rnn(self.emb(tok))
        return self.out(h[:, pos, :])


class GPT(torch.nn.Module):
    """Token and position embeddings, pre-norm torch.nn.TransformerEncoderLayer
    blocks with a causal mask, final layer norm, read-out."""

    def __init__(self, r):
        super().__init__()
        C, L = r["d_model"], r["layers"]
        self.wte = torch.nn.Embedding(r["vocab"], C)
        self.wpe = torch.nn.Embedding(r["max_t"], C)
        self.blocks = torch.nn.ModuleList([
            torch.nn.TransformerEncoderLayer(C, r["heads"], dim_feedforward=4 * C, dropout=0.0,
                                             activation="gelu", layer_norm_eps=1e-5,
                                             batch_first=True, norm_first=True)
            for _ in range(L)])
        self.lnf = torch.nn.LayerNorm(C, eps=1e-5)
        self.out = torch.nn.Linear(C, r["nout"])
        self.named = {"wte": self.wte.weight, "wpe": self.wpe.weight}
        for l, b in enumerate(self.blocks):
            self.named.update({
                f"l{l}.ln1w": b.norm1.weight, f"l{l}.ln1b": b.norm1.bias,
                f"l{l}.qkvw": b.self_attn.in_proj_weight, f"l{l}.qkvb": b.self_attn.in_proj_bias,
                f"l{l}.projw": b.self_attn.out_proj.weight, f"l{l}.projb": b.self_attn.out_proj.bias,
                f"l{l}.ln2w": b.norm2.weight, f"l{l}.ln2b": b.norm2.bias,
                f"l{l}.fcw": b.linear1.weight, f"l{l}.fcb": b.linear1.bias,
                f"l{l}.fcprojw": b.linear2.weight, f"l{l}.fcprojb": b.linear2.bias})
        self.named.update({"lnfw": self.lnf.weight, "lnfb": self.lnf.bias,
                           "w_out": self.out.weight, "b_out": self.out.bias})
        with torch.no_grad():
            for name, t in self.named.items():
                t.copy_(r["param"][name].reshape(t.shape))

    def forward(self, tok, pos):
        T = tok.shape[1]
        x = self.wte(tok) + self.wpe(torch.arange(T))
        mask = torch.triu(torch.full((T, T), float("-inf"), dtype=torch.float64), diagonal=1)
        for b in self.blocks:
            x = b(x, src_mask=mask)
        return self.out(self.lnf(x[:, pos, :]))


def relerr(a, b):
    a, b = a.reshape(-1), b.reshape(-1)
    den = max(a.norm().item(), b.norm().item())
    return (a - b).norm().item() / den if den > 0 else 0.0


def check(dump, kind, tmp):
    path = os.path.join(tmp, kind + ".txt")
    subprocess.run([dump, kind, path], check=True)
    r = parse(path)
    torch.manual_seed(0)
    model = (GPT if kind == "transformer" else RNN)(r).double()
    assert sorted(model.named) == sorted(r["order"]), "tensor names differ"
    B, T = r["B"], r["T"]
    tok = r["tok"].reshape(B, T)
    target = r["target"]

    def loss_fn():
        logits = model(tok, r["pos"]).reshape(-1, r["nout"])
        return logits, F.cross_entropy(logits, target)

    failures = []

    def expect(what, a, b):
        e = relerr(a, b)
        status = "ok" if e < TOL else "FAIL"
        print(f"  {kind:12s} {what:18s} relerr {e:.2e} {status}")
        if e >= TOL:
            failures.append(f"{kind} {what}")

    logits, loss = loss_fn()
    expect("logits", logits.detach(), r["logits"])
    expect("loss", loss.detach().reshape(1), torch.tensor([r["loss"]], dtype=torch.float64))
    model.zero_grad()
    loss.backward()
    for name in r["order"]:
        expect("grad " + name, model.named[name].grad, r["grad"][name])

    lr, wd, clip, steps = r["adam"]
    opt = torch.optim.AdamW(list(model.named.values()), lr=lr, betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=wd)
    for _ in range(steps):
        opt.zero_grad()
        _, loss = loss_fn()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(model.named.values()), clip)
        opt.step()
    for name in r["order"]:
        expect("adamw " + name, model.named[name].detach(), r["after"][name])
    return failures


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: torch_check.py PATH/TO/torch_dump")
    torch.set_default_dtype(torch.float64)
    print(f"torch {torch.__version__}: comparing C models (double) with torch (float64), "
          f"tolerance {TOL:g}")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("lstm", "gru", "transformer"):
            failures += check(sys.argv[1], kind, tmp)
    if failures:
        print("FAILED: " + ", ".join(failures))
        sys.exit(1)
    print("torch cross-check passed")


if __name__ == "__main__":
    main()
