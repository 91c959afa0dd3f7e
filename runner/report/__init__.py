"""The static report: the history as a site that opens from file:// with no network.

Owns `write_site` (an index of every spec, a page per spec and a page per run, written
whole and swapped into place), the pages' contents, their Jinja2 templates (shipped as
package data in `templates/`, autoescaped) and their matplotlib plots (SVG, inline).
Jinja2 and matplotlib are imported only when a report is written. May import `history`
and every layer below it; only the CLI and the batch import this package.
"""
