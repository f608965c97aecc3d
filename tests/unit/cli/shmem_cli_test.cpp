// --shmem and the config file's `shmem` key: parsed with the device's own
// parser, placed against the memory map once --memory is known, and every
// error one line that starts with "--shmem: " and names what is wrong.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "abi/platform.h"
#include "vmm/cli/command_line.h"
#include "vmm/cli/config_file.h"
#include "tests/unit/cli/parse_helpers.h"

namespace vmm {
namespace {

using namespace std::chrono_literals;

using testing::error_of;
using testing::parse;

TEST(ShmemOption, AbsentByDefault) {
  auto r = parse({});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->config.shmem.has_value());
}

TEST(ShmemOption, SizeAloneTakesTheDefaults) {
  auto r = parse({"--shmem", "size=64K"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->config.shmem.has_value());
  EXPECT_EQ(r->config.shmem->size, 64u * 1024);
  EXPECT_EQ(r->config.shmem->gpa, platform::kShmemDefaultGpa);
  EXPECT_EQ(r->config.shmem->poll.policy, PollPolicy::kAdaptive);
  EXPECT_EQ(r->config.shmem->poll.max_latency, 100us);
}

TEST(ShmemOption, EveryKey) {
  auto r = parse({"--shmem", "poll=adaptive,max-latency=250us,gpa=0xc0000000,size=1M"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->config.shmem->size, 1u << 20);
  EXPECT_EQ(r->config.shmem->gpa, 0xc0000000u);
  EXPECT_EQ(r->config.shmem->poll.max_latency, 250us);
  auto busy = parse({"--shmem", "size=8K,poll=busy"});
  ASSERT_TRUE(busy.ok()) << busy.error().message;
  EXPECT_EQ(busy->config.shmem->poll.policy, PollPolicy::kBusy);
}

TEST(ShmemOption, BadValuesAreOneLineNamingTheProblem) {
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  const Case cases[] = {
      {{"--shmem", "size=0"}, "is zero"},
      {{"--shmem", "size=12289"}, "not a multiple of 4 KiB"},
      {{"--shmem", "size=4K"}, "below the minimum 8K"},
      {{"--shmem", "size=2G"}, "above the maximum 1G"},
      {{"--shmem", "gpa=0xe0000000"}, "size=SIZE is required"},
      {{"--shmem", "size=64K,gpa=0xe0000800"}, "not page-aligned"},
      {{"--shmem", "size=64K,poll=sometimes"}, "neither busy nor adaptive"},
      {{"--shmem", "size=64K,poll=busy,max-latency=1ms"}, "only to poll=adaptive"},
      {{"--shmem", "size=64K,max-latency=1h"}, "unknown unit"},
      {{"--shmem", "size=64K,colour=red"}, "unknown key 'colour'"},
      {{"--shmem", "size=64K", "--shmem", "size=128K"}, "given more than once"},
      // placement, against this VMM's memory map
      {{"--shmem", "size=64K,gpa=0x1000000"}, "overlaps RAM"},
      {{"--memory", "4G", "--shmem", "size=64K,gpa=0x100000000"}, "overlaps RAM above 4 GiB"},
      {{"--shmem", "size=64K,gpa=0xd0000000"}, "overlaps virtio-mmio devices"},
      {{"--shmem", "size=64K,gpa=0xfec00000"}, "overlaps IOAPIC"},
      {{"--shmem", "size=64K,gpa=0xfee00000"}, "overlaps local APIC"},
      {{"--shmem", "size=1G"}, "overlaps IOAPIC"},  // 0xe0000000 + 1 GiB
  };
  for (const Case& c : cases) {
    std::string message = error_of(c.args);
    EXPECT_EQ(message.rfind("--shmem: ", 0), 0u) << message;
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

// RAM grows to 3 GiB below 4 GiB: the default address is free at any size,
// and a region just above RAM is accepted.
TEST(ShmemOption, PlacementFollowsTheMemorySize) {
  EXPECT_TRUE(parse({"--memory", "8G", "--shmem", "size=1M"}).ok());
  EXPECT_TRUE(parse({"--memory", "256M", "--shmem", "size=64K,gpa=0x10000000"}).ok());
  EXPECT_NE(error_of({"--memory", "512M", "--shmem", "size=64K,gpa=0x10000000"}).find("overlaps RAM"),
            std::string::npos);
}

TEST(ShmemOption, NoneMeansNoDevice) {
  auto r = parse({"--shmem", "none"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->config.shmem.has_value());
}

TEST(ShmemOption, HelpDescribesTheOptionAndTheLatencyBound) {
  auto help = parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_NE(help->output.find("--shmem"), std::string::npos);
  EXPECT_NE(help->output.find("max-latency"), std::string::npos);
  EXPECT_NE(help->output.find("10.0.3.0/24"), std::string::npos);
}

class ShmemConfigKey : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    std::ofstream(path_) << text;
    return path_;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  // One file per test: ctest runs the tests of this fixture in parallel.
  std::string path_ = ::testing::TempDir() + "shmem_config_test_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml";
};

TEST_F(ShmemConfigKey, SameSyntaxAsTheOption) {
  auto r = parse({"--config", write("shmem = \"size=128K,poll=busy\"\n")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->config.shmem->size, 128u * 1024);
  EXPECT_EQ(r->config.shmem->poll.policy, PollPolicy::kBusy);
}

TEST_F(ShmemConfigKey, TheCommandLineOverridesIt) {
  auto r = parse({"--config", write("shmem = \"size=128K\"\n"), "--shmem", "none"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->config.shmem.has_value());
}

TEST_F(ShmemConfigKey, ErrorsNameTheFileAndTheKey) {
  std::string path = write("shmem = \"size=3K\"\n");
  std::string message = error_of({"--config", path});
  EXPECT_NE(message.find(path + ": key 'shmem': --shmem: size"), std::string::npos) << message;
  path = write("shmem = 65536\n");
  EXPECT_NE(error_of({"--config", path}).find("key 'shmem': expected a string"), std::string::npos);
}

// Placement is checked on the merged result: RAM from the file, region from
// the command line.
TEST_F(ShmemConfigKey, PlacementUsesTheMergedMemorySize) {
  std::string message = error_of({"--config", write("memory = \"1G\"\n"), "--shmem", "size=64K,gpa=0x20000000"});
  EXPECT_NE(message.find("--shmem: shared-memory region [0x20000000, 0x20010000) overlaps RAM"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace vmm
