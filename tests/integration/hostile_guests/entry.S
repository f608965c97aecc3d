/* PVH entry of the hostile guest (Xen PVH ABI, as abi/platform.h says):
   32-bit protected mode, flat segments, paging off, interrupts off, EBX =
   physical address of hvm_start_info. Clears .bss (the loader does too,
   but the guest does not rely on it), takes its own stack and calls
   hostile_main(start_info), which never returns. */
#include "pvh_note.h"
    .code32
    .text
    .global _start
_start:
    cli
    cld
    mov %ebx, %esi
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb
    mov $stack_top, %esp
    push %esi
    call hostile_main
1:  hlt
    jmp 1b

    .bss
    .balign 16
stack:
    .skip 32768
stack_top:

PVH_ENTRY_NOTE(_start)
