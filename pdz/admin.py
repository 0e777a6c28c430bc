"""The audit trail in the admin: read-only for everyone, superusers included.

auditlog's own admin already refuses to add or change an entry, but lets a superuser delete
one when the deletion starts elsewhere; a trail someone can trim proves nothing, so here no
request deletes, and no list offers the bulk delete action.
"""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class VoceTracciaAdmin(LogEntryAdmin):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
