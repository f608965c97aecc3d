// The bundled guest.elf is a plain PVH kernel: QEMU's microvm boots it too.
#include <gtest/gtest.h>
#include <string>

#include "tests/integration/kvm_available.h"
#include "tests/integration/process.h"
#include "tests/integration/qemu_binary.h"

namespace vmm::testing {
namespace {

TEST(Qemu, MicrovmBootsTheBundledGuestOnFourCpus) {
  SKIP_WITHOUT_KVM();
  std::string qemu = qemu_system_x86_64();
  if (qemu.empty()) GTEST_SKIP() << "qemu-system-x86_64 is not installed";
  auto r = run_process({qemu, "-M", "microvm,accel=kvm", "-cpu", "host,-arch-capabilities",
                        "-smp", "4", "-m", "256", "-nodefaults", "-nographic", "-serial", "stdio",
                        "-device", "isa-debug-exit,iobase=0x501", "-kernel", BUNDLED_GUEST_ELF},
                       120);
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  for (int cpu = 0; cpu < 4; ++cpu)
    EXPECT_NE(r.out.find("cpu " + std::to_string(cpu) + " online"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("smp: 4 of 4 CPUs online"), std::string::npos) << r.out;
}

// The same guest.elf drives QEMU's virtio-net (virtio-mmio) too. QEMU
// microvm writes no virtio_mmio.device= word for a PVH kernel with ACPI on,
// so the test passes it: QEMU 7.2 puts the first device it is given at
// 0xfeb02e00 (512-byte windows) on GSI 47 (its second IOAPIC starts at 24),
// and its virtio-mmio is legacy (version 1) unless told otherwise.
TEST(Qemu, MicrovmGuestPingsTheHostThroughVirtioNet) {
  SKIP_WITHOUT_KVM();
  std::string qemu = qemu_system_x86_64();
  if (qemu.empty()) GTEST_SKIP() << "qemu-system-x86_64 is not installed";
  auto r = run_process({qemu, "-M", "microvm,accel=kvm", "-cpu", "host,-arch-capabilities", "-m", "256",
                        "-nodefaults", "-nographic", "-no-reboot", "-serial", "stdio",
                        "-device", "isa-debug-exit,iobase=0x501",
                        "-global", "virtio-mmio.force-legacy=false",
                        "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
                        "-kernel", BUNDLED_GUEST_ELF,
                        "-append", "virtio_mmio.device=512@0xfeb02e00:47 init=ping -- -c 3 10.0.2.2"},
                       120);
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("net: eth0 virtio-net at 0xfeb02e00 irq 47"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 transmitted, 3 received"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace vmm::testing
