"""Staff workspace pages, one module per screen."""
