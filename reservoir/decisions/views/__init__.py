"""Staff pages for contact rules: tables and their editor, the simulator, the decision log."""
