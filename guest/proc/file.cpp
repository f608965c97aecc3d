#include "proc/file.h"

#include "mm/kheap.h"
#include <new>

#include "lib/kstring.h"
#include "uapi/errno.h"

namespace {

File g_console{FileKind::kConsole, 1, 0, -1, 0, {}};

bool valid_fd(int fd) { return fd >= 0 && fd < kMaxFds; }


WaitQueue g_poll_queue;
void (*g_socket_closer)(File*);  // netglue's net_socket_closed

}  // namespace

WaitQueue& file_poll_queue() { return g_poll_queue; }

File* console_file() { return &g_console; }

File* file_new_socket(net::SocketId socket, int sock_type, uint32_t status_flags) {
  void* block = kheap::allocate(sizeof(File));
  if (block == nullptr) return nullptr;
  File* f = new (block) File();
  f->kind = FileKind::kSocket;
  f->refs = 1;
  f->status_flags = status_flags & kONonblock;
  f->socket = socket;
  f->sock_type = sock_type;
  return f;
}

void file_set_socket_closer(void (*close)(File* f)) { g_socket_closer = close; }

void file_get(File* f) {
  if (f != &g_console) __atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

void file_put(File* f) {
  if (f == &g_console) return;
  if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
  if (f->kind == FileKind::kSocket) g_socket_closer(f);
  f->~File();
  kheap::release(f, sizeof(File));
}

FileTable* files_create() {
  void* block = kheap::allocate(sizeof(FileTable));
  if (block == nullptr) return nullptr;
  FileTable* t = new (block) FileTable();
  for (int fd = 0; fd < 3; ++fd) t->fds[fd] = console_file();
  return t;
}

FileTable* files_clone(FileTable* src) {
  FileTable* t = files_create();
  if (t == nullptr) return nullptr;
  SpinLocker lock(src->lock);
  for (int fd = 0; fd < kMaxFds; ++fd) {
    t->fds[fd] = src->fds[fd];
    t->close_on_exec[fd] = src->close_on_exec[fd];
    if (t->fds[fd]) file_get(t->fds[fd]);
  }
  return t;
}

void files_destroy(FileTable* t) {
  if (t == nullptr) return;
  for (File* f : t->fds) {
    if (f) file_put(f);
  }
  t->~FileTable();
  kheap::release(t, sizeof(FileTable));
}

void files_close_on_exec(FileTable* t) {
  for (int fd = 0; fd < kMaxFds; ++fd) {
    bool close;
    {
      SpinLocker lock(t->lock);
      close = t->fds[fd] != nullptr && t->close_on_exec[fd];
    }
    if (close) (void)fd_close(t, fd);
  }
}

int fd_install(FileTable* t, File* f, bool close_on_exec) {
  SpinLocker lock(t->lock);
  for (int fd = 0; fd < kMaxFds; ++fd) {
    if (t->fds[fd] != nullptr) continue;
    t->fds[fd] = f;
    t->close_on_exec[fd] = close_on_exec;
    return fd;
  }
  return -err::kMFile;
}

File* fd_get(FileTable* t, int fd) {
  if (!valid_fd(fd)) return nullptr;
  SpinLocker lock(t->lock);
  File* f = t->fds[fd];
  if (f) file_get(f);
  return f;
}

int fd_close(FileTable* t, int fd) {
  if (!valid_fd(fd)) return -err::kBadF;
  File* f;
  {
    SpinLocker lock(t->lock);
    f = t->fds[fd];
    if (f == nullptr) return -err::kBadF;
    t->fds[fd] = nullptr;
    t->close_on_exec[fd] = false;
  }
  file_put(f);  // outside the table lock: closing a socket takes the net lock
  return 0;
}
