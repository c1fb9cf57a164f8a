// Copy(): check the arguments, plan the files and their targets, then run the worker pool
// (engine.h), or only list the plan for a dry run.
#include "transfer/copy.h"

#include <cctype>
#include <filesystem>
#include <map>
#include <memory>

#include "arrowroot/byte_source/s3/s3_writer.h"
#include "transfer/engine.h"
#include "transfer/plan.h"

namespace arrowroot::transfer {

namespace bs = byte_source;
namespace fs = std::filesystem;

using internal::Engine;
using internal::ExpandSource;
using internal::HasWildcard;
using internal::Included;
using internal::kMaxJobs;
using internal::Planned;

Result<Verify> ParseVerify(const std::string& name) {
  if (name == "none") return Verify::kNone;
  if (name == "size") return Verify::kSize;
  if (name == "checksum") return Verify::kChecksum;
  if (name == "root") return Verify::kRoot;
  return Status::InvalidArgument("--verify must be none, size, checksum or root, not '" + name + "'");
}

Result<uint64_t> ParseSize(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  uint64_t mult = 0;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = uint64_t{1} << 10;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = uint64_t{1} << 20;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = uint64_t{1} << 30;
  if (i == 0 || i > 12 || mult == 0) {
    return Status::InvalidArgument("'" + text + "' is not a size (use e.g. 8MiB, 64M or 16777216)");
  }
  const uint64_t n = std::stoull(text.substr(0, i));
  if (n > UINT64_MAX / mult) return Status::InvalidArgument("size '" + text + "' is too large");
  return n * mult;
}

Result<CopySummary> Copy(const std::vector<std::string>& sources, const std::string& target,
                         const CopyOptions& options) {
  if (sources.empty()) return Status::InvalidArgument("nothing to copy: give at least one source");
  if (target.empty()) return Status::InvalidArgument("no target given");
  if (options.jobs < 1 || options.jobs > kMaxJobs) {
    return Status::InvalidArgument("--jobs must be between 1 and " + std::to_string(kMaxJobs));
  }
  RETURN_IF_ERROR(bs::PlanParts(0, options.part_size).status());
  const std::string tscheme = bs::UrlScheme(target);
  if (!tscheme.empty() && tscheme != "s3" && tscheme != "file") {
    return Status::Unsupported("cannot copy to '" + tscheme + "://': the target must be s3:// or a local path");
  }
  if (HasWildcard(target)) return Status::InvalidArgument("the target '" + target + "' has wildcards");
  bool need_s3 = tscheme == "s3";
  for (const auto& s : sources) need_s3 = need_s3 || bs::UrlScheme(s) == "s3";
  std::unique_ptr<bs::S3Writer> s3;
  if (need_s3) {
    ASSIGN_OR_RETURN(s3, bs::S3Writer::Make(options.source.s3, options.source.http));
  }
  if (tscheme == "s3") {
    ASSIGN_OR_RETURN(bs::S3Location loc, bs::ParseS3Url(target));
    (void)loc;
  }

  std::vector<Planned> plan;
  for (const auto& s : sources) {
    std::vector<Planned> found;
    RETURN_IF_ERROR(ExpandSource(s, options, s3.get(), &found));
    for (auto& f : found) {
      if (Included(options.include, f.rel)) plan.push_back(std::move(f));
    }
  }
  if (plan.empty()) {
    return Status::NotFound("no file to copy" +
                            (options.include.empty() ? std::string() : " matches --include '" + options.include + "'"));
  }
  // Target naming.
  std::string t = tscheme == "file" ? target.substr(7) : target;
  bool as_dir = plan.size() > 1 || options.recursive || t.back() == '/';
  if (tscheme == "s3") {
    ASSIGN_OR_RETURN(bs::S3Location loc, bs::ParseS3Url(t));
    if (loc.key.empty()) as_dir = true;
  } else {
    std::error_code ec;
    if (fs::is_directory(t, ec)) as_dir = true;
  }
  if (as_dir && t.back() != '/') t += '/';
  std::map<std::string, std::string> seen;
  for (auto& p : plan) {
    p.target = as_dir ? t + p.rel : t;
    auto [it, inserted] = seen.emplace(p.target, p.source);
    if (!inserted) {
      return Status::InvalidArgument("'" + bs::RedactUrl(it->second) + "' and '" + bs::RedactUrl(p.source) +
                                     "' would both be copied to '" + p.target + "'");
    }
  }
  if (options.dry_run) {
    CopySummary s;
    for (auto& p : plan) {
      if (!p.size_known) {
        bs::SourceOptions so = options.source;
        so.http.head_bytes = 1;
        so.http.tail_bytes = 0;
        ASSIGN_OR_RETURN(auto src, bs::OpenSource(p.source, so));
        p.size = src->size();
      }
      s.files++;
      s.bytes += p.size;
      s.results.push_back({bs::RedactUrl(p.source), p.target, p.size, "planned", ""});
    }
    return s;
  }
  Engine engine(options, std::move(s3), std::move(plan));
  return engine.Run();
}

}  // namespace arrowroot::transfer
