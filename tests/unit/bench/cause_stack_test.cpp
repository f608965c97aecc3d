// A bar of the exits chart: KVM's count per call cut into causes.
#include "bench/exits/cause_stack.h"

#include <gtest/gtest.h>

namespace vmm::bench {
namespace {

CallResult counted(std::optional<double> kvm, std::vector<CauseFigure> causes) {
  CallResult r;
  r.kvm_exits_all = kvm;
  if (!causes.empty()) r.attribution = ExitAttribution{"test", std::move(causes), std::nullopt, {}, 0, std::nullopt};
  return r;
}

double stack_sum(const CauseStack& stack) {
  double sum = 0;
  for (const auto& s : stack.segments) sum += s.per_call;
  return sum;
}

TEST(CauseStack, MeasuredCausesThenTheRestSumToKvmsCount) {
  auto stack = cause_stack(counted(5.0, {{"device", 1.0, "VMM counters", ""}, {"emulation batches", 3.5, "t", ""}}));
  ASSERT_EQ(stack.segments.size(), 3u);
  EXPECT_EQ(stack.segments[2].cause, kUnattributedCause);
  EXPECT_DOUBLE_EQ(stack.segments[2].per_call, 0.5);
  EXPECT_FALSE(stack.segments[2].holds_unmeasured);
  EXPECT_DOUBLE_EQ(stack_sum(stack), 5.0);
  EXPECT_TRUE(stack.unmeasured.empty());
}

TEST(CauseStack, FullyExplainedCountHasNoRest) {
  auto stack = cause_stack(counted(2.0, {{"device", 2.0, "VMM counters", ""}}));
  ASSERT_EQ(stack.segments.size(), 1u);
  EXPECT_DOUBLE_EQ(stack_sum(stack), 2.0);
}

TEST(CauseStack, UnmeasuredCausesAreNamedAndTheRestHoldsThem) {
  auto stack = cause_stack(counted(4.0, {{"device", 1.0, "VMM counters", ""},
                                         {"page faults", std::nullopt, "kvm_page_fault", "silent: ..."},
                                         {"msr+cr", std::nullopt, "tracefs", "not traced"}}));
  ASSERT_EQ(stack.segments.size(), 2u);
  EXPECT_TRUE(stack.segments[1].holds_unmeasured);
  EXPECT_DOUBLE_EQ(stack.segments[1].per_call, 3.0);
  ASSERT_EQ(stack.unmeasured.size(), 2u);
  EXPECT_EQ(stack.unmeasured[0], (std::pair<std::string, std::string>{"page faults", "silent: ..."}));
  EXPECT_EQ(stack.unmeasured[1].first, "msr+cr");
  for (const auto& s : stack.segments) EXPECT_NE(s.cause, "page faults");
}

TEST(CauseStack, WithoutAttributionTheWholeCountIsUnattributed) {
  auto stack = cause_stack(counted(3.25, {}));
  ASSERT_EQ(stack.segments.size(), 1u);
  EXPECT_EQ(stack.segments[0].cause, kUnattributedCause);
  EXPECT_DOUBLE_EQ(stack.segments[0].per_call, 3.25);
}

TEST(CauseStack, NegativeOrOverExplainingFiguresDrawNoNegativeLength) {
  auto stack = cause_stack(counted(1.0, {{"device", -0.5, "VMM counters", ""}, {"emulation batches", 1.5, "t", ""}}));
  ASSERT_EQ(stack.segments.size(), 2u);  // no rest: the causes exceed KVM's count
  EXPECT_EQ(stack.segments[0].per_call, 0);
  EXPECT_DOUBLE_EQ(*stack.total, 1.0);
}

TEST(CauseStack, NoKvmCountNoTotal) {
  auto stack = cause_stack(counted(std::nullopt, {}));
  EXPECT_FALSE(stack.total);
  EXPECT_TRUE(stack.segments.empty());
}

}  // namespace
}  // namespace vmm::bench
