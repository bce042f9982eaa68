"""The read-only API under /api/v1/ (Django REST framework)."""
