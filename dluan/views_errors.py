"""The 500 page: in the reader's language, or Vietnamese when it is not known yet.

400 is ``dluan.views.bad_request``; 403 and 404 are Django's own handlers
rendering ``403.html`` and ``404.html`` in the site's layout.
"""

from django.conf import settings
from django.utils import translation
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """Django's 500 page (``500.html``, rendered without context or database).

    When the failure came before the reader's language was set (the database down
    while their account was read), the thread may still hold a language left by
    another request: the page is then in the site's own.
    """
    language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        return defaults.server_error(request, template_name)
