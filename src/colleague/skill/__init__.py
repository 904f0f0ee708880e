"""Skills: build (claims → Skill), render (files), validate, write with versions."""
