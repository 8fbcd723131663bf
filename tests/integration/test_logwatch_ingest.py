#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""`lotse logwatch ingest` end to end: a syslog file, stdin (JSON lines),
plain lines with a header pattern, a journald export (binary field), UDP
datagrams and TCP frames (octet counting and newline framing) to ports the
test chooses, SIGTERM on a listener; malformed lines counted and kept (with
the cap); template ids stable across runs; per-source formats from
lotse.conf; bad arguments give a German error and store nothing; a run
that fails half-way stores nothing. The help page's Synopsis equals
`lotse logwatch ingest -h` and documents every option.
Environment: LOTSE_BIN, LOTSE_TEST_TMP, LOTSE_SOURCE_DIR."""
import hashlib
import json
import os
import re
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

SYSLOG = [
    "<38>Nov 27 05:10:0%d web1 sshd[811]: Accepted password for anna from "
    "10.0.0.%d port 5%03d ssh2" % (i, i, i) for i in range(1, 6)] + [
    "<86>Nov 27 05:11:0%d web1 CRON[9%d]: pam_unix(cron:session): session "
    "opened for user root" % (i, i) for i in range(4)] + [
    "this line is no syslog at all",
    "<34>1 2026-11-27T05:12:00.003Z web2 su - ID47 [origin ip=\"10.1.1.1\"] "
    "'su root' failed for lonvick on /dev/pts/8",
]


def db(ws, sql, args=()):
    con = sqlite3.connect("file:%s/logwatch.db?mode=ro" % ws, uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def digest(ws):
    path = os.path.join(ws, "logwatch.db")
    if not os.path.exists(path):
        return None
    h = hashlib.sha256()
    for table in ("sources", "templates", "malformed_lines"):
        for row in db(ws, "SELECT * FROM %s ORDER BY 1, 2" % table):
            h.update(repr(row).encode())
    return h.hexdigest()


def ingest(ws, *args, check=True, stdin=None):
    cmd = [lt.BIN, "--workspace", ws, "logwatch", "ingest", "--json"] + \
        [str(a) for a in args]
    p = subprocess.run(cmd, capture_output=True, text=True, input=stdin,
                       timeout=120)
    if check and p.returncode != 0:
        raise AssertionError("%s: %d\n%s" % (cmd, p.returncode, p.stderr))
    return p


def summary(p):
    return json.loads(p.stdout.strip().splitlines()[-1])


def free_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class IngestDoc(unittest.TestCase):
    def test_help_matches_page(self):
        page = os.path.join(lt.SRC, "docs", "cli", "logwatch-ingest.md")
        with open(page, encoding="utf-8") as f:
            text = f.read()
        m = re.search(r"^Synopsis: (.*)$", text, re.M)
        self.assertIsNotNone(m)
        out = subprocess.run([lt.BIN, "logwatch", "ingest", "-h"],
                             capture_output=True, text=True).stdout
        self.assertIn("Aufruf: " + m.group(1) + "\n", out)
        for opt in re.findall(r"--([a-z][a-z-]+)", out):
            if opt not in ("help", "workspace"):
                self.assertIn("--" + opt, text, opt)


class IngestFiles(lt.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("lw_ingest_files")

    def test_syslog_file_counts_templates_malformed(self):
        d, ws = lt.init("lw_ingest_syslog")
        log = lt.write(os.path.join(d, "auth.log"), "\n".join(SYSLOG) + "\n")
        s = summary(ingest(ws, "--input", "syslog", log))
        self.assertEqual((s["lines"], s["events"], s["malformed"]),
                         (len(SYSLOG), len(SYSLOG) - 1, 1))
        name = os.path.realpath(log)
        row = db(ws, "SELECT kind, lines, events, malformed FROM sources "
                     "WHERE name = ?", (name,))
        self.assertEqual(row, [("syslog", 11, 10, 1)])
        tmpl = db(ws, "SELECT id, template, count FROM templates ORDER BY id")
        self.assertEqual(sum(t[2] for t in tmpl), 10)
        texts = [t[1] for t in tmpl]
        self.assertIn("Accepted password for anna from <*> port <*> ssh2",
                      texts)
        self.assertEqual([t[0] for t in tmpl], list(range(1, len(tmpl) + 1)))
        mal = db(ws, "SELECT line, text FROM malformed_lines")
        self.assertEqual(mal, [(10, "this line is no syslog at all")])
        first, last = db(ws, "SELECT first_ms, last_ms FROM templates WHERE "
                             "template LIKE 'Accepted%'")[0]
        self.assertLess(first, last)  # event times from the syslog header

        # Second run: same ids, counts added, nothing new.
        s2 = summary(ingest(ws, "--input", "syslog", log))
        self.assertEqual(s2["new_templates"], 0)
        tmpl2 = db(ws, "SELECT id, template, count FROM templates ORDER BY id")
        self.assertEqual([(i, t, 2 * c) for i, t, c in tmpl], tmpl2)
        self.assertEqual(db(ws, "SELECT lines, malformed FROM sources"),
                         [(22, 2)])
        self.assertEqual(len(db(ws, "SELECT * FROM malformed_lines")), 2)

    def test_auto_detects_syslog(self):
        d, ws = lt.init("lw_ingest_auto")
        log = lt.write(os.path.join(d, "auth.log"), "\n".join(SYSLOG) + "\n")
        ingest(ws, log)
        self.assertEqual(db(ws, "SELECT kind FROM sources"), [("syslog",)])

    def test_stdin_jsonl(self):
        d, ws = lt.init("lw_ingest_stdin")
        lines = [json.dumps({"ts": "2026-11-27T05:00:0%dZ" % i, "level":
                             "info", "msg": "user u%d logged in" % i,
                             "ctx": {"ip": "10.0.0.%d" % i}})
                 for i in range(5)] + ["{broken json", ""]
        p = ingest(ws, "-", stdin="\n".join(lines) + "\n")
        s = summary(p)
        self.assertEqual((s["events"], s["malformed"]), (5, 1))
        self.assertEqual(db(ws, "SELECT name, kind FROM sources"),
                         [("stdin", "jsonl")])
        self.assertEqual(db(ws, "SELECT template, count FROM templates"),
                         [("user <*> logged in", 5)])
        self.assertEqual(db(ws, "SELECT text FROM malformed_lines"),
                         [("{broken json",)])

    def test_format_lines_and_source_name(self):
        d, ws = lt.init("lw_ingest_format")
        good = ["081109 2036%02d 148 INFO dfs.DataNode$PacketResponder: "
                "PacketResponder %d for block blk_%d terminating" % (i, i % 3,
                                                                     1000 + i)
                for i in range(8)]
        served = ["081109 2037%02d 19 INFO dfs.DataNode$DataXceiver: "
                  "10.251.73.%d:50010 Served block blk_-70%d to /10.251.73.%d"
                  % (i, i, i, i) for i in range(3)]
        log = lt.write(os.path.join(d, "hdfs.log"),
                       "\n".join(good + ["kein Kopf"] + served) + "\n")
        s = summary(ingest(ws, "--format",
                           "<Date> <Time> <Pid> <Level> <Component>: <Content>",
                           "--source", "hdfs", "--mask", r"blk_-?\d+", log))
        self.assertEqual((s["events"], s["malformed"]), (11, 1))
        tmpl = db(ws, "SELECT id, template, count FROM templates")
        self.assertEqual(tmpl[0], (1, "PacketResponder <*> for block <*> "
                                      "terminating", 8))
        self.assertEqual(len(tmpl), 2)
        self.assertEqual(s["templates"], 2)
        # Restored templates keep their ids, also those starting with a
        # variable part.
        s2 = summary(ingest(ws, "--format",
                            "<Date> <Time> <Pid> <Level> <Component>: "
                            "<Content>", "--source", "hdfs", "--mask",
                            r"blk_-?\d+", log))
        self.assertEqual((s2["new_templates"], s2["templates"]), (0, 2))
        self.assertEqual(db(ws, "SELECT id, template, count FROM templates"),
                         [(i, t, 2 * c) for i, t, c in tmpl])
        self.assertEqual(db(ws, "SELECT name, kind FROM sources"),
                         [("hdfs", "lines")])
        ms = db(ws, "SELECT first_ms, last_ms FROM templates WHERE id = 1")[0]
        self.assertEqual(ms[1] - ms[0], 7000)  # Date + Time of the header

    def test_conf_per_source_format(self):
        d, ws = lt.init("lw_ingest_conf")
        with open(os.path.join(ws, "lotse.conf"), "a") as f:
            f.write("\n[logwatch.source.app.log]\nformat = <Level>: "
                    "<Content>\ninput = lines\n")
        log = lt.write(os.path.join(d, "app.log"),
                       "INFO: started worker 1\nINFO: started worker 2\n"
                       "no colon here\n")
        s = summary(ingest(ws, log))
        self.assertEqual((s["events"], s["malformed"]), (2, 1))
        self.assertEqual(db(ws, "SELECT template FROM templates"),
                         [("started worker <*>",)])

    def test_journald_export(self):
        d, ws = lt.init("lw_ingest_journal")
        msg = b"binary\nmessage with newline"
        data = (b"__CURSOR=s=1\n__REALTIME_TIMESTAMP=1795740000000000\n"
                b"_HOSTNAME=web1\nSYSLOG_IDENTIFIER=sshd\nPRIORITY=6\n"
                b"MESSAGE=Server listening on 0.0.0.0 port 22.\n\n"
                b"__CURSOR=s=2\n__REALTIME_TIMESTAMP=1795740001000000\n"
                b"MESSAGE\n" + struct.pack("<Q", len(msg)) + msg + b"\n\n"
                b"bad key=x\n\n"
                b"__CURSOR=s=3\nMESSAGE=Server listening on :: port 22.\n\n")
        path = lt.write(os.path.join(d, "journal.export"), data)
        s = summary(ingest(ws, path))
        self.assertEqual((s["events"], s["malformed"]), (3, 1))
        self.assertEqual(db(ws, "SELECT kind FROM sources"), [("journald",)])
        tmpl = db(ws, "SELECT template, count FROM templates")
        self.assertEqual(len(tmpl), 2, tmpl)
        self.assertIn(("binary message with newline", 1), tmpl)
        self.assertTrue(any(t.startswith("Server listening on <*> port") and
                            c == 2 for t, c in tmpl), tmpl)
        # the same export through a pipe, recognised without --input
        p = subprocess.run([lt.BIN, "--workspace", ws, "logwatch", "ingest",
                            "--json", "-"], input=data, capture_output=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        s = json.loads(p.stdout.decode().strip().splitlines()[-1])
        self.assertEqual((s["events"], s["malformed"]), (3, 1))
        self.assertEqual(db(ws, "SELECT kind FROM sources WHERE name = "
                                "'stdin'"), [("journald",)])

    def test_malformed_cap_and_max_events(self):
        d, ws = lt.init("lw_ingest_cap")
        log = lt.write(os.path.join(d, "x.log"),
                       "".join("kaputt %d\n" % i for i in range(20)))
        s = summary(ingest(ws, "--input", "syslog", "--keep-malformed", "3",
                           log))
        self.assertEqual(s["malformed"], 20)
        self.assertEqual(db(ws, "SELECT line FROM malformed_lines ORDER BY "
                                "line"), [(18,), (19,), (20,)])
        self.assertEqual(db(ws, "SELECT malformed FROM sources"), [(20,)])
        s = summary(ingest(ws, "--input", "syslog", "--max-events", "5", log))
        self.assertEqual(s["lines"], 5)

    def test_bad_arguments_store_nothing(self):
        d, ws = lt.init("lw_ingest_bad")
        log = lt.write(os.path.join(d, "a.log"), "\n".join(SYSLOG) + "\n")
        cases = [
            ([], "angeben"),
            ([os.path.join(d, "missing.log")], "nicht lesen"),
            (["--input", "xml", log], "Eingabeart"),
            (["--format", "<Content> <Content>", log], "Kopfzeilenmuster"),
            (["--mask", "(unclosed", log], "mask"),
            (["--listen", "udp:99999"], "Empfangsangabe"),
            (["--listen", "http:80"], "Empfangsangabe"),
            (["--st", "0", log], "--st"),
            (["--depth", "2", log], "--depth"),
            (["--max-events", "-1", log], "--max-events"),
        ]
        for args, needle in cases:
            p = ingest(ws, *args, check=False)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn(needle, p.stderr, args)
            self.assertFalse(os.path.exists(os.path.join(ws, "logwatch.db")),
                             args)

    def test_failed_run_changes_nothing(self):
        d, ws = lt.init("lw_ingest_fail")
        log = lt.write(os.path.join(d, "a.log"), "\n".join(SYSLOG) + "\n")
        ingest(ws, log)
        before = digest(ws)
        sub = os.path.join(d, "dir.log")
        os.makedirs(sub)  # readable name, but reading fails
        p = ingest(ws, log, sub, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("dir.log", p.stderr)
        self.assertEqual(digest(ws), before)


class IngestNetwork(lt.TestCase):
    def start(self, ws, *args):
        p = subprocess.Popen([lt.BIN, "--workspace", ws, "logwatch", "ingest",
                              "--json"] + list(args), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        want = sum(1 for a in args if str(a).startswith(("udp:", "tcp:")))
        ready = 0
        while ready < want:
            line = p.stderr.readline()
            if not line:
                self.fail("listener ended: %s" % p.stderr.read())
            if "empfange" in line:
                ready += 1
        return p

    def test_udp_and_tcp(self):
        d, ws = lt.init("lw_ingest_net")
        up, tp = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_STREAM)
        p = self.start(ws, "--listen", "udp:%d" % up, "--listen",
                       "tcp:%d" % tp, "--max-events", "9")
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(3):
            u.sendto(("<13>Nov 27 05:00:0%d h1 app[1]: udp message %d" %
                      (i, i)).encode(), ("127.0.0.1", up))
        u.sendto(b"not syslog", ("127.0.0.1", up))
        u.close()
        t = socket.create_connection(("127.0.0.1", tp))
        frames = b""
        for i in range(2):  # octet counting (RFC 6587 3.4.1)
            m = ("<14>1 2026-11-27T05:00:0%dZ h2 app 7 - - framed by octet count %d" %
                 (i, i)).encode()
            frames += str(len(m)).encode() + b" " + m
        for i in range(3):  # newline framing
            frames += ("<14>Nov 27 05:01:0%d h2 app: one frame per line here %d\n" %
                       (i, i)).encode()
        t.sendall(frames)
        t.close()
        try:
            out, err = p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.assertEqual(p.returncode, 0, err)
        s = json.loads(out.strip().splitlines()[-1])
        self.assertEqual((s["events"], s["malformed"]), (8, 1))
        rows = dict(((n, (l, e, m)) for n, l, e, m in db(
            ws, "SELECT name, lines, events, malformed FROM sources")))
        self.assertEqual(rows["udp:%d" % up], (4, 3, 1))
        self.assertEqual(rows["tcp:%d" % tp], (5, 5, 0))
        texts = [r[0] for r in db(ws, "SELECT template FROM templates")]
        self.assertIn("udp message <*>", texts)
        self.assertIn("framed by octet count <*>", texts)
        self.assertIn("one frame per line here <*>", texts)

    def test_tcp_long_frame_and_split_frame(self):
        d, ws = lt.init("lw_ingest_long")
        tp = free_port(socket.SOCK_STREAM)
        p = self.start(ws, "--listen", "tcp:%d" % tp, "--max-events", "3")
        t = socket.create_connection(("127.0.0.1", tp))
        # longer than the 64 KiB frame cap: cut there, the rest dropped
        t.sendall(b"<14>Nov 27 05:01:01 h2 app: " + b"x" * 70000 + b"\n")
        t.sendall(b"<14>Nov 27 05:01:02 h2 app: after the long one\n")
        m = b"<14>1 2026-11-27T05:00:00Z h2 app 7 - - split frame"
        frame = str(len(m)).encode() + b" " + m
        t.sendall(frame[:10])  # an octet-counted frame in two parts
        time.sleep(0.3)
        t.sendall(frame[10:])
        t.close()
        try:
            out, err = p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.assertEqual(p.returncode, 0, err)
        s = json.loads(out.strip().splitlines()[-1])
        self.assertEqual((s["lines"], s["events"]), (3, 3))
        texts = [r[0] for r in db(ws, "SELECT template FROM templates")]
        self.assertIn("after the long one", texts)
        self.assertIn("split frame", texts)

    def test_listen_from_conf(self):
        d, ws = lt.init("lw_ingest_conf_listen")
        up = free_port(socket.SOCK_DGRAM)
        with open(os.path.join(ws, "lotse.conf"), "a") as f:
            f.write("\n[logwatch]\nlisten = udp:%d\nbind = 127.0.0.1\n"
                    % up)
        p = subprocess.Popen([lt.BIN, "--workspace", ws, "logwatch", "ingest",
                              "--json", "--max-events", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            line = p.stderr.readline()
            self.assertIn("empfange udp:%d auf 127.0.0.1" % up, line)
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.sendto(b"<13>Nov 27 05:00:01 h1 app: from the conf",
                     ("127.0.0.1", up))
            u.close()
            out, err = p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(db(ws, "SELECT name, events FROM sources"),
                         [("udp:%d" % up, 1)])

    def test_sigterm_commits_and_ends(self):
        d, ws = lt.init("lw_ingest_term")
        up = free_port(socket.SOCK_DGRAM)
        p = self.start(ws, "--listen", "udp:%d" % up)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(2):
            u.sendto(b"<13>Nov 27 05:00:01 h1 app: hello", ("127.0.0.1", up))
        u.close()
        deadline = time.time() + 30
        while time.time() < deadline:  # wait for the 1 s batch commit
            try:
                if db(ws, "SELECT sum(lines) FROM sources")[0][0] == 2:
                    break
            except sqlite3.Error:
                pass
            time.sleep(0.2)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(json.loads(out.strip().splitlines()[-1])["events"], 2)
        self.assertEqual(db(ws, "SELECT lines FROM sources"), [(2,)])


if __name__ == "__main__":
    unittest.main()
