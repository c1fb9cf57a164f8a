// `arrowroot`: a thin front end; all logic lives in cli.cc and commands/. `arrowroot doctor` is
// the one command written in Python (it talks to Spark and Kubernetes): it runs `python -m
// arrowroot.doctor` with the interpreter installed beside this program (a venv's bin/), or
// $ARROWROOT_PYTHON, or python3 on PATH.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

namespace {

std::string SelfDirectory() {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) return "";
  buf.resize(static_cast<size_t>(n));
  auto slash = buf.rfind('/');
  return slash == std::string::npos ? "" : buf.substr(0, slash);
}

int RunDoctor(int argc, char** argv) {
  std::vector<std::string> candidates;
  if (const char* p = std::getenv("ARROWROOT_PYTHON"); p && *p) candidates.push_back(p);
  const std::string dir = SelfDirectory();
  if (!dir.empty()) {
    candidates.push_back(dir + "/python");
    candidates.push_back(dir + "/python3");
  }
  candidates.push_back("python3");
  for (const auto& py : candidates) {
    if (py.find('/') != std::string::npos && ::access(py.c_str(), X_OK) != 0) continue;
    std::vector<std::string> args = {py, "-m", "arrowroot.doctor"};
    for (int i = 2; i < argc; ++i) args.emplace_back(argv[i]);
    std::vector<char*> cargs;
    for (auto& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    ::execvp(cargs[0], cargs.data());  // returns only on failure
  }
  std::cerr << "arrowroot: error: `arrowroot doctor` needs the arrowroot Python package and a "
               "Python interpreter (none found beside this program, in $ARROWROOT_PYTHON or as "
               "python3 on PATH): pip install arrowroot, then run it again or use "
               "`python -m arrowroot.doctor`\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "doctor") == 0) return RunDoctor(argc, argv);
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  int rc = arrowroot::cli::Main(args, std::cout, std::cerr);
  std::cout.flush();
  return rc;
}
