"""Catalog: unions and their offers (publish, edit, close, search)."""
