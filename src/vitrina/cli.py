"""The ``vitrina`` command: Django's management commands plus Vitrina's own
(``demo``, ``sandbox``, ``token``, ``worker``) and ``generate-token-key``.

Every misuse is answered with one plain line on stderr, not a traceback: settings that are
missing, a command that fails. ``--help`` works before a deployment has its secrets, and
``vitrina demo`` and ``vitrina sandbox`` run on a machine that has none (demo mode).
``VITRINA_DEBUG=1`` shows the traceback instead.
"""

import os
import sys

HELP = {"help", "--help", "-h"}
# Commands that need no deployment: on a machine without VITRINA_SECRET_KEY they run in
# demo mode, with generated keys under the data directory.
DEMO_COMMANDS = {"demo", "sandbox"}


def _fail(message: str, code: int = 2) -> None:
    print(f"vitrina: {message}", file=sys.stderr)
    sys.exit(code)


def _settings_problem() -> str | None:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 -- loads the settings module
    except ImproperlyConfigured as error:
        return str(error)
    return None


def _prepare(argv: list[str]) -> None:
    """Load the settings, or say in one line why they cannot be."""
    problem = _settings_problem()
    if problem is None:
        return
    command = argv[1] if len(argv) > 1 else "help"
    no_deployment = not os.environ.get("VITRINA_SECRET_KEY")
    if command in DEMO_COMMANDS and no_deployment and "VITRINA_DEMO" not in os.environ:
        os.environ["VITRINA_DEMO"] = "1"
    elif command in HELP or HELP & set(argv[2:]) or len(argv) == 1:
        # Help only describes the commands: throwaway keys, kept in this process alone.
        from cryptography.fernet import Fernet

        os.environ["VITRINA_SECRET_KEY"] = "help-only-" + Fernet.generate_key().decode()
        os.environ["VITRINA_TOKEN_KEY"] = Fernet.generate_key().decode()
    else:
        _fail(problem)
    problem = _settings_problem()
    if problem is not None:
        _fail(problem)


def _one_line_usage_errors() -> None:
    """argparse prints the whole usage before its error; one line says more."""
    from django.core.management.base import CommandError, CommandParser

    def error(parser, message):
        if not parser.called_from_command_line:
            raise CommandError(f"Error: {message}")  # call_command, as Django does
        _fail(f"{parser.prog.removeprefix('vitrina ')}: {message} (see {parser.prog} --help)")

    CommandParser.error = error


def _known_command(argv: list[str]) -> None:
    import django
    from django.core.management import get_commands

    django.setup()  # the apps' own commands are known once the apps are loaded
    name = argv[1] if len(argv) > 1 else ""
    if name and not name.startswith("-") and name not in HELP | {"version", *get_commands()}:
        _fail(f"unknown command {name!r}; `vitrina help` lists the commands")


def _explained(error: Exception) -> str:
    from django.db.utils import OperationalError, ProgrammingError

    text = str(error).splitlines()[0] if str(error) else ""
    if isinstance(error, OperationalError | ProgrammingError) and (
        "no such table" in text or "does not exist" in text
    ):
        return f"the database is not set up ({text}); run `vitrina migrate` first"
    return f"{error.__class__.__name__}: {text} (VITRINA_DEBUG=1 shows where)"


def main() -> None:
    if sys.argv[1:2] == ["generate-token-key"]:
        # Needed before a deployment has its settings complete, so Django is not loaded.
        from cryptography.fernet import Fernet

        print(Fernet.generate_key().decode())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
    # Django is imported only once its settings module is chosen.
    from django.core.management import execute_from_command_line

    debug = os.environ.get("VITRINA_DEBUG", "").lower() in {"1", "true", "yes", "on"}
    try:
        _prepare(sys.argv)
        _one_line_usage_errors()
        _known_command(sys.argv)
        execute_from_command_line(sys.argv)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:
        if debug:
            raise
        _fail(_explained(error), code=1)


if __name__ == "__main__":
    main()
