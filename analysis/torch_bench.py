#!/usr/bin/env python3
"""PyTorch reference for `hypersep bench baselines`: the same models, shapes
and protocol, so the two CSVs compare row by row.

Protocol (as cli/cmd_nnbench.c): float32, one thread, vocabulary V, batch B
of sequences of T uniform random tokens, every position read out to 2 logits
with uniform random targets, mean cross-entropy, backward, gradient clipping
(norm 1) and AdamW; one warm-up step, then R repeats of as many steps as fit
in --seconds; tokens/s = steps B T / elapsed. Models: Embedding + nn.LSTM /
nn.GRU (embedding width = hidden) + Linear; Transformer = token and position
embeddings + L pre-norm nn.TransformerEncoderLayer (4 d_model GELU MLP,
causal mask) + LayerNorm + Linear.

Run with Debian's torch and one thread:
  OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
      /usr/bin/python3 analysis/torch_bench.py > torch.csv
"""
import argparse
import socket
import statistics
import time

import torch
import torch.nn.functional as F


class RNN(torch.nn.Module):
    def __init__(self, kind, V, h):
        super().__init__()
        self.emb = torch.nn.Embedding(V, h)
        self.rnn = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(h, h, batch_first=True)
        self.out = torch.nn.Linear(h, 2)

    def forward(self, tok):
        return self.out(self.rnn(self.emb(tok))[0])


class GPT(torch.nn.Module):
    def __init__(self, V, T, C, L, heads):
        super().__init__()
        self.wte = torch.nn.Embedding(V, C)
        self.wpe = torch.nn.Embedding(T, C)
        self.blocks = torch.nn.ModuleList([
            torch.nn.TransformerEncoderLayer(C, heads, 4 * C, dropout=0.0, activation="gelu",
                                             batch_first=True, norm_first=True)
            for _ in range(L)])
        self.lnf = torch.nn.LayerNorm(C)
        self.out = torch.nn.Linear(C, 2)
        self.register_buffer("mask", torch.triu(torch.full((T, T), float("-inf")), diagonal=1))

    def forward(self, tok):
        x = self.wte(tok) + self.wpe(torch.arange(tok.shape[1]))
        for b in self.blocks:
            x = b(x, src_mask=self.mask)
        return self.out(self.lnf(x))


def run(model, B, T, V, repeats, seconds):
    g = torch.Generator().manual_seed(1)
    tok = torch.randint(0, V, (B, T), generator=g)
    target = torch.randint(0, 2, (B * T,), generator=g)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(tok).reshape(-1, 2), target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step()
    rates = []
    for _ in range(repeats):
        steps, t0 = 0, time.perf_counter()
        while True:
            step()
            steps += 1
            el = time.perf_counter() - t0
            if el >= seconds:
                break
        rates.append(steps * B * T / el)
    return statistics.median(rates), min(rates), max(rates)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="lstm,gru,transformer")
    ap.add_argument("--hidden", default="64,256,1024")
    ap.add_argument("--d-model", default="64,256")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--seq", type=int, default=60)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--vocab", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=1.0)
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    print("model,hidden,d_model,layers,heads,batch,seq,vocab,params,threads,repeats,"
          "median_tokens_per_s,min_tokens_per_s,max_tokens_per_s,precision,version,git_rev,host")
    for kind in a.models.split(","):
        sizes = a.d_model if kind == "transformer" else a.hidden
        for s in map(int, sizes.split(",")):
            if kind == "transformer":
                model = GPT(a.vocab, a.seq, s, a.layers, a.heads)
                shape = (0, s, a.layers, a.heads)
            else:
                model = RNN(kind, a.vocab, s)
                shape = (s, 0, 1, 0)
            params = sum(p.numel() for p in model.parameters())
            med, lo, hi = run(model, a.batch, a.seq, a.vocab, a.repeats, a.seconds)
            print(f"{kind},{shape[0]},{shape[1]},{shape[2]},{shape[3]},{a.batch},{a.seq},{a.vocab},"
                  f"{params},{torch.get_num_threads()},{a.repeats},{med:.1f},{lo:.1f},{hi:.1f},"
                  f"float,torch-{torch.__version__},,{socket.gethostname().split('.')[0]}",
                  flush=True)


if __name__ == "__main__":
    main()
