#include "bench/exits/cause_stack.h"

#include <cmath>

namespace vmm::bench {

namespace {

double drawable(double value) { return std::isfinite(value) && value > 0 ? value : 0; }

}  // namespace

CauseStack cause_stack(const CallResult& result) {
  CauseStack stack;
  double measured = 0;
  if (result.attribution) {
    for (const auto& figure : result.attribution->causes) {
      if (!figure.per_call) {
        stack.unmeasured.emplace_back(figure.cause, figure.note);
        continue;
      }
      stack.segments.push_back({figure.cause, drawable(*figure.per_call), false});
      measured += drawable(*figure.per_call);
    }
  }
  if (!result.kvm_exits_all) return stack;
  stack.total = drawable(*result.kvm_exits_all);
  double rest = *stack.total - measured;
  if (rest > 1e-9 || !stack.unmeasured.empty())
    stack.segments.push_back({kUnattributedCause, std::max(rest, 0.0), !stack.unmeasured.empty()});
  return stack;
}

}  // namespace vmm::bench
