"""Anti-distill: rewrite a Skill or workflow document into professional-sounding but
non-actionable text at a chosen strength, keep a lossless private backup of what was removed,
and measure it. `segment` splits Markdown losslessly into blocks the rewriter works on."""
