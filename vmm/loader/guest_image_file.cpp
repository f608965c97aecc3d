#include "vmm/loader/guest_image_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "abi/platform.h"

namespace vmm {

namespace {

// Owns one file descriptor; closes it on every path out.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// A kernel larger than low RAM could never be entered in 32-bit mode; the
// bound also keeps a mistaken path from allocating gigabytes.
constexpr uint64_t kMaxImageSize = platform::kLowRamLimit;

Error image_error(const std::string& path, const std::string& what) {
  return make_error("guest image '" + path + "': " + what);
}

Error errno_error(const std::string& path, const char* action) {
  return image_error(path, std::string(action) + ": " + std::strerror(errno));
}

Result<void> read_fully(int fd, const std::string& path, std::vector<uint8_t>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(path, "cannot read");
    if (n == 0) return image_error(path, "file shrank while being read");
    done += static_cast<size_t>(n);
  }
  return ok();
}

}  // namespace

Result<std::vector<uint8_t>> read_guest_image(const std::string& path) {
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno_error(path, "cannot open");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return errno_error(path, "cannot stat");
  if (!S_ISREG(st.st_mode)) return image_error(path, "not a regular file");
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size == 0) return image_error(path, "file is empty");
  if (size > kMaxImageSize) return image_error(path, "file is larger than 3 GiB");
  std::vector<uint8_t> bytes(size);
  VMM_TRY_VOID(read_fully(fd.get(), path, bytes));
  return bytes;
}

}  // namespace vmm
