"""One private PostgreSQL cluster for all the fault tests of a run (each test makes its own
database in it): restarting it disturbs nobody else's tests on the shared server."""

from __future__ import annotations

import pytest

from tests.faults.stack import PrivatePostgres, Stack


@pytest.fixture(scope="session")
def private_postgres():
    postgres = PrivatePostgres()
    postgres.init()
    postgres.start()
    yield postgres
    try:
        postgres.stop("immediate")
    finally:
        postgres.remove()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def make_stack(request, private_postgres):
    stacks: list[Stack] = []

    def make(**kwargs) -> Stack:
        stack = Stack(postgres=private_postgres, **kwargs)
        stacks.append(stack)
        return stack.__enter__()

    yield make
    for stack in stacks:
        if getattr(request.node, "call_failed", False):
            # What the workers, beat and web logged: the first thing to read after a failure.
            stack.dump_logs(tail=80)
        stack.__exit__(None, None, None)


@pytest.fixture
def report(capsys):
    """Print what a fault test injected and counted straight to the terminal (CI's log), past
    pytest's output capture."""

    def emit(test: str, **figures: object) -> None:
        with capsys.disabled():
            print(f"\n[faults] {test}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))

    return emit
