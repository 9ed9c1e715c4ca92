"""Field extensions the extension tests share: one with a question of every kind, for both documents."""

from __future__ import annotations

from typing import Any

from mentoring_docs.extension import Extension, parse_extension

#: A question of every kind, asked in both documents (a date one level deeper, to cover groups).
EVERY_KIND: dict[str, Any] = {
    "id": "every-kind",
    "fields": [
        {"document": "both", "path": "program_questions.site", "label": "Site",
         "help": "Where the mentee works.", "kind": "text", "required": True},
        {"document": "both", "path": "program_questions.story", "label": "Story",
         "help": "How the pair met.", "kind": "long_text"},
        {"document": "both", "path": "program_questions.dates.kickoff", "label": "Kick-off",
         "help": "The day of the program's kick-off.", "kind": "date"},
        {"document": "both", "path": "program_questions.team_size", "label": "Team size",
         "help": "People in the mentee's team.", "kind": "integer", "minimum": 1, "maximum": 500},
        {"document": "both", "path": "program_questions.budget", "label": "Budget",
         "help": "Budget for learning, in euros.", "kind": "number", "minimum": 0, "maximum": 100000},
        {"document": "both", "path": "program_questions.remote", "label": "Remote",
         "help": "Does the mentee work remotely?", "kind": "yes_no"},
        {"document": "both", "path": "program_questions.track", "label": "Track",
         "help": "The program track.", "kind": "choice",
         "choices": [{"value": "leadership", "label": "Leadership"}, {"value": "data", "label": "Data & AI"},
                     "engineering"]},
        {"document": "both", "path": "program_questions.topics", "label": "Topics",
         "help": "Tick every topic.", "kind": "checkboxes",
         "choices": [{"value": "public_speaking", "label": "Public speaking"},
                     {"value": "writing", "label": "Writing"}, {"value": "hiring", "label": "Hiring"}]},
        {"document": "both", "path": "program_questions.books", "label": "Books",
         "help": "Books the pair will read.", "kind": "text_list", "rows": 2, "item_label": "Book"},
    ],
}


def every_kind() -> Extension:
    """:data:`EVERY_KIND` as an :class:`Extension`."""
    return parse_extension(EVERY_KIND)


def with_id(data: dict[str, Any], new_id: str) -> dict[str, Any]:
    """The same questions under another id (another extension, as a reader sees it)."""
    return {**data, "id": new_id}
