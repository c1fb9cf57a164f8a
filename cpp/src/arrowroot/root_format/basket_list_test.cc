#include "arrowroot/root_format/basket_list.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace arrowroot::root_format {
namespace {

/// A branch of `write_basket` baskets on disk: entries, seeks and bytes per basket.
Branch OnDisk(std::vector<int64_t> entry, std::vector<int64_t> seek, std::vector<int32_t> bytes,
              int64_t entries) {
  Branch b;
  b.name = "x";
  b.write_basket = static_cast<int32_t>(seek.size());
  b.basket_entry = std::move(entry);
  b.basket_seek = std::move(seek);
  b.basket_bytes = std::move(bytes);
  b.entries = entries;
  return b;
}

std::shared_ptr<const EmbeddedBasket> Embedded(int32_t slot, int32_t nev_buf, bool has_buffer) {
  auto e = std::make_shared<EmbeddedBasket>();
  e->slot = slot;
  e->nev_buf = nev_buf;
  e->has_buffer = has_buffer;
  return e;
}

TEST(ListBaskets, ListsKeysOnDiskWithTheirEntryRanges) {
  Branch b = OnDisk({0, 100, 250}, {1000, 2000}, {500, 600}, 250);
  auto slots = ListBaskets(b, 10000);
  ASSERT_TRUE(slots.ok()) << slots.status().ToString();
  ASSERT_EQ(slots->size(), 2u);
  EXPECT_EQ((*slots)[0].entry_start, 0);
  EXPECT_EQ((*slots)[0].entry_stop, 100);
  EXPECT_EQ((*slots)[0].seek, 1000u);
  EXPECT_EQ((*slots)[0].bytes, 500u);
  EXPECT_EQ((*slots)[1].entry_start, 100);
  EXPECT_EQ((*slots)[1].entry_stop, 250);
  EXPECT_EQ((*slots)[1].index, 1u);
  EXPECT_FALSE((*slots)[1].embedded);
  EXPECT_EQ(EntriesHeld(b, *slots), 250);
}

TEST(ListBaskets, TheLastBasketEndsAtFEntriesWithoutANextBoundary) {
  Branch b = OnDisk({0}, {1000}, {500}, 42);
  auto slots = ListBaskets(b, 10000);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ((*slots)[0].entry_stop, 42);
}

TEST(ListBaskets, EmbeddedBasketsTakeTheirSlotOrFollowTheWrittenOnes) {
  Branch b = OnDisk({0, 10, 30}, {0, 2000}, {0, 600}, 35);
  b.embedded_baskets = {Embedded(0, 10, true), Embedded(2, 5, true)};
  auto slots = ListBaskets(b, 10000);
  ASSERT_TRUE(slots.ok()) << slots.status().ToString();
  ASSERT_EQ(slots->size(), 3u);
  EXPECT_TRUE((*slots)[0].embedded);          // slot 0: in the TTree record
  EXPECT_FALSE((*slots)[1].embedded);         // slot 1: its key
  EXPECT_TRUE((*slots)[2].embedded);          // the basket being filled
  EXPECT_EQ((*slots)[2].entry_start, 30);
  EXPECT_EQ((*slots)[2].entry_stop, 35);
  EXPECT_EQ(DescribeBasket((*slots)[2]),
            "basket 2 (embedded in the TTree record), entries [30, 35)");
}

TEST(ListBaskets, AHeaderOnlyEmbeddedBasketIsReadFromItsKey) {
  Branch b = OnDisk({0, 10}, {1000}, {500}, 10);
  b.embedded_baskets = {Embedded(0, 10, false)};
  auto slots = ListBaskets(b, 10000);
  ASSERT_TRUE(slots.ok());
  EXPECT_FALSE((*slots)[0].embedded);
  EXPECT_EQ((*slots)[0].seek, 1000u);
}

TEST(ListBaskets, RejectsBranchesThatContradictTheFile) {
  struct Case {
    std::string name;
    Branch branch;
    std::string message;  // part of the Corruption message
  };
  Branch short_arrays = OnDisk({0, 10}, {1000}, {500}, 10);
  short_arrays.write_basket = 2;
  Branch wrong_count = OnDisk({0, 10}, {0}, {0}, 10);
  wrong_count.embedded_baskets = {Embedded(0, 7, true)};
  const std::vector<Case> cases = {
      {"arrays shorter than fWriteBasket", short_arrays, "shorter than fWriteBasket = 2"},
      {"entries going backwards", OnDisk({0, 10, 5}, {1000, 2000}, {5, 5}, 10), "inconsistent"},
      {"a key past the end of the file", OnDisk({0, 10}, {9990}, {500}, 10), "outside the file"},
      {"negative bytes", OnDisk({0, 10}, {100}, {-1}, 10), "outside the file"},
      {"entries in a basket never written", OnDisk({0, 10}, {0}, {0}, 10), "never written"},
      {"an embedded basket holding other entries", wrong_count, "holds 7 entries"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto slots = ListBaskets(c.branch, 10000);
    ASSERT_FALSE(slots.ok());
    EXPECT_EQ(slots.status().code(), StatusCode::kCorruption);
    EXPECT_NE(slots.status().message().find(c.message), std::string::npos)
        << slots.status().message();
  }
}

TEST(EntriesHeld, CountsBasketsPastFEntries) {
  Branch b = OnDisk({0, 10}, {1000}, {500}, 0);
  b.basket_entry = {0, 10};
  auto slots = ListBaskets(b, 10000);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(EntriesHeld(b, *slots), 10);
  EXPECT_EQ(EntriesHeld(b, {}), 0);
}

}  // namespace
}  // namespace arrowroot::root_format
