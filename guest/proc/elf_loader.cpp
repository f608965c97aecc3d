#include "proc/elf_loader.h"

#include "arch/x86/include/layout.h"
#include "lib/kstring.h"
#include "mm/aspace.h"
#include "uapi/abi.h"
#include "uapi/errno.h"

namespace {

struct Ehdr {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version;
  uint64_t entry, phoff, shoff;
  uint32_t flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
static_assert(sizeof(Ehdr) == 64);

struct Phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
static_assert(sizeof(Phdr) == 56);

constexpr uint8_t kClass64 = 2;     // ELFCLASS64
constexpr uint8_t kLittle = 1;      // ELFDATA2LSB
constexpr uint16_t kExec = 2;       // ET_EXEC
constexpr uint16_t kX86_64 = 62;    // EM_X86_64
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPfX = 1, kPfW = 2, kPfR = 4;

bool header_ok(const Ehdr& h, size_t size) {
  return memcmp(h.ident, "\x7f" "ELF", 4) == 0 && h.ident[4] == kClass64 &&
         h.ident[5] == kLittle && h.type == kExec && h.machine == kX86_64 &&
         h.phentsize == sizeof(Phdr) && h.phoff <= size &&
         h.phnum <= (size - h.phoff) / sizeof(Phdr);
}

uint32_t prot_of(uint32_t flags) {
  uint32_t prot = 0;
  if (flags & kPfR) prot |= uabi::kProtRead;
  if (flags & kPfW) prot |= uabi::kProtWrite | uabi::kProtRead;
  if (flags & kPfX) prot |= uabi::kProtExec | uabi::kProtRead;
  return prot;
}

int64_t load_segment(AddressSpace* as, const uint8_t* image, size_t size, const Phdr& p) {
  if (p.memsz == 0) return 0;  // e.g. an empty data segment: nothing to map
  if (p.filesz > p.memsz || p.offset > size || p.filesz > size - p.offset) return -err::kNoExec;
  if (p.vaddr < layout::kUserBase || !layout::is_user_range(p.vaddr, p.memsz)) return -err::kNoExec;
  if (!aspace::add_region(as, p.vaddr, p.memsz, prot_of(p.flags)).is_ok()) {
    return -err::kNoExec;  // overlapping segments, or too many
  }
  if (!aspace::write_bytes(as, p.vaddr, image + p.offset, p.filesz)) return -err::kNoMem;
  return 0;
}

}  // namespace

int64_t elf_load(AddressSpace* as, const uint8_t* image, size_t size, uint64_t* entry) {
  if (size < sizeof(Ehdr)) return -err::kNoExec;
  Ehdr h;
  memcpy(&h, image, sizeof(h));
  if (!header_ok(h, size)) return -err::kNoExec;
  for (uint16_t i = 0; i < h.phnum; ++i) {
    Phdr p;
    memcpy(&p, image + h.phoff + i * sizeof(Phdr), sizeof(p));
    if (p.type != kPtLoad) continue;
    if (int64_t r = load_segment(as, image, size, p); r < 0) return r;
  }
  if (!layout::is_user_address(h.entry) || h.entry < layout::kUserBase) return -err::kNoExec;
  *entry = h.entry;
  return 0;
}
