// The one way a test says it skipped for want of KVM. CI reads the tag
// (scripts/check-kvm-skips.sh): on a machine whose /dev/kvm opens, a test
// that skipped with it fails the run, as such a skip hides exactly the
// failures only KVM shows; elsewhere CI counts these skips and says so.
#pragma once

#define VMM_NEEDS_KVM_TAG "[needs KVM] "
