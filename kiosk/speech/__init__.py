"""Speech output for the kiosk."""
