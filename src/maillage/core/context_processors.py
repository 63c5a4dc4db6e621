from maillage.core.models import Notification, PlatformSettings


def platform(request):
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        "platform_name": PlatformSettings.current().name,
        "capabilities": user.capabilities if authenticated else frozenset(),
        "active_membership": getattr(request, "active_membership", None),
        "unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count()
        if authenticated
        else 0,
    }
