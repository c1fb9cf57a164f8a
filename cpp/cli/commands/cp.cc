// `arrowroot cp SRC... DEST`: the copy of transfer/copy.h with progress and a summary.
//
// The one command that is not built on the public API: the copy is the transfer application's
// (cpp/transfer, beside the CLI), whose options take the byte sources' settings. The storage
// options become those settings through the public API's own key table
// (transfer/source_options.h), so the flags mean for cp what they mean for every other
// command. scripts/check-layers allows these two includes in this file only.
#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "args.h"
#include "commands.h"
#include "transfer/copy.h"
#include "transfer/source_options.h"

namespace arrowroot::cli {

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

int RunCp(const std::vector<std::string>& args, const StorageOptions& storage,
          std::ostream& out, std::ostream& err, bool tty) {
  auto usage = [&](const std::string& what) { return UsageError(err, what); };
  transfer::CopyOptions opt;
  auto parsed = transfer::SourceOptionsFrom(storage);
  if (!parsed.ok()) return usage(parsed.status().message());  // the flags' values are checked
  opt.source = std::move(*parsed);
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

}  // namespace arrowroot::cli
