"""Reads that may go to a read replica (DATABASE_REPLICA_URL): work in progress.

``reads_from_replica`` marks a view or a job whose reads may be served by the
replica; until the router is built it changes nothing.
"""

import functools


def reads_from_replica(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper
