"""Sends opted-in reads to the replica, everything else to the primary (`default`).

See fairportal/db_routing.py for why reads opt in rather than out.
"""

from django.db import connections

from fairportal.db_routing import REPLICA_ALIAS, replica_configured, replica_requested


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # Inside a transaction on the primary, a read may depend on what the transaction wrote.
        if replica_requested() and replica_configured() and not connections["default"].in_atomic_block:
            return REPLICA_ALIAS
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read from the replica may point at one
        # read from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's WAL; nothing may be migrated there.
        return db == "default"
