"""Pages that receive measurements: file upload, batch results, the portal's form."""

urlpatterns = []
