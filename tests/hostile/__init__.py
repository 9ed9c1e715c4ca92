"""Hostile inputs, made at test time: each must end in a clear message, in bounded time and memory."""
