"""The run record: its typed model, its JSON Schema, and its storage (atomic writes,
finding and loading records, telling an abandoned run from a running one). Everything that
reads runs afterwards (show, batch resume, history) goes through here. Imports `spec` and
`errors` only.
"""
