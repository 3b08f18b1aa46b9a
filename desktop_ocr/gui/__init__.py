"""The desktop window: Tk widgets and dialogs that talk to the services, never the engine."""
