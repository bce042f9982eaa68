"""Report views, one module per part of the workflow."""
