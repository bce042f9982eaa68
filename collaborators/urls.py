app_name = "collaborators"

urlpatterns: list = []
