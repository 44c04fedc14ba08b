"""The page: every line of an article classified (junk kinds, title, heading or body) before any
sentence is split. ``junk`` (one classifier per junk kind, line by line), ``lines`` (the page by
shape: boilerplate zones, the headline, cross-headings) and ``kinds`` (the two combined, with
captions and repeated lines, into one kind per line)."""
