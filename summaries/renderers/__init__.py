"""The summary's files: the brief as PDF and Word file, the workbook.

The brief's renderers take ``summaries.brief.brief_document``'s result, built once
per render; both read the snapshot's dates, changes and labels through
:mod:`summaries.renderers.values`, as the workbook does.
"""
