// Checks of memory protection, user pointers and paging.
#include "selftest.h"

namespace selftest {
namespace {

constexpr long kPage = 4096;
// A canonical user address no region covers.
constexpr long kUnmapped = 0x00006f0000000000;
// The kernel image (arch/x86/include/layout.h KERNEL_VMA + 1 MiB): mapped, supervisor-only.
constexpr long kKernel = static_cast<long>(0xffffffff80100000);
constexpr long kUserTop = 0x00007ffffffff000;

template <typename T>
T* at(long addr) {
  return reinterpret_cast<T*>(addr);
}

int read_kernel() {
  volatile uint8_t v = *at<volatile uint8_t>(kKernel);
  (void)v;
  return 0;  // reached only if the load did not fault
}

int read_null() {
  volatile int v = *at<volatile int>(0);
  (void)v;
  return 0;
}

uint8_t* map(size_t len, int prot = uabi::kProtRead | uabi::kProtWrite) {
  void* p = u::mmap(len, prot);
  return u::is_error(p) ? nullptr : static_cast<uint8_t*>(p);
}

constexpr long kLarge = 2l << 20;  // big enough for a 2 MiB page

// In a 2 MiB mapping, the child writes one page: the parent must not see it.
uint8_t* g_large;
int large_cow_child() {
  g_large[5 * kPage] = 'B';
  return g_large[5 * kPage] == 'B' && g_large[6 * kPage] == 'A' ? 0 : 13;
}

}  // namespace

// write() from addresses the kernel cannot read on the caller's behalf.
bool efault_write() {
  struct Case {
    const char* what;
    long addr;
    long len;
  } cases[] = {
      {"unmapped buffer", kUnmapped, 16},
      {"kernel buffer", kKernel, 16},
      {"buffer crossing the top of user space", kUserTop - 8, 16},
  };
  for (const Case& c : cases) {
    long r = u::write(1, at<void>(c.addr), c.len);
    if (r != -err::kFault) return fail("write from %s returned %ld, not -EFAULT", c.what, r);
  }
  uint8_t* p = map(2 * kPage);
  if (!p || u::munmap(p + kPage, kPage) != 0) return fail("mmap/munmap failed");
  long r = u::write(1, p + kPage - 4, 8);  // the copy faults half way
  if (r != -err::kFault) return fail("write across an unmapped page returned %ld", r);
  return true;
}

// read() into memory the caller may not write, and a copy-out to a
// read-only page that faults inside the kernel's copy routine.
bool efault_read() {
  uint8_t* ro = map(kPage, uabi::kProtRead);
  if (!ro) return fail("mmap failed");
  volatile uint8_t touch = ro[0];  // now present, still read-only
  (void)touch;
  struct Case {
    const char* what;
    long addr;
  } cases[] = {{"kernel address", kKernel}, {"read-only page", reinterpret_cast<long>(ro)},
               {"unmapped address", kUnmapped}};
  for (const Case& c : cases) {
    long r = u::read(0, at<void>(c.addr), 16);
    if (r != -err::kFault) return fail("read into %s returned %ld, not -EFAULT", c.what, r);
  }
  long r = u::syscall(sys::kClockGettime, uabi::kClockMonotonic, reinterpret_cast<long>(ro));
  if (r != -err::kFault) return fail("clock_gettime into a read-only page returned %ld", r);
  return true;
}

bool user_reads_kernel() {
  int status = in_child(read_kernel);
  if (!killed_by_segv(status)) return fail("child status 0x%x, not SIGSEGV", status);
  if (u::getpid() <= 0) return fail("the parent did not survive");
  return true;
}

bool null_deref() {
  int status = in_child(read_null);
  if (!killed_by_segv(status)) return fail("child status 0x%x, not SIGSEGV", status);
  return true;
}

// 64 MiB, touched page by page: every page arrives zeroed on first touch.
bool demand_paging() {
  constexpr long kSize = 64l << 20;
  uint8_t* p = map(kSize);
  if (!p) return fail("mmap of 64 MiB failed");
  for (long off = 0; off < kSize; off += kPage) {
    auto* word = reinterpret_cast<volatile uint64_t*>(p + off);
    if (word[1] != 0) return fail("page at +0x%lx not zero on first touch", off);
    word[0] = static_cast<uint64_t>(off) ^ 0x5a5a5a5a;
  }
  for (long off = 0; off < kSize; off += kPage) {
    if (*reinterpret_cast<uint64_t*>(p + off) != (static_cast<uint64_t>(off) ^ 0x5a5a5a5a)) {
      return fail("page at +0x%lx lost its value", off);
    }
  }
  if (u::munmap(p, kSize) != 0) return fail("munmap failed");
  return true;
}

namespace {

uint8_t* g_cow_pages;
int g_cow_global = 1;

bool filled(const uint8_t* p, uint8_t v) {
  for (long i = 0; i < kPage; ++i) {
    if (p[i] != v) return false;
  }
  return true;
}

void fill(uint8_t* p, uint8_t v) {
  for (long i = 0; i < kPage; ++i) p[i] = v;
}

// The child: must not see the parent's write to page 0, and writes page 1.
int cow_child() {
  u::sleep_ns(20'000'000);  // the parent writes page 0 meanwhile
  if (!filled(g_cow_pages, 'A')) return 10;
  if (g_cow_global != 1) return 11;
  fill(g_cow_pages + kPage, 'B');
  g_cow_global = 2;
  if (!filled(g_cow_pages + kPage, 'B')) return 12;
  return 0;
}

}  // namespace

// fork duplicates the address space copy-on-write: both sides diverge on
// write, in mmap'd memory and in the program's data.
bool cow() {
  g_cow_pages = map(2 * kPage);
  if (!g_cow_pages) return fail("mmap failed");
  fill(g_cow_pages, 'A');
  fill(g_cow_pages + kPage, 'A');
  long pid = u::fork();
  if (pid == 0) u::exit(cow_child());
  if (pid < 0) return fail("fork returned %ld", pid);
  fill(g_cow_pages, 'C');
  int status = 0;
  if (u::wait(pid, &status) != pid) return fail("wait4 failed");
  if (!uabi::wifexited(status) || uabi::wexitstatus(status) != 0) {
    return fail("child saw the parent's writes (status 0x%x)", status);
  }
  if (!filled(g_cow_pages + kPage, 'A')) return fail("the child's write reached the parent");
  if (g_cow_global != 1) return fail("the child's write to .data reached the parent");
  if (!filled(g_cow_pages, 'C')) return fail("the parent lost its own write");
  g_large = map(kLarge);
  if (!g_large) return fail("mmap of 2 MiB failed");
  for (long off = 0; off < kLarge; off += kPage) g_large[off] = 'A';
  status = in_child(large_cow_child);
  if (status < 0 || !uabi::wifexited(status) || uabi::wexitstatus(status) != 0) {
    return fail("child of a 2 MiB mapping: status 0x%x", status);
  }
  if (g_large[5 * kPage] != 'A') return fail("the child's write reached the parent's 2 MiB mapping");
  g_large[5 * kPage] = 'C';  // the parent's own copy-on-write
  if (g_large[5 * kPage] != 'C' || g_large[4 * kPage] != 'A') return fail("the parent's write went wrong");
  return true;
}

namespace {

uint8_t* g_unmapped_page;
int touch_unmapped() {
  volatile uint8_t v = *g_unmapped_page;
  (void)v;
  return 0;
}

}  // namespace

// munmap really unmaps (also one page out of a 2 MiB page); mmap rejects
// what it does not support.
bool munmap_check() {
  g_unmapped_page = map(kPage);
  if (!g_unmapped_page) return fail("mmap failed");
  g_unmapped_page[0] = 1;
  if (u::munmap(g_unmapped_page, kPage) != 0) return fail("munmap failed");
  if (!killed_by_segv(in_child(touch_unmapped))) return fail("a load after munmap did not fault");
  uint8_t* large = map(kLarge);
  if (!large) return fail("mmap of 2 MiB failed");
  for (long off = 0; off < kLarge; off += kPage) large[off] = 7;
  if (u::munmap(large + 3 * kPage, kPage) != 0) return fail("munmap inside a 2 MiB mapping failed");
  if (large[2 * kPage] != 7 || large[4 * kPage] != 7) return fail("munmap took the neighbours too");
  g_unmapped_page = large + 3 * kPage;
  if (!killed_by_segv(in_child(touch_unmapped))) return fail("the unmapped page is still there");
  long r = u::syscall6(sys::kMmap, 0, kPage, uabi::kProtRead, uabi::kMapShared | uabi::kMapAnonymous, -1, 0);
  if (r != -err::kInval) return fail("MAP_SHARED returned %ld, not -EINVAL", r);
  if (u::munmap(at<void>(kPage + 1), kPage) != -err::kInval) return fail("unaligned munmap accepted");
  return true;
}

// Copies into and out of pages never touched before: the fault inside the
// system call is resolved and the call succeeds.
bool nested_fault() {
  uint8_t* p = map(2 * kPage);
  if (!p) return fail("mmap failed");
  long r = u::syscall(sys::kClockGettime, uabi::kClockMonotonic, reinterpret_cast<long>(p));
  if (r != 0) return fail("clock_gettime into a fresh page returned %ld", r);
  if (reinterpret_cast<uabi::Timespec*>(p)->tv_nsec == 0 && reinterpret_cast<uabi::Timespec*>(p)->tv_sec == 0) {
    return fail("clock_gettime wrote nothing");
  }
  r = u::syscall(sys::kNanosleep, reinterpret_cast<long>(p + kPage), 0);  // a zero timespec
  if (r != 0) return fail("nanosleep from a fresh page returned %ld", r);
  return true;
}

}  // namespace selftest
