#include <gtest/gtest.h>

#include "abi/platform.h"
#include "devices/acpi_sleep.h"
#include "devices/debug_exit.h"
#include "hv/core/exit_status.h"

namespace vmm {
namespace {

TEST(DebugExit, WriteOfVEndsWithTwoVPlusOne) {
  for (uint16_t v : {0, 1, 0x21, 0x7f}) {
    VmLifecycle lifecycle;
    DebugExit dev(lifecycle);
    uint16_t value = v;
    dev.write({0, 2}, std::span(reinterpret_cast<const uint8_t*>(&value), 2));
    EXPECT_TRUE(lifecycle.stopping());
    EXPECT_EQ(lifecycle.exit_status(), ((v << 1) | 1) & 0xff);
    EXPECT_NE(lifecycle.reason().find("vcpu 2"), std::string::npos);
  }
}

TEST(AcpiSleep, S5WithSleepEnablePowersOff) {
  VmLifecycle lifecycle;
  AcpiSleepRegisters dev(lifecycle);
  uint8_t value = (platform::kSleepTypeS5 << platform::kSleepControlTypShift) |
                  platform::kSleepControlEnable;
  dev.write({0, 0}, std::span(&value, 1));
  EXPECT_TRUE(lifecycle.stopping());
  EXPECT_EQ(lifecycle.exit_status(), kStatusPoweredOff);
}

TEST(AcpiSleep, OtherWritesDoNothing) {
  VmLifecycle lifecycle;
  AcpiSleepRegisters dev(lifecycle);
  uint8_t no_enable = platform::kSleepTypeS5 << platform::kSleepControlTypShift;
  dev.write({0, 0}, std::span(&no_enable, 1));
  uint8_t s3 = (3 << platform::kSleepControlTypShift) | platform::kSleepControlEnable;
  dev.write({0, 0}, std::span(&s3, 1));
  uint8_t status = 0xff;
  dev.write({1, 0}, std::span(&status, 1));
  EXPECT_FALSE(lifecycle.stopping());
}

}  // namespace
}  // namespace vmm
