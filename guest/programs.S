// Embeds the user programs' ELF files (built by guest/CMakeLists.txt; the
// assembler finds them on its include path) and lists them for programs.cpp.
.macro PROGRAM name, file
  .section .rodata
  .balign 16
  .globl user_image_\name\()_start, user_image_\name\()_end
user_image_\name\()_start:
  .incbin "\file"
user_image_\name\()_end:
.endm

PROGRAM selftest, "selftest.elf"
PROGRAM panic_test, "panic-test.elf"
PROGRAM smap_test, "smap-test.elf"
PROGRAM echo, "echo.elf"
PROGRAM readline, "readline.elf"
