#include "programs.h"

#include "kstring.h"

#define USER_IMAGE(id) \
  extern "C" const uint8_t user_image_##id##_start[], user_image_##id##_end[];
USER_IMAGE(selftest)
USER_IMAGE(panic_test)
USER_IMAGE(smap_test)
USER_IMAGE(echo)
USER_IMAGE(readline)
#undef USER_IMAGE

namespace {

#define ENTRY(name, id) \
  { name, user_image_##id##_start, user_image_##id##_end }

const Program kPrograms[] = {
    ENTRY("selftest", selftest),
    ENTRY("panic-test", panic_test),
    ENTRY("smap-test", smap_test),
    ENTRY("echo", echo),
    ENTRY("readline", readline),
};
#undef ENTRY

}  // namespace

const Program* program_find(const char* name) {
  for (const Program& p : kPrograms) {
    if (Str(p.name) == Str(name)) return &p;
  }
  return nullptr;
}
