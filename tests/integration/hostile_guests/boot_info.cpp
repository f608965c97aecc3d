#include "boot_info.h"

#include "hw.h"

namespace hg {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Position of `c` in text[0, length), or length.
uint32_t index_of(const char* text, uint32_t length, char c) {
  uint32_t i = 0;
  while (i < length && text[i] != c) ++i;
  return i;
}

bool parse_hex(const char* text, uint32_t length, uint64_t* out) {
  if (length == 0 || length > 16) return false;
  uint64_t v = 0;
  for (uint32_t i = 0; i < length; ++i) {
    char c = text[i];
    uint32_t digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else return false;
    v = (v << 4) | digit;
  }
  *out = v;
  return true;
}

// SIZE@ADDR, the part both device words share (ADDR's end at `length`).
bool parse_size_at(const char* text, uint32_t length, uint64_t* size, uint64_t* addr) {
  uint32_t at = index_of(text, length, '@');
  return at < length && parse_size(text, at, size) && parse_size(text + at + 1, length - at - 1, addr);
}

// The memmap's RAM entry holding the image (loaded at 1 MiB).
uint64_t ram_end_from_memmap(const platform::HvmStartInfo* si) {
  if (si->version < 1 || si->memmap_paddr == 0) return 0;
  const auto* entries = phys<const platform::HvmMemmapEntry>(si->memmap_paddr);
  for (uint32_t i = 0; i < si->memmap_entries && i < 128; ++i) {
    const platform::HvmMemmapEntry& e = entries[i];
    if (e.type == platform::kE820Ram && e.addr <= platform::kKernelLoadGpa &&
        e.addr + e.size > platform::kKernelLoadGpa)
      return e.addr + e.size;
  }
  return 0;
}

}  // namespace

bool find_word(const char* cmdline, const char* key, const char** value, uint32_t* length) {
  uint32_t key_length = 0;
  while (key[key_length]) ++key_length;
  for (const char* p = cmdline; *p;) {
    while (is_space(*p)) ++p;
    const char* word = p;
    while (*p && !is_space(*p)) ++p;
    uint32_t word_length = static_cast<uint32_t>(p - word);
    bool match = word_length > key_length && word[key_length] == '=';
    for (uint32_t i = 0; match && i < key_length; ++i) match = word[i] == key[i];
    if (match) {
      *value = word + key_length + 1;
      *length = word_length - key_length - 1;
      return true;
    }
  }
  return false;
}

bool parse_size(const char* text, uint32_t length, uint64_t* out) {
  if (length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    return parse_hex(text + 2, length - 2, out);
  uint64_t v = 0;
  uint32_t i = 0;
  for (; i < length && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (v > (uint64_t{1} << 40)) return false;
    v = v * 10 + static_cast<uint32_t>(text[i] - '0');
  }
  if (i == 0) return false;
  if (i + 1 == length) {
    char suffix = text[i];
    uint32_t shift = suffix == 'K' || suffix == 'k' ? 10 : suffix == 'M' || suffix == 'm' ? 20
                   : suffix == 'G' || suffix == 'g' ? 30 : 0;
    if (shift == 0) return false;
    v <<= shift;
  } else if (i != length) {
    return false;
  }
  *out = v;
  return true;
}

bool read_boot_info(const platform::HvmStartInfo* si, BootInfo* out) {
  if (si == nullptr || si->magic != platform::kHvmStartMagic) return false;
  if (si->cmdline_paddr != 0 && si->cmdline_paddr < 0xffffffffull)
    out->cmdline = phys<const char>(si->cmdline_paddr);
  out->ram_end = ram_end_from_memmap(si);
  const char* value;
  uint32_t length;
  if (find_word(out->cmdline, "case", &value, &length)) {
    uint32_t n = length < sizeof out->case_name - 1 ? length : sizeof out->case_name - 1;
    for (uint32_t i = 0; i < n; ++i) out->case_name[i] = value[i];
  }
  bool ok = true;
  if (find_word(out->cmdline, "virtio_mmio.device", &value, &length)) {
    uint64_t size;
    // ":GSI" follows ADDR; the guest polls and never takes the interrupt.
    ok = parse_size_at(value, index_of(value, length, ':'), &size, &out->virtio_base) && ok;
  }
  if (find_word(out->cmdline, "shmem", &value, &length))
    ok = parse_size_at(value, length, &out->shmem_size, &out->shmem_base) && ok;
  return ok;
}

}  // namespace hg
