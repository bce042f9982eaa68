"""A Party document (báo cáo) in the layout GLOSSARY.md describes, built once and
rendered as PDF and Word: the periodic summary's brief and a survey's report.

The document is a dict both renderers read::

    {"doc": {issuer_lines, number, place_date, title, subject, confidentiality,
             recipients, sign_for, sign_title, signer},
     "sections": [{"number": "I", "title": ..., "parts": [part, ...]}],
     "draft": bool, "confidentiality": "MẬT" | "TỐI MẬT" | ""}

A part (``blocks.part``) is an optional heading, then paragraphs, tables and
charts (``charts``: inline SVG, every datum escaped). Every value is plain text:
the formats escape it. ``pdf.render_document_pdf`` and ``word.render_document_docx``
render it, in Vietnamese whatever the reader's language.
"""
