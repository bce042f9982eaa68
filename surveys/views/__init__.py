"""Surveys' views, one module per part of the work (see surveys/urls.py)."""
