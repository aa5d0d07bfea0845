"""The fuzzing campaign's tally (tests/project/test_fuzz.py) at the end of the run."""


def pytest_terminal_summary(terminalreporter):
    lines = {
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, value in getattr(report, "user_properties", ())
        if name == "fuzz"
    }  # each of a test's reports (setup, call, teardown) carries them
    if lines:
        terminalreporter.section("fuzzing")
        for line in sorted(lines):
            terminalreporter.write_line(line)
