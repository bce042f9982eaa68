"""Reports' models, one module per part of the work, all re-exported here.

Django finds them by importing this package: ``from reports.models import X``
stays the one way to name a model.
"""

from .discipline import ReportingRecord, ReportingTally
from .filing import (
    Attachment,
    DraftsStayPrivate,
    OpinionReport,
    OpinionStream,
    ReportEvent,
    unsent_drafts,
)
from .issues import Direction, FollowUp, Issue
from .periods import ReportingPeriod
from .topics import FocusTopic, Topic, keeps_topics
from .warnings import EarlyWarning

__all__ = [
    "Attachment",
    "Direction",
    "DraftsStayPrivate",
    "EarlyWarning",
    "FocusTopic",
    "FollowUp",
    "Issue",
    "OpinionReport",
    "OpinionStream",
    "ReportEvent",
    "ReportingPeriod",
    "ReportingRecord",
    "ReportingTally",
    "Topic",
    "keeps_topics",
    "unsent_drafts",
]
