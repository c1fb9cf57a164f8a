// Dimuon invariant-mass spectrum from a ROOT file through the arrowroot engine API:
// open a file, read four-momentum columns as Arrow batches, histogram the mass.
//
//   dimuon_spectrum FILE:TREE     (e.g. testdata/uproot-Zmumu.root:events)
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "arrowroot/byte_source/open.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/scan/tree_reader.h"

using namespace arrowroot;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: dimuon_spectrum FILE:TREE\n");
    return 1;
  }
  std::string arg = argv[1];
  size_t colon = arg.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "dimuon_spectrum: error: write FILE:TREE\n");
    return 1;
  }
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "dimuon_spectrum: error: %s\n", s.ToString().c_str());
    return 1;
  };
  auto source = byte_source::OpenSource(arg.substr(0, colon));
  if (!source.ok()) return fail(source.status());
  auto file = root_format::RootFile::Open(*source);
  if (!file.ok()) return fail(file.status());
  auto tree = scan::TreeReader::Open(*file, arg.substr(colon + 1));
  if (!tree.ok()) return fail(tree.status());
  scan::ScanOptions opt;
  opt.columns = {"E1", "px1", "py1", "pz1", "E2", "px2", "py2", "pz2"};
  auto reader = (*tree)->Scan(opt);
  if (!reader.ok()) return fail(reader.status());

  const double lo = 0, hi = 120;
  const int nbins = 24;
  std::vector<long> hist(nbins, 0);
  long n = 0, under = 0, over = 0;
  while (true) {
    auto batch = (*reader)->Next();
    if (!batch.ok()) return fail(batch.status());
    if (!*batch) break;
    auto col = [&](size_t i) {
      return reinterpret_cast<const double*>((**batch).columns[i]->buffers[0].data());
    };
    for (int64_t r = 0; r < (**batch).num_rows; ++r) {
      double E = col(0)[r] + col(4)[r], px = col(1)[r] + col(5)[r];
      double py = col(2)[r] + col(6)[r], pz = col(3)[r] + col(7)[r];
      double m2 = E * E - px * px - py * py - pz * pz;
      double m = m2 > 0 ? std::sqrt(m2) : 0;
      ++n;
      if (m < lo) ++under;
      else if (m >= hi) ++over;
      else ++hist[static_cast<int>((m - lo) / (hi - lo) * nbins)];
    }
  }
  long peak = 0;
  for (long h : hist) peak = std::max(peak, h);
  std::printf("dimuon invariant mass, %ld events (%s)\n", n, arg.c_str());
  for (int i = 0; i < nbins; ++i) {
    double a = lo + (hi - lo) * i / nbins;
    int bar = peak ? static_cast<int>(50.0 * hist[i] / peak) : 0;
    std::printf("%6.1f-%6.1f GeV %6ld %s\n", a, a + (hi - lo) / nbins, hist[i],
                std::string(bar, '#').c_str());
  }
  std::printf("overflow (>= %.0f GeV): %ld\n", hi, over);
  return 0;
}
