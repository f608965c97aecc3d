// SYSCALL lands here (IA32_LSTAR), with the user's RIP in RCX and RFLAGS in
// R11, CS/SS already the kernel's, interrupts off (IA32_FMASK clears IF, TF,
// DF, AC...; sys/syscall.cpp), and RSP still the user's (Intel SDM vol 2,
// SYSCALL). The entry switches to the current thread's kernel stack
// (gs:8, Cpu::kernel_rsp, arch/x86/cpu/percpu.h), builds a TrapFrame exactly like an
// interrupt from user mode would, and calls syscall_dispatch(frame).
//
// The way out restores every register from the frame (RAX holds the
// result), so nothing the kernel computed reaches user space except RAX;
// RCX and R11 come back as the return RIP and RFLAGS, as SYSRET defines.
#include "arch/x86/include/trapframe.h"
#include "arch/x86/include/trapframe_regs.h"

#define USER_DS (0x18 | 3)   // arch/x86/cpu/gdt.h
#define USER_CS (0x20 | 3)
#define USER_TOP 0x00007ffffffff000  // arch/x86/include/layout.h kUserTop

.text
.globl syscall_entry
syscall_entry:
  swapgs
  movq %rsp, %gs:16                    // Cpu::scratch
  movq %gs:8, %rsp                     // Cpu::kernel_rsp
  pushq $USER_DS                       // ss
  pushq %gs:16                         // rsp
  pushq %r11                           // rflags
  pushq $USER_CS                       // cs
  pushq %rcx                           // rip
  pushq $0                             // error code
  pushq $TF_SYSCALL_VECTOR
  PUSH_GPRS
  movq %rsp, %rdi
  call syscall_dispatch                // returns with interrupts off
  // SYSRET with a non-canonical RCX faults in ring 0 on the user's stack
  // (SDM vol 2, SYSRET); syscall_dispatch never leaves such a RIP, but a
  // bug here would be exploitable, so check once more and panic instead.
  movq TF_RIP(%rsp), %rcx
  movabsq $USER_TOP, %r11
  cmpq %r11, %rcx
  jae syscall_bad_return
  POP_GPRS
  addq $16, %rsp                       // vector and error code
  movq (%rsp), %rcx                    // rip
  movq 16(%rsp), %r11                  // rflags
  movq 24(%rsp), %rsp                  // user rsp; NMIs here are paranoid
  swapgs
  sysretq

syscall_bad_return:
  movq %rsp, %rdi
  call syscall_bad_return_panic
