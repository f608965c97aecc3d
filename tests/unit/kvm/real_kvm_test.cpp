// The KVM layer and vCPU setup against the real /dev/kvm. Skips only when
// /dev/kvm cannot be opened or does not answer KVM_GET_API_VERSION.
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "abi/platform.h"
#include "tests/needs_kvm.h"
#include "vmm/cpu/pvh_boot.h"
#include "vmm/cpu/vcpu_setup.h"
#include "vmm/cpu/vm_setup.h"
#include "hv/kvm/file_descriptor.h"
#include "hv/kvm/kvm.h"
#include "hv/memory/mmap_region.h"

namespace vmm {
namespace {

constexpr uint64_t kRamSize = 2 << 20;
constexpr uint64_t kEntryGpa = platform::kKernelLoadGpa;  // inside the 2 MiB
constexpr uint64_t kUnmappedGpa = platform::kVirtioMmioBase;

// 32-bit code, hand-assembled:
//   mov $0x42, %al ; mov $0x501, %dx ; out %al, (%dx)
//   mov %al, 0xd0000000                 (MMIO write: nothing is mapped there)
//   hlt
const std::vector<uint8_t> kOutMmioHlt = {
    0xb0, 0x42,                    // mov $0x42, %al
    0x66, 0xba, 0x01, 0x05,        // mov $0x501, %dx
    0xee,                          // out %al, (%dx)
    0xa2, 0x00, 0x00, 0x00, 0xd0,  // mov %al, 0xd0000000
    0xf4,                          // hlt
};

// cpuid(1).ebx and cpuid(0xb, 0).edx, each with `out %eax, (%dx)` to 0x501.
const std::vector<uint8_t> kReportTopology = {
    0xb8, 0x01, 0x00, 0x00, 0x00,  // mov $1, %eax
    0x0f, 0xa2,                    // cpuid
    0x89, 0xd8,                    // mov %ebx, %eax
    0x66, 0xba, 0x01, 0x05,        // mov $0x501, %dx
    0xef,                          // out %eax, (%dx)
    0xb8, 0x0b, 0x00, 0x00, 0x00,  // mov $0xb, %eax
    0x31, 0xc9,                    // xor %ecx, %ecx
    0x0f, 0xa2,                    // cpuid
    0x89, 0xd0,                    // mov %edx, %eax
    0x66, 0xba, 0x01, 0x05,        // mov $0x501, %dx
    0xef,                          // out %eax, (%dx)
    0xf4,                          // hlt
};

const std::vector<uint8_t> kSpin = {0xeb, 0xfe};  // jmp .

// Prints each counter's before -> after, for the notes on which KVM
// counters exist and move on this host.
void print_counters(const std::map<std::string, uint64_t>& before,
                    const std::map<std::string, uint64_t>& after) {
  for (const char* name : {"exits", "io_exits", "halt_exits", "mmio_exits", "irq_exits",
                           "signal_exits", "irq_window_exits", "request_irq_exits",
                           "insn_emulation", "hypercalls"}) {
    auto b = before.find(name);
    auto a = after.find(name);
    if (a == after.end() || b == before.end())
      std::printf("[ stats    ] %-18s absent\n", name);
    else
      std::printf("[ stats    ] %-18s %llu -> %llu\n", name,
                  static_cast<unsigned long long>(b->second),
                  static_cast<unsigned long long>(a->second));
  }
}

class RealKvm : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kvm = open_kvm();
    if (!kvm.ok()) {
      const std::string& why = kvm.error().message;
      if (why.starts_with("cannot open") || why.starts_with("KVM_GET_API_VERSION failed"))
        GTEST_SKIP() << VMM_NEEDS_KVM_TAG << why;
      FAIL() << why;
    }
    kvm_ = std::move(kvm).value();
    auto supported = kvm_->supported_cpuid();
    ASSERT_TRUE(supported.ok()) << supported.error().message;
    supported_ = *supported;
  }

  // A VM with 2 MiB of RAM at GPA 0 holding `code` at kEntryGpa. Without an
  // in-kernel irqchip (unless asked), HLT exits to user space.
  std::unique_ptr<KvmVm> make_vm(const std::vector<uint8_t>& code, bool full_setup) {
    auto vm = kvm_->create_vm();
    EXPECT_TRUE(vm.ok()) << vm.error().message;
    if (!vm.ok()) return nullptr;
    if (full_setup) {
      auto setup = configure_vm(**vm);
      EXPECT_TRUE(setup.ok()) << setup.error().message;
    } else {
      EXPECT_TRUE((*vm)->set_tss_addr(kKvmTssGpa).ok());
      EXPECT_TRUE((*vm)->set_identity_map_addr(kKvmIdentityMapGpa).ok());
    }
    auto ram = MmapRegion::create_anonymous(kRamSize);
    EXPECT_TRUE(ram.ok());
    std::memcpy(ram->data() + kEntryGpa, code.data(), code.size());
    auto slot = (*vm)->set_user_memory_region(0, 0, kRamSize, ram->data());
    EXPECT_TRUE(slot.ok()) << slot.error().message;
    ram_.push_back(std::move(ram).value());
    return std::move(vm).value();
  }

  std::unique_ptr<KvmVcpu> make_boot_vcpu(KvmVm& vm, int id, uint32_t count) {
    auto vcpu = vm.create_vcpu(id);
    EXPECT_TRUE(vcpu.ok()) << vcpu.error().message;
    if (!vcpu.ok()) return nullptr;
    auto setup = configure_vcpu(**vcpu, supported_, static_cast<uint32_t>(id), count);
    EXPECT_TRUE(setup.ok()) << setup.error().message;
    auto regs = set_pvh_boot_registers(**vcpu, kEntryGpa, platform::kStartInfoGpa);
    EXPECT_TRUE(regs.ok()) << regs.error().message;
    return std::move(vcpu).value();
  }

  // Runs to the next exit and expects an OUT to 0x501; returns its value.
  static uint32_t run_to_debug_port_out(KvmVcpu& vcpu) {
    auto run = vcpu.run();
    EXPECT_TRUE(run.ok()) << run.error().message;
    kvm_run* r = vcpu.run_area();
    EXPECT_EQ(r->exit_reason, uint32_t{KVM_EXIT_IO});
    if (r->exit_reason != KVM_EXIT_IO) return 0;
    EXPECT_EQ(r->io.port, platform::kDebugExitPort);
    EXPECT_EQ(r->io.direction, KVM_EXIT_IO_OUT);
    EXPECT_EQ(r->io.count, 1u);
    uint32_t value = 0;
    EXPECT_LE(r->io.data_offset + r->io.size, vcpu.run_area_size());
    std::memcpy(&value, reinterpret_cast<uint8_t*>(r) + r->io.data_offset, r->io.size);
    return value;
  }

  static std::map<std::string, uint64_t> stats_map(KvmVcpu& vcpu) {
    auto stats = vcpu.read_stats();
    EXPECT_TRUE(stats.ok()) << stats.error().message;
    std::map<std::string, uint64_t> map;
    if (stats.ok())
      for (const auto& s : *stats) map[s.name] = s.value;
    return map;
  }

  std::unique_ptr<KvmSystem> kvm_;
  std::vector<kvm_cpuid_entry2> supported_;
  std::vector<MmapRegion> ram_;
};

TEST_F(RealKvm, ReportsApiVersionAndLimits) {
  EXPECT_EQ(*kvm_->api_version(), 12);
  auto max = kvm_->max_vcpus();
  ASSERT_TRUE(max.ok()) << max.error().message;
  EXPECT_GE(*max, 1);
  EXPECT_GT(*kvm_->check_extension(KVM_CAP_USER_MEMORY), 0);
  EXPECT_FALSE(supported_.empty());
}

TEST_F(RealKvm, RunsPvhEntryToIoThenMmioThenHalt) {
  auto vm = make_vm(kOutMmioHlt, /*full_setup=*/false);
  ASSERT_TRUE(vm);
  auto vcpu = make_boot_vcpu(*vm, 0, 1);
  ASSERT_TRUE(vcpu);
  auto before = stats_map(*vcpu);

  EXPECT_EQ(run_to_debug_port_out(*vcpu), 0x42u);

  ASSERT_TRUE(vcpu->run().ok());
  kvm_run* r = vcpu->run_area();
  ASSERT_EQ(r->exit_reason, uint32_t{KVM_EXIT_MMIO});
  EXPECT_EQ(r->mmio.phys_addr, kUnmappedGpa);
  EXPECT_EQ(r->mmio.len, 1u);
  EXPECT_TRUE(r->mmio.is_write);
  EXPECT_EQ(r->mmio.data[0], 0x42);

  ASSERT_TRUE(vcpu->run().ok());
  EXPECT_EQ(r->exit_reason, uint32_t{KVM_EXIT_HLT});

  auto after = stats_map(*vcpu);
  ASSERT_TRUE(after.count("exits"));
  EXPECT_GT(after["exits"], 0u);
  print_counters(before, after);
  std::printf("[ stats    ] %zu stats in all:", after.size());
  for (const auto& [name, value] : after) std::printf(" %s", name.c_str());
  std::printf("\n");
}

TEST_F(RealKvm, GuestSeesItsOwnApicIdInCpuid) {
  // No irqchip: every vCPU is runnable, so vCPU 1 can run the boot code.
  auto vm = make_vm(kReportTopology, /*full_setup=*/false);
  ASSERT_TRUE(vm);
  auto vcpu0 = vm->create_vcpu(0);
  ASSERT_TRUE(vcpu0.ok());
  auto vcpu1 = make_boot_vcpu(*vm, 1, 2);
  ASSERT_TRUE(vcpu1);
  uint32_t leaf1_ebx = run_to_debug_port_out(*vcpu1);
  EXPECT_EQ(leaf1_ebx >> 24, 1u);                // initial APIC ID
  EXPECT_EQ((leaf1_ebx >> 16) & 0xff, 2u);       // logical processors (2 = a power of 2)
  EXPECT_EQ(run_to_debug_port_out(*vcpu1), 1u);  // leaf 0xB x2APIC ID
}

TEST_F(RealKvm, FullVmSetupLeavesApsWaitingForInitSipi) {
  auto vm = make_vm(kOutMmioHlt, /*full_setup=*/true);
  ASSERT_TRUE(vm);
  auto bsp = make_boot_vcpu(*vm, 0, 2);
  ASSERT_TRUE(bsp);
  auto ap = vm->create_vcpu(1);
  ASSERT_TRUE(ap.ok()) << ap.error().message;
  ASSERT_TRUE(configure_vcpu(**ap, supported_, 1, 2).ok());

  EXPECT_EQ(bsp->get_mp_state()->mp_state, uint32_t{KVM_MP_STATE_RUNNABLE});
  EXPECT_EQ((*ap)->get_mp_state()->mp_state, uint32_t{KVM_MP_STATE_UNINITIALIZED});
  EXPECT_EQ(run_to_debug_port_out(*bsp), 0x42u);

  // The in-kernel local APIC answers, and its ID register (offset 0x20,
  // bits 31:24 in xAPIC mode) is the vCPU id, as the CPUID leaves say.
  auto lapic = (*ap)->get_lapic();
  ASSERT_TRUE(lapic.ok()) << lapic.error().message;
  uint32_t id_register;
  std::memcpy(&id_register, lapic->regs + 0x20, sizeof(id_register));
  EXPECT_EQ(id_register >> 24, 1u);
  EXPECT_TRUE((*ap)->set_lapic(*lapic).ok());
}

TEST_F(RealKvm, ImmediateExitIsReportedAsIntr) {
  auto vm = make_vm(kOutMmioHlt, /*full_setup=*/false);
  ASSERT_TRUE(vm);
  auto vcpu = make_boot_vcpu(*vm, 0, 1);
  ASSERT_TRUE(vcpu);
  vcpu->run_area()->immediate_exit = 1;  // KVM_RUN returns EINTR at once
  ASSERT_TRUE(vcpu->run().ok());
  EXPECT_EQ(vcpu->run_area()->exit_reason, uint32_t{KVM_EXIT_INTR});
  vcpu->run_area()->immediate_exit = 0;
  EXPECT_EQ(run_to_debug_port_out(*vcpu), 0x42u);
}

// A signal to the vCPU thread while the guest spins ends KVM_RUN with EINTR,
// reported as KVM_EXIT_INTR. The kicker repeats until the kick lands, so a
// signal that arrives before KVM_RUN starts does not hang the test.
TEST_F(RealKvm, SignalKickIsReportedAsIntr) {
  auto vm = make_vm(kSpin, /*full_setup=*/false);
  ASSERT_TRUE(vm);
  auto vcpu = make_boot_vcpu(*vm, 0, 1);
  ASSERT_TRUE(vcpu);
  struct sigaction action {};
  action.sa_handler = [](int) {};
  struct sigaction previous {};
  ASSERT_EQ(sigaction(SIGUSR1, &action, &previous), 0);  // no SA_RESTART

  auto before = stats_map(*vcpu);
  std::atomic<bool> kicked{false};
  const pthread_t vcpu_thread = pthread_self();
  std::thread kicker([&] {
    while (!kicked.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      pthread_kill(vcpu_thread, SIGUSR1);
    }
  });
  auto run = vcpu->run();
  kicked = true;
  kicker.join();
  sigaction(SIGUSR1, &previous, nullptr);

  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(vcpu->run_area()->exit_reason, uint32_t{KVM_EXIT_INTR});
  print_counters(before, stats_map(*vcpu));
}

TEST_F(RealKvm, RefusedMsrIsNamed) {
  auto vm = make_vm(kOutMmioHlt, /*full_setup=*/false);
  ASSERT_TRUE(vm);
  auto vcpu = vm->create_vcpu(0);
  ASSERT_TRUE(vcpu.ok());
  auto set = (*vcpu)->set_msrs({{0x1a0, 1}, {0xdeadbeef, 1}});
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("set 1 of 2"), std::string::npos) << set.error().message;
  EXPECT_NE(set.error().message.find("0xdeadbeef"), std::string::npos) << set.error().message;
}

TEST_F(RealKvm, IrqLineIrqfdAndIoeventfd) {
  auto vm = make_vm(kOutMmioHlt, /*full_setup=*/true);
  ASSERT_TRUE(vm);
  FileDescriptor event(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  ASSERT_TRUE(event.valid());
  const uint32_t gsi = platform::kVirtioMmioFirstGsi;
  EXPECT_TRUE(vm->set_irq_line(gsi, true).ok());
  EXPECT_TRUE(vm->set_irq_line(gsi, false).ok());
  auto irqfd = vm->register_irqfd(gsi, event.get(), false);
  EXPECT_TRUE(irqfd.ok()) << irqfd.error().message;
  EXPECT_TRUE(vm->register_irqfd(gsi, event.get(), true).ok());
  const uint64_t notify = platform::kVirtioMmioBase + 0x50;
  auto ioeventfd = vm->register_ioeventfd(notify, 4, event.get(), false, false);
  EXPECT_TRUE(ioeventfd.ok()) << ioeventfd.error().message;
  EXPECT_TRUE(vm->register_ioeventfd(notify, 4, event.get(), false, true).ok());
  // Deassigning what is not assigned is refused, and the error says which ioctl.
  auto again = vm->register_ioeventfd(notify, 4, event.get(), false, true);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("KVM_IOEVENTFD"), std::string::npos);
}

}  // namespace
}  // namespace vmm
