"""The fields of a thematic area written in every language (see core.vocabulary)."""

from modeltranslation.translator import TranslationOptions, translator

from themes.models import ThematicArea


class ThematicAreaTranslation(TranslationOptions):
    fields = ["name", "description"]
    # A missing name is NULL, not "": names are unique in each language.
    empty_values = {"name": None, "description": ""}


# The edit history keeps every language too.
translator.register([ThematicArea, ThematicArea.history.model], ThematicAreaTranslation)
