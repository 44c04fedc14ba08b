"""Sentences: body paragraphs split by spaCy's parser (``segment``), sentences split by page markup
glued back (``markupsplit``), run-ons cut for the models (``longsentences``), the parse windows and
each sentence's stretch of them (``docs``), the spaCy pipeline (``nlp``) and its attribute ruler by
table lookup (``attributes``)."""
