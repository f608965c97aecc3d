// `--shmem size=SIZE[,gpa=ADDR][,poll=busy|adaptive][,max-latency=DURATION][,hostfwd=RULE]...`
// as a table: each good value and the config it gives, each bad value and
// the words its error must contain.
#include <gtest/gtest.h>

#include "devices/shmem/shmem_option.h"

namespace vmm {
namespace {

using namespace std::chrono_literals;

ShmemDeviceConfig config(uint64_t size, uint64_t gpa = 0xE0000000, PollPolicy policy = PollPolicy::kAdaptive,
                         std::chrono::nanoseconds latency = 100us) {
  return ShmemDeviceConfig{size, gpa, PollSettings{policy, latency}, {}};
}

TEST(ShmemOption, GoodValues) {
  struct Case {
    const char* text;
    ShmemDeviceConfig want;
  };
  const Case cases[] = {
      {"size=1M", config(1 << 20)},
      {"size=8K", config(8192)},
      {"size=8192", config(8192)},
      {"size=1G", config(1ull << 30)},
      {"size=2M,gpa=0xe0000000", config(2 << 20)},
      {"size=2M,gpa=0xF0000000", config(2 << 20, 0xF0000000)},
      {"size=2M,gpa=4026531840", config(2 << 20, 0xF0000000)},
      {"size=64K,poll=busy", config(64 << 10, 0xE0000000, PollPolicy::kBusy)},
      {"size=64K,poll=adaptive", config(64 << 10)},
      {"size=64K,poll=adaptive,max-latency=20us", config(64 << 10, 0xE0000000, PollPolicy::kAdaptive, 20us)},
      {"max-latency=1ms,size=64K", config(64 << 10, 0xE0000000, PollPolicy::kAdaptive, 1ms)},
      {"size=64K,max-latency=1us", config(64 << 10, 0xE0000000, PollPolicy::kAdaptive, 1us)},
      {"size=64K,max-latency=100ms", config(64 << 10, 0xE0000000, PollPolicy::kAdaptive, 100ms)},
      {"size=64K,max-latency=5000ns", config(64 << 10, 0xE0000000, PollPolicy::kAdaptive, 5us)},
      {"gpa=0x100000000,poll=busy,size=4M", config(4 << 20, 0x100000000, PollPolicy::kBusy)},
  };
  for (const Case& c : cases) {
    auto got = parse_shmem_option(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.error().message;
    EXPECT_EQ(got->size, c.want.size) << c.text;
    EXPECT_EQ(got->gpa, c.want.gpa) << c.text;
    EXPECT_EQ(got->poll, c.want.poll) << c.text;
  }
}

TEST(ShmemOption, BadValues) {
  struct Case {
    const char* text;
    const char* error_has;
  };
  const Case cases[] = {
      {"", "empty value"},
      {"gpa=0xe0000000", "size=SIZE is required"},
      {"size=4K", "below the minimum 8K"},
      {"size=4096", "below the minimum"},
      {"size=5000", "below the minimum"},
      {"size=10000", "not a multiple of 4 KiB"},
      {"size=2G", "above the maximum 1G"},
      {"size=0", "zero"},
      {"size=", "empty value"},
      {"size=lots", "does not start with a number"},
      {"size=1M,size=2M", "'size' is given twice"},
      {"size=1M,", "empty item"},
      {",size=1M", "empty item"},
      {"size=1M,,poll=busy", "empty item"},
      {"size", "is not key=value"},
      {"size=1M,colour=blue", "unknown key 'colour'"},
      {"size=1M,gpa=0xe0000800", "not page-aligned"},
      {"size=1M,gpa=0x", "not an address"},
      {"size=1M,gpa=0xgg000000", "not an address"},
      {"size=1M,gpa=-4096", "not an address"},
      {"size=1M,gpa=0x10000000000000000", "not an address"},
      {"size=1M,gpa=0xfffffffffff00000", "wraps around"},
      {"size=1M,poll=sometimes", "neither busy nor adaptive"},
      {"size=1M,poll=Busy", "neither busy nor adaptive"},
      {"size=1M,max-latency=100", "needs a unit"},
      {"size=1M,max-latency=1h", "unknown unit"},
      {"size=1M,max-latency=us", "does not start with a number"},
      {"size=1M,max-latency=0us", "outside 1us..100ms"},
      {"size=1M,max-latency=999ns", "outside 1us..100ms"},
      {"size=1M,max-latency=101ms", "outside 1us..100ms"},
      {"size=1M,max-latency=99999999999999999999s", "too large"},
      {"size=1M,max-latency=9999999999s", "too large"},
      {"size=1M,poll=busy,max-latency=10us", "only to poll=adaptive"},
      {"size=1M,max-latency=10us,max-latency=20us", "given twice"},
      // Forwards lead into the device's own network, 10.0.3.0/24.
      {"size=1M,hostfwd=tcp:8080-10.0.2.15:80", "outside the user network 10.0.3.0/24"},
      {"size=1M,hostfwd=sctp:8080-:80", "hostfwd 'sctp:8080-:80': protocol 'sctp' is not tcp or udp"},
      {"size=1M,hostfwd=tcp:8080", "no '-' between host and guest"},
  };
  for (const Case& c : cases) {
    auto got = parse_shmem_option(c.text);
    ASSERT_FALSE(got.ok()) << "'" << c.text << "' was accepted";
    EXPECT_NE(got.error().message.find(c.error_has), std::string::npos)
        << "'" << c.text << "': " << got.error().message;
  }
}

TEST(ShmemOption, HostForwardsRepeatAndDefaultToTheDevicesGuestAddress) {
  auto got = parse_shmem_option("size=64K,hostfwd=tcp:5555-:7000,hostfwd=udp:127.0.0.2:6000-10.0.3.20:53");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->host_forwards.size(), 2u);
  EXPECT_EQ(net::describe(got->host_forwards[0]), "tcp 127.0.0.1:5555 -> 10.0.3.15:7000");
  EXPECT_EQ(net::describe(got->host_forwards[1]), "udp 127.0.0.2:6000 -> 10.0.3.20:53");
  // The prefix comes from --shmem's own parser (vmm/cli), not "--net".
  auto bad = parse_shmem_option("size=64K,hostfwd=tcp:0-:1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.find("--net"), std::string::npos) << bad.error().message;
}

TEST(ShmemOption, Durations) {
  EXPECT_EQ(*parse_duration("7ns"), 7ns);
  EXPECT_EQ(*parse_duration("7us"), 7us);
  EXPECT_EQ(*parse_duration("7ms"), 7ms);
  EXPECT_EQ(*parse_duration("7s"), 7s);
  EXPECT_FALSE(parse_duration("7 ms").ok());
  EXPECT_FALSE(parse_duration("7msx").ok());
  EXPECT_FALSE(parse_duration("").ok());
}

}  // namespace
}  // namespace vmm
