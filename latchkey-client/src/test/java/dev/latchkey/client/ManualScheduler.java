package dev.latchkey.client;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose delayed tasks run only when the test says so: it records each delay asked for and holds the
 * task, so backoff and interval decisions are checked without waiting for them.
 */
final class ManualScheduler extends ScheduledThreadPoolExecutor {
  /** One scheduled task: the delay the client asked for, and the task (skipped if the client cancelled it). */
  record Task(Duration delay, Runnable body, ScheduledFuture<?> handle) {
    void run() {
      if (!handle.isCancelled()) {
        body.run();
      }
    }
  }

  private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();

  ManualScheduler() {
    super(1, r -> {
      Thread t = new Thread(r, "manual-scheduler");
      t.setDaemon(true); // never shut down by the client (it is the app's), so it must not hold the JVM
      return t;
    });
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    // The handle is a real future that never fires on its own; cancelling it is how the client drops the task.
    ScheduledFuture<?> handle = super.schedule(() -> { }, 365, TimeUnit.DAYS);
    tasks.add(new Task(Duration.ofNanos(unit.toNanos(delay)), command, handle));
    return handle;
  }

  /** The next task the client scheduled, waiting for it (the client schedules after an answer arrives). */
  Task next() throws InterruptedException {
    Task t = tasks.poll(20, TimeUnit.SECONDS);
    if (t == null) {
      throw new AssertionError("the client scheduled nothing within 20 s");
    }
    return t;
  }

  /** The tasks scheduled so far and not yet taken. */
  int pending() {
    return tasks.size();
  }
}
