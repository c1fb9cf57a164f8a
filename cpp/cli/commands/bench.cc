// `arrowroot bench FILE:TREE`: read the selection into Arrow, discard it, report throughput.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "c_data.h"
#include "commands.h"
#include "commands/open_tree.h"
#include "value_format.h"

namespace arrowroot::cli {

namespace {

std::string JsonString(const std::string& s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

uint64_t PeakRssBytes() {
  struct rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<uint64_t>(ru.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace

Status RunBench(const std::string& file, const std::string& tree, const CatOptions& options,
                std::ostream& out) {
  auto opened = OpenTree(file, tree, options.storage);
  if (!opened.ok()) return opened.status();
  const File& f = *opened->file;
  const ScanOptions so = ScanOptionsFor(*opened->tree, options);
  const int threads = ScanThreadCount(options.threads);
  double best = -1;
  ScanStats stats;
  uint64_t arrow_bytes = 0;
  size_t num_columns = 0;
  const IoStats before = f.io_stats();
  for (int run = 0; run < std::max(1, options.repeat); ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    auto scanner = opened->tree->NewScanner(so);
    if (!scanner.ok()) return scanner.status();
    OwnedSchema schema;
    (*scanner)->Schema(schema.out());
    num_columns = static_cast<size_t>(schema->n_children);
    uint64_t bytes = 0;
    OwnedArray batch;
    while (true) {
      Status st = (*scanner)->Next(batch.out());
      if (!st.ok()) return st;
      if (!batch.has_value()) break;
      for (size_t c = 0; c < num_columns; ++c) {
        bytes += ArrowValueBytes(*schema->children[c], *batch->children[c]);
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (best < 0 || seconds < best) {
      best = seconds;
      stats = (*scanner)->stats();
      arrow_bytes = bytes;
    }
  }
  const int runs = std::max(1, options.repeat);
  const IoStats after = f.io_stats();
  const uint64_t requests =
      (after.num_requests - before.num_requests) / static_cast<uint64_t>(runs);
  const uint64_t transferred = (after.num_bytes_received + after.num_bytes_requested -
                                before.num_bytes_received - before.num_bytes_requested) /
                               static_cast<uint64_t>(runs);
  const double s = std::max(best, 1e-9);
  const double mb = 1e6;
  if (options.json) {
    out << "{\"file\": " << JsonString(f.name()) << ", \"tree\": " << JsonString(tree)
        << ", \"columns\": " << num_columns << ", \"threads\": " << threads
        << ", \"repeat\": " << runs << ", \"entries\": " << stats.num_entries
        << ", \"seconds\": " << best << ", \"entries_per_second\": " << stats.num_entries / s
        << ", \"baskets\": " << stats.num_baskets
        << ", \"compressed_bytes\": " << stats.num_basket_bytes
        << ", \"uncompressed_bytes\": " << stats.num_uncompressed_bytes
        << ", \"arrow_bytes\": " << arrow_bytes
        << ", \"compressed_mb_per_second\": " << stats.num_basket_bytes / s / mb
        << ", \"uncompressed_mb_per_second\": " << stats.num_uncompressed_bytes / s / mb
        << ", \"arrow_mb_per_second\": " << arrow_bytes / s / mb
        << ", \"requests\": " << requests << ", \"bytes_transferred\": " << transferred
        << ", \"peak_rss_bytes\": " << PeakRssBytes() << "}\n";
    return Status::OK();
  }
  auto fixed = [](double v, int digits) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(digits) << v;
    return o.str();
  };
  out << f.name() << ":" << tree << ": " << num_columns << " columns, "
      << stats.num_entries << " entries, " << stats.num_baskets << " baskets, " << threads
      << (threads == 1 ? " thread" : " threads") << (runs > 1 ? ", best of " + std::to_string(runs) : "")
      << "\n"
      << "  time          " << fixed(best, 4) << " s\n"
      << "  entries/s     " << fixed(stats.num_entries / s / 1e6, 3) << " M\n"
      << "  uncompressed  " << fixed(stats.num_uncompressed_bytes / s / mb, 1) << " MB/s ("
      << fixed(stats.num_uncompressed_bytes / mb, 1) << " MB)\n"
      << "  compressed    " << fixed(stats.num_basket_bytes / s / mb, 1) << " MB/s ("
      << fixed(stats.num_basket_bytes / mb, 1) << " MB)\n"
      << "  arrow         " << fixed(arrow_bytes / s / mb, 1) << " MB/s ("
      << fixed(arrow_bytes / mb, 1) << " MB)\n"
      << "  requests      " << requests << " (" << fixed(transferred / mb, 1) << " MB)\n"
      << "  peak RSS      " << fixed(PeakRssBytes() / mb, 1) << " MB\n";
  return Status::OK();
}

}  // namespace arrowroot::cli
