#include "vmm/seccomp/install.h"

#include <linux/seccomp.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vmm::seccomp {

Result<void> install_on_this_thread(const BpfProgram& program) {
  if (program.empty()) return make_error("no filter program to install");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return make_error(std::string("prctl(PR_SET_NO_NEW_PRIVS): ") + std::strerror(errno));
  sock_fprog fprog{};
  fprog.len = static_cast<unsigned short>(program.instructions().size());
  // The kernel copies the program; it never writes through this pointer.
  fprog.filter = const_cast<sock_filter*>(program.instructions().data());
  // prctl rather than seccomp(2): no flags are needed (no TSYNC: each thread
  // has its own filter), and it works on every kernel that has filters.
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) != 0)
    return make_error(std::string("prctl(PR_SET_SECCOMP): ") + std::strerror(errno));
  return ok();
}

}  // namespace vmm::seccomp
