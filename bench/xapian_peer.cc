/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/xapian_peer.cc — the Xapian side of the search benchmark. Reads
 * the inputs bench_search wrote (files.txt, queries.txt, stopwords.txt in
 * the work directory), indexes the same files and times the same queries.
 *
 * Usage: bench_xapian --work DIR [--rounds N]
 *
 * Same semantics as lotse's plain-word queries (search/search.h): words
 * OR-ed and ranked with BM25 (QueryParser default OP_OR, BM25Weight), top
 * 10, German Snowball stemmer ("german"), the same stop words (the words
 * lotse's analyzer drops in these queries). Stemming: the TermGenerator
 * indexes with STEM_SOME (unstemmed terms with positions plus Z-prefixed
 * stems); the QueryParser uses STEM_ALL_Z, because its STEM_SOME leaves
 * words that start with a capital letter unstemmed — every German noun.
 * Each file is one document; its text is also stored as the document data
 * so that a snippet (MSet::snippet, about 24 words like lotse's) can be
 * made for each hit. Latency is measured with and without snippets.
 * Output: R lines on stdout (see bench/bench.h), progress on stderr.
 */
#include <xapian.h>

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

const char *const kEngine = "xapian";
const double kMB = 1e6;
const size_t kSnippetBytes = 200; /* about 24 German words */

struct Query {
  std::string cat, text;
};

struct Sample {
  double ms, cpu;
  std::string cat;
};

double now_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

double cpu_s() {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double thread_cpu_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void put(const std::string &engine, const std::string &key,
         const std::string &value) {
  std::cout << "R\t" << engine << "\t" << key << "\t" << value << "\n";
}

std::string fmt(double v, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

std::vector<std::string> read_lines(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("unable to read '" + path + "'");
  std::vector<std::string> v;
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) v.push_back(l);
  return v;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("unable to read '" + path + "'");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

long long du(const std::string &dir) {
  long long sum = 0;
  for (const auto &e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) sum += (long long)e.file_size();
  return sum;
}

/* ------------------------------------------------------------ indexing */

void index_corpus(const std::vector<std::string> &files,
                  const std::string &dir) {
  std::cerr << "bench_xapian: indexing " << files.size() << " files\n";
  long long bytes = 0;
  double t0 = now_ms(), c0 = cpu_s();
  {
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("german"));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    for (const std::string &path : files) {
      std::string text = read_file(path);
      bytes += (long long)text.size();
      Xapian::Document doc;
      tg.set_document(doc);
      tg.index_text(text);
      doc.set_data(text);
      doc.add_value(0, path);
      db.add_document(doc);
    }
    db.commit();
  }
  double sec = (now_ms() - t0) / 1e3, cpu = cpu_s() - c0;
  put(kEngine, "files", std::to_string(files.size()));
  put(kEngine, "failed", "0");
  put(kEngine, "bytes_in", std::to_string(bytes));
  put(kEngine, "text_bytes", std::to_string(bytes));
  put(kEngine, "index_seconds", fmt(sec, 3));
  put(kEngine, "index_cpu_seconds", fmt(cpu, 3));
  put(kEngine, "mbps_text", fmt((double)bytes / kMB / sec, 2));
  put(kEngine, "mbps_in", fmt((double)bytes / kMB / sec, 2));
  put(kEngine, "index_bytes", std::to_string(du(dir)));
  put(kEngine, "passages", std::to_string(files.size()));
}

/* ------------------------------------------------------------- queries */

struct Searcher {
  Xapian::Database db;
  Xapian::QueryParser qp;
  Xapian::SimpleStopper stopper;
  Xapian::Stem stem{"german"};
  size_t snippet_bytes = 0; /* keeps the snippets observable */

  Searcher(const std::string &dir, const std::vector<std::string> &stop)
      : db(dir) {
    for (const std::string &w : stop) stopper.add(w);
    qp.set_database(db);
    qp.set_stemmer(stem);
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);
    qp.set_stopper(&stopper);
    qp.set_default_op(Xapian::Query::OP_OR);
  }

  /* One query, top 10; snippets made for each hit when snip is set. */
  Xapian::MSet run(const std::string &text, bool snip,
                   std::vector<std::string> *paths) {
    Xapian::Query q = qp.parse_query(text, 0);
    Xapian::Enquire enq(db);
    enq.set_query(q);
    enq.set_weighting_scheme(Xapian::BM25Weight());
    Xapian::MSet m = enq.get_mset(0, 10);
    for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
      Xapian::Document d = it.get_document();
      std::string path = d.get_value(0);
      if (snip)
        snippet_bytes += m.snippet(d.get_data(), kSnippetBytes, stem,
                          Xapian::MSet::SNIPPET_BACKGROUND_MODEL,
                          "[", "]", "\xE2\x80\xA6").size();
      if (paths) paths->push_back(path);
    }
    return m;
  }
};

/* Nearest-rank percentiles, as bench/stats.c. */
double rank(const std::vector<double> &v, double pct) {
  size_t r = (size_t)(pct / 100.0 * (double)v.size() + 0.999999);
  r = std::max<size_t>(1, std::min(r, v.size()));
  return v[r - 1];
}

void print_lat(const std::vector<Sample> &s, const std::string &engine) {
  std::map<std::string, std::vector<double>> by_cat;
  std::vector<double> all, cpu;
  double sum = 0;
  for (const Sample &x : s) {
    all.push_back(x.ms);
    cpu.push_back(x.cpu);
    by_cat[x.cat].push_back(x.ms);
    sum += x.ms;
  }
  if (all.empty()) return;
  std::sort(all.begin(), all.end());
  put(engine, "samples", std::to_string(all.size()));
  put(engine, "p50_ms", fmt(rank(all, 50), 3));
  put(engine, "p95_ms", fmt(rank(all, 95), 3));
  put(engine, "p99_ms", fmt(rank(all, 99), 3));
  put(engine, "mean_ms", fmt(sum / (double)all.size(), 3));
  put(engine, "max_ms", fmt(all.back(), 3));
  std::sort(cpu.begin(), cpu.end());
  put(engine, "cpu_p50_ms", fmt(rank(cpu, 50), 3));
  put(engine, "cpu_p95_ms", fmt(rank(cpu, 95), 3));
  for (auto &kv : by_cat) {
    std::sort(kv.second.begin(), kv.second.end());
    put(engine, "p95_ms." + kv.first, fmt(rank(kv.second, 95), 3));
  }
}

void time_queries(Searcher &s, const std::vector<Query> &qs, int rounds,
                  bool snip, const std::string &engine,
                  const std::string &hits_path) {
  std::cerr << "bench_xapian: timing " << qs.size() << " queries x "
            << rounds << " rounds" << (snip ? "" : " (no snippets)") << "\n";
  for (const Query &q : qs) s.run(q.text, snip, nullptr); /* warm-up */
  std::vector<Sample> lat;
  std::ofstream hits;
  if (!hits_path.empty()) hits.open(hits_path);
  double nhits = 0, matches = 0;
  int zero = 0;
  for (int round = 0; round < rounds; round++) {
    for (size_t i = 0; i < qs.size(); i++) {
      std::vector<std::string> paths;
      double c0 = thread_cpu_ms(), t0 = now_ms();
      Xapian::MSet m = s.run(qs[i].text, snip, round ? nullptr : &paths);
      double ms = now_ms() - t0;
      lat.push_back({ms, thread_cpu_ms() - c0, qs[i].cat});
      if (round) continue;
      nhits += (double)m.size();
      matches += (double)m.get_matches_estimated();
      zero += m.empty();
      if (hits) {
        hits << i;
        for (const std::string &p : paths) hits << "\t" << p;
        hits << "\n";
      }
    }
  }
  double n = (double)qs.size();
  put(engine, "queries", std::to_string(qs.size()));
  put(engine, "errors", "0");
  put(engine, "hits_mean", fmt(nhits / n, 2));
  put(engine, "matches_mean", fmt(matches / n, 1));
  put(engine, "zero_hits", std::to_string(zero));
  print_lat(lat, engine);
}

std::vector<Query> load_queries(const std::string &path) {
  std::vector<Query> qs;
  for (const std::string &l : read_lines(path)) {
    size_t tab = l.find('\t');
    if (tab == std::string::npos) continue;
    qs.push_back({l.substr(0, tab), l.substr(tab + 1)});
  }
  return qs;
}

int usage() {
  std::cerr << "usage: bench_xapian --work DIR [--rounds N]\n";
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  std::string work;
  int rounds = 3;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--work" && i + 1 < argc) work = argv[++i];
    else if (a == "--rounds" && i + 1 < argc) rounds = std::atoi(argv[++i]);
    else return usage();
  }
  if (work.empty() || rounds < 1 || rounds > 100) return usage();
  try {
    std::vector<std::string> files = read_lines(work + "/files.txt");
    std::vector<Query> qs = load_queries(work + "/queries.txt");
    std::vector<std::string> stop = read_lines(work + "/stopwords.txt");
    for (const std::string &f : files) read_file(f); /* page cache */
    index_corpus(files, work + "/xapian");
    Searcher s(work + "/xapian", stop);
    time_queries(s, qs, rounds, true, kEngine, work + "/xapian.hits");
    time_queries(s, qs, rounds, false, "xapian-nosnippet", "");
  } catch (const Xapian::Error &e) {
    std::cerr << "bench_xapian: " << e.get_description() << "\n";
    return 1;
  } catch (const std::exception &e) {
    std::cerr << "bench_xapian: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
