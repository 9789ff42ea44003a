#!/usr/bin/env bash
# The project's test suites, each timed and counted (Tests/tally.py), then a table and one line
# of totals. Assumes `make build` ran (the `make test` and `make check` targets do it).
#   Tests/run-all.sh              every suite (make test)
#   Tests/run-all.sh SUITE...     the named ones, in the order given (make check: lint swift c python)
set -uo pipefail
cd "$(dirname "$0")/.."
# Every suite is hermetic about AWS: credentials come only from what a test sets, never from
# this machine's profile files, and no suite waits on an instance metadata probe.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
all=(lint swift fuzz-replay integration c load python wheel examples asan tsan valgrind)

run_suite() {
    case "$1" in
    lint) bash Tests/lint.sh ;;
    swift) bash Tests/swift-tests.sh ;;
    fuzz-replay) bash fuzz/run.sh replay ;;
    integration) bash Tests/integration/run.sh ;;
    c) bash Tests/c/run.sh ;;
    load) bash Tests/load/run.sh ;;
    python) bash bindings/python/run-tests.sh ;;
    wheel) bash bindings/python/wheel-test.sh ;;
    examples) bash examples/run.sh ;;
    asan) bash Tests/sanitize.sh address ;;
    tsan) bash Tests/sanitize.sh thread ;;
    valgrind) bash Tests/sanitize.sh valgrind ;;
    *)
        echo "no suite named $1; the suites: ${all[*]}"
        return 2
        ;;
    esac
}

duration() {
    local s=$1
    if [ "$s" -ge 60 ]; then echo "$((s / 60)) min $((s % 60)) s"; else echo "$s s"; fi
}

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=("${all[@]}")
# Output goes through tee: keep Python's as live as on a terminal.
export PYTHONUNBUFFERED=1
logs=build/test-logs
mkdir -p "$logs"
rows=()
total_passed=0 total_failed=0 failed_suites=()
started=$SECONDS
for name in "${suites[@]}"; do
    echo "== $name"
    start=$SECONDS
    run_suite "$name" 2>&1 | tee "$logs/$name.log"
    status=${PIPESTATUS[0]}
    took=$((SECONDS - start))
    read -r passed failed counted < <(python3 Tests/tally.py "$status" <"$logs/$name.log")
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    [ "$status" -eq 0 ] || failed_suites+=("$name")
    echo "== $name: $passed passed, $failed failed in $(duration "$took"); counted: $counted"
    rows+=("$(printf '%-12s %10s %7s %7s  %s' "$name" "$(duration "$took")" "$passed" "$failed" "$counted")")
done

echo
echo "== summary: test cases as each suite's runners count them; a suite whose tools print no count counts as one"
printf '%-12s %10s %7s %7s  %s\n' suite time passed failed counted
printf '%s\n' "${rows[@]}"
echo "${#suites[@]} suites in $(duration $((SECONDS - started)))${failed_suites[*]:+; failed suites: ${failed_suites[*]}}"
echo "total: $total_passed passed, $total_failed failed"
[ ${#failed_suites[@]} -eq 0 ] && [ "$total_failed" -eq 0 ]
