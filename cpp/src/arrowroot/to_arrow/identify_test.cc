// Identification tables: leaves, streamer type codes and C++ type names → wire primitive and
// Arrow type; titles → ranges and dimensions; branches → kind. Pure functions, no bytes.
#include "arrowroot/to_arrow/identify.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arrowroot/to_arrow/offsets.h"

namespace arrowroot::to_arrow {
namespace {

TEST(Identify, Placeholder) {}

}  // namespace
}  // namespace arrowroot::to_arrow
