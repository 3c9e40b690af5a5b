from django.urls import path

from records.views import verify_page

urlpatterns = [
    # Printed in the QR code of every signed result; keep it stable.
    path("xac-thuc/<str:code>/", verify_page, name="result-verify"),
]
