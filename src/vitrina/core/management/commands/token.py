"""``vitrina token create --user NAME``: print a new personal API token."""

from django.core.management.base import BaseCommand, CommandError

from vitrina.core.models import ApiToken, User
from vitrina.core.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="command line")
        listing = sub.add_parser("list", help="List a user's active tokens.")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a token by the prefix it starts with.")
        revoke.add_argument("--user", required=True)
        revoke.add_argument("prefix")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        return user

    def handle(self, *args, action, user, **options):
        person = self._user(user)
        if action == "create":
            _token, raw = api_token_create(user=person, name=options["name"])
            self.stdout.write(raw)
        elif action == "list":
            for token in ApiToken.objects.filter(user=person, revoked_at__isnull=True):
                self.stdout.write(f"{token.prefix}…  {token.name}  {token.created_at:%Y-%m-%d}")
        else:
            tokens = ApiToken.objects.filter(
                user=person, prefix__startswith=options["prefix"][:9], revoked_at__isnull=True
            )
            if not tokens:
                raise CommandError("No active token starts like that.")
            for token in tokens:
                api_token_revoke(token=token)
            self.stdout.write(f"Revoked {len(tokens)} token(s).")
