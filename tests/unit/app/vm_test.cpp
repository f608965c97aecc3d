// The whole VM against the mock KVM: the set-up sequence Vm::create drives
// (VM-level order, memory slots, per-vCPU CPUID with its own APIC ID, the
// PVH entry state on vCPU 0 only), and a run that the guest ends through
// the debug-exit port while the other vCPUs wait to be kicked.
#include "vmm/app/vm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include <cstring>

#include "abi/platform.h"
#include "tests/unit/mock/mock_kvm.h"
#include "tests/unit/virtio/fake_backend.h"

namespace vmm {
namespace {

using ::testing::_;
using ::testing::AnyNumber;
using ::testing::ByMove;
using ::testing::DoAll;
using ::testing::SaveArg;
using ::testing::Invoke;
using ::testing::InSequence;
using ::testing::Return;
using testing::MockKvmSystem;
using testing::MockKvmVcpu;
using testing::MockKvmVm;

constexpr uint32_t kVcpus = 3;
constexpr uint64_t kEntry = 0x100040;

kvm_cpuid_entry2 leaf(uint32_t function, uint32_t eax = 0, uint32_t ebx = 0, uint32_t ecx = 0,
                      uint32_t edx = 0) {
  kvm_cpuid_entry2 e{};
  e.function = function;
  e.eax = eax;
  e.ebx = ebx;
  e.ecx = ecx;
  e.edx = edx;
  return e;
}

std::vector<kvm_cpuid_entry2> host_cpuid() {
  return {leaf(0x0, 0x7), leaf(0x1, 0x000a0678, 0x00000800, 0x01202000, 0x0f8bfbff),
          leaf(0x40000000, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d),
          leaf(0x40000001, 0x01007efb), leaf(0x80000000, 0x80000008),
          leaf(0x80000001, 0, 0, 0x101, 0x20100800), leaf(0x80000008, 0x3030)};
}

uint32_t apic_id_in_leaf1(const std::vector<kvm_cpuid_entry2>& entries) {
  for (const auto& e : entries)
    if (e.function == 1) return e.ebx >> 24;
  return 0xffffffff;
}

class VmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto memory = GuestMemory::create(32 << 20);
    ASSERT_TRUE(memory.ok());
    memory_ = std::make_unique<GuestMemory>(std::move(*memory));
    auto vm = std::make_unique<MockKvmVm>();
    vm_ = vm.get();
    EXPECT_CALL(system_, create_vm())
        .WillOnce(Return(ByMove(Result<std::unique_ptr<KvmVm>>(std::unique_ptr<KvmVm>(std::move(vm))))));
    EXPECT_CALL(system_, supported_cpuid()).WillRepeatedly(Return(host_cpuid()));
    EXPECT_CALL(*vm_, set_irq_line(_, _)).Times(AnyNumber()).WillRepeatedly(Return(ok()));
  }

  // Each created vCPU: records its CPUID; vCPU 0 records its entry state.
  void expect_vcpus() {
    EXPECT_CALL(*vm_, create_vcpu(_)).Times(kVcpus).WillRepeatedly(Invoke([this](int id) {
      auto vcpu = std::make_unique<MockKvmVcpu>(id);
      vcpus_.push_back(vcpu.get());
      EXPECT_CALL(*vcpu, set_cpuid(_)).WillOnce(Invoke([this, id](const auto& entries) {
        apic_ids_[id] = apic_id_in_leaf1(entries);
        return ok();
      }));
      EXPECT_CALL(*vcpu, set_msrs(_)).WillRepeatedly(Return(ok()));
      EXPECT_CALL(*vcpu, set_fpu(_)).WillRepeatedly(Return(ok()));
      if (id == 0) {
        EXPECT_CALL(*vcpu, set_regs(_)).WillOnce(Invoke([this](const kvm_regs& r) {
          boot_regs_ = r;
          return ok();
        }));
        EXPECT_CALL(*vcpu, set_sregs(_)).WillOnce(Invoke([this](const kvm_sregs& s) {
          boot_sregs_ = s;
          return ok();
        }));
        EXPECT_CALL(*vcpu, get_sregs()).WillRepeatedly(Return(Result<kvm_sregs>(kvm_sregs{})));
      } else {
        EXPECT_CALL(*vcpu, set_regs(_)).Times(0);  // APs wait for INIT/SIPI
        EXPECT_CALL(*vcpu, set_sregs(_)).Times(0);
      }
      return Result<std::unique_ptr<KvmVcpu>>(std::unique_ptr<KvmVcpu>(std::move(vcpu)));
    }));
  }

  void expect_vm_setup() {
    InSequence order;  // KVM API: irqchip before vCPUs; memory before running
    EXPECT_CALL(*vm_, set_tss_addr(_)).WillOnce(Return(ok()));
    EXPECT_CALL(*vm_, set_identity_map_addr(_)).WillOnce(Return(ok()));
    EXPECT_CALL(*vm_, create_irqchip()).WillOnce(Return(ok()));
    EXPECT_CALL(*vm_, create_pit2()).WillOnce(Return(ok()));
    EXPECT_CALL(*vm_, set_gsi_routing(_)).WillOnce(Return(ok()));
    EXPECT_CALL(*vm_, set_user_memory_region(0u, 0u, 32u << 20, memory_->regions()[0].mapping.data()))
        .WillOnce(Return(ok()));
  }

  Result<std::unique_ptr<Vm>> create(std::unique_ptr<net::NetBackend> net_backend = nullptr) {
    VmConfig config;
    config.vcpus = kVcpus;
    config.memory_bytes = 32 << 20;
    config.cmdline = "init=selftest";
    return Vm::create(config, system_, std::move(*memory_), kEntry, std::move(net_backend));
  }

  // APs wait in KVM_RUN until kicked, as when they wait for INIT/SIPI.
  void aps_wait_for_kicks(std::atomic<uint32_t>& waiting_aps) {
    for (MockKvmVcpu* vcpu : vcpus_) {
      if (vcpu->id() == 0) continue;
      EXPECT_CALL(*vcpu, run()).WillRepeatedly(Invoke([vcpu, &waiting_aps]() -> Result<void> {
        kvm_run* run = vcpu->run_area();
        ++waiting_aps;
        while (!std::atomic_ref<uint8_t>(run->immediate_exit).load())
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        run->exit_reason = KVM_EXIT_INTR;
        return ok();
      }));
    }
  }

  MockKvmSystem system_;
  MockKvmVm* vm_ = nullptr;
  std::unique_ptr<GuestMemory> memory_;
  std::vector<MockKvmVcpu*> vcpus_;
  std::map<int, uint32_t> apic_ids_;
  kvm_regs boot_regs_{};
  kvm_sregs boot_sregs_{};
};

TEST_F(VmTest, SetUpSequenceGivesEachVcpuItsApicIdAndOnlyTheBspTheEntry) {
  expect_vm_setup();
  expect_vcpus();
  auto vm = create();
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  ASSERT_EQ(apic_ids_.size(), kVcpus);
  for (uint32_t i = 0; i < kVcpus; ++i) EXPECT_EQ(apic_ids_[i], i);
  EXPECT_EQ(boot_regs_.rip, kEntry);
  EXPECT_EQ(boot_regs_.rbx, platform::kStartInfoGpa);
  EXPECT_EQ(boot_sregs_.cr0 & 1, 1u);           // protected mode
  EXPECT_EQ(boot_sregs_.cr0 & 0x80000000, 0u);  // paging off
  EXPECT_EQ(boot_sregs_.cs.db, 1);              // 32-bit code
}

TEST_F(VmTest, AFailingKvmStepIsAnErrorNamingIt) {
  EXPECT_CALL(*vm_, set_tss_addr(_)).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, set_identity_map_addr(_)).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, create_irqchip())
      .WillOnce(Return(Result<void>(make_error("KVM_CREATE_IRQCHIP: Invalid argument"))));
  auto vm = create();
  ASSERT_FALSE(vm.ok());
  EXPECT_NE(vm.error().message.find("KVM_CREATE_IRQCHIP"), std::string::npos);
}

TEST_F(VmTest, RunEndsWhenTheBspWritesDebugExitAndKicksTheOthers) {
  expect_vm_setup();
  expect_vcpus();
  auto vm = create();
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  std::atomic<uint32_t> waiting_aps{0};
  for (MockKvmVcpu* vcpu : vcpus_) {
    EXPECT_CALL(*vcpu, read_stats()).WillOnce(Return(Result<KvmStats>(KvmStats{{"exits", 7}})));
    if (vcpu->id() == 0) {
      EXPECT_CALL(*vcpu, run()).WillOnce(Invoke([vcpu, &waiting_aps]() -> Result<void> {
        // Stop only once every AP sits in KVM_RUN, so each needs a kick.
        while (waiting_aps.load() < kVcpus - 1) std::this_thread::yield();
        kvm_run* run = vcpu->run_area();
        run->exit_reason = KVM_EXIT_IO;
        run->io = {KVM_EXIT_IO_OUT, 1, platform::kDebugExitPort, 1, 4096};
        reinterpret_cast<uint8_t*>(run)[4096] = 5;
        return ok();
      }));
    } else {
      // An AP waiting for SIPI: in KVM_RUN until a kick arrives.
      EXPECT_CALL(*vcpu, run()).WillRepeatedly(Invoke([vcpu, &waiting_aps]() -> Result<void> {
        kvm_run* run = vcpu->run_area();
        ++waiting_aps;
        while (!std::atomic_ref<uint8_t>(run->immediate_exit).load())
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        run->exit_reason = KVM_EXIT_INTR;
        return ok();
      }));
    }
  }
  VmStats stats = (*vm)->run();
  EXPECT_EQ(stats.exit_status, (5 << 1) | 1);
  ASSERT_EQ(stats.vcpus.size(), kVcpus);
  EXPECT_EQ(stats.vcpus[0].vmm.total, 1u);
  EXPECT_EQ(stats.vcpus[0].kvm.at(0).value, 7u);
  for (uint32_t i = 1; i < kVcpus; ++i) EXPECT_EQ(stats.vcpus[i].vmm.by_reason[KVM_EXIT_INTR], 1u);
}

TEST_F(VmTest, NetDeviceIsWiredThroughIrqfdIoeventfdAndTheCommandLine) {
  expect_vm_setup();
  expect_vcpus();
  int irq_fd = -1, notify_fd = -1;
  EXPECT_CALL(*vm_, register_irqfd(platform::kVirtioMmioFirstGsi, _, false))
      .WillOnce(DoAll(SaveArg<1>(&irq_fd), Return(ok())));
  EXPECT_CALL(*vm_, register_ioeventfd(platform::kVirtioMmioBase + 0x50, 4u, _, false, false))
      .WillOnce(DoAll(SaveArg<2>(&notify_fd), Return(ok())));
  auto backend = std::make_unique<virtio::testing::RecordingBackend>();
  virtio::testing::RecordingBackend* fake = backend.get();
  const uint8_t* ram = memory_->regions()[0].mapping.data();  // the mapping moves with the memory
  auto vm = create(std::move(backend));
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  EXPECT_NE(fake->receiver, nullptr);  // the device took the backend's frames

  // The guest learns about the device from its command line, before its own words.
  EXPECT_STREQ(reinterpret_cast<const char*>(ram + platform::kCmdlineGpa),
               "virtio_mmio.device=4K@0xd0000000:5 init=selftest");

  // vCPU 0 reads the magic register (an MMIO exit to "virtio-net0"), then ends the VM.
  std::atomic<uint32_t> waiting_aps{0};
  aps_wait_for_kicks(waiting_aps);
  uint32_t magic = 0;
  MockKvmVcpu* bsp = vcpus_[0];
  EXPECT_CALL(*bsp, run())
      .WillOnce(Invoke([bsp]() -> Result<void> {
        kvm_run* run = bsp->run_area();
        run->exit_reason = KVM_EXIT_MMIO;
        run->mmio.phys_addr = platform::kVirtioMmioBase;
        run->mmio.len = 4;
        run->mmio.is_write = 0;
        return ok();
      }))
      .WillOnce(Invoke([bsp, &magic, &waiting_aps]() -> Result<void> {
        while (waiting_aps.load() < kVcpus - 1) std::this_thread::yield();
        kvm_run* run = bsp->run_area();
        std::memcpy(&magic, run->mmio.data, 4);
        run->exit_reason = KVM_EXIT_IO;
        run->io = {KVM_EXIT_IO_OUT, 1, platform::kDebugExitPort, 1, 4096};
        reinterpret_cast<uint8_t*>(run)[4096] = 0;
        return ok();
      }));
  for (MockKvmVcpu* vcpu : vcpus_)
    EXPECT_CALL(*vcpu, read_stats()).WillOnce(Return(Result<KvmStats>(KvmStats{})));
  VmStats stats = (*vm)->run();
  EXPECT_EQ(magic, 0x74726976u);
  EXPECT_EQ((stats.vcpus[0].vmm.mmio[MmioKey{"virtio-net0", Direction::kRead}]), 1u);
  ASSERT_EQ(stats.devices.size(), 1u);
  EXPECT_EQ(stats.devices[0].name, "virtio-net0");
  EXPECT_EQ(stats.devices[0].type, "virtio-net");
  auto json = nlohmann::json::parse(stats_to_json(stats));
  EXPECT_EQ(json["devices"][0]["properties"]["notify"], "ioeventfd");
  EXPECT_EQ(json["devices"][0]["counters"]["notifications"], 0);

  // Tearing the VM down unbinds both eventfds from KVM.
  EXPECT_CALL(*vm_, register_ioeventfd(platform::kVirtioMmioBase + 0x50, 4u, notify_fd, false, true))
      .WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, register_irqfd(platform::kVirtioMmioFirstGsi, irq_fd, true)).WillOnce(Return(ok()));
  vm->reset();
}

TEST_F(VmTest, NoIoeventfdLeavesQueueNotifyToTheVcpu) {
  expect_vm_setup();
  expect_vcpus();
  EXPECT_CALL(*vm_, register_irqfd(_, _, _)).WillRepeatedly(Return(ok()));
  EXPECT_CALL(*vm_, register_ioeventfd(_, _, _, _, _)).Times(0);
  VmConfig config;
  config.vcpus = kVcpus;
  config.memory_bytes = 32 << 20;
  config.use_ioeventfd = false;
  auto vm = Vm::create(config, system_, std::move(*memory_), kEntry,
                       std::make_unique<virtio::testing::RecordingBackend>());
  ASSERT_TRUE(vm.ok()) << vm.error().message;
}

}  // namespace
}  // namespace vmm
