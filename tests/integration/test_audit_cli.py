# SPDX-License-Identifier: EUPL-1.2
"""`lotse audit verify|export` against trails tampered with directly in
SQLite, one test per kind of change.

The trail is written here by an independent implementation of the format
that gov/audit.h specifies (canonical bytes, SHA-256 chain, HMAC under
audit.key, anchor file), so these tests also prove that the documented
format is the one `verify` checks. The C writer is covered by the unit tests
(tests/unit/gov/test_audit.c) with the same verifier.
"""
import hashlib
import hmac
import json
import os
import sqlite3
import struct
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

SCHEMA = """
CREATE TABLE audit (
 seq INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL,
 actor TEXT NOT NULL, unit TEXT NOT NULL, app_id TEXT NOT NULL,
 app_version INTEGER NOT NULL, action TEXT NOT NULL,
 decision TEXT NOT NULL, reason_code TEXT NOT NULL,
 reason TEXT NOT NULL, sources TEXT NOT NULL, model TEXT NOT NULL,
 prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
 latency_ms INTEGER NOT NULL, details TEXT NOT NULL,
 prev_hash TEXT NOT NULL, hash TEXT NOT NULL, mac TEXT NOT NULL) STRICT;
"""
TRIGGERS = """
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
 BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
 BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
"""
FIELDS = ["seq", "ts_ms", "actor", "unit", "app_id", "app_version", "action",
          "decision", "reason_code", "reason", "sources", "model",
          "prompt_tokens", "completion_tokens", "latency_ms", "details"]
INTS = {"seq", "ts_ms", "app_version", "prompt_tokens", "completion_tokens",
        "latency_ms"}
ZERO = "0" * 64
T0 = 1767225600000  # 2026-01-01T00:00:00Z


def chain_hash(prev_hex, rec):
    h = hashlib.sha256(bytes.fromhex(prev_hex) + b"lotse-audit-v1")
    for f in FIELDS:
        v = rec[f]
        if f in INTS:
            h.update(struct.pack(">q", v))
        else:
            b = v.encode("utf-8")
            h.update(struct.pack(">I", len(b)) + b)
    return h.hexdigest()


class Trail:
    """Writes a trail in ws as lotse would (the key holder)."""

    def __init__(self, ws):
        self.ws = ws
        self.key = os.urandom(32)
        fd = os.open(os.path.join(ws, "audit.key"),
                     os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, (self.key.hex() + "\n").encode())
        os.close(fd)
        self.db = sqlite3.connect(os.path.join(ws, "audit.db"))
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA + TRIGGERS)
        self.head = (0, ZERO)
        self.anchor(0, ZERO)

    def anchor(self, seq, h):
        line = "lotse-audit-anchor-v1 %d %s" % (seq, h)
        mac = hmac.new(self.key, line.encode(), hashlib.sha256).hexdigest()
        lt.write(os.path.join(self.ws, "audit.anchor"),
                 "%s %s\n" % (line, mac))

    def append(self, **kw):
        seq = self.head[0] + 1
        rec = {"seq": seq, "ts_ms": T0 + 60000 * seq, "actor": "pamt",
               "unit": "Fachdienst 10", "app_id": "fragen",
               "app_version": 2, "action": "ask", "decision": "allow",
               "reason_code": "", "reason": "",
               "sources": '[{"doc":%d,"version":1,"chunk":%d}]' % (seq, seq),
               "model": "qwen3-8b", "prompt_tokens": 100 + seq,
               "completion_tokens": 10 + seq, "latency_ms": 700 + seq,
               "details": '{"k":%d}' % seq}
        rec.update(kw)
        h = chain_hash(self.head[1], rec)
        mac = hmac.new(self.key, bytes.fromhex(h), hashlib.sha256).hexdigest()
        self.db.execute("INSERT INTO audit VALUES (%s)" % ",".join("?" * 19),
                        [rec[f] for f in FIELDS] + [self.head[1], h, mac])
        self.db.commit()
        self.head = (seq, h)
        self.anchor(seq, h)
        return h

    def close(self):
        self.db.close()


def make_trail(name, n=5):
    _, ws = lt.init(name)
    t = Trail(ws)
    for i in range(n):
        if i % 3 == 2:
            t.append(decision="refuse", reason_code="training",
                     reason="Ihnen fehlt die Schulung „KI-Grundlagen“.",
                     app_id="schreiben", actor="jlehmann")
        else:
            t.append()
    t.close()
    return ws


def tamper(ws, sql, keep_triggers_off=False):
    con = sqlite3.connect(os.path.join(ws, "audit.db"))
    con.executescript("DROP TRIGGER IF EXISTS audit_no_update;"
                      "DROP TRIGGER IF EXISTS audit_no_delete;")
    con.executescript(sql)
    if not keep_triggers_off:
        con.executescript(TRIGGERS)
    con.commit()
    con.close()


def verdict(ws):
    p = lt.run(ws, "audit", "verify", "--json", check=False)
    return p.returncode, json.loads(p.stdout)


def file_digest(ws):
    h = hashlib.sha256()
    for f in sorted(os.listdir(ws)):
        # SQLite may create the -wal/-shm companions of a WAL database
        # even for a read-only connection; they hold no records here.
        if f.startswith("audit") and not f.endswith(("-wal", "-shm")):
            h.update(f.encode())
            with open(os.path.join(ws, f), "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()


class AuditCli(lt.TestCase):
    def assertBroken(self, ws, fault, seq):
        p = lt.run(ws, "audit", "verify", check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("BESCHÄDIGT", p.stdout)
        if seq:
            self.assertIn("Eintrag %d" % seq, p.stdout)
        rc, v = verdict(ws)
        self.assertEqual(rc, 1)
        self.assertFalse(v["ok"])
        self.assertEqual((v["fault"], v["seq"]), (fault, seq), v["message"])

    def test_empty_workspace_is_intact_and_untouched(self):
        _, ws = lt.init("audit-empty")
        before = sorted(os.listdir(ws))
        p = lt.run(ws, "audit", "verify")
        self.assertIn("intakt: 0 Einträge", p.stdout)
        self.assertEqual(lt.run(ws, "audit", "export").stdout, "")
        self.assertEqual(sorted(os.listdir(ws)), before)

    def test_intact_trail_and_read_only(self):
        ws = make_trail("audit-ok")
        before = file_digest(ws)
        p = lt.run(ws, "audit", "verify")
        self.assertIn("intakt: 5 Einträge", p.stdout)
        rc, v = verdict(ws)
        self.assertEqual(rc, 0)
        self.assertEqual((v["ok"], v["records"], v["head_seq"],
                          v["anchor_seq"], v["anchor_lag"]),
                         (True, 5, 5, 5, 0))
        lines = lt.run(ws, "audit", "export").stdout.splitlines()
        self.assertEqual(json.loads(lines[-1])["hash"], v["head_hash"])
        self.assertEqual(file_digest(ws), before)  # nothing written

    def test_export_fields_and_filters(self):
        ws = make_trail("audit-export", 6)
        recs = [json.loads(l) for l in
                lt.run(ws, "audit", "export").stdout.splitlines()]
        self.assertEqual([r["seq"] for r in recs], [1, 2, 3, 4, 5, 6])
        r = recs[2]
        self.assertEqual(r["time"], "2026-01-01T00:03:00.000Z")
        self.assertEqual(r["decision"], "refuse")
        self.assertEqual(r["reason_code"], "training")
        self.assertIn("KI-Grundlagen", r["reason"])
        self.assertEqual(r["sources"], [{"doc": 3, "version": 1, "chunk": 3}])
        self.assertEqual(r["details"], {"k": 3})
        self.assertEqual(r["prev_hash"], recs[1]["hash"])
        for key in ("actor", "unit", "app", "app_version", "action", "model",
                    "prompt_tokens", "completion_tokens", "latency_ms",
                    "ts_ms"):
            self.assertIn(key, r)

        def seqs(*args):
            out = lt.run(ws, "audit", "export", *args).stdout.splitlines()
            return [json.loads(l)["seq"] for l in out]
        self.assertEqual(seqs("--app", "schreiben"), [3, 6])
        self.assertEqual(seqs("--actor", "pamt"), [1, 2, 4, 5])
        self.assertEqual(seqs("--from", "5"), [5, 6])
        self.assertEqual(seqs("--since", "2026-01-01T00:02",
                              "--until", "2026-01-01T00:04:00Z"), [2, 3])
        self.assertEqual(seqs("--since", "2026-01-02"), [])

    def test_usage_errors(self):
        ws = make_trail("audit-usage", 1)
        for args in (["audit"], ["audit", "prove"],
                     ["audit", "export", "--since", "gestern"],
                     ["audit", "export", "--from", "x"],
                     ["audit", "verify", "--app", "fragen"],
                     ["audit", "verify", "extra"]):
            p = lt.run(ws, *args, check=False)
            self.assertEqual(p.returncode, 2, args)

    def test_triggers_refuse_changes(self):
        ws = make_trail("audit-trig", 2)
        con = sqlite3.connect(os.path.join(ws, "audit.db"))
        for sql in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
            with self.assertRaises(sqlite3.IntegrityError):
                con.execute(sql)
        con.close()
        tamper(ws, "SELECT 1", keep_triggers_off=True)
        self.assertBroken(ws, "unprotected", 0)

    def test_modification_of_every_field(self):
        sets = ["ts_ms = ts_ms + 1", "actor = 'jemand'", "unit = 'FD 20'",
                "app_id = 'andere'", "app_version = 3", "action = 'write'",
                "decision = 'refuse'", "reason_code = 'unit'",
                "reason = 'x'", "sources = '[]'", "model = 'm'",
                "prompt_tokens = 1", "completion_tokens = 1",
                "latency_ms = 1", "details = '{}'", "prev_hash = hash",
                "hash = prev_hash"]
        for s in sets:
            with self.subTest(s):
                ws = make_trail("audit-field", 4)
                tamper(ws, "UPDATE audit SET %s WHERE seq = 2" % s)
                self.assertBroken(ws, "modified", 2)
        ws = make_trail("audit-field", 4)
        tamper(ws, "UPDATE audit SET mac = (SELECT mac FROM audit WHERE "
                   "seq = 1) WHERE seq = 2")
        self.assertBroken(ws, "mac", 2)

    def test_deletion_middle_and_tail(self):
        ws = make_trail("audit-del", 5)
        tamper(ws, "DELETE FROM audit WHERE seq = 3")
        self.assertBroken(ws, "gap", 3)
        ws = make_trail("audit-deltail", 5)
        tamper(ws, "DELETE FROM audit WHERE seq = 5")
        self.assertBroken(ws, "truncated", 5)
        os.unlink(os.path.join(ws, "audit.db"))
        self.assertBroken(ws, "truncated", 1)

    def test_insertion(self):
        ws = make_trail("audit-ins", 4)
        tamper(ws, "UPDATE audit SET seq = seq + 100 WHERE seq >= 3;"
                   "UPDATE audit SET seq = seq - 99 WHERE seq >= 100;"
                   "INSERT INTO audit SELECT 3, ts_ms, actor, unit, app_id,"
                   " app_version, action, decision, reason_code, reason,"
                   " sources, model, prompt_tokens, completion_tokens,"
                   " latency_ms, details, hash, hash, mac FROM audit"
                   " WHERE seq = 2;")
        self.assertBroken(ws, "modified", 3)

    def test_reordering(self):
        ws = make_trail("audit-reorder", 4)
        tamper(ws, "UPDATE audit SET seq = 100 WHERE seq = 2;"
                   "UPDATE audit SET seq = 2 WHERE seq = 3;"
                   "UPDATE audit SET seq = 3 WHERE seq = 100;")
        self.assertBroken(ws, "modified", 2)

    def rehash(self, ws, start):
        """What an attacker without the key can do: recompute the chain."""
        con = sqlite3.connect(os.path.join(ws, "audit.db"))
        con.executescript("DROP TRIGGER audit_no_update;")
        cols = ", ".join(FIELDS)
        prev = con.execute("SELECT hash FROM audit WHERE seq = ?",
                           (start - 1,)).fetchone()[0]
        for row in con.execute("SELECT %s FROM audit WHERE seq >= ? ORDER BY"
                               " seq" % cols, (start,)).fetchall():
            rec = dict(zip(FIELDS, row))
            h = chain_hash(prev, rec)
            con.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE "
                        "seq = ?", (prev, h, rec["seq"]))
            prev = h
        con.executescript(TRIGGERS.split("END;")[0] + "END;")
        con.commit()
        con.close()

    def test_rewritten_chain_and_forged_tail(self):
        ws = make_trail("audit-rewrite", 5)
        tamper(ws, "UPDATE audit SET actor = 'jemand' WHERE seq = 2")
        self.rehash(ws, 2)
        self.assertBroken(ws, "mac", 2)
        ws = make_trail("audit-forge", 3)
        tamper(ws, "INSERT INTO audit SELECT 4, ts_ms, 'jemand', unit,"
                   " app_id, app_version, action, decision, reason_code,"
                   " reason, sources, model, prompt_tokens,"
                   " completion_tokens, latency_ms, details, hash, hash, mac"
                   " FROM audit WHERE seq = 3;")
        self.rehash(ws, 4)
        self.assertBroken(ws, "mac", 4)

    def test_anchor_missing_forged_and_key_missing(self):
        ws = make_trail("audit-anchor", 3)
        path = os.path.join(ws, "audit.anchor")
        magic, seq, h, mac = open(path).read().split()
        lt.write(path, "%s %d %s %s\n" % (magic, int(seq) + 2, h, mac))
        self.assertBroken(ws, "anchor_forged", 0)
        os.unlink(path)
        self.assertBroken(ws, "anchor_missing", 0)
        ws = make_trail("audit-key", 3)
        os.unlink(os.path.join(ws, "audit.key"))
        self.assertBroken(ws, "key_missing", 0)

    def test_lagging_anchor_is_a_note(self):
        ws = make_trail("audit-lag", 3)
        path = os.path.join(ws, "audit.anchor")
        old = open(path).read()
        t = Trail.__new__(Trail)  # continue as the key holder
        t.ws = ws
        t.key = bytes.fromhex(open(os.path.join(ws, "audit.key")).read())
        t.db = sqlite3.connect(os.path.join(ws, "audit.db"))
        t.head = t.db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC"
                              " LIMIT 1").fetchone()
        t.append()
        t.close()
        lt.write(path, old)  # as if the crash came before the anchor
        p = lt.run(ws, "audit", "verify")
        self.assertIn("intakt: 4 Einträge", p.stdout)
        self.assertIn("Anker liegt 1", p.stdout)
        rc, v = verdict(ws)
        self.assertEqual((rc, v["anchor_seq"], v["anchor_lag"]), (0, 3, 1))


if __name__ == "__main__":
    unittest.main()
