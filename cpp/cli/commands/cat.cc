// `arrowroot cat FILE:TREE`: entries as JSON lines, CSV or a table.
#include <ostream>

#include "aligned_table.h"
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
  ASSIGN_OR_RETURN(auto reader, OpenTree(file, tree, options.source));
  scan::ScanOptions so = ScanOptionsFor(*reader, options);
  ASSIGN_OR_RETURN(auto batches, reader->Scan(so));
  const auto& fields = batches->schema();
  std::vector<std::vector<std::string>> table;
  if (options.format == CatFormat::kCsv) {
    std::string line;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) line += ',';
      line += CsvQuote(fields[i].name);
    }
    out << line << '\n';
  } else if (options.format == CatFormat::kTable) {
    std::vector<std::string> header;
    for (const auto& f : fields) header.push_back(f.name);
    table.push_back(header);
  }
  std::string line;
  while (true) {
    ASSIGN_OR_RETURN(auto batch, batches->Next());
    if (!batch) break;
    for (int64_t row = 0; row < batch->num_rows; ++row) {
      line.clear();
      if (options.format == CatFormat::kJsonl) {
        line += '{';
        for (size_t c = 0; c < fields.size(); ++c) {
          if (c) line += ", ";
          AppendJsonString(fields[c].name, &line);
          line += ": ";
          AppendJson(*batch->columns[c], row, &line);
        }
        line += "}\n";
        out << line;
      } else if (options.format == CatFormat::kCsv) {
        for (size_t c = 0; c < fields.size(); ++c) {
          if (c) line += ',';
          std::string v;
          AppendJson(*batch->columns[c], row, &v);
          if (batch->columns[c]->type->id == to_arrow::TypeId::kUtf8) {
            // Strings as plain text in CSV.
            v = v.substr(1, v.size() - 2);
          }
          line += CsvQuote(v);
        }
        out << line << '\n';
      } else {
        std::vector<std::string> r;
        for (size_t c = 0; c < fields.size(); ++c) {
          std::string v;
          AppendJson(*batch->columns[c], row, &v);
          if (v.size() > 60) v = v.substr(0, 57) + "...";
          r.push_back(std::move(v));
        }
        table.push_back(std::move(r));
      }
    }
  }
  if (options.format == CatFormat::kTable) PrintAligned(table, out);
  if (options.stats) {
    const auto& s = batches->stats();
    const auto& src = reader->file().source()->stats();
    err << "entries " << s.num_entries << ", baskets " << s.num_baskets << ", basket bytes "
        << s.num_basket_bytes << ", uncompressed bytes " << s.num_uncompressed_bytes
        << ", requests " << src.num_requests.load() << ", bytes read " << src.num_bytes_read.load()
        << ", bytes received " << src.num_bytes_received.load() << ", retries "
        << src.num_retries.load() << ", full downloads " << src.num_full_downloads.load()
        << ", io seconds " << static_cast<double>(src.io_wall_ns.load()) / 1e9
        << ", prefetched baskets " << s.num_prefetched_baskets << ", prefetch requests "
        << s.num_prefetch_requests << '\n';
  }
  return Status::OK();
}

}  // namespace arrowroot::cli
