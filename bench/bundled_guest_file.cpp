#include "bench/bundled_guest_file.h"

#include <fstream>

namespace vmm::bench {

Result<GuestImageFile> GuestImageFile::write(std::span<const uint8_t> image) {
  auto dir = PrivateTempDir::create("vmm-bench-guest-");
  if (!dir) return make_error("cannot write the bundled guest: " + dir.error().message);
  std::string path = (*dir)->path() + "/guest.elf";
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(image.data()), static_cast<std::streamsize>(image.size()));
  out.close();
  if (!out) return make_error("cannot write the bundled guest to " + path);
  return GuestImageFile(std::move(*dir), std::move(path));
}

}  // namespace vmm::bench
