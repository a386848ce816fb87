app_name = "board-api"
urlpatterns: list = []
