"""Live chat: widget, queue, assignment, agent chat console."""
