// A fresh mode-0700 directory under the system temp dir, removed with
// everything in it when the owner goes away.
#pragma once

#include <memory>
#include <string>

#include "hv/core/result.h"

namespace vmm::bench {

class PrivateTempDir {
 public:
  // `prefix` starts the directory's name, e.g. "vmm-qemu-".
  static Result<std::unique_ptr<PrivateTempDir>> create(const std::string& prefix);
  ~PrivateTempDir();
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit PrivateTempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace vmm::bench
