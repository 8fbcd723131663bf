# SPDX-License-Identifier: EUPL-1.2
"""Chat template parity: lotse's Jinja subset against the references.

For every template in tests/unit/llm/data/templates/*.jinja (the official
Llama-3.1-8B / Llama-3.2-3B / Qwen2.5-7B / Qwen3 / Mistral-7B-v0.3 chat
templates and lotse's probe) and every conversation in cases.json:
  1. tests/reference/chat_render.mjs renders them with @huggingface/jinja
     (the JS port transformers.js uses); the result must equal the committed
     fixture expected.json (so the unit test's fixture is the reference's
     output, not lotse's);
  2. when Python's jinja2 is importable, it renders them configured exactly
     like transformers' apply_chat_template (trim_blocks, lstrip_blocks,
     loopcontrols, json.dumps tojson, raise_exception, strftime_now) and
     must agree with the JS reference, so both references vouch for the
     fixture;
  3. lotse renders them through the cmocka unit test binary, pointed at the
     freshly generated file with LOTSE_CHAT_EXPECTED: every rendering must
     be byte-identical (and raise_exception messages equal). Cases with
     "tools" and tool-call messages exercise the templates' tool branches
     through llm_chat_render_vars.
A differential test then renders 2,000 generated templates that mix text,
newlines and blanks with {%- -%} {%+ +%} {{- -}} {#- -#} tags, if/else/for
and set (fixed seed) with Python jinja2 and with lotse (the unit binary's
batch mode): whitespace handling must agree on every one.
The unit test binary is $LOTSE_CHAT_TEST_BIN, or tests/unit_llm_test_chat_
template next to $LOTSE_BIN. Skips (passes with a message) when node or
tests/reference/node_modules/@huggingface/jinja is missing.
"""
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

REF = os.path.join(lt.SRC, "tests", "reference")
DATA = os.path.join(lt.SRC, "tests", "unit", "llm", "data", "templates")
JINJA_JS = os.path.join(REF, "node_modules", "@huggingface", "jinja")


def unit_binary():
    path = os.environ.get("LOTSE_CHAT_TEST_BIN")
    if not path:
        build = os.path.dirname(os.path.abspath(lt.BIN))
        path = os.path.join(build, "tests", "unit_llm_test_chat_template")
    return path if os.access(path, os.X_OK) else None


def python_reference(spec):
    """Renders with jinja2 as transformers does; None if jinja2 is absent."""
    try:
        import jinja2
        from jinja2.ext import loopcontrols
        from jinja2.sandbox import ImmutableSandboxedEnvironment
    except ImportError:
        return None
    now = datetime.datetime.fromisoformat(spec["now"].replace("Z", "+00:00"))

    def raise_exception(msg):
        raise jinja2.exceptions.TemplateError(msg)

    def tojson(x, ensure_ascii=False, indent=None, separators=None,
               sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent,
                          separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: now.strftime(fmt)
    out = {}
    for name in sorted(f for f in os.listdir(DATA) if f.endswith(".jinja")):
        meta = spec["templates"].get(name, {})
        with open(os.path.join(DATA, name), encoding="utf-8") as f:
            tmpl = env.from_string(f.read())
        for c in spec["cases"]:
            key = name + "/" + c["name"]
            extra = {"tools": c["tools"]} if "tools" in c else {}
            try:
                out[key] = {"output": tmpl.render(
                    messages=c["messages"],
                    add_generation_prompt=c["add_generation_prompt"],
                    bos_token=meta.get("bos_token", ""),
                    eos_token=meta.get("eos_token", ""),
                    enable_thinking=c["enable_thinking"], **extra)}
            except Exception as e:  # noqa: BLE001 (any template error)
                out[key] = {"error": str(e)}
    return out


MSGS4 = [{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"},
         {"role": "assistant", "content": "Yo"},
         {"role": "user", "content": "Bye"}]


def whitespace_templates(seed, n):
    """Random mixes of text, whitespace and tags with every modifier."""
    rnd = random.Random(seed)
    text = ["", " ", "  ", "\n", "\n\n", " \n ", "\t", "x", " y ", "\n  ",
            "  \n", "\r\n", "a\n", "\n b"]

    def tag(inner):
        return ("{%" + rnd.choice(["", "", "-", "+"]) + " " + inner + " " +
                rnd.choice(["", "", "-", "+"]) + "%}")

    def piece(d):
        c = rnd.randrange(7)
        if c == 1:
            return ("{{" + rnd.choice(["", "-"]) + " " +
                    rnd.choice(["'v'", "messages[1].role", "' s '",
                                "loop.index if loop is defined else 0"]) +
                    " " + rnd.choice(["", "-"]) + "}}")
        if c == 2:
            return "{#" + rnd.choice(["", "-"]) + " c " + rnd.choice(
                ["", "-"]) + "#}"
        if c == 3 and d < 3:
            return (tag("if " + rnd.choice(["true", "false", "messages"])) +
                    seq(d + 1) + (tag("else") + seq(d + 1)
                                  if rnd.random() < 0.4 else "") +
                    tag("endif"))
        if c == 4 and d < 3:
            return tag("for m in messages[:2]") + seq(d + 1) + tag("endfor")
        if c == 5:
            return tag("set z = 1")
        return rnd.choice(text)

    def seq(d):
        return "".join(rnd.choice(text) + piece(d)
                       for _ in range(rnd.randrange(1, 4))) + rnd.choice(text)

    return [seq(0) for _ in range(n)]


class ChatTemplateParity(lt.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(JINJA_JS) or not shutil.which("node"):
            raise unittest.SkipTest(
                "reference not available (%s): run `cd tests/reference && "
                "npm ci --omit=optional`" %
                ("node" if os.path.isdir(JINJA_JS) else JINJA_JS))
        env = dict(os.environ, TZ="UTC")
        p = subprocess.run(["node", "chat_render.mjs", DATA], cwd=REF,
                           capture_output=True, text=True, timeout=300,
                           env=env)
        if p.returncode != 0:
            raise AssertionError("chat_render.mjs failed: " + p.stderr[-2000:])
        cls.js_text = p.stdout
        cls.js = json.loads(p.stdout)
        with open(os.path.join(DATA, "cases.json"), encoding="utf-8") as f:
            cls.spec = json.load(f)
        cls.dir = lt.scratch("chat-parity")

    def test_fixture_is_reference_output(self):
        with open(os.path.join(DATA, "expected.json"), encoding="utf-8") as f:
            committed = json.load(f)
        stale = sorted(k for k in set(self.js) | set(committed)
                       if self.js.get(k) != committed.get(k))
        self.assertEqual(stale, [], "expected.json is stale; regenerate it "
                         "(see tests/unit/llm/data/templates/README.md)")
        n_tmpl = len([f for f in os.listdir(DATA) if f.endswith(".jinja")])
        self.assertEqual(len(self.js), n_tmpl * len(self.spec["cases"]))

    def test_python_jinja2_agrees(self):
        py = python_reference(self.spec)
        if py is None:
            self.skipTest("python3 jinja2 not installed")
        diff = sorted(k for k in self.js if self.js[k] != py.get(k))
        self.assertEqual(diff, [], "JS and Python references disagree")

    def test_lotse_renders_identically(self):
        binary = unit_binary()
        if not binary:
            self.skipTest("unit test binary not found; set LOTSE_CHAT_TEST_BIN")
        fresh = os.path.join(self.dir, "expected.json")
        with open(fresh, "w", encoding="utf-8") as f:
            f.write(self.js_text)
        env = dict(os.environ, LOTSE_CHAT_EXPECTED=fresh,
                   LOTSE_SOURCE_DIR=lt.SRC)
        p = subprocess.run([binary], capture_output=True, text=True,
                           timeout=300, env=env)
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr[-4000:])
        self.assertIn("renderings match", p.stdout)
        for line in p.stdout.splitlines():
            if "renderings match" in line:
                print(line, file=sys.stderr)

    def test_whitespace_control_differential(self):
        try:
            import jinja2
            from jinja2.ext import loopcontrols
            from jinja2.sandbox import ImmutableSandboxedEnvironment
        except ImportError:
            self.skipTest("python3 jinja2 not installed")
        binary = unit_binary()
        if not binary:
            self.skipTest("unit test binary not found; set LOTSE_CHAT_TEST_BIN")
        templates = whitespace_templates(20261126, 2000)
        src = os.path.join(self.dir, "ws-in.json")
        dst = os.path.join(self.dir, "ws-out.json")
        with open(src, "w", encoding="utf-8") as f:
            json.dump(templates, f)
        env = dict(os.environ, LOTSE_CHAT_RENDER_BATCH=src,
                   LOTSE_CHAT_RENDER_OUT=dst)
        p = subprocess.run([binary], capture_output=True, text=True,
                           timeout=300, env=env)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        with open(dst, encoding="utf-8") as f:
            mine = json.load(f)
        jenv = ImmutableSandboxedEnvironment(trim_blocks=True,
                                             lstrip_blocks=True,
                                             extensions=[loopcontrols])
        bad = []
        for t, m in zip(templates, mine):
            try:
                ref = {"output": jenv.from_string(t).render(
                    messages=MSGS4, add_generation_prompt=True,
                    bos_token="<s>", eos_token="</s>", enable_thinking=True)}
            except jinja2.TemplateError as e:
                ref = {"error": str(e)}
            if ("error" in ref) != ("error" in m) or \
                    ref.get("output") != m.get("output"):
                bad.append((t, ref, m))
        self.assertEqual(len(mine), len(templates))
        self.assertEqual(bad[:5], [], "%d of %d templates differ" %
                         (len(bad), len(templates)))


if __name__ == "__main__":
    unittest.main()
