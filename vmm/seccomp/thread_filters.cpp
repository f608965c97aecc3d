#include "vmm/seccomp/thread_filters.h"

#include <time.h>
#include <unistd.h>

#include <string>

#include "vmm/seccomp/install.h"

namespace vmm::seccomp {

void settle_lazy_libc_state() { tzset(); }

Result<ThreadFilters> ThreadFilters::compile() {
  settle_lazy_libc_state();
  PolicyContext context{static_cast<int64_t>(getpid())};
  std::vector<BpfProgram> programs;
  for (ThreadKind kind : kAllThreadKinds) programs.push_back(VMM_TRY(build_filter(policy_for(kind, context))));
  return ThreadFilters(std::move(programs));
}

Result<void> ThreadFilters::install(ThreadKind kind) const {
  auto installed = install_on_this_thread(program(kind));
  if (!installed.ok())
    return make_error("seccomp filter for " + std::string(thread_kind_name(kind)) + " threads: " +
                      installed.error().message);
  return ok();
}

}  // namespace vmm::seccomp
