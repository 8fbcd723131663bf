#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
#
# demo/tools/check-demo.py - consistency check of the demo corpus.
#
# Checks that collections.tsv matches the folders under docs/, that every
# file has an extension lotse ingests, that users.tsv names only known
# classes and groups, that every document has 150-900 words, and that for
# each row of queries.tsv the expected file exists, is visible to the user
# and contains every query word (case-insensitive, umlauts folded so that
# "Gebühren" matches "Gebuehren"; a word may also occur inside a compound).
# It then ranks the visible documents per query with a plain BM25 over
# whole lower-case words - no stemming, no compound splitting - and prints
# the rank of the expected file, so one sees which queries need lotse's
# German analysis to come out on top.
#
# Text extraction here is a rough reference, not lotse's: md/txt as is,
# HTML without script/style/comments, EML via the email package, DOCX/ODT
# from their XML, PDF via pdftotext (poppler-utils) when it is installed.
#
# Usage: python3 demo/tools/check-demo.py [-v]; exit status 1 on errors.

import csv
import email
import math
import os
import re
import shutil
import subprocess
import sys
import zipfile
from email import policy
from html import unescape

DEMO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLASSES = ["offen", "intern", "vertraulich", "personenbezogen"]
EXTS = {".md", ".txt", ".html", ".eml", ".docx", ".odt", ".pdf"}


def read_tsv(name):
    with open(os.path.join(DEMO, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def split_list(s):
    return [x for x in (s or "").split(",") if x]


def strip_tags(html):
    html = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def extract(path):
    ext = os.path.splitext(path)[1]
    if ext in (".md", ".txt"):
        with open(path, encoding="utf-8") as f:
            return f.read()
    if ext == ".html":
        with open(path, encoding="utf-8") as f:
            return strip_tags(f.read())
    if ext == ".eml":
        with open(path, "rb") as f:
            msg = email.message_from_bytes(f.read(), policy=policy.default)
        body = msg.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body else ""
        return str(msg["subject"] or "") + "\n" + text
    if ext == ".docx":
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode("utf-8")
        return unescape(re.sub(r"<[^>]+>", " ", xml.replace("</w:p>", "\n")))
    if ext == ".odt":
        with zipfile.ZipFile(path) as z:
            xml = z.read("content.xml").decode("utf-8")
        return unescape(re.sub(r"<[^>]+>", " ", xml))
    if ext == ".pdf":
        if not shutil.which("pdftotext"):
            return None
        return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                              capture_output=True, check=True).stdout.decode("utf-8")
    return None


def fold(s):
    s = s.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return s


def words(text):
    return re.findall(r"\w+", fold(text))


def main():
    verbose = "-v" in sys.argv[1:]
    errors = []
    cols = {r["collection"]: r for r in read_tsv("collections.tsv")}
    users = {r["name"]: r for r in read_tsv("users.tsv")}
    groups_known = set()
    for c in cols.values():
        if c["class"] not in CLASSES:
            errors.append(f"collection {c['collection']}: unknown class {c['class']}")
        groups_known.update(split_list(c["groups"]))
    for u in users.values():
        for cl in split_list(u["clearance"]):
            if cl not in CLASSES:
                errors.append(f"user {u['name']}: unknown class {cl}")
        for g in split_list(u["groups"]):
            if g not in groups_known:
                errors.append(f"user {u['name']}: group {g} guards no collection")
    dirs = sorted(os.listdir(os.path.join(DEMO, "docs")))
    for d in set(dirs) ^ set(cols):
        errors.append(f"collection {d}: folder and manifest disagree")

    docs = {}
    by_ext = {}
    for d in dirs:
        for name in sorted(os.listdir(os.path.join(DEMO, "docs", d))):
            rel = f"docs/{d}/{name}"
            ext = os.path.splitext(name)[1]
            by_ext[ext] = by_ext.get(ext, 0) + 1
            if ext not in EXTS:
                errors.append(f"{rel}: extension not ingested")
                continue
            text = extract(os.path.join(DEMO, rel))
            if text is None:
                print(f"note: {rel} not checked (pdftotext missing)")
                continue
            n = len(text.split())
            if not 150 <= n <= 900:
                errors.append(f"{rel}: {n} words, want 150-900")
            if re.search(r"skriptmarker|stilmarker|kommentarmarker", fold(text)):
                errors.append(f"{rel}: script/style text leaked into the extract")
            docs[rel] = {"col": d, "words": words(text), "n": n}
            if verbose:
                print(f"{n:4d} words  {rel}")

    def visible(user, rel):
        c = cols[docs[rel]["col"]]
        u = users[user]
        need = split_list(c["groups"])
        return (c["class"] in split_list(u["clearance"]) and
                (not need or set(need) & set(split_list(u["groups"]))))

    n_docs = len(docs)
    avgdl = sum(len(d["words"]) for d in docs.values()) / max(n_docs, 1)
    df = {}
    for d in docs.values():
        for w in set(d["words"]):
            df[w] = df.get(w, 0) + 1

    def bm25(qwords, rel):
        ws = docs[rel]["words"]
        score = 0.0
        for q in qwords:
            tf = ws.count(q)
            if tf:
                idf = math.log(1 + (n_docs - df[q] + 0.5) / (df[q] + 0.5))
                score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(ws) / avgdl))
        return score

    stop = {"auf", "und", "der", "die", "das"}
    top1 = 0
    for q in read_tsv("queries.tsv"):
        rel, user = q["expected"], q["user"]
        if rel not in docs:
            errors.append(f"query '{q['query']}': {rel} missing")
            continue
        if user not in users:
            errors.append(f"query '{q['query']}': unknown user {user}")
            continue
        if not visible(user, rel):
            errors.append(f"query '{q['query']}': {user} cannot see {rel}")
        qwords = [w for w in words(q["query"]) if w not in stop]
        joined = " ".join(docs[rel]["words"])
        for w in qwords:
            if w not in joined:
                errors.append(f"query '{q['query']}': '{w}' not in {rel}")
        ranked = sorted((r for r in docs if visible(user, r)),
                        key=lambda r: -bm25(qwords, r))
        rank = ranked.index(rel) + 1 if rel in ranked else 0
        top1 += rank == 1
        print(f"plain-BM25 rank {rank:2d}  {q['query']!r:45} {rel}"
              + ("" if rank == 1 else f"  (top: {ranked[0]})"))
    print(f"{len(docs)} documents; by type: "
          + ", ".join(f"{k} {v}" for k, v in sorted(by_ext.items())))
    print(f"plain BM25 puts the expected file first for {top1} queries")
    for e in errors:
        print("ERROR:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
