"""The OLED: opening the luma panel, drawing rendered frames, dimming and sleeping it."""
