"""The pages a respondent opens without signing in (views/public.py)."""

from django.urls import path

from surveys.views import public

app_name = "answer"

urlpatterns = [
    path("s/<str:key>/", public.online, name="online"),
    path("s/<str:key>/thanks/", public.thanks, name="thanks"),
    path("p/<str:link_token>/", public.personal, name="personal"),
]
