"""Org units in the API: the user's unit and everything below it."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from dluan.api.views import ListApi
from dluan.models import OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "parent", "depth", "is_active"]


@extend_schema(tags=["units"])
class OrgUnitApi(ListApi):
    """Org units of the user's subtree, in the order of their ids."""

    serializer_class = OrgUnitSerializer
    keyset_ascending = True

    def get_queryset(self):
        return OrgUnit.objects.visible_to(self.request.user)


urlpatterns = [
    path("units/", OrgUnitApi.as_view({"get": "list"}), name="unit-list"),
]
