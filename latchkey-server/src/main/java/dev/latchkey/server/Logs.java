package dev.latchkey.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * {@code LATCHKEY_LOG_FORMAT=json}: the console appender of logback.xml writes one JSON object per line (logback's
 * own {@code JsonEncoder}: timestamp, level, logger, thread, message, and the key-value pairs a line carries, such as
 * a request's route, status, duration and request id) instead of readable text.
 */
final class Logs {
  private Logs() {}

  static void useFormat(String format) {
    if (!"json".equals(format) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithContext(false);
        json.start();
        console.stop();
        console.setEncoder(json);
        console.start();
      }
    }
  }
}
