app_name = "continuity"
urlpatterns = []
