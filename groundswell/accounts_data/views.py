import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from groundswell.accounts_data.forms import AccountDeleteForm
from groundswell.accounts_data.models import DataExport, ExportStatus
from groundswell.accounts_data.services import (
    account_delete,
    account_deletion_blockers,
    account_deletion_orphans,
    data_export_request,
    data_exports_for,
)
from groundswell.core.forms import add_service_errors


@login_required
def my_data(request):
    exports = list(data_exports_for(user=request.user))
    pending = any(e.status == ExportStatus.PENDING for e in exports)
    return render(request, "accounts_data/my_data.html", {"exports": exports, "pending": pending})


@login_required
@require_POST
def export_request(request):
    data_export_request(user=request.user)
    messages.success(request, "Your data is being prepared. This page shows when it is ready.")
    return redirect("accounts_data:my_data")


@login_required
def export_download(request, export_id):
    # Only the owner learns that the export exists at all.
    export = DataExport.objects.filter(pk=export_id, owner=request.user).first()
    if export is None:
        raise Http404
    if export.is_expired:
        return render(request, "accounts_data/export_expired.html", status=410)
    if export.status != ExportStatus.READY:
        return redirect("accounts_data:my_data")
    response = HttpResponse(
        json.dumps(export.content, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = export.created_at.strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="groundswell-my-data-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def account_delete_view(request):
    blockers = account_deletion_blockers(user=request.user)
    orphans = account_deletion_orphans(user=request.user)
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and not blockers and not orphans and form.is_valid():
        try:
            account_delete(user=request.user, keep_contributions=form.keep_contributions)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            messages.success(request, "Your account is deleted. Thank you for taking part.")
            return redirect("home")
    return render(
        request,
        "accounts_data/delete.html",
        {"form": form, "blockers": blockers, "orphans": orphans},
    )
