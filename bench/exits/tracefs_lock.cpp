#include "bench/exits/tracefs_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace vmm::bench {

namespace {
std::mutex holder_mutex;
std::weak_ptr<TracefsLock> holder;  // this process's lock while anyone here holds it
}  // namespace

Result<std::shared_ptr<TracefsLock>> TracefsLock::take() {
  std::lock_guard guard(holder_mutex);
  if (auto held = holder.lock()) return held;
  int fd = open(kTracefsLockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(std::string("tracefs: cannot open the lock ") + kTracefsLockPath + ": " + std::strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    close(fd);
    if (error == EWOULDBLOCK)
      return make_error(std::string("tracefs: another process is tracing (") + kTracefsLockPath + " is locked)");
    return make_error(std::string("tracefs: cannot lock ") + kTracefsLockPath + ": " + std::strerror(error));
  }
  std::shared_ptr<TracefsLock> lock(new TracefsLock(fd));
  holder = lock;
  return lock;
}

TracefsLock::~TracefsLock() { close(fd_); }  // closing the descriptor releases the flock

}  // namespace vmm::bench
