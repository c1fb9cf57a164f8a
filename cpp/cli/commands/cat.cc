// `arrowroot cat FILE:TREE`: entries as JSON lines, CSV or a table.
#include <cstring>
#include <ostream>

#include "aligned_table.h"
#include "c_data.h"
#include "commands.h"
#include "commands/open_tree.h"
#include "value_format.h"

namespace arrowroot::cli {

namespace {

std::string CsvQuote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

}  // namespace

Status RunCat(const std::string& file, const std::string& tree, const CatOptions& options,
              std::ostream& out, std::ostream& err) {
  auto opened = OpenTree(file, tree, options.storage);
  if (!opened.ok()) return opened.status();
  auto scanner = opened->tree->NewScanner(ScanOptionsFor(*opened->tree, options));
  if (!scanner.ok()) return scanner.status();
  OwnedSchema schema;
  (*scanner)->Schema(schema.out());
  const auto num_fields = static_cast<size_t>(schema->n_children);
  auto field = [&](size_t c) -> const ArrowSchema& { return *schema->children[c]; };
  std::vector<std::vector<std::string>> table;
  if (options.format == CatFormat::kCsv) {
    std::string line;
    for (size_t i = 0; i < num_fields; ++i) {
      if (i) line += ',';
      line += CsvQuote(field(i).name);
    }
    out << line << '\n';
  } else if (options.format == CatFormat::kTable) {
    std::vector<std::string> header;
    for (size_t i = 0; i < num_fields; ++i) header.push_back(field(i).name);
    table.push_back(header);
  }
  std::string line;
  OwnedArray batch;
  while (true) {
    Status st = (*scanner)->Next(batch.out());
    if (!st.ok()) return st;
    if (!batch.has_value()) break;
    auto column = [&](size_t c) -> const ArrowArray& { return *batch->children[c]; };
    for (int64_t row = batch->offset; row < batch->offset + batch->length; ++row) {
      line.clear();
      if (options.format == CatFormat::kJsonl) {
        line += '{';
        for (size_t c = 0; c < num_fields; ++c) {
          if (c) line += ", ";
          AppendJsonString(field(c).name, &line);
          line += ": ";
          AppendJson(field(c), column(c), row, &line);
        }
        line += "}\n";
        out << line;
      } else if (options.format == CatFormat::kCsv) {
        for (size_t c = 0; c < num_fields; ++c) {
          if (c) line += ',';
          std::string v;
          AppendJson(field(c), column(c), row, &v);
          if (std::strcmp(field(c).format, "u") == 0) {
            // Strings as plain text in CSV.
            v = v.substr(1, v.size() - 2);
          }
          line += CsvQuote(v);
        }
        out << line << '\n';
      } else {
        std::vector<std::string> r;
        for (size_t c = 0; c < num_fields; ++c) {
          std::string v;
          AppendJson(field(c), column(c), row, &v);
          if (v.size() > 60) v = v.substr(0, 57) + "...";
          r.push_back(std::move(v));
        }
        table.push_back(std::move(r));
      }
    }
  }
  if (options.format == CatFormat::kTable) PrintAligned(table, out);
  if (options.stats) {
    const ScanStats s = (*scanner)->stats();
    const IoStats io = opened->file->io_stats();
    err << "entries " << s.num_entries << ", baskets " << s.num_baskets << ", basket bytes "
        << s.num_basket_bytes << ", uncompressed bytes " << s.num_uncompressed_bytes
        << ", requests " << io.num_requests << ", bytes read " << io.num_bytes_requested
        << ", bytes received " << io.num_bytes_received << ", retries "
        << io.num_retries << ", full downloads " << io.num_full_downloads
        << ", io seconds " << io.io_wall_seconds
        << ", prefetched baskets " << s.num_prefetched_baskets << ", prefetch requests "
        << s.num_prefetch_requests << '\n';
  }
  return Status::OK();
}

}  // namespace arrowroot::cli
