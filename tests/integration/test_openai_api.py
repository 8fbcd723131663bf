#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
#
# tests/integration/test_openai_api.py — black-box tests of the
# OpenAI-compatible API (docs/api/v1-*.md, server/api/v1-*.json) against
# the real `lotse serve --model` with a tiny synthetic model
# (`lotse model synth`), and of the `openai` backend against it.
#
# What must hold: the reply shapes of OpenAI; greedy (temperature 0)
# answers are deterministic; a stream's deltas add up to the whole answer;
# json_schema output parses; bad bodies are 400 with a German message and
# leave the server healthy; concurrent requests get exactly their own
# answers; a client that disconnects stops its generation (seen in
# /metrics, no timing involved); `lotse generate --backend openai` against
# the server prints what `lotse generate -m` prints. Servers stop with
# SIGTERM and must exit 0 (under the sanitizer build: no leaks).
# Every call names an application ("model") that the fixture registers,
# classifies and approves through the CLI, and is made as a user of a
# permitted unit (development token); the gate itself is tested in
# test_v1_gate.py.
#
# Environment: LOTSE_BIN, LOTSE_TEST_TMP, LOTSE_SOURCE_DIR. Python 3
# standard library only (no openai package).

import base64
import codecs
import concurrent.futures
import http.client
import json
import math
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_app_cli import all_no  # noqa: E402
from test_http import Server, schema_errors  # noqa: E402

LOTSE_BIN = os.environ.get("LOTSE_BIN", "lotse")
TMP_ROOT = os.environ.get("LOTSE_TEST_TMP", "/tmp/lotse-test")
SOURCE_DIR = os.environ.get("LOTSE_SOURCE_DIR", os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
REQ_TIMEOUT = 300  # seconds; the sanitizer build is slow
CTX = 512
MAX = 24  # tokens per answer in most tests

APP = "assistent"  # the application every call names as "model"
USER = "sb"        # a user of the permitted unit with the training
AUTH = "Bearer dev:" + USER
NOTICE = "Dieser Text wurde mit KI erstellt."

GERMAN = ("muss", "müssen", "Kein", "fehlt", "nicht", "Nur", "ungültig", "Höchstens", "darf",
          "wird", "abgelehnt", "Anfrage")


def governed_app(ws, slug=APP, unit="Sozialamt", classes="offen,intern",
                 notice=NOTICE, extra=(), people=True):
    """Users koord, fdl (approvers), sb (Sozialamt, trained) and bau
    (Bauamt, trained); the application slug created, classified (Art. 50:
    interacts with people, so class 2 with the notice) and approved through
    the CLI (people=False: the users exist already)."""
    def run(*a):
        return lt.run(ws, *a)
    if people:
        run("user", "add", "koord", "--unit", "Hauptamt")
        run("user", "add", "fdl", "--unit", "Sozialamt")
        run("user", "add", "sb", "--unit", "Sozialamt")
        run("user", "add", "bau", "--unit", "Bauamt")
        run("user", "grant", "koord", "ki_koordination")
        run("user", "grant", "fdl", "fachdienstleitung")
        run("training", "add", "ki-grundlagen", "--title", "KI-Grundlagen")
        for u in ("sb", "bau"):
            run("training", "grant", "ki-grundlagen", "--user", u)
    answers = all_no(ws)
    answers["art50_interaction"] = True
    path = lt.write(os.path.join(ws, "..", "answers-%s.json" % slug),
                    json.dumps(answers))
    run("app", "create", slug, "--name", "Assistent", "--purpose",
        "Texte entwerfen", "--unit", unit, "--classes", classes,
        "--training", "ki-grundlagen", *extra)
    run("app", "classify", slug, "--answers", path)
    run("app", "submit", slug)
    run("app", "approve", slug, "--user", "koord", "--role",
        "ki_koordination")
    run("app", "approve", slug, "--user", "fdl", "--role",
        "fachdienstleitung")
    if notice:
        run("app", "document", slug, "--kind", "transparenzhinweis", "--ref",
            notice)


def post(srv, path, body, headers=None, raw=False):
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=REQ_TIMEOUT)
    if not raw and isinstance(body, dict) and "model" not in body:
        body = dict(body, model=APP)
    try:
        h = {"Content-Type": "application/json", "Authorization": AUTH}
        h.update(headers or {})
        data = body if raw else json.dumps(body).encode("utf-8")
        c.request("POST", path, body=data, headers=h)
        r = c.getresponse()
        return r.status, r.headers, r.read()
    finally:
        c.close()


def get(srv, path, headers=None):
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=REQ_TIMEOUT)
    try:
        h = {"Authorization": AUTH}
        h.update(headers or {})
        c.request("GET", path, headers=h)
        r = c.getresponse()
        return r.status, r.headers, r.read()
    finally:
        c.close()


def sse_events(raw):
    """The data payloads of an event stream, in order."""
    text = raw.decode("utf-8")
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        lines = [l[5:].lstrip(" ") for l in block.split("\n")
                 if l.startswith("data:")]
        events.append("\n".join(lines))
    return events, text


def per_byte_replace(err):
    """Decoding error handler: one U+FFFD per invalid byte, as the server
    sanitises text (base/str.c lotse_utf8_sanitize)."""
    return "\ufffd" * (err.end - err.start), err.end


codecs.register_error("lotse_per_byte", per_byte_replace)


def as_text(raw):
    """Bytes a model printed, as the text the server would send."""
    return raw.decode("utf-8", errors="lotse_per_byte")


def metric(srv, name):
    _, _, body = get(srv, "/metrics")
    for line in body.decode("utf-8").splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


class OpenAIApiTest(unittest.TestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.root = os.path.join(TMP_ROOT, "openai-%d" % os.getpid())
        shutil.rmtree(cls.root, ignore_errors=True)
        os.makedirs(cls.root)
        cls.ws = os.path.join(cls.root, "ws")
        subprocess.run([LOTSE_BIN, "--workspace", cls.ws, "init", cls.ws],
                       check=True, capture_output=True)
        cls.model = os.path.join(cls.root, "tiny.gguf")
        p = subprocess.run(
            [LOTSE_BIN, "model", "synth", "-o", cls.model, "--arch", "qwen2",
             "--type", "Q8_0", "--shape", "tiny", "--chat-template", "chatml",
             "--n-ctx", str(CTX), "--name", "lotse-tiny"],
            capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("lotse model synth failed: " + p.stderr)
        info = subprocess.run([LOTSE_BIN, "model", "info", "--json",
                               cls.model], capture_output=True, text=True,
                              check=True)
        cls.n_embd = json.loads(info.stdout)["n_embd"]
        governed_app(cls.ws)
        cls.srv = Server(cls.ws, "openai", "--model", cls.model, "--ctx",
                         str(CTX), "--threads", "2", "--dev-tokens")
        cls.long_prompt = None

    @classmethod
    def tearDownClass(cls):
        if cls.srv is not None:
            rc, out = cls.srv.stop()
            if rc != 0 or b"lotse beendet" not in out:
                raise AssertionError("server exited %d:\n%s" % (
                    rc, cls.srv.stderr_text()))
        shutil.rmtree(cls.root, ignore_errors=True)

    # ------------------------------------------------------------ helpers

    def spec(self, name):
        with open(os.path.join(SOURCE_DIR, "server", "api", name + ".json"),
                  encoding="utf-8") as f:
            return json.load(f)

    def check_schema(self, name, status, body):
        spec = self.spec(name)
        reply = spec["reply_schema"].get(str(status))
        schema = reply["schema"] if reply else {"$ref": "#/definitions/error"}
        self.assertEqual(schema_errors(body, schema, spec), [], name)

    def chat(self, content, status=200, **opts):
        body = {"model": APP,
                "messages": [{"role": "user", "content": content}],
                "max_tokens": MAX, "temperature": 0}
        body.update(opts)
        st, h, raw = post(self.srv, "/v1/chat/completions", body)
        self.assertEqual(st, status, raw)
        if status == 200 and not opts.get("stream"):
            self.assertEqual(h["Content-Type"],
                             "application/json; charset=utf-8")
            res = json.loads(raw)
            self.check_schema("v1-chat-completions", 200, res)
            return res
        return raw

    def stream(self, path, body):
        st, h, raw = post(self.srv, path, dict(body, stream=True))
        self.assertEqual(st, 200, raw)
        self.assertEqual(h["Content-Type"], "text/event-stream; charset=utf-8")
        self.assertEqual(h["Cache-Control"], "no-store")
        events, text = sse_events(raw)
        self.assertTrue(text.endswith("data: [DONE]\n\n"), text[-200:])
        self.assertEqual(events[-1], "[DONE]")
        return [json.loads(e) for e in events[:-1]]

    def assert_error(self, status, raw, param="unset"):
        body = json.loads(raw)
        self.assertEqual(set(body), {"error"})
        err = body["error"]
        self.assertEqual(err["code"], status)
        self.assertIn(err["type"], ("invalid_request", "unavailable",
                                    "method_not_allowed", "unauthorized"))
        self.assertTrue(any(w in err["message"] for w in GERMAN),
                        err["message"])
        if param != "unset":
            self.assertEqual(err.get("param"), param, err)
        return err

    def assert_healthy(self):
        st, _, body = get(self.srv, "/healthz")
        self.assertEqual((st, json.loads(body)), (200, {"status": "ok"}))

    def find_long_prompt(self, n):
        """A prompt whose greedy answer runs to n tokens (no early end)."""
        for p in ("Der Landkreis", "Bauantrag", "a b c", "Hallo Welt",
                  "1 2 3 4", "Kreistag Sitzung", "xyz", "Musterhausen"):
            st, _, raw = post(self.srv, "/v1/completions",
                              {"prompt": p, "max_tokens": n,
                               "temperature": 0})
            self.assertEqual(st, 200, raw)
            if json.loads(raw)["choices"][0]["finish_reason"] == "length":
                return p
        self.skipTest("no prompt found whose greedy answer is %d tokens "
                      "long with this synthetic model" % n)

    # -------------------------------------------------------------- tests

    def test_models(self):
        st, h, raw = get(self.srv, "/v1/models")
        self.assertEqual(st, 200, raw)
        body = json.loads(raw)
        self.check_schema("v1-models", 200, body)
        self.assertEqual([m["id"] for m in body["data"]], [APP])
        self.assertEqual(body["data"][0]["owned_by"], "Sozialamt")
        self.assertEqual(h["X-Content-Type-Options"], "nosniff")

    def test_chat_shape_usage_and_greedy_determinism(self):
        a = self.chat("Was ist ein Bauantrag?")
        b = self.chat("Was ist ein Bauantrag?")
        self.assertEqual(a["object"], "chat.completion")
        self.assertRegex(a["id"], r"^chatcmpl-[0-9a-f]{24}$")
        self.assertNotEqual(a["id"], b["id"])
        ch = a["choices"][0]
        self.assertEqual(ch["message"]["role"], "assistant")
        self.assertIn(ch["finish_reason"], ("stop", "length"))
        u = a["usage"]
        self.assertGreater(u["prompt_tokens"], 0)
        self.assertLessEqual(u["completion_tokens"], MAX)
        self.assertGreater(u["completion_tokens"], 0)
        self.assertEqual(u["total_tokens"],
                         u["prompt_tokens"] + u["completion_tokens"])
        if ch["finish_reason"] == "length":
            self.assertEqual(u["completion_tokens"], MAX)
        # Greedy: the same request gives the same text and counts.
        self.assertEqual(ch["message"]["content"],
                         b["choices"][0]["message"]["content"])
        self.assertEqual(u, b["usage"])
        self.assertEqual(a["model"], b["model"])

    def test_stream_equals_whole_answer(self):
        for opts in ({"temperature": 0}, {"temperature": 0.9, "seed": 42}):
            with self.subTest(**opts):
                whole = self.chat("Erzähl vom Kreistag", **opts)
                chunks = self.stream("/v1/chat/completions", dict(
                    messages=[{"role": "user",
                               "content": "Erzähl vom Kreistag"}],
                    max_tokens=MAX, stream_options={"include_usage": True},
                    **opts))
                first = chunks[0]
                self.assertEqual(first["object"], "chat.completion.chunk")
                self.assertEqual(first["choices"][0]["delta"]["role"],
                                 "assistant")
                ids = {c["id"] for c in chunks}
                self.assertEqual(len(ids), 1)
                text = "".join(c["choices"][0]["delta"].get("content", "")
                               for c in chunks if c["choices"])
                self.assertEqual(text, whole["choices"][0]["message"]
                                 ["content"])
                fin = [c for c in chunks if c["choices"] and
                       c["choices"][0]["finish_reason"]]
                self.assertEqual(len(fin), 1)
                self.assertEqual(fin[0]["choices"][0]["finish_reason"],
                                 whole["choices"][0]["finish_reason"])
                self.assertEqual(chunks[-1]["choices"], [])
                self.assertEqual(chunks[-1]["usage"], whole["usage"])

    def test_completions_whole_and_streamed(self):
        body = {"prompt": "Der Landkreis", "max_tokens": MAX,
                "temperature": 0}
        st, _, raw = post(self.srv, "/v1/completions", body)
        self.assertEqual(st, 200, raw)
        res = json.loads(raw)
        self.check_schema("v1-completions", 200, res)
        self.assertEqual(res["object"], "text_completion")
        self.assertRegex(res["id"], r"^cmpl-[0-9a-f]{24}$")
        st, _, raw2 = post(self.srv, "/v1/completions", body)
        self.assertEqual(json.loads(raw2)["choices"][0]["text"],
                         res["choices"][0]["text"])
        chunks = self.stream("/v1/completions", body)
        self.assertEqual("".join(c["choices"][0]["text"] for c in chunks),
                         res["choices"][0]["text"])
        self.assertEqual(chunks[-1]["choices"][0]["finish_reason"],
                         res["choices"][0]["finish_reason"])

    def test_embeddings(self):
        st, _, raw = post(self.srv, "/v1/embeddings",
                          {"input": "Hundesteuer", "model": APP})
        self.assertEqual(st, 200, raw)
        one = json.loads(raw)
        self.check_schema("v1-embeddings", 200, one)
        v = one["data"][0]["embedding"]
        self.assertEqual(len(v), self.n_embd)
        self.assertAlmostEqual(math.sqrt(sum(x * x for x in v)), 1.0,
                               places=4)
        texts = ["Müllabfuhr", "Hundesteuer", "Zulassung von Fahrzeugen"]
        st, _, raw = post(self.srv, "/v1/embeddings", {"input": texts})
        self.assertEqual(st, 200, raw)
        many_res = json.loads(raw)
        many = many_res["data"]
        # usage counts the tokens the model saw (BOS included, as
        # `lotse tokenize` without --no-bos reports them).
        n_tok = sum(len(subprocess.run(
            [LOTSE_BIN, "tokenize", "-m", self.model, t], check=True,
            capture_output=True, text=True).stdout.split()) for t in texts)
        self.assertGreater(n_tok, len(texts))
        self.assertEqual(many_res["usage"],
                         {"prompt_tokens": n_tok, "total_tokens": n_tok})
        self.assertEqual([d["index"] for d in many], [0, 1, 2])
        for d in many:
            self.assertEqual(len(d["embedding"]), self.n_embd)
        # The same text in a list gives the same vector.
        for a, b in zip(v, many[1]["embedding"]):
            self.assertAlmostEqual(a, b, places=5)
        self.assertNotEqual(many[0]["embedding"], many[1]["embedding"])
        # base64: little-endian float32 of the same numbers.
        st, _, raw = post(self.srv, "/v1/embeddings",
                          {"input": ["Hundesteuer"],
                           "encoding_format": "base64"})
        self.assertEqual(st, 200, raw)
        b64 = json.loads(raw)["data"][0]["embedding"]
        floats = struct.unpack("<%df" % self.n_embd, base64.b64decode(b64))
        for a, b in zip(v, floats):
            self.assertAlmostEqual(a, b, places=6)

    def test_json_schema_response_format(self):
        schema = {"type": "object",
                  "properties": {"stadt": {"enum": ["Kiel", "Ulm", "Hof"]},
                                 "offen": {"type": "boolean"}},
                  "required": ["stadt", "offen"]}
        res = self.chat("Gib JSON aus", max_tokens=200, response_format={
            "type": "json_schema",
            "json_schema": {"name": "ort", "schema": schema}})
        doc = json.loads(res["choices"][0]["message"]["content"])
        self.assertIn(doc["stadt"], ("Kiel", "Ulm", "Hof"))
        self.assertIsInstance(doc["offen"], bool)

    def test_bad_bodies_400(self):
        chat = "/v1/chat/completions"
        msgs = [{"role": "user", "content": "x"}]
        cases = [
            (chat, b"{nicht json", None),
            (chat, b"[1, 2]", None),
            (chat, b"", None),
            (chat, {}, "messages"),
            (chat, {"messages": []}, "messages"),
            (chat, {"messages": "Hallo"}, "messages"),
            (chat, {"messages": [{"role": "boss", "content": "x"}]},
             "messages"),
            (chat, {"messages": [{"role": "user", "content": 7}]},
             "messages"),
            (chat, {"messages": [{"role": "user", "content": [
                {"type": "image_url", "image_url": {"url": "x"}}]}]},
             "messages"),
            (chat, {"messages": msgs, "temperature": 5}, "temperature"),
            (chat, {"messages": msgs, "temperature": "warm"}, "temperature"),
            (chat, {"messages": msgs, "max_tokens": 0}, "max_tokens"),
            (chat, {"messages": msgs, "max_tokens": 1.5}, "max_tokens"),
            (chat, {"messages": msgs, "n": 2}, "n"),
            (chat, {"messages": msgs, "stop": [""]}, "stop"),
            (chat, {"messages": msgs, "stop": ["x"] * 17}, "stop"),
            (chat, {"messages": msgs, "stop": 3}, "stop"),
            (chat, {"messages": msgs, "stream": "ja"}, "stream"),
            (chat, {"messages": msgs, "seed": "abc"}, "seed"),
            (chat, {"messages": msgs, "top_k": -1}, "top_k"),
            (chat, {"messages": msgs, "frequency_penalty": 1},
             "frequency_penalty"),
            (chat, {"messages": msgs, "response_format": {"type": "xml"}},
             "response_format"),
            (chat, {"messages": msgs, "response_format": {
                "type": "json_schema", "json_schema": {"name": "x"}}},
             "response_format"),
            (chat, {"messages": msgs, "tools": [{"type": "function"}]},
             "tools"),
            (chat, {"messages": msgs, "logprobs": True}, "logprobs"),
            ("/v1/completions", {}, "prompt"),
            ("/v1/completions", {"prompt": ["a", "b"]}, "prompt"),
            ("/v1/completions", {"prompt": "a", "echo": True}, "echo"),
            ("/v1/embeddings", {}, "input"),
            ("/v1/embeddings", {"input": []}, "input"),
            ("/v1/embeddings", {"input": [1, 2, 3]}, "input"),
            ("/v1/embeddings", {"input": ""}, "input"),
            ("/v1/embeddings", {"input": "x", "encoding_format": "hex"},
             "encoding_format"),
        ]
        for path, body, param in cases:
            with self.subTest(path=path, body=body):
                raw_body = isinstance(body, bytes)
                st, h, raw = post(self.srv, path, body, raw=raw_body)
                self.assertEqual(st, 400, raw)
                self.assertEqual(h["Content-Type"],
                                 "application/json; charset=utf-8")
                self.assert_error(400, raw, param)
        # Refused by the model after validation: no single field.
        st, _, raw = post(self.srv, "/v1/embeddings",
                          {"input": "x", "dimensions": self.n_embd + 1})
        self.assertEqual(st, 400, raw)
        self.assert_error(400, raw, None)
        long_text = "Landkreis Musterhausen " * (CTX * 2)
        st, _, raw = post(self.srv, chat, {"messages": [
            {"role": "user", "content": long_text}], "max_tokens": 4})
        self.assertEqual(st, 400, raw)
        self.assert_error(400, raw, None)
        st, _, raw = post(self.srv, chat, {"messages": [
            {"role": "user", "content": long_text}], "max_tokens": 4,
            "stream": True})
        self.assertEqual(st, 400, raw)  # refused before the stream starts
        self.assert_healthy()

    def test_methods_and_auth(self):
        st, h, raw = get(self.srv, "/v1/chat/completions")
        self.assertEqual(st, 405)
        self.assertEqual(h["Allow"], "POST")
        st, h, raw = post(self.srv, "/v1/models", {})
        self.assertEqual(st, 405)
        self.assertEqual(h["Allow"], "GET, HEAD")
        # The server's policy for Authorization holds here too.
        st, _, raw = post(self.srv, "/v1/chat/completions",
                          {"messages": [{"role": "user", "content": "x"}]},
                          {"Authorization": "Bearer sk-test"})
        self.assertEqual(st, 401, raw)

    def test_concurrent_requests_get_their_own_answers(self):
        prompts = ["Frage %d: Wann ist die Sprechstunde?" % i
                   for i in range(8)]
        sequential = [self.chat(p)["choices"][0]["message"]["content"]
                      for p in prompts]
        self.assertGreater(len(set(sequential)), 1)

        def run(i):
            if i % 2:
                chunks = self.stream("/v1/chat/completions", {
                    "messages": [{"role": "user", "content": prompts[i]}],
                    "max_tokens": MAX, "temperature": 0})
                return "".join(c["choices"][0]["delta"].get("content", "")
                               for c in chunks if c["choices"])
            return self.chat(prompts[i])["choices"][0]["message"]["content"]

        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            futs = [ex.submit(run, i) for i in range(8)]
            # Waiting requests hold no server thread: /healthz answers.
            self.assert_healthy()
            got = [f.result() for f in futs]
        self.assertEqual(got, sequential)

    def test_disconnect_stops_generation(self):
        n = CTX - 64
        prompt = self.find_long_prompt(n)
        gen0 = metric(self.srv, "lotse_llm_generations_total")
        can0 = metric(self.srv, "lotse_llm_generations_cancelled_total")
        tok0 = metric(self.srv, "lotse_llm_completion_tokens_total")
        body = json.dumps({"model": APP, "prompt": prompt, "max_tokens": n,
                           "temperature": 0, "stream": True}).encode()
        s = socket.create_connection((self.srv.host, self.srv.port),
                                     timeout=REQ_TIMEOUT)
        s.sendall(b"POST /v1/completions HTTP/1.1\r\nHost: t\r\n"
                  b"Authorization: " + AUTH.encode() + b"\r\n"
                  b"Content-Type: application/json\r\nContent-Length: " +
                  str(len(body)).encode() + b"\r\n\r\n" + body)
        got = b""
        while b'"text":"' not in got.split(b"\r\n\r\n", 1)[-1]:
            chunk = s.recv(4096)
            self.assertTrue(chunk, got)
            got += chunk
        self.assertTrue(got.startswith(b"HTTP/1.1 200"), got[:100])
        s.close()  # the client goes away after the first piece
        deadline = time.monotonic() + REQ_TIMEOUT
        while metric(self.srv, "lotse_llm_generations_total") == gen0:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        self.assertEqual(metric(self.srv,
                                "lotse_llm_generations_cancelled_total"),
                         can0 + 1)
        # It stopped early: far fewer tokens than asked for.
        self.assertLess(metric(self.srv, "lotse_llm_completion_tokens_total")
                        - tok0, n)
        self.assert_healthy()

    def test_disconnect_stops_non_streamed_generation(self):
        # Without streaming nothing is sent until the end, so the server
        # must notice the hang-up on the suspended connection itself.
        n = CTX - 64
        prompt = self.find_long_prompt(n)
        gen0 = metric(self.srv, "lotse_llm_generations_total")
        can0 = metric(self.srv, "lotse_llm_generations_cancelled_total")
        tok0 = metric(self.srv, "lotse_llm_completion_tokens_total")
        body = json.dumps({"model": APP, "prompt": prompt, "max_tokens": n,
                           "temperature": 0}).encode()
        s = socket.create_connection((self.srv.host, self.srv.port),
                                     timeout=REQ_TIMEOUT)
        s.sendall(b"POST /v1/completions HTTP/1.1\r\nHost: t\r\n"
                  b"Authorization: " + AUTH.encode() + b"\r\n"
                  b"Content-Type: application/json\r\nContent-Length: " +
                  str(len(body)).encode() + b"\r\n\r\n" + body)
        s.close()  # at once: a generation of n tokens takes far longer
        deadline = time.monotonic() + REQ_TIMEOUT
        while metric(self.srv, "lotse_llm_generations_total") == gen0:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        self.assertEqual(metric(self.srv,
                                "lotse_llm_generations_cancelled_total"),
                         can0 + 1)
        self.assertLess(metric(self.srv, "lotse_llm_completion_tokens_total")
                        - tok0, n)
        self.assert_healthy()

    def test_openai_backend_matches_builtin(self):
        h = subprocess.run([LOTSE_BIN, "generate", "-h"], capture_output=True,
                           text=True)
        if "--backend" not in h.stdout:
            self.skipTest("lotse generate --backend does not exist yet")
        url = "http://%s:%d/v1" % (self.srv.host, self.srv.port)
        for chat in ([], ["--chat"]):
            with self.subTest(chat=bool(chat)):
                common = ["--temp", "0", "--max-tokens", "16"] + chat
                remote = subprocess.run(
                    [LOTSE_BIN, "generate", "--backend", "openai",
                     "--base-url", url, "--api-key", "dev:" + USER,
                     "--model-name", APP] + common + ["Der Kreistag tagt"],
                    capture_output=True, timeout=REQ_TIMEOUT)
                local = subprocess.run(
                    [LOTSE_BIN, "generate", "-m", self.model, "--ctx",
                     str(CTX)] + common + ["Der Kreistag tagt"],
                    capture_output=True, timeout=REQ_TIMEOUT)
                self.assertEqual(remote.returncode, 0, remote.stderr)
                self.assertEqual(local.returncode, 0, local.stderr)
                # A random model may emit bytes that are not UTF-8; the
                # server replaces them, so compare as the server sends.
                self.assertEqual(as_text(remote.stdout),
                                 as_text(local.stdout))
                self.assertTrue(local.stdout)
        # A wrong address is a clear error, not a hang or crash.
        bad = subprocess.run(
            [LOTSE_BIN, "generate", "--backend", "openai", "--base-url",
             "http://127.0.0.1:9/v1", "--temp", "0", "x"],
            capture_output=True, text=True, timeout=REQ_TIMEOUT)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("127.0.0.1:9", bad.stderr)

    def test_without_model_503(self):
        srv = Server(self.ws, "nomodel", "--dev-tokens")
        try:
            st, _, raw = get(srv, "/v1/models")
            self.assertEqual(st, 503, raw)
            self.assertIn("Kein Sprachmodell",
                          self.assert_error(503, raw, None)["message"])
            st, _, raw = post(srv, "/v1/chat/completions", {
                "messages": [{"role": "user", "content": "x"}]})
            self.assertEqual(st, 503, raw)
        finally:
            rc, out = srv.stop()
        self.assertEqual(rc, 0, srv.stderr_text())

    def test_sigterm_during_stream(self):
        srv = Server(self.ws, "term", "--model", self.model, "--ctx",
                     str(CTX), "--dev-tokens")
        try:
            body = json.dumps({"model": APP, "prompt": "Der Landkreis",
                               "max_tokens": 400,
                               "temperature": 0, "stream": True}).encode()
            socks = []
            for _ in range(3):  # one streams, two wait in the queue
                s = socket.create_connection((srv.host, srv.port),
                                             timeout=REQ_TIMEOUT)
                s.sendall(b"POST /v1/completions HTTP/1.1\r\nHost: t\r\n"
                          b"Authorization: " + AUTH.encode() + b"\r\n"
                          b"Content-Length: " + str(len(body)).encode() +
                          b"\r\n\r\n" + body)
                socks.append(s)
            socks[0].recv(100)
            srv.proc.send_signal(signal.SIGTERM)
            for s in socks:
                try:
                    while s.recv(65536):
                        pass
                except OSError:
                    pass
                s.close()
        finally:
            rc, out = srv.stop()
        self.assertEqual(rc, 0, srv.stderr_text())
        self.assertIn(b"lotse beendet", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
