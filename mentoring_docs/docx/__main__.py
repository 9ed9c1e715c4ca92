"""``python -m mentoring_docs.docx``: regenerate the built-in Word templates."""

import sys

from .template import main

sys.exit(main(sys.argv[1:]))
