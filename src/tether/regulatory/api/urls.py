app_name = "regulatory-api"
urlpatterns: list = []
