"""JSON API v1: statistics, certificate verification, the communes of a province, and the
OpenAPI document that describes every one of its routes."""
