// The device status rules as a table (virtio 1.2 §2.1, §3.1.1).
#include "virtio/mmio/device_status.h"

#include <gtest/gtest.h>

#include "virtio/spec.h"

namespace vmm::virtio {
namespace {

constexpr uint32_t A = kStatusAcknowledge, D = kStatusDriver, F = kStatusFeaturesOk,
                   O = kStatusDriverOk, X = kStatusFailed, R = kStatusDeviceNeedsReset;

struct Case {
  uint32_t current, written;
  bool features_ok;
  uint32_t expected;
  bool activate;
  bool refused;
};

TEST(DeviceStatus, TransitionTable) {
  const Case cases[] = {
      {0, A, true, A, false, false},
      {A, A | D, true, A | D, false, false},
      {A | D, A | D | F, true, A | D | F, false, false},
      {A | D, A | D | F, false, A | D, false, true},        // features refused
      {A | D | F, A | D | F | O, true, A | D | F | O, true, false},
      {0, D, true, 0, false, true},                          // DRIVER before ACKNOWLEDGE
      {A, A | F, true, A, false, true},                      // FEATURES_OK before DRIVER
      {A | D, A | D | O, true, A | D, false, true},          // DRIVER_OK before FEATURES_OK
      {A | D | F, A | D, true, A | D | F, false, true},      // clears a bit
      {A | D | F | R, A | D | F | O, true, A | D | F | R, false, true},  // needs reset
      {A | D | F | R, A | D | F, true, A | D | F | R, false, false},     // R is kept
      {A | D, A | D | X, true, A | D | X, false, false},     // FAILED any time
      {A | D | F, A | D | F | X | O, true, A | D | F, false, true},
      {A, A | R, true, A, false, false},                     // the driver cannot set R
  };
  for (const Case& c : cases) {
    StatusDecision d = decide_status_write(c.current, c.written, c.features_ok);
    EXPECT_EQ(d.status, c.expected) << "current " << c.current << " written " << c.written;
    EXPECT_EQ(d.activate, c.activate) << "current " << c.current << " written " << c.written;
    EXPECT_EQ(!d.refusal.empty(), c.refused) << "current " << c.current << " written " << c.written;
  }
}

}  // namespace
}  // namespace vmm::virtio
