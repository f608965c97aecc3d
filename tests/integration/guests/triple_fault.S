/* Enters long mode, loads an empty IDT and raises an exception: there is no
   handler for the fault, none for the resulting double fault, so the CPU
   shuts down (triple fault, SDM vol. 3 6.15 "Double Fault Exception").
   Long mode because that is where real guests fault; page tables at
   0x2000-0x4fff identity-map the first 4 MiB with 2 MiB pages. */
#include "pvh_note.h"
    .code32
    .text
    .global _start
_start:
    movl $0x3003, 0x2000          /* PML4[0] -> PDPT, present | writable */
    movl $0x4003, 0x3000          /* PDPT[0] -> PD */
    movl $0x000083, 0x4000        /* PD[0]: 2 MiB page at 0, present | writable | PS */
    movl $0x200083, 0x4008        /* PD[1]: 2 MiB page at 2 MiB */
    mov %cr4, %eax
    or $0x20, %eax                /* CR4.PAE */
    mov %eax, %cr4
    mov $0x2000, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx         /* IA32_EFER */
    rdmsr
    or $0x100, %eax               /* EFER.LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax          /* CR0.PG | CR0.PE */
    mov %eax, %cr0
    lgdt gdt_pointer
    ljmp $0x08, $long_mode
    .code64
long_mode:
    lidt empty_idt
    ud2
    hlt
    .balign 8
gdt:
    .quad 0
    .quad 0x00af9a000000ffff      /* 64-bit code segment */
gdt_pointer:
    .word gdt_pointer - gdt - 1
    .long gdt
empty_idt:
    .word 0
    .quad 0
PVH_ENTRY_NOTE(_start)
