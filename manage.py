#!/usr/bin/env python
"""Django's command-line utility for dluan."""

import os
import sys


def main():
    if "DJANGO_SETTINGS_MODULE" not in os.environ and sys.argv[1:2] == [
        "makemigrations"
    ]:
        # It reads the models only: with no settings named, the test settings
        # (which need no secret) do, so a bare `makemigrations --check` works.
        os.environ["DJANGO_SETTINGS_MODULE"] = "dluan.settings_test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dluan.settings")
    for index, arg in enumerate(sys.argv):
        # --settings, which Django reads itself later, names the module to check.
        if arg.startswith("--settings="):
            os.environ["DJANGO_SETTINGS_MODULE"] = arg.partition("=")[2]
        elif arg == "--settings" and index + 1 < len(sys.argv):
            os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[index + 1]
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        _ = settings.INSTALLED_APPS
    except ImproperlyConfigured as error:
        # Django would go on without its apps and fail later with "Models aren't
        # loaded yet": say what is wrong with the settings instead.
        sys.exit(
            f"dluan's settings: {error}\nSet it in the environment or in .env "
            "(`make run` writes DEBUG=1 there); `make test` uses dluan.settings_test."
        )

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
