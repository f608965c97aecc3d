// Loading the user programs: static ELF64 x86-64 executables (ELF-64 Object
// File Format 1.5; System V ABI AMD64 supplement), linked at fixed
// addresses in user space (user/user.ld).
#pragma once

#include <stddef.h>
#include <stdint.h>

struct AddressSpace;

// Adds one region per PT_LOAD segment to as (rights from p_flags), copies
// the file bytes, leaves the rest demand-zero. 0 and *entry, or -ENOEXEC
// (not a valid executable) / -ENOMEM.
int64_t elf_load(AddressSpace* as, const uint8_t* image, size_t size, uint64_t* entry);
