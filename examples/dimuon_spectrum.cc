// Dimuon invariant-mass spectrum from a ROOT file through arrowroot's public C++ API
// (arrowroot/arrowroot.h): open a file, read four-momentum columns as Arrow record batches
// through the Arrow C Stream Interface, histogram the mass.
//
//   dimuon_spectrum FILE:TREE     (e.g. testdata/uproot-Zmumu.root:events)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "arrowroot/arrowroot.h"

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
  auto fail = [](const std::string& message) {
    std::fprintf(stderr, "dimuon_spectrum: error: %s\n", message.c_str());
    return 1;
  };
  auto file = arrowroot::File::Open(arg.substr(0, colon));
  if (!file.ok()) return fail(file.status().ToString());
  auto tree = (*file)->OpenTree(arg.substr(colon + 1));
  if (!tree.ok()) return fail(tree.status().ToString());
  arrowroot::ScanOptions opt;
  opt.columns = {"E1", "px1", "py1", "pz1", "E2", "px2", "py2", "pz2"};
  ArrowArrayStream stream;
  arrowroot::Status st = (*tree)->Scan(opt, &stream);
  if (!st.ok()) return fail(st.ToString());

  const double lo = 0, hi = 120;
  const int nbins = 24;
  std::vector<long> hist(nbins, 0);
  long n = 0, under = 0, over = 0;
  while (true) {
    ArrowArray batch;
    if (stream.get_next(&stream, &batch) != 0) {
      std::string message = stream.get_last_error(&stream);
      stream.release(&stream);
      return fail(message);
    }
    if (batch.release == nullptr) break;  // end of the stream
    // A batch is a struct array, one child per column; a float64 column's values are its
    // buffer 1 (buffer 0 is the validity bitmap), starting at the child's offset.
    auto col = [&](int i) {
      const ArrowArray* c = batch.children[i];
      return static_cast<const double*>(c->buffers[1]) + c->offset;
    };
    for (int64_t r = 0; r < batch.length; ++r) {
      double E = col(0)[r] + col(4)[r], px = col(1)[r] + col(5)[r];
      double py = col(2)[r] + col(6)[r], pz = col(3)[r] + col(7)[r];
      double m2 = E * E - px * px - py * py - pz * pz;
      double m = m2 > 0 ? std::sqrt(m2) : 0;
      ++n;
      if (m < lo) ++under;
      else if (m >= hi) ++over;
      else ++hist[static_cast<int>((m - lo) / (hi - lo) * nbins)];
    }
    batch.release(&batch);
  }
  stream.release(&stream);
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
