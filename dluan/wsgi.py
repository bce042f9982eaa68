import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dluan.settings")
application = get_wsgi_application()

from dluan.db import enable_for_web  # noqa: E402 (needs the settings loaded)

enable_for_web()
