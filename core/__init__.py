"""Foundations every app of the directory uses: they import no app of the project."""
