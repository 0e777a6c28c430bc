from django.shortcuts import render
from django.views.decorators.http import require_GET

from .permissions import ruoli_di


@require_GET
def profilo(request):
    return render(request, "accounts/profilo.html", {"ruoli": ruoli_di(request.user)})
