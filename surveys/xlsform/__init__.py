"""Questionnaires as XLSForm (the ``survey`` and ``choices`` sheets of ODK and Kobo).

The subset dluan asks is written and read back the same:

========================  ==========================================================
dluan                     XLSForm
========================  ==========================================================
section heading           ``begin_group`` (no appearance) … ``end_group``
single choice             ``select_one <list>``
rating scale              ``select_one <list>``, appearance ``likert``
multiple choice           ``select_multiple <list>``
grid of rating rows       ``begin_group`` appearance ``table-list``, one
                          ``select_one <list>`` per row named ``<grid>_<row>``
number (min, max)         ``decimal`` (``integer`` read too), constraint
                          ``. >= 18 and . <= 100``
short / long text         ``text`` / ``text`` appearance ``multiline``
date                      ``date``
"Khác (ghi rõ)"           the choice, then ``text`` ``<name>_other`` relevant
                          ``selected(${name}, '<code>')``
show-if rule              ``relevant``: ``${q} = 'a'``, ``selected(${q}, 'a')``,
                          ``and``, ``or``, parentheses
========================  ==========================================================

A "one of" rule on a choice question is written as ``selected()`` joined by
``or`` and read back as "one of". Anything else (a ``note``, a ``calculate``, a
column dluan does not keep, an expression outside the subset) is named with its
sheet and row, and nothing is imported. ``start``, ``end`` and ``today`` rows are
accepted: every response records when it started and ended anyway.

The parts: ``sheets`` (sheet and column names, a workbook read into rows, the
list of problems), ``expressions`` (show-if rules to ``relevant`` and back),
``write`` (the questionnaire as a workbook), ``survey_sheet`` (the survey
sheet's rows read into questions) and ``read`` (the form checked and read, then
imported), all re-exported here.
"""

from .expressions import rule_to_xpath, xpath_to_rule
from .read import (
    parse_form,
    pyxform_check,
    questionnaire_replace,
    read_upload,
    xlsform_import,
)
from .sheets import Problems, read_sheets
from .survey_sheet import Parsed
from .write import form_sheets, render_xlsform

__all__ = [
    "Parsed",
    "Problems",
    "form_sheets",
    "parse_form",
    "pyxform_check",
    "questionnaire_replace",
    "read_sheets",
    "read_upload",
    "render_xlsform",
    "rule_to_xpath",
    "xlsform_import",
    "xpath_to_rule",
]
