"""Spreadsheet import in the admin: a file is checked whole, previewed, and saved all at
once or not at all.

- The file is refused at once, before any row is read, when it is larger than
  MAX_IMPORT_BYTES or has more than MAX_IMPORT_ROWS rows, when it cannot be read (its
  encoding, its format) or when its columns are not the import's: the message says what to
  do.
- The preview reads every row and writes nothing (clusters.resources), so it holds no lock
  and public pages go on as before.
- Confirming checks the file again, then saves every row in one transaction, in bulk: the
  database is locked for writing only while the rows are written (a thousand rows in about
  a second), and a row that has become wrong meanwhile saves nothing at all. The report
  counts what was written. The file waits for the confirmation in the cache, under a random
  token bound to the staff member who previewed it; a second confirmation finds nothing and
  says so.
"""

import secrets
from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.forms import ImportForm

from clusters.duplicates import flag_possible_duplicates_of_new
from clusters.models import (
    RESERVED_SLUGS,
    Cluster,
    ClusterChange,
    JoinedThematicArea,
    SlugRedirect,
)
from clusters.resources import IMPORT_REASON, PREVIEW_ROWS, ClusterResource
from clusters.services import moderation
from clusters.services.members import set_memberships
from clusters.spreadsheets import FORMATS, UnreadableFile
from core.page_cache import directory_changed
from core.text import make_slug, unique_slug

# The largest file the import takes, in bytes and in rows: confirming this many rows (checking
# them again and saving them) stays within the app server's 30-second timeout on a busy
# two-CPU machine under `make load`, where a thousand did not (see README).
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 500
# As unique_slug() cuts a name, leaving room for a number.
SLUG_BASE_LENGTH = Cluster._meta.get_field("slug").max_length - 4
# How long a previewed file waits for its confirmation.
PENDING_SECONDS = 60 * 60
PENDING_KEY = "cluster-import-{token}"
# Columns that the save writes, besides the derived ones.
WRITTEN_FIELDS = [
    field.name
    for field in Cluster._meta.concrete_fields
    if not field.primary_key
    and field.name not in ("created_at", "search_text", "search_document", "member_types")
]


def import_limits():
    return _("at most %(megabytes)s MB and %(rows)s rows") % {
        "megabytes": MAX_IMPORT_BYTES // (1024 * 1024),
        "rows": f"{MAX_IMPORT_ROWS:,}",
    }


def column_problems(headers, resource):
    """What is wrong with a file's first line, in sentences; empty when nothing is."""
    expected = [field.column_name for field in resource.get_import_fields()]
    named = [str(header or "").strip() for header in headers]
    problems = []
    # A new cluster needs its name; an existing one is found by its slug too.
    missing = [] if {"name", "slug"} & set(named) else ["name"]
    unknown = [column for column in named if column and column not in expected]
    repeated = sorted(column for column, count in Counter(named).items() if column and count > 1)
    if missing:
        problems.append(_("Missing column: %s.") % ", ".join(missing))
    if unknown:
        problems.append(_("Unknown columns: %s.") % ", ".join(unknown))
    if repeated:
        problems.append(_("Columns named twice: %s.") % ", ".join(repeated))
    if problems:
        problems.append(
            _(
                "The first line of the file names the columns. The import knows: %s "
                "(name is required, or slug to change existing clusters only; export the clusters "
                "to get a file with all of them)."
            )
            % ", ".join(expected)
        )
    return problems


class ClusterImportForm(ImportForm):
    """The file to import, refused at once when it is too large, cannot be read or has
    other columns than the import's; `dataset` is what it holds."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        self.resource_classes = resources
        self.fields["import_file"].help_text = gettext_lazy(
            "CSV in UTF-8 (or UTF-16), or XLSX; %(limits)s."
        ) % {"limits": import_limits()}

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("import_file")
        if upload is not None and not self.has_error("format"):
            try:
                self.read(upload, self.formats[int(cleaned_data["format"])]())
            except forms.ValidationError as problem:
                self.add_error("import_file", problem)
        return cleaned_data

    def read(self, upload, file_format):
        """Set `content` and `dataset` from the file, or raise what is wrong with it."""
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB: the import takes files of %(limits)s. Split it.")
                % {"size": f"{upload.size / (1024 * 1024):.1f}", "limits": import_limits()}
            )
        self.content = upload.read()
        try:
            self.dataset = file_format.create_dataset(self.content)
        except UnreadableFile as problem:
            raise forms.ValidationError(str(problem)) from None
        except Exception:  # a parser's own error says nothing a person can act on
            raise forms.ValidationError(
                _("The file cannot be read as %(format)s. Check the format chosen.")
                % {"format": file_format.get_title().upper()}
            ) from None
        problems = column_problems(self.dataset.headers or [], self.resource_classes[0]())
        if problems:
            raise forms.ValidationError(problems)
        if not len(self.dataset):
            raise forms.ValidationError(_("The file has no rows under its first line."))
        if len(self.dataset) > MAX_IMPORT_ROWS:
            raise forms.ValidationError(
                _("The file has %(count)s rows: the import takes files of %(limits)s. Split it.")
                % {"count": f"{len(self.dataset):,}", "limits": import_limits()}
            )


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


def read_rows(dataset, user):
    """Check every row of `dataset`, writing nothing: (the result to show, the resource,
    whose `planned` rows are what saving would write)."""
    resource = ClusterResource()
    result = resource.import_data(
        dataset, dry_run=False, use_transactions=False, raise_errors=False, user=user
    )
    return result, resource


class ChangedMeanwhile(Exception):
    """The directory changed between the check of a file and its save."""


def save_planned(planned, user):
    """Write the rows of a checked file, all in one transaction and in bulk; then flag the
    new clusters' possible duplicates. Returns {"new": n, "updated": n}."""
    now = timezone.now()
    new = [row.cluster for row in planned if row.new]
    changed = [row.cluster for row in planned if not row.new]
    try:
        with transaction.atomic():
            check_still_there(planned)
            for cluster in new + changed:
                cluster.fill_derived()
                cluster.updated_at = now
            give_slugs(new)
            Cluster.objects.bulk_create(new, batch_size=500)
            Cluster.objects.bulk_update(changed, WRITTEN_FIELDS, batch_size=200)
            # Written in bulk, without signals: the changes API hears of them here.
            ClusterChange.objects.record(
                Cluster.objects.filter(pk__in=[c.pk for c in new]), new=True
            )
            ClusterChange.objects.record(Cluster.objects.filter(pk__in=[c.pk for c in changed]))
            save_terms(planned)
            record_history(new, changed, user, now)
            with_members = {row.cluster: row.members for row in planned if row.members is not None}
            # Their derived columns are refreshed with their members; the others' here.
            set_memberships(with_members, IMPORT_REASON)
            Cluster.objects.filter(
                pk__in=[cluster.pk for cluster in new + changed if cluster not in with_members]
            ).refresh_derived()
            # A status the file asks for goes through moderation, as the entry's buttons do
            # (a publication e-mails the submitter): one entry at a time, and rarely many.
            for row in planned:
                if row.status:
                    moderation.change_status(row.cluster, row.status, by=user, reason=IMPORT_REASON)
            for flag, clusters in ((ADDITION, new), (CHANGE, changed)):
                if clusters:
                    LogEntry.objects.log_actions(
                        user.pk, clusters, flag, change_message=IMPORT_REASON
                    )
    except IntegrityError as problem:
        raise ChangedMeanwhile(str(problem)) from problem
    directory_changed()
    # Outside the transaction: a read of their countries' clusters, and a small write.
    flag_possible_duplicates_of_new(new)
    return {"new": len(new), "updated": len(changed)}


def check_still_there(planned):
    """Raise ChangedMeanwhile if a cluster or a term the rows refer to has gone since they
    were checked: one query a kind."""
    wanted = {Cluster: {row.cluster.pk for row in planned if not row.new}}
    for row in planned:
        for terms in row.terms.values():
            for term in terms:
                wanted.setdefault(type(term), set()).add(term.pk)
    for model, pks in wanted.items():
        if pks and model.objects.filter(pk__in=pks).count() != len(pks):
            raise ChangedMeanwhile(
                _("Some %(kind)s the file names were deleted after it was checked.")
                % {"kind": model._meta.verbose_name_plural}
            )


def give_slugs(clusters):
    """A slug for each new cluster the file gives none: its name's, unless taken (two
    queries for all; a taken one then looks further on its own)."""
    wanted = [
        (cluster, make_slug(cluster.name, SLUG_BASE_LENGTH))
        for cluster in clusters
        if not cluster.slug
    ]
    slugs = [slug for _cluster, slug in wanted]
    taken = set(RESERVED_SLUGS) | {cluster.slug for cluster in clusters if cluster.slug}
    taken |= set(Cluster.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    taken |= set(SlugRedirect.objects.filter(old_slug__in=slugs).values_list("old_slug", flat=True))
    for cluster, slug in wanted:
        if slug in taken:
            slug = unique_slug(
                cluster, cluster.name, reserved=taken, taken_elsewhere=SlugRedirect.exists
            )
        cluster.slug = slug
        taken.add(slug)


def save_terms(planned):
    """The taxonomies and thematic areas of the rows that have their columns: two queries
    a relation."""
    for name in ClusterResource.TERM_FIELDS:
        rows = [row for row in planned if name in row.terms]
        if not rows:
            continue
        through = getattr(Cluster, name).through
        term_column = getattr(Cluster, name).field.m2m_reverse_field_name()
        through.objects.filter(cluster__in=[row.cluster.pk for row in rows]).delete()
        through.objects.bulk_create(
            [
                through(cluster_id=row.cluster.pk, **{f"{term_column}_id": term.pk})
                for row in rows
                for term in row.terms[name]
            ],
            batch_size=1000,
        )
        if name == "thematic_areas":
            # Written without signals: the date each link was made is set here.
            JoinedThematicArea.objects.sync([row.cluster.pk for row in rows])


def record_history(new, changed, user, now):
    """A version of each written cluster in its history, with its taxonomies as saved, as
    a change made in the admin records one."""
    records = []
    for clusters, update in ((new, False), (changed, True)):
        if clusters:
            records += Cluster.history.bulk_history_create(
                clusters,
                update=update,
                default_user=user,
                default_change_reason=IMPORT_REASON,
                default_date=now,
            )
    version = {record.id: record.history_id for record in records}
    history_models = {
        relation.related_model.__name__: relation.related_model
        for relation in Cluster.history.model._meta.related_objects
    }
    for field in Cluster.history.model._history_m2m_fields:
        through = getattr(Cluster, field.name).through
        history_model = history_models[f"{Cluster.history.model.__name__}_{field.name}"]
        history_model.objects.bulk_create(
            [
                history_model(history_id=version[link["cluster_id"]], **link)
                for link in through.objects.filter(cluster__in=list(version)).values()
            ],
            batch_size=1000,
        )


class ClusterImportMixin:
    """The admin's import and confirmation steps, as the module docstring says."""

    import_form_class = ClusterImportForm
    import_template_name = "admin/clusters/cluster/import.html"

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        context = {}
        if request.method == "POST" and form.is_valid():
            result, _resource = read_rows(form.dataset, request.user)
            context["result"] = result
            if not result.has_errors() and not result.has_validation_errors():
                token = secrets.token_hex(16)
                cache.set(
                    PENDING_KEY.format(token=token),
                    {
                        "user": request.user.pk,
                        "format": int(form.cleaned_data["format"]),
                        "content": form.content,
                    },
                    PENDING_SECONDS,
                )
                context["confirm_form"] = ConfirmImportForm(initial={"token": token})
        return self.import_page(request, form, context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        pending = self.take_pending(request)
        if pending is None:
            self.message_user(
                request,
                _(
                    "There is no previewed file waiting for this confirmation: it was saved "
                    "already, or its preview is more than an hour old. Nothing was imported "
                    "now. To import a file, upload it again."
                ),
                messages.ERROR,
            )
            return redirect("admin:clusters_cluster_import")
        dataset = FORMATS[pending["format"]]().create_dataset(pending["content"])
        result, resource = read_rows(dataset, request.user)
        if not result.has_errors() and not result.has_validation_errors():
            try:
                saved = save_planned(resource.planned, request.user)
            except ChangedMeanwhile as problem:
                self.message_user(
                    request,
                    _("Nothing was imported: %(problem)s Upload the file again to check it.")
                    % {"problem": problem},
                    messages.ERROR,
                )
                return redirect("admin:clusters_cluster_import")
            self.message_user(
                request,
                _("Import saved: %(new)d new, %(updated)d updated, %(skipped)d unchanged.")
                % {**saved, "skipped": len(dataset) - len(resource.planned)},
                messages.SUCCESS,
            )
            return redirect("admin:clusters_cluster_changelist")
        # The directory changed since the preview, so that a row is now wrong.
        self.message_user(
            request,
            _("Nothing was imported: the file is no longer valid. Correct it and upload it again."),
            messages.ERROR,
        )
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        return self.import_page(request, form, {"result": result}, status=409)

    @staticmethod
    def take_pending(request):
        """The previewed file this confirmation names, for this staff member, once."""
        form = ConfirmImportForm(request.POST)
        if not form.is_valid():
            return None
        key = PENDING_KEY.format(token=form.cleaned_data["token"])
        pending = cache.get(key)
        # Whoever deletes it first confirms it: two clicks save the file once.
        if pending is None or pending["user"] != request.user.pk or not cache.delete(key):
            return None
        return pending

    def import_page(self, request, form, context, status=200):
        request.current_app = self.admin_site.name
        resource = ClusterResource()
        return TemplateResponse(
            request,
            [self.import_template_name],
            {
                **self.admin_site.each_context(request),
                **context,
                "title": _("Import"),
                "form": form,
                "opts": self.model._meta,
                "media": self.media + form.media,
                "fields_list": [
                    (
                        resource.get_display_name(),
                        [field.column_name for field in resource.get_user_visible_fields()],
                    )
                ],
                "import_error_display": self.import_error_display,
                "import_limits": import_limits(),
                "preview_rows": PREVIEW_ROWS,
            },
            status=status,
        )
