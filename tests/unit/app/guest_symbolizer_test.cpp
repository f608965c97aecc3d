// The guest image's symbols name the RIP of a fault report.
#include "vmm/app/guest_symbolizer.h"

#include <gtest/gtest.h>

#include "tests/unit/loader/symtab_elf.h"

namespace vmm {
namespace {

TEST(GuestSymbolizer, NamesAddressesWithTheImagesFunctions) {
  auto image = test::symtab_elf({{"_ZN3net3Tcp4sendEPKvm", 0xffffffff80101210, 0x40}});
  GuestSymbolizer symbolize = guest_symbolizer(image);
  ASSERT_TRUE(symbolize);
  EXPECT_EQ(symbolize(0xffffffff80101234), "net::Tcp::send+0x24");
  EXPECT_EQ(symbolize(0x1000), "");
}

TEST(GuestSymbolizer, NoneForAStrippedOrUnreadableImage) {
  EXPECT_FALSE(guest_symbolizer(test::symtab_elf({})));
  EXPECT_FALSE(guest_symbolizer(std::vector<uint8_t>{0x7f, 'E', 'L', 'F'}));
}

}  // namespace
}  // namespace vmm
