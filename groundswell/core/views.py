from django.http import HttpResponse
from django.shortcuts import render


def healthz(request):
    # Also the "trivial view" the benchmarks use as a ceiling.
    return HttpResponse("ok", content_type="text/plain")


def code_of_conduct(request):
    return render(request, "core/conduct.html")
