#include "bench/qemu/private_temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vmm::bench {

Result<std::unique_ptr<PrivateTempDir>> PrivateTempDir::create(const std::string& prefix) {
  std::error_code ec;
  auto base = std::filesystem::temp_directory_path(ec);
  if (ec) return make_error("no temp directory: " + ec.message());
  std::string path = (base / (prefix + "XXXXXX")).string();
  if (mkdtemp(path.data()) == nullptr)
    return make_error("cannot create a temp directory " + path + ": " + std::strerror(errno));
  return std::unique_ptr<PrivateTempDir>(new PrivateTempDir(std::move(path)));
}

PrivateTempDir::~PrivateTempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace vmm::bench
