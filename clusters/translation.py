"""The fields of the cluster taxonomies that are written in every language (see core.vocabulary)."""

from modeltranslation.translator import TranslationOptions, translator

from clusters.models import FieldOfActivity, InnovationType, MemberService


class TermTranslation(TranslationOptions):
    fields = ["name"]
    # A missing translation is NULL, not "": the names are unique in each language.
    empty_values = None


translator.register([FieldOfActivity, MemberService, InnovationType], TermTranslation)
