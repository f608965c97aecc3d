#include "vmm/loader/elf_symbols.h"

#include <gtest/gtest.h>

#include "tests/unit/loader/symtab_elf.h"

namespace vmm::loader {
namespace {

TEST(ElfSymbols, FindsTheFunctionHoldingAnAddress) {
  auto image = test::symtab_elf({{"net::udp_send", 0xffffffff80116800, 0x100},
                                 {"syscall_entry", 0xffffffff80101260, 0x60},
                                 {"a_variable", 0xffffffff80200000, 8, STT_OBJECT},
                                 {"no_size", 0xffffffff80300000, 0}});
  auto table = ElfSymbolTable::parse(image);
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->size(), 3u);  // functions only
  EXPECT_EQ(table->describe(0xffffffff80116848), "net::udp_send+0x48");
  EXPECT_EQ(table->describe(0xffffffff80116800), "net::udp_send");
  EXPECT_EQ(table->describe(0xffffffff801012be), "syscall_entry+0x5e");
  EXPECT_EQ(table->describe(0xffffffff80116900), "");  // past its size
  EXPECT_EQ(table->describe(0xffffffff80200000), "");  // an object, not a function
  EXPECT_EQ(table->describe(0xffffffff80300010), "no_size+0x10");  // sizeless: up to the next
  EXPECT_EQ(table->describe(0x1000), "");
}

TEST(ElfSymbols, CxxNamesReadDemangledWithoutParameters) {
  auto image = test::symtab_elf({{"_ZN3net3Tcp4sendEPKvm", 0xffffffff80101210, 0x40},
                                 {"_Z10exec_imagePKcRK9ArgVectorPP12AddressSpacePmS7_", 0xffffffff8010af70, 0x10},
                                 {"_ZNK3net4Pipe4sizeEv", 0xffffffff80102000, 0x10},
                                 {"_ZN5TimerclEi", 0xffffffff80103000, 0x10},
                                 {"_Zbroken", 0xffffffff80104000, 0x10}});
  auto table = ElfSymbolTable::parse(image);
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->describe(0xffffffff80101234), "net::Tcp::send+0x24");
  EXPECT_EQ(table->describe(0xffffffff8010af70), "exec_image");
  EXPECT_EQ(table->describe(0xffffffff80102004), "net::Pipe::size+0x4");  // a const member
  EXPECT_EQ(table->describe(0xffffffff80103000), "Timer::operator()");
  EXPECT_EQ(table->describe(0xffffffff80104000), "_Zbroken");  // not a valid mangling: as it is
}

TEST(ElfSymbols, NoSymbolTableIsAnEmptyTable) {
  auto image = test::symtab_elf({});
  auto table = ElfSymbolTable::parse(image);
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->size(), 0u);
  EXPECT_EQ(table->find(0x1000), nullptr);
}

TEST(ElfSymbols, BrokenTablesAreErrors) {
  auto image = test::symtab_elf({{"f", 0x1000, 16}});
  auto link_at = image.size() - 2 * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_link);
  image[link_at] = 9;  // no section 9
  EXPECT_FALSE(ElfSymbolTable::parse(image));
  auto truncated = test::symtab_elf({{"f", 0x1000, 16}});
  auto size_at = truncated.size() - 2 * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_size);
  truncated[size_at + 3] = 0x7f;  // far past the end
  EXPECT_FALSE(ElfSymbolTable::parse(truncated));
  EXPECT_FALSE(ElfSymbolTable::parse(std::vector<uint8_t>{1, 2, 3}));
  EXPECT_FALSE(ElfSymbolTable::load("/nonexistent/guest.elf"));
}

}  // namespace
}  // namespace vmm::loader
