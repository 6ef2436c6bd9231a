"""The two staff roles, as groups: what a GECES editor and a GECES administrator may do.

An editor sees, adds and changes clusters, organisations, memberships, case studies,
thematic areas, correction suggestions and join requests, and moderates (publishes, rejects,
archives); sees the taxonomies, the e-mail alerts without their addresses, and the task
queue (e-mails that could not be sent, with the mail server's error). An administrator does
all that, deletes too, manages the taxonomies, the staff accounts and their sign-in
lockouts, and sees the alerts' addresses.
"""

from django.contrib.auth.management import create_permissions

EDITOR = "GECES editor"
ADMINISTRATOR = "GECES administrator"
CURATED = {
    "clusters": [
        "cluster",
        "organisation",
        "membership",
        "correctionsuggestion",
        "slugredirect",
        "organisationredirect",
    ],  # fmt: skip
    "cases": ["casestudy", "casestudylink"],
    "themes": ["thematicarea", "joinrequest"],
}
TAXONOMIES = {"clusters": ["fieldofactivity", "memberservice", "innovationtype"]}
ACCOUNTS = {"auth": ["user", "group"]}
# E-mail alerts: editors see how many there are and what they follow; administrators also
# see their addresses (reveal_alert) and may delete them.
ALERTS = {"alerts": ["alert"]}
# Sign-in attempts and lockouts (django-axes): administrators lift a lockout by deleting it.
SIGN_INS = {"axes": ["accessattempt", "accesslog", "accessfailurelog"]}
# The task queue's results (django-tasks-db): read only, in the admin.
TASK_RESULTS = {"django_tasks_database": ["dbtaskresult"]}


def codenames(models, actions):
    return [
        (app_label, f"{action}_{model}")
        for app_label, names in models.items()
        for model in names
        for action in actions
    ]


def create_roles(apps):
    """Create or update the two groups; `apps` is the app registry (a migration's own, or
    django.apps.apps)."""
    # Permissions are made after all migrations have run; the roles need them now. A
    # migration's app configs have no models module, which create_permissions skips: lend
    # them one for the call, and leave a real registry's as it was.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        # An earlier migration sees only the models made by then: those made later get their
        # permissions when a later migration calls this again.
        known = {model._meta.model_name for model in apps.get_models()}
        found = []
        for app_label, codename in pairs:
            if codename.split("_", 1)[1] in known:
                found.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
        return found

    editing = (
        codenames(CURATED, ["view", "add", "change"])
        + codenames(TAXONOMIES, ["view"])
        + codenames(TASK_RESULTS, ["view"])
    )
    editing += [("clusters", "moderate_cluster"), *codenames(ALERTS, ["view"])]
    administering = (
        editing
        + codenames(CURATED, ["delete"])
        + codenames(TAXONOMIES, ["add", "change", "delete"])
        + codenames(ACCOUNTS, ["view", "add", "change", "delete"])
        + codenames(SIGN_INS, ["view", "delete"])
        + codenames(ALERTS, ["delete", "reveal"])
    )
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.set(permissions(editing))
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.set(permissions(administering))
