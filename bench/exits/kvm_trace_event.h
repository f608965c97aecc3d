// One line of /sys/kernel/tracing/trace holding a KVM event, parsed. The
// formats are the kernel's print formats (events/kvm/<event>/format; the
// kvm_emulate_insn lines of tests/unit/bench/fixtures are real ones):
//   kvm_exit           "vcpu %u reason %s rip 0x%lx info1 ..."
//   kvm_emulate_insn   "%x:%llx:%s (%s)%s"  csbase:rip:insn bytes (mode)[ failed]
//   kvm_pio            "pio_%s at 0x%x size %d count %d val 0x%x %s"
//   kvm_mmio           "mmio %s len %u gpa 0x%llx val 0x%llx"
//   kvm_msr            "msr_%s %x = 0x%llx%s"
//   kvm_cr             "cr_%s %x = 0x%lx"
//   kvm_page_fault     "vcpu %u rip 0x%lx address 0x%016llx error_code 0x%llx"
//                      (before Linux 6.4: "address %lx error_code %x")
//   kvm_inj_virq       "%s 0x%x%s" (IRQ|Soft/INTn, vector; before 6.7: "irq %u")
//   kvm_userspace_exit "reason %s (%d)"
// Only kvm_exit and kvm_page_fault name the vCPU; every event names the
// thread that ran it (TASK-PID), and a vCPU is one thread, so events are
// told apart by `tid`.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vmm::bench {

enum class KvmEvent : uint8_t {
  kExit,
  kEmulateInsn,
  kPio,
  kMmio,
  kMsr,
  kCr,
  kPageFault,
  kInjVirq,
  kUserspaceExit,
};

inline constexpr KvmEvent kAllKvmEvents[] = {KvmEvent::kExit, KvmEvent::kEmulateInsn, KvmEvent::kPio,
                                             KvmEvent::kMmio, KvmEvent::kMsr,         KvmEvent::kCr,
                                             KvmEvent::kPageFault, KvmEvent::kInjVirq,
                                             KvmEvent::kUserspaceExit};

// "kvm_exit", "kvm_emulate_insn", ...: the tracepoint's name under events/kvm.
const char* kvm_event_name(KvmEvent event);

struct KvmTraceEvent {
  uint64_t time_ns = 0;  // the trace clock (mono: CLOCK_MONOTONIC)
  uint32_t tid = 0;      // the thread that ran the event: the vCPU
  KvmEvent kind = KvmEvent::kExit;
  // kvm_exit: the reason ("HLT", "io", "PF excp"); kvm_userspace_exit:
  // "KVM_EXIT_IO", ...; kvm_mmio: "read", "write", "unsatisfied-read".
  std::string text;
  uint64_t rip = 0;      // kvm_exit, kvm_emulate_insn, kvm_page_fault
  // kvm_pio: port; kvm_mmio: gpa; kvm_msr: index; kvm_cr: number;
  // kvm_page_fault: address; kvm_inj_virq: vector.
  uint64_t address = 0;
  bool write = false;    // kvm_pio, kvm_mmio, kvm_msr, kvm_cr
  bool failed = false;   // kvm_emulate_insn: the emulator gave the instruction up
  std::array<uint8_t, 15> insn{};  // kvm_emulate_insn: the instruction's bytes
  uint8_t insn_len = 0;
};

// nullopt for comments, other events and lines that do not parse.
std::optional<KvmTraceEvent> parse_kvm_trace_line(std::string_view line);

}  // namespace vmm::bench
