// The interrupt descriptor table, shared by all CPUs (Intel SDM vol 3,
// 6.14.1). Every vector goes to its stub in arch/x86/kernel/vectors.S and then to trap().
#pragma once

#include <stdint.h>

struct TrapFrame;

namespace idt {

// Exception vectors (Intel SDM vol 3, table 6-1) the kernel names.
inline constexpr uint8_t kNmi = 2;
inline constexpr uint8_t kDoubleFault = 8;
inline constexpr uint8_t kPageFault = 14;
inline constexpr uint8_t kMachineCheck = 18;
inline constexpr uint8_t kFirstExternal = 32;  // 0..31 are reserved for exceptions
// Vectors this kernel assigns. The local APIC ranks interrupts by vector
// (priority class = vector >> 4, SDM vol 3, 10.8.3.1): IPIs highest, then
// the timer, then devices.
inline constexpr uint8_t kTimer = 0x20;
inline constexpr uint8_t kFirstDevice = 0x30;  // IOAPIC-routed, arch/x86/platform/irq.cpp allocates
inline constexpr uint8_t kLastDevice = 0xDF;
inline constexpr uint8_t kReschedule = 0xF0;   // IPI: look at the run queue
inline constexpr uint8_t kTlbShootdown = 0xF1; // IPI: flush the TLB
inline constexpr uint8_t kSpurious = 0xFF;      // local APIC spurious vector

}  // namespace idt

// Builds the table (once, on the boot CPU).
void idt_init();
// Loads it into this CPU's IDTR.
void idt_load();

// Handlers for vectors >= 32 (device interrupts, IPIs, the LAPIC timer).
using InterruptHandler = void (*)(TrapFrame* tf);
void idt_set_handler(uint8_t vector, InterruptHandler handler);
InterruptHandler idt_handler(uint8_t vector);
