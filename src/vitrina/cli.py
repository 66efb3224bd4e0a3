"""The ``vitrina`` command: Django's management commands plus Vitrina's own
(``demo``, ``sandbox``, ``token``, ``worker``) and
``generate-token-key``."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["generate-token-key"]:
        # Needed before a deployment has its settings complete, so Django is not loaded.
        from cryptography.fernet import Fernet

        print(Fernet.generate_key().decode())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
    # Django is imported only once its settings module is chosen.
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
