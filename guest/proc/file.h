// Open files and each process's table of them. There are two kinds: the
// console (fds 0, 1, 2 of every new process) and sockets of the network
// stack. A File is shared by reference (fork copies the table, so parent
// and child share the same open sockets, as in Linux); the last reference
// closes it.
#pragma once

#include <stdint.h>

#include "lib/spinlock.h"
#include "net/socket_abi.h"
#include "sched/waitqueue.h"

enum class FileKind : uint8_t { kConsole, kSocket };

struct File {
  FileKind kind{};
  uint32_t refs{};     // atomic
  uint32_t status_flags{};  // O_NONBLOCK (fcntl F_GETFL/F_SETFL), atomic
  net::SocketId socket{-1};
  int sock_type{};  // net::kSockStream or kSockDgram: how send/recv treat it
  // Woken by the network stack when the socket's readiness may have
  // changed; a thread blocked in a call on this socket sleeps here.
  WaitQueue wait{};
};

inline constexpr uint32_t kONonblock = 0x800;  // O_NONBLOCK (asm-generic/fcntl.h)
inline constexpr int kMaxFds = 256;

struct FileTable {
  SpinLock lock{};
  File* fds[kMaxFds]{};
  bool close_on_exec[kMaxFds]{};
};

// Woken whenever any file's readiness may have changed (socket events,
// console input): poll and select sleep here, as they wait on several files
// at once.
WaitQueue& file_poll_queue();

// The console File (never freed).
File* console_file();
// A new socket File with one reference, or nullptr.
File* file_new_socket(net::SocketId socket, int sock_type, uint32_t status_flags);
// The network layer (netglue/, above this one) closes a socket File's
// socket when its last reference goes: it says how once, before the first
// socket exists (net_stack_init).
void file_set_socket_closer(void (*close)(File* f));
void file_get(File* f);
// Drops a reference; the last one closes the socket (socket_file_closed).
void file_put(File* f);
inline bool file_nonblocking(const File* f) {
  return (__atomic_load_n(&f->status_flags, __ATOMIC_RELAXED) & kONonblock) != 0;
}

// A table with the console on fds 0, 1 and 2; nullptr if out of memory.
FileTable* files_create();
// A copy sharing every open File (fork); nullptr if out of memory.
FileTable* files_clone(FileTable* t);
// Closes the fds marked close-on-exec (execve).
void files_close_on_exec(FileTable* t);
// Drops every File and frees the table (nullptr is ignored).
void files_destroy(FileTable* t);

// The lowest free fd now refers to f (the table takes over the caller's
// reference): the fd, or -EMFILE.
int fd_install(FileTable* t, File* f, bool close_on_exec);
// The File of fd with a new reference (file_put it), or nullptr.
File* fd_get(FileTable* t, int fd);
// 0 or -EBADF.
int fd_close(FileTable* t, int fd);
