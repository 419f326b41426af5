"""Run one function from several threads at once, each on its own database connection."""

import threading

from django.db import connection


def at_once(function, arguments: list[tuple]) -> list:
    """Start `function(*args)` for every args together (a barrier), and return what each
    returned or raised, in no particular order. Needs `django_db(transaction=True)`."""
    barrier, outcomes = threading.Barrier(len(arguments)), []

    def run(*args):
        try:
            barrier.wait()
            outcomes.append(function(*args))
        except Exception as error:  # the caller asserts on what came back
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
