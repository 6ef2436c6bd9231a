"""The fields of a case study written in every language (see core.vocabulary)."""

from modeltranslation.translator import TranslationOptions, translator

from cases.models import CaseStudy


class CaseStudyTranslation(TranslationOptions):
    fields = ["title", "summary", "body"]


# The edit history keeps every language too.
translator.register([CaseStudy, CaseStudy.history.model], CaseStudyTranslation)
