"""Administrative units of Việt Nam: the 2025 map and the pre-2025 provinces."""
