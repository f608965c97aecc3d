/* The Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18) that makes an ELF
   bootable by PVH; `entry` is the 32-bit physical entry point. */
#define PVH_ENTRY_NOTE(entry)            \
    .pushsection .note.pvh, "a", @note; \
    .balign 4;                          \
    .long 4;          /* namesz */      \
    .long 4;          /* descsz */      \
    .long 18;         /* type   */      \
    .asciz "Xen";                       \
    .long entry;                        \
    .popsection
