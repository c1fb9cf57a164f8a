// Tests for the CLI's shared argument parsing: FILE:OBJECT splitting.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "args.h"

namespace arrowroot::cli {
namespace {

TEST(SplitFileObject, SplitsAtTheLastColonOutsideTheScheme) {
  struct Case {
    std::string arg;
    bool ok;
    std::string file;
    std::string object;
  };
  const std::vector<Case> cases = {
      {"a.root:t", true, "a.root", "t"},
      {"file:///x/a.root:dir/t", true, "file:///x/a.root", "dir/t"},
      {"s3://b/k.root:t", true, "s3://b/k.root", "t"},
      {"noobject", false, "", ""},
      {"s3://b/k.root", false, "", ""},
      {"https://host:8443/f.root", false, "", ""},
      {"https://host:8443/f.root:events", true, "https://host:8443/f.root", "events"},
      {"https://host", false, "", ""},
      {"a.root:", false, "", ""},
      {":t", false, "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.arg);
    std::string file, object;
    bool ok = SplitFileObject(c.arg, &file, &object);
    EXPECT_EQ(ok, c.ok);
    if (c.ok) {
      EXPECT_EQ(file, c.file);
      EXPECT_EQ(object, c.object);
    }
  }
}

}  // namespace
}  // namespace arrowroot::cli
