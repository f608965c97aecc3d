// PVH entry: the first kernel code to run on the boot CPU.
//
// The loader (the VMM, or QEMU's PVH option ROM) enters here in 32-bit
// protected mode, flat 4 GiB segments, paging off, interrupts off, with
// EBX = physical address of struct hvm_start_info (Xen's PVH boot ABI,
// xen/include/public/arch-x86/hvm/start_info.h). This code:
//   1. makes RAM cacheable (arch/x86/include/cpu_setup.h) and zeroes .bss (a loader need
//      not),
//   2. builds boot page tables that map the first 1 GiB three times:
//      identity (needed while paging is switched on), the direct map at
//      DIRECT_MAP_BASE and the kernel image at KERNEL_VMA,
//   3. enables long mode (Intel SDM vol 3, 9.8.5: PAE, CR3, EFER.LME,
//      then CR0.PG),
//   4. jumps to the higher half and calls kmain(start_info_phys).
// mm/kernel_page_tables.cpp replaces these tables with the real kernel page tables.
#include "arch/x86/include/cpu_setup.h"
#include "arch/x86/include/layout.h"

#define PHYS(sym) ((sym) - KERNEL_VMA)

#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PS 0x80
#define CR0_PE 0x1
#define CR0_WP 0x10000
#define CR0_PG 0x80000000
#define CR0_NW 0x20000000
#define CR0_CD 0x40000000
#define CR4_PAE 0x20
#define MSR_EFER 0xC0000080
#define EFER_LME 0x100
#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0x501

// ---- the Xen ELF note that makes this a PVH kernel ----
// XEN_ELFNOTE_PHYS32_ENTRY (18): physical 32-bit entry point. The
// descriptor is 8 bytes (the upper half zero) so that readers taking either
// 4 or 8 bytes get the same value. The note's segment must be 4-aligned:
// QEMU rounds the name size up to the PT_NOTE p_align.
.section .note.Xen, "a", @note
  .balign 4
  .long 4                      // namesz: "Xen\0"
  .long 8                      // descsz
  .long 18                     // type: XEN_ELFNOTE_PHYS32_ENTRY
  .asciz "Xen"
  .balign 4
  .quad PHYS(pvh_entry)

.section .text.boot, "ax"
.code32
.globl pvh_entry
pvh_entry:
  cli
  cld
  mov %ebx, %ebp                       // start_info; cpuid clobbers ebx

  // Long mode is required: CPUID.80000001H:EDX[29] (Intel SDM vol 2, CPUID).
  mov $0x80000000, %eax
  cpuid
  cmp $0x80000001, %eax
  jb no_long_mode
  mov $0x80000001, %eax
  cpuid
  bt $29, %edx
  jnc no_long_mode

  ENABLE_WB_CACHING

  // Zero .bss (holds the page tables and the boot stack).
  mov $PHYS(__bss_start), %edi
  mov $PHYS(__bss_end), %ecx
  sub %edi, %ecx
  xor %eax, %eax
  rep stosb

  mov $PHYS(boot_stack_top), %esp

  // boot_pd: 512 2 MiB pages covering physical 0..1 GiB.
  mov $PHYS(boot_pd), %edi
  mov $(PTE_P | PTE_RW | PTE_PS), %eax
  mov $512, %ecx
1:
  mov %eax, (%edi)
  movl $0, 4(%edi)
  add $0x200000, %eax
  add $8, %edi
  loop 1b

  // boot_pdpt_low[0] and boot_pdpt_high[510] -> boot_pd. PML4[0] (identity)
  // and PML4[256] (direct map) share boot_pdpt_low; PML4[511] -> high.
  // KERNEL_VMA = PML4 index 511, PDPT index 510.
  movl $(PHYS(boot_pd) + PTE_P + PTE_RW), PHYS(boot_pdpt_low)
  movl $(PHYS(boot_pd) + PTE_P + PTE_RW), PHYS(boot_pdpt_high) + 510 * 8
  movl $(PHYS(boot_pdpt_low) + PTE_P + PTE_RW), PHYS(boot_pml4)
  movl $(PHYS(boot_pdpt_low) + PTE_P + PTE_RW), PHYS(boot_pml4) + 256 * 8
  movl $(PHYS(boot_pdpt_high) + PTE_P + PTE_RW), PHYS(boot_pml4) + 511 * 8

  // Enter IA-32e mode (Intel SDM vol 3, 9.8.5).
  mov %cr4, %eax
  or $CR4_PAE, %eax
  mov %eax, %cr4
  mov $PHYS(boot_pml4), %eax
  mov %eax, %cr3
  mov $MSR_EFER, %ecx
  rdmsr
  or $EFER_LME, %eax
  wrmsr
  // Also turn caching on: a loader may leave CR0.CD/NW as they are at
  // reset (set, SDM vol 3, 9.1.1), and then every access is uncached.
  mov %cr0, %eax
  and $~(CR0_CD | CR0_NW), %eax
  or $(CR0_PE | CR0_WP | CR0_PG), %eax
  mov %eax, %cr0

  lgdt PHYS(boot_gdt_ptr)
  ljmp $0x08, $PHYS(entry64_low)

// Without long mode there is nothing to do but say so and stop the VM
// (debug-exit status 3 under QEMU's isa-debug-exit and this VMM).
no_long_mode:
  mov $PHYS(no_long_mode_msg), %esi
2:
  lodsb
  test %al, %al
  jz 3f
  mov $COM1, %dx
  out %al, %dx
  jmp 2b
3:
  mov $DEBUG_EXIT_PORT, %dx
  mov $1, %al
  out %al, %dx
4:
  hlt
  jmp 4b

.code64
entry64_low:
  // Still running at the identity address; move to the higher half.
  movabs $entry64_high, %rax
  jmp *%rax

.text
entry64_high:
  mov $0x10, %eax
  mov %eax, %ds
  mov %eax, %es
  mov %eax, %ss
  xor %eax, %eax
  mov %eax, %fs
  mov %eax, %gs
  movabs $boot_stack_top, %rsp
  mov %ebp, %edi                       // kmain(start_info_phys)
  xor %ebp, %ebp                       // end of the frame-pointer chain
  call kmain
5:
  cli
  hlt
  jmp 5b

.section .rodata
no_long_mode_msg:
  .asciz "boot: CPU has no long mode\r\n"

// Boot GDT: only what the switch to 64-bit needs; arch/x86/cpu/gdt.cpp installs the real
// per-CPU GDT. Selectors match it (0x08 code, 0x10 data).
.balign 8
boot_gdt:
  .quad 0
  .quad 0x00AF9A000000FFFF             // 0x08: 64-bit code, DPL 0
  .quad 0x00CF92000000FFFF             // 0x10: data, DPL 0
boot_gdt_end:
boot_gdt_ptr:
  .word boot_gdt_end - boot_gdt - 1
  .long PHYS(boot_gdt)

.section .bss
.balign PAGE_SIZE
boot_pml4:
  .skip PAGE_SIZE
boot_pdpt_low:
  .skip PAGE_SIZE
boot_pdpt_high:
  .skip PAGE_SIZE
boot_pd:
  .skip PAGE_SIZE
.globl boot_stack_top
boot_stack:
  .skip KERNEL_STACK_SIZE
boot_stack_top:
