"""Authentication for every page: only the login and password pages are public."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse

PUBLIC_PREFIXES = ("/login/", "/static/", "/healthz", "/invite/")


class LoginRequiredMiddleware:
    """Sends anonymous visitors to the login page; the API answers 401 instead.

    Django 5.1 has its own LoginRequiredMiddleware, but it needs every public view
    decorated; listing the few public prefixes here keeps new views closed by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.user.is_authenticated or path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        if path.startswith("/api/") and not path.startswith(("/api/docs/", "/api/redoc/")):
            # The API authenticates tokens itself (DRF); let it answer 401 with its own body.
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            return JsonResponse({"detail": "Your session has expired."}, status=401)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
