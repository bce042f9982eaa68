from django.utils.translation import pgettext_lazy

from dluan.registry import EVERYONE, STAFF, NavItem

NAV = [
    NavItem(
        pgettext_lazy("navigation", "Surveys"),
        "surveys:survey-list",
        EVERYONE,
        order=46,
        prefix="/surveys/",
    ),
    NavItem(
        pgettext_lazy("navigation", "Question bank"),
        "surveys:bank-list",
        STAFF,
        order=82,
        prefix="/surveys/bank/",
        group=pgettext_lazy("navigation", "Catalogues"),
    ),
]
