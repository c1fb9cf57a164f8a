// Tests for the CLI's shared argument parsing: FILE:OBJECT splitting, the options for remote
// files as storage options.
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

TEST(ParseSourceOptions, TurnsEachFlagIntoItsStorageOption) {
  struct Case {
    std::vector<std::string> args;
    StorageOptions storage;
    std::vector<std::string> rest;
  };
  const std::vector<Case> cases = {
      {{"ls", "f.root"}, {}, {"ls", "f.root"}},
      {{"ls", "--endpoint-url", "http://h:9000", "s3://b/f.root"},
       {{"endpoint_url", "http://h:9000"}},
       {"ls", "s3://b/f.root"}},
      {{"cat", "s3://b/f.root:t", "--region", "eu-west-1", "--profile", "p", "-b", "x"},
       {{"region", "eu-west-1"}, {"profile", "p"}},
       {"cat", "s3://b/f.root:t", "-b", "x"}},
      {{"cp", "--no-sign-request", "--read-timeout", "30", "a", "b"},
       {{"anon", "true"}, {"read_timeout", "30"}},
       {"cp", "a", "b"}},
      // Only after the command: a first argument is the command itself.
      {{"--region"}, {}, {"--region"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args[0] + " ... (" + std::to_string(c.args.size()) + " args)");
    StorageOptions storage;
    auto rest = ParseSourceOptions(c.args, &storage);
    ASSERT_TRUE(rest.ok()) << rest.status().ToString();
    EXPECT_EQ(storage, c.storage);
    EXPECT_EQ(*rest, c.rest);
  }
}

TEST(ParseSourceOptions, RejectsMissingAndOutOfRangeValues) {
  StorageOptions storage;
  EXPECT_EQ(ParseSourceOptions({"ls", "--region"}, &storage).status().message(),
            "--region needs a value");
  EXPECT_EQ(ParseSourceOptions({"ls", "--read-timeout", "0"}, &storage).status().message(),
            "--read-timeout must be 1 to 86400 (seconds)");
  EXPECT_EQ(ParseSourceOptions({"ls", "--read-timeout", "x"}, &storage).status().message(),
            "--read-timeout needs an integer, got 'x'");
}

}  // namespace
}  // namespace arrowroot::cli
