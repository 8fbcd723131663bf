# SPDX-License-Identifier: EUPL-1.2
"""Every command has a page in docs/cli/ whose Synopsis equals the usage
line that `lotse <command> -h` prints (git t0450, curl test1139)."""
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402


class Docs(lt.TestCase):
    def commands(self):
        out = subprocess.run([lt.BIN, "-h"], capture_output=True, text=True,
                             check=True).stdout
        block = out.split("Befehle:")[1].split("\n\n")[0]
        return [l.split()[0] for l in block.splitlines() if l.strip()]

    def test_every_command_has_a_page_matching_help(self):
        cmds = self.commands()
        self.assertIn("search", cmds)
        for cmd in cmds:
            page = os.path.join(lt.SRC, "docs", "cli", cmd + ".md")
            self.assertTrue(os.path.exists(page), "missing " + page)
            text = open(page, encoding="utf-8").read()
            m = re.search(r"^Synopsis: (.*)$", text, re.M)
            self.assertIsNotNone(m, page)
            help_out = subprocess.run([lt.BIN, cmd, "-h"], capture_output=True,
                                      text=True).stdout
            self.assertIn("Aufruf: " + m.group(1) + "\n", help_out, cmd)
            # Every option in -h is documented on the page.
            for opt in re.findall(r"--([a-z][a-z-]+)", help_out):
                if opt in ("help", "workspace"):
                    continue
                self.assertIn("--" + opt, text, "%s: --%s" % (cmd, opt))


if __name__ == "__main__":
    unittest.main()
