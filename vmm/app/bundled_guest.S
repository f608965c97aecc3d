/* The bundled guest.elf as read-only data (see bundled_guest.h). */
    .section .rodata.bundled_guest, "a"
    .balign 16
    .global vmm_bundled_guest_start
vmm_bundled_guest_start:
    .incbin BUNDLED_GUEST_PATH
    .global vmm_bundled_guest_end
vmm_bundled_guest_end:
    .section .note.GNU-stack, "", @progbits
