"""Counts what one suite of Tests/run-all.sh passed and failed, from the lines its runners print.

    python3 Tests/tally.py EXIT_STATUS < suite.log   ->   PASSED FAILED what was counted

Each runner's own summary counts: Swift Testing's "Test run with N tests", pytest's closing
line, and the plain "N passed, M failed" of the C runner, the fuzz replay and the examples. A
suite whose runners print several (the sanitizer suites run the C and the Swift tests) adds them
up. A suite that prints none counts as one: passed if it exited 0. A suite that exited non-zero
without any failure counted (a crash, a build error) counts one failure more.
"""
import re
import sys

SWIFT_RUN = re.compile(r"Test run with (\d+) tests?\b.* (?:passed|failed) after")
SWIFT_FAILED_TEST = re.compile(r"Test (?!run with )\S.* failed after")
PYTEST_SUMMARY = re.compile(r"^=*\s*((?:\d+ \w+(?:, )?)+) in [\d.]+s\b")
PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?)")
PLAIN = re.compile(r"^(?:[\w -]+: )?(\d+) passed, (\d+) failed(?:, \d+ skipped)?$")


def tally(lines, status):
    passed = failed = 0
    counted = []
    swift_total = swift_failed = None
    for line in lines:
        line = line.rstrip("\n")
        if m := SWIFT_RUN.search(line):
            swift_total = (swift_total or 0) + int(m.group(1))
        elif SWIFT_FAILED_TEST.search(line):
            swift_failed = (swift_failed or 0) + 1
        elif m := PYTEST_SUMMARY.match(line):
            counts = {kind.rstrip("s") if kind.startswith("error") else kind: int(n)
                      for n, kind in PYTEST_COUNT.findall(m.group(1))}
            passed += counts.get("passed", 0) + counts.get("xpassed", 0)
            failed += counts.get("failed", 0) + counts.get("error", 0)
            counted.append("pytest's tests")
        elif m := PLAIN.match(line):
            passed += int(m.group(1))
            failed += int(m.group(2))
            counted.append("its runner's 'N passed, M failed' line")
    if swift_total is not None:
        passed += swift_total - (swift_failed or 0)
        failed += swift_failed or 0
        counted.append("Swift Testing tests")
    if not counted:
        return (1, 0, "the suite (its tools print no count)") if status == 0 else (0, 1, "the suite (no count printed)")
    what = " + ".join(dict.fromkeys(counted))
    if status != 0 and failed == 0:
        failed += 1
        what += f", and the exit status {status}"
    return passed, failed, what


if __name__ == "__main__":
    p, f, what = tally(sys.stdin, int(sys.argv[1]))
    print(p, f, what)
