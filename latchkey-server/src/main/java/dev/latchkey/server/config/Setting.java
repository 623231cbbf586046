package dev.latchkey.server.config;

/** One documented setting: its variable name, its default as shown to people, and what it does. */
public record Setting(String name, String defaultValue, String description) {}
