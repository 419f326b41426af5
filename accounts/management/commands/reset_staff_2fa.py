import getpass

from django.core.management.base import BaseCommand, CommandError

from accounts import selectors, services
from accounts.models import User, normalize_login_email


class Command(BaseCommand):
    help = (
        "Remove a staff member's authenticator app and recovery codes (a lost phone); they set up "
        "a new one at their next log-in. Recorded in the admin's history of the account."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The account whose second factor is reset.")
        parser.add_argument(
            "--by",
            default="",
            help="E-mail of the superuser doing this, recorded as the one who did it "
            "(otherwise the change is recorded on the account itself with the system user's name).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be removed, change nothing."
        )

    def handle(self, *args, email, by, dry_run, verbosity, **options):
        user = User.objects.filter(email=normalize_login_email(email)).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {email}.")
        operator = None
        if by:
            operator = User.objects.filter(email=normalize_login_email(by), is_superuser=True).first()
            if operator is None:
                raise CommandError(f"--by must name a superuser; {by} is not one.")
        has_app = selectors.confirmed_totp_device(user) is not None
        if dry_run:
            self.stdout.write(
                f"Would reset the second factor of {user.email} "
                f"({'an authenticator app' if has_app else 'no authenticator app'}, "
                f"{selectors.recovery_codes_left(user)} recovery codes)."
            )
            return
        via = f"manage.py reset_staff_2fa, system user {getpass.getuser()}"
        if services.two_factor_reset(user=user, by=operator, via=via):
            if verbosity:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Second factor of {user.email} reset; it is set up again at the next log-in."
                    )
                )
        elif verbosity:
            self.stdout.write(f"{user.email} has no second factor; nothing to reset.")
