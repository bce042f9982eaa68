"""Roster pages, one module per part: staff manage their subtree, leaders read it,
collaborators see their own."""

PAGE_SIZE = 25
