"""The API's URLs: each app's resources, the schema and its documentation."""

urlpatterns = []
