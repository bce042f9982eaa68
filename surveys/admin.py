from django.contrib import admin

from surveys.models import BankQuestion, Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "mode", "status", "starts_on", "ends_on"]
    list_filter = ["status", "mode"]
    search_fields = ["title"]
    raw_id_fields = ["unit", "created_by", "current_version"]


@admin.register(BankQuestion)
class BankQuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "unit"]
    search_fields = ["code", "label"]
    raw_id_fields = ["unit", "created_by"]
