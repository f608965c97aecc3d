// case=none: nothing hostile, both round trips. What the host test boots
// first to learn the VMM's memory when no guest misbehaves.
//   hostile: none: uart=0|1 net_arp=0|1 shm0_arp=0|1|absent
#include "cases.h"
#include "report.h"
#include "still_working.h"

namespace hg {

void case_none(Env& env) {
  StillWorking after = check_still_working(env);
  Line line("none");
  finish(line, after);
}

}  // namespace hg
