#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairportal.settings")
    # Commands (migrate, seeding, exports, db_worker) may run statements longer than a web
    # request may: settings give them DJANGO_COMMAND_STATEMENT_TIMEOUT_MS (none by default).
    os.environ["FAIRPORTAL_MANAGEMENT_COMMAND"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
