"""collectstatic for smoke runs: the real settings, without the compressed copies.

The bench requests pages, never static files, and compressing the fonts and the
admin's files takes twenty seconds; the manifest (the hashed names the pages link
to) is the same.
"""

from dluan.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
