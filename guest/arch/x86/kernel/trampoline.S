// Application-processor start-up code.
//
// smp.cpp copies [trampoline_start, trampoline_end) to AP_TRAMPOLINE_PHYS
// and sends each AP INIT-SIPI-SIPI with vector AP_TRAMPOLINE_PHYS >> 12.
// The AP begins in real mode at CS:IP = (vector << 8):0000 (Intel SDM vol 3,
// 8.4.4.1 and 10.6.1: "start-up IPI"), so this code must work at its copy:
// every absolute address is written as AP_TRAMPOLINE_PHYS + (label - start).
//
// real mode -> 32-bit protected mode (paging off) -> IA-32e mode on the
// kernel's page tables (which still identity-map low memory during AP
// start-up) -> ap_start64 in the higher half.
//
// Several APs may run this at once: nothing here writes memory, and each AP
// finds its own stack in ap_start64 by its APIC ID.
#include "arch/x86/include/cpu_setup.h"
#include "arch/x86/include/layout.h"

#define TR(label) (AP_TRAMPOLINE_PHYS + ((label) - trampoline_start))

#define CR0_PE 0x1
#define CR0_WP 0x10000
#define CR0_PG 0x80000000
#define CR0_NW 0x20000000
#define CR0_CD 0x40000000
#define CR4_PAE 0x20
#define MSR_EFER 0xC0000080
#define EFER_LME 0x100

.text
.code16
.globl trampoline_start
trampoline_start:
  cli
  cld
  mov %cs, %ax
  mov %ax, %ds
  lgdtl (tr_gdt_ptr - trampoline_start)      // ds:offset, ds = cs = page
  mov %cr0, %eax
  or $CR0_PE, %eax
  mov %eax, %cr0
  ljmpl $0x18, $TR(tr_protected)

.code32
tr_protected:
  mov $0x10, %ax
  mov %ax, %ds
  mov %ax, %es
  mov %ax, %ss
  ENABLE_WB_CACHING
  // Same sequence as entry.S (Intel SDM vol 3, 9.8.5).
  mov %cr4, %eax
  or $CR4_PAE, %eax
  mov %eax, %cr4
  mov TR(tr_cr3), %eax
  mov %eax, %cr3
  mov $MSR_EFER, %ecx
  rdmsr
  or $EFER_LME, %eax
  wrmsr
  // INIT leaves CR0 = 0x60000010: CD and NW set (SDM vol 3, table 9-1).
  mov %cr0, %eax
  and $~(CR0_CD | CR0_NW), %eax
  or $(CR0_PG | CR0_WP), %eax
  mov %eax, %cr0
  ljmp $0x08, $TR(tr_long)

.code64
tr_long:
  xor %eax, %eax
  mov %eax, %ds
  mov %eax, %es
  mov %eax, %ss
  mov %eax, %fs
  mov %eax, %gs
  movabs $ap_start64, %rax
  jmp *%rax

.balign 8
tr_gdt:
  .quad 0
  .quad 0x00AF9A000000FFFF             // 0x08: 64-bit code
  .quad 0x00CF92000000FFFF             // 0x10: data
  .quad 0x00CF9A000000FFFF             // 0x18: 32-bit code
tr_gdt_end:
tr_gdt_ptr:
  .word tr_gdt_end - tr_gdt - 1
  .long TR(tr_gdt)
// Patched by smp.cpp: physical address of the kernel PML4 (below 4 GiB,
// since it is in the kernel image).
.balign 4
.globl trampoline_cr3
trampoline_cr3:
tr_cr3:
  .long 0
.globl trampoline_end
trampoline_end:

// The AP's first higher-half code. It finds its stack in ap_boot_stacks
// (filled by smp.cpp for every AP it starts), indexed by its local APIC ID,
// read from the APIC itself rather than from CPUID (whose initial APIC ID a
// VMM might not fill in): IA32_APIC_BASE.EXTD set means x2APIC mode, ID in
// MSR 0x802; otherwise the xAPIC ID register (base + 0x20, bits 31:24),
// reached through the uncached direct map (Intel SDM vol 3, 10.4.6, 10.12).
// No stack (0) means "not started by us": stop.
#define MSR_APIC_BASE 0x1B
#define APIC_BASE_EXTD_BIT 10
#define MSR_X2APIC_ID 0x802
#define XAPIC_ID_REG 0x20

.globl ap_start64
ap_start64:
  mov $MSR_APIC_BASE, %ecx
  rdmsr
  bt $APIC_BASE_EXTD_BIT, %eax
  jc 1f
  and $0xFFFFF000, %eax                // base: bits 12..51 of edx:eax
  shl $32, %rdx
  or %rdx, %rax
  movabs $DIRECT_MAP_BASE, %rbx
  add %rbx, %rax
  mov XAPIC_ID_REG(%rax), %ebx
  shr $24, %ebx
  jmp 2f
1:
  mov $MSR_X2APIC_ID, %ecx
  rdmsr
  mov %eax, %ebx
2:
  cmp $256, %ebx
  jae 3f
  mov ap_boot_stacks(, %rbx, 8), %rsp
  test %rsp, %rsp
  jz 3f
  mov %ebx, %edi                       // ap_main(apic_id)
  xor %ebp, %ebp
  call ap_main
3:
  cli
  hlt
  jmp 3b
