"""load: files → frozen, typed objects (``standpress.model``).

Every loader collects all the problems it finds, each with its file and place
(TOML ``line:column`` and dotted key; CSV/XLSX row and column), and raises one
``InputError`` at the end. Nothing here changes the text: typography is the
next stage's job.
"""
