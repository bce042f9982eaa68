"""The Django admin covers every model, for administrators only."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from dluan.registry import PRODUCT_APPS as APPS

PRODUCT_APPS = ("dluan", *APPS)


def product_models():
    return [
        model
        for label in PRODUCT_APPS
        for model in apps.get_app_config(label).get_models()
    ]


def test_every_product_model_is_in_the_admin():
    missing = [
        m._meta.label for m in product_models() if not admin.site.is_registered(m)
    ]
    assert missing == []


@pytest.mark.parametrize("model", product_models(), ids=lambda m: m._meta.label)
def test_admin_lists_open_for_the_administrator(client_of, admin_user, model):
    if not admin.site.is_registered(model):
        pytest.fail(f"{model._meta.label} is not in the admin")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client_of(admin_user).get(url).status_code == 200


@pytest.mark.parametrize("persona", ["staff", "leader", "collaborator"])
def test_the_admin_is_closed_to_other_roles(request, client_of, persona):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
