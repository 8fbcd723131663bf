# SPDX-License-Identifier: EUPL-1.2
"""Shared helpers for lotse's black-box integration tests.

The tests run the real `lotse` binary (env LOTSE_BIN) in scratch workspaces
under LOTSE_TEST_TMP. Python standard library only.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

BIN = os.environ.get("LOTSE_BIN", "build/lotse")
TMP = os.environ.get("LOTSE_TEST_TMP", tempfile.gettempdir())
SRC = os.environ.get("LOTSE_SOURCE_DIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))


def scratch(name):
    """A fresh empty directory for one test."""
    d = os.path.join(TMP, "it-%s.%d" % (name, os.getpid()))
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def run(ws, *args, check=True, timeout=600, env=None):
    """Run `lotse --workspace ws args...`; returns CompletedProcess."""
    cmd = [BIN, "--workspace", ws] + [str(a) for a in args]
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       env=e)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d):\nstdout: %s\nstderr: %s" %
                             (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p


def init(name):
    d = scratch(name)
    ws = os.path.join(d, "ws")
    run(ws, "init", ws)
    return d, ws


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(path, mode) as f:
        f.write(text)
    return path


def search(ws, query, user=None, limit=10, extra=()):
    args = ["search", "--json", "--limit", limit]
    if user:
        args += ["--user", user]
    args += list(extra) + ["--", query]
    p = run(ws, *args)
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def db_digest(ws):
    """A digest of every stored row (documents, versions, chunks, access,
    principals): equal digests mean no stored data changed."""
    con = sqlite3.connect("file:%s/lotse.db?mode=ro" % ws, uri=True)
    h = hashlib.sha256()
    for table in ("documents", "doc_versions", "chunks", "groups",
                  "doc_groups", "users", "user_groups", "units"):
        for row in con.execute("SELECT * FROM %s ORDER BY 1" % table):
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


def db_scalar(ws, sql):
    con = sqlite3.connect("file:%s/lotse.db?mode=ro" % ws, uri=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def minimal_pdf(text_lines):
    """A small valid one-page PDF with a Helvetica text layer (ASCII)."""
    content = "BT /F1 14 Tf 72 720 Td 18 TL " + " ".join(
        "(%s) Tj T*" % l.replace("(", "\\(").replace(")", "\\)")
        for l in text_lines) + " ET"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += ("%d 0 obj\n%s\nendobj\n" % (i, o)).encode("latin-1")
    xref = len(out)
    out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
    for off in offsets:
        out += ("%010d 00000 n \n" % off).encode()
    out += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref)).encode()
    return out


class TestCase(unittest.TestCase):
    maxDiff = None
