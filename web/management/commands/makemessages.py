"""Django's makemessages, which also reads the Jinja2 templates of the public pages (web/jinja2/).

Django's own reads templates with its template syntax's rules and would miss Jinja2's
{% trans %} blocks; these files are read by Jinja2's extractor instead, and handed to xgettext
as the gettext() and ngettext() calls they amount to, on their own lines.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.commands import makemessages

from web.jinja import template_messages


class BuildFile(makemessages.BuildFile):
    def preprocess(self) -> None:
        path = Path(self.path)
        if not self.is_templatized or "jinja2" not in path.parts:
            super().preprocess()
            return
        source = path.read_text(encoding="utf-8")
        lines = [""] * (source.count("\n") + 1)
        for line, message in template_messages(source):
            if isinstance(message, tuple):
                lines[line - 1] += f"ngettext({message[0]!r}, {message[1]!r}, n); "
            else:
                lines[line - 1] += f"gettext({message!r}); "
        Path(self.work_path).write_text("\n".join(lines), encoding="utf-8")


class Command(makemessages.Command):
    build_file_class = BuildFile
