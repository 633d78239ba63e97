"""Statistics: rollups kept current on every event, dashboards, exports."""
