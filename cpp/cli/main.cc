// `arrowroot`: a thin front end; all logic lives in commands.cc.
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  int rc = arrowroot::cli::Main(args, std::cout, std::cerr);
  std::cout.flush();
  return rc;
}
