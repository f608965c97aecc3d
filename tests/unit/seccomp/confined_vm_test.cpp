// The whole VM on the mock KVM with every thread confined: the vCPU threads
// (the mock's KVM_RUN runs on them, after ConfinedVcpu installed the vCPU
// filter), the device thread, the shared-memory poller with a real libslirp
// network behind it, and the main thread from the moment all of them run
// until the process exits, tear-down included. Each run happens in a child
// process (a death test): the main thread's filter is for good. A call a
// filter lacks kills the child with SIGSYS, and the test fails.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "abi/platform.h"
#include "abi/shmem_ring.h"
#include "tests/unit/mock/mock_kvm.h"
#include "tests/unit/mock/mock_vm_helpers.h"
#include "tests/unit/seccomp/guest_frames.h"
#include "tests/support/fake_net_backend.h"
#include "tests/unit/virtio/test_frames.h"
#include "hostnet/slirp_backend.h"
#include "vmm/app/vm.h"
#include "vmm/seccomp/thread_filters.h"

namespace vmm {
namespace {

using ::testing::_;
using ::testing::AnyNumber;
using ::testing::ByMove;
using ::testing::ExitedWithCode;
using ::testing::Invoke;
using ::testing::KilledBySignal;
using ::testing::Return;
using testing::MockKvmSystem;
using testing::MockKvmVcpu;
using testing::typical_host_cpuid;
using testing::write_debug_exit;
using testing::eventually_within_10s;
using testing::MockKvmVm;
namespace nt = net::testing;
namespace st = seccomp::testing;

constexpr uint32_t kVcpus = 3;
constexpr uint64_t kShmemSize = 64 * 1024;





// The same VM as tests/unit/app/vm_test.cpp, with every KVM call allowed.
class ConfinedVm : public ::testing::Test {
 protected:
  void SetUp() override {
    if (seccomp::kSanitizerBuild) GTEST_SKIP() << "a sanitizer build runs unconfined (vmm/seccomp/CMakeLists.txt)";
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    auto memory = GuestMemory::create(32 << 20);
    ASSERT_TRUE(memory.ok());
    memory_ = std::make_unique<GuestMemory>(std::move(*memory));
    vm_ = testing::expect_vm_set_up_without_fault(system_);
    EXPECT_CALL(*vm_, register_ioeventfd(_, _, _, _, _)).WillRepeatedly(Return(ok()));
    EXPECT_CALL(*vm_, set_user_memory_region(_, _, _, _))
        .WillRepeatedly(Invoke([this](uint32_t slot, uint64_t, uint64_t, void* host) {
          if (slot == 1) shmem_ = static_cast<uint8_t*>(host);
          return ok();
        }));
    EXPECT_CALL(*vm_, create_vcpu(_)).Times(kVcpus).WillRepeatedly(Invoke([this](int id) {
      auto vcpu = std::make_unique<MockKvmVcpu>(id);
      vcpus_.push_back(vcpu.get());
      testing::expect_vcpu_set_up_without_fault(*vcpu, KvmStats{{"exits", 7}});
      return Result<std::unique_ptr<KvmVcpu>>(std::unique_ptr<KvmVcpu>(std::move(vcpu)));
    }));
  }

  Result<std::unique_ptr<Vm>> create(std::unique_ptr<net::NetBackend> net_backend,
                                     std::unique_ptr<net::NetBackend> shmem_backend) {
    VmConfig config;
    config.vcpus = kVcpus;
    config.memory_bytes = 32 << 20;
    if (shmem_backend) config.shmem = ShmemDeviceConfig{kShmemSize, platform::kShmemDefaultGpa, {}, {}};
    return Vm::create(config, system_, std::move(*memory_), 0x100040, std::move(net_backend),
                      std::move(shmem_backend));
  }

  // APs wait in KVM_RUN until kicked (SIGUSR1 and immediate_exit).
  void aps_wait_for_kicks() {
    for (MockKvmVcpu* vcpu : vcpus_) {
      if (vcpu->id() == 0) continue;
      EXPECT_CALL(*vcpu, run()).WillRepeatedly(Invoke([this, vcpu]() -> Result<void> {
        kvm_run* run = vcpu->run_area();
        ++waiting_aps_;
        while (!std::atomic_ref<uint8_t>(run->immediate_exit).load())
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        run->exit_reason = KVM_EXIT_INTR;
        return ok();
      }));
    }
  }
  void wait_for_aps() {
    while (waiting_aps_.load() < kVcpus - 1) std::this_thread::yield();
  }

  // In the child: scripts the guest (`guest` sets vCPU 0's KVM_RUN, so
  // that the parent, where nothing runs, expects nothing), runs the VM
  // confined, tears it down (still confined) and ends the process: status 0
  // when `check` accepts the statistics and no expectation failed in here.
  [[noreturn]] void run_confined_and_exit(std::unique_ptr<Vm> vm, const std::function<void()>& guest,
                                          const std::function<bool(const VmStats&)>& check) {
    guest();
    auto filters = seccomp::ThreadFilters::compile();
    if (!filters.ok()) _exit(100);
    // What vmm/app/main.cpp does around the run: the --stats-json file
    // opened first, then after the run (confined) the --stats table through
    // std::cout's first use, the JSON, a line on stderr.
    std::string json_path = ::testing::TempDir() + "confined_vm_stats.json";
    std::ofstream json(json_path, std::ios::trunc);
    VmStats stats = vm->run(&*filters);
    bool good = check(stats);
    print_stats_table(stats, std::cout);
    std::cout.flush();
    json << stats_to_json(stats);
    good = good && bool(json.flush());
    json.close();
    std::fprintf(stderr, "vmm: %s\n", stats.stop_reason.c_str());
    vm.reset();
    _exit(good && !::testing::Test::HasFailure() ? 0 : 1);
  }

  MockKvmSystem system_;
  MockKvmVm* vm_ = nullptr;
  std::unique_ptr<GuestMemory> memory_;
  std::vector<MockKvmVcpu*> vcpus_;
  std::atomic<uint32_t> waiting_aps_{0};
  uint8_t* shmem_ = nullptr;
};

TEST_F(ConfinedVm, RunKicksAndTearDownUnderEveryFilter) {
  auto vm = create(nullptr, nullptr);
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  aps_wait_for_kicks();
  MockKvmVcpu* bsp = vcpus_[0];
  auto guest = [this, bsp] {
    EXPECT_CALL(*bsp, run())
      .WillOnce(Invoke([bsp]() -> Result<void> {
        // A console line: the UART writes stdout, raises no interrupt yet.
        kvm_run* run = bsp->run_area();
        run->exit_reason = KVM_EXIT_IO;
        run->io = {KVM_EXIT_IO_OUT, 1, platform::kUartCom1Port, 1, 4096};
        reinterpret_cast<uint8_t*>(run)[4096] = '\n';
        return ok();
      }))
      .WillOnce(Invoke([this, bsp]() -> Result<void> {
        wait_for_aps();
        write_debug_exit(bsp, 5);
        return ok();
      }));
  };
  EXPECT_EXIT(run_confined_and_exit(std::move(*vm), guest,
                                    [](const VmStats& stats) {
                                      return stats.exit_status == ((5 << 1) | 1) && stats.vcpus.size() == kVcpus &&
                                             stats.vcpus[0].kvm.at(0).value == 7 &&
                                             stats.vcpus[1].vmm.by_reason.at(KVM_EXIT_INTR) == 1;
                                    }),
              ExitedWithCode(0), "");
}

TEST_F(ConfinedVm, VirtioNetDeviceUnderEveryFilter) {
  auto vm = create(std::make_unique<testing::FakeNetBackend>(), nullptr);
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  aps_wait_for_kicks();
  MockKvmVcpu* bsp = vcpus_[0];
  auto guest = [this, bsp] {
    EXPECT_CALL(*bsp, run())
      .WillOnce(Invoke([bsp]() -> Result<void> {
        kvm_run* run = bsp->run_area();  // the magic register, an MMIO exit
        run->exit_reason = KVM_EXIT_MMIO;
        run->mmio.phys_addr = platform::kVirtioMmioBase;
        run->mmio.len = 4;
        run->mmio.is_write = 0;
        return ok();
      }))
      .WillOnce(Invoke([this, bsp]() -> Result<void> {
        uint32_t magic = 0;
        std::memcpy(&magic, bsp->run_area()->mmio.data, 4);
        wait_for_aps();
        write_debug_exit(bsp, magic == 0x74726976u ? 0 : 9);
        return ok();
      }));
  };
  EXPECT_EXIT(run_confined_and_exit(std::move(*vm), guest,
                                    [](const VmStats& stats) {
                                      return stats.exit_status == 1 && stats.devices.size() == 1;
                                    }),
              ExitedWithCode(0), "");
}

// vCPU 0 plays the guest's shm0 driver against the device's own libslirp
// network (10.0.3.0/24), whose work runs on the confined poller thread:
// ARP, then a datagram to a host UDP socket through slirp and its answer.
TEST_F(ConfinedVm, ShmemPollerWithItsUserNetworkUnderEveryFilter) {
  auto network = net::SlirpBackend::create(net::kShmemUserNetwork, {});
  ASSERT_TRUE(network.ok()) << network.error().message;
  auto vm = create(nullptr, std::move(*network));
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  ASSERT_NE(shmem_, nullptr);
  aps_wait_for_kicks();

  // The host's side: a UDP socket that answers one datagram (its thread is
  // created before any filter, so it is not confined).
  int host = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(host, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t length = sizeof addr;
  getsockname(host, reinterpret_cast<sockaddr*>(&addr), &length);
  uint16_t host_port = ntohs(addr.sin_port);

  MockKvmVcpu* bsp = vcpus_[0];
  auto guest = [this, bsp, host_port] {
   EXPECT_CALL(*bsp, run()).WillOnce(Invoke([this, bsp, host_port]() -> Result<void> {
    shmem::GuestRings rings;
    uint8_t status = 20;
    std::vector<uint8_t> frame(shmem::kMaxFrameSize);
    auto receive = [&](uint16_t ether_type) -> std::optional<std::vector<uint8_t>> {
      std::optional<std::vector<uint8_t>> got;
      eventually_within_10s([&] {
        shmem::RingResult r = rings.from_host.try_pop(frame.data(), shmem::kMaxFrameSize);
        if (r.status == shmem::RingStatus::kDone && nt::be16(frame, 12) == ether_type)
          got.emplace(frame.begin(), frame.begin() + r.value);
        return got.has_value();
      });
      return got;
    };
    const net::MacAddress mac = net::default_mac(1);
    const uint32_t guest = net::kShmemUserNetwork.guest, gateway_ip = net::kShmemUserNetwork.host;
    if (shmem::guest_attach(shmem_, kShmemSize, &rings) == shmem::ShmemError::kNone) {
      shmem::guest_announce_ready(shmem_, 0);
      auto arp = nt::arp_request(mac, guest, gateway_ip);
      rings.to_host.try_push(arp.data(), uint32_t(arp.size()));
      if (auto reply = receive(nt::kEtherTypeArp)) {
        net::MacAddress gateway{};
        std::copy_n(reply->begin() + nt::kArpSenderMacAt, 6, gateway.begin());
        const uint8_t text[] = {'p', 'i', 'n', 'g'};
        auto udp = st::udp_frame({mac, gateway, guest, gateway_ip, 40000, host_port}, text);
        rings.to_host.try_push(udp.data(), uint32_t(udp.size()));
        if (auto answer = receive(nt::kEtherTypeIpv4)) {
          auto ip = st::read_ipv4(*answer);
          status = ip && ip->dst_port == 40000 && ip->payload == std::vector<uint8_t>{'p', 'o', 'n', 'g'} ? 0 : 21;
        }
      }
    }
    wait_for_aps();
    write_debug_exit(bsp, status);
    return ok();
   }));
  };
  EXPECT_EXIT(
      {
        std::thread answer([host] {
          pollfd p{host, POLLIN, 0};
          if (poll(&p, 1, 10000) != 1) return;
          char buffer[16];
          sockaddr_in from{};
          socklen_t from_length = sizeof from;
          if (recvfrom(host, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_length) == 4)
            sendto(host, "pong", 4, 0, reinterpret_cast<sockaddr*>(&from), from_length);
        });
        answer.detach();
        run_confined_and_exit(std::move(*vm), guest, [](const VmStats& stats) { return stats.exit_status == 1; });
      },
      ExitedWithCode(0), "");
  close(host);
}

// The vCPU thread is confined before its first KVM_RUN: a system call the
// vCPU policy lacks, made where KVM_RUN would run, ends the whole VMM.
TEST_F(ConfinedVm, AForbiddenCallOnAVcpuThreadKillsTheVmm) {
  auto vm = create(nullptr, nullptr);
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  aps_wait_for_kicks();
  MockKvmVcpu* bsp = vcpus_[0];
  auto guest = [this, bsp] {
    EXPECT_CALL(*bsp, run()).WillRepeatedly(Invoke([this, bsp]() -> Result<void> {
      wait_for_aps();
      int fd = socket(AF_INET, SOCK_DGRAM, 0);
      write_debug_exit(bsp, fd >= 0 ? 0 : 9);
      return ok();
    }));
  };
  EXPECT_EXIT(run_confined_and_exit(std::move(*vm), guest, [](const VmStats&) { return true; }),
              KilledBySignal(SIGSYS), "");
}

// --no-seccomp's path: without filters the same call goes through.
TEST_F(ConfinedVm, WithoutFiltersNoThreadIsConfined) {
  auto vm = create(nullptr, nullptr);
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  aps_wait_for_kicks();
  MockKvmVcpu* bsp = vcpus_[0];
  EXPECT_CALL(*bsp, run()).WillOnce(Invoke([this, bsp]() -> Result<void> {
    wait_for_aps();
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd >= 0) close(fd);
    write_debug_exit(bsp, fd >= 0 ? 0 : 9);
    return ok();
  }));
  VmStats stats = (*vm)->run(nullptr);
  EXPECT_EQ(stats.exit_status, 1);
}

}  // namespace
}  // namespace vmm
