import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User, normalize_login_email

CREDENTIALS_FILE = settings.BASE_DIR / "var" / "local-admin.txt"


class Command(BaseCommand):
    help = (
        "Create the local organiser account used by `make run` if it does not exist and print "
        "how to log in. E-mail and password come from DJANGO_ADMIN_EMAIL and "
        "DJANGO_ADMIN_PASSWORD, or a random password is generated and kept in "
        "var/local-admin.txt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="", help="Defaults to DJANGO_ADMIN_EMAIL or admin@example.kz.")
        parser.add_argument(
            "--password", default="", help="Defaults to DJANGO_ADMIN_PASSWORD or a random one."
        )
        parser.add_argument(
            "--credentials-file",
            type=Path,
            default=CREDENTIALS_FILE,
            help="Where a generated password is kept (default: var/local-admin.txt).",
        )

    def handle(self, *args, **options):
        email = normalize_login_email(
            options["email"] or os.environ.get("DJANGO_ADMIN_EMAIL", "admin@example.kz")
        )
        password = options["password"] or os.environ.get("DJANGO_ADMIN_PASSWORD", "")
        if not settings.DEBUG and not password:
            # A generated password printed to a production log would be a leak.
            raise CommandError("Refusing to generate an admin password with DJANGO_DEBUG=false; give one.")

        credentials_file: Path = options["credentials_file"]

        if User.objects.filter(email=email).exists():
            hint = f"password in {credentials_file}" if credentials_file.exists() else "password unchanged"
            self.stdout.write(f"Admin account {email} exists ({hint}).")
            return

        if not password:
            password = secrets.token_urlsafe(12)
            credentials_file.parent.mkdir(parents=True, exist_ok=True)
            credentials_file.write_text(f"email: {email}\npassword: {password}\n")
            credentials_file.chmod(0o600)
        User.objects.create_superuser(email=email, password=password)
        self.stdout.write(
            self.style.SUCCESS(f"Created admin account — e-mail: {email}  password: {password}")
        )
