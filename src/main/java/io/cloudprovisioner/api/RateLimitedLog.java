package io.cloudprovisioner.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One WARN line per interval at most, for events any client can cause at will (malformed requests): the first event
 * of an interval is logged, the others are counted and the count is appended to the next line. No stack traces.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final String what;
    private final AtomicLong next;
    private final AtomicInteger suppressed = new AtomicInteger();

    /** @param what names the suppressed events in the count, e.g. "malformed requests" */
    RateLimitedLog(Logger log, Duration interval, String what) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.what = what;
        this.next = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /** Logs {@code line} (one line: line breaks become spaces) unless a line was logged less than an interval ago. */
    void warn(String line) {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due >= 0 && next.compareAndSet(due, now + intervalNanos)) {
            int skipped = suppressed.getAndSet(0);
            String text = line.replaceAll("[\\r\\n]+", " ");
            if (skipped > 0) {
                text += " (" + skipped + " more " + what + " since the last line, not logged)";
            }
            log.warn(text);
        } else {
            suppressed.incrementAndGet();
        }
    }
}
