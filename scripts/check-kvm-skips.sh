#!/usr/bin/env bash
# After the test steps: which tests skipped for want of KVM (their skip
# message carries tests/needs_kvm.h's tag), read from each build tree's
# CTest log (BUILD/Testing/Temporary/LastTest.log, which keeps the output of
# every test, skipped ones included).
#
# Where /dev/kvm opens for reading and writing, any such skip is a failure:
# it hides exactly the failures only KVM shows (issue 14: the sanitizer
# tree's bench tests). Elsewhere the skips are expected; the count is
# printed, also as a "CI-NOTE:" line that .ci/run puts in its summary.
#
#   scripts/check-kvm-skips.sh build build-asan
set -uo pipefail
cd "$(dirname "$0")/.."
(($#)) || set -- build

tag='[needs KVM]'

# skipped_for_kvm LOG: the names of the tests that skipped with the tag.
skipped_for_kvm() {
  awk -v tag="$tag" '
    /^[0-9]+\/[0-9]+ Test: / { name = $3; tagged = 0; next }
    index($0, tag) { tagged = 1 }
    /^Skip regular expression found in output/ && tagged { print name }
  ' "$1"
}

# Opened as the tests open it (read-write); -c first, since bash's <>
# would create a missing /dev/kvm as a plain file.
kvm_opens() { [[ -c /dev/kvm ]] && (exec 3<>/dev/kvm) 2>/dev/null; }

total=0
missing=0
listed=()
for tree in "$@"; do
  log="$tree/Testing/Temporary/LastTest.log"
  if [[ ! -f $log ]]; then
    echo "check-kvm-skips: $tree: no CTest log ($log): its tests did not run"
    missing=1
    continue
  fi
  mapfile -t names < <(skipped_for_kvm "$log")
  echo "check-kvm-skips: $tree: ${#names[@]} tests skipped for want of KVM"
  total=$((total + ${#names[@]}))
  for n in "${names[@]}"; do listed+=("$tree: $n"); done
done

if kvm_opens; then
  if ((total)); then
    echo "check-kvm-skips: FAILED: /dev/kvm opens on this machine, yet $total tests skipped saying they need KVM:"
    printf '  %s\n' "${listed[@]}"
    echo "CI-NOTE: $total tests skipped for want of KVM on a machine that has it"
    exit 1
  fi
  echo "check-kvm-skips: /dev/kvm opens here and no test skipped for want of it"
  echo "CI-NOTE: KVM here ($([[ -d /sys/module/kvm_pvm ]] && echo kvm_pvm || echo hardware KVM)); no test skipped for want of it"
else
  echo "check-kvm-skips: this machine has no usable /dev/kvm: $total tests skipped for that reason (expected here)"
  echo "CI-NOTE: no /dev/kvm here; $total tests skipped for want of it"
fi
exit "$missing"
