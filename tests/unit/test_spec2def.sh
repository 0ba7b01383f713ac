#!/bin/sh
# Unit test of tools/spec2def: stdcall decorations per architecture.
srcdir=${1:-.}
passed=0 failed=0
spec=${TMPDIR:-/tmp}/spec2def-test.$$.spec
trap 'rm -f "$spec"' EXIT
cat > "$spec" <<'SPEC'
# comment
@ stdcall -private DllCanUnloadNow()
@ stdcall Mixed(ptr int64 long wstr double)
@ cdecl Plain(long)
SPEC

expect() { # name arch expected-line
    if "$srcdir/tools/spec2def" "$spec" "$2" | grep -qx "  $3"; then passed=$((passed + 1))
    else failed=$((failed + 1)); echo "FAIL $1: no line '$3' for $2"; fi
}
expect private-i686 i686 "DllCanUnloadNow@0 PRIVATE"
expect private-x64 x86_64 "DllCanUnloadNow PRIVATE"
expect stdcall-bytes i686 "Mixed@28"
expect stdcall-x64 x86_64 "Mixed"
expect cdecl-i686 i686 "Plain"
if printf 'bogus line\n' > "$spec" && "$srcdir/tools/spec2def" "$spec" i686 >/dev/null 2>&1; then
    failed=$((failed + 1)); echo "FAIL malformed spec accepted"
else passed=$((passed + 1)); fi
echo "test_spec2def: $passed passed, $failed failed"
[ $failed = 0 ]
