"""Who can do what with each key: one access model computed from the captured resources, shared by
every report and diffed against a baseline report."""
