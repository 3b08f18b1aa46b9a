"""One module per way of grabbing the screen; `capture.grab` picks one at run time."""
