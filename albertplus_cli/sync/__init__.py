"""Convex's sync protocol over WebSocket: sessions, shared subscriptions, range-precise invalidation."""
