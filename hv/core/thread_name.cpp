#include "hv/core/thread_name.h"

#include <pthread.h>

namespace vmm {

void name_this_thread(const std::string& name) {
  constexpr size_t kMaxLength = 15;  // TASK_COMM_LEN - 1
  // Failure only means the thread keeps its inherited name: nothing to report.
  (void)pthread_setname_np(pthread_self(), name.substr(0, kMaxLength).c_str());
}

}  // namespace vmm
