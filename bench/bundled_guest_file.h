// The guest vmm-bench measures when no --guest is given: the bundled guest
// embedded in vmm-bench itself (vmm/app/bundled_guest.h, the same bytes the
// vmm binary of the same build embeds), written to a private temp file so
// that both vmm and QEMU can be given one path. No build tree or installed
// copy needs a guest.elf beside its binaries.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "bench/qemu/private_temp_dir.h"
#include "hv/core/result.h"

namespace vmm::bench {

class GuestImageFile {
 public:
  // Writes `image` to guest.elf in a fresh private directory, removed with
  // this object.
  static Result<GuestImageFile> write(std::span<const uint8_t> image);

  const std::string& path() const { return path_; }

 private:
  GuestImageFile(std::unique_ptr<PrivateTempDir> dir, std::string path)
      : dir_(std::move(dir)), path_(std::move(path)) {}
  std::unique_ptr<PrivateTempDir> dir_;
  std::string path_;
};

}  // namespace vmm::bench
