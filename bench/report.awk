# SPDX-License-Identifier: EUPL-1.2
#
# bench/report.awk — turns the R lines of bench_search, bench_xapian and
# run.sh ("R<TAB>engine<TAB>key<TAB>value") into the Markdown table of
# docs/BENCHMARKS.md and the verdict against the goals of the issue.
# Engines: lotse, xapian (with snippets), xapian-nosnippet, machine, compare.
# A missing value prints as "—" (e.g. when Xapian was not built).

BEGIN { FS = "\t" }
$1 == "R" { v[$2, $3] = $4; seen[$2] = 1 }

function get(e, k) { return ((e, k) in v) ? v[e, k] : "" }
function num(e, k, d,   x) {
  x = get(e, k)
  return x == "" ? "—" : sprintf("%." d "f", x)
}
function mb(e, k,   x) {
  x = get(e, k)
  return x == "" ? "—" : sprintf("%.2f MB", x / 1e6)
}
function ms(e, k,   x) {
  x = get(e, k)
  return x == "" ? "—" : sprintf("%.2f ms", x)
}
function with(x, t) { return x == "—" ? x : x t }
function row(label, a, b, c) {
  printf "| %s | %s | %s | %s |\n", label, a, b, c
}
function pass(ok) { return ok ? "**met**" : "**missed**" }

END {
  xv = get("machine", "xapian")
  if (xv == "") xv = "not built"
  printf "Machine: %s, %s vCPU, %s; SQLite %s, Xapian %s; %s, load average before the run %s\n\n",
    get("machine", "cpu"), get("machine", "nproc"), get("machine", "mem"),
    get("machine", "sqlite"), xv, get("machine", "date"), get("machine", "load")
  print "| | lotse | Xapian (with snippets) | Xapian (no snippets) |"
  print "|---|---:|---:|---:|"
  row("Files indexed (failed)", get("lotse", "files") " (" get("lotse", "failed") ")",
      get("xapian", "files") == "" ? "—" : get("xapian", "files") " (" get("xapian", "failed") ")", "same index")
  row("Input bytes read", mb("lotse", "bytes_in"), mb("xapian", "bytes_in"), "")
  row("Text indexed", with(mb("lotse", "text_bytes"), " extracted"), with(mb("xapian", "text_bytes"), " raw file text"), "")
  row("Indexed units", get("lotse", "passages") " passages", get("xapian", "passages") == "" ? "—" : get("xapian", "passages") " documents", "")
  row("Indexing wall time", with(num("lotse", "index_seconds", 2), " s"), with(num("xapian", "index_seconds", 2), " s"), "")
  row("Indexing CPU time (user + system)", with(num("lotse", "index_cpu_seconds", 2), " s"), with(num("xapian", "index_cpu_seconds", 2), " s"), "")
  row("Ingestion, MB/s of text", "**" num("lotse", "mbps_text", 2) "**", num("xapian", "mbps_text", 2), "")
  row("Ingestion, MB/s of input", num("lotse", "mbps_in", 2), num("xapian", "mbps_in", 2), "")
  row("Index size on disk", mb("lotse", "index_bytes"), mb("xapian", "index_bytes"), "")
  row("Queries × rounds (samples)", get("lotse", "queries") " × " get("lotse", "samples") / (get("lotse", "queries") ? get("lotse", "queries") : 1) " (" get("lotse", "samples") ")",
      get("xapian", "samples") == "" ? "—" : get("xapian", "samples"), get("xapian-nosnippet", "samples") == "" ? "—" : get("xapian-nosnippet", "samples"))
  split("p50_ms p95_ms p99_ms mean_ms max_ms", ks, " ")
  split("Query latency p50|Query latency p95|Query latency p99|Query latency mean|Query latency max", ls, "|")
  for (i = 1; i <= 5; i++) {
    lab = ls[i]
    a = ms("lotse", ks[i])
    if (ks[i] == "p95_ms") a = "**" a "**"
    row(lab, a, ms("xapian", ks[i]), ms("xapian-nosnippet", ks[i]))
  }
  row("CPU time per query p50 / p95", ms("lotse", "cpu_p50_ms") " / " ms("lotse", "cpu_p95_ms"),
      ms("xapian", "cpu_p50_ms") " / " ms("xapian", "cpu_p95_ms"),
      ms("xapian-nosnippet", "cpu_p50_ms") " / " ms("xapian-nosnippet", "cpu_p95_ms"))
  split("title word long compound heading", cs, " ")
  for (i = 1; i <= 5; i++)
    row("p95, " cs[i] " queries (" get("lotse", "queries." cs[i]) ")",
        ms("lotse", "p95_ms." cs[i]), ms("xapian", "p95_ms." cs[i]),
        ms("xapian-nosnippet", "p95_ms." cs[i]))
  row("Hits returned per query (mean, max 10)", num("lotse", "hits_mean", 2), num("xapian", "hits_mean", 2), "")
  row("Matching documents per query (mean)", with(num("lotse", "matches_mean", 0), " (exact)"), with(num("xapian", "matches_mean", 0), " (estimate)"), "")
  row("Queries without any hit", get("lotse", "zero_hits"), get("xapian", "zero_hits") == "" ? "—" : get("xapian", "zero_hits"), "")
  if (get("compare", "overlap10") != "")
    row("Top-10 agreement with lotse (mean share of common documents)", "", sprintf("%.0f %%", 100 * get("compare", "overlap10")), "")
  print ""
  print "Goals of the issue:"
  r = get("lotse", "mbps_text") + 0
  printf "- ingestion ≥ 5 MB/s of extracted text (no OCR): %.2f MB/s, %s\n", r, pass(r >= 5)
  p = get("lotse", "p95_ms") + 0
  printf "- search p95 < 20 ms: %.2f ms, %s\n", p, pass(p < 20)
  if (get("xapian", "p95_ms") != "") {
    x = get("xapian", "p95_ms") + 0; y = get("xapian-nosnippet", "p95_ms") + 0
    rx = (x > 0) ? p / x : 0; ry = (y > 0) ? p / y : 0
    printf "- lotse not slower than Xapian (p95, both with snippets): %.2f ms vs %.2f ms (lotse %.1f× Xapian), %s\n", p, x, rx, pass(p <= x)
    printf "  (against Xapian without snippets: %.2f ms vs %.3f ms, lotse %.0f× Xapian)\n", p, y, ry
  } else {
    print "- lotse not slower than Xapian: not measured (Xapian missing: install libxapian-dev and g++)"
  }
}
