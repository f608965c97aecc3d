// The user programs linked into the kernel image: each is a separate ELF
// (built from guest/user/) embedded by programs.S.
#pragma once

#include <stddef.h>
#include <stdint.h>

struct Program {
  const char* name;
  const uint8_t* image;
  const uint8_t* image_end;
  size_t size() const { return static_cast<size_t>(image_end - image); }
};

// The program with this name, or nullptr.
const Program* program_find(const char* name);
