// open_kvm() errors that need no working KVM.
#include <gtest/gtest.h>

#include "hv/kvm/kvm.h"

namespace vmm {
namespace {

TEST(OpenKvm, MissingDeviceIsAClearError) {
  auto kvm = open_kvm("/nonexistent/kvm");
  ASSERT_FALSE(kvm.ok());
  EXPECT_EQ(kvm.error().message, "cannot open /nonexistent/kvm: No such file or directory");
}

TEST(OpenKvm, DeviceThatIsNotKvmNamesTheIoctl) {
  auto kvm = open_kvm("/dev/null");
  ASSERT_FALSE(kvm.ok());
  EXPECT_EQ(kvm.error().message,
            "KVM_GET_API_VERSION failed: Inappropriate ioctl for device");
}

}  // namespace
}  // namespace vmm
