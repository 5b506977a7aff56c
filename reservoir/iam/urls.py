app_name = "iam"
urlpatterns: list = []
