"""Stage 1 of the flow: every input becomes one validated `Answers`.

`model` declares the keys, `schema` reads them off the model, `codecs` turns YAML values
and `--set` text into each key's type, `rules` checks single answers and answers
together, `names` and `profiles` supply the derived defaults, `layers` states the
precedence of every source once, `resolve` puts it together, and `rebase` lets the
answers that only echoed an old name or server type follow a new one.
"""
