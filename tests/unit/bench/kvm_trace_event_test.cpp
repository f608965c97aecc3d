// Each KVM event's line into fields: the kvm_emulate_insn lines are from the
// kvm_pvm capture, the others in the print formats of Linux 6.18's
// events/kvm/*/format (read on this machine's tracefs).
#include "bench/exits/kvm_trace_event.h"

#include <gtest/gtest.h>

#include "tests/unit/bench/capture_fixtures.h"

namespace vmm::bench {
namespace {

TEST(KvmTraceEvent, EmulatedInstructionFromTheCapture) {
  auto e = parse_kvm_trace_line(
      "             vmm-27477   [001] .....  5041.100036: kvm_emulate_insn: 0:ffffffff80116878:48 3d 00 f0 ff 7f (prot64)");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, KvmEvent::kEmulateInsn);
  EXPECT_EQ(e->tid, 27477u);
  EXPECT_EQ(e->time_ns, 5041100036000ull);
  EXPECT_EQ(e->rip, 0xffffffff80116878ull);
  ASSERT_EQ(e->insn_len, 6);
  EXPECT_EQ(e->insn[0], 0x48);
  EXPECT_EQ(e->insn[5], 0x7f);
  EXPECT_FALSE(e->failed);
  auto failed = parse_kvm_trace_line(
      "             vmm-27477   [001] .....  5041.111998: kvm_emulate_insn: 0:ffffffff801012a0:0f 01 f8 (prot64) failed");
  ASSERT_TRUE(failed);
  EXPECT_TRUE(failed->failed);
  EXPECT_EQ(failed->insn_len, 3);
}

TEST(KvmTraceEvent, EveryLineOfTheCaptureParses) {
  std::istringstream in(fixtures::gunzip_file("kvm_pvm-trace-udpecho-shm0-phase.txt.gz"));
  size_t lines = 0, events = 0, failed = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    ++lines;
    auto e = parse_kvm_trace_line(line);
    if (!e) continue;
    ++events;
    failed += e->failed;
    EXPECT_GE(e->rip, 0xffffffff80000000ull) << "every emulated instruction is a kernel one: " << line;
  }
  EXPECT_EQ(lines, 21817u);
  EXPECT_EQ(events, lines);
  EXPECT_EQ(failed, 49u);
}

TEST(KvmTraceEvent, PioMmioMsrCr) {
  auto pio = parse_kvm_trace_line("  vmm-9 [000] ..... 10.000001: kvm_pio: pio_write at 0x520 size 4 count 1 val 0x10001 ");
  ASSERT_TRUE(pio);
  EXPECT_EQ(pio->kind, KvmEvent::kPio);
  EXPECT_TRUE(pio->write);
  EXPECT_EQ(pio->address, 0x520u);
  auto mmio = parse_kvm_trace_line("  vmm-9 [000] ..... 10.000002: kvm_mmio: mmio read len 4 gpa 0xd0000070 val 0x0");
  ASSERT_TRUE(mmio);
  EXPECT_EQ(mmio->text, "read");
  EXPECT_FALSE(mmio->write);
  EXPECT_EQ(mmio->address, 0xd0000070u);
  auto msr = parse_kvm_trace_line("  vmm-9 [000] ..... 10.000003: kvm_msr: msr_write 6e0 = 0x1234 (#GP)");
  ASSERT_TRUE(msr);
  EXPECT_TRUE(msr->write);
  EXPECT_EQ(msr->address, 0x6e0u);
  auto cr = parse_kvm_trace_line("  vmm-9 [000] ..... 10.000004: kvm_cr: cr_read 4 = 0x3406f0");
  ASSERT_TRUE(cr);
  EXPECT_FALSE(cr->write);
  EXPECT_EQ(cr->address, 4u);
}

TEST(KvmTraceEvent, PageFaultInjectionUserspaceExit) {
  auto pf = parse_kvm_trace_line(
      "  vmm-9 [001] ..... 10.5: kvm_page_fault: vcpu 0 rip 0xffffffff80100000 address 0x0000000000401000 error_code 0x6");
  ASSERT_TRUE(pf);
  EXPECT_EQ(pf->kind, KvmEvent::kPageFault);
  EXPECT_EQ(pf->address, 0x401000u);
  EXPECT_EQ(pf->rip, 0xffffffff80100000ull);
  auto old_pf = parse_kvm_trace_line("  vmm-9 [001] ..... 10.5: kvm_page_fault: address 401000 error_code 6");
  ASSERT_TRUE(old_pf);
  EXPECT_EQ(old_pf->address, 0x401000u);
  auto irq = parse_kvm_trace_line("  vmm-9 [001] ..... 10.6: kvm_inj_virq: IRQ 0xec");
  ASSERT_TRUE(irq);
  EXPECT_EQ(irq->address, 0xecu);
  auto old_irq = parse_kvm_trace_line("  vmm-9 [001] ..... 10.6: kvm_inj_virq: irq 236");
  ASSERT_TRUE(old_irq);
  EXPECT_EQ(old_irq->address, 236u);
  auto exit = parse_kvm_trace_line("  vmm-9 [001] ..... 10.7: kvm_userspace_exit: reason KVM_EXIT_IO (2)");
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->kind, KvmEvent::kUserspaceExit);
  EXPECT_EQ(exit->text, "KVM_EXIT_IO");
}

TEST(KvmTraceEvent, TaskNamesWithDashesAndUnknownEvents) {
  auto e = parse_kvm_trace_line("  qemu-system-x86-1234 [000] d..1. 7.000000: kvm_exit: vcpu 1 reason HLT rip 0x1 info1 0");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->tid, 1234u);
  EXPECT_FALSE(parse_kvm_trace_line("  vmm-9 [001] ..... 10.7: kvm_fpu: load"));
  EXPECT_FALSE(parse_kvm_trace_line("  vmm-9 [001] ..... 10.7: kvm_emulate_insn: garbage"));
}

}  // namespace
}  // namespace vmm::bench
