"""Surveys' models, one module per part of the work, all re-exported here."""

from .design import BankQuestion, Choice, Question, QuestionnaireVersion, Survey
from .report import SurveyReport
from .responses import Answer, Response
from .sample import Assignment, PersonalLink, SurveyCell
from .vocab import AgeGroup, Occupation, Sex

__all__ = [
    "AgeGroup",
    "Answer",
    "Assignment",
    "BankQuestion",
    "Choice",
    "Occupation",
    "PersonalLink",
    "Question",
    "QuestionnaireVersion",
    "Response",
    "Sex",
    "Survey",
    "SurveyCell",
    "SurveyReport",
]
