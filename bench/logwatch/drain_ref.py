#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Reference Drain in Python, the baseline lotse's C template miner is measured against.

This is a port, written for lotse, of the Drain log parser as implemented in
logpai/logparser (logparser/Drain/Drain.py, LOGPAI, Apache-2.0) and of that
project's evaluation (logparser/utils/evaluator.py). It follows the same
algorithm and the same data path so that its speed and accuracy stand for
"Python Drain" as published (He et al., ICWS 2017; loghub benchmark):

  * the log-format string ("<Date> <Time> <Level> <Component>: <Content>") is
    turned into one anchored regex with a lazy named group per field and runs
    of spaces as \\s+; every line (stripped) is matched with regex.search;
    lines that do not match are skipped with a warning; the fields go into a
    pandas DataFrame with a LineId column counted from 1 over kept lines;
  * rows are visited with DataFrame.iterrows(); the Content is preprocessed by
    replacing each mask regex (in order) with "<*>", stripped and split on
    whitespace;
  * fixed-depth prefix tree: first level keyed by token count, then up to
    depth-2 levels keyed by the leading tokens (tokens with a digit go to the
    "<*>" child; maxChild bounds the fan-out), leaves hold cluster lists;
  * fastMatch picks the cluster with the highest seqDist similarity (share of
    equal tokens over the length; "<*>" positions counted as parameters and
    used to break ties), accepted when similarity >= st; the template becomes
    "<*>" where the new message differs; otherwise a new cluster is added;
  * output: the DataFrame gets EventId (first 8 hex digits of MD5 of the
    template) and EventTemplate columns (and ParameterList unless --no-para)
    and is written with DataFrame.to_csv; a templates CSV likewise.

The port uses Python's re module (logparser imports the third-party `regex`
module with the same syntax for these patterns). Differences from the
original are limited to the command line, progress output, and the
evaluation mode (--eval), which runs the ten loghub 2k systems with the
settings of reference/drain-settings.json and computes grouping accuracy (GA)
exactly as logparser's evaluator does, plus parsing accuracy (PA, exact
template match) against the corrected ground truth.

Usage:
  drain_ref.py --format FMT [--mask REGEX]... [--st X] [--depth N]
               [--max-child N] [--no-para] FILE --out CSV [--templates CSV]
  drain_ref.py --eval LOGHUB_DIR [--min-ga-match]

Needs pandas (Debian: python3-pandas).
"""

import argparse
import hashlib
import json
import math
import os
import re
import sys
import time

import pandas as pd


class Cluster:
    """A log group: its current template tokens and the LineIds it holds."""

    def __init__(self, template, line_ids):
        self.template = template
        self.line_ids = line_ids


class TreeNode:
    """Prefix-tree node; children is a dict, or a list of clusters at a leaf."""

    def __init__(self, depth=0, key=None):
        self.children = {}
        self.depth = depth
        self.key = key


def has_digit(token):
    return any(ch.isdigit() for ch in token)


class Drain:
    def __init__(self, log_format, masks=(), depth=4, st=0.4, max_child=100,
                 keep_para=True):
        self.log_format = log_format
        self.masks = list(masks)
        self.depth = depth - 2          # levels of token nodes, as in logparser
        self.st = st
        self.max_child = max_child
        self.keep_para = keep_para
        self.df_log = None
        self.skipped = 0

    # ---- tree search -------------------------------------------------------
    def tree_search(self, root, seq):
        n = len(seq)
        if n not in root.children:
            return None
        node = root.children[n]
        level = 1
        for tok in seq:
            if level >= self.depth or level > n:
                break
            if tok in node.children:
                node = node.children[tok]
            elif "<*>" in node.children:
                node = node.children["<*>"]
            else:
                return None
            level += 1
        return self.fast_match(node.children, seq)

    def add_to_tree(self, root, cluster):
        n = len(cluster.template)
        if n not in root.children:
            root.children[n] = TreeNode(depth=1, key=n)
        node = root.children[n]
        level = 1
        for tok in cluster.template:
            if level >= self.depth or level > n:
                # leaf: the node's children become (or extend) a cluster list
                if len(node.children) == 0:
                    node.children = [cluster]
                else:
                    node.children.append(cluster)
                break
            if tok in node.children:
                node = node.children[tok]
            elif has_digit(tok):
                if "<*>" not in node.children:
                    node.children["<*>"] = TreeNode(level + 1, "<*>")
                node = node.children["<*>"]
            elif "<*>" in node.children:
                if len(node.children) < self.max_child:
                    node.children[tok] = TreeNode(level + 1, tok)
                    node = node.children[tok]
                else:
                    node = node.children["<*>"]
            elif len(node.children) + 1 < self.max_child:
                node.children[tok] = TreeNode(level + 1, tok)
                node = node.children[tok]
            elif len(node.children) + 1 == self.max_child:
                node.children["<*>"] = TreeNode(level + 1, "<*>")
                node = node.children["<*>"]
            else:
                node = node.children["<*>"]
            level += 1

    # ---- similarity --------------------------------------------------------
    @staticmethod
    def seq_dist(template, seq):
        assert len(template) == len(seq)
        same = 0
        params = 0
        for t, s in zip(template, seq):
            if t == "<*>":
                params += 1
                continue
            if t == s:
                same += 1
        return float(same) / len(template), params

    def fast_match(self, clusters, seq):
        best_sim = -1
        best_params = -1
        best = None
        for c in clusters:
            sim, params = self.seq_dist(c.template, seq)
            if sim > best_sim or (sim == best_sim and params > best_params):
                best_sim, best_params, best = sim, params, c
        return best if best_sim >= self.st else None

    @staticmethod
    def merge_template(seq, template):
        assert len(seq) == len(template)
        return [a if a == b else "<*>" for a, b in zip(seq, template)]

    # ---- data path ---------------------------------------------------------
    def format_regex(self):
        headers = []
        parts = re.split(r"(<[^<>]+>)", self.log_format)
        rx = ""
        for k, part in enumerate(parts):
            if k % 2 == 0:
                rx += re.sub(" +", "\\\\s+", part)
            else:
                h = part.strip("<").strip(">")
                rx += "(?P<%s>.*?)" % h
                headers.append(h)
        return headers, re.compile("^" + rx + "$")

    def load(self, path):
        headers, rx = self.format_regex()
        rows = []
        with open(path, "r", encoding="utf-8", errors="surrogateescape") as fin:
            for line in fin.readlines():
                m = rx.search(line.strip())
                if m is None:
                    self.skipped += 1
                    print("[Warning] Skip line: " + line.rstrip("\n"), file=sys.stderr)
                    continue
                rows.append([m.group(h) for h in headers])
        df = pd.DataFrame(rows, columns=headers)
        df.insert(0, "LineId", None)
        df["LineId"] = [i + 1 for i in range(len(rows))]
        self.df_log = df

    def preprocess(self, content):
        for rx in self.masks:
            content = re.sub(rx, "<*>", content)
        return content

    def parse(self, path):
        self.load(path)
        root = TreeNode()
        clusters = []
        for _, row in self.df_log.iterrows():
            line_id = row["LineId"]
            seq = self.preprocess(row["Content"]).strip().split()
            match = self.tree_search(root, seq)
            if match is None:
                c = Cluster(seq, [line_id])
                clusters.append(c)
                self.add_to_tree(root, c)
            else:
                merged = self.merge_template(seq, match.template)
                match.line_ids.append(line_id)
                if " ".join(merged) != " ".join(match.template):
                    match.template = merged
        return clusters

    @staticmethod
    def parameter_list(row):
        rx = re.sub(r"<.{1,5}>", "<*>", row["EventTemplate"])
        if "<*>" not in rx:
            return []
        rx = re.sub(r"([^A-Za-z0-9])", r"\\\1", rx)
        rx = re.sub(r"\\ +", r"\\s+", rx)
        rx = "^" + rx.replace(r"\<\*\>", "(.*?)") + "$"
        found = re.findall(rx, row["Content"])
        found = found[0] if found else ()
        return list(found) if isinstance(found, tuple) else [found]

    def write(self, clusters, out_csv, templates_csv=None):
        n = self.df_log.shape[0]
        tmpl = [0] * n
        ids = [0] * n
        for c in clusters:
            text = " ".join(c.template)
            eid = hashlib.md5(text.encode("utf-8", "surrogateescape")).hexdigest()[0:8]
            for lid in c.line_ids:
                tmpl[lid - 1] = text
                ids[lid - 1] = eid
        self.df_log["EventId"] = ids
        self.df_log["EventTemplate"] = tmpl
        if self.keep_para:
            self.df_log["ParameterList"] = self.df_log.apply(self.parameter_list, axis=1)
        self.df_log.to_csv(out_csv, index=False, errors="surrogateescape")
        if templates_csv:
            occ = dict(self.df_log["EventTemplate"].value_counts())
            ev = pd.DataFrame()
            ev["EventTemplate"] = self.df_log["EventTemplate"].unique()
            ev["EventId"] = ev["EventTemplate"].map(
                lambda x: hashlib.md5(x.encode("utf-8", "surrogateescape")).hexdigest()[0:8])
            ev["Occurrences"] = ev["EventTemplate"].map(occ)
            ev.to_csv(templates_csv, index=False, errors="surrogateescape",
                      columns=["EventId", "EventTemplate", "Occurrences"])


# ---- evaluation (as logparser/utils/evaluator.py) ----------------------------
def grouping_accuracy(truth, parsed):
    """GA: share of lines whose parsed group equals exactly one truth group."""
    ok = 0
    for _, idx in parsed.groupby(parsed).groups.items():
        tvals = truth[idx].value_counts()
        if tvals.size == 1:
            t = tvals.index[0]
            if idx.size == (truth == t).sum():
                ok += idx.size
    return ok / truth.size


def pair_f1(truth, parsed):
    def pairs(counts):
        return sum(math.comb(c, 2) for c in counts if c > 1)
    real = pairs(truth.value_counts())
    got = pairs(parsed.value_counts())
    acc = 0
    for _, idx in parsed.groupby(parsed).groups.items():
        acc += pairs(truth[idx].value_counts())
    p = acc / got if got else 0.0
    r = acc / real if real else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(truth_csv, parsed_csv):
    gt = pd.read_csv(truth_csv)
    pr = pd.read_csv(parsed_csv)
    keep = gt[~gt["EventId"].isnull()].index
    gt = gt.loc[keep]
    pr = pr.loc[keep]
    ga = grouping_accuracy(gt["EventId"], pr["EventId"])
    f1 = pair_f1(gt["EventId"], pr["EventId"])
    return ga, f1, gt, pr


def run_eval(loghub, outdir):
    ref = os.path.join(loghub, "reference")
    with open(os.path.join(ref, "drain-settings.json"), encoding="utf-8") as f:
        settings = json.load(f)
    pub_pa = {}
    eff = os.path.join(ref, "effectiveness_results.csv")
    if os.path.exists(eff):
        e = pd.read_csv(eff, index_col=0)
        for idx, val in e["Drain"].items():
            if idx.endswith(" PA"):
                pub_pa[idx[:-3]] = float(str(val).split("/")[0])
    os.makedirs(outdir, exist_ok=True)
    print("%-12s %8s %8s %5s %8s %8s %8s %8s" % (
        "system", "GA", "pub.GA", "same", "F1", "GA(cor)", "PA(cor)", "pub.PA"))
    mismatches = []
    sums = [0.0, 0.0, 0.0, 0.0]
    for name, s in settings.items():
        log = os.path.join(loghub, name, name + "_2k.log")
        out = os.path.join(outdir, name + "_2k.log_structured.csv")
        d = Drain(s["log_format"], s["mask_regex"], s["depth"], s["st"],
                  keep_para=False)
        d.write(d.parse(log), out)
        ga, f1, _, _ = evaluate(log + "_structured.csv", out)
        gac, _, gt, pr = evaluate(log + "_structured_corrected.csv", out)
        pa = float((gt["EventTemplate"].values == pr["EventTemplate"].values).mean())
        pub = s["published_drain_ga"]
        same = round(ga, 4) == round(pub, 4)
        if not same:
            mismatches.append(name)
        print("%-12s %8.4f %8.4f %5s %8.4f %8.4f %8.4f %8s" % (
            name, ga, pub, "yes" if same else "NO", f1, gac, pa,
            "%.3f" % pub_pa[name] if name in pub_pa else "-"))
        for i, v in enumerate((ga, pub, gac, pa)):
            sums[i] += v
    n = len(settings)
    print("%-12s %8.4f %8.4f %5s %8s %8.4f %8.4f" % (
        "average", sums[0] / n, sums[1] / n, "", "", sums[2] / n, sums[3] / n))
    return mismatches


def main(argv):
    ap = argparse.ArgumentParser(description="Python reference Drain (port of logparser's Drain)")
    ap.add_argument("file", nargs="?")
    ap.add_argument("--format", dest="fmt")
    ap.add_argument("--mask", action="append", default=[])
    ap.add_argument("--st", type=float, default=0.4)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--max-child", type=int, default=100)
    ap.add_argument("--no-para", action="store_true",
                    help="skip the ParameterList column (lotse does not write one)")
    ap.add_argument("--out")
    ap.add_argument("--templates")
    ap.add_argument("--eval", metavar="LOGHUB_DIR")
    ap.add_argument("--eval-out", default="drain_ref_eval")
    ap.add_argument("--min-ga-match", action="store_true",
                    help="with --eval: exit 1 unless every GA equals the published Drain GA")
    a = ap.parse_args(argv)
    if a.eval:
        if not os.path.isdir(a.eval):
            print("drain_ref: no loghub data at %s, skipping" % a.eval)
            return 0
        bad = run_eval(a.eval, a.eval_out)
        if bad:
            print("GA differs from the published Drain GA on: " + ", ".join(bad))
            return 1 if a.min_ga_match else 0
        print("GA equals the published Drain GA on every system")
        return 0
    if not a.file or not a.fmt or not a.out:
        ap.error("FILE, --format and --out are required (or --eval DIR)")
    d = Drain(a.fmt, a.mask, a.depth, a.st, a.max_child, keep_para=not a.no_para)
    t0 = time.perf_counter()
    clusters = d.parse(a.file)
    d.write(clusters, a.out, a.templates)
    dt = time.perf_counter() - t0
    n = d.df_log.shape[0]
    print("drain_ref: %d lines, %d templates, %d skipped, %.3f s, %.0f lines/s" % (
        n, len(clusters), d.skipped, dt, n / dt if dt > 0 else 0.0), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
