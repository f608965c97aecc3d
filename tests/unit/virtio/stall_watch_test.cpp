// The driver's guard against a lost notification (abi/virtio/stall_watch.h):
// it speaks up only when buffers sit in the device with no progress for the
// whole patience, and then once a patience.
#include "abi/virtio/stall_watch.h"

#include <gtest/gtest.h>

namespace vmm::virtio {
namespace {

constexpr uint64_t kPatience = 10;

TEST(StallWatch, NothingOutstandingIsNeverAStall) {
  ::virtio::StallWatch watch(kPatience);
  for (uint64_t now = 0; now < 100; now += 5) EXPECT_FALSE(watch.notify_anyway(0, 0, now)) << now;
}

TEST(StallWatch, BuffersUntouchedForThePatienceAreNotifiedAgainOnceAPatience) {
  ::virtio::StallWatch watch(kPatience);
  EXPECT_FALSE(watch.notify_anyway(7, 3, 100));  // first sight: the clock starts
  EXPECT_FALSE(watch.notify_anyway(7, 4, 109));
  EXPECT_TRUE(watch.notify_anyway(7, 5, 110));
  EXPECT_FALSE(watch.notify_anyway(7, 6, 115));  // just notified: another patience first
  EXPECT_TRUE(watch.notify_anyway(7, 6, 120));
}

TEST(StallWatch, AnyBufferGivenBackRestartsThePatience) {
  ::virtio::StallWatch watch(kPatience);
  EXPECT_FALSE(watch.notify_anyway(7, 3, 100));
  EXPECT_FALSE(watch.notify_anyway(8, 3, 109));  // progress at 109
  EXPECT_FALSE(watch.notify_anyway(8, 3, 118));
  EXPECT_TRUE(watch.notify_anyway(8, 3, 119));
}

TEST(StallWatch, AnEmptiedQueueRestartsThePatience) {
  ::virtio::StallWatch watch(kPatience);
  EXPECT_FALSE(watch.notify_anyway(7, 3, 100));
  EXPECT_FALSE(watch.notify_anyway(7, 0, 105));   // all given back (used index wrapped to the same value, say)
  EXPECT_FALSE(watch.notify_anyway(7, 1, 112));   // a new buffer: the clock starts again
  EXPECT_FALSE(watch.notify_anyway(7, 1, 121));
  EXPECT_TRUE(watch.notify_anyway(7, 1, 122));
}

}  // namespace
}  // namespace vmm::virtio
