# SPDX-License-Identifier: EUPL-1.2
"""`lotse easy qr`: the PNG decodes (Debian's zbarimg) to exactly the URL,
the SVG is well-formed and has the same modules as the PNG, bad URLs write
nothing, the permanent address comes from lotse.conf or --base-url, and the
help matches docs/cli/easy-qr.md."""
import os
import re
import shutil
import struct
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

ZBAR = shutil.which("zbarimg")
SVG_NS = "{http://www.w3.org/2000/svg}"

URLS = [
    "https://www.kreis.example/leicht/2026-bau-0042",
    "http://intranet.kreis.example/leicht/a",
    # umlauts percent-encoded (UTF-8): "Müllgebühren für Bürger"
    "https://www.kreis.example/leicht/M%C3%BCllgeb%C3%BChren-f%C3%BCr-B%C3%"
    "BCrger?stand=2026-03#abschnitt-2",
    "HTTPS://WWW.KREIS.EXAMPLE/LEICHT/ABC-123",
    # long: several hundred bytes
    "https://www.kreis.example/buergerservice/leicht/" +
    "/".join("abschnitt-%02d-stra%%C3%%9Fe" % i for i in range(20)),
]


def png_modules(path, quiet=4):
    """Decode a 1-bit greyscale PNG (stdlib only) into rows of 0/1 pixels
    (1 = dark), then sample one pixel per module."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    assert (depth, ctype, interlace) == (1, 0, 0), ihdr
    raw = zlib.decompress(idat)
    stride = (w + 7) // 8
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 1] if i else 0
            b, c = prev[i], (prev[i - 1] if i else 0)
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append([0 if line[x >> 3] & (0x80 >> (x & 7)) else 1
                     for x in range(w)])
        prev = line
    return w, h, rows


class EasyQr(lt.TestCase):
    def setUp(self):
        self.d = lt.scratch("easyqr")

    def qr(self, *args, check=True):
        return lt.run(self.d, "easy", "qr", *args, check=check)

    def modules_equal(self, png, svg, px):
        w, h, rows = png_modules(png)
        self.assertEqual(w, h)
        self.assertEqual(w % px, 0)
        n = w // px
        # every module is a uniform px x px block
        for y in range(h):
            for x in range(w):
                self.assertEqual(rows[y][x], rows[y - y % px][x - x % px])
        grid = [[rows[y * px][x * px] for x in range(n)] for y in range(n)]
        # quiet zone of 4 modules
        for i in range(n):
            for j in list(range(4)) + list(range(n - 4, n)):
                self.assertEqual(grid[i][j], 0)
                self.assertEqual(grid[j][i], 0)
        root = ET.parse(svg).getroot()
        self.assertEqual(root.tag, SVG_NS + "svg")
        self.assertEqual(root.get("viewBox"), "0 0 %d %d" % (n, n))
        self.assertEqual(root.get("width"), str(n * px))
        self.assertEqual(root.get("shape-rendering"), "crispEdges")
        paths = root.findall(SVG_NS + "path")
        self.assertEqual(len(paths), 1)
        d = paths[0].get("d")
        sgrid = [[0] * n for _ in range(n)]
        runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", d)
        self.assertEqual("".join("M%s %sh%sv1h-%sz" % r for r in runs), d)
        for x, y, k, k2 in runs:
            self.assertEqual(k, k2)
            for i in range(int(k)):
                sgrid[int(y)][int(x) + i] = 1
        self.assertEqual(sgrid, grid)

    @unittest.skipIf(ZBAR is None, "zbarimg fehlt (Debian-Paket zbar-tools)")
    def test_png_decodes_to_url_and_svg_matches(self):
        for i, url in enumerate(URLS):
            png = os.path.join(self.d, "q%d.png" % i)
            svg = os.path.join(self.d, "q%d.svg" % i)
            px = 3 + i % 3
            p = self.qr("--url", url, "--png", png, "--svg", svg,
                        "--size", px)
            self.assertEqual(p.stdout, url + "\n")
            out = subprocess.run([ZBAR, "--raw", "-q", png],
                                 capture_output=True).stdout
            self.assertEqual(out.decode("utf-8").rstrip("\n"), url)
            self.modules_equal(png, svg, px)

    def test_svg_only_default_size(self):
        svg = os.path.join(self.d, "a.svg")
        self.qr("--url", URLS[0], "--svg", svg)
        root = ET.parse(svg).getroot()
        n = int(root.get("viewBox").split()[2])
        self.assertEqual(root.get("width"), str(8 * n))
        self.assertEqual((n - 8 - 17) % 4, 0)  # QR version size + quiet zone

    def test_bad_urls_write_nothing(self):
        png = os.path.join(self.d, "keep.png")
        lt.write(png, b"alt")
        svg = os.path.join(self.d, "neu.svg")
        bad = ["ftp://www.kreis.example/x", "www.kreis.example/leicht",
               "https://www.kreis.example/Müll",
               "https://www.kreis.example/zwei teile", "https://",
               "https://www.kreis.example/" + "a" * 1100]
        for url in bad:
            p = self.qr("--url", url, "--png", png, "--svg", svg, check=False)
            self.assertEqual(p.returncode, 1, url)
            self.assertIn("Adresse", p.stderr)
            self.assertEqual(p.stdout, "")
            with open(png, "rb") as f:
                self.assertEqual(f.read(), b"alt")
            self.assertFalse(os.path.exists(svg))
        self.assertEqual(sorted(os.listdir(self.d)), ["keep.png"])

    def test_unwritable_target_writes_nothing(self):
        png = os.path.join(self.d, "a.png")
        svg = os.path.join(self.d, "fehlt", "a.svg")
        p = self.qr("--url", URLS[0], "--png", png, "--svg", svg,
                    check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("fehlt/a.svg", p.stderr)
        self.assertEqual(os.listdir(self.d), [])

    def test_usage_errors(self):
        for args in ([], ["--url", URLS[0], "--id", "a"],
                     ["--url", URLS[0], "--base-url", "https://x.example"],
                     ["--url", URLS[0], "--size", "0"],
                     ["--url", URLS[0], "--size", "65"],
                     ["--url", URLS[0], "--size", "3x"],
                     ["--url", URLS[0], "--png", "a", "--svg", "a"],
                     ["--url", URLS[0], "extra"]):
            p = self.qr(*args, check=False)
            self.assertEqual(p.returncode, 2, args)
        self.assertEqual(os.listdir(self.d), [])

    def test_permanent_address(self):
        p = self.qr("--id", "2026-bau-0042", "--base-url",
                    "https://www.kreis.example/buergerservice/")
        self.assertEqual(p.stdout, "https://www.kreis.example/buergerservice"
                                   "/leicht/2026-bau-0042\n")
        # without --base-url: no lotse.conf -> clear error
        p = self.qr("--id", "a", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("public_url", p.stderr)
        # [server] public_url from the workspace's lotse.conf
        lt.write(os.path.join(self.d, "lotse.conf"),
                 "[server]\npublic_url = https://kreis.example\n")
        svg = os.path.join(self.d, "p.svg")
        p = self.qr("--id", "Bescheid_7.v2", "--svg", svg)
        self.assertEqual(p.stdout, "https://kreis.example/leicht/"
                                   "Bescheid_7.v2\n")
        self.assertTrue(os.path.exists(svg))
        for bad in ("../geheim", "-a", "Bürger", "a/b", "x" * 65):
            p = self.qr("--id", bad, check=False)
            self.assertEqual(p.returncode, 1, bad)
            self.assertIn("Kennung", p.stderr)

    def test_help_matches_docs(self):
        with open(os.path.join(lt.SRC, "docs", "cli", "easy-qr.md"),
                  encoding="utf-8") as f:
            page = f.read()
        syn = re.search(r"^Synopsis: (.*)$", page, re.M).group(1)
        out = subprocess.run([lt.BIN, "easy", "qr", "-h"],
                             capture_output=True, text=True).stdout
        self.assertIn("Aufruf: " + syn + "\n", out)
        for opt in re.findall(r"--([a-z][a-z-]+)", out):
            if opt not in ("help", "workspace"):
                self.assertIn("--" + opt, page, opt)


if __name__ == "__main__":
    unittest.main()
