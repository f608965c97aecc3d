/* Prints a line on the 16550 at 0x3f8, then writes 0x21 to the debug-exit
   port: the VM must end with status (0x21 << 1) | 1 = 0x43. Runs in the PVH
   entry state: 32-bit protected mode, paging off. */
#include "pvh_note.h"
    .code32
    .text
    .global _start
_start:
    mov $message, %esi
1:  lodsb
    test %al, %al
    jz 2f
    mov $0x3f8, %dx
    out %al, %dx
    jmp 1b
2:  mov $0x21, %al
    mov $0x501, %dx
    out %al, %dx
    hlt
    jmp 2b
message:
    .asciz "hello from a foreign pvh guest\n"
PVH_ENTRY_NOTE(_start)
