"""Statistics: rollups, dashboards, exports."""
