// The whole VM against the mock KVM: the set-up sequence Vm::create drives
// (VM-level order, memory slots, per-vCPU CPUID with its own APIC ID, the
// PVH entry state on vCPU 0 only), and a run that the guest ends through
// the debug-exit port while the other vCPUs wait to be kicked.
#include "vmm/app/vm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include <cstring>

#include "abi/platform.h"
#include "abi/shmem_ring.h"
#include "tests/unit/mock/mock_kvm.h"
#include "tests/unit/mock/mock_vm_helpers.h"
#include "tests/unit/shmem/captured_log.h"
#include "tests/support/fake_net_backend.h"

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
using testing::typical_host_cpuid;
using testing::write_debug_exit;
using testing::eventually_within_10s;
using testing::MockKvmVm;

constexpr uint32_t kVcpus = 3;
constexpr uint64_t kEntry = 0x100040;
constexpr uint64_t kShmemSize = 64 * 1024;





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
    EXPECT_CALL(system_, supported_cpuid()).WillRepeatedly(Return(typical_host_cpuid()));
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

  // A VM with a 64 KiB shared-memory device at the default address.
  Result<std::unique_ptr<Vm>> create_with_shmem(std::unique_ptr<net::NetBackend> shmem_backend,
                                                uint64_t gpa = platform::kShmemDefaultGpa) {
    VmConfig config;
    config.vcpus = kVcpus;
    config.memory_bytes = 32 << 20;
    config.cmdline = "init=selftest";
    config.shmem = ShmemDeviceConfig{kShmemSize, gpa, {}, {}};
    return Vm::create(config, system_, std::move(*memory_), kEntry, nullptr, std::move(shmem_backend));
  }

  // A VM whose every set-up call succeeds, with a 64 KiB shared-memory
  // device over `backend` whose region's host address lands in *shmem.
  Result<std::unique_ptr<Vm>> create_with_shmem_set_up(
      uint8_t** shmem, std::unique_ptr<net::NetBackend> backend = std::make_unique<testing::FakeNetBackend>()) {
    expect_vm_setup();
    expect_vcpus();
    expect_shmem_slot(shmem);
    return create_with_shmem(std::move(backend));
  }

  // The shared-memory region's slot, after the RAM's; records its host address.
  void expect_shmem_slot(uint8_t** host) {
    EXPECT_CALL(*vm_, set_user_memory_region(1u, platform::kShmemDefaultGpa, kShmemSize, _))
        .WillOnce(DoAll(SaveArg<3>(reinterpret_cast<void**>(host)), Return(ok())));
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
  auto backend = std::make_unique<testing::FakeNetBackend>();
  testing::FakeNetBackend* fake = backend.get();
  const uint8_t* ram = memory_->regions()[0].mapping.data();  // the mapping moves with the memory
  auto vm = create(std::move(backend));
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  EXPECT_NE(fake->receiver(), nullptr);  // the device took the backend's frames

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
  EXPECT_EQ((stats.vcpus[0].vmm.mmio[RegionKey{"virtio-net0", Direction::kRead}]), 1u);
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
                       std::make_unique<testing::FakeNetBackend>());
  ASSERT_TRUE(vm.ok()) << vm.error().message;
}

TEST_F(VmTest, ShmemRegionHasItsOwnSlotAnE820EntryAndACommandLineWord) {
  expect_vm_setup();
  expect_vcpus();
  uint8_t* shmem = nullptr;
  expect_shmem_slot(&shmem);
  const uint8_t* ram = memory_->regions()[0].mapping.data();
  auto vm = create_with_shmem(std::make_unique<testing::FakeNetBackend>());
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  ASSERT_NE(shmem, nullptr);

  EXPECT_STREQ(reinterpret_cast<const char*>(ram + platform::kCmdlineGpa),
               "shmem=64K@0xe0000000 init=selftest");

  platform::HvmStartInfo info;
  std::memcpy(&info, ram + platform::kStartInfoGpa, sizeof info);
  std::vector<platform::HvmMemmapEntry> map(info.memmap_entries);
  std::memcpy(map.data(), ram + info.memmap_paddr, map.size() * sizeof map[0]);
  int reserved = 0;
  for (const auto& e : map) {
    if (e.addr == platform::kShmemDefaultGpa && e.size == kShmemSize && e.type == platform::kE820Reserved)
      ++reserved;
    else  // nothing else, RAM least of all, covers any of the region
      EXPECT_TRUE(e.addr + e.size <= platform::kShmemDefaultGpa ||
                  e.addr >= platform::kShmemDefaultGpa + kShmemSize)
          << std::hex << e.addr << " +" << e.size;
  }
  EXPECT_EQ(reserved, 1);

  // The header is written before any vCPU runs; the guest can attach to it.
  const shmem::Header* h = shmem::header_of(shmem);
  EXPECT_EQ(h->config.magic, shmem::kMagic);
  EXPECT_EQ(h->config.slots_per_ring, 8u);
  EXPECT_EQ(h->config.host_max_latency_ns, 100'000u);  // adaptive, default bound
  EXPECT_EQ(h->host.state, static_cast<uint32_t>(shmem::HostState::kIdle));  // no poller yet
  shmem::GuestRings rings;
  EXPECT_EQ(shmem::guest_attach(shmem, kShmemSize, &rings), shmem::ShmemError::kNone);
}

// vCPU 0 plays the guest's driver: one frame each way through the rings,
// moved by the poller thread between them and the backend.
TEST_F(VmTest, ShmemPollerMovesFramesBetweenTheRingsAndTheBackend) {
  uint8_t* shmem = nullptr;
  auto backend = std::make_unique<testing::FakeNetBackend>();
  testing::FakeNetBackend* fake = backend.get();
  auto vm = create_with_shmem_set_up(&shmem, std::move(backend));
  ASSERT_TRUE(vm.ok()) << vm.error().message;

  std::atomic<uint32_t> waiting_aps{0};
  aps_wait_for_kicks(waiting_aps);
  const std::vector<uint8_t> to_host(60, 0xaa), to_guest(70, 0xbb);
  std::vector<uint8_t> received(shmem::kMaxFrameSize);
  uint32_t received_length = 0;
  MockKvmVcpu* bsp = vcpus_[0];
  EXPECT_CALL(*bsp, run()).WillOnce(Invoke([&]() -> Result<void> {
    shmem::GuestRings rings;
    EXPECT_EQ(shmem::guest_attach(shmem, kShmemSize, &rings), shmem::ShmemError::kNone);
    shmem::guest_announce_ready(shmem, 0);
    EXPECT_EQ(rings.to_host.try_push(to_host.data(), 60).status, shmem::RingStatus::kDone);
    EXPECT_TRUE(eventually_within_10s([&] { return fake->sent().size() == 1; }));
    fake->deliver_from_host(to_guest);
    EXPECT_TRUE(eventually_within_10s([&] {
      shmem::RingResult r = rings.from_host.try_pop(received.data(), shmem::kMaxFrameSize);
      received_length = r.status == shmem::RingStatus::kDone ? r.value : 0;
      return r.status != shmem::RingStatus::kEmpty;
    }));
    while (waiting_aps.load() < kVcpus - 1) std::this_thread::yield();
    write_debug_exit(bsp, 0);
    return ok();
  }));
  for (MockKvmVcpu* vcpu : vcpus_)
    EXPECT_CALL(*vcpu, read_stats()).WillOnce(Return(Result<KvmStats>(KvmStats{})));
  VmStats stats = (*vm)->run();

  EXPECT_EQ(stats.exit_status, 1);
  ASSERT_EQ(fake->sent().size(), 1u);
  EXPECT_EQ(fake->sent()[0], to_host);
  ASSERT_EQ(received_length, 70u);
  EXPECT_TRUE(std::equal(to_guest.begin(), to_guest.end(), received.begin()));
  // The poller was stopped with the VM: its last word in the header.
  EXPECT_EQ(shmem::header_of(shmem)->host.state, static_cast<uint32_t>(shmem::HostState::kIdle));

  ASSERT_EQ(stats.devices.size(), 1u);
  auto json = nlohmann::json::parse(stats_to_json(stats));
  const auto& device = json["devices"][0];
  EXPECT_EQ(device["name"], "shmem0");
  EXPECT_EQ(device["type"], "shmem");
  EXPECT_EQ(device["properties"]["gpa"], "0xe0000000");
  EXPECT_EQ(device["properties"]["size"], "65536");
  EXPECT_EQ(device["properties"]["poll"], "adaptive");
  EXPECT_EQ(device["properties"]["backend"], "fake");
  EXPECT_EQ(device["counters"]["frames_to_host"], 1);
  EXPECT_EQ(device["counters"]["bytes_to_host"], 60);
  EXPECT_EQ(device["counters"]["frames_to_guest"], 1);
  EXPECT_EQ(device["counters"]["bytes_to_guest"], 70);
  EXPECT_EQ(device["counters"]["failed"], 0);
  EXPECT_GT(device["counters"]["polls"].get<uint64_t>(), 0u);
  for (const char* key : {"spin_ns", "sleep_ns", "sleeps", "drops_refused_by_backend",
                          "drops_too_long_for_guest", "rx_drops_no_buffer"})
    EXPECT_TRUE(device["counters"].contains(key)) << key;
}

// Garbage in a ring index stops the device (logged once, published in the
// host status line) while the VM runs on to the guest's own end.
TEST_F(VmTest, AGuestThatBreaksTheShmemRingStopsTheDeviceNotTheVm) {
  testing::CapturedLog log;
  uint8_t* shmem = nullptr;
  auto vm = create_with_shmem_set_up(&shmem);
  ASSERT_TRUE(vm.ok()) << vm.error().message;

  std::atomic<uint32_t> waiting_aps{0};
  aps_wait_for_kicks(waiting_aps);
  MockKvmVcpu* bsp = vcpus_[0];
  EXPECT_CALL(*bsp, run())
      .WillOnce(Invoke([&]() -> Result<void> {
        shmem::Header* h = shmem::header_of(shmem);
        shmem::guest_announce_ready(shmem, 0);
        __atomic_store_n(&h->guest_to_host_head.index, 0x12345678u, __ATOMIC_RELEASE);
        EXPECT_TRUE(eventually_within_10s([h] {
          return __atomic_load_n(&h->host.state, __ATOMIC_ACQUIRE) ==
                 static_cast<uint32_t>(shmem::HostState::kFailed);
        }));
        // The VM still handles the guest's exits: a console byte...
        kvm_run* run = bsp->run_area();
        run->exit_reason = KVM_EXIT_IO;
        run->io = {KVM_EXIT_IO_OUT, 1, platform::kUartCom1Port, 1, 4096};
        reinterpret_cast<uint8_t*>(run)[4096] = '\n';
        return ok();
      }))
      .WillOnce(Invoke([&]() -> Result<void> {
        while (waiting_aps.load() < kVcpus - 1) std::this_thread::yield();
        write_debug_exit(bsp, 3);  // ...and the guest's own end
        return ok();
      }));
  for (MockKvmVcpu* vcpu : vcpus_)
    EXPECT_CALL(*vcpu, read_stats()).WillOnce(Return(Result<KvmStats>(KvmStats{})));
  VmStats stats = (*vm)->run();

  EXPECT_EQ(stats.exit_status, (3 << 1) | 1);
  EXPECT_EQ(stats.vcpus[0].vmm.total, 2u);
  EXPECT_EQ(log.count("shmem device stopped"), 1u) << log.all();
  ASSERT_EQ(stats.devices.size(), 1u);
  const DeviceStats& device = stats.devices[0];
  auto counter = [&](const std::string& name) {
    for (const auto& [key, value] : device.counters)
      if (key == name) return value;
    return uint64_t{999};
  };
  EXPECT_EQ(counter("failed"), 1u);
  EXPECT_EQ(counter("frames_to_host"), 0u);
  bool has_error = false;
  for (const auto& [key, value] : device.properties)
    if (key == "error") has_error = value.find("peer head") != std::string::npos;
  EXPECT_TRUE(has_error);
}

// Issue 16: top -H, perf and /proc/PID/task/*/comm tell the threads apart.
std::multiset<std::string> thread_names_of_this_process() {
  std::multiset<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) names.insert(name);
  }
  return names;
}

TEST_F(VmTest, EveryVmmThreadCarriesItsName) {
  uint8_t* shmem = nullptr;
  auto vm = create_with_shmem_set_up(&shmem);
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  std::atomic<uint32_t> waiting_aps{0};
  aps_wait_for_kicks(waiting_aps);
  std::multiset<std::string> names;
  MockKvmVcpu* bsp = vcpus_[0];
  EXPECT_CALL(*bsp, run()).WillOnce(Invoke([&]() -> Result<void> {
    while (waiting_aps.load() < kVcpus - 1) std::this_thread::yield();
    names = thread_names_of_this_process();
    write_debug_exit(bsp, 0);
    return ok();
  }));
  for (MockKvmVcpu* vcpu : vcpus_)
    EXPECT_CALL(*vcpu, read_stats()).WillOnce(Return(Result<KvmStats>(KvmStats{})));
  (void)(*vm)->run();
  for (uint32_t i = 0; i < kVcpus; ++i) EXPECT_EQ(names.count("vcpu" + std::to_string(i)), 1u) << i;
  EXPECT_EQ(names.count("devices"), 1u);
  EXPECT_EQ(names.count("shmem-poller"), 1u);
}

TEST_F(VmTest, ShmemOverlappingRamIsRefusedBeforeAnyMemoryIsMapped) {
  EXPECT_CALL(*vm_, set_tss_addr(_)).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, set_identity_map_addr(_)).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, create_irqchip()).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, create_pit2()).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, set_gsi_routing(_)).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, set_user_memory_region(_, _, _, _)).Times(0);
  auto vm = create_with_shmem(std::make_unique<testing::FakeNetBackend>(), 0x100000);
  ASSERT_FALSE(vm.ok());
  EXPECT_NE(vm.error().message.find("--shmem: "), std::string::npos) << vm.error().message;
  EXPECT_NE(vm.error().message.find("overlaps"), std::string::npos) << vm.error().message;
}

TEST_F(VmTest, ShmemWithoutABackendIsAnError) {
  EXPECT_CALL(*vm_, set_tss_addr(_)).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, set_identity_map_addr(_)).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, create_irqchip()).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, create_pit2()).WillOnce(Return(ok()));
  EXPECT_CALL(*vm_, set_gsi_routing(_)).WillOnce(Return(ok()));
  auto vm = create_with_shmem(nullptr);
  ASSERT_FALSE(vm.ok());
  EXPECT_NE(vm.error().message.find("no network backend"), std::string::npos) << vm.error().message;
}

}  // namespace
}  // namespace vmm
