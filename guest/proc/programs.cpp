#include "proc/programs.h"

#include "lib/kstring.h"

// programs_table.inc is generated from guest/user/programs.cmake: one
// USER_PROGRAM(name, id) per embedded ELF (the symbols come from the
// generated programs.S).
#define USER_PROGRAM(name, id) \
  extern "C" const uint8_t user_image_##id##_start[], user_image_##id##_end[];
#include "programs_table.inc"
#undef USER_PROGRAM

namespace {

#define USER_PROGRAM(name, id) {name, user_image_##id##_start, user_image_##id##_end},
const Program kPrograms[] = {
#include "programs_table.inc"
};
#undef USER_PROGRAM

}  // namespace

const Program* program_find(const char* name) {
  for (const Program& p : kPrograms) {
    if (Str(p.name) == Str(name)) return &p;
  }
  return nullptr;
}
