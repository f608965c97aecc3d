#include "vmm/loader/start_info.h"

#include <vector>

namespace vmm {

namespace {

// The three blocks share the boot page below 1 MiB; this layout must hold
// for the fixed addresses to be safe.
static_assert(platform::kStartInfoGpa + sizeof(platform::HvmStartInfo) <= platform::kMemmapGpa);
static_assert(platform::kMemmapGpa +
                  platform::kMemmapMaxEntries * sizeof(platform::HvmMemmapEntry) <=
              platform::kCmdlineGpa);
static_assert(platform::kCmdlineGpa + platform::kCmdlineMax <= platform::kLegacyHoleStart);

Result<void> check_cmdline(const std::string& cmdline) {
  if (cmdline.size() > platform::kCmdlineMax - 1)
    return make_error("kernel command line is " + std::to_string(cmdline.size()) +
                      " bytes; at most " + std::to_string(platform::kCmdlineMax - 1) + " fit");
  if (cmdline.find('\0') != std::string::npos)
    return make_error("kernel command line contains a NUL byte");
  return ok();
}

Result<void> check_memmap(std::span<const platform::HvmMemmapEntry> e820) {
  if (e820.size() > platform::kMemmapMaxEntries)
    return make_error("guest memory map has " + std::to_string(e820.size()) +
                      " entries; at most " + std::to_string(platform::kMemmapMaxEntries) + " fit");
  return ok();
}

Result<void> write_cmdline(const GuestMemory& memory, const std::string& cmdline) {
  std::span<const uint8_t> with_nul(reinterpret_cast<const uint8_t*>(cmdline.c_str()),
                                    cmdline.size() + 1);
  return memory.write(platform::kCmdlineGpa, with_nul);
}

Result<void> write_memmap(const GuestMemory& memory,
                          std::span<const platform::HvmMemmapEntry> e820) {
  if (e820.empty()) return ok();  // memcpy from a null span is undefined
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(e820.data()), e820.size_bytes());
  return memory.write(platform::kMemmapGpa, bytes);
}

platform::HvmStartInfo start_info_for(uint64_t rsdp_gpa, size_t memmap_entries) {
  platform::HvmStartInfo info{};
  info.magic = platform::kHvmStartMagic;
  info.version = 1;  // version 1 adds memmap_paddr / memmap_entries
  info.cmdline_paddr = platform::kCmdlineGpa;
  info.rsdp_paddr = rsdp_gpa;
  info.memmap_paddr = platform::kMemmapGpa;
  info.memmap_entries = static_cast<uint32_t>(memmap_entries);
  return info;
}

}  // namespace

Result<void> write_start_info(const GuestMemory& memory, const std::string& cmdline,
                              uint64_t rsdp_gpa, std::span<const platform::HvmMemmapEntry> e820) {
  VMM_TRY_VOID(check_cmdline(cmdline));
  VMM_TRY_VOID(check_memmap(e820));
  VMM_TRY_VOID(write_cmdline(memory, cmdline));
  VMM_TRY_VOID(write_memmap(memory, e820));
  return memory.write_obj(platform::kStartInfoGpa, start_info_for(rsdp_gpa, e820.size()));
}

}  // namespace vmm
