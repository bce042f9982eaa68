"""Surveys' forms, one module per part of the work (``respondent`` is what every
collecting page asks first)."""
