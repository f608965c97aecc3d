// read and write: on the console (fds 0, 1, 2 of a new process) and on
// sockets (sys_sockio.cpp).
#include "arch/x86/include/layout.h"
#include "dev/tty.h"
#include "kernel/console.h"
#include "mm/aspace.h"
#include "mm/uaccess.h"
#include "proc/file.h"
#include "proc/process.h"
#include "sys/sys_socket.h"
#include "sys/syscall.h"
#include "uapi/abi.h"
#include "uapi/errno.h"

namespace {
constexpr size_t kChunk = 256;  // bytes per copy (kernel stack buffer)


// write(fd, buf, count)
// The kind of file fd names: 0 console, 1 socket, -EBADF.
int file_kind(uint64_t fd) {
  if (fd >= static_cast<uint64_t>(kMaxFds)) return -err::kBadF;
  File* f = fd_get(current_process()->files, static_cast<int>(fd));
  if (f == nullptr) return -err::kBadF;
  int kind = f->kind == FileKind::kSocket ? 1 : 0;
  file_put(f);
  return kind;
}

}  // namespace

int64_t sys_write(const SyscallArgs& a) {
  int kind = file_kind(a.a0);
  if (kind < 0) return kind;
  if (kind == 1) return socket_write(a.a0, a.a1, a.a2);
  uint64_t buf = a.a1, count = a.a2;
  if (!layout::is_user_range(buf, count)) return -err::kFault;
  char chunk[kChunk];
  uint64_t done = 0;
  while (done < count) {
    size_t n = count - done < kChunk ? count - done : kChunk;
    if (copy_from_user(chunk, buf + done, n) < 0) {
      return done ? static_cast<int64_t>(done) : -err::kFault;
    }
    console_write(chunk, n);
    done += n;
  }
  return static_cast<int64_t>(done);
}

// read(fd, buf, count): blocks until there is input. The whole buffer is
// checked first, so a bad one fails at once rather than after the wait.
int64_t sys_read(const SyscallArgs& a) {
  int kind = file_kind(a.a0);
  if (kind < 0) return kind;
  if (kind == 1) return socket_read(a.a0, a.a1, a.a2);
  uint64_t buf = a.a1, count = a.a2;
  if (count == 0) return 0;
  if (!aspace::range_permits(current_process()->as, buf, count, uabi::kProtWrite)) {
    return -err::kFault;
  }
  char chunk[kChunk];
  int64_t n = tty_read(chunk, count < kChunk ? count : kChunk);
  if (n < 0) return n;
  if (copy_to_user(buf, chunk, static_cast<size_t>(n)) < 0) return -err::kFault;
  return n;
}
