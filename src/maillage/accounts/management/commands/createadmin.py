import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from maillage.accounts.bootstrap import create_platform_admin


class Command(BaseCommand):
    help = "Create a platform administrator (asks for the password unless --password-stdin)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="full name")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )

    def handle(self, *args, email, name, password_stdin, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"not a valid email address: {email!r}") from None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Mot de passe : ")
            if password != getpass.getpass("Confirmation : "):
                raise CommandError("the two passwords differ")
        try:
            user = create_platform_admin(email=email, full_name=name, password=password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"platform administrator ready: {user.email}")
