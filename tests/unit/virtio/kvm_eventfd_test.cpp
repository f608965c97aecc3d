// irqfd and ioeventfd wiring against the mock KVM: the right GSI and
// register address, the binding undone on destruction, and signals passing
// through the eventfds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "tests/unit/mock/mock_kvm.h"
#include "virtio/notify/ioeventfd_notifier.h"
#include "virtio/notify/irqfd_interrupt.h"

namespace vmm::virtio {
namespace {

using ::testing::_;
using ::testing::DoAll;
using ::testing::Return;
using ::testing::SaveArg;
using vmm::testing::MockKvmVm;

TEST(IrqfdInterrupt, BindsTheGsiAndSignalsTheEventfd) {
  MockKvmVm vm;
  int fd = -1;
  EXPECT_CALL(vm, register_irqfd(5u, _, false)).WillOnce(DoAll(SaveArg<1>(&fd), Return(ok())));
  auto interrupt = IrqfdInterrupt::create(vm, 5);
  ASSERT_TRUE(interrupt.ok());
  (*interrupt)->trigger();
  (*interrupt)->trigger();
  uint64_t count = 0;
  ASSERT_EQ(read(fd, &count, sizeof count), ssize_t(sizeof count));
  EXPECT_EQ(count, 2u);  // what KVM would turn into two edges on GSI 5
  EXPECT_CALL(vm, register_irqfd(5u, fd, true)).WillOnce(Return(ok()));
  interrupt->reset();
}

TEST(IrqfdInterrupt, KvmRefusalIsAnError) {
  MockKvmVm vm;
  EXPECT_CALL(vm, register_irqfd(_, _, false))
      .WillOnce(Return(Result<void>(make_error("KVM_IRQFD: Invalid argument"))));
  auto interrupt = IrqfdInterrupt::create(vm, 5);
  ASSERT_FALSE(interrupt.ok());
  EXPECT_NE(interrupt.error().message.find("GSI 5"), std::string::npos);
}

TEST(IoeventfdNotifier, BindsQueueNotifyAndReportsEveryWrite) {
  MockKvmVm vm;
  boost::asio::io_context context;
  int fd = -1;
  EXPECT_CALL(vm, register_ioeventfd(0xd0000050u, 4u, _, false, false))
      .WillOnce(DoAll(SaveArg<2>(&fd), Return(ok())));
  uint64_t notified = 0;
  auto notifier = IoeventfdNotifier::create(vm, 0xd0000050, context,
                                            [&](uint64_t count) { notified += count; });
  ASSERT_TRUE(notifier.ok()) << notifier.error().message;
  uint64_t three = 3;  // KVM adds one per guest write
  ASSERT_EQ(write(fd, &three, sizeof three), ssize_t(sizeof three));
  context.poll();
  EXPECT_EQ(notified, 3u);
  EXPECT_CALL(vm, register_ioeventfd(0xd0000050u, 4u, fd, false, true)).WillOnce(Return(ok()));
  notifier->reset();
}

TEST(IoeventfdNotifier, KvmRefusalSuggestsNoIoeventfd) {
  MockKvmVm vm;
  boost::asio::io_context context;
  EXPECT_CALL(vm, register_ioeventfd(_, _, _, _, _))
      .WillOnce(Return(Result<void>(make_error("KVM_IOEVENTFD: No space left on device"))));
  auto notifier = IoeventfdNotifier::create(vm, 0xd0000050, context, [](uint64_t) {});
  ASSERT_FALSE(notifier.ok());
  EXPECT_NE(notifier.error().message.find("--no-ioeventfd"), std::string::npos);
}

}  // namespace
}  // namespace vmm::virtio
