"""What several test modules need, registered as plugins by the root conftest.

- ``broker``: the real Redis broker (``real_broker``), a Celery worker, waiting;
- ``pdf``: the text of a PDF, a local server that counts what a renderer fetches;
- ``pages``: the HTML checks and axe-core's WCAG checks on a page;
- ``walk``: the URL walk's policy tables, its ``world`` and its requests.

Test modules import helpers from here, never from one another.
"""
