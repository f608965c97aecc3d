#include "proc/process.h"

#include "lib/kstring.h"
#include "lib/spinlock.h"
#include "mm/aspace.h"
#include "proc/file.h"
#include "sched/sched.h"
#include "sched/thread.h"
#include "uapi/abi.h"
#include "uapi/errno.h"

namespace {

// Guards the process and thread tables: states, parent links, slots.
constinit SpinLock g_lock;
Process g_procs[kMaxProcesses];
Process* g_init;
void (*g_init_exit)(Process*, int);
void (*g_end_hook)(Process*);

// The process table lock must be held.
void free_threads_of(Process* p) {
  for (Thread& t : g_threads) {
    if (t.proc == p && t.state != ThreadState::kFree) thread_free(&t);
  }
}

void free_process_locked(Process* p) {
  free_threads_of(p);
  p->state = ProcessState::kFree;
}

// Children of a process that ends: zombies are reaped, the rest orphaned.
void disown_children_locked(Process* p) {
  for (Process& c : g_procs) {
    if (c.parent != p || c.state == ProcessState::kFree) continue;
    c.parent = nullptr;
    if (c.state == ProcessState::kZombie) free_process_locked(&c);
  }
}

bool matches(const Process& c, const Process* self, int64_t pid) {
  return c.state != ProcessState::kFree && c.parent == self &&
         (pid == -1 || static_cast<int64_t>(c.pid) == pid);
}

// One look at self's children: reaps a zombie (true, *result = its pid), or
// finds none that could ever match (true, -ECHILD), or false.
bool try_reap(Process* self, int64_t pid, int* status, int64_t* result) {
  SpinLocker lock(g_lock);
  bool any = false;
  for (Process& c : g_procs) {
    if (!matches(c, self, pid)) continue;
    any = true;
    if (c.state != ProcessState::kZombie) continue;
    *status = c.wait_status;
    *result = c.pid;
    free_process_locked(&c);
    return true;
  }
  if (!any) *result = -err::kChild;
  return !any;
}

}  // namespace

Process* process_create(Process* parent, const char* name, AddressSpace* as,
                        FileTable* files_from) {
  FileTable* files = files_from ? files_clone(files_from) : files_create();
  if (files == nullptr) return nullptr;
  SpinLocker lock(g_lock);
  for (Process& p : g_procs) {
    if (p.state != ProcessState::kFree) continue;
    p.state = ProcessState::kAlive;
    p.pid = alloc_id();
    p.parent = parent;
    p.as = as;
    p.files = files;
    size_t n = strlen(name);
    if (n >= kProcessNameLen) n = kProcessNameLen - 1;
    memcpy(p.name, name, n);
    p.name[n] = '\0';
    p.live_threads = 0;
    p.exiting = false;
    p.wait_status = 0;
    p.unfinished_threads = 0;
    p.child_queue = WaitQueue();
    return &p;
  }
  files_destroy(files);
  return nullptr;
}

void process_discard(Process* p) {
  aspace::put(p->as);
  files_destroy(p->files);
  p->files = nullptr;
  SpinLocker lock(g_lock);
  p->state = ProcessState::kFree;
}

Process* current_process() { return current_thread()->proc; }

void process_kill(Process* p, int wait_status) {
  SpinLocker lock(g_lock);
  if (!p->exiting) {
    p->exiting = true;
    p->wait_status = wait_status;
  }
  for (Thread& t : g_threads) {
    if (t.proc != p || t.state == ThreadState::kFree || t.exited) continue;
    __atomic_store_n(&t.killed, true, __ATOMIC_RELEASE);
    sched_kick(&t);
  }
}

void process_thread_added(Process* p) {
  SpinLocker lock(g_lock);
  p->live_threads++;
  __atomic_add_fetch(&p->unfinished_threads, 1, __ATOMIC_RELAXED);
}

void process_thread_exiting(Process* p) {
  if (__atomic_sub_fetch(&p->unfinished_threads, 1, __ATOMIC_ACQ_REL) != 0) return;
  // The last thread, in its own context with no scheduler lock held (closing
  // a socket takes the network lock and wakes threads). Before the parent
  // can hear of the end: a parent that waits for this child and then binds
  // its port finds it free, as on Linux.
  FileTable* files = __atomic_exchange_n(&p->files, nullptr, __ATOMIC_ACQ_REL);
  files_destroy(files);
  if (g_end_hook) g_end_hook(p);
}

void process_set_end_hook(void (*on_end)(Process* p)) { g_end_hook = on_end; }

void process_thread_gone(Process* p, int64_t exit_value) {
  Process* parent;
  int status;
  {
    SpinLocker lock(g_lock);
    if (--p->live_threads > 0) return;
    status = p->exiting ? p->wait_status : uabi::wait_exited_status(static_cast<int>(exit_value));
    p->wait_status = status;
    p->state = ProcessState::kZombie;
    disown_children_locked(p);
    parent = p->parent;
    if (parent == nullptr && p != g_init) free_process_locked(p);
  }
  if (p == g_init && g_init_exit) g_init_exit(p, status);
  if (parent) parent->child_queue.wake_all();
}

int64_t process_wait(Process* self, int64_t pid, int* status, bool nohang) {
  if (pid == 0 || pid < -1) return -err::kInval;  // process groups do not exist
  int64_t result = 0;
  if (nohang) {
    try_reap(self, pid, status, &result);
    return result;
  }
  WaitResult r = self->child_queue.wait([&] { return try_reap(self, pid, status, &result); });
  return r == WaitResult::kInterrupted ? -err::kIntr : result;
}

void process_set_init(Process* p, void (*on_exit)(Process*, int)) {
  g_init = p;
  g_init_exit = on_exit;
}
