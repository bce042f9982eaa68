"""The brief's formats (PDF, Word), each rendering ``summaries.brief.brief_document``."""
