package dev.latchkey.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The raw text of every setting and where it came from: {@code LATCHKEY_*} environment variables and, when
 * {@code LATCHKEY_CONFIG_FILE} names one, a properties file with the same keys (the environment wins). An empty
 * value counts as unset.
 */
record Source(Map<String, String> values, Map<String, String> origin) {
  static Source of(Map<String, String> environment) {
    Map<String, String> values = new HashMap<>();
    Map<String, String> origin = new HashMap<>();
    String file = environment.get(SettingsCatalog.CONFIG_FILE.name());
    if (file != null && !file.isBlank()) {
      Properties props = new Properties();
      try (Reader r = Files.newBufferedReader(Path.of(file))) {
        props.load(r);
      } catch (IOException e) {
        throw new ConfigException(SettingsCatalog.CONFIG_FILE.name() + "=" + file + ": cannot read it ("
            + e.getMessage() + ")");
      }
      for (String key : props.stringPropertyNames()) {
        if (SettingsCatalog.ALL.stream().noneMatch(setting -> setting.name().equals(key))) {
          // A misspelt key (LATCHKEY_PROT) would otherwise be ignored and the default used without a word.
          throw new ConfigException("Unknown key " + key + " in " + file
              + ": the config file takes only the LATCHKEY_* settings listed in the README");
        }
        values.put(key, props.getProperty(key).strip());
        origin.put(key, "the config file " + file);
      }
    }
    environment.forEach((k, v) -> {
      if (k.startsWith("LATCHKEY_") && v != null && !v.isEmpty()) {
        values.put(k, v);
        origin.put(k, "the environment");
      }
    });
    return new Source(values, origin);
  }

  /** Where the value of {@code name} came from, for messages. */
  String where(String name) {
    return origin.getOrDefault(name, "the default");
  }

  /** The text of {@code name}, or null when unset or empty. */
  String raw(String name) {
    String v = values.get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /** The value of {@code setting}, or its default. */
  <T> T read(Setting<T> setting) {
    return setting.read(this);
  }
}
