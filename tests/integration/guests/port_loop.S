/* Exactly 1000 one-byte OUTs to port 0x80 (no device there), then a clean
   debug-exit with 0: the stats JSON must count 1000 writes to 0x80 and one
   to 0x501, nothing else on this vCPU. */
#include "pvh_note.h"
    .code32
    .text
    .global _start
_start:
    mov $1000, %ecx
    mov $0x80, %dx
1:  out %al, %dx
    loop 1b
    xor %eax, %eax
    mov $0x501, %dx
    out %al, %dx
    hlt
PVH_ENTRY_NOTE(_start)
