#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Localise a parity difference between lotse and llama.cpp, tensor by tensor.

    parity_localise.py --lotse-build DIR MODEL.gguf [--tokens 1,2,3]
                       [--flash-attn on|off] [--round-act]

Builds refdump/lotsedump (build-refdump.sh), runs llama.cpp's graph on the
prompt with every intermediate dumped (refdump) and lotse's forward pass
with every matmul's input and output recorded (lotsedump --forward), and
prints per tensor the largest difference relative to the tensor's largest
value ("fwd" columns: each engine on its own activations; the first line
above ~1e-5 is where the engines part). "iso" runs lotse's kernel on
llama.cpp's own input for that matmul: near 1e-7 means the matmul (weights,
activation quantisation, dot product) is the same to float rounding.
Last line: the first step's top-5 log-probability difference.
--round-act simulates rounding the activations of F16/BF16 weights to the
weight's type (LOTSEDUMP_ROUND_ACT=1), as ggml does. Scratch: $LOTSE_TEST_TMP
or /tmp. Tokens default to the byte ids of a German sentence (llama "bytes"
vocabularies); pass --tokens for others.
"""
import argparse, array, json, math, os, shutil, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def rd(p):
    a = array.array('f')
    with open(p, 'rb') as f:
        a.frombytes(f.read())
    return a


def rel(y, r):
    k = min(len(y), len(r))
    y, r = y[len(y) - k:], r[len(r) - k:]
    mx = max(abs(v) for v in r) or 1.0
    return max(abs(a - b) for a, b in zip(y, r)) / mx


def top(x, k):
    m = max(x)
    lse = m + math.log(sum(math.exp(v - m) for v in x))
    return [(i, x[i] - lse) for i in sorted(range(len(x)), key=lambda i: -x[i])[:k]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lotse-build", required=True)
    ap.add_argument("model")
    ap.add_argument("--tokens", default=",".join(str(b) for b in
                    "Der Landkreis informiert: Die Zulassungsstelle ist am 24. Dezember geschlossen.".encode()))
    ap.add_argument("--flash-attn", default="on")
    ap.add_argument("--round-act", action="store_true")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(dir=os.environ.get("LOTSE_TEST_TMP"))
    bins = subprocess.run([os.path.join(HERE, "build-refdump.sh"), "--lotse-build", a.lotse_build,
                           "--out", tmp], check=True, capture_output=True, text=True).stdout.split()[-1]
    rdir, ldir = os.path.join(tmp, "ref"), os.path.join(tmp, "lotse")
    os.mkdir(rdir); os.mkdir(ldir)
    subprocess.run([os.path.join(bins, "refdump"), a.model, "--tokens", a.tokens, "--out", rdir,
                    "--flash-attn", a.flash_attn], check=True)
    env = dict(os.environ, LOTSEDUMP_ROUND_ACT="1" if a.round_act else "0")
    subprocess.run([os.path.join(bins, "lotsedump"), "--forward", a.model, a.tokens, ldir], check=True, env=env)
    idx = [l.split("\t") for l in open(os.path.join(rdir, "index.tsv")).read().splitlines()]
    first, last = {}, {}
    for r in idx:
        first.setdefault((r[1], r[2]), r)
        last[r[1]] = r  # e.g. kqv_out is a CONT without flash attention

    def ref(name, op):
        r = first.get((name, op)) or last.get(name)
        if not r:
            return None, 0
        safe = r[1].replace(" ", "_").replace("(", "_").replace(")", "_")
        return rd(os.path.join(rdir, "%s-%s.f32" % (r[0], safe))), int(r[3])

    outw = "output.weight" if os.path.exists(os.path.join(ldir, "out-output.weight.f32")) else "token_embd.weight"
    rows, l = [], 0
    while ("attn_norm-%d" % l, "MUL") in first:
        b = "blk.%d." % l
        rows += [("attn_norm-%d" % l, "MUL", "in", b + "attn_q.weight", None),
                 ("Qcur-%d" % l, "MUL_MAT", "out", b + "attn_q.weight", "attn_norm-%d" % l),
                 ("Kcur-%d" % l, "MUL_MAT", "out", b + "attn_k.weight", "attn_norm-%d" % l),
                 ("Vcur-%d" % l, "MUL_MAT", "out", b + "attn_v.weight", "attn_norm-%d" % l),
                 ("kqv_out-%d" % l, "RESHAPE", "in", b + "attn_output.weight", None),
                 ("attn_out-%d" % l, "MUL_MAT", "out", b + "attn_output.weight", "kqv_out-%d" % l),
                 ("ffn_norm-%d" % l, "MUL", "in", b + "ffn_gate.weight", None),
                 ("ffn_gate-%d" % l, "MUL_MAT", "out", b + "ffn_gate.weight", "ffn_norm-%d" % l),
                 ("ffn_up-%d" % l, "MUL_MAT", "out", b + "ffn_up.weight", "ffn_norm-%d" % l),
                 ("ffn_swiglu-%d" % l, "SWIGLU", "in", b + "ffn_down.weight", None),
                 ("ffn_out-%d" % l, "MUL_MAT", "out", b + "ffn_down.weight", "ffn_swiglu-%d" % l)]
        l += 1
    rows += [("result_norm", "MUL", "in", outw, None), ("result_output", "MUL_MAT", "out", outw, "result_norm")]
    srcop = {"kqv_out": "RESHAPE", "ffn_swiglu": "SWIGLU"}
    table = []
    if not a.json:
        print("%-14s %-9s %12s %12s" % ("tensor", "op", "fwd rel", "iso rel"))
    for name, op, kind, w, src in rows:
        r, n0 = ref(name, op)
        p = os.path.join(ldir, "%s-%s.f32" % (kind, w))
        if r is None or not os.path.exists(p):
            continue
        iso, iso_v = "", None
        if src:
            x, _ = ref(src, srcop.get(src.rsplit("-", 1)[0], "MUL"))
            xin, yout = os.path.join(tmp, "x.f32"), os.path.join(tmp, "y.f32")
            k = (len(x) // (len(r) // n0)) * (len(r) // n0)
            with open(xin, "wb") as f:
                f.write(x[len(x) - k:].tobytes())
            subprocess.run([os.path.join(bins, "lotsedump"), a.model, w, xin, yout], check=True, env=env)
            iso_v = rel(rd(yout), r)
            iso = "%12.3g" % iso_v
        table.append({"tensor": name, "weight": w, "fwd": rel(rd(p), r), "iso": iso_v})
        if not a.json:
            print("%-14s %-9s %12.3g %s" % (name, op, table[-1]["fwd"], iso))
    r, n0 = ref("result_output", "MUL_MAT")
    y = rd(os.path.join(ldir, "out-%s.f32" % outw))
    ty = dict(top(y[len(y) - n0:], 50))
    tr = top(r[len(r) - n0:], 5)
    worst = max(abs(ty.get(i, -99) - v) for i, v in tr)
    if a.json:
        print(json.dumps({"tensors": table, "top5_max_delta": worst}))
    else:
        print("first-step top-5 max |delta logprob| = %.4f" % worst)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
