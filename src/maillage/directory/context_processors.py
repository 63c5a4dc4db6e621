from maillage.directory.access import receiving_organisation_ids


def directory(request):
    """Whether the navigation shows the orientations a structure receives."""
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {"receives_orientations": authenticated and bool(receiving_organisation_ids(user))}
