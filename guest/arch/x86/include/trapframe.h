// The trap frame: what arch/x86/kernel/vectors.S leaves on the stack for every interrupt
// and exception before calling trap(TrapFrame*). This is the one place its
// layout is written down; arch/x86/kernel/vectors.S uses the TF_* offsets below.
//
//   higher addresses
//   +--------------+
//   | ss           |  -+
//   | rsp          |   |  pushed by the CPU (always in 64-bit mode,
//   | rflags       |   |  Intel SDM vol 3, 6.14.2, figure 6-9)
//   | cs           |   |
//   | rip          |  -+
//   | error_code   |  pushed by the CPU for some exceptions, else 0 by the stub
//   | vector       |  pushed by the stub
//   | rax ... r15  |  pushed by trap_common (rax first)
//   +--------------+  <- rsp = TrapFrame*, 16-byte aligned
//
// Entries from user mode (CS RPL 3) are bracketed by SWAPGS in trap_common so
// that GS always points at the kernel's Cpu inside trap().
//
// System calls (arch/x86/kernel/syscall_entry.S) build the same frame, with vector
// TF_SYSCALL_VECTOR (no IDT vector has that number), so that fork and new
// threads can start from a copy of it and return through trap_return.
#pragma once

#define TF_VECTOR 120
#define TF_RIP 136
#define TF_CS 144
#define TF_SIZE 176
#define TF_SYSCALL_VECTOR 256

#if !defined(__ASSEMBLER__)
#include <stddef.h>
#include <stdint.h>

struct TrapFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector;
  uint64_t error_code;
  uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(offsetof(TrapFrame, vector) == TF_VECTOR);
static_assert(offsetof(TrapFrame, cs) == TF_CS);
static_assert(offsetof(TrapFrame, rip) == TF_RIP);
static_assert(sizeof(TrapFrame) == TF_SIZE);
static_assert(TF_SIZE % 16 == 0, "keeps the stack 16-byte aligned at the call");

extern "C" void trap(TrapFrame* tf);

inline bool from_user_mode(const TrapFrame* tf) { return (tf->cs & 3) != 0; }
#endif
