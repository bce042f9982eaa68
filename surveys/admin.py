from django.contrib import admin

from surveys.models import (
    Answer,
    Assignment,
    BankQuestion,
    Choice,
    PersonalLink,
    Question,
    QuestionnaireVersion,
    Response,
    Survey,
    SurveyCell,
    SurveyReport,
)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "mode", "status", "starts_on", "ends_on"]
    list_filter = ["status", "mode"]
    search_fields = ["title"]
    raw_id_fields = ["unit", "created_by", "current_version"]


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ["survey", "number", "created_at"]
    raw_id_fields = ["survey"]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["order", "value", "label", "is_other"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "version", "order", "required"]
    list_filter = ["kind"]
    search_fields = ["name", "label"]
    raw_id_fields = ["version", "bank_question"]
    inlines = [ChoiceInline]


@admin.register(Choice)
class ChoiceAdmin(admin.ModelAdmin):
    list_display = ["value", "label", "question", "is_other"]
    search_fields = ["value", "label"]
    raw_id_fields = ["question"]


@admin.register(BankQuestion)
class BankQuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "unit"]
    search_fields = ["code", "label"]
    raw_id_fields = ["unit", "created_by"]


@admin.register(SurveyCell)
class SurveyCellAdmin(admin.ModelAdmin):
    list_display = ["survey", "commune", "sex", "age_group", "population", "quota"]
    raw_id_fields = ["survey", "commune"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["survey", "collaborator", "commune", "target"]
    search_fields = ["collaborator__full_name"]
    raw_id_fields = ["survey", "collaborator", "commune"]


@admin.register(PersonalLink)
class PersonalLinkAdmin(admin.ModelAdmin):
    list_display = ["survey", "number", "commune", "used_at"]
    raw_id_fields = ["survey", "commune"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["pk", "survey", "mode", "state", "review", "submitted_at"]
    list_filter = ["mode", "state", "review"]
    raw_id_fields = [
        "survey",
        "version",
        "entered_by",
        "collaborator",
        "personal_link",
        "commune",
        "reviewed_by",
    ]
    # A province's survey holds hundreds of thousands: no full count per page.
    show_full_result_count = False


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["response", "question", "row", "choice", "number", "date"]
    raw_id_fields = ["response", "question", "choice"]
    show_full_result_count = False


@admin.register(SurveyReport)
class SurveyReportAdmin(admin.ModelAdmin):
    list_display = ["survey", "status", "approved_at"]
    raw_id_fields = ["survey", "edited_by", "approved_by"]
