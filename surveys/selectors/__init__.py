"""Surveys' reads, one module per page family: ``results`` (counts, weighted
shares, intervals, cross-tabs, trends), ``quotas`` (fill), ``review`` (queue)."""
