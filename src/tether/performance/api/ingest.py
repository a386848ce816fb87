"""The bulk measurement endpoint and the batches it creates."""

urlpatterns = []
