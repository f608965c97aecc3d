/* Says it is up, then halts with interrupts off forever: only a signal to
   the VMM ends this VM. */
#include "pvh_note.h"
    .code32
    .text
    .global _start
_start:
    mov $0x3f8, %dx
    mov $'u', %al
    out %al, %dx
    mov $'\n', %al
    out %al, %dx
    cli
1:  hlt
    jmp 1b
PVH_ENTRY_NOTE(_start)
