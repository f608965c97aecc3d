// RAII owner of one file descriptor (/dev/kvm, a VM, a vCPU, a stats fd).
// Closing is the destructor's job, so no early return can leak an fd.
#pragma once

namespace vmm {

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int release();
  void reset();

 private:
  int fd_ = -1;
};

}  // namespace vmm
