#include "tests/unit/app/hostile_vm_rig.h"

#include <cstring>
#include <vector>

#include "abi/shmem_ring.h"
#include "tests/unit/mock/mock_vm_helpers.h"
#include "virtio/spec.h"

namespace vmm::testing {

using ::testing::_;
using ::testing::AnyNumber;
using ::testing::ByMove;
using ::testing::Invoke;
using ::testing::Return;
using namespace virtio;
using namespace virtio::mmio;

namespace {

constexpr uint16_t kUartScratchPort = platform::kUartCom1Port + 7;  // 16550 SCR



}  // namespace

void HostileGuestTest::SetUp() {
  auto memory = GuestMemory::create(kRamBytes);
  ASSERT_TRUE(memory.ok());
  memory_ = std::make_unique<GuestMemory>(std::move(*memory));
  ram_base_ = memory_->regions()[0].mapping.data();  // the mapping moves with the memory
  vm_mock_ = testing::expect_vm_set_up_without_fault(system_);
  // --no-ioeventfd: every QueueNotify write is an exit the script makes.
  EXPECT_CALL(*vm_mock_, register_ioeventfd(_, _, _, _, _)).Times(0);
  EXPECT_CALL(*vm_mock_, set_user_memory_region(_, _, _, _))
      .WillRepeatedly(Invoke([this](uint32_t slot, uint64_t, uint64_t, void* host) {
        if (slot == 1) shmem_ = static_cast<uint8_t*>(host);
        return ok();
      }));
  EXPECT_CALL(*vm_mock_, create_vcpu(_)).WillRepeatedly(Invoke([this](int id) {
    auto vcpu = std::make_unique<MockKvmVcpu>(id);
    bsp_ = vcpu.get();
    testing::expect_vcpu_set_up_without_fault(*vcpu);
    return Result<std::unique_ptr<KvmVcpu>>(std::unique_ptr<KvmVcpu>(std::move(vcpu)));
  }));
}

void HostileGuestTest::create_vm(std::unique_ptr<net::NetBackend> net_backend) {
  if (!net_backend) {
    auto fake = std::make_unique<FakeNetBackend>();
    net_backend_ = fake.get();
    net_backend = std::move(fake);
  }
  auto shmem_backend = std::make_unique<FakeNetBackend>();
  shmem_backend_ = shmem_backend.get();
  VmConfig config;
  config.vcpus = 1;
  config.memory_bytes = kRamBytes;
  config.use_ioeventfd = false;
  config.shmem = ShmemDeviceConfig{kShmemBytes, platform::kShmemDefaultGpa, {}, {}};
  auto vm = Vm::create(config, system_, std::move(*memory_), 0x100000, std::move(net_backend),
                       std::move(shmem_backend));
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  ASSERT_NE(shmem_, nullptr);
  vm_ = std::move(*vm);
}

VmStats HostileGuestTest::run(ScriptedVcpu::Script script) {
  ScriptedVcpu vcpu(*bsp_, std::move(script));
  return vm_->run();  // the script thread is joined when `vcpu` goes
}

GuestRing HostileGuestTest::fresh_ring(uint16_t queue, uint16_t size) const {
  uint64_t base = queue == 0 ? kRxRingGpa : kTxRingGpa;
  std::memset(ram_base_ + base, 0, kTxRingGpa - kRxRingGpa);
  return GuestRing(ram(), size, base);
}

void HostileGuestTest::bring_up(GuestVirtioDriver& driver, const GuestRing& rx, const GuestRing& tx,
                                uint64_t features) const {
  EXPECT_EQ(driver.read(kRegMagicValue), kMagic);
  EXPECT_EQ(driver.read(kRegDeviceId), kDeviceIdNet);
  EXPECT_TRUE(driver.negotiate(features));
  driver.set_up_queue(0, rx.layout());
  driver.set_up_queue(1, tx.layout());
  driver.set_status_bits(kStatusDriverOk);
  EXPECT_EQ(driver.status(), kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
}

bool HostileGuestTest::send_frame(GuestVirtioDriver& driver, GuestRing& tx, uint8_t fill) const {
  uint16_t head = tx.avail_idx() % tx.size();
  uint64_t buffer = kBufferGpa + head * kBufferBytes;
  std::vector<uint8_t> bytes(kHeaderBytes + 60, fill);
  std::memset(bytes.data(), 0, kHeaderBytes);
  std::memcpy(ram_base_ + buffer, bytes.data(), bytes.size());
  tx.set_descriptor(head, VirtqDesc{buffer, static_cast<uint32_t>(bytes.size()), 0, 0});
  tx.make_available(head);
  driver.notify(1);
  return eventually_within_10s([&tx] { return tx.used_idx() == tx.avail_idx(); });
}

bool HostileGuestTest::post_and_expect_needs_reset(GuestVirtioDriver& driver, GuestRing& ring,
                                                   uint16_t queue, uint16_t head) const {
  ring.make_available(head);
  driver.notify(queue);
  if (!driver.wait_for_status(kStatusDeviceNeedsReset)) return false;
  return (driver.read(kRegInterruptStatus) & kInterruptConfigChange) != 0;
}

bool HostileGuestTest::device_thread_caught_up() const {
  size_t answered = net_backend_->answer_count();
  net_backend_->deliver_from_host(std::vector<uint8_t>(60, 0));
  return eventually_within_10s([this, answered] { return net_backend_->answer_count() > answered; });
}

void HostileGuestTest::expect_other_devices_work(ScriptedVcpu& vcpu) const {
  vcpu.pio_out8(kUartScratchPort, 0x5a);
  EXPECT_EQ(vcpu.pio_in8(kUartScratchPort), 0x5a) << "the UART stopped answering";
  shmem::GuestRings rings;
  ASSERT_EQ(shmem::guest_attach(shmem_, kShmemBytes, &rings), shmem::ShmemError::kNone);
  shmem::guest_announce_ready(shmem_, 0);
  const std::vector<uint8_t> frame(60, 0xcc);
  ASSERT_EQ(rings.to_host.try_push(frame.data(), 60).status, shmem::RingStatus::kDone);
  EXPECT_TRUE(eventually_within_10s([this] { return shmem_backend_->sent().size() == 1; }))
      << "the shared-memory device stopped moving frames";
}

uint64_t HostileGuestTest::counter(const VmStats& stats, const std::string& name,
                                   const std::string& device) {
  for (const DeviceStats& d : stats.devices)
    if (d.name == device)
      for (const auto& [key, value] : d.counters)
        if (key == name) return value;
  return 999999;
}

}  // namespace vmm::testing
