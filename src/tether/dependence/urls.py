app_name = "dependence"
urlpatterns = []
