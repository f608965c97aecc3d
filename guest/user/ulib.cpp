#include "ulib.h"

#include <stdarg.h>

#include "lib/format.h"

extern "C" [[noreturn]] void u_exit_group(int status) { u::exit(status); }

namespace u {
namespace {

struct Buffer {
  int fd;
  char data[512];
  size_t len;
};

void sink(char c, void* ctx) {
  auto* b = static_cast<Buffer*>(ctx);
  if (b->len == sizeof(b->data)) {
    write(b->fd, b->data, b->len);
    b->len = 0;
  }
  b->data[b->len++] = c;
}

void vdprintf(int fd, const char* fmt, va_list ap) {
  Buffer b;
  b.fd = fd;
  b.len = 0;
  vformat(sink, &b, fmt, ap);
  if (b.len) write(fd, b.data, b.len);
}

}  // namespace

// Where a thread made by thread_start begins (kernel: RDI = fn, RSI = arg).
extern "C" [[noreturn]] void u_thread_entry(ThreadFn fn, void* arg) { thread_exit(fn(arg)); }

void exit(int status) {
  syscall(sys::kExitGroup, status);
  __builtin_unreachable();
}

void thread_exit(long value) {
  syscall(sys::kExit, value);
  __builtin_unreachable();
}

void printf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vdprintf(1, fmt, ap);
  va_end(ap);
}

void dprintf(int fd, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vdprintf(fd, fmt, ap);
  va_end(ap);
}

void* mmap(size_t len, int prot) {
  long r = syscall6(sys::kMmap, 0, static_cast<long>(len), prot,
                    uabi::kMapPrivate | uabi::kMapAnonymous, -1, 0);
  return reinterpret_cast<void*>(r);
}

uint64_t now_ns() {
  uabi::Timespec ts;
  syscall(sys::kClockGettime, uabi::kClockMonotonic, arg(&ts));
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(ts.tv_nsec);
}

long sleep_ns(uint64_t ns) {
  uabi::Timespec ts{static_cast<int64_t>(ns / 1'000'000'000), static_cast<int64_t>(ns % 1'000'000'000)};
  return syscall(sys::kNanosleep, arg(&ts), 0);
}

int cpu() {
  uint32_t c = 0;
  syscall(sys::kGetcpu, arg(&c), 0, 0);
  return static_cast<int>(c);
}

int cpu_count() { return static_cast<int>(kdebug(uabi::kKdebugCpuCount)); }

long set_affinity(uint64_t mask) {
  return syscall(sys::kSchedSetaffinity, 0, sizeof(mask), arg(&mask));
}

uint64_t get_affinity() {
  uint64_t mask = 0;
  syscall(sys::kSchedGetaffinity, 0, sizeof(mask), arg(&mask));
  return mask;
}

long thread_start(Thread* t, ThreadFn fn, void* arg_ptr, size_t stack_size) {
  void* stack = mmap(stack_size, uabi::kProtRead | uabi::kProtWrite);
  if (is_error(stack)) return reinterpret_cast<long>(stack);
  // As if u_thread_entry had been called: RSP + 8 is 16-byte aligned.
  auto top = reinterpret_cast<long>(stack) + static_cast<long>(stack_size) - 8;
  long tid = syscall(sys::kThreadCreate, reinterpret_cast<long>(u_thread_entry), top,
                     reinterpret_cast<long>(fn), arg(arg_ptr));
  if (tid < 0) {
    munmap(stack, stack_size);
    return tid;
  }
  *t = {tid, stack, stack_size};
  return 0;
}

long thread_join(Thread* t, long* value) {
  long r = syscall(sys::kThreadJoin, t->tid, arg(value));
  if (r == 0) munmap(t->stack, t->stack_size);
  return r;
}

bool streq(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

long parse_long(const char* s) {
  long v = 0;
  bool neg = *s == '-';
  if (neg) ++s;
  while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
  return neg ? -v : v;
}

}  // namespace u
