from django import forms

from dluan.forms import limit_length
from surveys.models import SurveyReport
from surveys.services.report import FIELDS


class ReportForm(forms.ModelForm):
    class Meta:
        model = SurveyReport
        fields = list(FIELDS)
        widgets = {
            "findings": forms.Textarea(attrs={"rows": 8}),
            "assessment": forms.Textarea(attrs={"rows": 5}),
            "recommendations": forms.Textarea(attrs={"rows": 5}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self, "findings", "assessment", "recommendations", "recipients")
