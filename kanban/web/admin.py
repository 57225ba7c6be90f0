"""Admin pages: the team, pipelines and stages."""
