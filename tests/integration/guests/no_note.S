/* A valid ELF with code but no PVH entry note: must be refused. */
    .code32
    .text
    .global _start
_start:
    hlt
