// One entry stub per IDT vector (0..255), and trap_stub_table, their
// addresses in vector order, from which arch/x86/cpu/idt.cpp builds the IDT.
//
// The CPU pushes an error code only for vectors 8, 10-14, 17, 21, 29, 30
// (Intel SDM vol 3, table 6-1; AMD APM vol 2 for 29 and 30); the other stubs
// push a 0 so that every frame has the same layout (arch/x86/include/trapframe.h).
#include "arch/x86/include/trapframe.h"
#include "arch/x86/include/trapframe_regs.h"

.altmacro
.macro STUB vector
  .balign 16
trap_stub_\vector:
  .if (\vector == 8) || ((\vector >= 10) && (\vector <= 14)) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30)
  .else
  pushq $0
  .endif
  pushq $\vector
  .if (\vector == 2) || (\vector == 8) || (\vector == 18)
  jmp trap_paranoid
  .else
  jmp trap_common
  .endif
.endm

.macro STUB_ADDRESS vector
  .quad trap_stub_\vector
.endm

.text
.set vec, 0
.rept 256
  STUB %vec
  .set vec, vec + 1
.endr

.section .rodata
.balign 8
.globl trap_stub_table
trap_stub_table:
.set vec, 0
.rept 256
  STUB_ADDRESS %vec
  .set vec, vec + 1
.endr

.text
.macro PUSH_REGS
  PUSH_GPRS
  cld                                  // the C++ ABI expects DF = 0
.endm

.macro POP_REGS_AND_IRET
  POP_GPRS
  add $16, %rsp                        // vector and error code
  iretq
.endm

// Entries from user mode (CS RPL 3) swap GS to the kernel's. trap_return is
// also where a new thread enters user mode (sched/switch.S).
trap_common:
  PUSH_REGS
  testb $3, TF_CS(%rsp)
  jz 1f
  swapgs
1:
  mov %rsp, %rdi
  call trap
.globl trap_return
trap_return:
  testb $3, TF_CS(%rsp)
  jz 2f
  swapgs
2:
  POP_REGS_AND_IRET

// NMI, #DF and #MC can arrive anywhere, including the few kernel
// instructions of syscall_entry before its SWAPGS and of its exit after
// one, where CS is the kernel's but GS is the user's. So the GS base itself
// decides: the kernel's is a higher-half address (IA32_GS_BASE, SDM vol 4,
// table 2-2), the user's never is. RBX (callee-saved) remembers the swap.
#define MSR_GS_BASE 0xC0000101
trap_paranoid:
  PUSH_REGS
  xor %ebx, %ebx
  mov $MSR_GS_BASE, %ecx
  rdmsr
  test %edx, %edx
  js 3f
  swapgs
  mov $1, %ebx
3:
  mov %rsp, %rdi
  call trap
  test %ebx, %ebx
  jz 4f
  swapgs
4:
  POP_REGS_AND_IRET
