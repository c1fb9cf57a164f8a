#include "commands.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <sys/resource.h>
#include <unistd.h>
#include <iostream>
#include <functional>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "arrowroot/byte_source/open.h"
#include "transfer/copy.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/scan/tree_reader.h"
#include "value_format.h"

namespace arrowroot::cli {

namespace {

constexpr const char* kUsage =
    "usage: arrowroot ls FILE\n"
    "       arrowroot schema FILE:TREE\n"
    "       arrowroot cat FILE:TREE [-b BRANCH[,BRANCH...]]... [--start N] [--stop M]\n"
    "                     [--format jsonl|csv|table] [--batch-size N] [--threads N] [--stats]\n"
    "       arrowroot bench FILE:TREE [-b BRANCH[,BRANCH...]]... [--start N] [--stop M]\n"
    "                     [--threads N] [--repeat R] [--json]\n"
    "       arrowroot cp SRC... DEST [--recursive] [--include GLOB] [--jobs N] [--part-size SIZE]\n"
    "                     [--verify none|size|checksum|root] [--resume] [--dry-run]\n"
    "                     (SRC: path, http(s)://, s3://, hdfs://namenode:httpport/path;\n"
    "                      DEST: s3://bucket/prefix or a local path)\n"
    "       arrowroot doctor [--k8s] [--conf KEY=VALUE]... [--start] [--s3-url URL] [--json]\n"
    "                     (checks a Spark-on-Kubernetes setup; runs python -m arrowroot.doctor)\n"
    "       options for remote files (any command): --endpoint-url URL --region R\n"
    "                     --profile P --no-sign-request --read-timeout SECONDS\n"
    "FILE is a local path, or a file://, http(s):// or s3://bucket/key URL; TREE may include\n"
    "directories (dir/sub/tree). S3 credentials, region and endpoint come from the options\n"
    "above, else the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,\n"
    "AWS_REGION, AWS_ENDPOINT_URL, AWS_PROFILE) and ~/.aws/{credentials,config}, as the AWS CLI.\n"
    "`arrowroot CMD --help` describes each command's options and defaults.\n";

// `arrowroot CMD --help`: the command's synopsis, each option with its default, and examples.
std::string CommandHelp(const std::string& cmd) {
  static const char* kRemote =
      "remote files (any command):\n"
      "  --endpoint-url URL    S3 endpoint (else AWS_ENDPOINT_URL, the profile, or AWS)\n"
      "  --region R            S3 region (else AWS_REGION, the profile, us-east-1)\n"
      "  --profile P           profile of ~/.aws/{credentials,config} (else AWS_PROFILE)\n"
      "  --no-sign-request     anonymous S3 requests (public buckets)\n"
      "  --read-timeout SEC    abandon and retry a transfer that stalls SEC seconds (default 30)\n"
      "Credentials come from the environment or the profile, never from arguments.\n";
  std::string h;
  if (cmd == "ls") {
    h = "usage: arrowroot ls FILE\n"
        "List the objects of a ROOT file: directories, trees (entries, branches), histograms.\n"
        "example: arrowroot ls s3://bucket/run1/events.root\n";
  } else if (cmd == "schema") {
    h = "usage: arrowroot schema FILE:TREE\n"
        "Print each branch of TREE with its ROOT type and the Arrow type it is read as.\n"
        "example: arrowroot schema Zmumu.root:events\n";
  } else if (cmd == "cat" || cmd == "bench") {
    h = cmd == "cat"
            ? "usage: arrowroot cat FILE:TREE [options]\n"
              "Print entries of TREE.\n"
            : "usage: arrowroot bench FILE:TREE [options]\n"
              "Read the selected branches R times and print rates (bytes, entries, seconds).\n";
    h += "  -b, --branches B[,B]  branches to read (repeatable; default: every branch)\n"
         "  --start N, --stop M   entry range [N, M) (default: every entry)\n"
         "  --threads N           decode threads (default 0 = one per core)\n";
    if (cmd == "cat") {
      h += "  -f, --format F        jsonl (default), csv or table\n"
           "  --batch-size N        entries per batch (default 65536)\n"
           "  --stats               print I/O statistics to stderr at the end\n"
           "example: arrowroot cat Zmumu.root:events -b E1,px1 --stop 5 --format table\n";
    } else {
      h += "  --repeat R            timed reads, the best kept (default 1)\n"
           "  --json                one JSON object instead of text\n";
    }
  } else if (cmd == "cp") {
    h = "usage: arrowroot cp SRC... DEST [options]\n"
        "Copy files (ROOT or any other) into S3 or a local directory: parallel, multipart,\n"
        "verified, resumable. A failed upload is aborted, so no partial object is ever visible.\n"
        "  SRC   a local path, http(s)://host/path, s3://bucket/key-or-prefix, or\n"
        "        hdfs://namenode:httpport/path (WebHDFS; webhdfs:// too)\n"
        "  DEST  s3://bucket/prefix[/] or a local path; with several SRC or --recursive, a\n"
        "        directory / prefix under which the relative paths are kept\n"
        "  -r, --recursive       copy everything under directories / prefixes\n"
        "  --include GLOB        only files whose relative path or name matches GLOB\n"
        "  -j, --jobs N          parallel transfers, parts of any file (default 4, 1 to 256)\n"
        "  --part-size SIZE      multipart part size, e.g. 16MiB (default 8MiB; memory in use\n"
        "                        is about jobs x part size)\n"
        "  --verify MODE         none, size, checksum (default: MD5 of every part and ETag),\n"
        "                        root (checksum, then every key and basket read back)\n"
        "  --resume              skip targets with equal size and checksum; abort stale uploads\n"
        "  --dry-run             list what would be copied, copy nothing\n"
        "Exit status 0 only if every file was copied (or skipped) and verified.\n"
        "example: arrowroot cp -r hdfs://namenode:9870/data/run1 s3://bucket/run1/ --jobs 8\n";
  } else {
    return "";
  }
  return h + kRemote;
}

Result<std::shared_ptr<root_format::RootFile>> OpenFile(const std::string& path,
                                                         const byte_source::SourceOptions& so) {
  ASSIGN_OR_RETURN(auto source, byte_source::OpenSource(path, so));
  return root_format::RootFile::Open(std::move(source));
}

Result<std::shared_ptr<scan::TreeReader>> OpenTree(const std::string& file, const std::string& tree,
                                                   const byte_source::SourceOptions& so) {
  ASSIGN_OR_RETURN(auto f, OpenFile(file, so));
  return scan::TreeReader::Open(std::move(f), tree);
}

void PrintAligned(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

Result<int64_t> ParseInt(const std::string& flag, const std::string& v) {
  int64_t x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
    return Status::InvalidArgument(flag + " needs an integer, got '" + v + "'");
  }
  return x;
}

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

bool SplitFileObject(const std::string& arg, std::string* file, std::string* object) {
  // In a URL only a colon in the path separates the tree (not "://" nor "host:port").
  size_t scheme = arg.find("://");
  size_t search_from = 0;
  if (scheme != std::string::npos) {
    search_from = arg.find('/', scheme + 3);
    if (search_from == std::string::npos) return false;
  }
  size_t colon = arg.rfind(':');
  if (colon == std::string::npos || colon < search_from) return false;
  *file = arg.substr(0, colon);
  *object = arg.substr(colon + 1);
  return !file->empty() && !object->empty();
}

Status RunLs(const std::string& file, std::ostream& out, std::ostream& err,
             const byte_source::SourceOptions& so) {
  ASSIGN_OR_RETURN(auto f, OpenFile(file, so));
  ASSIGN_OR_RETURN(auto listing, f->List(/*all_cycles=*/false));
  // A key that cannot be used, or a tree whose record cannot be read, is one warning line:
  // the other objects are listed (and stay readable) all the same.
  for (const auto& bad : listing.bad_keys) {
    err << "warning: file '" << f->name() << "': " << bad.Describe() << "\n";
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"PATH", "CLASS", "ENTRIES", "BRANCHES"});
  for (const auto& o : listing.objects) {
    std::vector<std::string> row = {o.path, o.key.class_name, "", ""};
    const std::string& c = o.key.class_name;
    if (c == "TTree" || c == "TNtuple" || c == "TNtupleD") {
      auto tree = f->ReadTree(o.path + ";" + std::to_string(o.key.cycle));
      if (tree.ok()) {
        row[2] = std::to_string((*tree)->entries);
        row[3] = std::to_string((*tree)->all_branches.size());
      } else {
        // ReadTree's error names the tree, its class and byte range.
        err << "warning: file '" << f->name() << "': " << tree.status().ToString() << "\n";
      }
    }
    rows.push_back(std::move(row));
  }
  PrintAligned(rows, out);
  return Status::OK();
}

Status RunSchema(const std::string& file, const std::string& tree, std::ostream& out,
                 const byte_source::SourceOptions& source) {
  ASSIGN_OR_RETURN(auto reader, OpenTree(file, tree, source));
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"BRANCH", "ROOT TYPE", "ARROW TYPE"});
  for (const auto& c : reader->columns()) {
    std::string arrow = c.status.ok() ? c.type->ToString() : "unsupported: " + c.status.message();
    rows.push_back({c.name, c.root_type, arrow});
  }
  PrintAligned(rows, out);
  return Status::OK();
}

scan::ScanOptions ScanOptionsFor(const scan::TreeReader& reader, const CatOptions& options) {
  scan::ScanOptions so;
  // A -b value that names a branch exactly is taken whole (names may contain commas).
  for (const std::string& b : options.branches) {
    bool exact = std::any_of(reader.columns().begin(), reader.columns().end(),
                             [&](const scan::ColumnInfo& c) { return c.name == b; });
    if (exact) {
      so.columns.push_back(b);
      continue;
    }
    std::stringstream ss(b);
    std::string part;
    while (std::getline(ss, part, ',')) {
      if (!part.empty()) so.columns.push_back(part);
    }
  }
  so.entry_start = options.start;
  so.entry_stop = options.stop;
  so.batch_size = options.batch_size;
  so.num_threads = options.threads;
  return so;
}

std::string JsonString(const std::string& s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

uint64_t ArrowBytes(const to_arrow::ArrayData& a) {
  uint64_t n = 0;
  for (const auto& b : a.buffers) n += b.size();
  for (const auto& c : a.children) n += ArrowBytes(*c);
  return n;
}

uint64_t PeakRssBytes() {
  struct rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<uint64_t>(ru.ru_maxrss) * 1024;  // Linux reports KiB
}

Status RunBench(const std::string& file, const std::string& tree, const CatOptions& options,
                std::ostream& out) {
  ASSIGN_OR_RETURN(auto reader, OpenTree(file, tree, options.source));
  scan::ScanOptions so = ScanOptionsFor(*reader, options);
  const int threads = scan::ResolveThreadCount(options.threads);
  double best = -1;
  scan::ScanStats stats;
  uint64_t arrow_bytes = 0;
  size_t num_columns = 0;
  const auto& src = reader->file().source()->stats();
  const uint64_t requests_before = src.num_requests.load();
  const uint64_t received_before = src.num_bytes_received.load() + src.num_bytes_read.load();
  for (int run = 0; run < std::max(1, options.repeat); ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(auto batches, reader->Scan(so));
    num_columns = batches->schema().size();
    uint64_t bytes = 0;
    while (true) {
      ASSIGN_OR_RETURN(auto batch, batches->Next());
      if (!batch) break;
      for (const auto& c : batch->columns) bytes += ArrowBytes(*c);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (best < 0 || seconds < best) {
      best = seconds;
      stats = batches->stats();
      arrow_bytes = bytes;
    }
  }
  const int runs = std::max(1, options.repeat);
  const uint64_t requests = (src.num_requests.load() - requests_before) / static_cast<uint64_t>(runs);
  const uint64_t transferred =
      (src.num_bytes_received.load() + src.num_bytes_read.load() - received_before) /
      static_cast<uint64_t>(runs);
  const double s = std::max(best, 1e-9);
  const double mb = 1e6;
  if (options.json) {
    out << "{\"file\": " << JsonString(reader->file().name()) << ", \"tree\": " << JsonString(tree)
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
  out << reader->file().name() << ":" << tree << ": " << num_columns << " columns, "
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

int MainWithSource(const std::vector<std::string>& args, const byte_source::SourceOptions& source,
                   std::ostream& out, std::ostream& err,
                   const std::function<int(const Status&)>& fail,
                   const std::function<int(const std::string&)>& usage);

int Main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Status& st) {
    std::string msg = st.ToString();
    // One line: names read from a damaged file may hold any byte (\r, \v, \f, ...).
    std::replace_if(msg.begin(), msg.end(), [](char ch) {
      return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
    }, ' ');
    err << "arrowroot: error: " << msg << '\n';
    return 1;
  };
  auto usage = [&](const std::string& what) {
    // One line, as every error; `arrowroot --help` prints the usage.
    err << "arrowroot: error: " << what << " (see `arrowroot --help`)\n";
    return 1;
  };
  // Options for remote files, accepted anywhere after the command.
  byte_source::SourceOptions source;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (i > 0 && (a == "--endpoint-url" || a == "--region" || a == "--profile")) {
      if (i + 1 >= args.size()) return usage(a + " needs a value");
      const std::string& v = args[++i];
      (a == "--endpoint-url" ? source.s3.endpoint_url : a == "--region" ? source.s3.region
                                                                        : source.s3.profile) = v;
    } else if (i > 0 && a == "--read-timeout") {
      // A transfer that stalls this long (no byte for SECONDS) is abandoned and retried.
      if (i + 1 >= args.size()) return usage(a + " needs a value");
      auto n = ParseInt(a, args[++i]);
      if (!n.ok()) return usage(n.status().message());
      if (*n < 1 || *n > 86'400) return usage(a + " must be 1 to 86400 (seconds)");
      source.http.low_speed_timeout_s = *n;
    } else if (i > 0 && a == "--no-sign-request") {
      source.s3.anonymous = true;
    } else {
      rest.push_back(a);
    }
  }
  return MainWithSource(rest, source, out, err, fail, usage);
}

namespace {

std::string HumanBytes(double b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  std::ostringstream o;
  o << std::fixed << std::setprecision(u == 0 ? 0 : 1) << b << ' ' << units[u];
  return o.str();
}

/// One progress line: files, bytes, rate, ETA.
std::string ProgressLine(const transfer::Progress& p, bool bar) {
  std::ostringstream o;
  const double rate = p.seconds > 0 ? p.bytes_done / p.seconds : 0;
  if (bar) {
    const int width = 24;
    const double frac = p.bytes_total ? std::min(1.0, double(p.bytes_done) / p.bytes_total) : 0;
    const int fill = static_cast<int>(frac * width);
    o << '[' << std::string(fill, '#') << std::string(width - fill, '.') << "] ";
  }
  o << p.files_done << '/' << p.files_total << " files, " << HumanBytes(p.bytes_done) << " / "
    << HumanBytes(p.bytes_total) << ", " << HumanBytes(rate) << "/s";
  if (rate > 0 && p.bytes_total > p.bytes_done) {
    o << ", ETA " << static_cast<int64_t>((p.bytes_total - p.bytes_done) / rate + 0.5) << " s";
  }
  return o.str();
}

}  // namespace

int RunCp(const std::vector<std::string>& args, const byte_source::SourceOptions& source,
          std::ostream& out, std::ostream& err, bool tty) {
  auto usage = [&](const std::string& what) {
    err << "arrowroot: error: " << what << " (see `arrowroot --help`)\n";
    return 1;
  };
  transfer::CopyOptions opt;
  opt.source = source;
  std::vector<std::string> paths;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v;
    auto value = [&]() -> bool {
      if (i + 1 >= args.size()) return false;
      v = args[++i];
      return true;
    };
    if (a == "--recursive" || a == "-r") {
      opt.recursive = true;
    } else if (a == "--resume") {
      opt.resume = true;
    } else if (a == "--dry-run") {
      opt.dry_run = true;
    } else if (a == "--include") {
      if (!value()) return usage(a + " needs a GLOB");
      opt.include = v;
    } else if (a == "--jobs" || a == "-j") {
      if (!value()) return usage(a + " needs a value");
      auto n = ParseInt(a, v);
      if (!n.ok()) return usage(n.status().message());
      if (*n < 1 || *n > 256) return usage(a + " must be 1 to 256");
      opt.jobs = static_cast<int>(*n);
    } else if (a == "--part-size") {
      if (!value()) return usage(a + " needs a value");
      auto n = transfer::ParseSize(v);
      if (!n.ok()) return usage("--part-size: " + n.status().message());
      opt.part_size = *n;
    } else if (a == "--verify") {
      if (!value()) return usage(a + " needs a value");
      auto m = transfer::ParseVerify(v);
      if (!m.ok()) return usage(m.status().message());
      opt.verify = *m;
    } else if (a.rfind("--access-key", 0) == 0 || a.rfind("--secret", 0) == 0 ||
               a.rfind("--aws-", 0) == 0) {
      return usage(a + ": credentials are never taken from arguments (visible in ps and shell "
                   "history); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or use a profile");
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return usage("unknown option '" + a + "' for cp");
    } else {
      paths.push_back(a);
    }
  }
  if (paths.size() < 2) return usage("cp needs at least one SRC and a DEST");
  const std::string dest = paths.back();
  paths.pop_back();
  if (!opt.dry_run) {
    opt.progress_interval_ms = tty ? 200 : 2000;
    opt.on_progress = [&err, tty](const transfer::Progress& p) {
      if (tty) {
        err << '\r' << ProgressLine(p, true) << "\x1b[K" << (p.final ? "\n" : "") << std::flush;
      } else if (!p.final) {
        err << "progress: " << ProgressLine(p, false) << '\n' << std::flush;
      }
    };
  }
  auto r = transfer::Copy(paths, dest, opt);
  if (!r.ok()) {
    std::string msg = r.status().ToString();
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    err << "arrowroot: error: " << msg << '\n';
    return 1;
  }
  const transfer::CopySummary& s = *r;
  if (opt.dry_run) {
    for (const auto& f : s.results) {
      out << "would copy " << f.source << " -> " << f.target << " (" << f.bytes << " bytes)\n";
    }
    out << "dry run: " << s.files << " files, " << HumanBytes(s.bytes) << "; nothing copied\n";
    return 0;
  }
  for (const auto& f : s.results) {
    if (f.state == "failed") {
      std::string msg = f.error;
      std::replace(msg.begin(), msg.end(), '\n', ' ');
      err << "arrowroot: error: " << msg << '\n';
    }
  }
  std::ostringstream o;
  o << std::fixed << std::setprecision(2);
  o << "copied " << s.copied << " of " << s.files << " files (" << s.skipped << " skipped, "
    << s.failed << " failed), " << HumanBytes(s.bytes_copied) << " in " << s.seconds << " s, "
    << std::setprecision(1) << s.mb_per_s << " MB/s, " << s.retries << " retries\n";
  out << o.str();
  return s.ok() ? 0 : 1;
}

int MainWithSource(const std::vector<std::string>& args, const byte_source::SourceOptions& source,
                   std::ostream& out, std::ostream& err,
                   const std::function<int(const Status&)>& fail,
                   const std::function<int(const std::string&)>& usage) {
  if (args.empty()) return usage("no command given");
  // `arrowroot CMD --help` (anywhere after CMD) and `arrowroot help CMD`.
  if (args[0] == "help" && args.size() == 2 && args[1] != "doctor") {
    if (CommandHelp(args[1]).empty()) return usage("unknown command '" + args[1] + "'");
    out << CommandHelp(args[1]);
    return 0;
  }
  if (!CommandHelp(args[0]).empty() &&
      std::any_of(args.begin() + 1, args.end(),
                  [](const std::string& a) { return a == "-h" || a == "--help"; })) {
    out << CommandHelp(args[0]);
    return 0;
  }
  if (args[0] == "cp") return RunCp(args, source, out, err, &err == &std::cerr && ::isatty(2));
  const std::string& cmd = args[0];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    out << kUsage;
    return 0;
  }
  if (cmd == "ls") {
    if (args.size() != 2) return usage("ls takes one FILE");
    Status st = RunLs(args[1], out, err, source);
    return st.ok() ? 0 : fail(st);
  }
  if (cmd == "schema" || cmd == "cat" || cmd == "bench") {
    std::string target;
    CatOptions opt;
    opt.source = source;
    for (size_t i = 1; i < args.size(); ++i) {
      const std::string& a = args[i];
      auto value = [&](std::string* v) -> bool {
        if (i + 1 >= args.size()) return false;
        *v = args[++i];
        return true;
      };
      std::string v;
      const bool reads = cmd == "cat" || cmd == "bench";
      if (reads && (a == "-b" || a == "--branches" || a.rfind("--branches=", 0) == 0)) {
        if (a.size() > 10) v = a.substr(11);
        else if (!value(&v)) return usage(a + " needs a value");
        // An empty selection would silently mean "every branch".
        if (v.find_first_not_of(',') == std::string::npos) {
          return usage(a.substr(0, std::min<size_t>(a.size(), 10)) + " needs a branch name, got '" +
                       v + "'");
        }
        opt.branches.push_back(v);
      } else if (reads && (a == "--threads" || a == "--repeat")) {
        if (!value(&v)) return usage(a + " needs a value");
        auto n = ParseInt(a, v);
        if (!n.ok()) return usage(n.status().message());
        if (*n < 0 || *n > 1024 || (a == "--repeat" && *n == 0)) {
          return usage(a + " must be " + (a == "--repeat" ? "1" : "0") + " to 1024");
        }
        (a == "--threads" ? opt.threads : opt.repeat) = static_cast<int>(*n);
      } else if (cmd == "bench" && a == "--json") {
        opt.json = true;
      } else if (reads && (a == "--start" || a == "--stop" || a == "--batch-size")) {
        if (!value(&v)) return usage(a + " needs a value");
        auto n = ParseInt(a, v);
        if (!n.ok()) return usage(n.status().message());
        if (*n < 0 || (a == "--batch-size" && *n == 0)) return usage(a + " must be positive");
        (a == "--start" ? opt.start : a == "--stop" ? opt.stop : opt.batch_size) = *n;
      } else if (cmd == "cat" && (a == "--format" || a == "-f")) {
        if (!value(&v)) return usage(a + " needs a value");
        if (v == "jsonl") opt.format = CatFormat::kJsonl;
        else if (v == "csv") opt.format = CatFormat::kCsv;
        else if (v == "table") opt.format = CatFormat::kTable;
        else return usage("unknown format '" + v + "' (use jsonl, csv or table)");
      } else if (cmd == "cat" && a == "--stats") {
        opt.stats = true;
      } else if (!a.empty() && a[0] == '-') {
        return usage("unknown option '" + a + "' for " + cmd);
      } else if (target.empty()) {
        target = a;
      } else {
        return usage("unexpected argument '" + a + "'");
      }
    }
    if (target.empty()) return usage(cmd + " needs FILE:TREE");
    std::string file, tree;
    if (!SplitFileObject(target, &file, &tree)) {
      return usage("'" + target + "' has no ':TREE' part; write FILE:TREE (see `arrowroot ls " +
                   target + "`)");
    }
    if (opt.stop >= 0 && opt.stop < opt.start) {
      return usage("--stop " + std::to_string(opt.stop) + " is before --start " +
                   std::to_string(opt.start));
    }
    Status st = cmd == "schema" ? RunSchema(file, tree, out, source)
                : cmd == "bench"  ? RunBench(file, tree, opt, out)
                                  : RunCat(file, tree, opt, out, err);
    return st.ok() ? 0 : fail(st);
  }
  return usage("unknown command '" + cmd + "'");
}

}  // namespace arrowroot::cli
