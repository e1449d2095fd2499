"""Races for the PostgreSQL concurrency tests: calls started at the same moment, each in its own
thread with its own database connection (SQLite serialises writers, so those tests skip there)."""

import threading

from django.db import connections

from marketplace.errors import DomainError


def race(*calls, timeout=60):
    """Run the calls at once; returns (results, refused, errors): the calls' return values, the
    `DomainError`s they raised, and anything else they raised (repr), which a test reports."""
    barrier = threading.Barrier(len(calls))
    results, refused, errors = [], [], []

    def run(call):
        try:
            barrier.wait(timeout=30)
            results.append(call())
        except DomainError as exc:
            refused.append(exc)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, refused, errors
